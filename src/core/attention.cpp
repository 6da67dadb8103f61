#include "core/attention.h"

#include "core/gemm.h"
#include "core/vecmath.h"

#include <cmath>
#include <limits>

namespace attn {

namespace {

void check_mask(const Mask* mask, Eigen::Index rows, Eigen::Index cols) {
    if (mask && (mask->rows() != rows || mask->cols() != cols)) {
        throw ShapeError("mask is " + shape_of(*mask) + " but the scores are (" +
                         std::to_string(rows) + ", " + std::to_string(cols) + ")");
    }
}

}  // namespace

void softmax_rows(Mat& out, const Mat& in, const Mask* mask) {
    check_mask(mask, in.rows(), in.cols());
    out.resize(in.rows(), in.cols());
    for (Eigen::Index i = 0; i < in.rows(); ++i) {
        // Subtracting the row's largest (unmasked) value leaves the softmax unchanged,
        // since exp(x - m) / Σ exp(x - m) = exp(x) / Σ exp(x), and keeps every exponent ≤ 0.
        Scalar row_max = -std::numeric_limits<Scalar>::infinity();
        bool nan = false;
        for (Eigen::Index j = 0; j < in.cols(); ++j) {
            if (!mask || (*mask)(i, j)) {
                row_max = std::max(row_max, in(i, j));
                nan = nan || std::isnan(in(i, j));
            }
        }
        if (nan) {
            // NaN in, NaN out (where a key is visible): a softmax of NaN has no meaning.
            for (Eigen::Index j = 0; j < in.cols(); ++j)
                out(i, j) = !mask || (*mask)(i, j) ? std::numeric_limits<Scalar>::quiet_NaN() : Scalar(0);
            continue;
        }
        if (row_max == std::numeric_limits<Scalar>::infinity()) {
            // exp(x − ∞) is 0 for every finite x and NaN for x = ∞: the limit instead, the
            // infinite scores share the weight equally.
            Scalar n = 0;
            for (Eigen::Index j = 0; j < in.cols(); ++j) n += (!mask || (*mask)(i, j)) && in(i, j) == row_max;
            for (Eigen::Index j = 0; j < in.cols(); ++j)
                out(i, j) = (!mask || (*mask)(i, j)) && in(i, j) == row_max ? Scalar(1) / n : Scalar(0);
            continue;
        }
        if (row_max == -std::numeric_limits<Scalar>::infinity()) {
            // Fully masked row (or one whose visible scores are all −∞): no distribution exists.
            out.row(i).setZero();
            continue;
        }
#ifndef ATTN_VEC_ELEMENTWISE
        // With a mask, select() puts exactly 0 where a key is hidden, whatever exp gave there.
        if (mask) {
            out.row(i).array() = (mask->row(i).array() != 0).select((in.row(i).array() - row_max).exp(), Scalar(0));
        } else {
            out.row(i).array() = (in.row(i).array() - row_max).exp();
        }
        out.row(i) /= out.row(i).sum();  // sum ≥ 1: the maximum contributes exp(0)
#else
        // The exponentials 4 lanes at a time (vecmath.h); with a mask, exactly 0 where a key is
        // hidden, whatever exp gave there, and only the visible keys summed.
        Scalar* row = out.data() + i * out.cols();
        const int n = static_cast<int>(in.cols());
        Scalar sum = vec::exp_shifted_sum(row, in.data() + i * in.cols(), row_max, n);
        if (mask) {
            sum = 0;
            for (int j = 0; j < n; ++j) {
                if (!(*mask)(i, j)) row[j] = 0;
                sum += row[j];
            }
        }
        for (int j = 0; j < n; ++j) row[j] /= sum;  // sum ≥ 1: the maximum contributes exp(0)
#endif
    }
}

void softmax_rows_backward(Mat& dx, const Mat& dy, const Mat& y) {
    if (dy.rows() != y.rows() || dy.cols() != y.cols()) {
        throw ShapeError("softmax gradient is " + shape_of(dy) + " but its output is " +
                         shape_of(y));
    }
    // ∂y_j/∂x_k = y_j (δ_jk − y_k), so dx_k = y_k (dy_k − Σ_j dy_j y_j).
    const Eigen::Matrix<Scalar, Eigen::Dynamic, 1> dot = (dy.array() * y.array()).rowwise().sum();
    dx = (y.array() * (dy.array().colwise() - dot.array())).matrix();
}

void softmax_jacobian(Mat& jac, const Mat& y) {
    if (y.rows() != 1) throw ShapeError("softmax Jacobian needs one row, not " + shape_of(y));
    const auto row = y.row(0).transpose();
    jac = Mat(row.asDiagonal()) - row * y.row(0);
}

void attention_forward(Mat& out, AttentionCache& cache, const Mat& q, const Mat& k,
                       const Mat& v, const Mask* mask) {
    if (q.cols() != k.cols()) {
        throw ShapeError("query is " + shape_of(q) + " but key is " + shape_of(k) +
                         ": queries and keys need the same width d_k");
    }
    if (k.rows() != v.rows()) {
        throw ShapeError("key is " + shape_of(k) + " but value is " + shape_of(v) +
                         ": each key needs one value row");
    }
    if (q.cols() == 0) throw ShapeError("query is " + shape_of(q) + ": d_k must be at least 1");
    check_mask(mask, q.rows(), k.rows());

    const Scalar scale = Scalar(1) / std::sqrt(Scalar(q.cols()));
    matmul(cache.scores, q, Op::N, k, Op::T);
    cache.scaled = cache.scores * scale;
    softmax_rows(cache.weights, cache.scaled, mask);
    matmul(out, cache.weights, Op::N, v, Op::N);
}

namespace {

// "Q[1][2] is not a finite number" for the first NaN or infinity of m.
void check_finite(const Mat& m, const char* name) {
    for (Eigen::Index i = 0; i < m.rows(); ++i)
        for (Eigen::Index j = 0; j < m.cols(); ++j)
            if (!std::isfinite(m(i, j)))
                throw ValueError(std::string(name) + "[" + std::to_string(i) + "][" + std::to_string(j) +
                                 "] is not a finite number");
}

}  // namespace

AttentionResult attention(const Mat& q, const Mat& k, const Mat& v, const Mask* mask) {
    check_finite(q, "Q");
    check_finite(k, "K");
    check_finite(v, "V");
    AttentionResult r;
    attention_forward(r.output, r.cache, q, k, v, mask);  // throws ShapeError for shapes that do not fit
    for (Eigen::Index i = 0; i < r.cache.scores.rows(); ++i)
        for (Eigen::Index j = 0; j < r.cache.scores.cols(); ++j)
            if (!std::isfinite(r.cache.scores(i, j)))
                throw ValueError("the score of query " + std::to_string(i) + " and key " + std::to_string(j) +
                                 " overflows a float (Q row " + std::to_string(i) + " · K row " + std::to_string(j) +
                                 " is beyond ±3.4e38): scale Q or K down");
    for (Eigen::Index i = 0; i < r.output.rows(); ++i)
        for (Eigen::Index j = 0; j < r.output.cols(); ++j)
            if (!std::isfinite(r.output(i, j)))
                throw ValueError("the output overflows a float at row " + std::to_string(i) + ", column " +
                                 std::to_string(j) + " (weights · V is beyond ±3.4e38): scale V down");
    return r;
}

void attention_backward(Mat& dq, Mat& dk, Mat& dv, const Mat& dout,
                        const AttentionCache& cache, const Mat& q, const Mat& k, const Mat& v) {
    if (dout.rows() != q.rows() || dout.cols() != v.cols()) {
        throw ShapeError("output gradient is " + shape_of(dout) + " but the output is (" +
                         std::to_string(q.rows()) + ", " + std::to_string(v.cols()) + ")");
    }
    const Scalar scale = Scalar(1) / std::sqrt(Scalar(q.cols()));
    matmul(dv, cache.weights, Op::T, dout, Op::N);              // (Tk, d_v)
    Mat dweights;
    matmul(dweights, dout, Op::N, v, Op::T);                    // (Tq, Tk)
    Mat dscaled;
    softmax_rows_backward(dscaled, dweights, cache.weights);   // masked entries stay 0
    const Mat dscores = dscaled * scale;
    matmul(dq, dscores, Op::N, k, Op::N);                       // (Tq, d_k)
    matmul(dk, dscores, Op::T, q, Op::N);                       // (Tk, d_k)
}

}  // namespace attn
