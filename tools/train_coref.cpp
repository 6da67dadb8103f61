// train_coref — trains the lesson's "what does it refer to" encoder and writes it to disk.
//
//   train_coref <bert vocab.txt> <model.bin> <coref-vocab.txt> [steps] [seed]
//
// Prints progress, then the held-out accuracy and how often "it" attends more to its referent
// than to the other noun, per layer (mean over heads) and per head.
#include "core/coref.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s <bert vocab.txt> <model.bin> <coref-vocab.txt> [steps] [seed]\n", argv[0]);
        return 2;
    }
    const int steps = argc > 4 ? std::atoi(argv[4]) : attn::kCorefSteps;
    const auto seed = static_cast<std::uint32_t>(argc > 5 ? std::strtoul(argv[5], nullptr, 10) : attn::kCorefSeed);
    try {
        const attn::WordPieceTokenizer tokenizer(attn::Vocab::load_file(argv[1]));
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
        const auto fresh = attn::generate_coref(attn::CorefSplit::train, 2000, attn::kCorefEvalSeed);
        const attn::CorefEvaluation tv = attn::evaluate_coref(model, fresh, tokenizer);
        std::printf("fresh training-split sentences: accuracy %.4f, last-layer attention to referent %.4f\n",
                    tv.accuracy, tv.attention_layer.back());
        const auto held_out = attn::generate_coref(attn::CorefSplit::held_out, 2000, attn::kCorefEvalSeed);
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
        attn::save_coref(model, argv[2], argv[3]);
        std::printf("wrote %s and %s\n", argv[2], argv[3]);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "train_coref: %s\n", e.what());
        return 1;
    }
    return 0;
}
