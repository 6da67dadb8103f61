// grad_check.h — central-difference gradient checks, for tests built in double (grad_*.cpp).
//
//   ∂L/∂θ_i ≈ (L(θ + h e_i) − L(θ − h e_i)) / 2h
//
// The error of that quotient is O(h²) from truncation (the Taylor terms it does not cancel)
// plus O(ε L / h) from rounding (ε ≈ 1.1e-16 in double).
#pragma once

#include "core/rng.h"
#include "core/tensor.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

namespace gradcheck {

using attn::Mat;

// h = 1e-5: truncation ≈ h² |L'''| / 6 ≈ 1e-11 for the O(1)-curvature losses used here, and
// rounding ≈ ε |L| / h ≈ 1e-11 for |L| ≈ 1; the two are balanced near h = ε^(1/3) ≈ 5e-6.
constexpr double kStep = 1e-5;

// The comparison: max_i |analytic_i − numeric_i| / max_i |numeric_i|, i.e. the largest error
// relative to the gradient's own scale (an element-wise ratio would blow up on entries that are
// ~0). With both error terms ≈ 1e-11 and gradients of size ≈ 1e-2 to 1, a correct backward
// lands near 1e-10 to 1e-9; a wrong term (a missing factor, a transposed index) gives ≳ 1e-2.
// 1e-7 leaves two decades of headroom above the expected noise and is still "well under 1e-6".
constexpr double kTolerance = 1e-7;

// Some gradients are exactly 0 in exact arithmetic — the key bias b^K, for one: it adds q·b^K
// to every score of a row, which the softmax ignores. The quotient then only shows rounding,
// ≈ ε |L| / h ≈ 1e-11, and a relative error is meaningless. Below kZeroGradient the check is
// absolute instead, against kZeroTolerance (100× that rounding noise).
constexpr double kZeroGradient = 1e-7;
constexpr double kZeroTolerance = 1e-9;

struct Result {
    std::string name;
    double max_diff = 0;     // max |analytic − numeric|
    double max_numeric = 0;  // max |numeric|
    double rel = 0;          // max_diff / max_numeric (or max_diff / kZeroTolerance · kTolerance)
};

// Compares `analytic` with central differences of loss() over every entry of `param`
// (perturbed in place and restored). loss() must recompute the forward pass from `param`.
template <typename LossFn>
Result check(const std::string& name, Mat& param, const Mat& analytic, LossFn&& loss) {
    Result r;
    r.name = name;
    REQUIRE(analytic.rows() == param.rows());
    REQUIRE(analytic.cols() == param.cols());
    Mat numeric(param.rows(), param.cols());
    Eigen::Index worst_i = 0;
    for (Eigen::Index i = 0; i < param.size(); ++i) {
        const double saved = param.data()[i];
        param.data()[i] = saved + kStep;
        const double up = loss();
        param.data()[i] = saved - kStep;
        const double down = loss();
        param.data()[i] = saved;
        numeric.data()[i] = (up - down) / (2 * kStep);
        const double diff = std::abs(analytic.data()[i] - numeric.data()[i]);
        if (diff > r.max_diff) {
            r.max_diff = diff;
            worst_i = i;
        }
        r.max_numeric = std::max(r.max_numeric, std::abs(numeric.data()[i]));
    }
    const bool zero = r.max_numeric < kZeroGradient && std::abs(analytic.maxCoeff()) < kZeroGradient &&
                      std::abs(analytic.minCoeff()) < kZeroGradient;
    // For a zero gradient, rel is scaled so that the same `rel < kTolerance` decides.
    r.rel = zero ? r.max_diff / kZeroTolerance * kTolerance : r.max_diff / r.max_numeric;

    std::ostringstream msg;
    msg.precision(10);
    const Eigen::Index n = std::min<Eigen::Index>(param.size(), 6);
    msg << name << " " << attn::shape_of(param) << (zero ? ": zero gradient, scaled error " : ": relative error ") << r.rel
        << ", largest difference " << r.max_diff << " at flat index " << worst_i
        << " (analytic " << analytic.data()[worst_i] << ", numeric " << numeric.data()[worst_i] << ")"
        << "\n  analytic first values:";
    for (Eigen::Index i = 0; i < n; ++i) msg << " " << analytic.data()[i];
    msg << "\n  numeric  first values:";
    for (Eigen::Index i = 0; i < n; ++i) msg << " " << numeric.data()[i];
    INFO(msg.str());
    CHECK(r.rel < kTolerance);
    // GRADCHECK_VERBOSE=1 prints every comparison, to report the errors a passing run reaches.
    if (std::getenv("GRADCHECK_VERBOSE")) std::printf("%-44s %s %.3e  max|numeric| %.3e\n", name.c_str(), zero ? "ZERO abs" : "rel     ", zero ? r.max_diff : r.rel, r.max_numeric);
    return r;
}

inline Mat random_mat(attn::Rng& rng, Eigen::Index rows, Eigen::Index cols, double scale = 1.0) {
    Mat m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = rng.uniform(-scale, scale);
    return m;
}

// L = Σ out ⊙ R: a loss whose gradient with respect to out is the fixed random matrix R.
inline double weighted_sum(const Mat& out, const Mat& r) { return out.cwiseProduct(r).sum(); }

}  // namespace gradcheck
