// libFuzzer target: the commands the page sends the lesson through the browser bridge
// (src/platform/bridge.cpp), read by app/commands.h: a view from a link (lesson_set_view), race
// options (lesson_race), saved progress (lesson_load_progress) and generate() options with the
// shipped story model (lesson_generate). lesson.attention's matrices are fuzz_attention's.
//
// Input: byte 0 picks the command (% 4); for 0–2 the rest is the JSON text; for generate it is
// temperature (8 bytes, a double), topK, seed, maxTokens (4 bytes each; more than 4 runs 4),
// then the prompt.
// Beyond "no crash, no sanitizer report": errors are the documented ones; what is read is in
// the ranges the lesson relies on; a number out of range is left out, never wrapped into range
// (2^32 + 3 is not 3); a generated story has ids of the vocabulary and distributions summing to 1.
#include "app/commands.h"
#include "core/lesson_doc.h"
#include "core/lm.h"
#include "fuzz/fuzz_common.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#define check(ok, what) FUZZ_CHECK("fuzz_bridge_json", ok, what)

namespace {

using nlohmann::json;

std::optional<attn::WordPieceTokenizer> tokenizer;
attn::LanguageModel story;
std::vector<std::string> section_ids;



// The number a JSON value holds, as a double (NaN when it is not a number).
double number(const json& j) { return j.is_number() ? j.get<double>() : NAN; }
bool whole_in(const json& j, double lo, double hi) {
    const double x = number(j);
    return j.is_number_integer() && x >= lo && x <= hi;
}

void check_view(std::string_view text) {
    const app::Parsed<app::View> r = app::ParseViewCommand(text);
    const json j = json::parse(text.begin(), text.end(), nullptr, false);
    if (!r.ok()) {
        check(r.error == "view: not JSON" || r.error == "view: not an object", "unexpected error: " + r.error);
        check(j.is_discarded() == (r.error == "view: not JSON"), "JSON judged differently");
        return;
    }
    check(j.is_object(), "a view that is not an object was accepted");
    const app::View& v = r.value;
    const int refused = 1 << 20;  // what ApplyView refuses, whatever the offset
    for (const auto& [key, got, offset, def] : {std::tuple{"token", v.token, 0, -1}, std::tuple{"layer", v.layer, 1, -1},
                                                std::tuple{"n", v.encoder_n, 0, -1}, std::tuple{"block", v.encoder_block, 1, -1},
                                                std::tuple{"stage", v.encoder_stage, 0, -1}, std::tuple{"box", v.encoder_box, 0, -1}}) {
        const auto it = j.find(key);
        if (it == j.end()) {
            check(got == def, std::string(key) + " set although absent");
        } else if (whole_in(*it, 0, 4095)) {
            check(got == static_cast<int>(number(*it)) - offset, std::string(key) + " read wrong");
        } else {
            check(got == refused, std::string(key) + " out of range was not refused: " + std::to_string(got));
        }
    }
    check(v.is_default_head == !j.contains("head"), "head default flag wrong");
    for (const auto& [key, out] : {std::pair{"q", &v.q}, std::pair{"k", &v.k}, std::pair{"v", &v.v}}) {
        check(out->size() <= 64, "too many numbers kept");
        const auto it = j.find(key);
        if (it == j.end() || !it->is_array() || it->size() > 64) {
            check(out->empty(), std::string(key) + " kept numbers it should not");
            continue;
        }
        check(out->size() == it->size(), std::string(key) + " lost numbers");
        for (std::size_t i = 0; i < out->size(); ++i) {
            const double want = number((*it)[i]);
            const float got = (*out)[i];
            if (std::isfinite(want) && std::fabs(want) <= 3.4028234663852886e38)
                check(got == static_cast<float>(want), std::string(key) + " number changed");
            else
                check(std::isnan(got), std::string(key) + ": a number beyond a float is not refused (NaN)");
        }
    }
    check(v.edited == (j.contains("q") || j.contains("k") || j.contains("v")), "edited flag wrong");
}

void check_race(std::string_view text) {
    const app::Parsed<attn::RaceOptions> r = app::ParseRaceOptions(text);
    if (!r.ok()) {
        check(r.error.rfind("race: ", 0) == 0 && r.error.size() > 10, "unexpected error: " + r.error);
        return;
    }
    const json j = text.empty() ? json::object() : json::parse(text.begin(), text.end(), nullptr, false);
    check(j.is_object(), "race options that are not an object were accepted");
    const attn::RaceOptions& o = r.value;
    const attn::RaceOptions defaults;
    if (j.contains("seed")) check(number(j["seed"]) == o.seed, "seed changed");
    else check(o.seed == defaults.seed, "seed set although absent");
    check(o.steps >= -1 && o.steps <= 1000000, "steps outside what is judged");
    if (j.contains("steps") && whole_in(j["steps"], 0, 1000000)) check(o.steps == number(j["steps"]), "steps changed");
    for (int d : o.distances) check(d >= -1 && d <= 100000, "a distance outside what is judged");
    (void)attn::validate_race_options(o);  // says what is wrong, never throws
}

void check_progress(std::string_view text) {
    const app::Parsed<app::Progress> r = app::ParseProgress(text, section_ids);
    if (!r.ok()) return;
    const json j = json::parse(text.begin(), text.end(), nullptr, false);
    check(j.is_object(), "progress that is not an object was accepted");
    const app::Progress& p = r.value;
    std::set<std::string> seen;
    for (const std::string& id : p.visited) {
        check(std::find(section_ids.begin(), section_ids.end(), id) != section_ids.end(), "unknown section kept: " + id);
        check(seen.insert(id).second, "section kept twice: " + id);
    }
    for (const auto& [key, map] : {std::pair{"quiz", &p.quiz}, std::pair{"first", &p.first}}) {
        check(map->size() <= 64, "too many answers");
        for (const auto& [id, option] : *map) {
            check(option >= 0 && option < 16 && id.size() < 64, "answer out of range kept");
            const json* src = j.contains(key) ? &j[key] : (std::string(key) == "first" ? &j["quiz"] : nullptr);
            check(src && src->is_object() && src->contains(id) && number((*src)[id]) == option,
                  std::string(key) + " answer " + id + " is not the number the JSON holds");
        }
    }
    check(p.round >= 1 && p.round < 100000, "round out of range");
    if (j.contains("round") && p.round != 1) check(number(j["round"]) == p.round, "round is not the JSON's number");
    check(p.prediction >= -1 && p.prediction < 3, "prediction out of range");
    if (p.prediction != -1) check(number(j["prediction"]) == p.prediction, "prediction is not the JSON's number");
    check(p.clues.size() <= 32, "too many clues");
    for (int c : p.clues) check(c >= 0 && c < 32, "clue out of range");
}

void check_generate(const std::uint8_t* data, std::size_t size) {
    if (size < 20) return;
    double temperature;
    std::memcpy(&temperature, data, 8);
    std::int32_t top_k, seed, max_tokens;
    std::memcpy(&top_k, data + 8, 4);
    std::memcpy(&seed, data + 12, 4);
    std::memcpy(&max_tokens, data + 16, 4);
    const std::string prompt(reinterpret_cast<const char*>(data + 20), size - 20);
    // At most 4 tokens: each is a forward pass of the model, and sanitised runs are slow; what
    // varies with more is the length, which max_len bounds (checked by the params target).
    if (max_tokens > 4) max_tokens = 4;
    const app::GenerateResult r = app::Generate(&*tokenizer, story, prompt, temperature, top_k, seed, max_tokens);
    if (!r.error.empty()) {
        check(app::CheckGenerateOptions(prompt, temperature, top_k, max_tokens) == r.error ||
                  r.error.find("more tokens than") != std::string::npos,
              "unexpected error: " + r.error);
        return;
    }
    check(temperature >= 0 && temperature <= 100 && top_k >= 0 && max_tokens >= 0 && prompt.size() <= 400, "bad options accepted");
    check(static_cast<int>(r.steps.size()) <= max_tokens, "more tokens than asked for");
    const int vocab = story.vocab.size();
    for (const app::GenerateResult::Step& s : r.steps) {
        check(s.id >= 0 && s.id < vocab, "a token outside the vocabulary");
        check(s.top.size() == std::min<std::size_t>(10, static_cast<std::size_t>(vocab)), "top list of the wrong length");
        double sum = 0;
        for (std::size_t i = 0; i < s.top.size(); ++i) {
            check(s.top[i].second >= 0 && s.top[i].second <= 1, "a probability outside [0, 1]");
            if (i > 0) check(s.top[i].second <= s.top[i - 1].second, "top list not sorted");
        }
        for (double a : s.attention) sum += a;
        check(std::fabs(sum - 1) < 1e-4, "the newest token's attention sums to " + std::to_string(sum));
    }
    // The same call gives the same story.
    const app::GenerateResult again = app::Generate(&*tokenizer, story, prompt, temperature, top_k, seed, max_tokens);
    check(again.text == r.text, "generate is not reproducible");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    tokenizer.emplace(attn::Vocab::load_file(fuzz::vocab_path()));
    const std::string dir = fuzz::source_dir() + "/lessons/";
    story = attn::load_lm(dir + "models/story.bin", dir + "models/story-vocab.txt", tokenizer->vocab());
    for (const attn::DocSection& s : attn::parse_lesson(fuzz::read_file("fuzz_bridge_json", dir + "attention-lesson.md")).sections) section_ids.push_back(s.id);
    check(!section_ids.empty(), "no sections in the lesson");
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    switch (data[0] % 4) {
    case 0: check_view(text); break;
    case 1: check_race(text); break;
    case 2: check_progress(text); break;
    default: check_generate(data + 1, size - 1); break;
    }
    return 0;
}
