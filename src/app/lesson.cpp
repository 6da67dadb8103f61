// lesson.cpp — page layout, navigation, and the blocks of the lesson file.
//
// [SECTION] Sections and state
// [SECTION] Blocks of the lesson file
// [SECTION] Navigation: contents, previous / next, keys, touch
// [SECTION] The page
#include "app/lesson.h"

#include "app/glyphs.h"

#include "app/theme.h"
#include "app/widgets.h"
#include "core/file.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace app {

// [SECTION] Sections and state ----------------------------------------------------------------------

const char* const kItSentence = "The animal did not cross the street because it was too tired";
const char* const kReferents[3] = {"the animal", "the street", "can't tell"};

const std::vector<SectionInfo>& sections() {
    static const std::vector<SectionInfo> table = {
        {"intro", "Before we begin", "prediction"},
        {"text-to-vectors", "From text to vectors", "pipeline"},
        {"encoder-block", "The encoder block", "encoder-diagram"},
        {"attention-steps", "Scaled dot-product attention, step by step", "attention-steps"},
        {"attention-explorer", "Interactive attention explorer", "explorer"},
        {"generation", "How a language model writes: one token at a time", "generation"},
        {"rnn-vs-transformer", "Transformers vs RNNs", "race"},
        {"check", "Check yourself", "prediction-revisit"},
    };
    return table;
}

int section_index(const std::string& id) {
    const auto& s = sections();
    for (size_t i = 0; i < s.size(); ++i)
        if (id == s[i].id) return static_cast<int>(i);
    return -1;
}

std::string section_title(const Lesson& lesson, int index) {
    const SectionInfo& info = sections().at(static_cast<size_t>(index));
    const attn::DocSection* s = lesson.doc.find(info.id);
    return s && !s->title.empty() ? s->title : info.fallback_title;
}

int Summary::score() const {
    if (quizzes.empty()) return -1;
    return static_cast<int>(std::lround(100.0 * right_first / static_cast<double>(quizzes.size())));
}

Summary Summarize(const Lesson& lesson) {
    const Progress& p = lesson.progress;
    Summary s;
    s.sections = static_cast<int>(sections().size());
    for (const SectionInfo& info : sections()) {
        (p.has(info.id) ? s.visited : s.not_visited).push_back(info.id);
        const attn::DocSection* section = lesson.doc.find(info.id);
        if (!section) continue;
        for (const attn::Block& b : section->blocks) {
            if (b.kind != attn::Block::Kind::Quiz) continue;
            QuizResult q;
            q.id = b.name;
            q.question = b.text;
            const auto it = p.first.find(b.name);
            if (it != p.first.end() && it->second >= 0 && it->second < static_cast<int>(b.options.size())) {
                q.first = it->second;
                q.right_first = b.options[static_cast<size_t>(it->second)].correct;
                ++s.answered;
                if (q.right_first) ++s.right_first;
            }
            s.quizzes.push_back(q);
        }
    }
    s.round = p.round;
    s.prediction = p.prediction >= 0 && p.prediction < 3 ? p.prediction : -1;
    s.prediction_held = s.prediction == kReaderReferent;
    return s;
}

void ResetQuiz(Lesson& lesson) {
    Progress& p = lesson.progress;
    if (p.quiz.empty() && p.first.empty()) return;
    p.quiz.clear();
    p.first.clear();
    ++p.round;
    lesson.progress_dirty = true;
}

Lesson::Lesson() {
    worked.reset();
}

void Lesson::load(const std::string& lesson_path, const std::string& vocab_path, const std::string& model_path,
                  const std::string& model_vocab_path) {
    load_text(lesson_path);
    load_models(vocab_path, model_path, model_vocab_path);
}

void Lesson::load_text(const std::string& lesson_path) {
    std::string text;
    if (!attn::read_file(lesson_path, text)) {
        doc_error = "The lesson text (" + lesson_path + ") could not be loaded. The interactive parts still work.";
    } else {
        doc = attn::parse_lesson(text);
        NoteText(text);  // a translated lesson may need fallback fonts
        if (!doc.errors.empty()) {
            doc_error = "The lesson text has " + std::to_string(doc.errors.size()) + " problem(s); first: " + doc.errors.front();
        }
    }
}

void Lesson::load_models(const std::string& vocab_path, const std::string& model_path, const std::string& model_vocab_path) {
    models_pending = false;
    tokenizer = load_tokenizer(vocab_path, tokenizer_error);
    explorer.selected = -1;  // "it" in the trained model's tokens (which add [CLS] and [SEP])
    if (tokenizer) {
        try {
            const attn::CorefModel m = attn::load_coref(model_path, model_vocab_path, tokenizer->vocab());
            trained = shipped = coref_lesson_model(m, *tokenizer, "encoder trained by scripts/train",
                                                   static_cast<int>(attn::kCorefSeed));
            // The same architecture with weights drawn from a seed: attention before any learning.
            attn::CorefModel random{m.vocab, attn::init_params(m.params.config, kUntrainedSeed)};
            untrained = coref_lesson_model(random, *tokenizer, "the same encoder with random weights, not trained", kUntrainedSeed);
            untrained.trained = false;
        } catch (const std::exception& e) {
            model_error = std::string("The trained model could not be loaded (") + e.what() +
                          "); the explorer shows a randomly initialised encoder instead.";
        }
    }
    // The generation section's story model sits beside the "it" model.
    if (tokenizer) {
        const std::string dir = model_path.substr(0, model_path.find_last_of('/') + 1);
        try {
            generation.shipped = attn::load_lm(dir + "story.bin", dir + "story-vocab.txt", tokenizer->vocab());
            generation.loaded = true;
            ResetGeneration(*this);
        } catch (const std::exception& e) {
            story_model_error = std::string("The story model could not be loaded (") + e.what() +
                                "); the generation section cannot write until it is trained in this browser.";
        }
    }
    explorer.dirty = pipeline.dirty = true;
    ++model_version;
}

std::vector<std::string> Lesson::problems() const {
    std::vector<std::string> out;
    for (const std::string* p : {&doc_error, &tokenizer_error, &model_error, &race.reference_error, &story_model_error})
        if (!p->empty()) out.push_back(*p);
    return out;
}

const LessonModel& Lesson::bert_model() const {
    if (bert_embeddings.params.layers.empty()) {
        bert_embeddings = random_model(kUntrainedSeed);
        // The text-to-vectors page reads as much of a text as BERT does: its positions are
        // sinusoidal, so the same weights take any length.
        bert_embeddings.params.config.max_len = attn::limits::kBertPieces;
    }
    return bert_embeddings;
}

const LessonModel& Lesson::explorer_model() const {
    if (explorer.use_trained && trained.trained) return trained;
    if (untrained.params.layers.empty()) untrained = random_model(kUntrainedSeed);
    return untrained;
}

void NoteTokens(const SentenceRun& run) {
    // Pieces are lower-cased and stripped of accents: "Ω" is drawn as "ω", "Ł" as "ł".
    for (const attn::Token& t : run.tokens) NoteText(t.text);
}

attn::EncoderConfig Lesson::explorer_config() const {
    if (explorer.use_trained && trained.trained) return trained.params.config;
    if (!untrained.params.layers.empty()) return untrained.params.config;
    return random_config();
}

void Lesson::refresh_explorer() {
    Explorer& e = explorer;
    if (!e.dirty) return;
    // Without a vocabulary (not yet arrived, or missing) no model can run: the untrained one is
    // not built for nothing.
    if (tokenizer) explorer_model().run(e.run, tokenizer.get(), text);
    else e.run = untokenized_run(text);
    NoteTokens(e.run);
    e.dirty = false;
    if (e.selected >= static_cast<int>(e.run.tokens.size())) e.selected = -1;
    if (e.selected < 0 && e.run.ok()) e.selected = find_token(e.run, "it");
}

void Lesson::mark_visited(const std::string& id) {
    if (!progress.has(id)) {
        progress.visited.push_back(id);
        progress_dirty = true;
    }
}

bool Lesson::go_to(const std::string& id) {
    const int i = section_index(id);
    if (i < 0) return false;
    if (i != current) {
        current = i;
        ++section_changed;
        scroll_to_top = true;
    }
    return true;
}

std::string Lesson::set_text(const std::string& text) {
    if (text.size() > attn::limits::kTextBytes) {
        return "That text is " + Thousands(text.size()) + " bytes long; the lesson takes at most " +
               Thousands(attn::limits::kTextBytes) + " bytes (64 KB). The sentence was not changed.";
    }
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) return "The sentence is empty; it was not changed.";
    NoteText(text);  // characters beyond the lesson's fonts: their fallback font is fetched
    this->text = text;
    explorer.selected = -1;
    explorer.dirty = pipeline.dirty = true;
    return "";
}

namespace {

// `text` cut to `width` with "…" at the end when it is wider (at a UTF-8 character boundary).
// One pass over the glyphs' advances, stopping at the width: a pasted paragraph costs no more
// than a sentence.
std::string fit_text(const std::string& text, float width) {
    ImFont* font = ImGui::GetFont();
    const float scale = ImGui::GetFontSize() / font->FontSize;
    const float room = width - ImGui::CalcTextSize("…").x;
    float x = 0;
    size_t fits = 0;  // bytes of the longest prefix that leaves room for "…"
    for (const char* s = text.c_str(); *s;) {
        unsigned int c = 0;
        const int n = ImTextCharFromUtf8(&c, s, nullptr);
        if (n <= 0) break;
        x += font->GetCharAdvance(static_cast<ImWchar>(c)) * scale;
        if (x > width) break;
        s += n;
        if (x <= room) fits = static_cast<size_t>(s - text.c_str());
        if (!*s) return text;  // all of it fits
    }
    if (text.empty()) return text;
    std::string cut = text.substr(0, fits);
    while (!cut.empty() && cut.back() == ' ') cut.pop_back();
    return cut + "…";
}

}  // namespace

void SentenceField(Lesson& lesson, const char* hint) {
    const float w = ContentWidth();
    if (lesson.dom_text_input) {
        const char* buf = lesson.text.c_str();
        const Theme& t = theme();
        Lesson::TextEdit& ed = lesson.edit;
        const std::string shown = ed.active && ed.target == "sentence" ? ed.draft : std::string(buf);
        ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_FrameBg));
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImGui::GetStyleColorVec4(ImGuiCol_FrameBgHovered));
        ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImGui::GetStyleColorVec4(ImGuiCol_FrameBgActive));
        ImGui::PushStyleColor(ImGuiCol_Text, shown.empty() ? t.colors.text_muted : t.colors.text);
        ImGui::PushStyleVar(ImGuiStyleVar_ButtonTextAlign, ImVec2(0.0f, 0.5f));
        const std::string label = fit_text(shown.empty() ? hint : shown, w - 2 * ImGui::GetStyle().FramePadding.x - 30) + "##field";
        const bool pressed = ImGui::Button(label.c_str(), ImVec2(w, 0));
        const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
        ImGui::GetWindowDrawList()->AddText(ImVec2(b.x - 26, a.y + ImGui::GetStyle().FramePadding.y), t.colors.text_muted, "✎");
        ImGui::PopStyleVar();
        ImGui::PopStyleColor(4);
        FocusRing(ImGui::GetStyle().FrameRounding);
        // Tabbing onto the field opens it, as a web page's text field takes the keyboard.
        const ImGuiContext& g = *GImGui;
        const bool tabbed = g.NavJustMovedToId == ImGui::GetItemID() && !g.NavDisableHighlight;
        if ((pressed || tabbed) && !ed.active) {
            RequestEdit(lesson, "sentence", buf, a, b, false);
            ed.select_all = tabbed;
        }
        if (ed.active && ed.target == "sentence" && (a.x != ed.min.x || a.y != ed.min.y || b.x != ed.max.x || b.y != ed.max.y)) {
            ed.min = a;
            ed.max = b;
            ed.moved = true;
        }
        if (ed.target == "sentence") ed.drawn = true;
        AddControl("field", hint, Excerpt(lesson.text, 1000));
        lesson.field_min = a;
        lesson.field_max = b;
        if (ed.active && ed.target == "sentence" && ed.draft_bytes > attn::limits::kTextBytes) {
            Paragraph("This text is " + Thousands(static_cast<long long>(ed.draft_bytes)) + " bytes long; the lesson takes at most " +
                          Thousands(attn::limits::kTextBytes) + " (64 KB). Shorten it, or it will not be applied.",
                      t.colors.warn);
        }
    } else {
        char* buf = lesson.text_input;
        ImGui::SetNextItemWidth(w);
        if (!ImGui::IsItemActive() && lesson.text != buf) std::snprintf(buf, sizeof lesson.text_input, "%s", lesson.text.c_str());
        if (ImGui::InputTextWithHint("##sentence", hint, buf, sizeof lesson.text_input)) {
            const std::string error = lesson.set_text(buf);
            if (!error.empty()) lesson.banner = error;
        }
        AddControl("field", hint, buf);
        lesson.field_min = ImGui::GetItemRectMin();
        lesson.field_max = ImGui::GetItemRectMax();
    }
}

View CurrentView(Lesson& lesson) {
    View v;
    v.section = sections()[static_cast<size_t>(lesson.current)].id;
    v.text = lesson.text;
    lesson.refresh_explorer();
    const Explorer& e = lesson.explorer;
    v.token = e.selected;
    v.layer = e.layer;
    v.head = e.head;
    v.is_default_token = e.selected == find_token(e.run, "it");
    v.is_default_layer = e.layer == static_cast<int>(e.run.cache.layers.size()) - 1 || e.run.cache.layers.empty();
    v.is_default_head = e.head < 0;
    const EncoderView& enc = lesson.encoder;
    const int own_n = lesson.explorer_config().n_layers;
    if (enc.n > 0 && enc.n != own_n) v.encoder_n = enc.n;
    if (enc.layer != 0) v.encoder_block = enc.layer;
    if (enc.stage != 0) v.encoder_stage = enc.stage;
    if (enc.selected_box != 1) v.encoder_box = enc.selected_box;
    const WorkedExample& w = lesson.worked;
    v.edited = !w.is_lesson_numbers();
    if (v.edited)
        for (const auto& [mat, out] : {std::pair{&w.q, &v.q}, std::pair{&w.k, &v.k}, std::pair{&w.v, &v.v}})
            for (Eigen::Index i = 0; i < mat->size(); ++i) out->push_back(static_cast<float>(mat->data()[i]));
    return v;
}

std::string ApplyView(Lesson& lesson, const View& view) {
    std::string problems;
    lesson.refresh_explorer();
    Explorer& e = lesson.explorer;
    const int tokens = static_cast<int>(e.run.tokens.size());
    const int layers = static_cast<int>(e.run.cache.layers.size());
    const int heads = lesson.explorer_config().n_heads;
    if (view.token >= 0) {
        if (view.token < tokens) e.selected = view.token;
        else problems += " token";
    }
    if (view.layer >= 0) {
        if (view.layer < layers) e.layer = view.layer;
        else problems += " layer";
    }
    if (view.head >= -1 && !view.is_default_head) {
        if (view.head < heads) e.head = view.head;
        else problems += " head";
    }
    EncoderView& enc = lesson.encoder;
    constexpr int kStages = 6;  // input, attention, add & norm, feed-forward, add & norm, output
    if (view.encoder_n >= 0) {
        if (view.encoder_n >= 1 && view.encoder_n <= EncoderView::kMaxBlocks) enc.n = view.encoder_n;
        else problems += " n";
    }
    if (view.encoder_block >= 0) {
        const int n = enc.n > 0 ? enc.n : lesson.explorer_config().n_layers;
        if (view.encoder_block < n) enc.layer = view.encoder_block;
        else problems += " block";
    }
    if (view.encoder_stage >= 0) {
        if (view.encoder_stage < kStages) enc.stage = view.encoder_stage;
        else problems += " stage";
    }
    if (view.encoder_box >= 0) {
        if (view.encoder_box < kStages) enc.selected_box = view.encoder_box;
        else problems += " box";
    }
    if (view.edited) {
        WorkedExample& w = lesson.worked;
        bool ok = view.q.size() == 6 && view.k.size() == 6 && view.v.size() == 6;
        for (const std::vector<float>* m : {&view.q, &view.k, &view.v})
            for (float x : *m) ok = ok && std::isfinite(x) && x >= attn::limits::kCellMin && x <= attn::limits::kCellMax;
        if (ok) {
            for (int i = 0; i < 6; ++i) {
                w.q.data()[i] = view.q[static_cast<size_t>(i)];
                w.k.data()[i] = view.k[static_cast<size_t>(i)];
                w.v.data()[i] = view.v[static_cast<size_t>(i)];
            }
            w.recompute();
        } else {
            problems += " q/k/v";
        }
    }
    return problems.empty() ? "" : "Parts of the link could not be used (" + problems.substr(1) + "); the rest of the view is as linked.";
}

void RequestEdit(Lesson& lesson, const std::string& target, const std::string& text, ImVec2 min, ImVec2 max, bool number) {
    Lesson::TextEdit& ed = lesson.edit;
    if (ed.active) return;
    ed.pending = true;
    ed.target = target;
    ed.input_mode = number ? "decimal" : "text";
    ed.draft = text;
    ed.min = min;
    ed.max = max;
    ed.select_all = number;
}

void SetDraft(Lesson& lesson, std::string text) {
    Lesson::TextEdit& ed = lesson.edit;
    ed.draft_bytes = text.size();
    if (text.size() > attn::limits::kTextBytes) text.resize(attn::limits::kTextBytes);  // only what is shown meanwhile
    NoteText(text);  // a character beyond the atlas is drawn from the next frame on
    ed.draft = std::move(text);
}

std::string ApplyEdit(Lesson& lesson, const std::string& text) {
    const std::string target = lesson.edit.target;
    if (target == "sentence") {
        const std::string error = lesson.set_text(text);
        if (error.empty()) lesson.refresh_explorer();
        return error;
    }
    if (target == "prompt") return SetPrompt(lesson, text);
    // "cell:Q:row:col" of the worked example.
    char name = 0;
    int row = -1, col = -1;
    if (std::sscanf(target.c_str(), "cell:%c:%d:%d", &name, &row, &col) != 3) return "Nothing to apply the text to.";
    WorkedExample& w = lesson.worked;
    attn::Mat* m = name == 'Q' ? &w.q : name == 'K' ? &w.k : name == 'V' ? &w.v : nullptr;
    if (!m || row < 0 || col < 0 || row >= m->rows() || col >= m->cols()) return "Nothing to apply the text to.";
    std::string s = text;
    std::replace(s.begin(), s.end(), ',', '.');  // a decimal comma, as many keyboards type it
    char* end = nullptr;
    const double x = std::strtod(s.c_str(), &end);
    while (end && *end == ' ') ++end;
    if (s.find_first_not_of(' ') == std::string::npos || !end || *end != '\0' || !std::isfinite(x) || x < attn::limits::kCellMin || x > attn::limits::kCellMax)
        return w.cell_note = "\"" + Excerpt(text, 40) + "\" is not a number from " + Fixed(attn::limits::kCellMin, 0) + " to " +
                             Fixed(attn::limits::kCellMax, 0) + "; the cell keeps its value.";
    (*m)(row, col) = static_cast<attn::Scalar>(x == 0 ? 0.0 : x);  // −0 is 0: never shown as "-0.00"
    w.cell_note.clear();
    w.recompute();
    return "";
}

bool FocusedControlTakesArrows(const Lesson& lesson) {
    const ImGuiContext& g = *GImGui;
    // Focused by the keyboard, or clicked last (as a web page's slider keeps the keys after a click).
    if ((g.NavDisableHighlight && !lesson.clicked_control) || g.NavId == 0) return false;
    const ControlInfo* c = FindControl(lesson.controls, g.NavId);
    return c && c->arrows;
}

void PressFocusedControl(Lesson& lesson) {
    const ControlInfo* c = FindControl(lesson.controls, GImGui->NavId);
    // ImGui clears the input at the end of the frame. Input: a number field opens for typing.
    ImGui::GetIO().NavInputs[c && c->kind == "cell" ? ImGuiNavInput_Input : ImGuiNavInput_Activate] = 1.0f;
}

int ArrowFor(Lesson& lesson) {
    const ImGuiContext& g = *GImGui;
    if (lesson.arrow == 0 || g.NavId == 0 || g.NavId != ImGui::GetItemID()) return 0;
    const int a = lesson.arrow;
    lesson.arrow = 0;
    return a;
}

bool OptionGroupButton(Lesson& lesson, const char* group, const char* label, int index, int count, bool selected, float width) {
    const ImGuiID group_id = ImGui::GetID(group);
    ImGui::PushID(index);
    bool pressed = OptionButton(label, selected, width);
    ControlTakesArrows();
    ImGuiContext& g = *GImGui;
    if (lesson.focus_option.group == group_id && lesson.focus_option.index == index) {
        ImGui::SetFocusID(ImGui::GetItemID(), g.CurrentWindow);
        g.NavDisableHighlight = false;
        lesson.focus_option = Lesson::FocusOption();
        pressed = true;
    } else if (const int a = ArrowFor(lesson)) {
        if (index + a >= 0 && index + a < count) lesson.focus_option = Lesson::FocusOption{group_id, index + a};
    }
    ImGui::PopID();
    return pressed;
}

void CopyLinkButton(Lesson& lesson, const char* where) {
    Lesson::Clipboard& c = lesson.clipboard;
    const std::string source = std::string("copy-link:") + where;  // each button says "Copied" for itself
    const char* id = source.c_str();
    ImGui::PushID("copy-link");
    const bool shown = c.source == id && !c.status.empty();
    if (SmallButton("Copy link to this view", "button", shown ? c.status : "")) {
        c.link = true;
        c.source = id;
        c.status.clear();
    }
    ImGui::PopID();
    if (c.source != id || c.status.empty()) return;
    if (c.status_time < 0) c.status_time = ImGui::GetTime();
    if (ImGui::GetTime() - c.status_time > 3.0) return;
    ImGui::SameLine();
    Caption(c.status);
}

void SaveButtons(Lesson& lesson, const std::string& kind, const char* what) {
    Lesson::Clipboard& c = lesson.clipboard;  // its status line says "Saved …" beside the button
    // One pair per widget, with ids that stay the same while the kind and label follow the view
    // (the encoder's box, the worked example's step): the keyboard focus and tests keep them.
    ImGui::PushID("save");
    const std::string png = std::string("Save ") + what + " as PNG###png";
    const std::string png_id = "save:" + kind + ".png", csv_id = "save:" + kind + ".csv";
    if (SmallButton(png.c_str(), "button", c.source == png_id ? c.status : "")) {
        lesson.download = Lesson::Download{kind, "png"};
        c.source = png_id;
        c.status.clear();
    }
    SameLineIfFits(ButtonWidth("CSV"));
    if (SmallButton("CSV", "button", c.source == csv_id && !c.status.empty() ? c.status : std::string("save ") + what + " as CSV")) {
        lesson.download = Lesson::Download{kind, "csv"};
        c.source = csv_id;
        c.status.clear();
    }
    ImGui::PopID();
    if ((c.source != png_id && c.source != csv_id) || c.status.empty()) return;
    if (c.status_time < 0) c.status_time = ImGui::GetTime();
    if (ImGui::GetTime() - c.status_time > 3.0) return;
    ImGui::SameLine();
    Caption(c.status);
}

bool AnswerQuiz(Lesson& lesson, const std::string& quiz, int option) {
    for (const attn::DocSection& s : lesson.doc.sections)
        for (const attn::Block& b : s.blocks)
            if (b.kind == attn::Block::Kind::Quiz && b.name == quiz) {
                if (option < 0 || option >= static_cast<int>(b.options.size())) return false;
                lesson.progress.quiz[quiz] = option;
                lesson.progress_dirty = true;
                return true;
            }
    return false;
}

void CopyButton(Lesson& lesson, const char* id, const char* label, const std::string& text) {
    Lesson::Clipboard& c = lesson.clipboard;
    ImGui::PushID(id);
    const bool shown = c.source == id && !c.status.empty();
    if (SmallButton(label, "button", shown ? c.status : "")) {
        c.pending = text;
        c.source = id;
        c.status.clear();
    }
    ImGui::PopID();
    if (c.source != id || c.status.empty()) return;
    if (c.status_time < 0) c.status_time = ImGui::GetTime();
    if (ImGui::GetTime() - c.status_time > 3.0) return;
    ImGui::SameLine();
    Caption(c.status);
}

// [SECTION] Blocks of the lesson file ----------------------------------------------------------------

namespace {

// Every widget the lesson file can name: how it is drawn, and how it describes itself in words
// (describe.h: the text mirror, state().widgets and export() read the describer).
struct WidgetEntry {
    const char* name;
    WidgetFn draw;
    DescribeFn describe;
};

const WidgetEntry kWidgets[] = {
    {"attention-steps", Widget_AttentionSteps, Describe_AttentionSteps},
    {"saturation", Widget_Saturation, Describe_Saturation},
    {"prediction", Widget_Prediction, Describe_Prediction},
    {"prediction-revisit", Widget_PredictionRevisit, Describe_PredictionRevisit},
    {"pipeline", Widget_Pipeline, Describe_Pipeline},
    {"encoder-diagram", Widget_EncoderDiagram, Describe_EncoderDiagram},
    {"explorer", Widget_Explorer, Describe_Explorer},
    {"summary", Widget_Summary, Describe_Summary},
    {"race", Widget_Race, Describe_Race},
    {"generation", Widget_Generation, Describe_Generation},
    {"encoder-vs-decoder", Widget_EncoderVsDecoder, Describe_EncoderVsDecoder},
};

void draw_widget(Lesson& lesson, const attn::Block& block) {
    if (WaitsForModels(lesson, block.name)) {
        const WidgetText w = DescribeModelsLoading(block.name);
        Callout("models-loading", w.title.c_str(), w.lines.front(), theme().colors.accent);
        return;
    }
    for (const WidgetEntry& w : kWidgets) {
        if (block.name == w.name) {
            ImGui::PushID(w.name);
            w.draw(lesson, block);
            ImGui::PopID();
            return;
        }
    }
    Callout("unknown-widget", "Missing piece",
            "The lesson file asks for an interactive piece called '" + block.name + "', which this version does not have.",
            theme().colors.warn);
}

ImU32 callout_color(const std::string& kind) {
    const Palette& p = theme().colors;
    if (kind == "mistake") return p.bad;
    if (kind == "analogy") return p.attention;
    if (kind == "goals" || kind == "story") return p.accent;
    if (kind == "social") return p.query;
    if (kind == "thinking") return p.key;
    if (kind == "stabiliser") return p.value;
    return p.accent;
}

void draw_table(const attn::Block& block) {
    if (block.rows.empty()) return;
    const int cols = static_cast<int>(block.rows[0].size());
    if (cols == 0) return;
    const bool narrow = ContentWidth() < 560;
    ImGui::PushID(block.line);
    if (ImGui::BeginTable("table", cols, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                             ImGuiTableFlags_BordersOuter | ImGuiTableFlags_SizingStretchProp,
                          ImVec2(ContentWidth(), 0))) {
        for (int c = 0; c < cols; ++c)
            ImGui::TableSetupColumn(block.rows[0][static_cast<size_t>(c)].c_str(), 0, c == 0 ? (narrow ? 0.8f : 0.7f) : 1.0f);
        ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
        for (int c = 0; c < cols; ++c) {
            ImGui::TableSetColumnIndex(c);
            ImGui::PushFont(theme().fonts.bold);
            ImGui::TextWrapped("%s", block.rows[0][static_cast<size_t>(c)].c_str());
            ImGui::PopFont();
        }
        for (size_t r = 1; r < block.rows.size(); ++r) {
            ImGui::TableNextRow();
            for (int c = 0; c < cols && c < static_cast<int>(block.rows[r].size()); ++c) {
                ImGui::TableSetColumnIndex(c);
                ImGui::PushTextWrapPos(0.0f);
                if (c == 0) ImGui::PushFont(theme().fonts.bold);
                ImGui::TextUnformatted(block.rows[r][static_cast<size_t>(c)].c_str());
                if (c == 0) ImGui::PopFont();
                ImGui::PopTextWrapPos();
            }
        }
        ImGui::EndTable();
    }
    ImGui::PopID();
}

void draw_block(Lesson& lesson, const attn::Block& block) {
    using K = attn::Block::Kind;
    ImGui::PushID(block.line);
    switch (block.kind) {
    case K::Subheading: Heading2(block.text.c_str()); break;
    case K::Paragraph: Paragraph(block.text); break;
    case K::Bullets: BulletList(block.items); break;
    case K::Table: draw_table(block); break;
    case K::Callout: {
        BeginCard("callout", callout_color(block.name));
        if (!block.title.empty()) Heading3(block.title.c_str());
        std::istringstream lines(block.text);
        std::string line;
        std::vector<std::string> parts;
        while (std::getline(lines, line)) parts.push_back(line);
        if (block.name == "goals") BulletList(parts);
        else for (const std::string& p : parts) Paragraph(p);
        EndCard();
        break;
    }
    case K::Widget: draw_widget(lesson, block); break;
    case K::Terms: DrawTerms(lesson, block); break;
    case K::Quiz: DrawQuiz(lesson, block); break;
    }
    ImGui::PopID();
}

}  // namespace

bool WaitsForModels(const Lesson& lesson, const std::string& name) {
    if (!lesson.models_pending) return false;
    // The widgets that tokenize (the pipeline), run the trained "it" model (the explorer, the
    // encoder block and the prediction revisited) or the story model, or show the race's
    // reference run.
    static const char* const kNeedModels[] = {"pipeline", "explorer", "encoder-diagram", "prediction-revisit",
                                              "generation", "encoder-vs-decoder", "race"};
    for (const char* n : kNeedModels)
        if (name == n) return true;
    return false;
}

WidgetText DescribeModelsLoading(const std::string& name) {
    WidgetText w;
    w.widget = name;
    w.title = "Loading BERT's vocabulary and the trained models…";
    w.lines.push_back("This part reads text as BERT does and runs the lesson's trained models, which are still "
                      "downloading (about 200 KB). It appears here as soon as they arrive.");
    w.live = w.title;
    return w;
}

DescribeFn FindDescriber(const std::string& name) {
    for (const WidgetEntry& w : kWidgets)
        if (name == w.name) return w.describe;
    return nullptr;
}

std::vector<std::string> WidgetNames() {
    std::vector<std::string> out;
    for (const WidgetEntry& w : kWidgets) out.push_back(w.name);
    return out;
}

namespace {

// [SECTION] Navigation -----------------------------------------------------------------------------

constexpr float kMaxContentWidth = 820.0f;
constexpr float kSidebarWidth = 250.0f;

void draw_contents(Lesson& lesson, bool compact) {
    const Theme& t = theme();
    const Palette& p = t.colors;
    for (size_t i = 0; i < sections().size(); ++i) {
        const SectionInfo& s = sections()[i];
        const bool current = static_cast<int>(i) == lesson.current;
        const bool seen = lesson.progress.has(s.id);
        ImGui::PushID(s.id);
        const std::string title = section_title(lesson, static_cast<int>(i));
        const float w = compact ? 300.0f : ContentWidth();
        const ImVec2 pos = ImGui::GetCursorScreenPos();
        ImGui::PushFont(t.fonts.small);
        const float text_w = w - 40;
        const ImVec2 ts = ImGui::CalcTextSize(title.c_str(), nullptr, false, text_w);
        const float h = std::max(std::max(34.0f, theme().min_target), ts.y + 14);
        if (ImGui::InvisibleButton("item", ImVec2(w, h))) lesson.go_to(s.id);
        AddControl("link", title, current ? "current" : "");
        FocusRing();
        const bool hovered = ImGui::IsItemHovered();
        ImDrawList* dl = ImGui::GetWindowDrawList();
        if (current || hovered) dl->AddRectFilled(pos, ImVec2(pos.x + w, pos.y + h), current ? p.accent_soft : WithAlpha(p.accent_soft, 0.6f), 8);
        // A dot: filled once visited, ringed for the current section.
        const ImVec2 c(pos.x + 14, pos.y + h * 0.5f);
        if (seen) dl->AddCircleFilled(c, 5, current ? p.accent : WithAlpha(p.accent, 0.55f));
        else dl->AddCircle(c, 5, p.text_muted, 0, 1.5f);
        dl->AddText(nullptr, 0, ImVec2(pos.x + 30, pos.y + (h - ts.y) * 0.5f), current ? p.heading : p.text, title.c_str(), nullptr, text_w);
        ImGui::PopFont();
        ImGui::PopID();
    }
}

// A previous / next button: a small "Previous" or "Next" line over the section's title, which
// wraps when the button is narrow (a phone). `next` is filled with the accent and right-aligned.
constexpr float kNavPad = 12.0f;

float nav_button_height(const std::string& title, float w) {
    if (title.empty()) return 0.0f;
    const Fonts& f = theme().fonts;
    const float gs = ImGui::GetIO().FontGlobalScale;  // fonts are rasterised at the pixel ratio
    const float title_h = f.bold->CalcTextSizeA(f.bold->FontSize * gs, FLT_MAX, w - 2 * kNavPad, title.c_str()).y;
    return 2 * kNavPad + f.small->FontSize * gs + 2 + title_h;
}

bool nav_button(const char* id, const char* kicker, const std::string& title, float w, float h, bool next) {
    const Palette& p = theme().colors;
    const Fonts& f = theme().fonts;
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const bool pressed = ImGui::InvisibleButton(id, ImVec2(w, h));
    AddControl("button", std::string(next ? "Next: " : "Previous: ") + title);
    const bool hovered = ImGui::IsItemHovered();
    FocusRing();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImU32 bg = next ? (hovered ? Mix(p.accent, p.heading, 0.15f) : p.accent) : (hovered ? Mix(p.accent_soft, p.accent, 0.15f) : p.accent_soft);
    const ImU32 fg = next ? p.on_accent : p.text;
    dl->AddRectFilled(pos, ImVec2(pos.x + w, pos.y + h), bg, ImGui::GetStyle().FrameRounding);
    const float inner = w - 2 * kNavPad;
    const float gs = ImGui::GetIO().FontGlobalScale;
    const float small_size = f.small->FontSize * gs, title_size = f.bold->FontSize * gs;
    auto line_x = [&](ImFont* font, float size, const char* b, const char* e) {
        return next ? pos.x + w - kNavPad - font->CalcTextSizeA(size, FLT_MAX, 0.0f, b, e).x : pos.x + kNavPad;
    };
    float y = pos.y + kNavPad;
    dl->AddText(f.small, small_size, ImVec2(line_x(f.small, small_size, kicker, nullptr), y), next ? WithAlpha(fg, 0.8f) : p.text_muted, kicker);
    y += small_size + 2;
    // The title, wrapped line by line so that each line can be right-aligned.
    const char* s = title.c_str();
    const char* end = s + title.size();
    while (s < end) {
        const char* brk = f.bold->CalcWordWrapPositionA(gs, s, end, inner);
        if (brk == s) ++brk;  // a single glyph wider than the button: draw it anyway
        const char* e = brk;
        while (e > s && e[-1] == ' ') --e;
        dl->AddText(f.bold, title_size, ImVec2(line_x(f.bold, title_size, s, e), y), fg, s, e);
        y += title_size;
        s = brk;
        while (s < end && *s == ' ') ++s;
    }
    return pressed;
}

void draw_prev_next(Lesson& lesson) {
    const Palette& p = theme().colors;
    const int n = static_cast<int>(sections().size());
    ImGui::Dummy(ImVec2(0, 20));
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddLine(p0, ImVec2(p0.x + ContentWidth(), p0.y), p.card_border);
    ImGui::Dummy(ImVec2(0, 8));
    const float w = ContentWidth();
    const float bw = std::min((w - ImGui::GetStyle().ItemSpacing.x) * 0.5f, 320.0f);
    const bool has_prev = lesson.current > 0, has_next = lesson.current + 1 < n;
    const std::string prev = has_prev ? section_title(lesson, lesson.current - 1) : std::string();
    const std::string next = has_next ? section_title(lesson, lesson.current + 1) : std::string();
    const float h = std::max(nav_button_height(prev, bw), nav_button_height(next, bw));
    if (has_prev) {
        if (nav_button("prev", "←  Previous", prev, bw, h, false)) lesson.go_to(sections()[static_cast<size_t>(lesson.current - 1)].id);
        ImGui::SameLine();
    }
    if (has_next) {
        ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.0f, ImGui::GetContentRegionAvail().x - bw));
        const bool go = nav_button("next", "Next  →", next, bw, h, true);
        lesson.next_min = ImGui::GetItemRectMin();
        lesson.next_max = ImGui::GetItemRectMax();
        if (go) lesson.go_to(sections()[static_cast<size_t>(lesson.current + 1)].id);
    } else {
        ImGui::NewLine();
        const Summary s = Summarize(lesson);
        Caption(s.complete() && (s.quiz_done() || s.quizzes.empty()) ? "This is the end of the lesson. Well done."
                                                                      : "This is the end of the lesson; the summary above shows what is left.");
    }
}

void handle_keys(Lesson& lesson) {
    const int step = lesson.key_step;
    lesson.key_step = 0;
    lesson.arrow = 0;
    const ImGuiIO& io = ImGui::GetIO();
    if (step == 0 || io.WantTextInput) return;
    // The focused control takes the arrows when it uses them (a slider, a cell, a group of
    // choices; tabbing onto one may have activated it); otherwise they turn the page.
    if (FocusedControlTakesArrows(lesson)) {
        lesson.arrow = step;
        return;
    }
    if (ImGui::IsAnyItemActive()) return;
    const int target = lesson.current + step;
    if (target >= 0 && target < static_cast<int>(sections().size())) lesson.go_to(sections()[static_cast<size_t>(target)].id);
}

// Dragging the page with the mouse on an empty spot scrolls it.
void drag_to_scroll() {
    const ImGuiIO& io = ImGui::GetIO();
    if (ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows) && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 4.0f) &&
        !ImGui::IsAnyItemActive()) {
        ImGui::SetScrollY(ImGui::GetScrollY() - io.MouseDelta.y);
    }
}

void draw_header(const Lesson& lesson) {
    const Theme& t = theme();
    auto meta = [&](const char* key, const char* fallback) {
        const auto it = lesson.doc.meta.find(key);
        return it != lesson.doc.meta.end() ? it->second : std::string(fallback);
    };
    Pill(meta("track", "Language & Transformers").c_str(), t.colors.accent_soft, t.colors.accent);
    ImGui::SameLine();
    Pill(meta("level", "Advanced").c_str(), t.colors.query_soft, t.colors.query);
    Heading1(lesson.doc.title.empty() ? "Attention & Transformers" : lesson.doc.title.c_str());
    Paragraph(meta("subtitle", "How models decide what to focus on") + "  ·  " + meta("duration", "35 min") + "  ·  " +
                  meta("pace", "explore at your own pace"),
              t.colors.text_muted);
}

void draw_banner(Lesson& lesson) {
    if (lesson.banner.empty()) return;
    const Palette& p = theme().colors;
    BeginCard("banner", p.warn);
    Paragraph(lesson.banner);
    if (SmallButton("Dismiss")) lesson.banner.clear();
    EndCard();
}

}  // namespace

// [SECTION] The page ---------------------------------------------------------------------------------

void DrawLesson(Lesson& lesson) {
    const Theme& t = theme();
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->Pos);
    ImGui::SetNextWindowSize(vp->Size);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::Begin("lesson", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    ImGui::PopStyleVar();
    lesson.current = std::clamp(lesson.current, 0, static_cast<int>(sections().size()) - 1);
    const SectionInfo& info = sections()[static_cast<size_t>(lesson.current)];
    lesson.mark_visited(info.id);
    lesson.answer_boxes.clear();
    lesson.next_min = lesson.next_max = ImVec2(0, 0);
    lesson.edit.drawn = false;
    BeginControls(lesson.controls);
    lesson.touch.coast = !lesson.reduced_motion;
    TouchScrollFrame(lesson.touch, ImGui::GetIO().DeltaTime);
    handle_keys(lesson);
    if (!ImGui::GetCurrentContext()->NavWindow) ImGui::FocusWindow(ImGui::GetCurrentWindow());
    if (lesson.tab_step != 0) {
        MoveKeyboardFocus(lesson.tab_step, lesson.clicked_control);
        lesson.clicked_control = false;
    }
    lesson.tab_step = 0;
    // Training takes up to 20 ms of a frame, in whole steps, at least one (a step of the "it" model
    // takes about 27 ms in headless Chromium here, so one a frame; web/tests/load.test.mjs).
    AdvanceTraining(lesson, 20.0);
    AdvanceRace(lesson, 20.0);
    AdvanceGeneration(lesson, ImGui::GetIO().DeltaTime, 20.0);

    const bool chrome = !lesson.embed;
    const bool sidebar = chrome && vp->Size.x >= 1100;
    // A phone (a narrow page): every control at least 40 CSS px wide and tall, for a finger.
    const bool phone = vp->Size.x < 600;
    theme().min_target = phone ? 40.0f : 0.0f;
    if (phone) ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(12, std::max(6.0f, (40.0f - ImGui::GetFontSize()) * 0.5f)));
    const float side_w = sidebar ? kSidebarWidth : 0.0f;

    if (sidebar) {
        ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(16, 24));
        ImGui::PushStyleColor(ImGuiCol_ChildBg, t.colors.card);
        ImGui::BeginChild("contents", ImVec2(side_w, 0), false, ImGuiWindowFlags_AlwaysUseWindowPadding | ImGuiWindowFlags_NavFlattened);
        ImGui::PushFont(t.fonts.bold);
        ImGui::TextUnformatted("Contents");
        ImGui::PopFont();
        ImGui::Dummy(ImVec2(0, 4));
        draw_contents(lesson, false);
        ImGui::Dummy(ImVec2(0, 10));
        const int seen = static_cast<int>(lesson.progress.visited.size());
        Caption(std::to_string(std::min(seen, static_cast<int>(sections().size()))) + " of " +
                std::to_string(sections().size()) + " sections visited");
        ImGui::EndChild();
        ImGui::PopStyleColor();
        ImGui::PopStyleVar();
        ImGui::GetWindowDrawList()->AddLine(ImVec2(vp->Pos.x + side_w, vp->Pos.y), ImVec2(vp->Pos.x + side_w, vp->Pos.y + vp->Size.y), t.colors.card_border);
        ImGui::SameLine(0, 0);
    }

    const float area = vp->Size.x - side_w;
    const float margin = area < 600 ? 16.0f : 40.0f;
    const float width = std::min(kMaxContentWidth, area - 2 * margin);
    const float left = std::max(margin, (area - width) * 0.5f);

    // The page scrolls as a whole; the window padding centres a column of at most
    // kMaxContentWidth, so every widget's "available width" is the column's.
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(left, lesson.embed ? 16.0f : 28.0f));
    ImGui::BeginChild("page", ImVec2(0, 0), false,
                      ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_AlwaysUseWindowPadding | ImGuiWindowFlags_NavFlattened);
    ImGui::PopStyleVar();
    if (lesson.scroll_to_top) {
        ImGui::SetScrollY(0);
        lesson.scroll_to_top = false;
    }
    ImGui::PushTextWrapPos(0.0f);

    if (chrome) {
        draw_header(lesson);
        if (!sidebar) {
            // Narrow screens: the contents in a menu.
            const float menu_w = std::min(ContentWidth(), 420.0f);
            const std::string label = fit_text("≡  " + std::to_string(lesson.current + 1) + " / " + std::to_string(sections().size()) +
                                                   "  " + section_title(lesson, lesson.current),
                                               menu_w - 2 * ImGui::GetStyle().FramePadding.x);
            const bool open = ImGui::IsPopupOpen("contents-menu");
            if (ImGui::Button(label.c_str(), ImVec2(menu_w, 40))) ImGui::OpenPopup("contents-menu");
            AddControl("menu", "Contents", open ? "open" : "");
            // Below its button, not over its label; closed once a section is chosen.
            ImGui::SetNextWindowPos(ImVec2(ImGui::GetItemRectMin().x, ImGui::GetItemRectMax().y + 4));
            if (ImGui::BeginPopup("contents-menu")) {
                const int before = lesson.current;
                draw_contents(lesson, true);
                if (lesson.current != before) ImGui::CloseCurrentPopup();
                ImGui::EndPopup();
            }
        }
        ImGui::Dummy(ImVec2(0, 4));
    }
    draw_banner(lesson);
    if (!lesson.doc_error.empty()) Callout("doc-error", "The lesson text has a problem", lesson.doc_error, t.colors.bad);

    const attn::DocSection* section = lesson.doc.find(info.id);
    if (section) {
        Heading1(section->title.c_str());
        for (const attn::Block& block : section->blocks) draw_block(lesson, block);
    } else {
        Heading1(info.fallback_title);
        if (*info.widget) {
            attn::Block b;
            b.kind = attn::Block::Kind::Widget;
            b.name = info.widget;
            draw_widget(lesson, b);
        }
    }

    if (!lesson.single_section) draw_prev_next(lesson);
    ImGui::Dummy(ImVec2(0, 40));
    ImGui::PopTextWrapPos();
    if (!lesson.touch.in_use) drag_to_scroll();  // fingers scroll through app/touch.h
    lesson.page_scroll = ImGui::GetScrollY();
    lesson.page_scroll_max = ImGui::GetScrollMaxY();
    ImGui::EndChild();
    // A click or tap on a control: Tab goes on from it. On no control: the keyboard focus is
    // hidden, and Enter presses nothing.
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
        lesson.clicked_control = ImGui::IsAnyItemHovered();
        if (!lesson.clicked_control && !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) {
            GImGui->NavId = 0;
            GImGui->NavDisableHighlight = true;
        }
    }
    if (phone) ImGui::PopStyleVar();
    ImGui::End();
}

}  // namespace app
