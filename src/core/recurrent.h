// recurrent.h — the models transformers replaced: a plain recurrent network (tanh) and an LSTM,
// forward and backpropagation through time, over a batch of right-padded sequences.
//
//   x_t   = E[token_t]                                           (B, e)   E (V, e)
//   RNN   h_t = tanh(x_t W_x + h_{t−1} W_h + b)                   (B, H)   W_x (e, H), W_h (H, H)
//   LSTM  z_t = x_t W_x + h_{t−1} W_h + b                         (B, 4H)  gates side by side: i f g o
//         i = σ(z_i), f = σ(z_f), g = tanh(z_g), o = σ(z_o)
//         c_t = f ⊙ c_{t−1} + i ⊙ g,   h_t = o ⊙ tanh(c_t)         (B, H)
//   head  logits = h_{r} W_head + b_head                          (B, C)   r: each row's read position
//   h_0 = c_0 = 0.
//
// A recurrent network must finish step t − 1 before it can start step t: T tokens take T
// sequential steps, each a (B, e + H) × (e + H, G H) product. Rows of a batch may have different
// lengths: each is right-padded, and its answer is read at its own position r (the network is
// causal, so what comes after r in the padding cannot change h_r, and gets no gradient).
//
// Initialisation as the encoder's (init_params in encoder.h): embeddings U(±√(3/e)), weight
// matrices Xavier uniform, biases 0, except the LSTM's forget-gate bias, 1 (Gers et al. 2000:
// the cell starts by keeping what it holds). Deterministic for a seed on every platform.
//
// Shapes (legend in tensor.h; here also): B sequences in the batch, e embedding width,
// H hidden width, G gates (1 for the RNN, 4 for the LSTM), C output classes.
#pragma once

#include "core/tensor.h"

#include <cstdint>
#include <string>
#include <vector>

namespace attn {

enum class Cell : unsigned { rnn = 0, lstm = 1 };

struct RecurrentConfig {
    Cell cell = Cell::rnn;
    int vocab = 0;       // V
    int d_embed = 0;     // e
    int d_hidden = 0;    // H
    int n_classes = 0;   // C
    int gates() const { return cell == Cell::lstm ? 4 : 1; }
    void validate() const;  // throws ShapeError naming the field
    bool operator==(const RecurrentConfig& o) const;
    bool operator!=(const RecurrentConfig& o) const { return !(*this == o); }
};

// The same struct holds a gradient.
struct RecurrentParams {
    RecurrentConfig config;
    Mat embedding;  // (V, e)
    Mat wx;         // (e, G H)
    Mat wh;         // (H, G H)
    Mat b;          // (1, G H)
    Mat head_w;     // (H, C)
    Mat head_b;     // (1, C)
};

RecurrentParams recurrent_zeros_like(const RecurrentConfig& config);
RecurrentParams recurrent_init(const RecurrentConfig& config, std::uint32_t seed);
void zero_grads(RecurrentParams& grads);
std::size_t parameter_count(const RecurrentParams& params);

// fn(name, value, grad) for every parameter, in a fixed order.
template <typename A, typename B, typename Fn>
void for_each_parameter_rnn(A& a, B& b, Fn&& fn) {
    if (a.config != b.config) throw ShapeError("for_each_parameter: the two recurrent networks differ");
    fn(std::string("embedding"), a.embedding, b.embedding);
    fn(std::string("wx"), a.wx, b.wx);
    fn(std::string("wh"), a.wh, b.wh);
    fn(std::string("b"), a.b, b.b);
    fn(std::string("head.w"), a.head_w, b.head_w);
    fn(std::string("head.b"), a.head_b, b.head_b);
}

// What the forward pass kept: every step's states, for BPTT and for the lesson.
struct RecurrentCache {
    std::vector<std::vector<int>> tokens;  // B rows of ids (each row T_b ≤ T long)
    std::vector<int> read;                 // B read positions r_b < T_b
    int T = 0;                             // the longest row
    std::vector<Mat> x;                    // T × (B, e) embedded tokens (padding rows 0 past a row's end)
    std::vector<Mat> h;                    // T × (B, H)
    std::vector<Mat> gates;                // T × (B, G H): RNN: tanh(z) (= h); LSTM: σ(z_i) σ(z_f) tanh(z_g) σ(z_o)
    std::vector<Mat> c;                    // T × (B, H) LSTM cell; empty for the RNN
    std::vector<Mat> tanh_c;               // T × (B, H) LSTM tanh(c_t)
    Mat read_h;                            // (B, H) h at each row's read position
    Mat logits, probs;                     // (B, C)
};

// Forward over a batch. tokens: B rows (ids in [0, V)); read: B positions. Returns the mean over
// the batch of −log p[target] (targets: B classes). Throws for a bad id, position or class.
Scalar recurrent_forward(RecurrentCache& cache, const std::vector<std::vector<int>>& tokens,
                         const std::vector<int>& read, const std::vector<int>& targets,
                         const RecurrentParams& params);

// Backpropagation through time of that mean loss: gradients accumulated into grads. When dx is
// given it receives ∂loss/∂x_t for every step, T × (B, e): how much of the loss's gradient
// reaches each token's embedding (the lesson plots its size against the distance).
void recurrent_backward(RecurrentParams& grads, const RecurrentCache& cache, const std::vector<int>& targets,
                        const RecurrentParams& params, std::vector<Mat>* dx = nullptr);

// Floating-point operations of the forward pass over one sequence of T tokens, counting a
// multiply-add as 2 (the recurrence's products; element-wise work is left out).
double recurrent_forward_flops(const RecurrentConfig& config, int T);

}  // namespace attn
