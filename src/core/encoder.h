// encoder.h — a transformer encoder of N identical blocks, forward and backward, with every
// intermediate kept for the lesson to draw.
//
//   input   = √d · E[tokens] + P                         (T, d)   E (V, d), P sinusoidal or learned
//   block   (post-LN, the order of "Attention Is All You Need"):
//             a = MHA(x);     n1 = LN1(x + a)
//             f = FFN(n1);    y  = LN2(n1 + f)
//           (pre-LN, the order of GPT-2 and most models trained since):
//             n1 = LN1(x);    r1 = x + MHA(n1)
//             n2 = LN2(r1);   y  = r1 + FFN(n2)
//           and after the last pre-LN block one more LayerNorm, since nothing else normalises
//           the residual stream.
//   head    logits = y W_head + b_head                    (T, C)   C classes (vocabulary for an LM)
//
// Shapes (legend in tensor.h): T tokens, d model width, h heads, d_k = d / h, f FFN width,
// V vocabulary, C output classes, N layers.
#pragma once

#include "core/attention.h"
#include "core/layers.h"
#include "core/tensor.h"

#include <cstdint>
#include <string>
#include <vector>

namespace attn {

enum class Positional : unsigned { none = 0, sinusoidal = 1, learned = 2 };
enum class NormOrder : unsigned { post = 0, pre = 1 };

struct EncoderConfig {
    int vocab = 0;       // V
    int d_model = 0;     // d
    int n_heads = 1;     // h, must divide d
    int d_ff = 0;        // f, 4 d in the lesson (0 means 4 d)
    int n_layers = 1;    // N
    int max_len = 64;    // longest sequence (the size of a learned position table)
    int n_classes = 0;   // C, width of the output head (0: no head)
    Positional positional = Positional::sinusoidal;
    NormOrder norm = NormOrder::post;
    Activation activation = Activation::gelu;
    bool scale_embedding = true;  // multiply embeddings by √d, as section 3.4 of the paper does
    int pad_id = -1;              // token id of padding (keys never attended to); −1: none

    int ff_width() const { return d_ff > 0 ? d_ff : 4 * d_model; }
    int d_k() const { return d_model / n_heads; }
    // Throws ShapeError naming the offending field when the sizes do not make an encoder.
    void validate() const;
    bool operator==(const EncoderConfig& o) const;
    bool operator!=(const EncoderConfig& o) const { return !(*this == o); }
};

// ---------------------------------------------------------------------------------------------
// Parameters. The same struct holds a gradient (the same shapes), as in llm.c.

struct LayerParams {
    MultiHeadParams attn;
    Mat ln1_gamma, ln1_beta;  // (1, d)
    FfnParams ffn;
    Mat ln2_gamma, ln2_beta;  // (1, d)
};

struct EncoderParams {
    EncoderConfig config;
    Mat token_embedding;     // (V, d)
    Mat position_embedding;  // (max_len, d) learned positions; (0, 0) unless Positional::learned
    std::vector<LayerParams> layers;
    Mat lnf_gamma, lnf_beta;  // (1, d) final LayerNorm of pre-LN; (0, 0) for post-LN
    Mat head_w;               // (d, C) output head; (0, 0) when n_classes = 0
    Mat head_b;               // (1, C)
};

// Parameters of the right shapes, all zero (a gradient buffer, or weights to fill by hand).
EncoderParams zeros_like(const EncoderConfig& config);
void zero_grads(EncoderParams& grads);

// Deterministic initialisation from a seed: identical weights natively and in WebAssembly.
// Weight matrices: Xavier/Glorot uniform, U(−a, a) with a = √(6 / (fan_in + fan_out)).
// Embedding tables: U(−a, a) with a = √(3/d), i.e. standard deviation 1/√d, so that with the √d
// scale an embedded token has unit-variance entries, like the positional encoding.
// Biases 0, LayerNorm gains 1 and shifts 0.
// Uniform rather than normal on purpose: it needs only +, × and √ (correctly rounded on every
// IEEE platform), whereas Box–Muller needs log and cos, whose last bits differ between libms.
EncoderParams init_params(const EncoderConfig& config, std::uint32_t seed);

// Calls fn(name, value, grad) for every parameter matrix, in a fixed order (the order of the
// file format), e.g. "layers.0.attn.wq". a and b must have the same configuration; pass the
// same struct twice to visit only values. Works with const and non-const structs.
template <typename A, typename B, typename Fn>
void for_each_parameter(A& a, B& b, Fn&& fn);

// Number of scalars in all parameters.
std::size_t parameter_count(const EncoderParams& params);

// ---------------------------------------------------------------------------------------------
// Caches: what the forward pass computed, for the backward pass and for the lesson to draw.

struct LayerCache {
    Mat input;                       // (T, d) x, the block's input
    MultiHeadCache attn;             // per head: q, k, v (T, d_k); heads[i].scores/scaled/weights (T, T); head_out (T, d_k); concat (T, d)
    Mat attn_in;                     // (T, d) what MHA reads: x (post-LN) or LN1(x) (pre-LN)
    Mat attn_out;                    // (T, d) MHA output after W^O
    Mat resid1;                      // (T, d) x + attn_out
    Mat norm1;                       // (T, d) post-LN: LN1(x + a), "after add & norm 1"; pre-LN: LN1(x)
    LayerNormCache ln1;              // mean, rstd (T, 1) of LN1
    Mat ffn_in;                      // (T, d) what the FFN reads: norm1 (post) or LN2(resid1) (pre)
    FfnCache ffn;                    // pre (T, f) before the activation, hidden (T, f) after it
    Mat ffn_out;                     // (T, d)
    Mat resid2;                      // (T, d) post-LN: norm1 + ffn_out; pre-LN: resid1 + ffn_out
    Mat norm2;                       // (T, d) post-LN: LN2(resid2), "after add & norm 2"; pre-LN: LN2(resid1)
    LayerNormCache ln2;              // mean, rstd (T, 1) of LN2
    Mat output;                      // (T, d) the block's output: norm2 (post) or resid2 (pre)

    // Attention weights of one head (T, T): row i is how query i spreads over the keys.
    const Mat& weights(int head) const { return attn.heads.at(static_cast<std::size_t>(head)).weights; }
    // How much the block moved its input: ‖output − input‖ / ‖input‖ (Frobenius norms; 0 for a zero input).
    double relative_change() const {
        const double in = static_cast<double>(input.norm());
        return in > 0 ? static_cast<double>((output - input).norm()) / in : 0.0;
    }
};

struct EncoderCache {
    std::vector<int> tokens;         // T ids
    Mat embedded;                    // (T, d) E[tokens], times √d when config.scale_embedding
    Mat positions;                   // (T, d) sinusoidal or learned positions (zeros for none)
    Mat input;                       // (T, d) embedded + positions: the first block's input
    Mask mask;                       // (T, T) mask(i, j) = 0 when key j is padding (or j > i, causal); (0, 0) if none
    std::vector<LayerCache> layers;  // N
    Mat final_in;                    // (T, d) pre-LN only: the last block's output, before LN_f
    LayerNormCache lnf;              // pre-LN only
    Mat output;                      // (T, d) the encoder's output

    // Attention weights (T, T) of layer `layer`, head `head`.
    const Mat& weights(int layer, int head) const {
        return layers.at(static_cast<std::size_t>(layer)).weights(head);
    }
};

// ---------------------------------------------------------------------------------------------
// Forward and backward.

// One block. out (T, d); x (T, d); mask (T, T) or null.
void encoder_layer_forward(Mat& out, LayerCache& cache, const Mat& x, const LayerParams& p,
                           const EncoderConfig& config, const Mask* mask = nullptr);
// dx (T, d); gradients accumulated into g.
void encoder_layer_backward(Mat& dx, LayerParams& g, const Mat& dout, const LayerCache& cache,
                            const LayerParams& p, const EncoderConfig& config);

// The whole encoder on one sequence. out (T, d); tokens T ids in [0, V), T ≤ max_len for
// learned positions. Padding (config.pad_id) keys get attention weight 0 in every head, so the
// real tokens' outputs are what they would be without the padding. Padded positions still get
// (meaningless) outputs of their own: give them kIgnoreIndex targets.
void encoder_forward(Mat& out, EncoderCache& cache, const std::vector<int>& tokens,
                     const EncoderParams& params);
// The same blocks as a decoder (GPT-style): with causal, query i may attend only to keys
// j ≤ i (mask(i, j) = 0 for j > i, on top of any padding), so no position reads the future.
// encoder_backward works unchanged: a masked weight is exactly 0 and passes no gradient.
void encoder_forward(Mat& out, EncoderCache& cache, const std::vector<int>& tokens,
                     const EncoderParams& params, bool causal);
// Gradients of every encoder parameter (embeddings and learned positions included, the head
// excluded) accumulated into grads, given dout (T, d) = ∂loss/∂out.
void encoder_backward(EncoderParams& grads, const Mat& dout, const EncoderCache& cache,
                      const EncoderParams& params);

// ---------------------------------------------------------------------------------------------
// Output head and losses.

// logits (T, C) = x W_head + b_head. x is usually cache.output.
void head_forward(Mat& logits, const Mat& x, const EncoderParams& params);
// dx (T, d); head gradients accumulated into grads.
void head_backward(Mat& dx, EncoderParams& grads, const Mat& dlogits, const Mat& x,
                   const EncoderParams& params);

// Everything a training step or the lesson needs from one sequence.
struct ModelOutput {
    EncoderCache encoder;
    Mat logits;  // (T, C) or (1, C) for classify_at
    Mat probs;   // same shape, row softmax of logits
    Scalar loss = 0;
};

// Per-position targets (T of them; kIgnoreIndex for positions with nothing to predict):
// forward through encoder, head and cross-entropy. Returns the mean loss.
Scalar sequence_loss_forward(ModelOutput& out, const std::vector<int>& tokens,
                             const std::vector<int>& targets, const EncoderParams& params);
// Gradients of that loss accumulated into grads.
void sequence_loss_backward(EncoderParams& grads, const ModelOutput& out,
                            const std::vector<int>& targets, const EncoderParams& params);

// Classify from the encoder's output at one position only (e.g. the referent of "it" read off
// the output at "it"): logits (1, C) = output[position] W_head + b_head, loss = −log p[target].
Scalar classify_at_forward(ModelOutput& out, const std::vector<int>& tokens, int position,
                           int target, const EncoderParams& params);
void classify_at_backward(EncoderParams& grads, const ModelOutput& out, int position, int target,
                          const EncoderParams& params);

// Index of the largest entry of each row of logits.
std::vector<int> argmax_rows(const Mat& logits);

// =============================================================================================
// for_each_parameter, defined here because it is a template.

template <typename A, typename B, typename Fn>
void for_each_parameter(A& a, B& b, Fn&& fn) {
    if (a.config != b.config || a.layers.size() != b.layers.size()) {
        throw ShapeError("for_each_parameter: the two parameter sets have different configurations");
    }
    fn(std::string("token_embedding"), a.token_embedding, b.token_embedding);
    if (a.config.positional == Positional::learned)
        fn(std::string("position_embedding"), a.position_embedding, b.position_embedding);
    for (std::size_t l = 0; l < a.layers.size(); ++l) {
        auto& la = a.layers[l];
        auto& lb = b.layers[l];
        const std::string p = "layers." + std::to_string(l) + ".";
        fn(p + "attn.wq", la.attn.wq, lb.attn.wq);
        fn(p + "attn.bq", la.attn.bq, lb.attn.bq);
        fn(p + "attn.wk", la.attn.wk, lb.attn.wk);
        fn(p + "attn.bk", la.attn.bk, lb.attn.bk);
        fn(p + "attn.wv", la.attn.wv, lb.attn.wv);
        fn(p + "attn.bv", la.attn.bv, lb.attn.bv);
        fn(p + "attn.wo", la.attn.wo, lb.attn.wo);
        fn(p + "attn.bo", la.attn.bo, lb.attn.bo);
        fn(p + "ln1.gamma", la.ln1_gamma, lb.ln1_gamma);
        fn(p + "ln1.beta", la.ln1_beta, lb.ln1_beta);
        fn(p + "ffn.w1", la.ffn.w1, lb.ffn.w1);
        fn(p + "ffn.b1", la.ffn.b1, lb.ffn.b1);
        fn(p + "ffn.w2", la.ffn.w2, lb.ffn.w2);
        fn(p + "ffn.b2", la.ffn.b2, lb.ffn.b2);
        fn(p + "ln2.gamma", la.ln2_gamma, lb.ln2_gamma);
        fn(p + "ln2.beta", la.ln2_beta, lb.ln2_beta);
    }
    if (a.config.norm == NormOrder::pre) {
        fn(std::string("lnf.gamma"), a.lnf_gamma, b.lnf_gamma);
        fn(std::string("lnf.beta"), a.lnf_beta, b.lnf_beta);
    }
    if (a.config.n_classes > 0) {
        fn(std::string("head.w"), a.head_w, b.head_w);
        fn(std::string("head.b"), a.head_b, b.head_b);
    }
}

}  // namespace attn
