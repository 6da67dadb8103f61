// commands.h — what the page sends the lesson, read and checked: the JSON of a view (a link),
// race options and saved progress, the matrices of attention(Q, K, V, mask) and the options of
// generate(). Pure functions of their input (no ImGui, no SDL): src/platform/bridge.cpp only
// passes the page's calls through them, and fuzz/ feeds them arbitrary bytes.
#pragma once

#include "core/attention.h"
#include "core/lm.h"
#include "core/race.h"
#include "core/tokenizer.h"

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace app {

// A command read: its value, or what is wrong with it (for the learner).
template <typename T>
struct Parsed {
    T value{};
    std::string error;  // "" when value is good
    bool ok() const { return error.empty(); }
};

// The part of the lesson a link or the browser's history names (app::CurrentView writes one,
// app::ApplyView applies one).
struct View {
    std::string section;
    std::string text;
    int token = -1;                  // the explorer's selected token, -1: none
    int layer = -1, head = -1;       // the explorer's layer (0-based) and head (-1: the mean)
    bool edited = false;             // the worked example's Q, K, V differ from the lesson's
    std::vector<float> q, k, v;      // when edited: 6 numbers each, row-major
    bool is_default_token = true, is_default_layer = true, is_default_head = true;
    // The encoder block: N blocks stacked, the block drawn (0-based), how far the data has
    // stepped (0 input … 5 output) and the box whose details are shown; -1: as the lesson starts.
    int encoder_n = -1, encoder_block = -1, encoder_stage = -1, encoder_box = -1;
};

// {"token", "layer", "head", "n", "block", "stage", "box", "q", "k", "v"}, each optional; layer,
// head and block count from 1 (head 0: the mean of the heads). A number out of range or not a
// whole number becomes a value ApplyView refuses (so that the learner is told); q, k, v entries
// that are not numbers become NaN, which ApplyView refuses too. Errors: "view: not JSON",
// "view: not an object".
Parsed<View> ParseViewCommand(std::string_view json);

// {"seed", "steps", "distances"}, each optional, over the default RaceOptions. Errors name the
// option ("race: seed must be a whole number from 0 to 4294967295"). Steps and distances are
// clamped to what validate_race_options can judge (it says what is still wrong).
Parsed<attn::RaceOptions> ParseRaceOptions(std::string_view json);

// The learner's progress as the page keeps it (localStorage, a course's suspend data).
struct Progress {
    std::vector<std::string> visited;
    std::map<std::string, int> quiz;  // quiz id → chosen option (the last one picked)
    std::map<std::string, int> first; // quiz id → the option picked first: only a right first pick counts
    int round = 1;                    // 1 + how many times "Try the quiz again" was pressed
    int prediction = -1;              // which word the learner thinks "it" means
    std::vector<int> clues;           // words the learner thinks help decide
    bool has(const std::string& id) const;
};

// Saved progress: {"visited": [section ids], "quiz": {id: option}, "first": {id: option},
// "round", "prediction", "clues"}. Anything malformed or out of range is left out (never
// fatal); visited keeps only ids in section_ids. Not JSON or not an object: an error.
Parsed<Progress> ParseProgress(std::string_view json, const std::vector<std::string>& section_ids);

// attention(Q, K, V[, mask]) as the page sends it: matrices flattened row-major (doubles, as
// JavaScript numbers are), mask (tq, tk) of 0/1 bytes or null. Checks the sizes (1 to 4096 a
// side) and that every number is finite and fits a float, naming the first that does not
// ("Q[1][2] is not a finite number", "V[0][0] = 1e+39 is too large for a float").
struct AttentionInput {
    attn::Mat q, k, v;
    attn::Mask mask;
    bool has_mask = false;
};
Parsed<AttentionInput> ParseAttentionCommand(const double* q, int tq, int dq, const double* k, int tk, int dk,
                                             const double* v, int tv, int dv, const unsigned char* mask);

// lesson.generate(prompt, {temperature, topK, seed, maxTokens}) with a story model: the
// options checked, then the text generated. Stateless: the same call gives the same story.
struct GenerateResult {
    std::string error;
    std::vector<std::string> tokens;   // every piece, prompt and generated ([CLS] left out)
    std::string text;
    struct Step {
        std::string token;
        int id = 0;
        std::vector<std::pair<std::string, double>> top;  // the 10 most probable (temperature 1)
        std::vector<double> attention;                     // newest token → every earlier one, last layer, mean of heads
    };
    std::vector<Step> steps;
    bool derivable = false;
};
// "" when the options are good, else what is wrong.
std::string CheckGenerateOptions(const std::string& prompt, double temperature, int top_k, int max_tokens);
GenerateResult Generate(const attn::WordPieceTokenizer* tokenizer, const attn::LanguageModel& model,
                        const std::string& prompt, double temperature, int top_k, int seed, int max_tokens);

}  // namespace app
