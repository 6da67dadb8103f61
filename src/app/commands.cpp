#include "app/commands.h"

#include "core/limits.h"
#include "core/stories.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

namespace app {

using nlohmann::json;

namespace {

// A whole number of the JSON in [lo, hi], or false (not a whole number, or out of range). Read
// as a whole number of any size: 2^32 + 3 is out of range, never 3.
bool whole_in(const json& j, long long lo, long long hi, long long& out) {
    if (j.is_number_unsigned()) {
        const auto u = j.get<unsigned long long>();
        if (hi < 0 || u > static_cast<unsigned long long>(hi)) return false;
        out = static_cast<long long>(u);
        return out >= lo;
    }
    if (!j.is_number_integer()) return false;
    out = j.get<long long>();
    return out >= lo && out <= hi;
}

}  // namespace

bool Progress::has(const std::string& id) const {
    return std::find(visited.begin(), visited.end(), id) != visited.end();
}

Parsed<View> ParseViewCommand(std::string_view text) {
    Parsed<View> r;
    View& v = r.value;
    const json j = json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded()) return r.error = "view: not JSON", r;
    if (!j.is_object()) return r.error = "view: not an object", r;
    // A number in the link, offset-based (layer and head count from 1); out of range or not a
    // number: a value ApplyView refuses, so that the learner is told.
    auto read = [&j](const char* key, int& out, int offset) {
        const auto it = j.find(key);
        if (it == j.end()) return false;
        long long n = 0;
        out = whole_in(*it, 0, 4095, n) ? static_cast<int>(n) - offset : 1 << 20;
        return true;
    };
    read("token", v.token, 0);
    read("layer", v.layer, 1);
    int head = 0;
    if (read("head", head, 1)) {  // 0 in the link: the mean of the heads (-1)
        v.is_default_head = false;
        v.head = head;
    }
    read("n", v.encoder_n, 0);
    read("block", v.encoder_block, 1);
    read("stage", v.encoder_stage, 0);
    read("box", v.encoder_box, 0);
    for (const auto& [key, out] : {std::pair{"q", &v.q}, std::pair{"k", &v.k}, std::pair{"v", &v.v}}) {
        const auto it = j.find(key);
        if (it == j.end()) continue;
        v.edited = true;
        if (!it->is_array() || it->size() > 64) continue;
        for (const json& x : *it) {
            // A number beyond a float's range is not one the worked example can hold: NaN, refused.
            const double d = x.is_number() ? x.get<double>() : NAN;
            out->push_back(std::fabs(d) <= std::numeric_limits<float>::max() ? static_cast<float>(d) : NAN);
        }
    }
    return r;
}

Parsed<attn::RaceOptions> ParseRaceOptions(std::string_view text) {
    Parsed<attn::RaceOptions> r;
    attn::RaceOptions& o = r.value;
    const json j = text.empty() ? json::object() : json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded()) return r.error = "race: options are not JSON", r;
    if (!j.is_object()) return r.error = "race: options must be an object", r;
    long long n = 0;
    if (const auto it = j.find("seed"); it != j.end()) {
        if (!whole_in(*it, 0, 0xFFFFFFFFll, n)) return r.error = "race: seed must be a whole number from 0 to 4294967295", r;
        o.seed = static_cast<std::uint32_t>(n);
    }
    if (const auto it = j.find("steps"); it != j.end()) {
        if (!it->is_number_integer()) return r.error = "race: steps must be a whole number", r;
        // Clamped: validate_race_options says what is still wrong (negative, too many).
        o.steps = whole_in(*it, std::numeric_limits<long long>::min(), -1, n) ? -1
                : whole_in(*it, 0, 1000000, n)                                ? static_cast<int>(n)
                                                                              : 1000000;
    }
    if (const auto it = j.find("distances"); it != j.end()) {
        if (!it->is_array()) return r.error = "race: distances must be an array of whole numbers", r;
        o.distances.clear();
        for (const json& d : *it) {
            if (!d.is_number_integer()) return r.error = "race: distances must be whole numbers", r;
            o.distances.push_back(whole_in(d, std::numeric_limits<long long>::min(), -2, n) ? -1
                                  : whole_in(d, -1, 100000, n)                             ? static_cast<int>(n)
                                                                                           : 100000);
        }
    }
    return r;
}

Parsed<Progress> ParseProgress(std::string_view text, const std::vector<std::string>& section_ids) {
    Parsed<Progress> r;
    Progress& p = r.value;
    const json j = json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded()) return r.error = "progress: not JSON", r;
    if (!j.is_object()) return r.error = "progress: not an object", r;
    const auto read_answers = [](const json& j, const char* key, std::map<std::string, int>& out) {
        const auto it = j.find(key);
        if (it == j.end() || !it->is_object()) return;
        long long n = 0;
        for (const auto& [k, v] : it->items())
            if (k.size() < 64 && whole_in(v, 0, 15, n) && out.size() < 64) out[k] = static_cast<int>(n);
    };
    const auto known = [&section_ids](const std::string& id) {
        return std::find(section_ids.begin(), section_ids.end(), id) != section_ids.end();
    };
    long long n = 0;
    if (const auto it = j.find("visited"); it != j.end() && it->is_array())
        for (const json& v : *it)
            if (v.is_string() && known(v.get<std::string>()) && !p.has(v.get<std::string>()))
                p.visited.push_back(v.get<std::string>());
    read_answers(j, "quiz", p.quiz);
    if (j.contains("first")) read_answers(j, "first", p.first);
    else p.first = p.quiz;  // kept before first picks were: the answer on record is the best there is
    if (const auto it = j.find("round"); it != j.end() && whole_in(*it, 1, 99999, n)) p.round = static_cast<int>(n);
    if (const auto it = j.find("prediction"); it != j.end() && whole_in(*it, -1, 2, n)) p.prediction = static_cast<int>(n);
    if (const auto it = j.find("clues"); it != j.end() && it->is_array())
        for (const json& v : *it)
            if (whole_in(v, 0, 31, n) && p.clues.size() < 32) p.clues.push_back(static_cast<int>(n));
    return r;
}

Parsed<AttentionInput> ParseAttentionCommand(const double* q, int tq, int dq, const double* k, int tk, int dk,
                                             const double* v, int tv, int dv, const unsigned char* mask) {
    constexpr int kMaxSide = attn::limits::kAttentionSide;
    Parsed<AttentionInput> r;
    if (tq < 1 || tk < 1 || tv < 1 || dq < 1 || dk < 1 || dv < 1)
        return r.error = "attention: Q, K and V need at least one row and one column", r;
    if (tq > kMaxSide || tk > kMaxSide || tv > kMaxSide || dq > kMaxSide || dk > kMaxSide || dv > kMaxSide)
        return r.error = "attention: matrices larger than " + std::to_string(kMaxSide) + " × " + std::to_string(kMaxSide) +
                         " are not accepted", r;
    if (!q || !k || !v) return r.error = "attention: Q, K and V are missing", r;
    auto read = [&r](attn::Mat& m, const char* name, const double* data, int rows, int cols) {
        m.resize(rows, cols);
        for (int i = 0; i < rows; ++i)
            for (int j = 0; j < cols; ++j) {
                const double x = data[static_cast<std::size_t>(i) * static_cast<std::size_t>(cols) + static_cast<std::size_t>(j)];
                char where[64];
                std::snprintf(where, sizeof where, "%s[%d][%d]", name, i, j);
                if (!std::isfinite(x)) {
                    r.error = std::string("attention: ") + where + " is not a finite number";
                    return false;
                }
                if (std::fabs(x) > static_cast<double>(std::numeric_limits<attn::Scalar>::max())) {
                    char value[32];
                    std::snprintf(value, sizeof value, "%g", x);
                    r.error = std::string("attention: ") + where + " = " + value + " is too large for a float (at most ±3.4e38)";
                    return false;
                }
                m(i, j) = static_cast<attn::Scalar>(x);
            }
        return true;
    };
    AttentionInput& in = r.value;
    if (!read(in.q, "Q", q, tq, dq) || !read(in.k, "K", k, tk, dk) || !read(in.v, "V", v, tv, dv)) return r;
    if (mask) {
        in.mask = Eigen::Map<const attn::Mask>(mask, tq, tk);
        in.has_mask = true;
    }
    return r;
}

std::string CheckGenerateOptions(const std::string& prompt, double temperature, int top_k, int max_tokens) {
    if (prompt.size() > attn::limits::kPromptBytes)
        return "the prompt is longer than " + std::to_string(attn::limits::kPromptBytes) + " bytes";
    if (!(temperature >= 0) || temperature > 100) return "temperature must be a number from 0 to 100";
    if (top_k < 0) return "topK must be 0 (all tokens) or more";
    if (max_tokens < 0) return "maxTokens must be 0 or more";
    return "";
}

GenerateResult Generate(const attn::WordPieceTokenizer* tokenizer, const attn::LanguageModel& m,
                        const std::string& prompt, double temperature, int top_k, int seed, int max_tokens) {
    GenerateResult r;
    if (!tokenizer) return r.error = "the vocabulary did not load", r;
    if (m.params.config.vocab == 0) return r.error = "the story model did not load", r;
    r.error = CheckGenerateOptions(prompt, temperature, top_k, max_tokens);
    if (!r.error.empty()) return r;
    std::vector<int> ids = attn::encode_prompt(prompt, *tokenizer, m.vocab);
    if (static_cast<int>(ids.size()) > m.params.config.max_len)
        return r.error = "the prompt has more tokens than the model's " + std::to_string(m.params.config.max_len), r;
    attn::Rng rng(static_cast<std::uint32_t>(seed));
    const auto steps = attn::generate(m, ids, max_tokens, {temperature, top_k}, rng);
    for (std::size_t i = 1; i < ids.size(); ++i) r.tokens.push_back(m.vocab.piece(ids[i]));
    r.text = attn::detokenize(ids, m.vocab);
    r.derivable = attn::check_story(r.text).derivable;
    for (const auto& s : steps) {
        GenerateResult::Step st;
        st.id = s.id;
        st.token = m.vocab.piece(s.id);
        std::vector<int> order(s.probs.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return s.probs[static_cast<std::size_t>(a)] > s.probs[static_cast<std::size_t>(b)]; });
        for (std::size_t k = 0; k < 10 && k < order.size(); ++k)
            st.top.emplace_back(m.vocab.piece(order[k]), s.probs[static_cast<std::size_t>(order[k])]);
        for (Eigen::Index j = 0; j < s.attention.cols(); ++j) st.attention.push_back(static_cast<double>(s.attention(0, j)));
        r.steps.push_back(std::move(st));
    }
    return r;
}

}  // namespace app
