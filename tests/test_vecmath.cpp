// The element-wise vector kernels (vecmath.h) against the C library in double precision: the
// exponential over its whole range and at its edges, the softmax's shifted sum, and GELU and its
// derivative against the tanh formula and a central difference of it.
#include "core/vecmath.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

namespace {

double gelu_exact_tanh(double x) {
    return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
}

// |got − want| in units of the float spacing at want (1 ulp = 2^-23 relative).
double ulps(float got, double want) {
    const double spacing = std::ldexp(1.0, std::ilogb(static_cast<float>(want)) - 23);
    return std::fabs(got - want) / spacing;
}

}  // namespace

TEST_CASE("vec::exp is within 2 ulps of exp in double over the normal range") {
    std::vector<float> x;
    for (double v = -87.0; v <= 88.7; v += 0.0137) x.push_back(static_cast<float>(v));
    for (float v : {0.0f, -0.0f, 1.0f, -1.0f, 0.5f, 1e-7f, -1e-7f, 88.72f, -87.3f}) x.push_back(v);
    std::vector<float> y(x.size());
    attn::vec::exp(y.data(), x.data(), static_cast<int>(x.size()));
    double worst = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double want = std::exp(static_cast<double>(x[i]));
        if (want < std::numeric_limits<float>::min() || want > std::numeric_limits<float>::max()) continue;
        worst = std::max(worst, ulps(y[i], want));
    }
    INFO("worst error " << worst << " ulp");
    CHECK(worst <= 2.0);
    CHECK(y[x.size() - 9] == 1.0f);  // e^0 exactly
}

TEST_CASE("vec::exp at the ends: 0 for −∞ and far below, ∞ for +∞ and far above, NaN for NaN") {
    const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
    std::vector<float> x = {-inf, -1000.0f, -110.0f, inf, 1000.0f, 89.0f, nan, -100.0f, 88.0f};
    std::vector<float> y(x.size());
    attn::vec::exp(y.data(), x.data(), static_cast<int>(x.size()));
    CHECK(y[0] == 0.0f);
    CHECK(y[1] == 0.0f);
    CHECK(y[2] == 0.0f);
    CHECK(y[3] == inf);
    CHECK(y[4] == inf);
    CHECK(y[5] == inf);  // e^89 ≈ 4.5e38 > the largest float
    CHECK(std::isnan(y[6]));
    // Denormal results: e^-100 ≈ 3.7e-44, within one denormal step.
    CHECK(std::fabs(y[7] - std::exp(-100.0)) <= std::numeric_limits<float>::denorm_min());
    CHECK(ulps(y[8], std::exp(88.0)) <= 2.0);
}

TEST_CASE("vec::exp gives the same values for every length, through the vector and the tail path") {
    const std::vector<float> x = {-3.5f, 0.25f, 2.0f, -0.75f, 7.0f, -12.0f, 0.0f, 1.5f, -40.0f};
    for (int n = 0; n <= static_cast<int>(x.size()); ++n) {
        std::vector<float> y(x.size(), -1.0f);
        attn::vec::exp(y.data(), x.data(), n);
        for (int i = 0; i < n; ++i) CHECK(ulps(y[i], std::exp(static_cast<double>(x[i]))) <= 2.0);
        for (std::size_t i = n; i < x.size(); ++i) CHECK(y[i] == -1.0f);  // nothing written past n
    }
}

TEST_CASE("vec::exp_shifted_sum gives e^(x − shift) and their sum, in place too") {
    for (int n : {1, 3, 4, 7, 16, 33}) {
        std::vector<float> x(n);
        for (int i = 0; i < n; ++i) x[i] = static_cast<float>(std::sin(1.7 * i) * 6.0);
        const float shift = *std::max_element(x.begin(), x.end());
        std::vector<float> y(n);
        const float sum = attn::vec::exp_shifted_sum(y.data(), x.data(), shift, n);
        double want_sum = 0;
        for (int i = 0; i < n; ++i) {
            const double want = std::exp(static_cast<double>(x[i] - shift));  // the difference as a float
            want_sum += want;
            CHECK(ulps(y[i], want) <= 2.0);
        }
        CHECK(std::fabs(sum - want_sum) <= 1e-6 * want_sum);
        std::vector<float> in_place = x;
        attn::vec::exp_shifted_sum(in_place.data(), in_place.data(), shift, n);
        CHECK(in_place == y);
    }
}

TEST_CASE("vec::gelu follows the tanh formula in double; its derivative a central difference of it") {
    std::vector<float> x;
    for (double v = -12.0; v <= 12.0; v += 0.0371) x.push_back(static_cast<float>(v));
    for (float v : {0.0f, -20.0f, 20.0f, -60.0f, 1e-6f}) x.push_back(v);
    const int n = static_cast<int>(x.size());
    std::vector<float> y(n), dout(n), dx(n);
    for (int i = 0; i < n; ++i) dout[i] = static_cast<float>(0.5 + 0.25 * std::cos(i * 0.3));
    attn::vec::gelu(y.data(), x.data(), n);
    attn::vec::gelu_backward(dx.data(), dout.data(), x.data(), n);
    for (int i = 0; i < n; ++i) {
        const double xi = x[i];
        const double want = gelu_exact_tanh(xi);
        INFO("x = " << xi);
        CHECK(std::fabs(y[i] - want) <= 2e-6 * std::fabs(want) + 1e-7);
        const double h = 1e-4;
        const double slope = (gelu_exact_tanh(xi + h) - gelu_exact_tanh(xi - h)) / (2 * h);
        CHECK(std::fabs(dx[i] - dout[i] * slope) <= 2e-5);
    }
    CHECK(y[n - 5] == 0.0f);
    CHECK(y[n - 3] == 20.0f);
    CHECK(std::fabs(y[n - 2]) == 0.0f);  // GELU(−60): e^{−2u} overflows and the quotient is −0
}
