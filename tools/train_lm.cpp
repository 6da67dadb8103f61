// train_lm — trains the generation section's small decoder-only language model on the story
// grammar (src/core/stories.h) and writes it to disk.
//
//   train_lm <bert vocab.txt> <model.bin> <vocab.txt> [steps] [seed]
//
// Prints progress, then on held-out stories (pairs of subject and place never trained on): the
// loss per token, the share of greedy continuations the grammar derives, and the share of
// "…because it was too" prompts whose adjective fits the subject or the place.
#include "core/lm.h"
#include "core/serialize.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s <bert vocab.txt> <model.bin> <vocab.txt> [steps] [seed]\n", argv[0]);
        return 2;
    }
    try {
        const attn::WordPieceTokenizer tokenizer(attn::Vocab::load_file(argv[1]));
        const int steps = argc > 4 ? std::atoi(argv[4]) : attn::kLmSteps;
        const auto seed = static_cast<std::uint32_t>(argc > 5 ? std::strtoul(argv[5], nullptr, 10) : attn::kLmSeed);
        if (steps <= 0) {
            std::fprintf(stderr, "train_lm: steps must be positive\n");
            return 2;
        }
        const attn::LmTrainConfig config;
        const auto start = std::chrono::steady_clock::now();
        double loss = 0;
        int n = 0;
        const attn::LanguageModel model = attn::train_lm(config, seed, steps, tokenizer, [&](const attn::LmProgress& p) {
            loss += p.loss;
            ++n;
            if (p.step % 100 == 0) {
                std::printf("step %5d  loss %.4f\n", p.step, loss / n);
                std::fflush(stdout);
                loss = 0;
                n = 0;
            }
            return true;
        });
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("trained %d steps (seed %u, %d pieces) in %.1f s\n", steps, static_cast<unsigned>(seed),
                    model.vocab.size(), seconds);
        const auto held_out = attn::generate_stories(attn::StorySplit::held_out, 400, attn::kLmEvalSeed);
        const attn::LmEvaluation ev = attn::evaluate_lm(model, held_out, tokenizer);
        std::printf("held-out: %d stories, loss %.4f per token, greedy continuations derivable %.4f, "
                    "adjective after \"...it was too\" fits %.4f\n",
                    ev.n, ev.loss, ev.derivable, ev.adjective_fits);
        for (const auto& f : ev.failures) std::printf("  not derivable: %s\n", f.c_str());
        // The file stores float16: every greedy continuation of the rounded model must be the
        // float32 one's (the story cut after each of its words, and before its adjective).
        attn::LanguageModel rounded = model;
        rounded.params = attn::rounded_to_half(model.params);
        const attn::SamplingOptions greedy{0.0, 0};
        attn::Rng unused(0);
        auto continuation = [&](const attn::LanguageModel& m, const std::string& prompt) {
            std::vector<int> ids = attn::encode_prompt(prompt, tokenizer, m.vocab);
            attn::generate(m, ids, m.params.config.max_len, greedy, unused);
            return ids;
        };
        int changed = 0, compared = 0;
        for (const attn::Story& s : held_out) {
            std::vector<std::string> prompts{s.prompt_to_adjective};
            std::string prefix;
            for (const std::string& w : attn::story_words(s.text)) {
                prefix += (prefix.empty() ? "" : " ") + w;
                prompts.push_back(prefix);
            }
            for (const std::string& prompt : prompts) {
                changed += continuation(model, prompt) != continuation(rounded, prompt);
                ++compared;
            }
        }
        std::printf("float16 storage: %d of %d greedy continuations changed\n", changed, compared);
        if (changed != 0) throw std::runtime_error("float16 storage would change the model's continuations");
        attn::save_lm(model, argv[2], argv[3]);
        std::printf("wrote %s and %s\n", argv[2], argv[3]);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "train_lm: %s\n", e.what());
        return 1;
    }
    return 0;
}
