// test_glyphs.cpp — the font atlas starts with the characters the lesson's own strings hold, and
// grows with the characters of noted text (a sentence, a prompt, a lesson file).
#include "app/glyphs.h"
#include "app/lesson.h"
#include "app/theme.h"

#include <catch2/catch.hpp>
#include <imgui.h>
#include <imgui_internal.h>  // ImTextCharFromUtf8

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace {

// The characters beyond ASCII inside the string and character literals of C++ source, with the
// comments skipped: what the lesson can draw without any text from outside.
std::map<unsigned int, int> literal_characters(const std::string& src) {
    std::map<unsigned int, int> out;
    enum { code, line_comment, block_comment, literal } state = code;
    char quote = 0;
    for (size_t i = 0; i < src.size();) {
        const char c = src[i];
        switch (state) {
            case code:
                if (src.compare(i, 2, "//") == 0) state = line_comment;
                else if (src.compare(i, 2, "/*") == 0) state = block_comment, ++i;
                // A ' between digits separates them (1'000), it does not open a literal.
                else if (c == '"' || (c == '\'' && !(i > 0 && std::isalnum(static_cast<unsigned char>(src[i - 1])))))
                    state = literal, quote = c;
                ++i;
                break;
            case line_comment:
                if (c == '\n') state = code;
                ++i;
                break;
            case block_comment:
                if (src.compare(i, 2, "*/") == 0) state = code, ++i;
                ++i;
                break;
            case literal:
                if (c == '\\') {
                    i += 2;
                } else if (c == quote) {
                    state = code;
                    ++i;
                } else if (static_cast<unsigned char>(c) >= 0x80) {
                    unsigned int cp = 0;
                    const int n = ImTextCharFromUtf8(&cp, src.c_str() + i, src.c_str() + src.size());
                    ++out[cp];
                    i += n > 0 ? static_cast<size_t>(n) : 1;
                } else {
                    ++i;
                }
                break;
        }
    }
    return out;
}

std::string read(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Saves the noted characters and the fallback fonts' states, and puts them back.
struct KeepGlyphs {
    app::Glyphs saved = app::glyphs();
    ~KeepGlyphs() { app::glyphs() = saved; }
};

}  // namespace

TEST_CASE("the atlas starts with every character the strings of the lesson's code hold") {
    std::map<unsigned int, std::string> found;  // character → a file that uses it
    for (const char* dir : {"src/app", "src/core", "src/platform"}) {
        for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(ATTN_SOURCE_DIR) + "/" + dir)) {
            const std::string ext = entry.path().extension().string();
            if (ext != ".cpp" && ext != ".h") continue;
            for (const auto& [c, n] : literal_characters(read(entry.path()))) found.emplace(c, entry.path().filename().string());
        }
    }
    REQUIRE(found.size() >= 20);  // the reader finds them: →, −, ✓ and the others
    CHECK(found.count(0x2192) == 1);
    for (const auto& [c, file] : found) {
        INFO("U+" << std::hex << std::uppercase << c << " in " << file);
        CHECK(app::InRanges(app::kCoreRanges, c));
        CHECK((app::InRanges(app::kTextRanges, c) || app::InRanges(app::kSymbolRanges, c)));  // and a font has it
    }
    for (unsigned int c = 0x20; c <= 0x7E; ++c) CHECK(app::InRanges(app::kCoreRanges, c));
}

TEST_CASE("the literal reader skips comments and escapes and finds characters in strings") {
    const auto found = literal_characters("// → not this\n/* ✓ nor this */ const char* s = \"a \\\" → b\"; char c = 'x'; int n = 1'000; // ∞\n");
    REQUIRE(found.size() == 1);
    CHECK(found.count(0x2192) == 1);
}

TEST_CASE("noted text: the lesson's fonts draw it from the next atlas on; other scripts ask for a fallback") {
    KeepGlyphs keep;
    app::Glyphs& g = app::glyphs();
    g.noted.clear();
    g.atlas_stale = false;
    for (app::FallbackFont& f : g.fonts) f.state = app::FontState::absent;

    app::NoteText("a → b · 3 × 4");  // all in the atlas from the start
    CHECK(g.noted.empty());
    CHECK_FALSE(g.atlas_stale);

    app::NoteText("café α≤β");  // é from Inter, α and ≤ from DejaVu Sans: no download
    CHECK(g.noted == std::vector<ImWchar>{0x00E9, 0x03B1, 0x2264});
    CHECK(g.atlas_stale);
    CHECK(app::FallbackFontsNeeded().empty());  // fallback-symbols covers α and ≤ as well, but is not needed

    app::NoteText("猫");  // only the CJK fallback has it
    const std::vector<int> needed = app::FallbackFontsNeeded();
    REQUIRE(needed.size() == 1);
    CHECK(std::string(g.fonts[static_cast<size_t>(needed[0])].file) == "fallback-cjk.ttf");

    app::AtlasRanges();
    CHECK(app::InRanges(g.text_ranges.Data, 'A'));
    CHECK(app::InRanges(g.text_ranges.Data, 0x00E9));
    CHECK_FALSE(app::InRanges(g.text_ranges.Data, 0x00E8));  // è was never noted
    CHECK_FALSE(app::InRanges(g.text_ranges.Data, 0x03B1));  // α is a symbol font's
    CHECK(app::InRanges(g.symbol_ranges.Data, 0x03B1));
    CHECK(app::InRanges(g.symbol_ranges.Data, 0x2192));       // a core symbol
    CHECK_FALSE(app::InRanges(g.symbol_ranges.Data, 0x03B4)); // δ was never noted
    CHECK_FALSE(app::InRanges(g.text_ranges.Data, 0x732B));   // 猫 is the fallback's
}

#ifdef ATTN_FONT_DIR
TEST_CASE("the atlas holds the core characters at first and a noted one after it is rebuilt") {
    KeepGlyphs keep;
    app::Glyphs& g = app::glyphs();
    g.noted.clear();
    ImGui::CreateContext();
    REQUIRE(app::LoadFonts(ATTN_FONT_DIR, 1.0f, ""));
    const ImFont* body = app::theme().fonts.body;
    CHECK(body->FindGlyphNoFallback('A') != nullptr);
    CHECK(body->FindGlyphNoFallback(0x2192) != nullptr);  // → merged from DejaVu Sans
    CHECK(body->FindGlyphNoFallback(0x2713) != nullptr);  // ✓
    CHECK(body->FindGlyphNoFallback(0x00E9) == nullptr);  // é: not yet
    const int core_glyphs = body->Glyphs.Size;
    CHECK(core_glyphs < 140);  // ASCII and the interface's signs, not all of Latin and Greek

    app::NoteText("Café and ∑");
    REQUIRE(g.atlas_stale);
    REQUIRE(app::LoadFonts(ATTN_FONT_DIR, 1.0f, ""));
    body = app::theme().fonts.body;
    CHECK(body->FindGlyphNoFallback(0x00E9) != nullptr);
    CHECK(body->FindGlyphNoFallback(0x2211) != nullptr);
    CHECK(body->Glyphs.Size == core_glyphs + 2);
    CHECK(app::MissingGlyphCount() == 0);
    ImGui::DestroyContext();
}
#endif

TEST_CASE("glyph ranges from characters: sorted, runs joined, duplicates dropped, 0-terminated") {
    ImVector<ImWchar> r;
    app::RangesOf({0x2192, 'c', 'a', 'b', 'a', 'x', 0x2190}, r);
    CHECK(std::vector<ImWchar>(r.begin(), r.end()) == std::vector<ImWchar>{'a', 'c', 'x', 'x', 0x2190, 0x2190, 0x2192, 0x2192, 0});
    app::RangesOf({}, r);
    CHECK(std::vector<ImWchar>(r.begin(), r.end()) == std::vector<ImWchar>{0});
}

TEST_CASE("the tokenizer's pieces are noted too: lower-cased letters the typed text does not hold") {
    KeepGlyphs keep;
    app::Glyphs& g = app::glyphs();
    app::Lesson lesson;
    lesson.load(ATTN_SOURCE_DIR "/lessons/attention-lesson.md", ATTN_VOCAB_PATH, ATTN_SOURCE_DIR "/lessons/models/coref.bin",
                ATTN_SOURCE_DIR "/lessons/models/coref-vocab.txt");
    g.noted.clear();
    REQUIRE(lesson.set_text("ΩΜΈΓΑ in Łódź").empty());
    const auto noted = [&](ImWchar c) { return std::binary_search(g.noted.begin(), g.noted.end(), c); };
    CHECK(noted(0x03A9));        // Ω, typed
    CHECK(noted(0x0141));        // Ł, typed
    CHECK_FALSE(noted(0x03C9));  // ω: only in the pieces, which are not made yet
    lesson.refresh_explorer();
    REQUIRE_FALSE(lesson.explorer.run.tokens.empty());
    CHECK(noted(0x03C9));        // ω, the piece BERT reads for Ω
    CHECK(noted(0x0142));        // ł
}
