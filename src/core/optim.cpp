#include "core/optim.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace attn {

namespace {

// Every parameter of an encoder with its gradient, in for_each_parameter's order.
void parameter_lists(EncoderParams& params, const EncoderParams& grads, std::vector<Mat*>& values,
                     std::vector<const Mat*>& gradients, std::vector<std::string>* names = nullptr) {
    for_each_parameter(params, grads, [&](const std::string& name, Mat& w, const Mat& g) {
        values.push_back(&w);
        gradients.push_back(&g);
        if (names) names->push_back(name);
    });
}

}  // namespace

void adamw_step(EncoderParams& params, const EncoderParams& grads, AdamState& state,
                const AdamConfig& config) {
    std::vector<Mat*> values;
    std::vector<const Mat*> gradients;
    std::vector<std::string> names;
    parameter_lists(params, grads, values, gradients, &names);
    adamw_step(values, gradients, state, config, &names);
}

void adamw_step(const std::vector<Mat*>& params, const std::vector<const Mat*>& grads, AdamState& state,
                const AdamConfig& config, const std::vector<std::string>* names) {
    const std::size_t n = params.size();
    if (grads.size() != n) throw std::invalid_argument("adamw_step: " + std::to_string(n) + " parameters but " +
                                                       std::to_string(grads.size()) + " gradients");
    if (state.m.size() != n) {
        if (state.step != 0) throw std::logic_error("Adam state belongs to another model");
        state.m.clear();
        state.v.clear();
        for (const Mat* w : params) {
            state.m.push_back(Mat::Zero(w->rows(), w->cols()));
            state.v.push_back(Mat::Zero(w->rows(), w->cols()));
        }
    }
    ++state.step;
    const double t = static_cast<double>(state.step);
    const Scalar b1 = static_cast<Scalar>(config.beta1), b2 = static_cast<Scalar>(config.beta2);
    // Bias corrections folded into the step size and ε, so the loop does one division:
    //   lr m̂ / (√v̂ + ε) = (lr / c1) m / (√v / √c2 + ε)   with c1 = 1 − β1ᵗ, c2 = 1 − β2ᵗ.
    const double c1 = 1 - std::pow(config.beta1, t), c2 = 1 - std::pow(config.beta2, t);
    const Scalar step = static_cast<Scalar>(config.lr / c1);
    const Scalar inv_sqrt_c2 = static_cast<Scalar>(1 / std::sqrt(c2));
    const Scalar eps = static_cast<Scalar>(config.eps);
    const Scalar decay = static_cast<Scalar>(config.lr * config.weight_decay);

    for (std::size_t i = 0; i < n; ++i) {
        Mat& w = *params[i];
        const Mat& g = *grads[i];
        if (g.rows() != w.rows() || g.cols() != w.cols()) {
            const std::string name = names && i < names->size() ? (*names)[i] : "parameter " + std::to_string(i);
            throw ShapeError("gradient of " + name + " is " + shape_of(g) + " but the parameter is " + shape_of(w));
        }
        Mat& m = state.m[i];
        Mat& v = state.v[i];
        const Scalar lambda = w.rows() > 1 ? decay : Scalar(0);
        Scalar* wp = w.data();
        Scalar* mp = m.data();
        Scalar* vp = v.data();
        const Scalar* gp = g.data();
        for (Eigen::Index k = 0; k < w.size(); ++k) {
            mp[k] = b1 * mp[k] + (1 - b1) * gp[k];
            vp[k] = b2 * vp[k] + (1 - b2) * gp[k] * gp[k];
            wp[k] -= step * mp[k] / (std::sqrt(vp[k]) * inv_sqrt_c2 + eps) + lambda * wp[k];
        }
    }
}

double grad_norm(const EncoderParams& grads) {
    double sum = 0;
    for_each_parameter(grads, grads, [&](const std::string&, const Mat& g, const Mat&) {
        sum += static_cast<double>(g.squaredNorm());
    });
    return std::sqrt(sum);
}

double clip_grad_norm(EncoderParams& grads, double max_norm) {
    const double norm = grad_norm(grads);
    if (norm > max_norm && norm > 0) {
        const Scalar s = static_cast<Scalar>(max_norm / norm);
        for_each_parameter(grads, grads, [&](const std::string&, Mat& g, Mat&) { g *= s; });
    }
    return norm;
}

double clip_grad_norm(const std::vector<Mat*>& grads, double max_norm) {
    double sum = 0;
    for (const Mat* g : grads) sum += static_cast<double>(g->squaredNorm());
    const double norm = std::sqrt(sum);
    if (norm > max_norm && norm > 0) {
        const Scalar s = static_cast<Scalar>(max_norm / norm);
        for (Mat* g : grads) *g *= s;
    }
    return norm;
}

double train_step(EncoderParams& params, EncoderParams& grads, AdamState& state,
                  const AdamConfig& adam, const std::vector<std::vector<int>>& tokens,
                  const std::vector<std::vector<int>>& targets, double clip_norm) {
    if (tokens.empty() || tokens.size() != targets.size()) {
        throw std::invalid_argument("train_step needs one target list per sequence and at least one sequence (got " +
                                    std::to_string(tokens.size()) + " sequences, " +
                                    std::to_string(targets.size()) + " target lists)");
    }
    zero_grads(grads);
    ModelOutput out;  // reused: its matrices keep their allocations from one sequence to the next
    double total = 0;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        total += static_cast<double>(sequence_loss_forward(out, tokens[i], targets[i], params));
        sequence_loss_backward(grads, out, targets[i], params);
    }
    const Scalar inv_batch = static_cast<Scalar>(1.0 / static_cast<double>(tokens.size()));
    for_each_parameter(grads, grads, [&](const std::string&, Mat& g, Mat&) { g *= inv_batch; });
    if (clip_norm > 0) clip_grad_norm(grads, clip_norm);
    adamw_step(params, grads, state, adam);
    return total / static_cast<double>(tokens.size());
}

}  // namespace attn
