// simd.h — the 4-wide float vector of the library's kernels (gemm.cpp, vecmath.cpp): GCC/Clang
// vector extensions, which Clang compiles to WebAssembly's f32x4 under -msimd128 and GCC to SSE
// natively, so that the native tests check the code the browser runs.
#pragma once

#include <cstdint>
#include <cstring>

namespace attn::simd {

typedef float f4 __attribute__((vector_size(16)));
typedef std::int32_t i4 __attribute__((vector_size(16)));

// Unaligned loads and stores (memcpy: the compilers make it one vector load or store).
inline f4 load4(const float* p) {
    f4 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline void store4(float* p, f4 v) { std::memcpy(p, &v, sizeof v); }
inline f4 splat(float x) { return f4{x, x, x, x}; }

}  // namespace attn::simd
