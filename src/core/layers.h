// layers.h — the building blocks of a transformer encoder, forward and backward.
//
// Conventions (after llm.c): free functions, outputs first; a backward function takes the
// gradient of the loss with respect to the layer's output (`dout`) and the cache its forward
// pass filled. Gradients with respect to activations (dx) are overwritten; gradients with
// respect to parameters (dw, db, dgamma, ...) are ACCUMULATED (+=), so that several sequences
// can add into one gradient before an optimiser step. Zero them first (zero_grads in encoder.h).
//
// Vectors that belong to a layer (biases, LayerNorm gain and shift) are (1, n) matrices so that
// every parameter is a Mat and can be enumerated, clipped and saved alike.
//
// Shapes (legend in tensor.h): x (T, d_in), w (d_in, d_out), b (1, d_out).
#pragma once

#include "core/attention.h"
#include "core/tensor.h"

#include <vector>

namespace attn {

// ---------------------------------------------------------------------------------------------
// Linear: out = x W + b (each token's row multiplied by W, then b added).

// out (T, d_out); x (T, d_in); w (d_in, d_out); b (1, d_out).
void linear_forward(Mat& out, const Mat& x, const Mat& w, const Mat& b);

// dx (T, d_in) = dout Wᵀ;  dw (d_in, d_out) += xᵀ dout;  db (1, d_out) += Σ_rows dout.
void linear_backward(Mat& dx, Mat& dw, Mat& db, const Mat& dout, const Mat& x, const Mat& w);

// ---------------------------------------------------------------------------------------------
// LayerNorm over each row (token):  out = γ ⊙ (x − μ) / √(σ² + ε) + β.

constexpr double kLayerNormEps = 1e-5;  // PyTorch's default, and what the hand-worked tests use

struct LayerNormCache {
    Mat mean;  // (T, 1) μ of each row
    Mat rstd;  // (T, 1) 1 / √(σ² + ε) of each row (σ² the biased variance, divided by d)
};

// out (T, d); x (T, d); gamma, beta (1, d).
void layernorm_forward(Mat& out, LayerNormCache& cache, const Mat& x, const Mat& gamma,
                       const Mat& beta);

// x̂ (T, d) = (x − μ) · rstd: the normalised rows, before the gain γ and the shift β, from the
// forward input x and the cache its forward pass filled (each row has mean 0, variance ≈ 1).
void layernorm_normalized(Mat& out, const Mat& x, const LayerNormCache& cache);

// dx (T, d); dgamma, dbeta (1, d) accumulated. x is the forward input.
void layernorm_backward(Mat& dx, Mat& dgamma, Mat& dbeta, const Mat& dout,
                        const LayerNormCache& cache, const Mat& x, const Mat& gamma);

// ---------------------------------------------------------------------------------------------
// Activations, element-wise.
//   ReLU(x) = max(0, x)
//   GELU — the tanh approximation (Hendrycks & Gimpel; used by BERT and GPT-2):
//     GELU(x) ≈ ½ x (1 + tanh(√(2/π) (x + 0.044715 x³)))
//   It differs from the exact x Φ(x) (erf form) by less than 1e-3 everywhere.

enum class Activation : unsigned { gelu = 0, relu = 1 };

void activation_forward(Mat& out, const Mat& x, Activation act);
// dx = dout ⊙ act'(x), x the forward input.
void activation_backward(Mat& dx, const Mat& dout, const Mat& x, Activation act);

// ---------------------------------------------------------------------------------------------
// Position-wise feed-forward network: out = act(x W1 + b1) W2 + b2, the same for every token.

struct FfnParams {
    Mat w1;  // (d, f)
    Mat b1;  // (1, f)
    Mat w2;  // (f, d)
    Mat b2;  // (1, d)
};

struct FfnCache {
    Mat pre;     // (T, f) x W1 + b1, before the activation
    Mat hidden;  // (T, f) act(pre): the wide hidden layer the lesson draws
};

// out (T, d); x (T, d).
void ffn_forward(Mat& out, FfnCache& cache, const Mat& x, const FfnParams& p, Activation act);
// dx (T, d); grads accumulated into g.
void ffn_backward(Mat& dx, FfnParams& g, const Mat& dout, const FfnCache& cache, const Mat& x,
                  const FfnParams& p, Activation act);

// ---------------------------------------------------------------------------------------------
// Multi-head self-attention.
//
//   head_i = Attention(x W_i^Q + b_i^Q, x W_i^K + b_i^K, x W_i^V + b_i^V)      (T, d_k)
//   out    = Concat(head_1, …, head_h) W^O + b^O                              (T, d)
//
// The h per-head projections W_i^Q (d, d_k) are stored side by side as the columns of one
// (d, d) matrix: head i owns columns [i d_k, (i+1) d_k). That is the same maths as h separate
// matrices, but the projection of all heads is then one matrix product. head_weight() below
// hands out one head's block.

struct MultiHeadParams {
    Mat wq, wk, wv;  // (d, d)  head i: columns [i d_k, (i+1) d_k)
    Mat bq, bk, bv;  // (1, d)
    Mat wo;          // (d, d)  rows [i d_k, (i+1) d_k) read head i's output
    Mat bo;          // (1, d)
};

struct MultiHeadCache {
    std::vector<Mat> q, k, v;           // h × (T, d_k) each head's queries, keys, values
    std::vector<AttentionCache> heads;  // h × scores, scaled, weights (T, T)
    std::vector<Mat> head_out;          // h × (T, d_k) weights · V of each head
    Mat concat;                         // (T, d) the head outputs side by side
};

// Columns of one head in a (d, d) projection: W_i (d, d_k).
inline auto head_weight(const Mat& w, int head, int n_heads) {
    const Eigen::Index d_k = w.cols() / n_heads;
    return w.middleCols(head * d_k, d_k);
}

// out (T, d); x (T, d); mask (T, T) or null: mask(i, j) = 0 means query i must not look at
// key j (it gets weight exactly 0). Throws ShapeError if d is not a multiple of n_heads.
void multihead_forward(Mat& out, MultiHeadCache& cache, const Mat& x, const MultiHeadParams& p,
                       int n_heads, const Mask* mask = nullptr);
// dx (T, d); grads accumulated into g.
void multihead_backward(Mat& dx, MultiHeadParams& g, const Mat& dout, const MultiHeadCache& cache,
                        const Mat& x, const MultiHeadParams& p);

// ---------------------------------------------------------------------------------------------
// Embeddings and positions.

// out (T, d): row t = scale · table[tokens[t]]. table (V, d). Throws std::out_of_range for a
// token outside [0, V).
void embedding_forward(Mat& out, const std::vector<int>& tokens, const Mat& table, Scalar scale);
// dtable (V, d) accumulated: row tokens[t] += scale · dout row t.
void embedding_backward(Mat& dtable, const Mat& dout, const std::vector<int>& tokens, Scalar scale);

// The sinusoidal encoding of "Attention Is All You Need", section 3.5:
//   PE(pos, 2i)   = sin(pos / 10000^(2i/d))
//   PE(pos, 2i+1) = cos(pos / 10000^(2i/d))
// out (T, d). Computed in double and rounded once, so float and double builds agree.
void sinusoidal_positions(Mat& out, int T, int d);

// ---------------------------------------------------------------------------------------------
// Cross-entropy of a row-wise softmax against one target class per row.
//
//   loss = −(1/n) Σ_{t: target_t ≠ ignore} log softmax(logits_t)[target_t],  n = #counted rows
//
// Rows whose target is ignore_index (padding, or positions with nothing to predict) add
// nothing. With no counted rows the loss is 0.

constexpr int kIgnoreIndex = -100;  // PyTorch's default

// logits, probs (T, C). Returns the mean loss. Throws std::out_of_range for a target outside
// [0, C) that is not ignore_index.
Scalar cross_entropy_forward(Mat& probs, const Mat& logits, const std::vector<int>& targets,
                             int ignore_index = kIgnoreIndex);
// dlogits (T, C) = (probs − onehot(target)) / n on counted rows, 0 on ignored rows.
void cross_entropy_backward(Mat& dlogits, const Mat& probs, const std::vector<int>& targets,
                            int ignore_index = kIgnoreIndex);

}  // namespace attn
