// Scaled dot-product attention against the lesson's worked example (Thinking / Machines,
// d_k = 3) and against invariants that hold for any input.
#include "core/attention.h"

#include "matrix_util.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <sstream>

using attn::Mat;
using test_util::describe;
using test_util::from_rows;
using attn::Mask;

namespace {


// The seed prints its numbers rounded to two decimals, so each of ours must round to the same.
void require_two_decimals(const Mat& got, const Mat& want) {
    INFO(describe(got, want));
    REQUIRE(got.rows() == want.rows());
    REQUIRE(got.cols() == want.cols());
    for (Eigen::Index i = 0; i < got.rows(); ++i)
        for (Eigen::Index j = 0; j < got.cols(); ++j)
            CHECK(std::round(got(i, j) * 100) == Approx(want(i, j) * 100));
}

// The worked example of the lesson: rows are Thinking, Machines.
const Mat Q = from_rows({{0.9, 0.2, 0.5}, {0.3, 0.8, 0.4}});
const Mat K = from_rows({{0.7, 0.4, 0.6}, {0.2, 0.9, 0.3}});
const Mat V = from_rows({{0.5, 0.8, 0.2}, {0.7, 0.1, 0.9}});

}  // namespace

TEST_CASE("worked example: scores, softmax and output match the lesson to two decimals") {
    Mat out;
    attn::AttentionCache cache;
    attn::attention_forward(out, cache, Q, K, V);

    require_two_decimals(cache.scaled, from_rows({{0.58, 0.29}, {0.44, 0.52}}));
    require_two_decimals(cache.weights, from_rows({{0.57, 0.43}, {0.48, 0.52}}));
    require_two_decimals(out, from_rows({{0.59, 0.50, 0.50}, {0.60, 0.44, 0.56}}));
}

TEST_CASE("worked example: unscaled scores are the dot products worked by hand") {
    Mat out;
    attn::AttentionCache cache;
    attn::attention_forward(out, cache, Q, K, V);
    // Thinking·Thinking = 0.63 + 0.08 + 0.30 = 1.01; Thinking·Machines = 0.18 + 0.18 + 0.15 = 0.51
    // Machines·Thinking = 0.21 + 0.32 + 0.24 = 0.77; Machines·Machines = 0.06 + 0.72 + 0.12 = 0.90
    const Mat want = from_rows({{1.01, 0.51}, {0.77, 0.90}});
    INFO(describe(cache.scores, want));
    CHECK(cache.scores.isApprox(want, 1e-5f));
    // softmax of [1.01, 0.51]/√3: e^0.5831 / (e^0.5831 + e^0.2944) = 1 / (1 + e^-0.2887)
    CHECK(cache.weights(0, 0) == Approx(1.0 / (1.0 + std::exp(-0.5 / std::sqrt(3.0)))).epsilon(1e-5));
}

TEST_CASE("attention weights: every row sums to 1 and lies in [0, 1]") {
    Mat q = Mat::Random(5, 4), k = Mat::Random(7, 4), v = Mat::Random(7, 3), out;
    attn::AttentionCache cache;
    attn::attention_forward(out, cache, q, k, v);
    for (Eigen::Index i = 0; i < 5; ++i) CHECK(cache.weights.row(i).sum() == Approx(1.0).epsilon(1e-6));
    CHECK(cache.weights.minCoeff() >= 0);
    CHECK(cache.weights.maxCoeff() <= 1);
    CHECK(out.rows() == 5);
    CHECK(out.cols() == 3);
}

TEST_CASE("permuting key/value rows together leaves the output unchanged") {
    Mat q = Mat::Random(3, 4), k = Mat::Random(4, 4), v = Mat::Random(4, 2);
    Eigen::PermutationMatrix<Eigen::Dynamic> perm(4);
    perm.indices() << 2, 0, 3, 1;
    Mat out, out_perm;
    attn::AttentionCache cache, cache_perm;
    attn::attention_forward(out, cache, q, k, v);
    const Mat k_perm = perm * k, v_perm = perm * v;
    attn::attention_forward(out_perm, cache_perm, q, k_perm, v_perm);
    INFO(describe(out_perm, out));
    CHECK(out_perm.isApprox(out, 1e-5f));
    // The weights move with the keys: column j of the permuted weights is column perm(j).
    CHECK((cache_perm.weights * perm).isApprox(cache.weights, 1e-5f));
}

TEST_CASE("softmax stays finite and exact at huge scores") {
    const Mat scores = from_rows({{1e4, 1e4 - 1, -1e4}, {-1e4, -1e4, -1e4}, {3e38, 0, -3e38}});
    Mat w;
    attn::softmax_rows(w, scores);
    REQUIRE(w.allFinite());
    // Row 0: only the difference matters: [1, e^-1, 0] / (1 + e^-1).
    CHECK(w(0, 0) == Approx(1.0 / (1.0 + std::exp(-1.0))));
    CHECK(w(0, 1) == Approx(std::exp(-1.0) / (1.0 + std::exp(-1.0))));
    CHECK(w(0, 2) == 0);
    for (Eigen::Index j = 0; j < 3; ++j) CHECK(w(1, j) == Approx(1.0 / 3));
    CHECK(w(2, 0) == 1);
}

TEST_CASE("mask: masked entries get weight exactly 0 and the rest still sum to 1") {
    Mask mask(2, 2);
    mask << 1, 0,   // Thinking may only look at itself
            1, 1;
    Mat out;
    attn::AttentionCache cache;
    attn::attention_forward(out, cache, Q, K, V, &mask);
    CHECK(cache.weights(0, 1) == 0);
    CHECK(cache.weights(0, 0) == 1);
    CHECK(out.row(0).isApprox(V.row(0)));
    CHECK(cache.weights.row(1).sum() == Approx(1));
    require_two_decimals(cache.weights.row(1), from_rows({{0.48, 0.52}}));
}

TEST_CASE("mask: a fully masked row gets zero weights and a zero output, never NaN") {
    Mask mask(2, 2);
    mask << 0, 0,
            1, 1;
    Mat out;
    attn::AttentionCache cache;
    attn::attention_forward(out, cache, Q, K, V, &mask);
    REQUIRE(out.allFinite());
    CHECK(cache.weights.row(0).isZero());
    CHECK(out.row(0).isZero());
    CHECK(cache.weights.row(1).sum() == Approx(1));
}

TEST_CASE("shape errors name both shapes") {
    Mat out;
    attn::AttentionCache cache;
    const Mat q(3, 8), k(4, 6), v(4, 2), v_bad(5, 2);
    CHECK_THROWS_WITH(attn::attention_forward(out, cache, q, k, v),
                      Catch::Contains("(3, 8)") && Catch::Contains("(4, 6)"));
    const Mat k_ok = Mat::Zero(4, 8);
    CHECK_THROWS_WITH(attn::attention_forward(out, cache, q, k_ok, v_bad),
                      Catch::Contains("(4, 8)") && Catch::Contains("(5, 2)"));
    Mask mask(2, 2);
    CHECK_THROWS_AS(attn::attention_forward(out, cache, q, k_ok, v, &mask), attn::ShapeError);
}

TEST_CASE("softmax Jacobian: worked by hand, by central differences, and vanishing at saturation") {
    // y = [0.5, 0.5]: J = [[0.25, −0.25], [−0.25, 0.25]];  y = [0.2, 0.3, 0.5]:
    // J = [[0.16, −0.06, −0.10], [−0.06, 0.21, −0.15], [−0.10, −0.15, 0.25]].
    Mat j;
    attn::softmax_jacobian(j, from_rows({{0.5, 0.5}}));
    INFO(describe(j, from_rows({{0.25, -0.25}, {-0.25, 0.25}})));
    CHECK((j - from_rows({{0.25, -0.25}, {-0.25, 0.25}})).cwiseAbs().maxCoeff() < 1e-6);
    attn::softmax_jacobian(j, from_rows({{0.2, 0.3, 0.5}}));
    const Mat want = from_rows({{0.16, -0.06, -0.10}, {-0.06, 0.21, -0.15}, {-0.10, -0.15, 0.25}});
    INFO(describe(j, want));
    CHECK((j - want).cwiseAbs().maxCoeff() < 1e-6);
    // Against central differences of softmax_rows itself.
    const Mat x = from_rows({{0.3, -1.2, 0.8, 2.0}});
    Mat y;
    attn::softmax_rows(y, x);
    attn::softmax_jacobian(j, y);
    const double h = 1e-2;  // float: a larger step keeps rounding (≈1e-7 / h) below the tolerance
    for (int c = 0; c < 4; ++c) {
        Mat xp = x, xm = x, yp, ym;
        xp(0, c) += static_cast<float>(h);
        xm(0, c) -= static_cast<float>(h);
        attn::softmax_rows(yp, xp);
        attn::softmax_rows(ym, xm);
        for (int r = 0; r < 4; ++r) CHECK(j(r, c) == Approx((yp(0, r) - ym(0, r)) / (2 * h)).margin(2e-4));
    }
    // Saturated: scores 30 apart put weight ≈ 1 on one key, and every slope is below 1e-12.
    attn::softmax_rows(y, from_rows({{30, 0, 0}}));
    attn::softmax_jacobian(j, y);
    CHECK(j.cwiseAbs().maxCoeff() < 1e-12);
    CHECK_THROWS_AS(attn::softmax_jacobian(j, from_rows({{0.5, 0.5}, {0.5, 0.5}})), attn::ShapeError);
}

TEST_CASE("softmax backward matches central differences") {
    // In float the step must stay large enough that rounding (≈1e-7 relative) does not swamp
    // the difference quotient; 1e-2 relative agreement is what float allows here.
    const Mat x = from_rows({{0.3, -1.2, 2.0, 0.1}});
    const Mat dy = from_rows({{0.5, -0.7, 0.2, 1.1}});
    Mat y, dx;
    attn::softmax_rows(y, x);
    attn::softmax_rows_backward(dx, dy, y);
    const double h = 1e-2;
    for (Eigen::Index j = 0; j < 4; ++j) {
        Mat xp = x, xm = x, yp, ym;
        xp(0, j) += static_cast<attn::Scalar>(h);
        xm(0, j) -= static_cast<attn::Scalar>(h);
        attn::softmax_rows(yp, xp);
        attn::softmax_rows(ym, xm);
        const double numeric = ((yp - ym).cwiseProduct(dy)).sum() / (2 * h);
        CHECK(dx(0, j) == Approx(numeric).margin(1e-3));
    }
}

// ---------------------------------------------------------------------------------------------
// Non-finite numbers (found by fuzz/fuzz_attention.cpp: NaN scores gave NaN or zeros depending
// on their neighbours, an infinite score zeroed its whole row, and 1e39 from the page became an
// infinity that attention() passed on silently).

TEST_CASE("softmax: non-finite scores follow the documented rules") {
    const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
    Mat w;
    SECTION("+inf entries share the weight equally, the rest get 0") {
        attn::softmax_rows(w, from_rows({{inf, 1, inf, -inf}}));
        CHECK(w(0, 0) == 0.5f);
        CHECK(w(0, 1) == 0.0f);
        CHECK(w(0, 2) == 0.5f);
        CHECK(w(0, 3) == 0.0f);
    }
    SECTION("a NaN among the visible scores makes the visible weights NaN, masked ones 0") {
        Mask m(1, 3);
        m << 1, 1, 0;
        attn::softmax_rows(w, from_rows({{nan, 1, 2}}), &m);
        CHECK(std::isnan(w(0, 0)));
        CHECK(std::isnan(w(0, 1)));
        CHECK(w(0, 2) == 0.0f);
    }
    SECTION("a NaN behind the mask changes nothing") {
        Mask m(1, 3);
        m << 0, 1, 1;
        attn::softmax_rows(w, from_rows({{nan, 0, std::log(3.0f)}}), &m);
        CHECK(w(0, 0) == 0.0f);
        CHECK(w(0, 1) == Approx(0.25));
        CHECK(w(0, 2) == Approx(0.75));
    }
    SECTION("all visible scores -inf: nothing to attend to, zeros") {
        attn::softmax_rows(w, from_rows({{-inf, -inf}}));
        CHECK(w(0, 0) == 0.0f);
        CHECK(w(0, 1) == 0.0f);
    }
}

TEST_CASE("attention(): a NaN or an infinity in Q, K or V is refused, naming the entry") {
    const float inf = std::numeric_limits<float>::infinity();
    Mat q = from_rows({{1, 0, 1}, {0, 1, 0}}), k = q, v = q;
    q(1, 2) = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_WITH(attn::attention(q, k, v), "Q[1][2] is not a finite number");
    CHECK_THROWS_AS(attn::attention(q, k, v), attn::ValueError);
    q(1, 2) = 0;
    k(0, 1) = -inf;
    CHECK_THROWS_WITH(attn::attention(q, k, v), "K[0][1] is not a finite number");
    k(0, 1) = 0;
    v(1, 0) = inf;
    CHECK_THROWS_WITH(attn::attention(q, k, v), "V[1][0] is not a finite number");
    v(1, 0) = 0;
    // Finite again: the worked example's weights sum to 1.
    const attn::AttentionResult r = attn::attention(Q, K, V);
    CHECK(r.cache.weights.row(0).sum() == Approx(1));
    CHECK(r.output.allFinite());
}

TEST_CASE("attention(): finite Q and K whose dot product overflows a float are refused") {
    // 1e38 · 1e38 is far beyond 3.4e38: the score would be +inf.
    const Mat q = from_rows({{1e38}}), k = from_rows({{1}, {1e38}}), v = from_rows({{1}, {2}});
    CHECK_THROWS_WITH(attn::attention(q, k, v), Catch::Contains("score of query 0 and key 1 overflows a float"));
    // attention_forward, the model's unchecked path, gives the limit instead: all the weight on key 1.
    Mat out;
    attn::AttentionCache cache;
    attn::attention_forward(out, cache, q, k, v);
    CHECK(cache.weights(0, 0) == 0.0f);
    CHECK(cache.weights(0, 1) == 1.0f);
    CHECK(out(0, 0) == 2.0f);
}
