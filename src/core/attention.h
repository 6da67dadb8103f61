// attention.h — scaled dot-product attention, every step kept for the lesson to show.
//
//   Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V
//
// Shapes (see tensor.h): Q (Tq, d_k), K (Tk, d_k), V (Tk, d_v), mask (Tq, Tk).
#pragma once

#include "core/tensor.h"

namespace attn {

// What the forward pass computed on the way to its output: the lesson draws these, and the
// backward pass reads them.
struct AttentionCache {
    Mat scores;   // (Tq, Tk) Q Kᵀ
    Mat scaled;   // (Tq, Tk) scores / √d_k (masked entries keep their value; they get weight 0)
    Mat weights;  // (Tq, Tk) row softmax of scaled over the unmasked entries
};

// Row-wise softmax, numerically stable: exp(x - max) never overflows, whatever the scores.
// With a mask, masked entries get exactly 0 and the rest sum to 1. A row whose entries are
// all masked has nothing to attend to: it gets all zeros (so its attention output is the
// zero vector), never NaN. Non-finite scores, among a row's unmasked entries:
//   - any NaN: the row's unmasked weights are NaN (masked ones 0): garbage in stays visible;
//   - otherwise, +inf entries share the weight equally (the limit as they grow), the rest get 0;
//   - all −inf: zeros, as for a fully masked row (nothing can be attended to).
void softmax_rows(Mat& out, const Mat& in, const Mask* mask = nullptr);

// out (Tq, d_v) = weights · V. Throws ShapeError naming the shapes when they do not fit.
void attention_forward(Mat& out, AttentionCache& cache, const Mat& q, const Mat& k,
                       const Mat& v, const Mask* mask = nullptr);

// attention(Q, K, V[, mask]) at the library's boundary (the page's lesson.attention): the
// shapes checked as attention_forward checks them, and the values. Throws ValueError
//   "Q[1][2] is not a finite number" for a NaN or an infinity in Q, K or V;
//   "the score of query 0 and key 1 overflows a float (...)" when finite Q and K give a
//   dot product beyond ±3.4e38;
//   "the output overflows a float at row 0, column 2 (...)" when V is so large that
//   weights · V rounds beyond ±3.4e38.
// So for any input it returns, every row of weights sums to 1 (0 for a fully masked row),
// every weight is in [0, 1] and every number in the result is finite.
struct AttentionResult {
    Mat output;            // (Tq, d_v)
    AttentionCache cache;  // scores, scaled, weights
};
AttentionResult attention(const Mat& q, const Mat& k, const Mat& v, const Mask* mask = nullptr);

// Gradients of a loss with respect to Q, K and V, given dout = ∂loss/∂out (Tq, d_v).
void attention_backward(Mat& dq, Mat& dk, Mat& dv, const Mat& dout,
                        const AttentionCache& cache, const Mat& q, const Mat& k, const Mat& v);

// The Jacobian of one softmax output row y (1, n): jac (n, n), jac(i, j) = ∂y_i/∂x_j =
// y_i (δ_ij − y_j). How strongly the weights still respond to the scores: every entry tends to
// 0 as the softmax saturates (one weight near 1, the others near 0).
void softmax_jacobian(Mat& jac, const Mat& y);

// Backward of softmax_rows: dx = y ⊙ (dy − rowsum(dy ⊙ y)). Masked entries (y = 0) get 0.
void softmax_rows_backward(Mat& dx, const Mat& dy, const Mat& y);

}  // namespace attn
