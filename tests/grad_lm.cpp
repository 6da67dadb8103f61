// Central-difference gradient checks of the decoder-only language model (causal blocks, LM head,
// next-token cross-entropy at every position), in double, for both LayerNorm orders.
#include "core/lm.h"
#include "grad_check.h"

#include <catch2/catch.hpp>

using attn::Mat;

namespace {

void check_lm(attn::NormOrder norm, attn::Positional positional, const char* label) {
    attn::EncoderConfig config;
    config.vocab = 7;
    config.d_model = 8;
    config.n_heads = 2;
    config.d_ff = 16;
    config.n_layers = 2;
    config.max_len = 8;
    config.n_classes = 7;  // the next token
    config.norm = norm;
    config.positional = positional;
    attn::EncoderParams params = attn::init_params(config, 5);
    attn::Rng rng(105);
    // Off the special initial values (γ = 1, biases 0), so a forgotten term shows.
    attn::for_each_parameter(params, params, [&](const std::string&, Mat& w, Mat&) {
        w += gradcheck::random_mat(rng, w.rows(), w.cols(), 0.2);
    });
    const std::vector<int> ids = {2, 5, 1, 6, 4, 3};
    auto loss = [&] {
        attn::ModelOutput o;
        return static_cast<double>(attn::lm_loss_forward(o, ids, params));
    };
    attn::ModelOutput out;
    attn::lm_loss_forward(out, ids, params);
    attn::EncoderParams grads = attn::zeros_like(config);
    attn::lm_loss_backward(grads, out, ids, params);
    int checked = 0;
    attn::for_each_parameter(params, grads, [&](const std::string& name, Mat& w, const Mat& g) {
        gradcheck::check(std::string(label) + " " + name, w, g, loss);
        ++checked;
    });
    CHECK(checked > 30);
}

}  // namespace

TEST_CASE("gradient: 2-layer pre-LN causal language model, next-token loss at every position") {
    check_lm(attn::NormOrder::pre, attn::Positional::sinusoidal, "causal pre-LN");
}

TEST_CASE("gradient: 2-layer post-LN causal language model, learned positions") {
    check_lm(attn::NormOrder::post, attn::Positional::learned, "causal post-LN learned");
}
