// The lesson's own drawing code, run headless (no window, no GPU): every section in every widget
// state draws without submitting one ImGui id twice in a frame (two controls sharing an id act
// as one: "Head 1" pressed "Layer 1" too), at a desktop and a phone size, with mouse and touch;
// and text on every filled colour the lesson draws reads at WCAG AA contrast in both themes.
#include "app/lesson.h"
#include "app/theme.h"
#include "app/widgets.h"

#include <catch2/catch.hpp>
#include <imgui.h>
#include <imgui_internal.h>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

// [SECTION] ImGui's item hooks (IMGUI_ENABLE_TEST_ENGINE) -------------------------------------------

namespace {

struct ItemLog {
    std::map<ImGuiID, int> seen;            // this frame: id → times added
    std::map<ImGuiID, std::string> labels;  // what ImGui says each id is
    std::vector<std::string> duplicates;    // "where: label (id)" of every id added twice in a frame
    std::string where;                      // the section and state being drawn
    long items = 0;
};
ItemLog g_log;

}  // namespace

void ImGuiTestEngineHook_ItemAdd(ImGuiContext*, const ImRect& bb, ImGuiID id) {
    if (id == 0) return;
    ++g_log.items;
    if (++g_log.seen[id] == 2) {
        char buf[96];
        std::snprintf(buf, sizeof buf, " (id %08x at %.0f, %.0f)", id, static_cast<double>(bb.Min.x), static_cast<double>(bb.Min.y));
        g_log.duplicates.push_back(g_log.where + ": \"" + g_log.labels[id] + "\"" + buf);
    }
}
void ImGuiTestEngineHook_ItemInfo(ImGuiContext*, ImGuiID id, const char* label, ImGuiItemStatusFlags) {
    if (label) g_log.labels[id] = label;
}
void ImGuiTestEngineHook_Log(ImGuiContext*, const char*, ...) {}
const char* ImGuiTestEngine_FindItemDebugLabel(ImGuiContext*, ImGuiID) { return nullptr; }

// [SECTION] A lesson drawn headless ------------------------------------------------------------------

namespace {

struct Headless {
    app::Lesson lesson;
    Headless(float width, float height, bool touch) {
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.DisplaySize = ImVec2(width, height);
        io.DeltaTime = 1.0f / 60.0f;
        io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
        for (int k = 0; k < ImGuiKey_COUNT; ++k) io.KeyMap[k] = k;  // what a backend maps; no key is pressed
        if (touch) io.ConfigFlags |= ImGuiConfigFlags_IsTouchScreen;
        app::ApplyTheme(false);
        app::LoadFonts("/nonexistent", 1.0f, "");  // ImGui's built-in font: ids do not depend on glyphs
        unsigned char* pixels = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
        GImGui->TestEngineHookItems = true;
        lesson.load(ATTN_SOURCE_DIR "/lessons/attention-lesson.md", ATTN_VOCAB_PATH, ATTN_SOURCE_DIR "/lessons/models/coref.bin",
                    ATTN_SOURCE_DIR "/lessons/models/coref-vocab.txt");
        lesson.load_race_reference(ATTN_SOURCE_DIR "/lessons/models/race-reference.txt");
        lesson.dom_text_input = true;
    }
    ~Headless() { ImGui::DestroyContext(); }
    void frame(const std::string& where, int frames = 2) {
        for (int i = 0; i < frames; ++i) {
            g_log.seen.clear();
            g_log.where = where;
            ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
            ImGui::NewFrame();
            app::DrawLesson(lesson);
            ImGui::Render();
        }
    }
};

// Draws every section, and each in the states its controls lead to.
void visit_everything(Headless& h, const std::string& size) {
    app::Lesson& l = h.lesson;
    for (const app::SectionInfo& s : app::sections()) {
        l.go_to(s.id);
        h.frame(size + " " + s.id);
    }
    l.banner = "A message with a Dismiss button";
    h.frame(size + " banner");
    l.banner.clear();
    l.go_to("intro");
    l.progress.prediction = 1;
    l.progress.clues = {1, 10};
    l.pinned_term = 0;
    h.frame(size + " intro answered");
    l.go_to("text-to-vectors");
    l.pipeline.selected = 2;
    h.frame(size + " text-to-vectors token picked");
    l.go_to("encoder-block");
    for (int n = 1; n <= app::EncoderView::kMaxBlocks; ++n)
        for (int stage = 0; stage < 6; ++stage) {
            l.encoder.n = n;
            l.encoder.stage = l.encoder.selected_box = stage;
            l.encoder.layer = n - 1;
            h.frame(size + " encoder N=" + std::to_string(n) + " stage " + std::to_string(stage), 1);
        }
    l.encoder.n = 0;
    l.go_to("attention-steps");
    for (int step = 0; step < 5; ++step) {
        l.worked.step = step;
        l.worked.scaled = step % 2 == 0;
        l.worked.recompute();
        h.frame(size + " attention step " + std::to_string(step), 1);
    }
    l.go_to("attention-explorer");
    l.explorer.all_heads = true;
    for (int layer = 0; layer < 2; ++layer)
        for (int head = -1; head < 4; ++head) {
            l.explorer.layer = layer;
            l.explorer.head = head;
            h.frame(size + " explorer layer " + std::to_string(layer) + " head " + std::to_string(head), 1);
        }
    app::StartTraining(l, 1);
    h.frame(size + " explorer training", 3);
    l.training.running = false;
    h.frame(size + " explorer training stopped");
    l.go_to("rnn-vs-transformer");
    h.frame(size + " race reference");
    attn::RaceOptions small;
    small.steps = 2;
    small.eval_sentences = small.gradient_sentences = 2;
    small.timing_lengths = {4, 8};
    small.flops_length = 4;
    REQUIRE(app::StartRace(l, small).empty());
    h.frame(size + " race running", 2);
    l.race.longer = true;
    app::StopRace(l);
    h.frame(size + " race stopped");
    while (!l.race.race->done()) l.race.race->step();
    h.frame(size + " race done");
    CHECK(app::StartRace(l, attn::RaceOptions{0, 0}) != "");  // 0 steps: refused, said
    h.frame(size + " race refused");
    l.go_to("check");
    l.progress.quiz["attention-is"] = 0;
    l.progress.first["attention-is"] = 0;
    h.frame(size + " check answered");
    // The summary with sections left to visit (links to them), every question answered, a
    // prediction that did not hold; then after "Try the quiz again".
    l.progress.visited = {"intro", "check"};
    for (const attn::DocSection& section : l.doc.sections)
        for (const attn::Block& b : section.blocks)
            if (b.kind == attn::Block::Kind::Quiz) l.progress.first[b.name] = l.progress.quiz[b.name] = 0;
    l.progress.prediction = 1;
    h.frame(size + " check summary");
    app::ResetQuiz(l);
    h.frame(size + " check summary after try again");
    // A pasted paragraph longer than BERT reads: every section that shows the sentence.
    std::string paragraph;
    for (int i = 0; i < 700; ++i) paragraph += "the cat sat. ";
    REQUIRE(l.set_text(paragraph).empty());
    for (const char* id : {"text-to-vectors", "encoder-block", "attention-explorer", "generation"}) {
        l.go_to(id);
        h.frame(size + " paragraph " + id);
    }
    l.set_text("The animal did not cross the street because it was too tired");
    l.dom_text_input = false;  // the native app's ImGui text fields
    for (const char* id : {"text-to-vectors", "attention-explorer"}) {
        l.go_to(id);
        h.frame(size + " native " + id);
    }
}

}  // namespace

TEST_CASE("no ImGui id is submitted twice in a frame, in any section or widget state") {
    struct Size {
        const char* name;
        float w, h;
        bool touch;
    };
    for (const Size& s : {Size{"1280x800", 1280, 800, false}, Size{"390x844 touch", 390, 844, true}, Size{"1920x1080", 1920, 1080, false}}) {
        g_log = ItemLog();
        Headless h(s.w, s.h, s.touch);
        REQUIRE(h.lesson.doc_error.empty());
        REQUIRE(h.lesson.model_error.empty());
        visit_everything(h, s.name);
        INFO("size " << s.name << ": " << g_log.items << " items drawn");
        CHECK(g_log.items > 1500);  // the walk really drew the lesson (about 25 ids a frame)
        std::string all;
        for (const std::string& d : g_log.duplicates) all += "\n  " + d;
        INFO("ids submitted twice:" << all);
        CHECK(g_log.duplicates.empty());
    }
}

// [SECTION] Contrast by construction -------------------------------------------------------------------

TEST_CASE("TextOn: text on every filled colour the lesson draws reads at 4.5:1 or better, in every theme") {
    // WCAG 2.1's own examples of the formula: black on white is 21:1, #777 on white 4.48:1.
    CHECK(app::ContrastRatio(IM_COL32(0, 0, 0, 255), IM_COL32(255, 255, 255, 255)) == Approx(21.0).epsilon(1e-6));
    CHECK(app::ContrastRatio(IM_COL32(0x77, 0x77, 0x77, 255), IM_COL32(255, 255, 255, 255)) == Approx(4.48).epsilon(2e-3));
    ImGui::CreateContext();
    for (const int mode : {0, 1, 2, 3}) {  // light, dark, and both in high contrast
        const bool dark = (mode & 1) != 0;
        app::ApplyTheme(dark, (mode & 2) != 0);
        const app::Palette& p = app::theme().colors;
        std::vector<ImU32> backgrounds = {p.page, p.card, p.accent, p.accent_soft, p.query, p.query_soft, p.key, p.key_soft,
                                          p.value, p.value_soft, p.attention, p.good, p.bad, p.warn,
                                          ImGui::GetColorU32(ImGuiCol_FrameBg), ImGui::GetColorU32(ImGuiCol_Button),
                                          ImGui::GetColorU32(ImGuiCol_ButtonHovered), ImGui::GetColorU32(ImGuiCol_ButtonActive),
                                          app::WithAlpha(p.good, 0.18f), app::WithAlpha(p.bad, 0.16f), app::WithAlpha(p.good, 0.15f),
                                          app::WithAlpha(p.warn, 0.15f), app::WithAlpha(p.attention, 0.25f)};
        for (int i = 0; i <= 100; ++i) {  // the ramps: attention weights, diverging heat, hovered chips
            const float t = static_cast<float>(i) / 100.0f;
            backgrounds.push_back(app::Mix(p.card, p.attention, t));
            backgrounds.push_back(app::HeatColor(2.0f * t - 1.0f));
            backgrounds.push_back(app::Mix(app::Mix(p.card, p.attention, t), p.heading, 0.08f));
        }
        const std::vector<ImU32> preferred = {0, p.text, p.heading, p.query, p.accent, p.on_accent, p.on_attention, p.good, p.bad, p.warn};
        int pairs = 0;
        for (ImU32 bg : backgrounds)
            for (ImU32 want : preferred) {
                const ImU32 fg = app::TextOn(bg, want);
                const unsigned alpha = (bg >> IM_COL32_A_SHIFT) & 0xFF;
                const ImU32 shown = alpha < 255 ? app::Mix(p.card | IM_COL32_A_MASK, bg | IM_COL32_A_MASK, static_cast<float>(alpha) / 255.0f) : bg;
                INFO((dark ? "dark" : "light") << " theme: text " << std::hex << fg << " on " << shown);
                CHECK(app::ContrastRatio(fg | IM_COL32_A_MASK, shown) >= app::kMinTextContrast);
                ++pairs;
            }
        CHECK(pairs > 3000);
    }
    ImGui::DestroyContext();
}

// [SECTION] The lesson as text (describe.h) ----------------------------------------------------------

TEST_CASE("a pasted paragraph: the first 510 pieces are read, as BERT truncates, and the rest is counted as dropped") {
    Headless h(1280, 800, false);
    app::Lesson& l = h.lesson;
    // "the", "cat", "sat" and "." are one piece each in BERT's vocabulary: 4 tokens a sentence.
    std::string paragraph;
    for (int i = 0; i < 200; ++i) paragraph += "the cat sat. ";
    REQUIRE(l.set_text(paragraph).empty());
    l.go_to("text-to-vectors");
    h.frame("paragraph");
    const app::SentenceRun& run = l.pipeline.run;
    REQUIRE(run.ok());
    CHECK(run.tokens.size() == 510);  // 512 with [CLS] and [SEP]
    CHECK(run.truncated);
    CHECK(run.dropped == 800 - 510);
    CHECK(run.tokens[509].text == "cat");  // 127 sentences fill 508 tokens; then "the", "cat"
    const app::WidgetText w = app::DescribeWidget(l, "pipeline");
    bool noted = false;
    for (const std::string& line : w.lines) noted = noted || line.find("the other 290 were dropped") != std::string::npos;
    CHECK(noted);
    // The explorer's model keeps its own, smaller limit, and says so.
    l.go_to("attention-explorer");
    h.frame("paragraph explorer");
    CHECK(l.explorer.run.truncated);
    CHECK(static_cast<int>(l.explorer.run.tokens.size()) + l.explorer.run.dropped == 800 + 2);  // its [CLS] and [SEP]
    // One byte over 64 KB: refused with the figures, the sentence kept.
    const std::string kept = l.text;
    const std::string error = l.set_text(std::string(attn::limits::kTextBytes + 1, 'a'));
    CHECK(error.find("65,537 bytes") != std::string::npos);
    CHECK(error.find("65,536") != std::string::npos);
    CHECK(l.text == kept);
    CHECK(l.set_text(std::string(attn::limits::kTextBytes, 'a')).empty());  // exactly the limit is taken
}

TEST_CASE("a typed cell value the cells cannot take is refused and said; -0 is stored as 0") {
    Headless h(1280, 800, false);
    app::Lesson& l = h.lesson;
    l.go_to("attention-steps");
    const float before = static_cast<float>(l.worked.q(0, 1));
    for (const char* typed : {"NaN", "inf", "1e38", "-3.5", "", "two"}) {
        l.edit.target = "cell:Q:0:1";
        l.edit.active = true;
        const std::string error = app::ApplyEdit(l, typed);
        INFO("typed " << typed);
        CHECK(error.find("is not a number from -3 to 3; the cell keeps its value") != std::string::npos);
        CHECK(static_cast<float>(l.worked.q(0, 1)) == before);
        const app::WidgetText w = app::DescribeWidget(l, "attention-steps");
        CHECK(w.live == error);  // announced, and in the mirror's lines
    }
    l.edit.target = "cell:Q:0:1";
    CHECK(app::ApplyEdit(l, "-0").empty());
    CHECK(l.worked.q(0, 1) == 0);
    CHECK_FALSE(std::signbit(static_cast<double>(l.worked.q(0, 1))));
    CHECK(l.worked.cell_note.empty());  // a value taken clears the note
}

TEST_CASE("text helpers: thousands separators and excerpts cut between UTF-8 characters") {
    CHECK(app::Thousands(0) == "0");
    CHECK(app::Thousands(999) == "999");
    CHECK(app::Thousands(1000) == "1,000");
    CHECK(app::Thousands(65536) == "65,536");
    CHECK(app::Thousands(-1234567) == "-1,234,567");
    CHECK(app::Excerpt("short", 10) == "short");
    // "é" is two bytes: a cut at byte 2 would split it, so the excerpt keeps "a" only.
    CHECK(app::Excerpt("a\xc3\xa9" "bcdef", 2) == "a… (7 more bytes)");
}

TEST_CASE("every section describes itself: the lesson file's blocks in order, and each widget's live state") {
    Headless h(1280, 800, false);
    app::Lesson& l = h.lesson;
    for (const app::SectionInfo& s : app::sections()) {
        l.go_to(s.id);
        const app::SectionText text = app::DescribeSection(l);
        const attn::DocSection* doc = l.doc.find(s.id);
        REQUIRE(doc != nullptr);
        INFO("section " << s.id);
        CHECK(text.id == s.id);
        CHECK(text.title == doc->title);
        REQUIRE(text.blocks.size() == doc->blocks.size());
        for (size_t i = 0; i < doc->blocks.size(); ++i) {
            const attn::Block& b = doc->blocks[i];
            if (b.kind == attn::Block::Kind::Paragraph || b.kind == attn::Block::Kind::Subheading) CHECK(text.blocks[i].text == b.text);
            if (b.kind == attn::Block::Kind::Widget) {
                CHECK(text.blocks[i].kind == "widget");
                CHECK(!text.blocks[i].widget.title.empty());
                CHECK(!text.blocks[i].widget.lines.empty());
            }
        }
    }
}

TEST_CASE("the explorer in words: the selected token's weights are the mean of the model's heads, written to 3 decimals") {
    Headless h(1280, 800, false);
    app::Lesson& l = h.lesson;
    l.go_to("attention-explorer");
    const app::WidgetText w = app::DescribeWidget(l, "explorer");
    const app::SentenceRun& run = l.explorer.run;
    const int it = app::find_token(run, "it"), animal = app::find_token(run, "animal");
    REQUIRE(it >= 0);
    REQUIRE(animal >= 0);
    REQUIRE(l.explorer.selected == it);
    // The mean over the last layer's heads, summed here from the cache's weights.
    const attn::LayerCache& last = run.cache.layers.back();
    double weight = 0;
    for (const attn::AttentionCache& head : last.attn.heads) weight += static_cast<double>(head.weights(it, animal));
    weight /= static_cast<double>(last.attn.heads.size());
    char expected[64];
    std::snprintf(expected, sizeof expected, "\"animal\" with weight %.3f", weight);
    CHECK(w.live.find(expected) != std::string::npos);
    REQUIRE(w.tables.size() == 1);
    REQUIRE(w.tables[0].rows.size() == run.tokens.size());
    CHECK(w.tables[0].rows[static_cast<size_t>(animal)][2] == app::Fixed(weight, 3));
    // Head 3 of layer 1: the export holds that head's weights exactly.
    l.explorer.layer = 0;
    l.explorer.head = 2;
    app::MatrixExport m;
    REQUIRE(app::FindExport(l, "explorer-attention", m));
    CHECK(m.values.isApprox(run.cache.layers[0].attn.heads[2].weights, 0.0f));
}

TEST_CASE("CSV export: labels quoted as RFC 4180 asks, every digit of a float, the worked weights as worked by hand") {
    app::MatrixExport m;
    m.rows = {",", "say \"hi\""};
    m.cols = {"a", " b"};
    m.values.resize(2, 2);
    m.values << 0.5f, -1.25f, 0.1f, 3.0f;
    CHECK(app::ExportCsv(m) == ",a,\" b\"\r\n\",\",0.5,-1.25\r\n\"say \"\"hi\"\"\",0.100000001,3\r\n");
    Headless h(1280, 800, false);
    app::MatrixExport w;
    REQUIRE(app::FindExport(h.lesson, "worked-weights", w));
    // softmax(Q Kᵀ / √3) of the lesson's numbers, by hand.
    const double q[2][3] = {{0.9, 0.2, 0.5}, {0.3, 0.8, 0.4}}, k[2][3] = {{0.7, 0.4, 0.6}, {0.2, 0.9, 0.3}};
    for (int i = 0; i < 2; ++i) {
        double s[2];
        for (int j = 0; j < 2; ++j) s[j] = (q[i][0] * k[j][0] + q[i][1] * k[j][1] + q[i][2] * k[j][2]) / std::sqrt(3.0);
        const double z = std::exp(s[0]) + std::exp(s[1]);
        for (int j = 0; j < 2; ++j) CHECK(static_cast<double>(w.values(i, j)) == Approx(std::exp(s[j]) / z).epsilon(1e-6));
    }
    CHECK(w.rows == std::vector<std::string>{"Thinking", "Machines"});
}

TEST_CASE("links: the encoder's blocks, block, stage and box travel in a view; values out of range are refused and said") {
    Headless h(1280, 800, false);
    app::Lesson& l = h.lesson;
    l.encoder.n = 4;
    l.encoder.layer = 2;
    l.encoder.stage = 3;
    l.encoder.selected_box = 2;
    l.explorer.head = 1;
    const app::View v = app::CurrentView(l);
    struct Other {
        app::Lesson lesson;
    } other;  // a second lesson, as a link opens it (no second ImGui context)
    other.lesson.load(ATTN_SOURCE_DIR "/lessons/attention-lesson.md", ATTN_VOCAB_PATH, ATTN_SOURCE_DIR "/lessons/models/coref.bin",
                      ATTN_SOURCE_DIR "/lessons/models/coref-vocab.txt");
    CHECK(app::ApplyView(other.lesson, v).empty());
    CHECK(other.lesson.encoder.n == 4);
    CHECK(other.lesson.encoder.layer == 2);
    CHECK(other.lesson.encoder.stage == 3);
    CHECK(other.lesson.encoder.selected_box == 2);
    CHECK(other.lesson.explorer.head == 1);
    app::View bad;
    bad.encoder_n = 9;
    bad.encoder_stage = 6;
    const std::string problems = app::ApplyView(other.lesson, bad);
    CHECK(problems.find("n") != std::string::npos);
    CHECK(problems.find("stage") != std::string::npos);
    CHECK(other.lesson.encoder.n == 4);
}

TEST_CASE("high contrast: body text, muted text and headings read at 7:1 (WCAG AAA) on the page and on cards") {
    ImGui::CreateContext();
    for (const bool dark : {false, true}) {
        app::ApplyTheme(dark, true);
        const app::Palette& p = app::theme().colors;
        for (ImU32 bg : {p.page, p.card})
            for (ImU32 fg : {p.text, p.text_muted, p.heading, p.accent, p.query, p.key, p.value, p.good, p.bad, p.warn}) {
                INFO((dark ? "dark" : "light") << ": " << std::hex << fg << " on " << bg);
                CHECK(app::ContrastRatio(fg, bg) >= 7.0);
            }
        CHECK(app::ContrastRatio(p.card_border, p.card) >= 7.0);  // outlines are seen
    }
    ImGui::DestroyContext();
}
