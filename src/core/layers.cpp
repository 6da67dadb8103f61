#include "core/layers.h"

#include "core/gemm.h"
#include "core/vecmath.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace attn {

namespace {

void require_shape(const Mat& m, Eigen::Index rows, Eigen::Index cols, const char* what) {
    if (m.rows() != rows || m.cols() != cols) {
        throw ShapeError(std::string(what) + " is " + shape_of(m) + " but should be (" +
                         std::to_string(rows) + ", " + std::to_string(cols) + ")");
    }
}

// Σ over rows of m, added into acc (1, n).
void add_column_sums(Mat& acc, const Mat& m) { acc.row(0).noalias() += m.colwise().sum(); }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Linear

void linear_forward(Mat& out, const Mat& x, const Mat& w, const Mat& b) {
    if (x.cols() != w.rows()) {
        throw ShapeError("linear input is " + shape_of(x) + " but its weight is " + shape_of(w) +
                         ": the input width must equal the weight's rows");
    }
    require_shape(b, 1, w.cols(), "linear bias");
    matmul(out, x, Op::N, w, Op::N);
    out.rowwise() += b.row(0);
}

void linear_backward(Mat& dx, Mat& dw, Mat& db, const Mat& dout, const Mat& x, const Mat& w) {
    require_shape(dout, x.rows(), w.cols(), "linear output gradient");
    require_shape(dw, w.rows(), w.cols(), "linear weight gradient");
    require_shape(db, 1, w.cols(), "linear bias gradient");
    matmul(dx, dout, Op::N, w, Op::T);        // (T, d_in)
    matmul(dw, x, Op::T, dout, Op::N, true);  // (d_in, d_out)
    add_column_sums(db, dout);
}

// ---------------------------------------------------------------------------------------------
// LayerNorm

void layernorm_forward(Mat& out, LayerNormCache& cache, const Mat& x, const Mat& gamma,
                       const Mat& beta) {
    const Eigen::Index T = x.rows(), d = x.cols();
    require_shape(gamma, 1, d, "LayerNorm gain");
    require_shape(beta, 1, d, "LayerNorm shift");
    out.resize(T, d);
    cache.mean.resize(T, 1);
    cache.rstd.resize(T, 1);
    const Scalar eps = static_cast<Scalar>(kLayerNormEps);
    for (Eigen::Index t = 0; t < T; ++t) {
        const auto row = x.row(t).array();
        const Scalar mean = row.mean();
        // Variance from the centred values (two passes) rather than E[x²] − μ², which
        // cancels catastrophically when |μ| is large next to σ.
        const Scalar var = (row - mean).square().mean();
        const Scalar rstd = Scalar(1) / std::sqrt(var + eps);
        cache.mean(t, 0) = mean;
        cache.rstd(t, 0) = rstd;
        out.row(t).array() = (row - mean) * rstd * gamma.row(0).array() + beta.row(0).array();
    }
}

void layernorm_normalized(Mat& out, const Mat& x, const LayerNormCache& cache) {
    require_shape(cache.mean, x.rows(), 1, "LayerNorm mean");
    require_shape(cache.rstd, x.rows(), 1, "LayerNorm 1/std");
    out = ((x.array().colwise() - cache.mean.col(0).array()).colwise() * cache.rstd.col(0).array()).matrix();
}

void layernorm_backward(Mat& dx, Mat& dgamma, Mat& dbeta, const Mat& dout,
                        const LayerNormCache& cache, const Mat& x, const Mat& gamma) {
    const Eigen::Index T = x.rows(), d = x.cols();
    require_shape(dout, T, d, "LayerNorm output gradient");
    require_shape(dgamma, 1, d, "LayerNorm gain gradient");
    require_shape(dbeta, 1, d, "LayerNorm shift gradient");
    dx.resize(T, d);
    // With x̂ = (x − μ) r, r = 1/√(σ² + ε) and g = dout ⊙ γ (the gradient reaching x̂):
    //   ∂μ/∂x_j = 1/d,  ∂r/∂x_j = −r³ (x_j − μ)/d = −r² x̂_j / d
    //   dx_j = r (g_j − mean(g) − x̂_j mean(g ⊙ x̂))
    // The two means remove the directions LayerNorm is blind to: a shift of every x_j, and a
    // scaling of (x − μ).
    for (Eigen::Index t = 0; t < T; ++t) {
        const Scalar mean = cache.mean(t, 0), rstd = cache.rstd(t, 0);
        const auto xhat = (x.row(t).array() - mean) * rstd;
        const auto g = dout.row(t).array() * gamma.row(0).array();
        const Scalar g_mean = g.mean();
        const Scalar gx_mean = (g * xhat).mean();
        dx.row(t).array() = rstd * (g - g_mean - xhat * gx_mean);
        dgamma.row(0).array() += dout.row(t).array() * xhat;
        dbeta.row(0) += dout.row(t);
    }
}

// ---------------------------------------------------------------------------------------------
// Activations

#ifndef ATTN_VEC_ELEMENTWISE
namespace {
constexpr double kSqrt2OverPi = 0.7978845608028654;  // √(2/π)
constexpr double kGeluCubic = 0.044715;
}  // namespace
#endif

// GELU is computed through the identity ½ (1 + tanh u) = σ(2u) = 1 / (1 + e^{−2u}), so
//   GELU(x) = x / (1 + e^{−2u}),  u = s (x + c x³):
// one exponential instead of a tanh, as an Eigen array expression (vectorised natively with
// Eigen's exp); in WebAssembly SIMD builds on vec::gelu (vecmath.h), the same formula 4 lanes at
// a time. For large negative u, e^{−2u} overflows to inf and the quotient is 0,
// the right limit.

void activation_forward(Mat& out, const Mat& x, Activation act) {
    out.resize(x.rows(), x.cols());
    if (act == Activation::relu) {
        out.array() = x.array().max(Scalar(0));
        return;
    }
#ifndef ATTN_VEC_ELEMENTWISE
    const Scalar s = static_cast<Scalar>(kSqrt2OverPi), c = static_cast<Scalar>(kGeluCubic);
    const auto xa = x.array();
    out.array() = xa / (Scalar(1) + (Scalar(-2) * s * (xa + c * xa.cube())).exp());
#else
    vec::gelu(out.data(), x.data(), static_cast<int>(x.size()));  // the same formula, 4 lanes at a time
#endif
}

void activation_backward(Mat& dx, const Mat& dout, const Mat& x, Activation act) {
    require_shape(dout, x.rows(), x.cols(), "activation output gradient");
    dx.resize(x.rows(), x.cols());
    const auto xa = x.array();
    if (act == Activation::relu) {
        // ReLU'(0) is taken as 0, as PyTorch does.
        dx.array() = (xa > Scalar(0)).select(dout.array(), Scalar(0));
        return;
    }
    // With σ = σ(2u), u = s (x + c x³), and 1 − tanh² u = 4 σ (1 − σ):
    //   GELU'(x) = ½ (1 + tanh u) + ½ x (1 − tanh² u) s (1 + 3 c x²)
    //            = σ + 2 s x σ (1 − σ) (1 + 3 c x²)
#ifndef ATTN_VEC_ELEMENTWISE
    const Scalar s = static_cast<Scalar>(kSqrt2OverPi), c = static_cast<Scalar>(kGeluCubic);
    dx.array() = (Scalar(1) + (Scalar(-2) * s * (xa + c * xa.cube())).exp()).inverse();  // σ, once
    dx.array() = dout.array() *
                 (dx.array() + Scalar(2) * s * xa * dx.array() * (Scalar(1) - dx.array()) *
                                   (Scalar(1) + Scalar(3) * c * xa.square()));
#else
    vec::gelu_backward(dx.data(), dout.data(), x.data(), static_cast<int>(x.size()));
#endif
}

// ---------------------------------------------------------------------------------------------
// Feed-forward network

void ffn_forward(Mat& out, FfnCache& cache, const Mat& x, const FfnParams& p, Activation act) {
    linear_forward(cache.pre, x, p.w1, p.b1);
    activation_forward(cache.hidden, cache.pre, act);
    linear_forward(out, cache.hidden, p.w2, p.b2);
}

void ffn_backward(Mat& dx, FfnParams& g, const Mat& dout, const FfnCache& cache, const Mat& x,
                  const FfnParams& p, Activation act) {
    Mat dhidden, dpre;
    linear_backward(dhidden, g.w2, g.b2, dout, cache.hidden, p.w2);
    activation_backward(dpre, dhidden, cache.pre, act);
    linear_backward(dx, g.w1, g.b1, dpre, x, p.w1);
}

// ---------------------------------------------------------------------------------------------
// Multi-head self-attention

void multihead_forward(Mat& out, MultiHeadCache& cache, const Mat& x, const MultiHeadParams& p,
                       int n_heads, const Mask* mask) {
    const Eigen::Index T = x.rows(), d = x.cols();
    if (n_heads < 1 || d % n_heads != 0) {
        throw ShapeError("multi-head attention input is " + shape_of(x) + ": its width " +
                         std::to_string(d) + " must be a positive multiple of the " +
                         std::to_string(n_heads) + " heads");
    }
    require_shape(p.wq, d, d, "query projection");
    require_shape(p.wk, d, d, "key projection");
    require_shape(p.wv, d, d, "value projection");
    require_shape(p.wo, d, d, "output projection");
    const Eigen::Index d_k = d / n_heads;

    // All heads' projections at once, then each head's column block copied out so that the
    // lesson (and attention_forward) get a contiguous (T, d_k) matrix per head.
    Mat q, k, v;  // (T, d)
    linear_forward(q, x, p.wq, p.bq);
    linear_forward(k, x, p.wk, p.bk);
    linear_forward(v, x, p.wv, p.bv);

    const auto h = static_cast<std::size_t>(n_heads);
    cache.q.resize(h);
    cache.k.resize(h);
    cache.v.resize(h);
    cache.heads.resize(h);
    cache.head_out.resize(h);
    cache.concat.resize(T, d);
    for (std::size_t i = 0; i < h; ++i) {
        const Eigen::Index col = static_cast<Eigen::Index>(i) * d_k;
        cache.q[i] = q.middleCols(col, d_k);
        cache.k[i] = k.middleCols(col, d_k);
        cache.v[i] = v.middleCols(col, d_k);
        attention_forward(cache.head_out[i], cache.heads[i], cache.q[i], cache.k[i], cache.v[i], mask);
        cache.concat.middleCols(col, d_k) = cache.head_out[i];
    }
    linear_forward(out, cache.concat, p.wo, p.bo);
}

void multihead_backward(Mat& dx, MultiHeadParams& g, const Mat& dout, const MultiHeadCache& cache,
                        const Mat& x, const MultiHeadParams& p) {
    const Eigen::Index T = x.rows(), d = x.cols();
    const auto h = cache.heads.size();
    if (h == 0 || cache.concat.rows() != T || cache.concat.cols() != d) {
        throw ShapeError("multi-head attention cache holds " + shape_of(cache.concat) +
                         " but the input is " + shape_of(x) + ": run the forward pass first");
    }
    const Eigen::Index d_k = d / static_cast<Eigen::Index>(h);

    Mat dconcat;  // (T, d)
    linear_backward(dconcat, g.wo, g.bo, dout, cache.concat, p.wo);

    Mat dq(T, d), dk(T, d), dv(T, d), dhead, dq_h, dk_h, dv_h;
    for (std::size_t i = 0; i < h; ++i) {
        const Eigen::Index col = static_cast<Eigen::Index>(i) * d_k;
        dhead = dconcat.middleCols(col, d_k);
        attention_backward(dq_h, dk_h, dv_h, dhead, cache.heads[i], cache.q[i], cache.k[i], cache.v[i]);
        dq.middleCols(col, d_k) = dq_h;
        dk.middleCols(col, d_k) = dk_h;
        dv.middleCols(col, d_k) = dv_h;
    }
    // x fed all three projections, so its gradient is the sum of the three paths.
    Mat dx_k, dx_v;
    linear_backward(dx, g.wq, g.bq, dq, x, p.wq);
    linear_backward(dx_k, g.wk, g.bk, dk, x, p.wk);
    linear_backward(dx_v, g.wv, g.bv, dv, x, p.wv);
    dx += dx_k;
    dx += dx_v;
}

// ---------------------------------------------------------------------------------------------
// Embeddings and positions

namespace {
void check_tokens(const std::vector<int>& tokens, Eigen::Index vocab) {
    for (std::size_t t = 0; t < tokens.size(); ++t) {
        if (tokens[t] < 0 || tokens[t] >= vocab) {
            throw std::out_of_range("token " + std::to_string(tokens[t]) + " at position " +
                                    std::to_string(t) + " is outside the vocabulary of " +
                                    std::to_string(vocab));
        }
    }
}
}  // namespace

void embedding_forward(Mat& out, const std::vector<int>& tokens, const Mat& table, Scalar scale) {
    check_tokens(tokens, table.rows());
    out.resize(static_cast<Eigen::Index>(tokens.size()), table.cols());
    for (std::size_t t = 0; t < tokens.size(); ++t)
        out.row(static_cast<Eigen::Index>(t)) = scale * table.row(tokens[t]);
}

void embedding_backward(Mat& dtable, const Mat& dout, const std::vector<int>& tokens, Scalar scale) {
    check_tokens(tokens, dtable.rows());
    require_shape(dout, static_cast<Eigen::Index>(tokens.size()), dtable.cols(),
                  "embedding output gradient");
    // A token that occurs twice collects the gradient of both positions.
    for (std::size_t t = 0; t < tokens.size(); ++t)
        dtable.row(tokens[t]) += scale * dout.row(static_cast<Eigen::Index>(t));
}

void sinusoidal_positions(Mat& out, int T, int d) {
    if (T < 0 || d < 1) {
        throw ShapeError("positional encoding of (" + std::to_string(T) + ", " +
                         std::to_string(d) + ") requested");
    }
    out.resize(T, d);
    for (int pos = 0; pos < T; ++pos) {
        for (int j = 0; j < d; ++j) {
            const int i = j / 2;  // columns 2i and 2i+1 share the frequency 1 / 10000^(2i/d)
            const double angle = pos / std::pow(10000.0, 2.0 * i / d);
            out(pos, j) = static_cast<Scalar>(j % 2 == 0 ? std::sin(angle) : std::cos(angle));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Cross-entropy

namespace {
// Number of rows that count, after checking every target.
int counted_rows(const std::vector<int>& targets, Eigen::Index rows, Eigen::Index classes,
                 int ignore_index) {
    if (static_cast<Eigen::Index>(targets.size()) != rows) {
        throw ShapeError("cross-entropy has " + std::to_string(targets.size()) +
                         " targets for logits of (" + std::to_string(rows) + ", " +
                         std::to_string(classes) + ")");
    }
    int n = 0;
    for (std::size_t t = 0; t < targets.size(); ++t) {
        if (targets[t] == ignore_index) continue;
        if (targets[t] < 0 || targets[t] >= classes) {
            throw std::out_of_range("target " + std::to_string(targets[t]) + " at row " +
                                    std::to_string(t) + " is outside the " +
                                    std::to_string(classes) + " classes");
        }
        ++n;
    }
    return n;
}
}  // namespace

Scalar cross_entropy_forward(Mat& probs, const Mat& logits, const std::vector<int>& targets,
                             int ignore_index) {
    const int n = counted_rows(targets, logits.rows(), logits.cols(), ignore_index);
    softmax_rows(probs, logits);
    if (n == 0) return 0;
    // −log softmax(z)_y = log Σ_j e^{z_j} − z_y = m + log Σ_j e^{z_j − m} − z_y, m = max_j z_j;
    // taken from the logits, not log(probs), so a vanishing probability gives a large finite
    // loss instead of −log 0.
    double total = 0;
    for (Eigen::Index t = 0; t < logits.rows(); ++t) {
        const int y = targets[static_cast<std::size_t>(t)];
        if (y == ignore_index) continue;
        const Scalar m = logits.row(t).maxCoeff();
        const Scalar lse = m + std::log((logits.row(t).array() - m).exp().sum());
        total += static_cast<double>(lse - logits(t, y));
    }
    return static_cast<Scalar>(total / n);
}

void cross_entropy_backward(Mat& dlogits, const Mat& probs, const std::vector<int>& targets,
                            int ignore_index) {
    const int n = counted_rows(targets, probs.rows(), probs.cols(), ignore_index);
    dlogits.setZero(probs.rows(), probs.cols());
    if (n == 0) return;
    // ∂(−log softmax(z)_y)/∂z_j = p_j − [j = y], averaged over the n counted rows.
    const Scalar inv_n = Scalar(1) / static_cast<Scalar>(n);
    for (Eigen::Index t = 0; t < probs.rows(); ++t) {
        const int y = targets[static_cast<std::size_t>(t)];
        if (y == ignore_index) continue;
        dlogits.row(t) = probs.row(t) * inv_n;
        dlogits(t, y) -= inv_n;
    }
}

}  // namespace attn
