// vecmath.h — the element-wise functions of the float kernels over 4-wide vectors: the
// exponential, and the softmax and GELU loops built on it.
//
// Eigen 3.4 has no vector path for WebAssembly, so there its exp is a scalar libm call per
// element: at T = 128 the exponentials of softmax and GELU took a third of an encoder block's
// time. These loops use GCC/Clang vector extensions (f32x4 under -msimd128, SSE natively), so the
// native tests check the code that the browser runs.
//
// The library's softmax and GELU run on these loops where Eigen has no vector path (WebAssembly
// SIMD builds: ATTN_VEC_ELEMENTWISE); natively they keep Eigen's own vectorised exp, so that the
// shipped models, trained natively, reproduce byte for byte. The native tests check these loops
// directly against the C library.
//
// exp4 follows Cephes' expf: x = n ln 2 + r with |r| ≤ ½ ln 2 (ln 2 split in two so that r is
// exact), e^r by a degree-7 polynomial, 2^n put into the exponent bits. Relative error below
// 2 float ulps for normal results; exp(−∞) = 0, exp(+∞) = +∞, exp(NaN) = NaN; results below the
// smallest normal float flush towards 0 as the scaling underflows.
#pragma once

#if defined(__wasm_simd128__) && !defined(ATTN_SCALAR_DOUBLE)
#define ATTN_VEC_ELEMENTWISE 1
#endif

namespace attn::vec {

// out[i] = e^{x[i]} for i < n. out may be x.
void exp(float* out, const float* x, int n);

// out[i] = e^{x[i] − shift} for i < n; returns Σ out[i] (accumulated in float, 4 lanes). out may
// be x. The softmax's numerator and denominator in one pass.
float exp_shifted_sum(float* out, const float* x, float shift, int n);

// GELU, the tanh form, through ½ (1 + tanh u) = σ(2u): out = x / (1 + e^{−2u}), u = √(2/π)(x + 0.044715 x³).
void gelu(float* out, const float* x, int n);

// dx = dout ⊙ GELU'(x), with σ = σ(2u): GELU'(x) = σ + 2 √(2/π) x σ (1 − σ)(1 + 3 · 0.044715 x²).
void gelu_backward(float* dx, const float* dout, const float* x, int n);

}  // namespace attn::vec
