// race.h — a plain RNN, an LSTM and a transformer encoder of about the same size, trained with
// the same budget on the same long-range task, then measured: accuracy against the distance
// between the referent and "it", the gradient that reaches the referent, the time a training
// step takes against the sentence's length, and the GFLOP/s each forward pass reaches.
//
// The task is the "it" corpus of coref.h stretched by filler phrases (make_coref_at_distance):
//   "The dog did not cross the street <phrases> because <phrases> it was too tired"  → dog
// A token here is a word (the race has its own word vocabulary), so distances are in tokens.
// The transformer reads its answer at "it" (it sees the whole sentence at once); a recurrent
// network reads it at the last word, the first point where it has seen the adjective that
// decides. Both name the referent with a head over the vocabulary, as the explorer's model does.
//
// The same code runs natively (scripts/race, the reference run shipped with the lesson) and in
// the browser, one small piece of work per call of Race::step(), so a page can run it in slices.
// Everything except the timings is deterministic for a seed.
#pragma once

#include "core/coref.h"
#include "core/encoder.h"
#include "core/optim.h"
#include "core/recurrent.h"
#include "core/rng.h"

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace attn {

enum class RaceModel : int { rnn = 0, lstm = 1, transformer = 2 };
constexpr int kRaceModels = 3;
const char* race_model_key(int model);   // "rnn", "lstm", "transformer"
const char* race_model_name(int model);  // "RNN", "LSTM", "Transformer"

// The learning rates of the default race (race.cpp): the sweep's picks.
std::array<double, 3> race_default_rates();

struct RaceOptions {
    std::uint32_t seed = 1;
    int steps = 600;                              // mini-batches per model
    int batch = 16;
    // Measured at. Training draws a range (d[i−1], d[i]] (or d[0] itself), each alike, then a
    // distance in it uniformly: as many short gaps as long ones.
    std::vector<int> distances = {4, 8, 16, 32, 64};
    // Peak learning rate per model (rnn, lstm, transformer): the picks of `scripts/race --sweep`
    // over race_sweep_rates() with the default options (lessons/models/race-reference.txt records the
    // sweep; a test checks that these are its picks).
    std::array<double, kRaceModels> lr = race_default_rates();
    int warmup = 40;                              // linear warm-up, then linear decay to lr / 10
    double weight_decay = 0.01;
    double clip = 1.0;
    int eval_sentences = 100;                     // held-out sentences per distance
    int gradient_sentences = 16;                  // of those, how many the gradient is averaged over
    std::vector<int> timing_lengths = {16, 32, 64, 128};  // tokens, for the time per training step
    int timing_batch = 4;                         // sentences in those timed steps (few: one step is one frame's work)
    int flops_length = 64;                        // tokens of the sentence the GFLOP/s are measured on
    // Sizes: about the same number of parameters (race_parameter_counts shows them).
    int d_embed = 32;                             // embedding width of every model (the transformer's d)
    int rnn_hidden = 96, lstm_hidden = 48;
    int layers = 2, heads = 4, d_ff = 64;
};

// The learning rates the sweep tries.
const std::vector<double>& race_sweep_rates();

// "" when the options make a race, else what is wrong, for the learner.
std::string validate_race_options(const RaceOptions& options);

// The race's word vocabulary: [PAD] = 0, then every word the corpus can use.
class RaceVocab {
public:
    RaceVocab();
    int size() const { return static_cast<int>(words_.size()); }
    int id(const std::string& word) const;  // throws for a word outside the corpus
    const std::string& word(int id) const { return words_.at(static_cast<std::size_t>(id)); }

private:
    std::vector<std::string> words_;
    std::unordered_map<std::string, int> ids_;
};

// A sentence as the models see it.
struct RaceSentence {
    std::vector<int> ids;   // one per word
    int referent = 0;       // position of the referent noun
    int it = 0;             // position of "it"
    int target = 0;         // the referent's id (the class to name)
    int distance = 0;       // it − referent, in tokens
};
RaceSentence race_sentence(const CorefExample& ex, const RaceVocab& vocab);

struct RaceModelResult {
    std::size_t params = 0;
    double lr = 0;
    std::vector<double> accuracy;        // per distance: share of held-out sentences named right
    std::vector<double> gradient;        // per distance: mean ‖∂loss/∂E[referent]‖ (the referent's embedding row)
    std::vector<double> ms_by_length;    // per timing length: ms per training step of timing_batch sentences
    double ms_per_step = 0;              // mean ms of the race's own training steps
    double gflops = 0;                   // forward pass on one sentence of flops_length tokens
    int sequential_steps = 0;            // steps that must follow one another in that forward pass
    std::vector<float> loss;             // per training step, mean over the batch
    std::vector<float> batch_accuracy;   // per training step, before the update
    double train_ms = 0;                 // total
};

struct RaceResult {
    RaceOptions options;
    std::array<RaceModelResult, kRaceModels> models;
    bool complete = false;
};

// Steps a forward pass over T tokens must take one after the other: one per token for a
// recurrent network, one per layer for the transformer (its tokens all go at once).
int race_sequential_steps(int model, int T, const RaceOptions& options);

// The race, one piece of work per step(): a training step of one model (the three take turns),
// then per model and distance an evaluation and a gradient measurement, then the timings.
class Race {
public:
    explicit Race(const RaceOptions& options);  // throws std::invalid_argument (validate_race_options)
    ~Race();
    Race(const Race&) = delete;
    Race& operator=(const Race&) = delete;

    void step();
    bool done() const { return next_ >= total_; }
    int work_done() const { return next_; }
    int work_total() const { return total_; }
    int training_step() const;            // mini-batches each model has had so far
    const char* phase() const;            // "training", "measuring accuracy", …
    const RaceResult& result() const { return result_; }
    const RaceVocab& vocab() const { return vocab_; }

    struct Impl;  // the models and their data (race.cpp); race_sweep uses it too

private:
    Impl* impl_;
    RaceVocab vocab_;
    RaceResult result_;
    int next_ = 0, total_ = 0;
};

// Runs a race to its end. progress (may be empty) is called after every piece of work.
RaceResult run_race(const RaceOptions& options, const std::function<void(const Race&)>& progress = {});

// The learning-rate sweep: each model trained from options with every rate of rates; the mean
// held-out accuracy over the distances of each. picked[m]: the rate with the best mean (the
// lowest rate on a tie). Deterministic for a seed.
struct RaceSweep {
    std::vector<double> rates;
    std::array<std::vector<double>, kRaceModels> mean_accuracy;  // per model, per rate
    std::array<double, kRaceModels> picked{};
};
// only_model ≥ 0: sweep that model alone.
RaceSweep race_sweep(const RaceOptions& options, const std::vector<double>& rates,
                     const std::function<void(int model, double rate, double accuracy)>& progress = {},
                     int only_model = -1);

// The table scripts/race prints and the reference file the lesson shows before a run: text, one
// fact per line, "key value…". Lines starting with "time " hold timings (they differ from run to
// run); every other line is deterministic for the options.
std::string race_to_text(const RaceResult& result, const RaceSweep* sweep = nullptr);
// Reads race_to_text's output back; throws std::runtime_error naming the line that does not fit.
RaceResult race_from_text(const std::string& text, RaceSweep* sweep = nullptr);
// A table for people (scripts/race prints it).
std::string race_table(const RaceResult& result);

}  // namespace attn
