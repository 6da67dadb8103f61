// vecmath.cpp — see vecmath.h.
#include "core/vecmath.h"

#include "core/simd.h"

#include <cstdint>
#include <cstring>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace attn::vec {

namespace {

using simd::f4;
using simd::i4;
using simd::load4;
using simd::splat;
using simd::store4;

inline i4 bits(f4 v) { i4 r; std::memcpy(&r, &v, sizeof r); return r; }
inline f4 from_bits(i4 v) { f4 r; std::memcpy(&r, &v, sizeof r); return r; }
// mask ? a : b, lane by lane (mask lanes all ones or all zeros, as vector comparisons give).
[[maybe_unused]] inline f4 select(i4 mask, f4 a, f4 b) { return from_bits((mask & bits(a)) | (~mask & bits(b))); }

inline f4 exp4(f4 x) {
    // Beyond 89, e^x overflows (the scaling below gives +∞); below −104 it is 0 even as a
    // denormal. Clamping keeps n small enough for the exponent arithmetic. A NaN fails both
    // comparisons and stays NaN through the polynomial.
#ifdef __wasm_simd128__
    // f32x4.pmin/pmax are the comparison and select written here, one x86 instruction each;
    // clang turns the portable form below into f32x4.min/max, whose NaN and −0 rules cost V8
    // several instructions.
    x = wasm_f32x4_pmax(wasm_f32x4_pmin(x, splat(89.0f)), splat(-104.0f));
#else
    x = select(x > splat(89.0f), splat(89.0f), x);
    x = select(x < splat(-104.0f), splat(-104.0f), x);
#endif
    // n = round(x / ln 2): adding 1.5 · 2²³ rounds to an integer in the low mantissa bits.
    const f4 magic = splat(12582912.0f);
    const f4 t = x * splat(1.44269504088896341f) + magic;
    const f4 n = t - magic;
    const i4 ni = bits(t) - bits(magic);
    // r = x − n ln 2, with ln 2 = 0.693359375 − 2.12194440e-4 (the first part exact in a few bits).
    const f4 r = (x - n * splat(0.693359375f)) - n * splat(-2.12194440e-4f);
    const f4 r2 = r * r;
    f4 p = splat(1.9875691500e-4f);
    p = p * r + splat(1.3981999507e-3f);
    p = p * r + splat(8.3334519073e-3f);
    p = p * r + splat(4.1665795894e-2f);
    p = p * r + splat(1.6666665459e-1f);
    p = p * r + splat(5.0000001201e-1f);
    p = p * r2 + r + splat(1.0f);
    // 2^n as two factors 2^a · 2^b (a = ⌊n/2⌋, b = n − a), each a normal float for n in
    // [−150, 129], so that results near the ends of the range come out right.
    const i4 a = ni >> 1, b = ni - a;
    const f4 sa = from_bits((a + 127) << 23), sb = from_bits((b + 127) << 23);
    return p * sa * sb;
}

inline float lane_sum(f4 v) { return (v[0] + v[1]) + (v[2] + v[3]); }

inline f4 gelu4(f4 x) {
    const f4 u = splat(0.7978845608028654f) * (x + splat(0.044715f) * x * x * x);
    return x / (splat(1.0f) + exp4(splat(-2.0f) * u));
}

inline f4 gelu_backward4(f4 dout, f4 x) {
    const f4 u = splat(0.7978845608028654f) * (x + splat(0.044715f) * x * x * x);
    const f4 s = splat(1.0f) / (splat(1.0f) + exp4(splat(-2.0f) * u));
    return dout * (s + splat(2.0f * 0.7978845608028654f) * x * s * (splat(1.0f) - s) *
                           (splat(1.0f) + splat(3.0f * 0.044715f) * x * x));
}

// The last n % 4 elements go through the vector code in a padded copy.
template <typename F>
inline void tail(float* out, const float* x, int n, F f) {
    if (n <= 0) return;
    float in[4] = {0, 0, 0, 0}, res[4];
    std::memcpy(in, x, static_cast<std::size_t>(n) * sizeof(float));
    store4(res, f(load4(in)));
    std::memcpy(out, res, static_cast<std::size_t>(n) * sizeof(float));
}

}  // namespace

void exp(float* out, const float* x, int n) {
    int i = 0;
    for (; i + 4 <= n; i += 4) store4(out + i, exp4(load4(x + i)));
    tail(out + i, x + i, n - i, exp4);
}

float exp_shifted_sum(float* out, const float* x, float shift, int n) {
    const f4 s = splat(shift);
    f4 acc = splat(0.0f);
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        const f4 e = exp4(load4(x + i) - s);
        store4(out + i, e);
        acc += e;
    }
    float sum = lane_sum(acc);
    for (; i < n; ++i) {
        float e;
        tail(&e, x + i, 1, [&](f4 v) { return exp4(v - s); });
        out[i] = e;
        sum += e;
    }
    return sum;
}

void gelu(float* out, const float* x, int n) {
    int i = 0;
    for (; i + 4 <= n; i += 4) store4(out + i, gelu4(load4(x + i)));
    tail(out + i, x + i, n - i, gelu4);
}

void gelu_backward(float* dx, const float* dout, const float* x, int n) {
    int i = 0;
    for (; i + 4 <= n; i += 4) store4(dx + i, gelu_backward4(load4(dout + i), load4(x + i)));
    for (; i < n; ++i) {
        float d[4] = {dout[i], 0, 0, 0}, v[4] = {x[i], 0, 0, 0}, r[4];
        store4(r, gelu_backward4(load4(d), load4(v)));
        dx[i] = r[0];
    }
}

}  // namespace attn::vec
