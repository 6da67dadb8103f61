// glyphs.h — characters beyond the lesson's own fonts (other scripts, CJK, emoji), drawn from
// fallback fonts that are fetched only once some text needs them.
//
// The lesson's fonts cover Latin, Greek and the symbols its text uses; the atlas starts with the
// characters its own strings use. Whatever a learner types (or a lesson file holds) is noted
// with NoteText; a noted character that a fallback font covers makes the platform fetch that
// font, and the atlas is rebuilt with exactly the characters in use, so that it stays small.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

namespace app {

// What the lesson's own fonts hold (ImGui glyph ranges: inclusive pairs, 0-terminated):
// Inter for text, DejaVu Sans for the symbols Inter lacks (see scripts/make-fonts).
extern const ImWchar kTextRanges[];
extern const ImWchar kSymbolRanges[];
// What the atlas holds from the start: printable ASCII and every other character that the
// strings of the lesson's code hold (tests/app/test_glyphs.cpp reads the sources to keep it so).
// The rest of the lesson's fonts is drawn once noted text needs it, as the fallbacks are: all of
// it at seven sizes was the largest part of the page's start.
extern const ImWchar kCoreRanges[];

enum class FontState { absent, requested, ready, failed };

struct FallbackFont {
    const char* file;               // e.g. "fallback-cjk.ttf"
    const char* what;               // for messages: "Chinese, Japanese and Korean characters"
    std::vector<ImWchar> coverage;  // inclusive pairs; the same ranges scripts/make-fonts keeps
    FontState state = FontState::absent;
    ImVector<ImWchar> ranges;       // the noted characters it covers, as the atlas reads them
};

struct Glyphs {
    std::vector<FallbackFont> fonts;
    // Sorted: characters of noted text beyond kCoreRanges that the lesson's fonts or a fallback have.
    std::vector<ImWchar> noted;
    bool atlas_stale = false;       // noted characters the atlas lacks can be drawn now
    // What the atlas asks of the lesson's text and symbol fonts: kCoreRanges and the noted
    // characters, each in the font that has it (AtlasRanges).
    ImVector<ImWchar> text_ranges, symbol_ranges;
};
Glyphs& glyphs();

// Whether c is in the 0-terminated inclusive pairs of ranges.
bool InRanges(const ImWchar* ranges, unsigned int c);
// Notes the characters of utf8 beyond kCoreRanges that a font has (invalid bytes are skipped).
void NoteText(const std::string& utf8);
// Fills glyphs().text_ranges and symbol_ranges for the next atlas.
void AtlasRanges();
// The characters as ImGui glyph ranges (sorted inclusive pairs, 0-terminated).
void RangesOf(std::vector<ImWchar> chars, ImVector<ImWchar>& out);
// Indices of fallback fonts that noted characters need and that nobody has asked for yet.
std::vector<int> FallbackFontsNeeded();
// The platform reports a fetched (or failed) fallback font.
void FallbackFontArrived(const std::string& file, bool ok);
// Characters of noted text that no loaded font can draw yet.
int MissingGlyphCount();

}  // namespace app
