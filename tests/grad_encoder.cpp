// Central-difference gradient checks of a whole 2-layer encoder with an output head and a
// cross-entropy loss on top, for both LayerNorm orders, in double. Every parameter entry is
// perturbed (see grad_check.h for the step and the tolerance).
#include "core/encoder.h"
#include "grad_check.h"

#include <catch2/catch.hpp>

using attn::Mat;

namespace {

// Init, then move every parameter off its special initial value (LayerNorm gains of exactly 1,
// biases of exactly 0) so that a gradient that forgets γ or a bias still shows.
attn::EncoderParams perturbed_params(const attn::EncoderConfig& config, std::uint32_t seed) {
    attn::EncoderParams params = attn::init_params(config, seed);
    attn::Rng rng(seed + 100);
    attn::for_each_parameter(params, params, [&](const std::string&, Mat& w, Mat&) {
        w += gradcheck::random_mat(rng, w.rows(), w.cols(), 0.2);
    });
    return params;
}

void check_encoder(attn::NormOrder norm, attn::Positional positional, attn::Activation act,
                   bool with_padding, const char* label) {
    attn::EncoderConfig config;
    config.vocab = 7;
    config.d_model = 8;
    config.n_heads = 2;
    config.d_ff = 32;
    config.n_layers = 2;
    config.max_len = 6;
    config.n_classes = 5;
    config.norm = norm;
    config.positional = positional;
    config.activation = act;
    config.pad_id = with_padding ? 0 : -1;
    attn::EncoderParams params = perturbed_params(config, 11);

    // With padding the last token is the pad id: no query may look at it, and it has no target.
    const std::vector<int> tokens = with_padding ? std::vector<int>{3, 6, 1, 3, 0}
                                                 : std::vector<int>{3, 6, 1, 3, 2};
    const std::vector<int> targets = {4, attn::kIgnoreIndex, 0, 2, with_padding ? attn::kIgnoreIndex : 1};
    auto loss = [&] {
        attn::ModelOutput o;
        return static_cast<double>(attn::sequence_loss_forward(o, tokens, targets, params));
    };
    attn::ModelOutput out;
    attn::sequence_loss_forward(out, tokens, targets, params);
    attn::EncoderParams grads = attn::zeros_like(config);
    attn::sequence_loss_backward(grads, out, targets, params);

    int checked = 0;
    attn::for_each_parameter(params, grads, [&](const std::string& name, Mat& w, const Mat& g) {
        gradcheck::check(std::string(label) + " " + name, w, g, loss);
        ++checked;
    });
    CHECK(checked > 30);
}

}  // namespace

TEST_CASE("gradient: 2-layer post-LN encoder + head + cross-entropy") {
    check_encoder(attn::NormOrder::post, attn::Positional::sinusoidal, attn::Activation::gelu, false,
                  "post-LN");
}

TEST_CASE("gradient: 2-layer pre-LN encoder + head + cross-entropy") {
    check_encoder(attn::NormOrder::pre, attn::Positional::sinusoidal, attn::Activation::gelu, false,
                  "pre-LN");
}

TEST_CASE("gradient: 2-layer post-LN encoder, learned positions, ReLU, padding") {
    check_encoder(attn::NormOrder::post, attn::Positional::learned, attn::Activation::relu, true,
                  "post-LN/learned/relu/pad");
}

TEST_CASE("gradient: 2-layer pre-LN encoder, learned positions, padding") {
    check_encoder(attn::NormOrder::pre, attn::Positional::learned, attn::Activation::gelu, true,
                  "pre-LN/learned/pad");
}
