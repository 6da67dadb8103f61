#include "core/attention.h"

#include "core/gemm.h"

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
        for (Eigen::Index j = 0; j < in.cols(); ++j) {
            if (!mask || (*mask)(i, j)) row_max = std::max(row_max, in(i, j));
        }
        if (!std::isfinite(row_max)) {
            // Fully masked row (or one whose scores are all -inf/NaN): no distribution exists.
            out.row(i).setZero();
            continue;
        }
        // Whole-row array expressions, so that the exponentials are vectorised (Eigen's exp
        // with SSE/AVX; contiguous loops clang can auto-vectorise for WebAssembly SIMD). With a
        // mask, select() puts exactly 0 where a key is hidden, whatever exp gave there.
        if (mask) {
            out.row(i).array() = (mask->row(i).array() != 0).select((in.row(i).array() - row_max).exp(), Scalar(0));
        } else {
            out.row(i).array() = (in.row(i).array() - row_max).exp();
        }
        out.row(i) /= out.row(i).sum();  // sum ≥ 1: the maximum contributes exp(0)
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
