// section_generation.cpp — "How a language model writes": a small decoder-only transformer
// continuing a prompt one token at a time, the loop drawn with its current step, the next-token
// distribution under temperature and top-k, the causal attention, the encoder compared with the
// decoder, and "train it yourself" for the story model.
//
// [SECTION] State: prompt, reset, one step, Play, training
// [SECTION] API: lesson.generate and lesson.nextToken
// [SECTION] Drawing: the loop, the text, the distribution, the attention
// [SECTION] Encoder vs decoder
// [SECTION] Train it yourself
#include "app/glyphs.h"
#include "app/lesson.h"
#include "app/theme.h"
#include "app/widgets.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>

namespace app {

namespace {

constexpr int kSep = attn::CorefVocab::unk + 2;   // [PAD] [UNK] [CLS] [SEP]
constexpr double kStageSeconds = 0.11;            // Play: how long each step of the loop is lit
constexpr int kStages = 8;                        // text, tokens, embeddings, blocks, logits, softmax, pick, append
constexpr int kPickStage = 6, kAppendStage = 7, kNoStage = 8;
constexpr int kHeldOutStories = 100;              // "train it yourself" measures on these
constexpr int kEvalEvery = 25;
constexpr double kTargetLoss = 0.70;              // the benchmark: held-out loss per token reached

double now_ms() {
    using clock = std::chrono::steady_clock;
    return std::chrono::duration<double, std::milli>(clock::now().time_since_epoch()).count();
}

attn::SamplingOptions options(const Generation& g) {
    return attn::SamplingOptions{static_cast<double>(g.temperature), g.top_k};
}

// Prompt words the story vocabulary lacks.
std::vector<std::string> unknown_words(const attn::WordPieceTokenizer& tok, const attn::CorefVocab& vocab,
                                       const std::string& text) {
    std::vector<std::string> out;
    for (const attn::Token& t : tok.tokenize(text, false))
        if (vocab.model_id(t.id) == attn::CorefVocab::unk && std::find(out.begin(), out.end(), t.text) == out.end()) {
            NoteText(t.text);  // lower-cased: characters the prompt itself may not hold
            out.push_back(t.text);
        }
    return out;
}

}  // namespace

// =============================================================================================
// [SECTION] State

void ResetGeneration(Lesson& lesson) {
    Generation& g = lesson.generation;
    g.playing = false;
    g.play_clock = 0;
    g.stage = kNoStage;
    g.finished = false;
    g.rng = attn::Rng(static_cast<std::uint32_t>(g.seed));
    g.ids.clear();
    g.unknown.clear();
    g.prompt_len = 0;
    g.selected = -1;
    g.dirty = true;
    if (!lesson.tokenizer || g.model().params.config.vocab == 0) return;
    g.ids = attn::encode_prompt(g.prompt, *lesson.tokenizer, g.model().vocab);
    const int max_len = g.model().params.config.max_len;
    if (static_cast<int>(g.ids.size()) > max_len) g.ids.resize(static_cast<std::size_t>(max_len));
    g.prompt_len = static_cast<int>(g.ids.size());
    g.unknown = unknown_words(*lesson.tokenizer, g.model().vocab, g.prompt);
    g.finished = static_cast<int>(g.ids.size()) >= max_len;
}

static std::string prompt_too_long() {
    return "the prompt is longer than " + std::to_string(attn::limits::kPromptBytes) + " bytes";
}

std::string SetPrompt(Lesson& lesson, const std::string& prompt) {
    if (prompt.size() > attn::limits::kPromptBytes)
        return "That prompt is " + Thousands(static_cast<long long>(prompt.size())) + " bytes long; the lesson takes at most " +
               std::to_string(attn::limits::kPromptBytes) + ". The prompt was not changed.";
    Generation& g = lesson.generation;
    NoteText(prompt);  // characters beyond the lesson's fonts: their fallback font is fetched
    g.prompt = prompt;
    ResetGeneration(lesson);
    return "";
}

void RefreshGeneration(Lesson& lesson) {
    Generation& g = lesson.generation;
    if (!g.dirty) return;
    g.dirty = false;
    g.drawn_from.clear();
    if (g.ids.empty()) return;
    attn::lm_forward(g.out, g.ids, g.model().params);
    g.drawn_from = attn::sampling_distribution(g.out.logits, g.out.logits.rows() - 1, options(g));
    // The grammar's verdict on the text so far (the prompt may be anything the learner typed).
    const attn::StoryCheck c = attn::check_story(attn::detokenize(g.ids, g.model().vocab));
    if (c.derivable) {
        g.prompt_note = "A whole story of the grammar.";
    } else if (c.prefix) {
        g.prompt_note = "So far, the beginning of a story of the grammar.";
    } else {
        g.prompt_note = "Not a story of the grammar: " + c.error + ".";
    }
}

bool StepGeneration(Lesson& lesson) {
    Generation& g = lesson.generation;
    if (g.finished || g.ids.empty()) return false;
    RefreshGeneration(lesson);
    const int id = attn::draw_token(g.drawn_from, g.rng);
    g.ids.push_back(id);
    g.selected = -1;  // the new token's attention
    g.finished = id == kSep || static_cast<int>(g.ids.size()) >= g.model().params.config.max_len;
    g.dirty = true;
    g.stage = kAppendStage;
    RefreshGeneration(lesson);
    return true;
}

void AdvanceGeneration(Lesson& lesson, double dt, double budget_ms) {
    Generation& g = lesson.generation;
    if (g.playing) {
        if (g.finished) {
            g.playing = false;
        } else {
            g.play_clock += dt;
            const int stage = std::min(kAppendStage, static_cast<int>(g.play_clock / kStageSeconds));
            if (stage >= kPickStage && g.stage < kPickStage) StepGeneration(lesson);
            g.stage = stage;
            if (g.play_clock >= kStages * kStageSeconds) g.play_clock = 0, g.stage = 0;
        }
    }
    if (!g.running || !g.trainer) return;
    const double start = now_ms();
    do {
        const attn::LmProgress p = g.trainer->step();
        g.loss.push_back(static_cast<float>(p.loss));
        if (p.step % kEvalEvery == 0 || g.trainer->done()) {
            const double l = attn::lm_loss_on(g.trainer->model(), g.held_out, *lesson.tokenizer);
            g.held_loss.push_back(static_cast<float>(l));
            g.elapsed_ms = now_ms() - g.started_ms;
            if (l <= kTargetLoss && g.ms_to_target < 0) g.ms_to_target = g.elapsed_ms;
        }
        g.elapsed_ms = now_ms() - g.started_ms;
    } while (!g.trainer->done() && now_ms() - start < budget_ms);
    if (g.trainer->done()) {
        g.running = false;
        g.finished_training = true;
        g.own = g.trainer->model();
        g.use_own = true;
        ResetGeneration(lesson);
    }
}

void StartLmTraining(Lesson& lesson, int seed) {
    if (!lesson.tokenizer) return;
    Generation& g = lesson.generation;
    g.train_seed = std::max(0, seed);
    g.trainer = std::make_unique<attn::LmTrainer>(attn::LmTrainConfig(), static_cast<std::uint32_t>(g.train_seed),
                                                  attn::kLmSteps, *lesson.tokenizer);
    g.held_out = attn::generate_stories(attn::StorySplit::held_out, kHeldOutStories, attn::kLmEvalSeed);
    g.loss.clear();
    g.held_loss.clear();
    g.ms_to_target = -1;
    g.elapsed_ms = 0;
    g.started_ms = now_ms();
    g.running = true;
    g.finished_training = false;
}

// =============================================================================================
// [SECTION] API

GenerateResult RunGenerate(const Lesson& lesson, const std::string& prompt, double temperature, int top_k,
                           int seed, int max_tokens) {
    return Generate(lesson.tokenizer.get(), lesson.generation.model(), prompt, temperature, top_k, seed, max_tokens);
}

std::vector<std::pair<std::string, double>> NextTokenDistribution(const Lesson& lesson, const std::string& prompt,
                                                                  std::string& error) {
    std::vector<std::pair<std::string, double>> out;
    const Generation& g = lesson.generation;
    if (!lesson.tokenizer || g.model().params.config.vocab == 0) return error = "the story model did not load", out;
    if (prompt.size() > attn::limits::kPromptBytes) return error = prompt_too_long(), out;
    const attn::LanguageModel& m = g.model();
    const std::vector<int> ids = attn::encode_prompt(prompt, *lesson.tokenizer, m.vocab);
    if (static_cast<int>(ids.size()) > m.params.config.max_len)
        return error = "the prompt has more tokens than the model's " + std::to_string(m.params.config.max_len), out;
    attn::ModelOutput o;
    attn::lm_forward(o, ids, m.params);
    const std::vector<double> p = attn::sampling_distribution(o.logits, o.logits.rows() - 1, {1.0, 0});
    for (int i = 0; i < m.vocab.size(); ++i) out.emplace_back(m.vocab.piece(i), p[static_cast<std::size_t>(i)]);
    return out;
}

// =============================================================================================
// [SECTION] Drawing

namespace {

// The prompt's field: on the web the page's own input opens over it (target "prompt").
void PromptField(Lesson& lesson) {
    Generation& g = lesson.generation;
    const Theme& t = theme();
    const float w = ContentWidth();
    const char* hint = "Type a prompt";
    if (!lesson.dom_text_input) {
        // Natively an ImGui text field, applied as it is typed.
        char* buf = g.prompt_input;
        ImGui::SetNextItemWidth(w);
        if (!ImGui::IsItemActive() && g.prompt != buf) std::snprintf(buf, sizeof g.prompt_input, "%s", g.prompt.c_str());
        if (ImGui::InputTextWithHint("##prompt", hint, buf, sizeof g.prompt_input)) {
            const std::string error = SetPrompt(lesson, buf);
            if (!error.empty()) lesson.banner = error;
        }
        AddControl("field", "prompt", g.prompt);
        return;
    }
    Lesson::TextEdit& ed = lesson.edit;
    const std::string shown = ed.active && ed.target == "prompt" ? ed.draft : g.prompt;
    ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_FrameBg));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImGui::GetStyleColorVec4(ImGuiCol_FrameBgHovered));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImGui::GetStyleColorVec4(ImGuiCol_FrameBgActive));
    ImGui::PushStyleColor(ImGuiCol_Text, shown.empty() ? t.colors.text_muted : t.colors.text);
    ImGui::PushStyleVar(ImGuiStyleVar_ButtonTextAlign, ImVec2(0.0f, 0.5f));
    std::string label = shown.empty() ? hint : shown;
    const float room = w - 2 * ImGui::GetStyle().FramePadding.x - 30;
    if (ImGui::CalcTextSize(label.c_str()).x > room) {
        while (label.size() > 1 && ImGui::CalcTextSize(("…" + label).c_str()).x > room) {
            std::size_t cut = 1;
            while (cut < label.size() && (static_cast<unsigned char>(label[cut]) & 0xC0) == 0x80) ++cut;
            label.erase(0, cut);
        }
        label = "…" + label;  // the end of the prompt is where the model writes on
    }
    const bool pressed = ImGui::Button((label + "##prompt").c_str(), ImVec2(w, 0));
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    ImGui::GetWindowDrawList()->AddText(ImVec2(b.x - 26, a.y + ImGui::GetStyle().FramePadding.y), t.colors.text_muted, "✎");
    ImGui::PopStyleVar();
    ImGui::PopStyleColor(4);
    FocusRing(ImGui::GetStyle().FrameRounding);
    AddControl("field", "prompt", g.prompt);
    const ImGuiContext& gc = *GImGui;
    const bool tabbed = gc.NavJustMovedToId == ImGui::GetItemID() && !gc.NavDisableHighlight;
    if ((pressed || tabbed) && !ed.active) {
        if (lesson.dom_text_input) {
            RequestEdit(lesson, "prompt", g.prompt, a, b, false);
            ed.select_all = tabbed;
        }
    }
    if (ed.active && ed.target == "prompt" && (a.x != ed.min.x || a.y != ed.min.y || b.x != ed.max.x || b.y != ed.max.y)) {
        ed.min = a;
        ed.max = b;
        ed.moved = true;
    }
    if (ed.target == "prompt") ed.drawn = true;
}

// The loop: text → tokens → embeddings + positions → N blocks → logits → softmax → pick → append → repeat.
void LoopDiagram(Lesson& lesson) {
    const Theme& t = theme();
    Generation& g = lesson.generation;
    const attn::EncoderConfig& c = g.model().params.config;
    const int T = static_cast<int>(g.ids.size());
    // The model's own probability (temperature 1) of its likeliest next token.
    double best_p = 0;
    int best = -1;
    if (g.out.probs.rows() > 0)
        for (Eigen::Index j = 0; j < g.out.probs.cols(); ++j)
            if (g.out.probs(g.out.probs.rows() - 1, j) > best_p) best_p = g.out.probs(g.out.probs.rows() - 1, j), best = static_cast<int>(j);
    char d[kStages][64];
    std::snprintf(d[0], sizeof d[0], "%d characters", ImTextCountCharsFromUtf8(g.prompt.c_str(), g.prompt.c_str() + g.prompt.size()));
    std::snprintf(d[1], sizeof d[1], "%d ids", T);
    std::snprintf(d[2], sizeof d[2], "(%d, %d)", T, c.d_model);
    std::snprintf(d[3], sizeof d[3], "%d, causal", c.n_layers);
    std::snprintf(d[4], sizeof d[4], "%d scores", c.vocab);
    std::snprintf(d[5], sizeof d[5], "\"%s\" %.2f", best >= 0 ? g.model().vocab.piece(best).c_str() : "", best_p);
    const std::string last = g.ids.size() > static_cast<std::size_t>(g.prompt_len) ? g.model().vocab.piece(g.ids.back()) : "—";
    std::snprintf(d[6], sizeof d[6], "%s", g.temperature == 0 ? "greedy" : "sample");
    std::snprintf(d[7], sizeof d[7], "\"%s\"", last.c_str());
    const char* names[kStages] = {"text", "tokens", "embeddings + positions", "blocks", "logits", "softmax", "pick a token", "append"};
    const float avail = ContentWidth();
    const bool phone = avail < 560;
    const float gap = phone ? 18.0f : 22.0f;
    const int per_row = phone ? 2 : 4;
    const float box_w = (avail - gap * static_cast<float>(per_row - 1)) / static_cast<float>(per_row);
    const float box_h = ImGui::GetFontSize() * 2.0f + 18.0f;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const int rows = (kStages + per_row - 1) / per_row;
    const float row_gap = 18.0f;
    for (int i = 0; i < kStages; ++i) {
        const int row = i / per_row, col = i % per_row;
        const ImVec2 a(origin.x + static_cast<float>(col) * (box_w + gap), origin.y + static_cast<float>(row) * (box_h + row_gap));
        const ImVec2 b(a.x + box_w, a.y + box_h);
        const bool lit = i == g.stage;
        dl->AddRectFilled(a, b, lit ? t.colors.accent : t.colors.accent_soft, 8.0f);
        const ImU32 fg = lit ? TextOn(t.colors.accent, t.colors.on_accent) : t.colors.text;
        ImGui::PushFont(t.fonts.bold);
        std::string name = names[i];
        if (ImGui::CalcTextSize(name.c_str()).x > box_w - 12 && i == 2) name = "embed + pos";
        dl->AddText(ImVec2(a.x + 8, a.y + 6), fg, name.c_str());
        ImGui::PopFont();
        ImGui::PushFont(t.fonts.small);
        dl->AddText(ImVec2(a.x + 8, a.y + 8 + ImGui::GetFontSize() * 1.15f), lit ? fg : t.colors.text_muted, d[i]);
        ImGui::PopFont();
        // Arrows: along the row, and down at the row's end (back to the start after "append").
        if (col < per_row - 1 && i < kStages - 1) {
            const float y = (a.y + b.y) * 0.5f;
            dl->AddLine(ImVec2(b.x + 3, y), ImVec2(b.x + gap - 3, y), t.colors.text_muted, 1.5f);
            dl->AddTriangleFilled(ImVec2(b.x + gap - 3, y), ImVec2(b.x + gap - 9, y - 4), ImVec2(b.x + gap - 9, y + 4), t.colors.text_muted);
        } else if (i < kStages - 1) {
            const float x = origin.x + 14, y0 = b.y + 2, y1 = b.y + row_gap - 2;
            dl->AddLine(ImVec2(b.x - 14, y0), ImVec2(b.x - 14, y0 + 6), t.colors.text_muted, 1.5f);
            dl->AddLine(ImVec2(b.x - 14, y0 + 6), ImVec2(x, y0 + 6), t.colors.text_muted, 1.5f);
            dl->AddLine(ImVec2(x, y0 + 6), ImVec2(x, y1), t.colors.text_muted, 1.5f);
            dl->AddTriangleFilled(ImVec2(x, y1 + 1), ImVec2(x - 4, y1 - 5), ImVec2(x + 4, y1 - 5), t.colors.text_muted);
        }
    }
    ImGui::Dummy(ImVec2(avail, static_cast<float>(rows) * (box_h + row_gap) - row_gap + 4));
    ImGui::PushFont(t.fonts.small);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(t.colors.text_muted),
                       "↺ repeat: the longer text goes round the loop again, until the model writes [SEP] (end of story).");
    ImGui::PopFont();
}

// The attention of the chosen token (the newest unless the learner picked another) over the
// text: weight bars under the chips.
int shown_token(const Generation& g) {
    const int n = static_cast<int>(g.ids.size());
    return g.selected >= 0 && g.selected < n ? g.selected : n - 1;
}

std::vector<double> newest_row(const Generation& g, int layer) {
    std::vector<double> row;
    if (g.out.encoder.layers.empty() || g.ids.empty()) return row;
    const int H = g.model().params.config.n_heads;
    const Eigen::Index last = shown_token(g);
    row.assign(g.ids.size(), 0.0);
    for (int h = 0; h < H; ++h)
        for (std::size_t j = 0; j < row.size(); ++j)
            row[j] += static_cast<double>(g.out.encoder.weights(layer, h)(last, static_cast<Eigen::Index>(j))) / H;
    return row;
}

attn::Mat mean_heads(const attn::EncoderCache& cache, int layer) {
    const auto& heads = cache.layers.at(static_cast<std::size_t>(layer)).attn.heads;
    attn::Mat m = attn::Mat::Zero(heads.front().weights.rows(), heads.front().weights.cols());
    for (const auto& h : heads) m += h.weights / static_cast<attn::Scalar>(heads.size());
    return m;
}

void Distribution(Lesson& lesson) {
    const Theme& t = theme();
    Generation& g = lesson.generation;
    // At temperature 0 the pick is certain; the bars then show the model's own probabilities
    // (temperature 1), with the tallest the one taken.
    const bool greedy = g.temperature == 0;
    std::vector<double> p = g.drawn_from;
    if (greedy && g.out.probs.rows() > 0) {
        const Eigen::Index last = g.out.probs.rows() - 1;
        p = attn::sampling_distribution(g.out.logits, last, {1.0, g.top_k});
    }
    std::vector<int> order(p.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return p[static_cast<std::size_t>(a)] > p[static_cast<std::size_t>(b)]; });
    Heading3(g.finished ? "The story is finished" : "What comes next?");
    if (g.finished) {
        Caption("The model wrote [SEP], its end of a story (or reached its 48 tokens). Reset to start again.");
        return;
    }
    Caption(greedy ? "The model's probabilities for the next token (the largest of " + std::to_string(p.size()) +
                         "). Temperature 0: the tallest bar is taken, every time."
                   : "The distribution the next token is drawn from, after temperature and top-k (the largest of " +
                         std::to_string(p.size()) + ").");
    const float w = ContentWidth();
    const float label_w = w < 560 ? 92.0f : 110.0f, value_w = 56.0f;
    const float bar_max = std::max(60.0f, w - label_w - value_w - 12);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float h = ImGui::GetFontSize() + 8;
    for (std::size_t k = 0; k < 10 && k < order.size(); ++k) {
        const int id = order[k];
        const double v = p[static_cast<std::size_t>(id)];
        const ImVec2 a = ImGui::GetCursorScreenPos();
        const std::string piece = g.model().vocab.piece(id);
        ImGui::PushFont(k == 0 ? t.fonts.bold : t.fonts.body);
        dl->AddText(ImVec2(a.x, a.y + 3), t.colors.text, piece.c_str());
        ImGui::PopFont();
        const float bw = std::max(1.0f, static_cast<float>(v) * bar_max);
        dl->AddRectFilled(ImVec2(a.x + label_w, a.y + 3), ImVec2(a.x + label_w + bw, a.y + h - 3),
                          k == 0 ? t.colors.query : WithAlpha(t.colors.query, 0.45f), 4.0f);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.3f", v);
        ImGui::PushFont(t.fonts.mono);
        dl->AddText(ImVec2(a.x + label_w + bw + 6, a.y + 3), t.colors.text_muted, buf);
        ImGui::PopFont();
        ImGui::Dummy(ImVec2(w, h));
        if (k >= 2 && p[static_cast<std::size_t>(order[k + 1 < order.size() ? k + 1 : k])] < 0.0005) {
            Caption("The other tokens: less than 0.0005 each.");
            break;
        }
    }
}

// − and + beside a seed, reported as "<name> −" and "<name> +" (what a screen reader would say).
bool SeedButton(const char* glyph, const std::string& name, int value) {
    const Theme& th = theme();
    ImGui::PushStyleColor(ImGuiCol_Button, th.colors.accent_soft);
    ImGui::PushStyleColor(ImGuiCol_Text, th.colors.accent);
    const bool pressed = ImGui::Button((std::string(glyph) + "##" + name).c_str(), ImVec2(40, std::max(theme().min_target, ImGui::GetFrameHeight())));
    AddControl("button", name, std::to_string(value));
    ImGui::PopStyleColor(2);
    return pressed;
}

}  // namespace

void Widget_Generation(Lesson& lesson, const attn::Block&) {
    const Theme& t = theme();
    Generation& g = lesson.generation;
    BeginCard("generation", t.colors.query);
    if (!lesson.story_model_error.empty() && !g.use_own) Paragraph(lesson.story_model_error, t.colors.warn);
    if (g.model().params.config.vocab == 0 || !lesson.tokenizer) {
        Caption("Nothing to run: train the story model below.");
        EndCard();
        return;
    }
    RefreshGeneration(lesson);
    const attn::EncoderConfig& c = g.model().params.config;
    char buf[400];
    std::snprintf(buf, sizeof buf, "Model: %s", g.use_own ? ("story model you trained here, seed " + std::to_string(g.train_seed)).c_str()
                                                           : ("story model trained by scripts/train, seed " + std::to_string(attn::kLmSeed)).c_str());
    Pill(buf, WithAlpha(t.colors.good, 0.15f), t.colors.good);
    std::snprintf(buf, sizeof buf, "Decoder-only: %s. Vocabulary: %d WordPiece pieces of BERT's, the ones the stories use.",
                  describe_config(g.model().params).c_str(), c.vocab);
    Caption(buf);
    if (g.use_own && g.loaded) {
        SameLineIfFits(ButtonWidth("Use the shipped model"));
        if (SmallButton("Use the shipped model")) {
            g.use_own = false;
            ResetGeneration(lesson);
        }
    }

    PromptField(lesson);
    if (!g.unknown.empty()) {
        std::string s = "Words the model never saw (read as [UNK]):";
        for (const auto& u : g.unknown) s += " \"" + u + "\"";
        Caption(s + ". It will still write, but from less.");
    }

    // Step, Play/Pause, Reset.
    ImGui::BeginDisabled(g.finished);
    if (Button("Step", ImVec2(0, 0), "button", std::to_string(g.ids.size()))) {
        g.playing = false;
        StepGeneration(lesson);
    }
    ImGui::SameLine();
    if (Button(g.playing ? "Pause" : "Play", ImVec2(0, 0), "button", g.playing ? "playing" : "paused")) {
        g.playing = !g.playing;
        g.play_clock = 0;
        g.stage = 0;
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (Button("Reset")) ResetGeneration(lesson);
    RefreshGeneration(lesson);
    ImGui::Dummy(ImVec2(0, 2));
    LoopDiagram(lesson);

    // The text: prompt tokens, then the written ones; under each, the newest token's attention.
    const int n_layers = c.n_layers;
    const int layer = g.layer < 0 || g.layer >= n_layers ? n_layers - 1 : g.layer;
    const std::vector<double> row = newest_row(g, layer);
    std::vector<std::string> words;
    for (std::size_t i = 0; i < g.ids.size(); ++i) words.push_back(g.model().vocab.piece(g.ids[i]));
    ImGui::Dummy(ImVec2(0, 4));
    int hovered = -1;
    const int shown = shown_token(g);
    const int clicked = TokenChips("story", words, [&](int i) {
        ChipStyle s;
        const bool written = i >= g.prompt_len;
        s.bg = written ? t.colors.query_soft : t.colors.accent_soft;
        s.fg = written ? t.colors.query : t.colors.text;
        if (i == shown && g.ids.size() > 1) {
            s.bg = t.colors.query;
            s.fg = t.colors.on_accent;
        }
        if (!row.empty()) s.weight = static_cast<float>(row[static_cast<std::size_t>(i)]);
        s.value = i == shown ? "selected" : written ? "written" : "prompt";
        return s;
    }, &hovered, nullptr, t.fonts.body);
    if (clicked >= 0) g.selected = clicked == static_cast<int>(g.ids.size()) - 1 ? -1 : clicked;
    if (hovered >= 0 && !row.empty())
        ImGui::SetTooltip("\"%s\" → \"%s\": attention %.3f", words[static_cast<std::size_t>(shown)].c_str(),
                          words[static_cast<std::size_t>(hovered)].c_str(), row[static_cast<std::size_t>(hovered)]);
    std::snprintf(buf, sizeof buf, "Orange bars: where the %s token (%s) looks, in layer %d (mean of %d heads). "
                  "It can look back, never ahead. Click a token to see where it looks.",
                  shown == static_cast<int>(words.size()) - 1 ? "newest" : "chosen", words.empty() ? "" : words[static_cast<std::size_t>(shown)].c_str(),
                  layer + 1, c.n_heads);
    Caption(buf);
    Caption(g.prompt_note);

    // Temperature and top-k: label, slider and value on one line; on a phone the label and value
    // above a full-width slider.
    ImGui::Dummy(ImVec2(0, 4));
    const bool narrow = ContentWidth() < 560;
    const float slider_w = narrow ? ContentWidth() : std::min(ContentWidth() - 280.0f, 300.0f);
    std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(g.temperature));
    const std::string temp_value = g.temperature == 0 ? "0 (greedy)" : buf;
    const std::string k_value = g.top_k == 0 ? "all tokens" : "the " + std::to_string(g.top_k) + " likeliest";
    auto label = [&](const char* name, const std::string& value) {
        ImGui::AlignTextToFramePadding();
        if (narrow) {
            ImGui::Text("%s: %s", name, value.c_str());
        } else {
            ImGui::TextUnformatted(name);
            ImGui::SameLine(120);
        }
        ImGui::SetNextItemWidth(slider_w);
    };
    label("Temperature", temp_value);
    float temp = g.temperature;
    if (ImGui::SliderFloat("##temperature", &temp, 0.0f, 2.0f, "", ImGuiSliderFlags_AlwaysClamp | ImGuiSliderFlags_NoInput)) {
        g.temperature = std::round(temp * 20.0f) / 20.0f;
        g.dirty = true;
    }
    AddControl("slider", "temperature", buf, true);
    ControlTakesArrows();
    if (const int a = ArrowFor(lesson)) {
        g.temperature = std::clamp(std::round((g.temperature + 0.05f * static_cast<float>(a)) * 20.0f) / 20.0f, 0.0f, 2.0f);
        g.dirty = true;
    }
    if (!narrow) {
        ImGui::SameLine();
        ImGui::TextUnformatted(temp_value.c_str());
    }
    label("Top-k", k_value);
    int k = g.top_k;
    if (ImGui::SliderInt("##topk", &k, 0, 20, "", ImGuiSliderFlags_AlwaysClamp | ImGuiSliderFlags_NoInput)) {
        g.top_k = k;
        g.dirty = true;
    }
    AddControl("slider", "top-k", std::to_string(g.top_k), true);
    ControlTakesArrows();
    if (const int a = ArrowFor(lesson)) {
        g.top_k = std::clamp(g.top_k + a, 0, 20);
        g.dirty = true;
    }
    if (!narrow) {
        ImGui::SameLine();
        ImGui::TextUnformatted(k_value.c_str());
    }
    if (g.temperature > 0) {
        ImGui::AlignTextToFramePadding();
        std::snprintf(buf, sizeof buf, "Sampling seed %d", g.seed);
        ImGui::TextUnformatted(buf);
        ImGui::SameLine();
        if (SeedButton("−", "sampling seed −", g.seed) && g.seed > 0) {
            --g.seed;
            ResetGeneration(lesson);
        }
        ImGui::SameLine();
        if (SeedButton("+", "sampling seed +", g.seed)) {
            ++g.seed;
            ResetGeneration(lesson);
        }
        ImGui::SameLine();
        Caption("(Reset replays the same draws)");
    }
    RefreshGeneration(lesson);
    ImGui::Dummy(ImVec2(0, 4));
    Distribution(lesson);


    // Causal attention: the whole triangle on demand.
    ImGui::Dummy(ImVec2(0, 6));
    Checkbox("Show the whole triangle", &g.triangle);
    if (g.triangle && !g.out.encoder.layers.empty()) {
        for (int l = 0; l < n_layers; ++l) {
            if (l) ImGui::SameLine();
            std::snprintf(buf, sizeof buf, "Layer %d", l + 1);
            if (OptionGroupButton(lesson, "gen-layer", buf, l, n_layers, l == layer)) g.layer = l;
        }
        HeatmapStyle hs;
        hs.attention = true;
        const float side = std::min(ContentWidth() - 110.0f, 16.0f * static_cast<float>(words.size()));
        hs.cell_w = std::max(6.0f, side / static_cast<float>(words.size()));
        hs.cell_h = std::max(10.0f, std::min(16.0f, hs.cell_w));
        hs.highlight_row = shown;
        Heatmap("triangle", mean_heads(g.out.encoder, layer), words, hs);
        Caption("Row i: where token i looks (mean of the heads). Everything above the diagonal is exactly 0: the causal mask "
                "hides the future, so adding a token never changes the rows before it.");
    }
    EndCard();

    // Train it yourself.
    ImGui::Dummy(ImVec2(0, 8));
    Heading3("Train it yourself");
    Paragraph("Train the same decoder from random weights on stories of the grammar, in your browser. Stories about some "
              "(animal, place) pairs are held out of training; the loss on them is measured as it learns.");
    ImGui::AlignTextToFramePadding();
    std::snprintf(buf, sizeof buf, "Seed %d", g.train_seed);
    ImGui::TextUnformatted(buf);
    ImGui::SameLine();
    ImGui::BeginDisabled(g.running);
    if (SeedButton("−", "training seed −", g.train_seed) && g.train_seed > 0) --g.train_seed;
    ImGui::SameLine();
    if (SeedButton("+", "training seed +", g.train_seed)) ++g.train_seed;
    ImGui::EndDisabled();
    SameLineIfFits(ButtonWidth("Train the story model"));
    if (!g.running) {
        if (Button(g.finished_training ? "Train again##lm" : "Train the story model", ImVec2(0, 0), "button", std::to_string(g.train_seed)))
            StartLmTraining(lesson, g.train_seed);
    } else if (Button("Stop##lm", ImVec2(0, 0), "button", "running")) {
        g.running = false;
    }
    if (!g.trainer) return;
    const int steps = static_cast<int>(g.loss.size());
    std::snprintf(buf, sizeof buf, "step %d of %d", steps, g.trainer->steps());
    ImGui::ProgressBar(static_cast<float>(steps) / static_cast<float>(g.trainer->steps()), ImVec2(ContentWidth(), 0), buf);
    const float w = ContentWidth();
    const bool two = w > 560;
    const float plot_w = two ? (w - 16) * 0.5f : w;
    auto plot = [&](const char* id, const char* label, const std::vector<float>& ys, ImU32 color) {
        ImGui::BeginGroup();
        Caption(label);
        ImGui::PushStyleColor(ImGuiCol_PlotLines, color);
        ImGui::PlotLines(id, ys.data(), static_cast<int>(ys.size()), 0, nullptr, 0.0f, FLT_MAX, ImVec2(plot_w, 90));
        ImGui::PopStyleColor();
        ImGui::EndGroup();
    };
    plot("##lmloss", "training loss (nats per token)", g.loss, t.colors.query);
    if (two) ImGui::SameLine(0, 16);
    plot("##lmheld", "held-out loss (nats per token)", g.held_loss, t.colors.good);
    std::snprintf(buf, sizeof buf, "seed %d · training loss %.3f · held-out loss %.3f · %.1f s%s", g.train_seed,
                  g.loss.empty() ? 0.0 : static_cast<double>(g.loss.back()),
                  g.held_loss.empty() ? 0.0 : static_cast<double>(g.held_loss.back()), g.elapsed_ms / 1000.0,
                  g.running ? " · training…" : g.finished_training ? " · done: the story above now uses this model" : " · stopped");
    Caption(buf);
    if (g.ms_to_target >= 0) {
        std::snprintf(buf, sizeof buf, "Held-out loss reached %.2f nats per token after %.1f s in this browser.", kTargetLoss,
                      g.ms_to_target / 1000.0);
        Caption(buf);
    }
}

// =============================================================================================
// [SECTION] Encoder vs decoder

void Widget_EncoderVsDecoder(Lesson& lesson, const attn::Block&) {
    const Theme& t = theme();
    Generation& g = lesson.generation;
    lesson.refresh_explorer();
    RefreshGeneration(lesson);
    const float w = ContentWidth();
    const bool two = w > 620;
    const float col_w = two ? (w - 20) * 0.5f : w;
    auto panel = [&](const char* id, const char* title, const char* text, const attn::EncoderCache* cache,
                     const std::vector<std::string>& labels) {
        ImGui::BeginGroup();
        ImGui::PushFont(t.fonts.bold);
        ImGui::TextUnformatted(title);
        ImGui::PopFont();
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + col_w);
        ImGui::TextWrapped("%s", text);
        ImGui::PopTextWrapPos();
        if (cache && !cache->layers.empty() && !labels.empty()) {
            HeatmapStyle hs;
            hs.attention = true;
            const int n = static_cast<int>(labels.size());
            hs.cell_w = std::clamp((col_w - 100.0f) / static_cast<float>(n), 5.0f, 14.0f);
            hs.cell_h = std::clamp(hs.cell_w, 8.0f, 14.0f);
            Heatmap(id, mean_heads(*cache, static_cast<int>(cache->layers.size()) - 1), labels, hs);
        }
        ImGui::Dummy(ImVec2(col_w, 0));
        ImGui::EndGroup();
    };
    std::vector<std::string> enc_labels, dec_labels;
    if (lesson.explorer.run.ok())
        for (const auto& tok : lesson.explorer.run.tokens) enc_labels.push_back(tok.text);
    for (int id : g.ids) dec_labels.push_back(g.model().vocab.piece(id));
    panel("enc", "BERT-style encoder: sees both sides",
          "The explorer's model on the lesson's sentence (last layer, mean of heads). Every token may look at every "
          "other, before and after it: the full square. Made for understanding a whole text, such as what \"it\" means.",
          lesson.explorer.run.ok() ? &lesson.explorer.run.cache : nullptr, enc_labels);
    if (two) ImGui::SameLine(0, 20);
    panel("dec", "GPT-style decoder: sees only the past",
          "The story model on the text above (last layer, mean of heads). Each token looks only at itself and earlier "
          "tokens: a triangle. Made for writing: the next token is predicted from the past alone, then appended.",
          g.out.encoder.layers.empty() ? nullptr : &g.out.encoder, dec_labels);
}

}  // namespace app

namespace app {

// The generation section in words: the text so far, the next token's likeliest candidates (the
// same distribution the bars draw), the controls' values and "train it yourself".
WidgetText Describe_Generation(Lesson& lesson) {
    WidgetText out;
    out.title = "A language model writing, one token at a time";
    RefreshGeneration(lesson);
    const Generation& g = lesson.generation;
    if (!lesson.story_model_error.empty()) {
        out.lines.push_back(lesson.story_model_error);
        return out;
    }
    const attn::LanguageModel& m = g.model();
    out.lines.push_back("Prompt: \"" + g.prompt + "\".");
    out.lines.push_back("Text so far: \"" + attn::detokenize(g.ids, m.vocab) + "\" (" + std::to_string(g.ids.size()) +
                        " tokens, " + std::to_string(static_cast<int>(g.ids.size()) - g.prompt_len) + " of them written by the model).");
    if (!g.prompt_note.empty()) out.lines.push_back(g.prompt_note);
    out.lines.push_back(std::string("Sampling: ") + (g.temperature <= 0 ? "greedy (temperature 0)" : "temperature " + Fixed(g.temperature, 2)) +
                        ", " + (g.top_k > 0 ? "top " + std::to_string(g.top_k) : "all tokens") + ", seed " + std::to_string(g.seed) + ".");
    if (g.finished) {
        out.lines.push_back("The story is finished: the model wrote the end token.");
    } else if (!g.drawn_from.empty()) {
        std::vector<int> order(g.drawn_from.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
            return g.drawn_from[static_cast<std::size_t>(a)] > g.drawn_from[static_cast<std::size_t>(b)];
        });
        TextTable t;
        t.caption = "The next token's likeliest candidates";
        t.header = {"Token", "Probability"};
        for (std::size_t k = 0; k < order.size() && k < 5; ++k) {
            const double p = g.drawn_from[static_cast<std::size_t>(order[k])];
            if (k > 0 && p < 0.001) break;
            t.rows.push_back({m.vocab.piece(order[k]), Fixed(p, 3)});
        }
        out.live = "Next token: most likely \"" + m.vocab.piece(order[0]) + "\" with probability " +
                   Fixed(g.drawn_from[static_cast<std::size_t>(order[0])], 3) + ".";
        out.lines.push_back(out.live);
        out.tables.push_back(t);
    }
    if (g.trainer) {
        out.lines.push_back("Story model trained in this browser from seed " + std::to_string(g.train_seed) + ": step " +
                            std::to_string(g.loss.size()) + " of " + std::to_string(g.trainer->steps()) +
                            (g.held_loss.empty() ? std::string(".") : ", held-out loss " + Fixed(g.held_loss.back(), 3) + " nats per token.") +
                            (g.running ? " Training…" : ""));
    }
    return out;
}

WidgetText Describe_EncoderVsDecoder(Lesson&) {
    WidgetText out;
    out.title = "Encoder against decoder";
    out.lines.push_back("A BERT-style encoder (the explorer's model) lets every token look at every other, before and after it: "
                        "its attention fills the whole square. It is made for understanding a whole text.");
    out.lines.push_back("A GPT-style decoder (the story model) lets each token look only at itself and earlier tokens: its "
                        "attention is a triangle, and the next token is predicted from the past alone. It is made for writing.");
    return out;
}

}  // namespace app
