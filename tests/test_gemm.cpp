// The matrix products: the register-blocked kernel that WebAssembly SIMD builds run, and
// matmul as this build runs it, against a plain triple loop summed in double.
#include "core/gemm.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

using attn::Op;

namespace {

struct Case {
    int M, N, K;
    Op op_a, op_b;
};

std::vector<float> random_values(std::size_t n, std::mt19937& rng) {
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<float> v(n);
    for (float& x : v) x = u(rng);
    return v;
}

// op(A)(i, k) for A stored row-major as M×K (Op::N) or K×M (Op::T).
double at(const std::vector<float>& m, int cols, Op op, int i, int k) {
    return op == Op::N ? m[static_cast<std::size_t>(i) * cols + k] : m[static_cast<std::size_t>(k) * cols + i];
}

// Every size from 1 to past two tiles in each direction, every transpose combination.
std::vector<Case> cases() {
    std::vector<Case> out;
    const int sizes[] = {1, 3, 4, 5, 8, 9, 16, 17, 33};
    for (Op a : {Op::N, Op::T})
        for (Op b : {Op::N, Op::T})
            for (int M : sizes)
                for (int N : sizes)
                    for (int K : {1, 7, 32}) out.push_back({M, N, K, a, b});
    out.push_back({128, 128, 128, Op::N, Op::N});
    out.push_back({16, 128, 32, Op::N, Op::T});
    return out;
}

}  // namespace

TEST_CASE("gemm_blocked equals the plain product for every shape and transpose, = and +=") {
    std::mt19937 rng(7);
    for (const Case& t : cases()) {
        const int a_cols = t.op_a == Op::N ? t.K : t.M;
        const int b_cols = t.op_b == Op::N ? t.N : t.K;
        const std::vector<float> a = random_values(static_cast<std::size_t>(t.M) * t.K, rng);
        const std::vector<float> b = random_values(static_cast<std::size_t>(t.K) * t.N, rng);
        const int ldc = t.N + 3;  // a wider C: the kernel must leave the columns past N alone
        for (bool accumulate : {false, true}) {
            std::vector<float> c = random_values(static_cast<std::size_t>(t.M) * ldc, rng);
            const std::vector<float> before = c;
            attn::gemm_blocked(t.M, t.N, t.K, a.data(), a_cols, t.op_a, b.data(), b_cols, t.op_b, c.data(), ldc, accumulate);
            double worst = 0;
            for (int i = 0; i < t.M; ++i) {
                for (int j = 0; j < ldc; ++j) {
                    const std::size_t at_c = static_cast<std::size_t>(i) * ldc + j;
                    if (j >= t.N) {
                        REQUIRE(c[at_c] == before[at_c]);
                        continue;
                    }
                    double want = accumulate ? before[at_c] : 0.0;
                    for (int k = 0; k < t.K; ++k) want += at(a, a_cols, t.op_a, i, k) * at(b, b_cols, t.op_b, k, j);
                    worst = std::max(worst, std::abs(want - c[at_c]));
                }
            }
            INFO("M " << t.M << " N " << t.N << " K " << t.K << " op_a " << (t.op_a == Op::T) << " op_b "
                      << (t.op_b == Op::T) << " accumulate " << accumulate);
            // Sums of K products of numbers below 1 in float: a few ulps of K per entry.
            REQUIRE(worst <= 1e-6 * t.K + 1e-6);
        }
    }
}

TEST_CASE("gemm_blocked with K = 0 gives zeros, or leaves C as it was when accumulating") {
    std::vector<float> c(6, 5.0f);
    attn::gemm_blocked(2, 3, 0, nullptr, 0, Op::N, nullptr, 3, Op::N, c.data(), 3, true);
    for (float x : c) REQUIRE(x == 5.0f);
    attn::gemm_blocked(2, 3, 0, nullptr, 0, Op::N, nullptr, 3, Op::N, c.data(), 3, false);
    for (float x : c) REQUIRE(x == 0.0f);
}

TEST_CASE("matmul multiplies by transposes as asked and names both shapes when they do not fit") {
    attn::Mat a(2, 3), b(2, 3);
    a << 1, 2, 3, 4, 5, 6;
    b << 1, 0, -1, 2, 1, 0;
    attn::Mat c;
    attn::matmul(c, a, Op::N, b, Op::T);  // a·bᵀ: [[1·1+3·(−1), 1·2+2·1], [4−6, 8+5]]
    REQUIRE(c.rows() == 2);
    REQUIRE(c.cols() == 2);
    CHECK(c(0, 0) == -2);
    CHECK(c(0, 1) == 4);
    CHECK(c(1, 0) == -2);
    CHECK(c(1, 1) == 13);
    attn::matmul(c, a, Op::N, b, Op::T, true);
    CHECK(c(1, 1) == 26);
    attn::matmul(c, a, Op::T, b, Op::N);  // aᵀ·b is 3×3: (0, 0) = 1·1 + 4·2
    REQUIRE(c.rows() == 3);
    CHECK(c(0, 0) == 9);
    CHECK(c(2, 2) == -3);
    try {
        attn::matmul(c, a, Op::N, b, Op::N);
        FAIL("a (2, 3) by a (2, 3) must not multiply");
    } catch (const attn::ShapeError& e) {
        CHECK(std::string(e.what()).find("(2, 3)") != std::string::npos);
    }
}
