// The encoder against values worked by hand and against invariants that hold for any input.
#include "core/encoder.h"
#include "core/layers.h"
#include "core/optim.h"
#include "core/rng.h"

#include "matrix_util.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

using attn::Mat;
using test_util::describe;
using test_util::from_rows;
using attn::Mask;

namespace {


// Agreement to 1e-5 absolute: float keeps ≈ 7 significant digits and the values are O(1).
constexpr double kHandTolerance = 1e-5;

void require_close(const Mat& got, const Mat& want, double tol = kHandTolerance) {
    INFO(describe(got, want));
    REQUIRE(got.rows() == want.rows());
    REQUIRE(got.cols() == want.cols());
    CHECK((got - want).cwiseAbs().maxCoeff() <= tol);
}

Mat random_mat(attn::Rng& rng, Eigen::Index rows, Eigen::Index cols, double scale = 1.0) {
    Mat m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<attn::Scalar>(rng.uniform(-scale, scale));
    return m;
}

attn::EncoderConfig small_config(attn::Positional positional = attn::Positional::sinusoidal,
                                 attn::NormOrder norm = attn::NormOrder::post) {
    attn::EncoderConfig c;
    c.vocab = 10;
    c.d_model = 8;
    c.n_heads = 2;
    c.n_layers = 2;
    c.max_len = 16;
    c.positional = positional;
    c.norm = norm;
    return c;
}

}  // namespace

// =============================================================================================
// A block worked by hand: 2 tokens, d = 4, one head, post-LN, ReLU FFN.
//
// Weights: W^Q = W^K = W^V = W^O = I (4×4), all attention biases 0, so Q = K = V = x and the
// block's attention output is just the weighted average of the inputs.
// x1 = [1, 0, 1, 0], x2 = [0, 2, 0, 0].
//
// Scores Q Kᵀ: x1·x1 = 2, x1·x2 = 0, x2·x2 = 4 → [[2, 0], [0, 4]]; scaled by 1/√4 = 1/2:
//   [[1, 0], [0, 2]].
// Softmax, row 1: [e, 1] / (e + 1) = [0.7310586, 0.2689414]
//          row 2: [1, e²] / (1 + e²) = [0.1192029, 0.8807971]
// Head output = weights · V:
//   a1 = 0.7310586·[1,0,1,0] + 0.2689414·[0,2,0,0] = [0.7310586, 0.5378828, 0.7310586, 0]
//   a2 = 0.1192029·[1,0,1,0] + 0.8807971·[0,2,0,0] = [0.1192029, 1.7615942, 0.1192029, 0]
// Add: r1 = x1 + a1 = [1.7310586, 0.5378828, 1.7310586, 0]
//      r2 = x2 + a2 = [0.1192029, 3.7615942, 0.1192029, 0]
// LayerNorm 1 (γ = 1, β = 0, ε = 1e-5). The weights of a row sum to 1, so Σ r1 = 2 + 2 = 4 and
// Σ r2 = 2 + 2 = 4: both means are exactly 1.
//   row 1: deviations [0.7310586, −0.4621172, 0.7310586, −1]
//          variance (2·0.5344466 + 0.2135523 + 1) / 4 = 0.5706114; rstd = 1/√0.5706214 = 1.3238110
//          n1 = [0.9677834, −0.6117558, 0.9677834, −1.3238110]
//   row 2: deviations [−0.8807971, 2.7615942, −0.8807971, −1]
//          variance (2·0.7758034 + 7.6264023 + 1) / 4 = 2.5445023; rstd = 1/√2.5445123 = 0.6268992
//          n2 = [−0.5521710, 1.7312412, −0.5521710, −0.6268992]
// FFN (f = 16): W1 has I in its first 4 columns and 0 elsewhere, b1 = −0.5 on those 4 units
// (0 elsewhere); ReLU; W2 has I in its first 4 rows, b2 = 0. So FFN(n) = max(0, n − 0.5) on
// the 4 model columns:
//   hidden1 = [0.4677834, 0, 0.4677834, 0]    hidden2 = [0, 1.2312412, 0, 0]
// Add: s1 = n1 + FFN(n1) = [1.4355667, −0.6117558, 1.4355667, −1.3238110]
//      s2 = n2 + FFN(n2) = [−0.5521710, 2.9624824, −0.5521710, −0.6268992]
// LayerNorm 2 with γ = [2, 1, 1, 1], β = [0, 0, 0, 0.5]:
//   row 1: mean (2·1.4355667 − 0.6117558 − 1.3238110)/4 = 0.2338917, rstd 0.8144871
//          x̂ = [0.9787488, −0.6887689, 0.9787488, −1.2687287]
//          y1 = [1.9574976, −0.6887689, 0.9787488, −0.7687287]
//   row 2: mean (−2·0.5521710 + 2.9624824 − 0.6268992)/4 = 0.3078103, rstd 0.6523232
//          x̂ = [−0.5609857, 1.7317041, −0.5609857, −0.6097327]
//          y2 = [−1.1219714, 1.7317041, −0.5609857, −0.1097327]
// (Arithmetic done with python3's math.exp and math.sqrt, step by step as above.)
TEST_CASE("hand-worked block: 2 tokens, d = 4, 1 head, post-LN, ReLU") {
    attn::EncoderConfig config;
    config.vocab = 3;
    config.d_model = 4;
    config.n_heads = 1;
    config.d_ff = 16;
    config.n_layers = 1;
    config.activation = attn::Activation::relu;
    attn::EncoderParams params = attn::zeros_like(config);
    attn::LayerParams& p = params.layers[0];
    p.attn.wq.setIdentity();
    p.attn.wk.setIdentity();
    p.attn.wv.setIdentity();
    p.attn.wo.setIdentity();
    p.ln1_gamma.setOnes();
    p.ffn.w1.leftCols(4).setIdentity();
    p.ffn.b1.leftCols(4).setConstant(-0.5f);
    p.ffn.w2.topRows(4).setIdentity();
    p.ln2_gamma = from_rows({{2, 1, 1, 1}});
    p.ln2_beta = from_rows({{0, 0, 0, 0.5}});

    const Mat x = from_rows({{1, 0, 1, 0}, {0, 2, 0, 0}});
    Mat y;
    attn::LayerCache c;
    attn::encoder_layer_forward(y, c, x, p, config);

    require_close(c.attn.heads[0].scores, from_rows({{2, 0}, {0, 4}}));
    require_close(c.attn.heads[0].scaled, from_rows({{1, 0}, {0, 2}}));
    require_close(c.weights(0), from_rows({{0.7310586, 0.2689414}, {0.1192029, 0.8807971}}));
    require_close(c.attn.head_out[0], from_rows({{0.7310586, 0.5378828, 0.7310586, 0},
                                                 {0.1192029, 1.7615942, 0.1192029, 0}}));
    require_close(c.resid1, from_rows({{1.7310586, 0.5378828, 1.7310586, 0},
                                       {0.1192029, 3.7615942, 0.1192029, 0}}));
    require_close(c.ln1.mean, from_rows({{1}, {1}}));
    require_close(c.ln1.rstd, from_rows({{1.3238110}, {0.6268992}}));
    require_close(c.norm1, from_rows({{0.9677834, -0.6117558, 0.9677834, -1.3238110},
                                      {-0.5521710, 1.7312412, -0.5521710, -0.6268992}}));
    require_close(c.ffn.hidden.leftCols(4), from_rows({{0.4677834, 0, 0.4677834, 0}, {0, 1.2312412, 0, 0}}));
    CHECK(c.ffn.hidden.rightCols(12).isZero(0));
    require_close(c.resid2, from_rows({{1.4355667, -0.6117558, 1.4355667, -1.3238110},
                                       {-0.5521710, 2.9624824, -0.5521710, -0.6268992}}));
    require_close(c.ln2.mean, from_rows({{0.2338917}, {0.3078103}}));
    require_close(c.ln2.rstd, from_rows({{0.8144871}, {0.6523232}}));
    require_close(y, from_rows({{1.9574976, -0.6887689, 0.9787488, -0.7687287},
                                {-1.1219714, 1.7317041, -0.5609857, -0.1097327}}));
    CHECK(c.output == y);
}

// =============================================================================================
// Positional encoding

TEST_CASE("sinusoidal positions match the formula at points worked by hand") {
    Mat pe;
    attn::sinusoidal_positions(pe, 6, 4);
    // pos 0: sin 0 = 0, cos 0 = 1 in every pair.
    require_close(pe.row(0), from_rows({{0, 1, 0, 1}}));
    // pos 1, d = 4: frequencies 1/10000^(0/4) = 1 and 1/10000^(2/4) = 1/100:
    //   [sin 1, cos 1, sin 0.01, cos 0.01] = [0.841471, 0.540302, 0.00999983, 0.99995]
    require_close(pe.row(1), from_rows({{0.8414710, 0.5403023, 0.0099998, 0.9999500}}));

    attn::sinusoidal_positions(pe, 6, 6);
    // pos 2, d = 6: 10000^(2/6) = 21.544347, 10000^(4/6) = 464.15888, so the angles are
    //   2, 2/21.544347 = 0.0928318, 2/464.15888 = 0.0043089:
    //   [sin 2, cos 2, sin 0.0928318, cos 0.0928318, sin 0.0043089, cos 0.0043089]
    require_close(pe.row(2), from_rows({{0.9092974, -0.4161468, 0.0926985, 0.9956942, 0.0043089, 0.9999907}}));

    attn::sinusoidal_positions(pe, 6, 8);
    // pos 5, d = 8: 10000^(2/8) = 10, 10000^(4/8) = 100, 10000^(6/8) = 1000:
    //   [sin 5, cos 5, sin 0.5, cos 0.5, sin 0.05, cos 0.05, sin 0.005, cos 0.005]
    require_close(pe.row(5), from_rows({{-0.9589243, 0.2836622, 0.4794255, 0.8775826, 0.0499792,
                                         0.9987503, 0.0050000, 0.9999875}}));
}

TEST_CASE("encoder input is √d · embedding + position, and the cache keeps each part") {
    attn::EncoderConfig config = small_config();
    const attn::EncoderParams params = attn::init_params(config, 3);
    const std::vector<int> tokens = {4, 1, 4};
    Mat out;
    attn::EncoderCache cache;
    attn::encoder_forward(out, cache, tokens, params);
    Mat pe;
    attn::sinusoidal_positions(pe, 3, 8);
    const float scale = std::sqrt(8.0f);
    require_close(cache.embedded.row(0), scale * params.token_embedding.row(4));
    require_close(cache.embedded.row(1), scale * params.token_embedding.row(1));
    require_close(cache.positions, pe);
    require_close(cache.input, cache.embedded + cache.positions);
    CHECK(cache.layers.size() == 2);
    CHECK(cache.layers[1].attn.q.size() == 2);
    CHECK(cache.weights(1, 1).rows() == 3);
    CHECK(cache.layers[0].input == cache.input);
    CHECK(cache.layers[1].input == cache.layers[0].output);
    CHECK(out == cache.output);
}

TEST_CASE("relative_change: how far a block moved its input, worked by hand") {
    attn::LayerCache layer;
    layer.input = from_rows({{3, 4}});
    layer.output = from_rows({{6, 8}});      // moved by (3, 4): 5 / 5
    CHECK(layer.relative_change() == Approx(1.0));
    layer.output = from_rows({{3, 4}});      // unchanged
    CHECK(layer.relative_change() == 0.0);
    layer.input = from_rows({{1, 0}, {0, 0}});
    layer.output = from_rows({{1, 0}, {0, 2}});  // ‖(0,0;0,2)‖ / ‖(1,0;0,0)‖ = 2
    CHECK(layer.relative_change() == Approx(2.0));
    layer.input = Mat::Zero(1, 2);          // nothing to compare with
    CHECK(layer.relative_change() == 0.0);
}

// =============================================================================================
// Invariants

TEST_CASE("LayerNorm output has mean 0 and variance 1 in every row (γ = 1, β = 0)") {
    attn::Rng rng(21);
    Mat x = random_mat(rng, 5, 16, 3.0);
    x.row(1).array() += 50.0f;  // a large offset must not hurt the variance (two-pass variance)
    x.row(2) *= 0.01f;
    const Mat gamma = Mat::Ones(1, 16), beta = Mat::Zero(1, 16);
    Mat y;
    attn::LayerNormCache cache;
    attn::layernorm_forward(y, cache, x, gamma, beta);
    for (Eigen::Index t = 0; t < 5; ++t) {
        const double mean = y.row(t).mean();
        const double var = (y.row(t).array() - static_cast<float>(mean)).square().mean();
        // Variance is σ²/(σ² + ε), not exactly 1: for row 2 (σ ≈ 0.017) ε shifts it by ~3e-2.
        const double sigma2 = 1.0 / (cache.rstd(t, 0) * cache.rstd(t, 0)) - attn::kLayerNormEps;
        CHECK(mean == Approx(0).margin(1e-5));
        CHECK(var == Approx(sigma2 / (sigma2 + attn::kLayerNormEps)).epsilon(1e-4));
        if (t != 2) CHECK(var == Approx(1).epsilon(1e-3));
    }
}

TEST_CASE("LayerNorm before γ and β: hand-worked rows, and γ x̂ + β is the output") {
    // Row [1, 2, 3, 4]: μ = 2.5, σ² = (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25,
    // x̂ = (x − 2.5) / √(1.25 + 1e-5) = [−1.341635, −0.447212, 0.447212, 1.341635].
    // Row [2, 2, 2, 2]: σ² = 0, so x̂ = 0 whatever γ and β.
    const Mat x = from_rows({{1, 2, 3, 4}, {2, 2, 2, 2}});
    const Mat gamma = from_rows({{2, 0.5, 1, -1}}), beta = from_rows({{0.1, 0.2, 0.3, 0.4}});
    Mat y, xhat;
    attn::LayerNormCache cache;
    attn::layernorm_forward(y, cache, x, gamma, beta);
    attn::layernorm_normalized(xhat, x, cache);
    const double a = 1.5 / std::sqrt(1.25 + 1e-5), b = 0.5 / std::sqrt(1.25 + 1e-5);
    require_close(xhat, from_rows({{static_cast<float>(-a), static_cast<float>(-b), static_cast<float>(b), static_cast<float>(a)},
                                   {0, 0, 0, 0}}));
    // The gain and shift then move it off mean 0, variance 1: y = γ ⊙ x̂ + β, worked by hand.
    require_close(y, from_rows({{static_cast<float>(-2 * a + 0.1), static_cast<float>(-0.5 * b + 0.2),
                                 static_cast<float>(b + 0.3), static_cast<float>(-a + 0.4)},
                                {0.1f, 0.2f, 0.3f, 0.4f}}));
    attn::LayerNormCache wrong;
    wrong.mean = Mat::Zero(3, 1);
    wrong.rstd = Mat::Ones(3, 1);
    CHECK_THROWS_AS(attn::layernorm_normalized(xhat, x, wrong), attn::ShapeError);
}

TEST_CASE("GELU forward: values of the tanh form worked independently, and close to x Φ(x)") {
    // ½ x (1 + tanh(√(2/π) (x + 0.044715 x³))) evaluated in double with Python's math module.
    const Mat x = from_rows({{-3, -1, -0.5, 0, 0.5, 1, 2, 3}});
    const Mat want = from_rows({{-0.0036373921f, -0.1588080094f, -0.1542859902f, 0.0f, 0.3457140098f, 0.8411919906f,
                                 1.9545976941f, 2.9963626079f}});
    Mat y;
    attn::activation_forward(y, x, attn::Activation::gelu);
    require_close(y, want);
    // The exact GELU, x Φ(x) = ½ x (1 + erf(x / √2)), from another formula: the tanh form stays
    // within 1e-3 of it (its largest gap, about 4.7e-4, is near |x| = 2.2).
    Mat dense(1, 121);
    for (int i = 0; i < 121; ++i) dense(0, i) = static_cast<float>(-6.0 + 0.1 * i);
    attn::activation_forward(y, dense, attn::Activation::gelu);
    for (int i = 0; i < 121; ++i) {
        const double v = dense(0, i), exact = 0.5 * v * (1 + std::erf(v / std::sqrt(2.0)));
        INFO("x = " << v);
        CHECK(std::abs(y(0, i) - exact) < 1e-3);
    }
    // ReLU for contrast: max(0, x).
    attn::activation_forward(y, x, attn::Activation::relu);
    require_close(y, from_rows({{0, 0, 0, 0, 0.5, 1, 2, 3}}));
}

TEST_CASE("attention weights of every layer and head: rows sum to 1, entries in [0, 1]") {
    for (auto norm : {attn::NormOrder::post, attn::NormOrder::pre}) {
        const attn::EncoderParams params = attn::init_params(small_config(attn::Positional::sinusoidal, norm), 4);
        Mat out;
        attn::EncoderCache cache;
        attn::encoder_forward(out, cache, {1, 5, 9, 2, 2, 7}, params);
        for (int l = 0; l < 2; ++l) {
            for (int h = 0; h < 2; ++h) {
                const Mat& w = cache.weights(l, h);
                REQUIRE(w.rows() == 6);
                REQUIRE(w.cols() == 6);
                for (Eigen::Index i = 0; i < 6; ++i) CHECK(w.row(i).sum() == Approx(1).epsilon(1e-5));
                CHECK(w.minCoeff() >= 0);
                CHECK(w.maxCoeff() <= 1);
            }
        }
        REQUIRE(out.allFinite());
    }
}

TEST_CASE("padding: padded keys get weight 0 and do not change the other outputs") {
    attn::EncoderConfig config = small_config();
    config.pad_id = 0;
    const attn::EncoderParams params = attn::init_params(config, 5);
    Mat short_out, padded_out;
    attn::EncoderCache short_cache, padded_cache;
    attn::encoder_forward(short_out, short_cache, {3, 7, 2}, params);
    attn::encoder_forward(padded_out, padded_cache, {3, 7, 2, 0, 0}, params);
    CHECK(short_cache.mask.size() == 0);  // no padding, no mask
    REQUIRE(padded_cache.mask.rows() == 5);
    for (int l = 0; l < 2; ++l) {
        for (int h = 0; h < 2; ++h) {
            const Mat& w = padded_cache.weights(l, h);
            CHECK(w.rightCols(2).isZero(0));  // exactly 0, not merely small
            require_close(w.topLeftCorner(3, 3), short_cache.weights(l, h));
        }
    }
    // The real tokens' outputs are those of the unpadded sequence: padding is invisible.
    require_close(padded_out.topRows(3), short_out);
}

TEST_CASE("mask in multi-head attention: a hidden key's content cannot reach unmasked outputs") {
    attn::Rng rng(6);
    const int T = 4, d = 8;
    const Mat x = random_mat(rng, T, d);
    attn::MultiHeadParams p{random_mat(rng, d, d), random_mat(rng, d, d), random_mat(rng, d, d),
                            random_mat(rng, 1, d), random_mat(rng, 1, d), random_mat(rng, 1, d),
                            random_mat(rng, d, d), random_mat(rng, 1, d)};
    Mask mask = Mask::Ones(T, T);
    mask.col(3).setZero();  // key 3 hidden from all
    Mat out, out_changed;
    attn::MultiHeadCache c1, c2;
    attn::multihead_forward(out, c1, x, p, 2, &mask);
    Mat x_changed = x;
    x_changed.row(3) = random_mat(rng, 1, d, 5.0);  // token 3 becomes something else entirely
    attn::multihead_forward(out_changed, c2, x_changed, p, 2, &mask);
    require_close(out_changed.topRows(3), out.topRows(3));
    CHECK(c1.heads[0].weights.col(3).isZero(0));
    CHECK(c1.heads[1].weights.col(3).isZero(0));
}

TEST_CASE("without positions the encoder is permutation-equivariant, with them it is not") {
    const std::vector<int> tokens = {1, 5, 9, 2, 7};
    const std::vector<int> perm = {3, 0, 4, 1, 2};  // permuted[i] = tokens[perm[i]]
    std::vector<int> permuted;
    for (int i : perm) permuted.push_back(tokens[static_cast<std::size_t>(i)]);

    for (auto norm : {attn::NormOrder::post, attn::NormOrder::pre}) {
        const attn::EncoderParams plain = attn::init_params(small_config(attn::Positional::none, norm), 8);
        Mat out, out_perm;
        attn::EncoderCache c1, c2;
        attn::encoder_forward(out, c1, tokens, plain);
        attn::encoder_forward(out_perm, c2, permuted, plain);
        for (std::size_t i = 0; i < perm.size(); ++i) {
            INFO("row " << i);
            require_close(out_perm.row(static_cast<Eigen::Index>(i)), out.row(perm[i]));
        }

        const attn::EncoderParams with_pe = attn::init_params(small_config(attn::Positional::sinusoidal, norm), 8);
        attn::encoder_forward(out, c1, tokens, with_pe);
        attn::encoder_forward(out_perm, c2, permuted, with_pe);
        double largest = 0;
        for (std::size_t i = 0; i < perm.size(); ++i)
            largest = std::max(largest, static_cast<double>((out_perm.row(static_cast<Eigen::Index>(i)) - out.row(perm[i])).cwiseAbs().maxCoeff()));
        CHECK(largest > 0.1);  // order now matters, and not just by rounding
    }
}

TEST_CASE("pre-LN ends with a LayerNorm: its output rows have mean 0 and variance ≈ 1") {
    const attn::EncoderParams params = attn::init_params(small_config(attn::Positional::sinusoidal, attn::NormOrder::pre), 9);
    Mat out;
    attn::EncoderCache cache;
    attn::encoder_forward(out, cache, {3, 4, 5}, params);
    for (Eigen::Index t = 0; t < 3; ++t) {
        CHECK(out.row(t).mean() == Approx(0).margin(1e-5));
        CHECK((out.row(t).array() - out.row(t).mean()).square().mean() == Approx(1).epsilon(1e-3));
    }
    CHECK(cache.final_in == cache.layers.back().output);
}

// =============================================================================================
// Initialisation, parameters, errors

TEST_CASE("the generator maps mt19937's standard bits the same way everywhere") {
    // std::mt19937 seeded with 5489 (the reference default) starts 3499211612, 581869302; the
    // 53-bit combination (3499211612 >> 5) · 2^26 + (581869302 >> 6), over 2^53, is
    // 0.8147236863931789 — the first number of MATLAB's rand with its twister at seed 5489.
    attn::Rng rng(5489);
    CHECK(rng.uniform() == 0.8147236863931789);
    attn::Rng a(7), b(7);
    for (int i = 0; i < 100; ++i) CHECK(a.below(10) == b.below(10));
}

TEST_CASE("init_params: same seed gives the same weights, within Xavier limits, gains 1 and biases 0") {
    const attn::EncoderConfig config = small_config();
    const attn::EncoderParams a = attn::init_params(config, 42), b = attn::init_params(config, 42),
                              c = attn::init_params(config, 43);
    CHECK(a.layers[1].ffn.w2 == b.layers[1].ffn.w2);
    CHECK(a.token_embedding == b.token_embedding);
    CHECK(a.layers[0].attn.wq != c.layers[0].attn.wq);
    const double limit_qk = std::sqrt(6.0 / (8 + 8)), limit_w1 = std::sqrt(6.0 / (8 + 32));
    CHECK(a.layers[0].attn.wq.cwiseAbs().maxCoeff() <= limit_qk);
    CHECK(a.layers[0].ffn.w1.cwiseAbs().maxCoeff() <= limit_w1);
    CHECK(a.layers[0].ffn.w1.cwiseAbs().maxCoeff() > 0.8 * limit_w1);  // spread over the range
    CHECK(a.layers[0].ln1_gamma.isOnes(0));
    CHECK(a.layers[0].ln2_beta.isZero(0));
    CHECK(a.layers[0].attn.bq.isZero(0));
}

TEST_CASE("for_each_parameter: names, order and count") {
    attn::EncoderConfig config = small_config(attn::Positional::learned, attn::NormOrder::pre);
    config.n_classes = 3;
    attn::EncoderParams params = attn::zeros_like(config);
    std::vector<std::string> names;
    std::size_t scalars = 0;
    attn::for_each_parameter(params, params, [&](const std::string& n, const Mat& w, const Mat&) {
        names.push_back(n);
        scalars += static_cast<std::size_t>(w.size());
    });
    REQUIRE(names.size() == 2 + 2 * 16 + 2 + 2);
    CHECK(names.front() == "token_embedding");
    CHECK(names[1] == "position_embedding");
    CHECK(names[2] == "layers.0.attn.wq");
    CHECK(names.back() == "head.b");
    // V d + max_len d + N (4 d² + 4 d + 4 d (two LayerNorms) + 2 d f + f + d) + 2 d + d C + C
    const std::size_t d = 8, f = 32;
    CHECK(scalars == 10 * d + 16 * d + 2 * (4 * d * d + 4 * d + 4 * d + 2 * d * f + f + d) + 2 * d + d * 3 + 3);
    CHECK(attn::parameter_count(params) == scalars);
}

TEST_CASE("bad shapes and ids are refused with messages that name them") {
    Mat out;
    attn::MultiHeadCache mc;
    const Mat x = Mat::Zero(3, 6);
    attn::MultiHeadParams p{Mat::Zero(6, 6), Mat::Zero(6, 6), Mat::Zero(6, 6), Mat::Zero(1, 6),
                            Mat::Zero(1, 6), Mat::Zero(1, 6), Mat::Zero(6, 6), Mat::Zero(1, 6)};
    CHECK_THROWS_WITH(attn::multihead_forward(out, mc, x, p, 4),
                      Catch::Contains("(3, 6)") && Catch::Contains("4 heads"));
    CHECK_THROWS_AS(attn::linear_forward(out, x, Mat::Zero(5, 2), Mat::Zero(1, 2)), attn::ShapeError);
    CHECK_THROWS_WITH(attn::linear_forward(out, x, Mat::Zero(5, 2), Mat::Zero(1, 2)),
                      Catch::Contains("(3, 6)") && Catch::Contains("(5, 2)"));

    attn::EncoderConfig config = small_config(attn::Positional::learned);
    config.max_len = 4;
    const attn::EncoderParams params = attn::init_params(config, 1);
    attn::EncoderCache cache;
    CHECK_THROWS_AS(attn::encoder_forward(out, cache, {1, 2, 99}, params), std::out_of_range);
    CHECK_THROWS_WITH(attn::encoder_forward(out, cache, {1, 2, 3, 4, 5}, params),
                      Catch::Contains("5 tokens") && Catch::Contains("4 learned positions"));
    CHECK_THROWS_AS(attn::encoder_forward(out, cache, {}, params), attn::ShapeError);

    attn::EncoderConfig odd = small_config();
    odd.n_heads = 3;
    CHECK_THROWS_WITH(attn::zeros_like(odd), Catch::Contains("d_model 8") && Catch::Contains("n_heads 3"));

    Mat probs;
    CHECK_THROWS_AS(attn::cross_entropy_forward(probs, Mat::Zero(2, 3), {0, 3}), std::out_of_range);
    CHECK_THROWS_AS(attn::cross_entropy_forward(probs, Mat::Zero(2, 3), {0}), attn::ShapeError);
}

// =============================================================================================
// Loss and optimiser

TEST_CASE("cross-entropy: uniform logits cost log C, ignored rows cost nothing") {
    Mat probs;
    // Equal logits: p = 1/C for every class, so −log p = log 5 = 1.6094379.
    CHECK(attn::cross_entropy_forward(probs, Mat::Zero(3, 5), {0, attn::kIgnoreIndex, 4}) == Approx(1.6094379));
    // Row [0, ln 3]: p = [1, 3]/4, −log(3/4) = 0.2876821.
    const Mat logits = from_rows({{0, std::log(3.0)}, {100, -100}});
    CHECK(attn::cross_entropy_forward(probs, logits, {1, attn::kIgnoreIndex}) == Approx(0.2876821));
    // A confidently wrong row stays finite: −log softmax([100, −100])[1] = 200.
    CHECK(attn::cross_entropy_forward(probs, logits, {attn::kIgnoreIndex, 1}) == Approx(200));
    CHECK(attn::cross_entropy_forward(probs, logits, {attn::kIgnoreIndex, attn::kIgnoreIndex}) == 0);
}

TEST_CASE("AdamW: the first step moves each weight by lr against its gradient's sign, plus decay") {
    attn::EncoderConfig config;
    config.vocab = 2;
    config.d_model = 2;
    config.n_layers = 0;
    config.positional = attn::Positional::none;
    config.n_classes = 2;
    attn::EncoderParams params = attn::zeros_like(config), grads = attn::zeros_like(config);
    params.head_w = from_rows({{1, -2}, {0.5, 0}});
    params.head_b = from_rows({{1, 1}});
    grads.head_w = from_rows({{0.3, -4}, {0, 1e-3}});
    grads.head_b = from_rows({{-2, 0}});
    attn::AdamConfig adam;
    adam.lr = 0.1;
    adam.weight_decay = 0.5;
    attn::AdamState state;
    attn::adamw_step(params, grads, state, adam);
    // Step 1: m̂ = g, v̂ = g², so the Adam part is lr g / (|g| + ε) = ±0.1 (0 where g = 0).
    // Decay lr λ w = 0.05 w for the (2, 2) matrix only; the (1, 2) bias is not decayed.
    //   head_w: 1 − 0.1 − 0.05 = 0.85;  −2 + 0.1 + 0.1 = −1.8;  0.5 − 0 − 0.025 = 0.475;  0 − 0.1 = −0.1
    //   head_b: 1 + 0.1 = 1.1;  1 − 0 = 1
    require_close(params.head_w, from_rows({{0.85, -1.8}, {0.475, -0.1}}));
    require_close(params.head_b, from_rows({{1.1, 1}}));
    CHECK(state.step == 1);
}

TEST_CASE("global-norm clipping keeps the direction and caps the length") {
    attn::EncoderConfig config;
    config.vocab = 2;
    config.d_model = 2;
    config.n_layers = 0;
    config.positional = attn::Positional::none;
    attn::EncoderParams grads = attn::zeros_like(config);
    grads.token_embedding = from_rows({{3, 0}, {0, 4}});  // norm √(9 + 16) = 5
    CHECK(attn::clip_grad_norm(grads, 10) == Approx(5));
    CHECK(grads.token_embedding(1, 1) == 4);  // under the cap: untouched
    CHECK(attn::clip_grad_norm(grads, 1) == Approx(5));
    require_close(grads.token_embedding, from_rows({{0.6, 0}, {0, 0.8}}));
    CHECK(attn::grad_norm(grads) == Approx(1));
}

TEST_CASE("softmax on long rows (the vectorised path): masked entries exactly 0, rows sum to 1") {
    attn::Rng rng(31);
    const Mat scores = random_mat(rng, 3, 37, 30.0);  // 37 keys: packets of 4, 8 or 16 plus a tail
    Mask mask = Mask::Ones(3, 37);
    for (Eigen::Index j = 0; j < 37; j += 3) mask.col(j).setZero();
    Mat w;
    attn::softmax_rows(w, scores, &mask);
    for (Eigen::Index i = 0; i < 3; ++i) {
        CHECK(w.row(i).sum() == Approx(1).epsilon(1e-6));
        for (Eigen::Index j = 0; j < 37; j += 3) CHECK(w(i, j) == 0);
    }
    attn::softmax_rows(w, scores);
    for (Eigen::Index i = 0; i < 3; ++i) CHECK(w.row(i).sum() == Approx(1).epsilon(1e-6));
    CHECK(w.minCoeff() >= 0);
}
