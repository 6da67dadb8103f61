// Central-difference gradient checks of the recurrent networks of recurrent.h (a tanh RNN and
// an LSTM) with their head and cross-entropy, through time, in double. Every parameter entry is
// perturbed, and the gradient reaching each token's embedding (dx) is checked as well.
#include "core/recurrent.h"
#include "grad_check.h"

#include <catch2/catch.hpp>

using attn::Mat;

namespace {

void check_recurrent(attn::Cell cell, const char* label) {
    attn::RecurrentConfig config;
    config.cell = cell;
    config.vocab = 7;
    config.d_embed = 4;
    config.d_hidden = 5;
    config.n_classes = 6;
    attn::RecurrentParams params = attn::recurrent_init(config, 5);
    // Off the initial values (zero biases, the forget gate's 1), so a forgotten term still shows.
    attn::Rng rng(99);
    attn::for_each_parameter_rnn(params, params, [&](const std::string&, Mat& w, Mat&) {
        w += gradcheck::random_mat(rng, w.rows(), w.cols(), 0.3);
    });
    // Three rows of different lengths, read at different positions (the first before its end).
    const std::vector<std::vector<int>> tokens = {{1, 4, 2, 6, 3}, {5, 0, 2}, {3, 3, 1, 2, 6, 4, 1}};
    const std::vector<int> read = {3, 2, 6}, targets = {2, 5, 0};
    auto loss = [&] {
        attn::RecurrentCache c;
        return static_cast<double>(attn::recurrent_forward(c, tokens, read, targets, params));
    };
    attn::RecurrentCache cache;
    attn::recurrent_forward(cache, tokens, read, targets, params);
    attn::RecurrentParams grads = attn::recurrent_zeros_like(config);
    std::vector<Mat> dx;
    attn::recurrent_backward(grads, cache, targets, params, &dx);
    int checked = 0;
    attn::for_each_parameter_rnn(params, grads, [&](const std::string& name, Mat& w, const Mat& g) {
        gradcheck::check(std::string(label) + " " + name, w, g, loss);
        ++checked;
    });
    CHECK(checked == 6);

    // dx[t] row b: the gradient with respect to token t of row b's embedded vector, checked by
    // perturbing a private copy of that token's embedding (the token may occur elsewhere too, so
    // the check perturbs the input vector, not the table row): x is rebuilt from a table in
    // which token t of row b has its own new id.
    REQUIRE(static_cast<int>(dx.size()) == cache.T);
    for (int b = 0; b < 3; ++b) {
        for (int t = 0; t <= read[static_cast<std::size_t>(b)]; ++t) {
            attn::RecurrentConfig wide = config;
            wide.vocab = config.vocab + 1;
            attn::RecurrentParams p2 = attn::recurrent_zeros_like(wide);
            p2.embedding.topRows(config.vocab) = params.embedding;
            const int id = tokens[static_cast<std::size_t>(b)][static_cast<std::size_t>(t)];
            p2.embedding.row(config.vocab) = params.embedding.row(id);
            p2.wx = params.wx;
            p2.wh = params.wh;
            p2.b = params.b;
            p2.head_w = params.head_w;
            p2.head_b = params.head_b;
            auto toks = tokens;
            toks[static_cast<std::size_t>(b)][static_cast<std::size_t>(t)] = config.vocab;
            Mat row = p2.embedding.row(config.vocab);
            auto loss2 = [&] {
                p2.embedding.row(config.vocab) = row;
                attn::RecurrentCache c;
                return static_cast<double>(attn::recurrent_forward(c, toks, read, targets, p2));
            };
            gradcheck::check(std::string(label) + " dx t=" + std::to_string(t) + " row " + std::to_string(b), row,
                             dx[static_cast<std::size_t>(t)].row(b), loss2);
        }
    }
}

}  // namespace

TEST_CASE("gradient: tanh RNN + head + cross-entropy, through time, rows of different lengths") {
    check_recurrent(attn::Cell::rnn, "RNN");
}

TEST_CASE("gradient: LSTM + head + cross-entropy, through time, rows of different lengths") {
    check_recurrent(attn::Cell::lstm, "LSTM");
}
