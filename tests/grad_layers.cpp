// Central-difference gradient checks of each layer, in double (this file links attn_core_f64).
// Every check perturbs each entry of each input and parameter; see grad_check.h for the
// step and the tolerance.
#include "core/encoder.h"
#include "core/layers.h"
#include "grad_check.h"

#include <catch2/catch.hpp>

#include <type_traits>

using attn::Mat;
using attn::Mask;
using gradcheck::check;
using gradcheck::random_mat;
using gradcheck::weighted_sum;

static_assert(std::is_same<attn::Scalar, double>::value, "gradient checks need the double build");

TEST_CASE("gradient: linear layer") {
    attn::Rng rng(1);
    Mat x = random_mat(rng, 3, 4), w = random_mat(rng, 4, 5), b = random_mat(rng, 1, 5);
    const Mat r = random_mat(rng, 3, 5);
    auto loss = [&] {
        Mat out;
        attn::linear_forward(out, x, w, b);
        return weighted_sum(out, r);
    };
    Mat dx, dw = Mat::Zero(4, 5), db = Mat::Zero(1, 5);
    attn::linear_backward(dx, dw, db, r, x, w);
    check("linear.x", x, dx, loss);
    check("linear.w", w, dw, loss);
    check("linear.b", b, db, loss);
}

TEST_CASE("gradient: LayerNorm") {
    attn::Rng rng(2);
    // Rows with an offset and different spreads, so that the mean and variance paths matter.
    Mat x = random_mat(rng, 4, 6, 2.0);
    x.row(1).array() += 3.0;
    x.row(2) *= 0.1;
    Mat gamma = random_mat(rng, 1, 6), beta = random_mat(rng, 1, 6);
    const Mat r = random_mat(rng, 4, 6);
    auto loss = [&] {
        Mat out;
        attn::LayerNormCache c;
        attn::layernorm_forward(out, c, x, gamma, beta);
        return weighted_sum(out, r);
    };
    Mat out, dx, dgamma = Mat::Zero(1, 6), dbeta = Mat::Zero(1, 6);
    attn::LayerNormCache cache;
    attn::layernorm_forward(out, cache, x, gamma, beta);
    attn::layernorm_backward(dx, dgamma, dbeta, r, cache, x, gamma);
    check("layernorm.x", x, dx, loss);
    check("layernorm.gamma", gamma, dgamma, loss);
    check("layernorm.beta", beta, dbeta, loss);
}

namespace {

void check_ffn(attn::Activation act, const char* label) {
    attn::Rng rng(3);
    const int T = 3, d = 4, f = 16;
    Mat x = random_mat(rng, T, d);
    attn::FfnParams p{random_mat(rng, d, f), random_mat(rng, 1, f, 0.5), random_mat(rng, f, d),
                      random_mat(rng, 1, d)};
    const Mat r = random_mat(rng, T, d);
    auto loss = [&] {
        Mat out;
        attn::FfnCache c;
        attn::ffn_forward(out, c, x, p, act);
        return weighted_sum(out, r);
    };
    Mat out, dx;
    attn::FfnCache cache;
    attn::ffn_forward(out, cache, x, p, act);
    attn::FfnParams g{Mat::Zero(d, f), Mat::Zero(1, f), Mat::Zero(f, d), Mat::Zero(1, d)};
    attn::ffn_backward(dx, g, r, cache, x, p, act);
    // ReLU has a kink at 0: a step across it would make the difference quotient wrong, so make
    // sure no pre-activation is within a few steps of 0 (true for this seed; asserted, not hoped).
    CHECK(cache.pre.cwiseAbs().minCoeff() > 100 * gradcheck::kStep);
    const std::string n = std::string("ffn(") + label + ").";
    check(n + "x", x, dx, loss);
    check(n + "w1", p.w1, g.w1, loss);
    check(n + "b1", p.b1, g.b1, loss);
    check(n + "w2", p.w2, g.w2, loss);
    check(n + "b2", p.b2, g.b2, loss);
}

attn::MultiHeadParams random_mha(attn::Rng& rng, int d) {
    return {random_mat(rng, d, d), random_mat(rng, d, d), random_mat(rng, d, d),
            random_mat(rng, 1, d), random_mat(rng, 1, d), random_mat(rng, 1, d),
            random_mat(rng, d, d), random_mat(rng, 1, d)};
}

void check_mha(const Mask* mask, const char* label) {
    attn::Rng rng(4);
    const int T = 4, d = 6, h = 2;
    Mat x = random_mat(rng, T, d);
    attn::MultiHeadParams p = random_mha(rng, d);
    Mat r = random_mat(rng, T, d);
    auto loss = [&] {
        Mat out;
        attn::MultiHeadCache c;
        attn::multihead_forward(out, c, x, p, h, mask);
        return weighted_sum(out, r);
    };
    Mat out, dx;
    attn::MultiHeadCache cache;
    attn::multihead_forward(out, cache, x, p, h, mask);
    attn::MultiHeadParams g{Mat::Zero(d, d), Mat::Zero(d, d), Mat::Zero(d, d), Mat::Zero(1, d),
                            Mat::Zero(1, d), Mat::Zero(1, d), Mat::Zero(d, d), Mat::Zero(1, d)};
    attn::multihead_backward(dx, g, r, cache, x, p);
    // The key bias adds q_i·b^K to every score of row i, which the softmax ignores: its exact
    // gradient is 0, and the analytic one must be 0 up to rounding.
    CHECK(g.bk.cwiseAbs().maxCoeff() < 1e-12);
    const std::string n = std::string("mha(") + label + ").";
    check(n + "x", x, dx, loss);
    check(n + "wq", p.wq, g.wq, loss);
    check(n + "bq", p.bq, g.bq, loss);
    check(n + "wk", p.wk, g.wk, loss);
    check(n + "bk", p.bk, g.bk, loss);
    check(n + "wv", p.wv, g.wv, loss);
    check(n + "bv", p.bv, g.bv, loss);
    check(n + "wo", p.wo, g.wo, loss);
    check(n + "bo", p.bo, g.bo, loss);
}

}  // namespace

TEST_CASE("gradient: feed-forward network with GELU") { check_ffn(attn::Activation::gelu, "gelu"); }

TEST_CASE("gradient: feed-forward network with ReLU") { check_ffn(attn::Activation::relu, "relu"); }

TEST_CASE("gradient: multi-head attention without a mask") { check_mha(nullptr, "no mask"); }

TEST_CASE("gradient: multi-head attention with a padding mask") {
    // Key 2 is padding (hidden from every query); row 3 also may not see key 0.
    Mask mask(4, 4);
    mask << 1, 1, 0, 1,
            1, 1, 0, 1,
            1, 1, 0, 1,
            0, 1, 0, 1;
    check_mha(&mask, "masked");
}

TEST_CASE("gradient: token embeddings, learned positions and the √d scale") {
    attn::EncoderConfig config;
    config.vocab = 5;
    config.d_model = 4;
    config.n_layers = 0;  // the encoder's output is then its input: scale · E[tokens] + P
    config.max_len = 6;
    config.positional = attn::Positional::learned;
    attn::EncoderParams params = attn::init_params(config, 5);
    const std::vector<int> tokens = {3, 1, 3, 0};  // token 3 twice: its gradient must add up
    attn::Rng rng(5);
    const Mat r = random_mat(rng, 4, 4);
    auto loss = [&] {
        Mat out;
        attn::EncoderCache c;
        attn::encoder_forward(out, c, tokens, params);
        return weighted_sum(out, r);
    };
    Mat out;
    attn::EncoderCache cache;
    attn::encoder_forward(out, cache, tokens, params);
    attn::EncoderParams grads = attn::zeros_like(config);
    attn::encoder_backward(grads, r, cache, params);
    check("token_embedding", params.token_embedding, grads.token_embedding, loss);
    check("position_embedding", params.position_embedding, grads.position_embedding, loss);
    // Rows of tokens and positions that were not used get exactly 0.
    CHECK(grads.token_embedding.row(2).isZero(0));
    CHECK(grads.position_embedding.bottomRows(2).isZero(0));
}

TEST_CASE("gradient: cross-entropy with ignored rows") {
    attn::Rng rng(6);
    Mat logits = random_mat(rng, 4, 5, 3.0);
    const std::vector<int> targets = {2, attn::kIgnoreIndex, 0, 4};
    auto loss = [&] {
        Mat probs;
        return static_cast<double>(attn::cross_entropy_forward(probs, logits, targets));
    };
    Mat probs, dlogits;
    attn::cross_entropy_forward(probs, logits, targets);
    attn::cross_entropy_backward(dlogits, probs, targets);
    check("cross_entropy.logits", logits, dlogits, loss);
    CHECK(dlogits.row(1).isZero(0));
}

TEST_CASE("gradient: classifying from the output at one position") {
    attn::EncoderConfig config;
    config.vocab = 6;
    config.d_model = 4;
    config.n_heads = 2;
    config.d_ff = 8;
    config.n_layers = 1;
    config.n_classes = 3;
    attn::EncoderParams params = attn::init_params(config, 7);
    const std::vector<int> tokens = {1, 4, 2, 5};
    const int position = 2, target = 1;
    auto loss = [&] {
        attn::ModelOutput o;
        return static_cast<double>(attn::classify_at_forward(o, tokens, position, target, params));
    };
    attn::ModelOutput out;
    attn::classify_at_forward(out, tokens, position, target, params);
    attn::EncoderParams grads = attn::zeros_like(config);
    attn::classify_at_backward(grads, out, position, target, params);
    check("classify_at.head.w", params.head_w, grads.head_w, loss);
    check("classify_at.head.b", params.head_b, grads.head_b, loss);
    check("classify_at.layers.0.attn.wq", params.layers[0].attn.wq, grads.layers[0].attn.wq, loss);
    check("classify_at.token_embedding", params.token_embedding, grads.token_embedding, loss);
}
