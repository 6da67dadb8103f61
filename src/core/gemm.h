// gemm.h — the matrix products of the library, C = op(A)·op(B) or C += op(A)·op(B), where op is
// the matrix itself or its transpose.
//
// Natively they are Eigen's products. On WebAssembly with SIMD (-msimd128), where Eigen 3.4 has
// no vector path, the float products run on `gemm_blocked`: a register-blocked kernel over
// 4-wide float vectors (GCC/Clang vector extensions, which Clang compiles to f32x4 for WASM
// and GCC to SSE natively, so that the native tests check the same code against Eigen).
#pragma once

#include "core/tensor.h"

namespace attn {

enum class Op { N, T };  // the matrix as it is, or its transpose

// c = op(a)·op(b), or c += op(a)·op(b) when accumulate (c must then have the product's shape).
// Shapes are the caller's to check; a mismatch throws ShapeError naming both.
void matmul(Mat& c, const Mat& a, Op op_a, const Mat& b, Op op_b, bool accumulate = false);

// The kernel behind matmul on WebAssembly SIMD, for any float matrices in row-major storage:
// C (M×N, leading dimension ldc) = or += op(A) (M×K) · op(B) (K×N). A is stored M×K (lda) when
// op_a is N, K×M when T; B likewise. Results agree with a plain product to float rounding.
void gemm_blocked(int M, int N, int K, const float* a, int lda, Op op_a, const float* b, int ldb,
                  Op op_b, float* c, int ldc, bool accumulate);

// True when matmul runs on gemm_blocked in this build (WebAssembly SIMD), false for Eigen.
bool blocked_matmul();

}  // namespace attn
