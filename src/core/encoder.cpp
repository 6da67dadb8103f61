#include "core/encoder.h"

#include "core/rng.h"

#include <cmath>
#include <stdexcept>

namespace attn {

// ---------------------------------------------------------------------------------------------
// Configuration

void EncoderConfig::validate() const {
    auto fail = [](const std::string& msg) { throw ShapeError("encoder config: " + msg); };
    if (vocab < 1) fail("vocab is " + std::to_string(vocab) + ", needs at least 1");
    if (d_model < 1) fail("d_model is " + std::to_string(d_model) + ", needs at least 1");
    if (n_heads < 1 || d_model % n_heads != 0)
        fail("d_model " + std::to_string(d_model) + " is not a multiple of n_heads " +
             std::to_string(n_heads));
    if (ff_width() < 1) fail("d_ff is " + std::to_string(d_ff));
    if (n_layers < 0) fail("n_layers is " + std::to_string(n_layers));
    if (max_len < 1) fail("max_len is " + std::to_string(max_len));
    if (n_classes < 0) fail("n_classes is " + std::to_string(n_classes));
    if (static_cast<unsigned>(positional) > 2) fail("unknown positional encoding");
    if (static_cast<unsigned>(norm) > 1) fail("unknown LayerNorm order");
    if (static_cast<unsigned>(activation) > 1) fail("unknown activation");
    if (pad_id < -1 || pad_id >= vocab) fail("pad_id " + std::to_string(pad_id) + " is outside the vocabulary");
}

bool EncoderConfig::operator==(const EncoderConfig& o) const {
    return vocab == o.vocab && d_model == o.d_model && n_heads == o.n_heads &&
           ff_width() == o.ff_width() && n_layers == o.n_layers && max_len == o.max_len &&
           n_classes == o.n_classes && positional == o.positional && norm == o.norm &&
           activation == o.activation && scale_embedding == o.scale_embedding && pad_id == o.pad_id;
}

// ---------------------------------------------------------------------------------------------
// Parameters

EncoderParams zeros_like(const EncoderConfig& config) {
    config.validate();
    const int d = config.d_model, f = config.ff_width();
    EncoderParams p;
    p.config = config;
    p.token_embedding = Mat::Zero(config.vocab, d);
    if (config.positional == Positional::learned) p.position_embedding = Mat::Zero(config.max_len, d);
    p.layers.resize(static_cast<std::size_t>(config.n_layers));
    for (auto& l : p.layers) {
        for (Mat* w : {&l.attn.wq, &l.attn.wk, &l.attn.wv, &l.attn.wo}) *w = Mat::Zero(d, d);
        for (Mat* b : {&l.attn.bq, &l.attn.bk, &l.attn.bv, &l.attn.bo}) *b = Mat::Zero(1, d);
        for (Mat* v : {&l.ln1_gamma, &l.ln1_beta, &l.ln2_gamma, &l.ln2_beta}) *v = Mat::Zero(1, d);
        l.ffn.w1 = Mat::Zero(d, f);
        l.ffn.b1 = Mat::Zero(1, f);
        l.ffn.w2 = Mat::Zero(f, d);
        l.ffn.b2 = Mat::Zero(1, d);
    }
    if (config.norm == NormOrder::pre) {
        p.lnf_gamma = Mat::Zero(1, d);
        p.lnf_beta = Mat::Zero(1, d);
    }
    if (config.n_classes > 0) {
        p.head_w = Mat::Zero(d, config.n_classes);
        p.head_b = Mat::Zero(1, config.n_classes);
    }
    return p;
}

void zero_grads(EncoderParams& grads) {
    for_each_parameter(grads, grads, [](const std::string&, Mat& g, Mat&) { g.setZero(); });
}

namespace {
bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

EncoderParams init_params(const EncoderConfig& config, std::uint32_t seed) {
    EncoderParams p = zeros_like(config);
    Rng rng(seed);
    const double d = config.d_model;
    for_each_parameter(p, p, [&](const std::string& name, Mat& w, Mat&) {
        double limit = 0;
        if (ends_with(name, "embedding")) {
            limit = std::sqrt(3.0 / d);  // U(−a, a) has variance a²/3 = 1/d
        } else if (ends_with(name, "gamma")) {
            w.setOnes();
            return;
        } else if (w.rows() > 1) {
            limit = std::sqrt(6.0 / static_cast<double>(w.rows() + w.cols()));
        } else {
            return;  // biases and LayerNorm shifts stay 0
        }
        Scalar* data = w.data();  // row-major, so the fill order is the same on every platform
        for (Eigen::Index i = 0; i < w.size(); ++i) data[i] = static_cast<Scalar>(rng.uniform(-limit, limit));
    });
    return p;
}

std::size_t parameter_count(const EncoderParams& params) {
    std::size_t n = 0;
    for_each_parameter(params, params,
                       [&](const std::string&, const Mat& w, const Mat&) { n += static_cast<std::size_t>(w.size()); });
    return n;
}

// ---------------------------------------------------------------------------------------------
// One encoder block

void encoder_layer_forward(Mat& out, LayerCache& c, const Mat& x, const LayerParams& p,
                           const EncoderConfig& config, const Mask* mask) {
    if (x.cols() != config.d_model) {
        throw ShapeError("encoder block input is " + shape_of(x) + " but d_model is " +
                         std::to_string(config.d_model));
    }
    c.input = x;
    if (config.norm == NormOrder::post) {
        c.attn_in = x;
        multihead_forward(c.attn_out, c.attn, c.attn_in, p.attn, config.n_heads, mask);
        c.resid1 = x + c.attn_out;
        layernorm_forward(c.norm1, c.ln1, c.resid1, p.ln1_gamma, p.ln1_beta);
        c.ffn_in = c.norm1;
        ffn_forward(c.ffn_out, c.ffn, c.ffn_in, p.ffn, config.activation);
        c.resid2 = c.norm1 + c.ffn_out;
        layernorm_forward(c.norm2, c.ln2, c.resid2, p.ln2_gamma, p.ln2_beta);
        c.output = c.norm2;
    } else {
        layernorm_forward(c.norm1, c.ln1, x, p.ln1_gamma, p.ln1_beta);
        c.attn_in = c.norm1;
        multihead_forward(c.attn_out, c.attn, c.attn_in, p.attn, config.n_heads, mask);
        c.resid1 = x + c.attn_out;
        layernorm_forward(c.norm2, c.ln2, c.resid1, p.ln2_gamma, p.ln2_beta);
        c.ffn_in = c.norm2;
        ffn_forward(c.ffn_out, c.ffn, c.ffn_in, p.ffn, config.activation);
        c.resid2 = c.resid1 + c.ffn_out;
        c.output = c.resid2;
    }
    out = c.output;
}

void encoder_layer_backward(Mat& dx, LayerParams& g, const Mat& dout, const LayerCache& c,
                            const LayerParams& p, const EncoderConfig& config) {
    if (dout.rows() != c.output.rows() || dout.cols() != c.output.cols()) {
        throw ShapeError("encoder block output gradient is " + shape_of(dout) +
                         " but its output is " + shape_of(c.output));
    }
    // A residual connection y = x + F(x) passes its gradient on twice: unchanged along the
    // skip path, and through F: dx = dy + F'(x)ᵀ dy.
    Mat d_resid1, d_tmp, d_branch;
    if (config.norm == NormOrder::post) {
        Mat d_resid2, d_norm1;
        layernorm_backward(d_resid2, g.ln2_gamma, g.ln2_beta, dout, c.ln2, c.resid2, p.ln2_gamma);
        ffn_backward(d_branch, g.ffn, d_resid2, c.ffn, c.ffn_in, p.ffn, config.activation);
        d_norm1 = d_resid2 + d_branch;
        layernorm_backward(d_resid1, g.ln1_gamma, g.ln1_beta, d_norm1, c.ln1, c.resid1, p.ln1_gamma);
        multihead_backward(d_branch, g.attn, d_resid1, c.attn, c.attn_in, p.attn);
        dx = d_resid1 + d_branch;
    } else {
        ffn_backward(d_tmp, g.ffn, dout, c.ffn, c.ffn_in, p.ffn, config.activation);
        layernorm_backward(d_branch, g.ln2_gamma, g.ln2_beta, d_tmp, c.ln2, c.resid1, p.ln2_gamma);
        d_resid1 = dout + d_branch;
        multihead_backward(d_tmp, g.attn, d_resid1, c.attn, c.attn_in, p.attn);
        layernorm_backward(d_branch, g.ln1_gamma, g.ln1_beta, d_tmp, c.ln1, c.input, p.ln1_gamma);
        dx = d_resid1 + d_branch;
    }
}

// ---------------------------------------------------------------------------------------------
// The whole encoder

namespace {

Scalar embedding_scale(const EncoderConfig& config) {
    return config.scale_embedding ? static_cast<Scalar>(std::sqrt(static_cast<double>(config.d_model)))
                                  : Scalar(1);
}

// The sinusoidal table depends only on (T, d): computed once per thread and reused, since T·d
// sines and cosines cost about as much as a small layer.
void cached_sinusoid(Mat& out, int T, int d) {
    thread_local Mat table;
    if (table.cols() != d || table.rows() < T) sinusoidal_positions(table, std::max(T, 128), d);
    out = table.topRows(T);
}

}  // namespace

void encoder_forward(Mat& out, EncoderCache& cache, const std::vector<int>& tokens,
                     const EncoderParams& params) {
    encoder_forward(out, cache, tokens, params, false);
}

void encoder_forward(Mat& out, EncoderCache& cache, const std::vector<int>& tokens,
                     const EncoderParams& params, bool causal) {
    const EncoderConfig& config = params.config;
    config.validate();
    if (static_cast<int>(params.layers.size()) != config.n_layers) {
        throw ShapeError("encoder has " + std::to_string(params.layers.size()) +
                         " layers of parameters but its config says " + std::to_string(config.n_layers));
    }
    const int T = static_cast<int>(tokens.size()), d = config.d_model;
    if (T == 0) throw ShapeError("encoder input is empty: at least one token is needed");
    if (config.positional == Positional::learned && T > config.max_len) {
        throw ShapeError("sequence of " + std::to_string(T) + " tokens is longer than the " +
                         std::to_string(config.max_len) + " learned positions");
    }

    cache.tokens = tokens;
    embedding_forward(cache.embedded, tokens, params.token_embedding, embedding_scale(config));
    switch (config.positional) {
        case Positional::none: cache.positions.setZero(T, d); break;
        case Positional::sinusoidal: cached_sinusoid(cache.positions, T, d); break;
        case Positional::learned: cache.positions = params.position_embedding.topRows(T); break;
    }
    cache.input = cache.embedded + cache.positions;

    // Padding: key j is hidden from every query when tokens[j] is the pad id.
    cache.mask.resize(0, 0);
    bool any_pad = false;
    for (int t : tokens) any_pad = any_pad || (config.pad_id >= 0 && t == config.pad_id);
    if (any_pad || causal) {
        cache.mask.resize(T, T);
        for (int j = 0; j < T; ++j)
            cache.mask.col(j).setConstant(any_pad && tokens[static_cast<std::size_t>(j)] == config.pad_id ? 0 : 1);
        if (causal)
            for (int i = 0; i < T; ++i)
                for (int j = i + 1; j < T; ++j) cache.mask(i, j) = 0;  // the future is hidden
    }
    const Mask* mask = any_pad || causal ? &cache.mask : nullptr;

    cache.layers.resize(static_cast<std::size_t>(config.n_layers));
    const Mat* x = &cache.input;
    Mat y;
    for (std::size_t l = 0; l < cache.layers.size(); ++l) {
        encoder_layer_forward(y, cache.layers[l], *x, params.layers[l], config, mask);
        x = &cache.layers[l].output;
    }
    if (config.norm == NormOrder::pre) {
        cache.final_in = *x;
        layernorm_forward(cache.output, cache.lnf, cache.final_in, params.lnf_gamma, params.lnf_beta);
    } else {
        cache.output = *x;
    }
    out = cache.output;
}

void encoder_backward(EncoderParams& grads, const Mat& dout, const EncoderCache& cache,
                      const EncoderParams& params) {
    const EncoderConfig& config = params.config;
    if (grads.config != config) throw ShapeError("gradient buffers were made for another configuration");
    if (dout.rows() != cache.output.rows() || dout.cols() != cache.output.cols()) {
        throw ShapeError("encoder output gradient is " + shape_of(dout) + " but its output is " +
                         shape_of(cache.output));
    }
    Mat d = dout, dx;
    if (config.norm == NormOrder::pre) {
        layernorm_backward(dx, grads.lnf_gamma, grads.lnf_beta, d, cache.lnf, cache.final_in, params.lnf_gamma);
        d.swap(dx);
    }
    for (std::size_t l = cache.layers.size(); l-- > 0;) {
        encoder_layer_backward(dx, grads.layers[l], d, cache.layers[l], params.layers[l], config);
        d.swap(dx);
    }
    // d is now ∂loss/∂input, and input = scale · E[tokens] + positions.
    embedding_backward(grads.token_embedding, d, cache.tokens, embedding_scale(config));
    if (config.positional == Positional::learned) grads.position_embedding.topRows(d.rows()) += d;
}

// ---------------------------------------------------------------------------------------------
// Head and losses

namespace {
void require_head(const EncoderParams& params) {
    if (params.config.n_classes < 1) throw ShapeError("the encoder has no output head (n_classes = 0)");
}
}  // namespace

void head_forward(Mat& logits, const Mat& x, const EncoderParams& params) {
    require_head(params);
    linear_forward(logits, x, params.head_w, params.head_b);
}

void head_backward(Mat& dx, EncoderParams& grads, const Mat& dlogits, const Mat& x,
                   const EncoderParams& params) {
    require_head(params);
    linear_backward(dx, grads.head_w, grads.head_b, dlogits, x, params.head_w);
}

Scalar sequence_loss_forward(ModelOutput& out, const std::vector<int>& tokens,
                             const std::vector<int>& targets, const EncoderParams& params) {
    Mat y;
    encoder_forward(y, out.encoder, tokens, params);
    head_forward(out.logits, out.encoder.output, params);
    out.loss = cross_entropy_forward(out.probs, out.logits, targets);
    return out.loss;
}

void sequence_loss_backward(EncoderParams& grads, const ModelOutput& out,
                            const std::vector<int>& targets, const EncoderParams& params) {
    Mat dlogits, dy;
    cross_entropy_backward(dlogits, out.probs, targets);
    head_backward(dy, grads, dlogits, out.encoder.output, params);
    encoder_backward(grads, dy, out.encoder, params);
}

Scalar classify_at_forward(ModelOutput& out, const std::vector<int>& tokens, int position,
                           int target, const EncoderParams& params) {
    if (position < 0 || position >= static_cast<int>(tokens.size())) {
        throw std::out_of_range("position " + std::to_string(position) + " is outside the " +
                                std::to_string(tokens.size()) + " tokens");
    }
    Mat y;
    encoder_forward(y, out.encoder, tokens, params);
    const Mat row = out.encoder.output.row(position);  // (1, d)
    head_forward(out.logits, row, params);
    out.loss = cross_entropy_forward(out.probs, out.logits, {target});
    return out.loss;
}

void classify_at_backward(EncoderParams& grads, const ModelOutput& out, int position, int target,
                          const EncoderParams& params) {
    Mat dlogits, drow;
    cross_entropy_backward(dlogits, out.probs, {target});
    const Mat row = out.encoder.output.row(position);
    head_backward(drow, grads, dlogits, row, params);
    // Only the output at `position` reached the loss; every other row's gradient is 0.
    Mat dy = Mat::Zero(out.encoder.output.rows(), out.encoder.output.cols());
    dy.row(position) = drow;
    encoder_backward(grads, dy, out.encoder, params);
}

std::vector<int> argmax_rows(const Mat& logits) {
    std::vector<int> best(static_cast<std::size_t>(logits.rows()));
    for (Eigen::Index t = 0; t < logits.rows(); ++t) {
        Eigen::Index j = 0;
        logits.row(t).maxCoeff(&j);
        best[static_cast<std::size_t>(t)] = static_cast<int>(j);
    }
    return best;
}

}  // namespace attn
