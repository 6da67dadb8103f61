// gemm.cpp — see gemm.h.
//
// The kernel packs op(B) into panels of 8 columns (K rows of 8 contiguous floats, zero-padded)
// and op(A) into blocks of 4 rows (K columns of 4 contiguous floats), then computes each 4×8 tile
// of C in 8 vector accumulators: per k, two loads of B, four broadcasts of A, eight multiply-adds.
// The accumulators stay in registers (the x86-64 and WASM engines have 16), so the inner loop
// does no memory traffic beyond the packed operands.
#include "core/gemm.h"

#include "core/simd.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace attn {

namespace {

using simd::f4;
using simd::load4;
using simd::splat;
using simd::store4;

constexpr int MR = 4;  // rows of a tile
constexpr int NR = 8;  // columns of a tile: two vectors

// Scratch for the packed operands, reused across calls (the library is single-threaded per
// thread; each thread has its own).
thread_local std::vector<float> packed_a, packed_b;

void pack_b(int N, int K, const float* b, int ldb, Op op_b, float* out) {
    for (int j0 = 0; j0 < N; j0 += NR) {
        const int nr = std::min(NR, N - j0);
        for (int k = 0; k < K; ++k, out += NR) {
            if (op_b == Op::N) {
                const float* row = b + static_cast<std::ptrdiff_t>(k) * ldb + j0;
                if (nr == NR) {
                    std::memcpy(out, row, NR * sizeof(float));
                    continue;
                }
                for (int c = 0; c < NR; ++c) out[c] = c < nr ? row[c] : 0.0f;
            } else {
                for (int c = 0; c < NR; ++c) {
                    out[c] = c < nr ? b[static_cast<std::ptrdiff_t>(j0 + c) * ldb + k] : 0.0f;
                }
            }
        }
    }
}

void pack_a(int i0, int mr, int K, const float* a, int lda, Op op_a, float* out) {
    for (int k = 0; k < K; ++k, out += MR) {
        for (int r = 0; r < MR; ++r) {
            if (r >= mr) {
                out[r] = 0.0f;
            } else if (op_a == Op::N) {
                out[r] = a[static_cast<std::ptrdiff_t>(i0 + r) * lda + k];
            } else {
                out[r] = a[static_cast<std::ptrdiff_t>(k) * lda + i0 + r];
            }
        }
    }
}

// One 4×8 tile: acc[r] = Σ_k A(r, k) · B(k, 0..7) over the packed operands.
inline void tile(int K, const float* ap, const float* bp, f4 acc[MR][2]) {
    f4 c00 = splat(0), c01 = splat(0), c10 = splat(0), c11 = splat(0);
    f4 c20 = splat(0), c21 = splat(0), c30 = splat(0), c31 = splat(0);
    for (int k = 0; k < K; ++k, ap += MR, bp += NR) {
        const f4 b0 = load4(bp), b1 = load4(bp + 4);
        f4 a = splat(ap[0]);
        c00 += a * b0;
        c01 += a * b1;
        a = splat(ap[1]);
        c10 += a * b0;
        c11 += a * b1;
        a = splat(ap[2]);
        c20 += a * b0;
        c21 += a * b1;
        a = splat(ap[3]);
        c30 += a * b0;
        c31 += a * b1;
    }
    acc[0][0] = c00; acc[0][1] = c01;
    acc[1][0] = c10; acc[1][1] = c11;
    acc[2][0] = c20; acc[2][1] = c21;
    acc[3][0] = c30; acc[3][1] = c31;
}

}  // namespace

void gemm_blocked(int M, int N, int K, const float* a, int lda, Op op_a, const float* b, int ldb,
                  Op op_b, float* c, int ldc, bool accumulate) {
    if (M <= 0 || N <= 0) return;
    if (K <= 0) {
        if (!accumulate) {
            for (int i = 0; i < M; ++i) std::fill_n(c + static_cast<std::ptrdiff_t>(i) * ldc, N, 0.0f);
        }
        return;
    }
    const int panels = (N + NR - 1) / NR;
    packed_b.resize(static_cast<std::size_t>(panels) * K * NR);
    packed_a.resize(static_cast<std::size_t>(K) * MR);
    pack_b(N, K, b, ldb, op_b, packed_b.data());
    f4 acc[MR][2];
    for (int i0 = 0; i0 < M; i0 += MR) {
        const int mr = std::min(MR, M - i0);
        pack_a(i0, mr, K, a, lda, op_a, packed_a.data());
        for (int p = 0; p < panels; ++p) {
            const int j0 = p * NR, nr = std::min(NR, N - j0);
            tile(K, packed_a.data(), packed_b.data() + static_cast<std::ptrdiff_t>(p) * K * NR, acc);
            for (int r = 0; r < mr; ++r) {
                float* row = c + static_cast<std::ptrdiff_t>(i0 + r) * ldc + j0;
                if (nr == NR) {
                    if (accumulate) {
                        store4(row, load4(row) + acc[r][0]);
                        store4(row + 4, load4(row + 4) + acc[r][1]);
                    } else {
                        store4(row, acc[r][0]);
                        store4(row + 4, acc[r][1]);
                    }
                    continue;
                }
                float lane[NR];
                store4(lane, acc[r][0]);
                store4(lane + 4, acc[r][1]);
                for (int j = 0; j < nr; ++j) row[j] = accumulate ? row[j] + lane[j] : lane[j];
            }
        }
    }
}

#if defined(__wasm_simd128__) && !defined(ATTN_SCALAR_DOUBLE)
bool blocked_matmul() { return true; }
#else
bool blocked_matmul() { return false; }
#endif

void matmul(Mat& c, const Mat& a, Op op_a, const Mat& b, Op op_b, bool accumulate) {
    const Eigen::Index M = op_a == Op::N ? a.rows() : a.cols();
    const Eigen::Index K = op_a == Op::N ? a.cols() : a.rows();
    const Eigen::Index Kb = op_b == Op::N ? b.rows() : b.cols();
    const Eigen::Index N = op_b == Op::N ? b.cols() : b.rows();
    auto described = [](const Mat& m, Op op) { return shape_of(m) + (op == Op::T ? "ᵀ" : ""); };
    if (K != Kb) {
        throw ShapeError("cannot multiply " + described(a, op_a) + " by " + described(b, op_b) +
                         ": the inner sizes differ");
    }
    if (accumulate && (c.rows() != M || c.cols() != N)) {
        throw ShapeError("cannot add a (" + std::to_string(M) + ", " + std::to_string(N) +
                         ") product to " + shape_of(c));
    }
#if defined(__wasm_simd128__) && !defined(ATTN_SCALAR_DOUBLE)
    if (!accumulate) c.resize(M, N);
    gemm_blocked(static_cast<int>(M), static_cast<int>(N), static_cast<int>(K), a.data(),
                 static_cast<int>(a.cols()), op_a, b.data(), static_cast<int>(b.cols()), op_b,
                 c.data(), static_cast<int>(c.cols()), accumulate);
#else
    // Eigen evaluates each of the four shapes with its own blocked kernel; noalias: c is never
    // a or b here.
    auto product = [&](const auto& lhs, const auto& rhs) {
        if (accumulate) c.noalias() += lhs * rhs;
        else c.noalias() = lhs * rhs;
    };
    if (op_a == Op::N && op_b == Op::N) product(a, b);
    else if (op_a == Op::N) product(a, b.transpose());
    else if (op_b == Op::N) product(a.transpose(), b);
    else product(a.transpose(), b.transpose());
#endif
}

}  // namespace attn
