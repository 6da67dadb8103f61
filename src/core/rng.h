// rng.h — random numbers that are the same on every platform for the same seed.
//
// std::mt19937's output sequence is fixed by the C++ standard, but the distributions
// (std::uniform_real_distribution, std::normal_distribution) are not: libstdc++, libc++ and
// MSVC turn the same bits into different numbers. So only the raw generator is used, and the
// mapping to [0, 1) is written out here.
#pragma once

#include <cstdint>
#include <random>

namespace attn {

class Rng {
public:
    explicit Rng(std::uint32_t seed) : gen_(seed) {}

    // Uniform in [0, 1) with 53 random bits, from two 32-bit draws: the 27 high bits of the
    // first and 26 of the second (the genrand_res53 of the reference Mersenne Twister code).
    double uniform() {
        const std::uint64_t a = gen_() >> 5, b = gen_() >> 6;
        return static_cast<double>(a * 67108864u + b) * (1.0 / 9007199254740992.0);  // / 2^53
    }

    // Uniform in [lo, hi).
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

    // Uniform integer in [0, n), n ≥ 1. Rejection sampling, so no value is favoured.
    std::uint32_t below(std::uint32_t n) {
        const std::uint32_t limit = static_cast<std::uint32_t>(0x100000000ull - 0x100000000ull % n);
        for (;;) {
            const std::uint32_t r = gen_();
            if (limit == 0 || r < limit) return r % n;  // limit 0: n divides 2^32
        }
    }

    std::uint32_t next_u32() { return gen_(); }

private:
    std::mt19937 gen_;
};

}  // namespace attn
