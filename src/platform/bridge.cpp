// bridge.cpp — the C functions behind window.lesson (web/api.js) and the platform hooks.
//
// Every function returns JSON text owned by a static buffer (valid until the next call), or
// {"error": "..."} with a message for the learner. Nothing received is trusted: sizes are
// checked, strings are treated as UTF-8 data, never as code or markup.
#include "app/commands.h"
#include "app/glyphs.h"
#include "app/lesson.h"
#include "app/theme.h"
#include "core/attention.h"
#include "platform/platform.h"

#include <imgui.h>
#include <imgui_internal.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#define LESSON_EXPORT extern "C" EMSCRIPTEN_KEEPALIVE
#else
#define LESSON_EXPORT extern "C"
#endif

using nlohmann::json;

namespace {

std::string g_result;
int g_pending_theme = -1;  // -1 nothing pending, 0 light, 1 dark
bool g_dark = false;       // the theme applied last (a change of contrast re-applies it)

const char* reply(const json& j) {
    g_result = j.dump(-1, ' ', false, json::error_handler_t::replace);
    return g_result.c_str();
}

const char* error_reply(const std::string& message) { return reply(json{{"error", message}}); }

// What a call that needs the vocabulary or the trained models answers until they have arrived.
constexpr const char* kModelsPending = "the vocabulary and the trained models are still loading; await lesson.models";

json matrix_json(const attn::Mat& m) {
    json rows = json::array();
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        json row = json::array();
        for (Eigen::Index j = 0; j < m.cols(); ++j) {
            const double x = static_cast<double>(m(i, j));
            row.push_back(std::isfinite(x) ? json(x) : json(nullptr));
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

json table_json(const app::TextTable& t) {
    return json{{"caption", t.caption}, {"header", t.header}, {"rows", t.rows}};
}

// A widget's description (app/describe.h): what the text mirror shows and state().widgets reports.
json widget_json(const app::WidgetText& w) {
    json tables = json::array(), exports = json::array();
    for (const app::TextTable& t : w.tables) tables.push_back(table_json(t));
    for (const app::MatrixExport& m : w.matrices) exports.push_back(json{{"kind", m.kind}, {"title", m.title}});
    return json{{"widget", w.widget}, {"title", w.title}, {"lines", w.lines}, {"tables", tables}, {"exports", exports}, {"live", w.live}};
}

json section_json(const app::SectionText& s) {
    json blocks = json::array();
    for (const app::TextBlock& b : s.blocks) {
        json j{{"kind", b.kind}};
        if (!b.text.empty()) j["text"] = b.text;
        if (!b.title.empty()) j["title"] = b.title;
        if (!b.name.empty()) j["name"] = b.name;
        if (!b.items.empty()) j["items"] = b.items;
        if (b.kind == "table") j["table"] = table_json(b.table);
        if (b.kind == "quiz") {
            j["correct"] = b.correct;
            j["chosen"] = b.chosen;
            j["feedback"] = b.feedback;
        }
        if (b.kind == "widget") j["widget"] = widget_json(b.widget);
        blocks.push_back(std::move(j));
    }
    return json{{"id", s.id}, {"title", s.title}, {"problems", s.problems}, {"banner", s.banner}, {"blocks", blocks}};
}

std::string hex_color(ImU32 c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", (c >> IM_COL32_R_SHIFT) & 0xFF, (c >> IM_COL32_G_SHIFT) & 0xFF, (c >> IM_COL32_B_SHIFT) & 0xFF);
    return buf;
}

json view_json(const app::View& v) {
    json j{{"section", v.section}, {"text", v.text}};
    if (!v.is_default_token && v.token >= 0) j["token"] = v.token;
    if (!v.is_default_layer) j["layer"] = v.layer + 1;
    if (!v.is_default_head) j["head"] = v.head + 1;
    if (v.edited) {
        j["q"] = v.q;
        j["k"] = v.k;
        j["v"] = v.v;
    }
    // The encoder block: 1-based block, stage and box as the URL carries them.
    if (v.encoder_n >= 0) j["n"] = v.encoder_n;
    if (v.encoder_block >= 0) j["block"] = v.encoder_block + 1;
    if (v.encoder_stage >= 0) j["stage"] = v.encoder_stage;
    if (v.encoder_box >= 0) j["box"] = v.encoder_box;
    return j;
}

// The learner's progress as the page keeps it (localStorage, a course's suspend data).
json progress_json(const app::Progress& p) {
    return json{{"visited", p.visited}, {"quiz", p.quiz}, {"first", p.first}, {"round", p.round},
                {"prediction", p.prediction}, {"clues", p.clues}};
}

json summary_json(const app::Summary& s) {
    json quizzes = json::array();
    for (const app::QuizResult& q : s.quizzes)
        quizzes.push_back(json{{"id", q.id}, {"first", q.first}, {"rightFirstTry", q.right_first}});
    const int score = s.score();
    return json{{"sections", s.sections},
                {"visited", s.visited},
                {"notVisited", s.not_visited},
                {"complete", s.complete()},
                {"quizTotal", s.quizzes.size()},
                {"answered", s.answered},
                {"rightFirstTry", s.right_first},
                {"score", score >= 0 ? json(score) : json(nullptr)},
                {"quizDone", s.quiz_done()},
                {"round", s.round},
                {"quizzes", quizzes},
                {"prediction", s.prediction >= 0 ? json(app::kReferents[s.prediction]) : json(nullptr)},
                {"predictionHeld", s.prediction_held}};
}

// A tooltip was drawn in the last frame (ImGui names them ##Tooltip_NN).
bool tooltip_open() {
    const ImGuiContext* g = ImGui::GetCurrentContext();
    if (!g) return false;
    for (const ImGuiWindow* w : g->Windows)
        if ((w->Flags & ImGuiWindowFlags_Tooltip) && w->WasActive) return true;
    return false;
}

std::string hex_id(unsigned id) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08x", id);
    return buf;
}

const char* touch_mode(app::TouchScroll::Mode m) {
    switch (m) {
    case app::TouchScroll::Mode::pending: return "pending";
    case app::TouchScroll::Mode::control: return "control";
    case app::TouchScroll::Mode::scroll: return "scroll";
    case app::TouchScroll::Mode::fling: return "fling";
    default: return "idle";
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Exported to JavaScript.

LESSON_EXPORT const char* lesson_version() { return ATTN_VERSION; }

// The input limits (core/limits.h), for the page's own checks and its text input's maxLength.
LESSON_EXPORT const char* lesson_limits() {
    namespace L = attn::limits;
    return reply(json{{"textBytes", L::kTextBytes}, {"bertTokens", L::kBertTokens}, {"bertPieces", L::kBertPieces},
                      {"promptBytes", L::kPromptBytes}, {"addressTextBytes", L::kAddressTextBytes},
                      {"attentionSide", L::kAttentionSide}, {"cellMin", L::kCellMin}, {"cellMax", L::kCellMax}});
}

// attention(Q, K, V[, mask]) with matrices flattened row-major by api.js. mask may be null.
LESSON_EXPORT const char* lesson_attention(const double* q, int tq, int dq, const double* k, int tk, int dk,
                                           const double* v, int tv, int dv, const unsigned char* mask) {
    const app::Parsed<app::AttentionInput> in = app::ParseAttentionCommand(q, tq, dq, k, tk, dk, v, tv, dv, mask);
    if (!in.ok()) return error_reply(in.error);
    try {
        const attn::AttentionResult r = attn::attention(in.value.q, in.value.k, in.value.v, in.value.has_mask ? &in.value.mask : nullptr);
        return reply(json{{"scores", matrix_json(r.cache.scores)},
                          {"scaled", matrix_json(r.cache.scaled)},
                          {"weights", matrix_json(r.cache.weights)},
                          {"output", matrix_json(r.output)}});
    } catch (const std::exception& e) {
        return error_reply(std::string("attention: ") + e.what());
    }
}

// The page lays its own text input over sentence fields (see Lesson::edit).
LESSON_EXPORT void lesson_set_dom_text_input(int on) { platform::lesson().dom_text_input = on != 0; }

// The page's input over a sentence field: what it holds now (the canvas shows it meanwhile)...
LESSON_EXPORT void lesson_edit_draft(const char* text) {
    app::SetDraft(platform::lesson(), text ? text : "");
}

// ...and that it closed: apply = 1 applies `text` to what it edits (the sentence, a cell), 0
// cancels. tab: −1 / +1 when it closed because of Shift+Tab / Tab, so the keyboard focus moves on
// from the field. Returns {"ok": true} or {"error": message}.
LESSON_EXPORT const char* lesson_edit_end(const char* text, int apply, int tab) {
    app::Lesson& lesson = platform::lesson();
    std::string error;
    if (apply && lesson.edit.active) error = app::ApplyEdit(lesson, text ? text : "");
    lesson.edit.active = lesson.edit.pending = false;
    lesson.edit.target = "sentence";
    if (tab == -1 || tab == 1) lesson.tab_step = tab;
    return error.empty() ? reply(json{{"ok", true}}) : error_reply(error);
}

LESSON_EXPORT void lesson_set_theme(int dark) { g_pending_theme = dark ? 1 : 0; }

// The learner's preferences: high contrast (prefers-contrast: more, forced colours) and reduced
// motion (prefers-reduced-motion: reduce).
LESSON_EXPORT void lesson_set_preferences(int high_contrast, int reduced_motion) {
    app::Lesson& lesson = platform::lesson();
    if (lesson.high_contrast != (high_contrast != 0) && g_pending_theme < 0) g_pending_theme = g_dark ? 1 : 0;
    lesson.high_contrast = high_contrast != 0;
    lesson.reduced_motion = reduced_motion != 0;
}

// The current section as text (app/describe.h), and the control with the keyboard focus: what
// the page's text mirror shows and announces.
LESSON_EXPORT const char* lesson_mirror() {
    app::Lesson& lesson = platform::lesson();
    json out = section_json(app::DescribeSection(lesson));
    const ImGuiContext* g = ImGui::GetCurrentContext();
    json focus = nullptr;
    if (g && g->NavId && !g->NavDisableHighlight)
        if (const app::ControlInfo* c = app::FindControl(lesson.controls, g->NavId))
            focus = json{{"id", hex_id(c->imgui_id)}, {"kind", c->kind}, {"label", c->label}, {"value", c->value}, {"disabled", c->disabled}};
    out["focus"] = focus;
    return reply(out);
}

// The matrices export() can save: [{kind, title}], from every section.
LESSON_EXPORT const char* lesson_exports() {
    json out = json::array();
    for (const app::MatrixExport& m : app::Exports(platform::lesson())) out.push_back(json{{"kind", m.kind}, {"title", m.title}});
    return reply(out);
}

// One matrix by kind: its numbers and labels (for the page to draw a PNG), its CSV, and the
// theme's colours of its scale.
LESSON_EXPORT const char* lesson_export(const char* kind) {
    app::MatrixExport m;
    const std::string k = kind ? kind : "";
    if (!app::FindExport(platform::lesson(), k, m)) {
        std::string kinds;
        for (const app::MatrixExport& e : app::Exports(platform::lesson())) kinds += (kinds.empty() ? "" : ", ") + e.kind;
        return error_reply("export: there is no matrix \"" + k.substr(0, 60) + "\"; there are: " + kinds);
    }
    const app::Palette& p = app::theme().colors;
    return reply(json{{"kind", m.kind}, {"title", m.title}, {"rows", m.rows}, {"cols", m.cols}, {"values", matrix_json(m.values)},
                      {"attention", m.attention}, {"csv", app::ExportCsv(m)},
                      {"colors", json{{"background", hex_color(p.card)}, {"text", hex_color(p.text)}, {"muted", hex_color(p.text_muted)},
                                      {"attention", hex_color(p.attention)}, {"negative", hex_color(p.heat_neg)},
                                      {"positive", hex_color(p.heat_pos)}, {"border", hex_color(p.card_border)}}}});
}

// A quiz answered from the page's text mirror. Returns {"ok": true} or {"error": message}.
LESSON_EXPORT const char* lesson_answer_quiz(const char* quiz, int option) {
    if (!app::AnswerQuiz(platform::lesson(), quiz ? quiz : "", option)) return error_reply("answerQuiz: there is no such quiz or answer");
    return reply(json{{"ok", true}});
}

LESSON_EXPORT const char* lesson_frame_times() {
    const platform::FrameTimes& t = platform::frame_times();
    const size_t n = std::min(t.count, t.ms.size());
    return reply(json{{"count", t.count}, {"ms", std::vector<double>(t.ms.begin(), t.ms.begin() + static_cast<long>(n))}});
}

LESSON_EXPORT const char* lesson_sections() {
    const app::Lesson& lesson = platform::lesson();
    json out = json::array();
    for (size_t i = 0; i < app::sections().size(); ++i)
        out.push_back(json{{"id", app::sections()[i].id}, {"title", app::section_title(lesson, static_cast<int>(i))}});
    return reply(out);
}

LESSON_EXPORT int lesson_go_to(const char* id) { return id && platform::lesson().go_to(id) ? 1 : 0; }

// embed: no page chrome; single: one section only (no previous / next).
LESSON_EXPORT void lesson_set_embed(int embed, int single) {
    platform::lesson().embed = embed != 0;
    platform::lesson().single_section = single != 0;
}

// A message shown at the top of the page (for example about a bad link), until dismissed.
LESSON_EXPORT void lesson_set_banner(const char* text) {
    std::string s = text ? text : "";
    if (s.size() > 600) s.resize(600);
    platform::lesson().banner = s;
}

// The page fetched (ok = 1) or failed to fetch a fallback font asked for by request_font.
LESSON_EXPORT void lesson_font_arrived(const char* file, int ok) {
    const std::string name = file ? file : "";
    app::FallbackFontArrived(name, ok != 0);
    if (ok) return;
    for (const app::FallbackFont& f : app::glyphs().fonts)
        if (name == f.file) {
            const std::string message = std::string("The font for ") + f.what +
                                        " did not load, so they show as \"?\"; everything else works.";
            platform::lesson().banner = message;
            platform::notify_error(message.c_str());
        }
}

LESSON_EXPORT const char* lesson_set_text(const char* text) {
    app::Lesson& lesson = platform::lesson();
    const std::string error = lesson.set_text(text ? text : "");
    if (!error.empty()) return error_reply(error);
    if (lesson.models_pending) return reply(json{{"count", nullptr}});  // kept; tokenized once the vocabulary is in
    lesson.refresh_explorer();  // now, so the count is the one the explorer will show
    if (!lesson.explorer.run.error.empty()) return error_reply(lesson.explorer.run.error);
    return reply(json{{"count", lesson.explorer.run.tokens.size()}});
}

LESSON_EXPORT const char* lesson_tokenize(const char* text) {
    const app::Lesson& lesson = platform::lesson();
    if (lesson.models_pending) return error_reply(kModelsPending);
    if (!lesson.tokenizer) return error_reply(lesson.tokenizer_error.empty() ? "the vocabulary is not loaded" : lesson.tokenizer_error);
    const std::string_view s = text ? text : "";
    if (s.size() > attn::limits::kTextBytes)
        return error_reply("tokenize: the text is " + app::Thousands(static_cast<long long>(s.size())) + " bytes long; at most " +
                           app::Thousands(attn::limits::kTextBytes) + " are taken");
    try {
        json tokens = json::array(), ids = json::array(), spans = json::array();
        std::vector<attn::Token> all = lesson.tokenizer->tokenize(s);
        // As BERT truncates: the first pieces that fit with [CLS] and [SEP], the rest dropped.
        const std::size_t kept = std::min(all.size(), static_cast<std::size_t>(attn::limits::kBertPieces));
        for (std::size_t i = 0; i < kept; ++i) {
            tokens.push_back(all[i].text);
            ids.push_back(all[i].id);
            spans.push_back(json::array({all[i].start, all[i].end}));
        }
        return reply(json{{"tokens", tokens}, {"ids", ids}, {"spans", spans}, {"truncated", kept < all.size()},
                          {"dropped", all.size() - kept}});
    } catch (const std::exception& e) {
        return error_reply(std::string("tokenize: ") + e.what());
    }
}

// state().race: the run in this browser as it goes (or, before one, the reference run, with
// source "reference"). Figures not measured yet are null.
json race_json(const app::Lesson& lesson) {
    const app::RaceView& rv = lesson.race;
    const attn::RaceResult* r = rv.shown();
    json out{{"running", rv.running}, {"stopped", rv.stopped}, {"error", rv.error},
             {"source", rv.race ? "browser" : (r ? "reference" : "none")},
             {"step", rv.race ? rv.race->training_step() : (r ? r->options.steps : 0)},
             {"steps", r ? r->options.steps : 0},
             {"phase", rv.race ? rv.race->phase() : (r ? "done" : "")},
             {"complete", r ? r->complete : false},
             {"elapsedMs", rv.elapsed_ms},
             {"table", rv.table},
             {"notes", rv.notes}};
    if (rv.race) out["seed"] = r->options.seed;
    if (!r) return out;
    out["seed"] = r->options.seed;
    auto finite = [](double x) { return std::isfinite(x) ? json(x) : json(nullptr); };
    json models = json::object();
    for (int m = 0; m < attn::kRaceModels; ++m) {
        const attn::RaceModelResult& x = r->models[static_cast<std::size_t>(m)];
        json acc = json::array(), grad = json::array(), time = json::array();
        for (std::size_t d = 0; d < r->options.distances.size(); ++d) {
            acc.push_back(json{{"distance", r->options.distances[d]}, {"accuracy", finite(x.accuracy[d])}});
            grad.push_back(json{{"distance", r->options.distances[d]}, {"norm", finite(x.gradient[d])}});
        }
        for (std::size_t t = 0; t < r->options.timing_lengths.size(); ++t)
            time.push_back(json{{"length", r->options.timing_lengths[t]}, {"ms", finite(x.ms_by_length[t])}});
        models[attn::race_model_key(m)] = json{{"params", x.params},
                                               {"lr", x.lr},
                                               {"accuracyByDistance", acc},
                                               {"gradientByDistance", grad},
                                               {"msPerStep", finite(x.loss.empty() && rv.race ? NAN : x.ms_per_step)},
                                               {"msPerStepByLength", time},
                                               {"gflops", finite(x.gflops)},
                                               {"sequentialSteps", x.sequential_steps},
                                               {"loss", x.loss.empty() ? json(nullptr) : finite(x.loss.back())}};
    }
    out["models"] = models;
    return out;
}

// The generation section as state() reports it: the text so far, the step lit in the loop,
// the controls' values, the next token's top candidates and "train it yourself".
json generation_json(const app::Lesson& lesson) {
    const app::Generation& g = lesson.generation;
    json tokens = json::array(), top = json::array();
    for (int id : g.ids) tokens.push_back(g.model().vocab.piece(id));
    std::vector<int> order(g.drawn_from.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return g.drawn_from[static_cast<std::size_t>(a)] > g.drawn_from[static_cast<std::size_t>(b)]; });
    for (std::size_t k = 0; k < 10 && k < order.size(); ++k)
        top.push_back(json{{"token", g.model().vocab.piece(order[k])}, {"p", g.drawn_from[static_cast<std::size_t>(order[k])]}});
    return json{{"prompt", g.prompt}, {"tokens", tokens}, {"promptTokens", g.prompt_len},
                {"text", attn::detokenize(g.ids, g.model().vocab)}, {"finished", g.finished}, {"playing", g.playing},
                {"stage", g.stage}, {"temperature", g.temperature}, {"topK", g.top_k}, {"seed", g.seed},
                {"next", top}, {"note", g.prompt_note}, {"triangle", g.triangle}, {"selected", g.selected}, {"layer", g.layer}, {"ownModel", g.use_own},
                {"training", json{{"running", g.running}, {"finished", g.finished_training}, {"step", g.loss.size()},
                                  {"loss", g.loss.empty() ? 0.0 : g.loss.back()},
                                  {"heldOutLoss", g.held_loss.empty() ? 0.0 : g.held_loss.back()},
                                  {"elapsedMs", g.elapsed_ms}, {"msToTarget", g.ms_to_target}, {"seed", g.train_seed}}}};
}

LESSON_EXPORT const char* lesson_state() {
    app::RefreshGeneration(platform::lesson());  // the next token's distribution, even before the section is drawn
    app::Lesson& lesson = platform::lesson();
    json widgets = json::array();
    for (const app::WidgetText& w : app::DescribeWidgets(lesson)) widgets.push_back(widget_json(w));
    const app::Explorer& e = lesson.explorer;
    const app::EncoderView& v = lesson.encoder;
    json tokens = json::array();
    for (const app::TokenBox& b : e.boxes)
        tokens.push_back(json{{"text", b.text}, {"id", b.id}, {"x", b.min.x}, {"y", b.min.y}, {"w", b.max.x - b.min.x}, {"h", b.max.y - b.min.y}});
    if (e.boxes.empty())  // the explorer is not on screen: tokens without rectangles
        for (const attn::Token& t : e.run.tokens) tokens.push_back(json{{"text", t.text}, {"id", t.id}});
    lesson.refresh_explorer();
    json row = json::array();
    for (double w : app::ExplorerRow(e)) row.push_back(w);  // from the model, drawn or not
    json controls = json::array();
    for (const app::ControlInfo& c : lesson.controls.frame)
        controls.push_back(json{{"id", hex_id(c.imgui_id)}, {"kind", c.kind}, {"label", c.label}, {"value", c.value},
                                {"x", c.min.x}, {"y", c.min.y}, {"w", c.max.x - c.min.x}, {"h", c.max.y - c.min.y},
                                {"disabled", c.disabled}, {"arrows", c.arrows}});
    const ImGuiContext* g = ImGui::GetCurrentContext();
    const std::string focus = g && g->NavId && !g->NavDisableHighlight ? hex_id(g->NavId) : "";
    json answers = json::array();
    for (const app::Lesson::AnswerBox& b : lesson.answer_boxes)
        answers.push_back(json{{"quiz", b.quiz}, {"option", b.option}, {"x", b.min.x}, {"y", b.min.y}, {"w", b.max.x - b.min.x}, {"h", b.max.y - b.min.y}});
    return reply(json{{"section", app::sections()[static_cast<size_t>(lesson.current)].id},
                      {"text", lesson.text},
                      {"tokens", tokens},
                      {"selected", e.selected},
                      {"layer", e.layer},
                      {"head", e.head},
                      {"row", row},
                      // While the models download, no model is the explorer's yet (and none is built to name it).
                      {"model", lesson.models_pending ? std::string() : lesson.explorer_model().label},
                      {"modelsLoading", lesson.models_pending},
                      {"embed", lesson.embed},
                      {"message", lesson.banner},
                      {"problems", lesson.problems()},
                      {"textField", json{{"x", lesson.field_min.x}, {"y", lesson.field_min.y},
                                         {"w", lesson.field_max.x - lesson.field_min.x}, {"h", lesson.field_max.y - lesson.field_min.y}}},
                      {"completed", lesson.progress.visited},
                      {"training", json{{"running", lesson.training.running}, {"finished", lesson.training.finished},
                                        {"step", lesson.training.loss.size()}, {"heldOutAccuracy", lesson.training.held_out_last},
                                        {"elapsedMs", lesson.training.elapsed_ms}, {"msTo95", lesson.training.ms_to_95},
                                        {"seed", lesson.training.seed}, {"heldOutAttention", lesson.training.held_out_attention}}},
                      {"race", race_json(lesson)},
                      {"generation", generation_json(lesson)},
                      {"quiz", lesson.progress.quiz},
                      {"summary", summary_json(app::Summarize(lesson))},
                      {"answers", answers},
                      {"next", json{{"x", lesson.next_min.x}, {"y", lesson.next_min.y},
                                    {"w", lesson.next_max.x - lesson.next_min.x}, {"h", lesson.next_max.y - lesson.next_min.y}}},
                      {"missingGlyphs", app::MissingGlyphCount()},
                      {"scroll", json{{"y", lesson.page_scroll}, {"max", lesson.page_scroll_max}}},
                      {"touch", json{{"mode", touch_mode(lesson.touch.mode)}, {"dragged", lesson.touch.dragged}, {"flung", lesson.touch.flung}}},
                      {"controls", controls},
                      {"focus", focus},
                      {"tooltip", tooltip_open()},
                      {"textInput", g && g->IO.WantTextInput},
                      {"worked", json{{"q", matrix_json(lesson.worked.q)}, {"k", matrix_json(lesson.worked.k)},
                                      {"v", matrix_json(lesson.worked.v)}, {"step", lesson.worked.step}, {"scaled", lesson.worked.scaled}}},
                      {"editing", lesson.edit.active},
                      {"widgets", widgets},
                      {"preferences", json{{"dark", app::theme().dark}, {"highContrast", app::theme().high_contrast},
                                           {"reducedMotion", lesson.reduced_motion}, {"pixelRatio", app::theme().dpr}}},
                      {"encoder", json{{"n", v.n}, {"block", v.layer}, {"stage", v.stage}, {"box", v.selected_box}, {"change", v.change},
                                       {"more", json{{"x", v.more_min.x}, {"y", v.more_min.y},
                                                     {"w", v.more_max.x - v.more_min.x}, {"h", v.more_max.y - v.more_min.y}}}}}});
}


// The page has written the trained models and the race's reference run into the file system
// (or logged the ones that failed): the lesson loads them, and the widgets waiting show them.
LESSON_EXPORT void lesson_models_arrived() {
    app::Lesson& lesson = platform::lesson();
    if (!lesson.models_pending) return;
    lesson.load_models("/data/vocab.txt", "/data/coref.bin", "/data/coref-vocab.txt");
    lesson.load_race_reference("/data/race-reference.txt");
}

LESSON_EXPORT const char* lesson_model(const char* text) {
    const app::Lesson& lesson = platform::lesson();
    if (lesson.models_pending) return error_reply(kModelsPending);
    const app::LessonModel& model = lesson.explorer_model();
    app::SentenceRun run;
    model.run(run, lesson.tokenizer.get(), text ? text : "");
    if (!run.ok()) return error_reply(run.error.empty() ? "nothing to run" : run.error);
    json tokens = json::array(), attention = json::array();
    for (const attn::Token& t : run.tokens) tokens.push_back(t.text);
    for (const attn::LayerCache& layer : run.cache.layers) {
        json heads = json::array();
        for (const attn::AttentionCache& h : layer.attn.heads) heads.push_back(matrix_json(h.weights));
        attention.push_back(std::move(heads));
    }
    json out{{"tokens", tokens}, {"attention", attention}, {"model", model.label}, {"trained", model.trained}};
    const app::ReferentAnswer a = app::referent_of(model, run);
    out["referent"] = a.index >= 0 ? json{{"index", a.index}, {"p", a.p}} : json(nullptr);
    return reply(out);
}

// lesson.generate(prompt, {temperature, topK, seed, maxTokens}) with the story model.
LESSON_EXPORT const char* lesson_generate(const char* prompt, double temperature, int top_k, int seed, int max_tokens) {
    if (platform::lesson().models_pending) return error_reply(kModelsPending);
    const app::GenerateResult r = app::RunGenerate(platform::lesson(), prompt ? prompt : "", temperature, top_k, seed, max_tokens);
    if (!r.error.empty()) return error_reply(r.error);
    json steps = json::array();
    for (const auto& s : r.steps) {
        json probs = json::array();
        for (const auto& [token, p] : s.top) probs.push_back(json{{"token", token}, {"p", p}});
        steps.push_back(json{{"token", s.token}, {"id", s.id}, {"probs", probs}, {"attention", s.attention}});
    }
    return reply(json{{"tokens", r.tokens}, {"steps", steps}, {"text", r.text}, {"derivable", r.derivable}});
}

// lesson.nextToken(prompt): the next token's probability for every piece of the vocabulary.
LESSON_EXPORT const char* lesson_next_token(const char* prompt) {
    if (platform::lesson().models_pending) return error_reply(kModelsPending);
    std::string error;
    const auto dist = app::NextTokenDistribution(platform::lesson(), prompt ? prompt : "", error);
    if (!error.empty()) return error_reply(error);
    json out = json::array();
    for (std::size_t i = 0; i < dist.size(); ++i) out.push_back(json{{"token", dist[i].first}, {"id", i}, {"p", dist[i].second}});
    return reply(out);
}

// Starts "train it yourself" (as the explorer's button does); progress comes with state().
// seed −1: the seed the learner has chosen (the page's default until they change it).
LESSON_EXPORT int lesson_train(int seed) {
    app::Lesson& lesson = platform::lesson();
    if (!lesson.tokenizer || lesson.models_pending || seed < -1) return 0;
    app::StartTraining(lesson, seed < 0 ? lesson.training.seed : seed);
    return 1;
}

// Starts the RNN / LSTM / transformer race (as the section's button does); state().race reports
// it. options: JSON {seed, steps, distances} (each optional). Bad options: an error to show.
LESSON_EXPORT const char* lesson_race(const char* text) {
    const app::Parsed<attn::RaceOptions> o = app::ParseRaceOptions(text ? text : "");
    if (!o.ok()) return error_reply(o.error);
    const std::string problem = app::StartRace(platform::lesson(), o.value);
    if (!problem.empty()) return error_reply(problem);
    return reply(json{{"ok", true}, {"steps", o.value.steps}, {"seed", o.value.seed}});
}

// Stops the race; its figures so far stay on screen.
LESSON_EXPORT void lesson_race_stop() { app::StopRace(platform::lesson()); }

// A view from a link or the browser's history (view_json's fields, all optional; 1-based layer and
// head, head 0 the mean). Anything that does not fit the lesson is left out, and said.
LESSON_EXPORT const char* lesson_set_view(const char* text) {
    const app::Parsed<app::View> v = app::ParseViewCommand(text ? text : "");
    if (!v.ok()) return error_reply(v.error);
    const std::string problems = app::ApplyView(platform::lesson(), v.value);
    if (!problems.empty()) platform::lesson().banner = problems;
    return problems.empty() ? reply(json{{"ok", true}}) : error_reply(problems);
}

// The page put a Copy button's text on the system clipboard (ok = 1), or the browser refused.
LESSON_EXPORT void lesson_copied(int ok) {
    app::Lesson::Clipboard& c = platform::lesson().clipboard;
    c.status = ok ? "Copied ✓" : "The browser did not allow copying";
    c.status_time = -1;
}

// The page saved a matrix as a file (ok = 1), or could not.
LESSON_EXPORT void lesson_saved(int ok, const char* name) {
    app::Lesson::Clipboard& c = platform::lesson().clipboard;
    c.status = ok ? std::string("Saved ") + (name ? name : "") + " ✓" : "The file could not be saved";
    c.status_time = -1;
}

// Progress saved by the page (localStorage, or a course's suspend data). Anything malformed is
// ignored, never fatal. announce = 1: the page hears it back as a progress event (and keeps it).
LESSON_EXPORT int lesson_load_progress(const char* text, int announce) {
    std::vector<std::string> ids;
    for (const app::SectionInfo& s : app::sections()) ids.push_back(s.id);
    app::Parsed<app::Progress> p = app::ParseProgress(text ? text : "", ids);
    if (!p.ok()) return 0;
    platform::lesson().progress = std::move(p.value);
    if (announce) platform::lesson().progress_dirty = true;
    return 1;
}

LESSON_EXPORT const char* lesson_progress() { return reply(progress_json(platform::lesson().progress)); }

// ---------------------------------------------------------------------------------------------
// Platform hooks.

namespace platform {

#ifdef __EMSCRIPTEN__
// clang-format off
EM_JS(void, js_call_hook, (const char* name, const char* arg), {
    const hook = Module["lessonHooks"] && Module["lessonHooks"][UTF8ToString(name)];
    if (typeof hook === "function") hook(arg ? UTF8ToString(arg) : "");
});
// clang-format on
#else
static void js_call_hook(const char*, const char*) {}
#endif

void init() {
    app::ApplyTheme(false);
#ifdef __EMSCRIPTEN__
    // BERT's vocabulary, the trained models and the race's reference run come after the first
    // frame (api.js fetches them, then calls lesson_models_arrived).
    platform::lesson().load_text("/lessons/attention-lesson.md");
    platform::lesson().models_pending = true;
#else
    platform::lesson().load(ATTN_SOURCE_DIR "/lessons/attention-lesson.md", ATTN_VOCAB_PATH,
                            ATTN_SOURCE_DIR "/lessons/models/coref.bin", ATTN_SOURCE_DIR "/lessons/models/coref-vocab.txt");
    platform::lesson().load_race_reference(ATTN_SOURCE_DIR "/lessons/models/race-reference.txt");
#endif
    js_call_hook("init", nullptr);  // the page answers with lesson_set_theme, URL parameters, progress
}

void apply_pending_theme() {
    if (g_pending_theme < 0) return;
    g_dark = g_pending_theme == 1;
    app::ApplyTheme(g_dark, platform::lesson().high_contrast);
    g_pending_theme = -1;
}

void after_frame() {
    static int last_section = -1;
    static std::string last_view;
    app::Lesson& lesson = platform::lesson();
    if (lesson.current != last_section) {
        last_section = lesson.current;
        js_call_hook("section", app::sections()[static_cast<size_t>(lesson.current)].id);
    }
    // The address follows the view (api.js: a section change is a history entry, the rest not).
    const std::string view = view_json(app::CurrentView(lesson)).dump(-1, ' ', false, json::error_handler_t::replace);
    if (view != last_view) {
        last_view = view;
        js_call_hook("view", view.c_str());
    }
    app::Lesson::TextEdit& ed = lesson.edit;
    const auto rect = [&ed]() { return json{{"x", ed.min.x}, {"y", ed.min.y}, {"w", ed.max.x - ed.min.x}, {"h", ed.max.y - ed.min.y}}; };
    if (ed.pending) {
        ed.pending = false;
        ed.active = true;
        ed.moved = false;
        json j = rect();
        j["text"] = ed.draft;
        j["selectAll"] = ed.select_all;
        j["inputMode"] = ed.input_mode;
        js_call_hook("editText", j.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
    } else if (ed.active && (ed.target == "sentence" || ed.target == "prompt") && !ed.drawn) {
        js_call_hook("closeEdit", nullptr);  // the field left the screen (another section): apply and close
        ed.active = false;
    } else if (ed.active && ed.moved) {
        ed.moved = false;
        js_call_hook("moveEdit", rect().dump().c_str());
    }
    if (!lesson.clipboard.pending.empty()) {
#ifdef __EMSCRIPTEN__
        js_call_hook("copyText", lesson.clipboard.pending.c_str());  // answers with lesson_copied
#else
        ImGui::SetClipboardText(lesson.clipboard.pending.c_str());
        lesson_copied(1);
#endif
        lesson.clipboard.pending.clear();
    }
    if (lesson.clipboard.link) {
        lesson.clipboard.link = false;
#ifdef __EMSCRIPTEN__
        js_call_hook("copyLink", view.c_str());  // the page copies its address; answers with lesson_copied
#else
        lesson_copied(0);  // no address natively
#endif
    }
    if (!lesson.download.kind.empty()) {
        const std::string request = json{{"kind", lesson.download.kind}, {"format", lesson.download.format}}.dump();
        lesson.download = app::Lesson::Download{};
        js_call_hook("download", request.c_str());
    }
    if (lesson.progress_dirty) {
        lesson.progress_dirty = false;
        js_call_hook("progress", progress_json(lesson.progress).dump().c_str());
    }
}

void notify_first_frame() { js_call_hook("firstFrame", nullptr); }

void release_keyboard() { js_call_hook("releaseKeyboard", nullptr); }

#ifdef __EMSCRIPTEN__
const char* const kFallbackFontDir = "/fallback";
void request_font(const char* file) { js_call_hook("fetchFont", file); }  // answers with lesson_font_arrived
#else
const char* const kFallbackFontDir = ATTN_FALLBACK_FONT_DIR;
void request_font(const char* file) {
    const std::string path = std::string(kFallbackFontDir) + "/" + file;
    FILE* f = std::fopen(path.c_str(), "rb");
    if (f) std::fclose(f);
    lesson_font_arrived(file, f ? 1 : 0);
}
#endif

void notify_error(const char* message) {
    std::fprintf(stderr, "%s\n", message);
    js_call_hook("error", message);
}

void notify_fatal(const char* message) {
    std::fprintf(stderr, "%s\n", message);
    js_call_hook("fatal", message);
}

}  // namespace platform
