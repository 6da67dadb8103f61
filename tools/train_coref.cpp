// train_coref — trains the lesson's "what does it refer to" encoder and writes it to disk, or
// trains it from each of a range of seeds and compares them.
//
//   train_coref <bert vocab.txt> <model.bin> <coref-vocab.txt> [steps] [seed]
//   train_coref <bert vocab.txt> --sweep <first seed> <last seed> [steps]
//
// The first form prints progress, then the held-out accuracy and how often "it" attends more to
// its referent than to the other noun, per layer (mean over heads) and per head. The second
// writes nothing: it prints one line of those figures per seed, then their range, which is
// where the lesson's figures on seeds come from.
#include "core/coref.h"
#include "core/serialize.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

constexpr int kEvalSentences = 2000;

int sweep(const attn::WordPieceTokenizer& tokenizer, std::uint32_t first, std::uint32_t last, int steps) {
    const attn::CorefTrainConfig config;
    const auto held_out = attn::generate_coref(attn::CorefSplit::held_out, kEvalSentences, attn::kCorefEvalSeed);
    std::printf("%d steps per seed; %d held-out sentences (evaluation seed %u)\n", steps, kEvalSentences,
                static_cast<unsigned>(attn::kCorefEvalSeed));
    std::printf("seed  accuracy  last layer: it -> referent > other noun (mean of heads)  first layer\n");
    double acc_lo = 2, acc_hi = -1, att_lo = 2, att_hi = -1;
    std::uint32_t att_lo_seed = first, att_hi_seed = first;
    for (std::uint32_t seed = first; seed <= last; ++seed) {
        const attn::CorefModel model = attn::train_coref(config, seed, steps, tokenizer);
        const attn::CorefEvaluation ev = attn::evaluate_coref(model, held_out, tokenizer);
        const double att = ev.attention_layer.back();
        std::printf("%4u  %8.4f  %8.4f  %8.4f%s\n", static_cast<unsigned>(seed), ev.accuracy, att,
                    ev.attention_layer.front(), seed == attn::kCorefSeed ? "  (shipped)" : "");
        std::fflush(stdout);
        acc_lo = std::min(acc_lo, ev.accuracy);
        acc_hi = std::max(acc_hi, ev.accuracy);
        if (att < att_lo) att_lo = att, att_lo_seed = seed;
        if (att > att_hi) att_hi = att, att_hi_seed = seed;
    }
    std::printf("seeds %u-%u: held-out accuracy %.4f to %.4f; last-layer attention favours the referent in "
                "%.4f (seed %u) to %.4f (seed %u) of held-out sentences\n",
                static_cast<unsigned>(first), static_cast<unsigned>(last), acc_lo, acc_hi, att_lo,
                static_cast<unsigned>(att_lo_seed), att_hi, static_cast<unsigned>(att_hi_seed));
    // The same figures as the lesson's text words them (tests/sweep_matches_lesson.cmake looks
    // for these in lessons/attention-lesson.md).
    std::printf("lesson accuracy: %.1f%% to %.1f%%\n", 100 * acc_lo, 100 * acc_hi);
    std::printf("lesson attention: %.1f%% (seed %u) to %.1f%% (seed %u)\n", 100 * att_lo,
                static_cast<unsigned>(att_lo_seed), 100 * att_hi, static_cast<unsigned>(att_hi_seed));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const bool sweeping = argc >= 5 && std::strcmp(argv[2], "--sweep") == 0;
    if (argc < 4 || (argc >= 3 && std::strcmp(argv[2], "--sweep") == 0 && !sweeping)) {
        std::fprintf(stderr,
                     "usage: %s <bert vocab.txt> <model.bin> <coref-vocab.txt> [steps] [seed]\n"
                     "       %s <bert vocab.txt> --sweep <first seed> <last seed> [steps]\n",
                     argv[0], argv[0]);
        return 2;
    }
    try {
        const attn::WordPieceTokenizer tokenizer(attn::Vocab::load_file(argv[1]));
        if (sweeping) {
            const auto first = static_cast<std::uint32_t>(std::strtoul(argv[3], nullptr, 10));
            const auto last = static_cast<std::uint32_t>(std::strtoul(argv[4], nullptr, 10));
            const int steps = argc > 5 ? std::atoi(argv[5]) : attn::kCorefSteps;
            if (last < first || steps <= 0) {
                std::fprintf(stderr, "train_coref: --sweep needs first <= last and steps > 0\n");
                return 2;
            }
            return sweep(tokenizer, first, last, steps);
        }
        const int steps = argc > 4 ? std::atoi(argv[4]) : attn::kCorefSteps;
        const auto seed = static_cast<std::uint32_t>(argc > 5 ? std::strtoul(argv[5], nullptr, 10) : attn::kCorefSeed);
        attn::CorefTrainConfig config;
        const auto start = std::chrono::steady_clock::now();
        double loss = 0, acc = 0;
        const attn::CorefModel model = attn::train_coref(config, seed, steps, tokenizer, [&](const attn::CorefProgress& p) {
            loss += p.loss;
            acc += p.accuracy;
            if (p.step % 100 == 0) {
                std::printf("step %5d  loss %.4f  accuracy %.3f\n", p.step, loss / 100, acc / 100);
                loss = acc = 0;
            }
            return true;
        });
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("trained %d steps in %.1f s\n", steps, seconds);
        // Fresh training-split sentences (not the ones trained on: another seed), for choosing
        // between runs without looking at the held-out triples.
        const auto fresh = attn::generate_coref(attn::CorefSplit::train, kEvalSentences, attn::kCorefEvalSeed);
        const attn::CorefEvaluation tv = attn::evaluate_coref(model, fresh, tokenizer);
        std::printf("fresh training-split sentences: accuracy %.4f, last-layer attention to referent %.4f\n",
                    tv.accuracy, tv.attention_layer.back());
        const auto held_out = attn::generate_coref(attn::CorefSplit::held_out, kEvalSentences, attn::kCorefEvalSeed);
        const attn::CorefEvaluation ev = attn::evaluate_coref(model, held_out, tokenizer);
        std::printf("held-out: %d sentences, accuracy %.4f\n", ev.n, ev.accuracy);
        for (std::size_t l = 0; l < ev.attention_layer.size(); ++l) {
            std::printf("layer %zu: it -> referent > other noun (mean of heads) %.4f; per head", l, ev.attention_layer[l]);
            for (double h : ev.attention_head[l]) std::printf(" %.3f", h);
            std::printf("\n");
        }
        for (int adj : {0, 8}) {
            const attn::CorefExample ex = attn::make_coref_example(0, 0, adj, 0, false, 0, 0);
            for (int layer = 0; layer < model.params.config.n_layers; ++layer) {
                const attn::CorefPrediction p = attn::predict_coref(model, ex, tokenizer, layer);
                std::printf("\"%s\" layer %d: it -> animal %.3f, street %.3f; answer \"%s\"\n", ex.text.c_str(), layer,
                            p.attention_subject, p.attention_place, model.vocab.piece(p.predicted).c_str());
            }
        }
        // The file stores float16: every answer of the rounded model must be the float32 one's.
        attn::CorefModel rounded = model;
        rounded.params = attn::rounded_to_half(model.params);
        int changed = 0, compared = 0;
        double largest = 0;
        for (const auto* set : {&fresh, &held_out}) {
            for (const attn::CorefExample& ex : *set) {
                const int layer = model.params.config.n_layers - 1;
                const attn::CorefPrediction a = attn::predict_coref(model, ex, tokenizer, layer);
                const attn::CorefPrediction b = attn::predict_coref(rounded, ex, tokenizer, layer);
                changed += a.predicted != b.predicted;
                largest = std::max({largest, std::abs(a.attention_subject - b.attention_subject),
                                    std::abs(a.attention_place - b.attention_place)});
                ++compared;
            }
        }
        std::printf("float16 storage: %d of %d answers changed; largest change of it's attention to a noun %.5f\n",
                    changed, compared, largest);
        if (changed != 0) throw std::runtime_error("float16 storage would change the model's answers");
        attn::save_coref(model, argv[2], argv[3]);
        std::printf("wrote %s and %s\n", argv[2], argv[3]);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "train_coref: %s\n", e.what());
        return 1;
    }
    return 0;
}
