// layer_bench.h — one encoder block (post-LN, GELU) with seeded weights and input, set up once;
// forward() and forward_backward() are the timed work. Shared by bench_encoder (native, Google
// Benchmark) and the WebAssembly benchmark page (bench/wasm_bench.cpp), so both time the same code.
//
// FLOPs are counted analytically: only the matrix products, 2 FLOPs (a multiply and an add)
// per multiply-accumulate. For one block with T tokens, width d, FFN width f (any h):
//   Q, K, V projections   3 · 2 T d²
//   scores Q Kᵀ, all heads     2 T² d      (h heads × 2 T² d_k, with h d_k = d)
//   weights · V, all heads     2 T² d
//   output projection          2 T d²
//   FFN, two products          2 · 2 T d f
//   forward total              8 T d² + 4 T² d + 4 T d f
// Backward does two products for each forward one (the gradient with respect to each operand),
// so forward + backward = 3 × forward. Softmax, LayerNorm, GELU, biases and residuals are
// O(T d + T² h) and left out, so the figures slightly understate the work done.
#pragma once

#include "core/encoder.h"
#include "core/rng.h"

namespace encoder_bench {

using attn::Mat;

// Everything one block needs, set up once; forward() and forward_backward() are the timed
// work. Free of Google Benchmark so that a WebAssembly page can drive the same code.
class LayerBench {
public:
    LayerBench(int T, int d, int h, int f, std::uint32_t seed = 1) : T_(T), d_(d), f_(f) {
        config_.vocab = 1;
        config_.d_model = d;
        config_.n_heads = h;
        config_.d_ff = f;
        config_.n_layers = 1;
        config_.max_len = T;
        config_.activation = attn::Activation::gelu;
        config_.norm = attn::NormOrder::post;
        params_ = attn::init_params(config_, seed);
        grads_ = attn::zeros_like(config_);
        attn::Rng rng(seed + 1);
        // Biases and LayerNorm parameters away from their initial 0 and 1, so that a comparison
        // with another framework's layer checks that it applies them too.
        attn::LayerParams& p = params_.layers[0];
        for (Mat* b : {&p.attn.bq, &p.attn.bk, &p.attn.bv, &p.attn.bo, &p.ffn.b1, &p.ffn.b2, &p.ln1_beta, &p.ln2_beta}) {
            for (Eigen::Index i = 0; i < b->size(); ++i) b->data()[i] = static_cast<attn::Scalar>(rng.uniform(-0.1, 0.1));
        }
        for (Mat* g : {&p.ln1_gamma, &p.ln2_gamma}) {
            for (Eigen::Index i = 0; i < g->size(); ++i) g->data()[i] = static_cast<attn::Scalar>(rng.uniform(0.8, 1.2));
        }
        x_.resize(T, d);
        dout_.resize(T, d);
        for (Eigen::Index i = 0; i < x_.size(); ++i) x_.data()[i] = static_cast<attn::Scalar>(rng.uniform(-1, 1));
        for (Eigen::Index i = 0; i < dout_.size(); ++i) dout_.data()[i] = static_cast<attn::Scalar>(rng.uniform(-1, 1));
    }

    void forward() { attn::encoder_layer_forward(y_, cache_, x_, params_.layers[0], config_); }

    void forward_backward() {
        forward();
        // Parameter gradients accumulate across calls; that costs the same as zeroing them
        // first would save, and the values stay finite over any benchmark's iterations.
        attn::encoder_layer_backward(dx_, grads_.layers[0], dout_, cache_, params_.layers[0], config_);
    }

    double forward_flops() const {
        const double T = T_, d = d_, f = f_;
        return 8 * T * d * d + 4 * T * T * d + 4 * T * d * f;
    }
    double forward_backward_flops() const { return 3 * forward_flops(); }
    const Mat& output() const { return y_; }
    Mat& input() { return x_; }
    const attn::LayerParams& params() const { return params_.layers[0]; }
    const attn::EncoderConfig& config() const { return config_; }

private:
    int T_, d_, f_;
    attn::EncoderConfig config_;
    attn::EncoderParams params_, grads_;
    attn::LayerCache cache_;
    Mat x_, dout_, y_, dx_;
};

}  // namespace encoder_bench

