// race — the RNN / LSTM / transformer race of the lesson's last section, natively.
//
//   race [--seed N] [--steps N] [--distances 4,8,16] [--sweep] [--out FILE]
//
// Prints the race's table. --sweep first trains every model with each learning rate of
// race_sweep_rates() and prints the mean held-out accuracy of each, then races with the rate
// each model did best with. --out writes the race (and the sweep) as the text the lesson reads:
// scripts/race writes lessons/models/race-reference.txt, "a reference run" of the lesson.
#include "core/race.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace {

std::vector<int> parse_list(const char* s) {
    std::vector<int> v;
    std::stringstream in(s);
    for (std::string part; std::getline(in, part, ',');) v.push_back(std::atoi(part.c_str()));
    return v;
}

}  // namespace

int main(int argc, char** argv) {
    attn::RaceOptions options;
    bool sweep = false;
    std::vector<double> rates = attn::race_sweep_rates();
    int only_model = -1;  // --model k: sweep that model alone, and stop (for exploring)
    std::string out;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool has = i + 1 < argc;
        if (a == "--seed" && has) options.seed = static_cast<std::uint32_t>(std::strtoul(argv[++i], nullptr, 10));
        else if (a == "--steps" && has) options.steps = std::atoi(argv[++i]);
        else if (a == "--distances" && has) options.distances = parse_list(argv[++i]);
        else if (a == "--out" && has) out = argv[++i];
        else if (a == "--sweep") sweep = true;
        else if (a == "--rates" && has) {
            rates.clear();
            std::stringstream in(argv[++i]);
            for (std::string part; std::getline(in, part, ',');) rates.push_back(std::atof(part.c_str()));
        } else if (a == "--model" && has) only_model = std::atoi(argv[++i]);
        else {
            std::fprintf(stderr, "usage: %s [--seed N] [--steps N] [--distances 4,8,16] [--sweep] [--out FILE]\n", argv[0]);
            return 2;
        }
    }
    const std::string problem = attn::validate_race_options(options);
    if (!problem.empty()) {
        std::fprintf(stderr, "race: %s\n", problem.c_str());
        return 2;
    }
    try {
        const auto t0 = std::chrono::steady_clock::now();
        attn::RaceSweep s;
        if (sweep) {
            std::printf("learning-rate sweep: %d steps per model and rate, mean held-out accuracy over the distances\n",
                        options.steps);
            s = attn::race_sweep(options, rates, [](int m, double rate, double acc) {
                std::printf("  %-12s lr %-8g %6.1f%%\n", attn::race_model_name(m), rate, 100 * acc);
                std::fflush(stdout);
            }, only_model);
            if (only_model >= 0) return 0;
            for (int m = 0; m < attn::kRaceModels; ++m) {
                options.lr[static_cast<std::size_t>(m)] = s.picked[static_cast<std::size_t>(m)];
                std::printf("  %-12s picks lr %g\n", attn::race_model_name(m), s.picked[static_cast<std::size_t>(m)]);
            }
            std::printf("\n");
        }
        const attn::RaceResult r = attn::run_race(options);
        std::printf("%s", attn::race_table(r).c_str());
        const double s_total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("\n%.1f s in all\n", s_total);
        if (!out.empty()) {
            std::ofstream f(out, std::ios::binary);
            f << attn::race_to_text(r, sweep ? &s : nullptr);
            if (!f) throw std::runtime_error("cannot write " + out);
            std::printf("wrote %s\n", out.c_str());
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "race: %s\n", e.what());
        return 1;
    }
    return 0;
}
