// recurrent.cpp — RNN and LSTM forward passes and backpropagation through time.
#include "core/recurrent.h"

#include "core/gemm.h"
#include "core/rng.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace attn {

void RecurrentConfig::validate() const {
    auto need = [](bool ok, const char* what, int value) {
        if (!ok) throw ShapeError(std::string("recurrent network: ") + what + " is " + std::to_string(value));
    };
    need(vocab > 0, "vocab", vocab);
    need(d_embed > 0, "d_embed", d_embed);
    need(d_hidden > 0, "d_hidden", d_hidden);
    need(n_classes > 0, "n_classes", n_classes);
}

bool RecurrentConfig::operator==(const RecurrentConfig& o) const {
    return cell == o.cell && vocab == o.vocab && d_embed == o.d_embed && d_hidden == o.d_hidden &&
           n_classes == o.n_classes;
}

RecurrentParams recurrent_zeros_like(const RecurrentConfig& config) {
    config.validate();
    const int gh = config.gates() * config.d_hidden;
    RecurrentParams p;
    p.config = config;
    p.embedding = Mat::Zero(config.vocab, config.d_embed);
    p.wx = Mat::Zero(config.d_embed, gh);
    p.wh = Mat::Zero(config.d_hidden, gh);
    p.b = Mat::Zero(1, gh);
    p.head_w = Mat::Zero(config.d_hidden, config.n_classes);
    p.head_b = Mat::Zero(1, config.n_classes);
    return p;
}

RecurrentParams recurrent_init(const RecurrentConfig& config, std::uint32_t seed) {
    RecurrentParams p = recurrent_zeros_like(config);
    Rng rng(seed);
    auto fill = [&rng](Mat& w, double limit) {
        Scalar* data = w.data();  // row-major: the same fill order everywhere
        for (Eigen::Index i = 0; i < w.size(); ++i) data[i] = static_cast<Scalar>(rng.uniform(-limit, limit));
    };
    fill(p.embedding, std::sqrt(3.0 / config.d_embed));
    // Xavier over one gate's block (fan_out H, not G H), so that each gate's pre-activation has the
    // variance a single-gate layer would have.
    fill(p.wx, std::sqrt(6.0 / (config.d_embed + config.d_hidden)));
    fill(p.wh, std::sqrt(6.0 / (2.0 * config.d_hidden)));
    fill(p.head_w, std::sqrt(6.0 / (config.d_hidden + config.n_classes)));
    if (config.cell == Cell::lstm) p.b.middleCols(config.d_hidden, config.d_hidden).setOnes();  // forget gate
    return p;
}

void zero_grads(RecurrentParams& grads) {
    for_each_parameter_rnn(grads, grads, [](const std::string&, Mat& g, Mat&) { g.setZero(); });
}

std::size_t parameter_count(const RecurrentParams& params) {
    std::size_t n = 0;
    for_each_parameter_rnn(params, params, [&](const std::string&, const Mat& w, const Mat&) {
        n += static_cast<std::size_t>(w.size());
    });
    return n;
}

namespace {

Mat sigmoid(const Mat& z) { return (Scalar(1) + (-z.array()).exp()).inverse().matrix(); }

}  // namespace

Scalar recurrent_forward(RecurrentCache& c, const std::vector<std::vector<int>>& tokens, const std::vector<int>& read,
                         const std::vector<int>& targets, const RecurrentParams& p) {
    const RecurrentConfig& cfg = p.config;
    const int B = static_cast<int>(tokens.size());
    if (B == 0) throw std::invalid_argument("recurrent_forward: an empty batch");
    if (static_cast<int>(read.size()) != B || static_cast<int>(targets.size()) != B) {
        throw std::invalid_argument("recurrent_forward: " + std::to_string(B) + " sequences but " +
                                    std::to_string(read.size()) + " read positions and " +
                                    std::to_string(targets.size()) + " targets");
    }
    int T = 0;
    for (int b = 0; b < B; ++b) {
        const int len = static_cast<int>(tokens[static_cast<std::size_t>(b)].size());
        const int r = read[static_cast<std::size_t>(b)];
        if (r < 0 || r >= len) {
            throw std::out_of_range("recurrent_forward: read position " + std::to_string(r) + " of sequence " +
                                    std::to_string(b) + " (length " + std::to_string(len) + ")");
        }
        for (int id : tokens[static_cast<std::size_t>(b)])
            if (id < 0 || id >= cfg.vocab) throw std::out_of_range("recurrent_forward: token " + std::to_string(id));
        const int y = targets[static_cast<std::size_t>(b)];
        if (y < 0 || y >= cfg.n_classes) throw std::out_of_range("recurrent_forward: class " + std::to_string(y));
        T = std::max(T, r + 1);  // nothing after the last read position can change the answer
    }
    const int H = cfg.d_hidden, e = cfg.d_embed;
    const bool lstm = cfg.cell == Cell::lstm;
    c.tokens = tokens;
    c.read = read;
    c.T = T;
    c.x.assign(static_cast<std::size_t>(T), Mat());
    c.h.assign(static_cast<std::size_t>(T), Mat());
    c.gates.assign(static_cast<std::size_t>(T), Mat());
    c.c.assign(lstm ? static_cast<std::size_t>(T) : 0, Mat());
    c.tanh_c.assign(lstm ? static_cast<std::size_t>(T) : 0, Mat());
    Mat z;
    for (int t = 0; t < T; ++t) {
        Mat& x = c.x[static_cast<std::size_t>(t)];
        x = Mat::Zero(B, e);
        for (int b = 0; b < B; ++b) {
            const auto& row = tokens[static_cast<std::size_t>(b)];
            if (t < static_cast<int>(row.size())) x.row(b) = p.embedding.row(row[static_cast<std::size_t>(t)]);
        }
        matmul(z, x, Op::N, p.wx, Op::N);
        if (t > 0) matmul(z, c.h[static_cast<std::size_t>(t - 1)], Op::N, p.wh, Op::N, true);
        z.rowwise() += p.b.row(0);
        Mat& g = c.gates[static_cast<std::size_t>(t)];
        if (!lstm) {
            g = z.array().tanh().matrix();
            c.h[static_cast<std::size_t>(t)] = g;
            continue;
        }
        g.resize(B, 4 * H);
        g.leftCols(2 * H) = sigmoid(z.leftCols(2 * H));            // i, f
        g.middleCols(2 * H, H) = z.middleCols(2 * H, H).array().tanh().matrix();  // g
        g.rightCols(H) = sigmoid(z.rightCols(H));                   // o
        Mat& cell = c.c[static_cast<std::size_t>(t)];
        cell = g.leftCols(H).cwiseProduct(g.middleCols(2 * H, H));
        if (t > 0) cell += g.middleCols(H, H).cwiseProduct(c.c[static_cast<std::size_t>(t - 1)]);
        c.tanh_c[static_cast<std::size_t>(t)] = cell.array().tanh().matrix();
        c.h[static_cast<std::size_t>(t)] = g.rightCols(H).cwiseProduct(c.tanh_c[static_cast<std::size_t>(t)]);
    }
    c.read_h.resize(B, H);
    for (int b = 0; b < B; ++b) c.read_h.row(b) = c.h[static_cast<std::size_t>(read[static_cast<std::size_t>(b)])].row(b);
    matmul(c.logits, c.read_h, Op::N, p.head_w, Op::N);
    c.logits.rowwise() += p.head_b.row(0);
    // Stable softmax: subtract each row's maximum before exp.
    c.probs = c.logits;
    double loss = 0;
    for (int b = 0; b < B; ++b) {
        auto row = c.probs.row(b);
        row.array() -= row.maxCoeff();
        row = row.array().exp().matrix();
        row /= row.sum();
        loss -= std::log(std::max(static_cast<double>(row(targets[static_cast<std::size_t>(b)])), 1e-30));
    }
    return static_cast<Scalar>(loss / B);
}

void recurrent_backward(RecurrentParams& g, const RecurrentCache& c, const std::vector<int>& targets,
                        const RecurrentParams& p, std::vector<Mat>* dx_out) {
    if (g.config != p.config) throw ShapeError("recurrent_backward: gradient and parameters differ");
    const int B = static_cast<int>(c.read.size()), H = p.config.d_hidden, T = c.T;
    const bool lstm = p.config.cell == Cell::lstm;
    const Scalar one = 1;
    // Cross-entropy of the mean loss: ∂/∂logits = (p − onehot) / B.
    Mat dlogits = c.probs;
    for (int b = 0; b < B; ++b) dlogits(b, targets[static_cast<std::size_t>(b)]) -= 1;
    dlogits /= static_cast<Scalar>(B);
    matmul(g.head_w, c.read_h, Op::T, dlogits, Op::N, true);
    g.head_b += dlogits.colwise().sum();
    Mat dread;
    matmul(dread, dlogits, Op::N, p.head_w, Op::T);  // (B, H)
    if (dx_out) dx_out->assign(static_cast<std::size_t>(T), Mat());

    Mat dh_next = Mat::Zero(B, H), dc_next, dz, dh, dx;
    if (lstm) dc_next = Mat::Zero(B, H);
    for (int t = T - 1; t >= 0; --t) {
        const auto ts = static_cast<std::size_t>(t);
        dh = dh_next;
        for (int b = 0; b < B; ++b)
            if (c.read[static_cast<std::size_t>(b)] == t) dh.row(b) += dread.row(b);
        const Mat& gt = c.gates[ts];
        if (!lstm) {
            // h = tanh(z): ∂z = ∂h ⊙ (1 − h²)
            dz = dh.cwiseProduct((one - gt.array().square()).matrix());
        } else {
            // c_t = f c_{t−1} + i g, h_t = o tanh(c_t).
            const auto i = gt.leftCols(H).array(), f = gt.middleCols(H, H).array(),
                       gg = gt.middleCols(2 * H, H).array(), o = gt.rightCols(H).array();
            const auto tc = c.tanh_c[ts].array();
            const Mat dcell = (dc_next.array() + dh.array() * o * (one - tc.square())).matrix();
            dz.resize(B, 4 * H);
            dz.leftCols(H) = (dcell.array() * gg * i * (one - i)).matrix();
            if (t > 0) {
                dz.middleCols(H, H) = (dcell.array() * c.c[ts - 1].array() * f * (one - f)).matrix();
            } else {
                dz.middleCols(H, H).setZero();  // c_{−1} = 0
            }
            dz.middleCols(2 * H, H) = (dcell.array() * i * (one - gg.square())).matrix();
            dz.rightCols(H) = (dh.array() * tc * o * (one - o)).matrix();
            dc_next = (dcell.array() * f).matrix();
        }
        matmul(g.wx, c.x[ts], Op::T, dz, Op::N, true);
        if (t > 0) matmul(g.wh, c.h[ts - 1], Op::T, dz, Op::N, true);
        g.b += dz.colwise().sum();
        matmul(dx, dz, Op::N, p.wx, Op::T);  // (B, e)
        for (int b = 0; b < B; ++b) {
            const auto& row = c.tokens[static_cast<std::size_t>(b)];
            if (t < static_cast<int>(row.size())) g.embedding.row(row[ts]) += dx.row(b);
        }
        if (dx_out) (*dx_out)[ts] = dx;
        if (t > 0) matmul(dh_next, dz, Op::N, p.wh, Op::T);
    }
}

double recurrent_forward_flops(const RecurrentConfig& config, int T) {
    const double gh = static_cast<double>(config.gates()) * config.d_hidden;
    return 2.0 * T * (config.d_embed + config.d_hidden) * gh;
}

}  // namespace attn
