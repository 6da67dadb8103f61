// glyphs.h — characters beyond the lesson's own fonts (other scripts, CJK, emoji), drawn from
// fallback fonts that are fetched only once some text needs them.
//
// The lesson's fonts cover Latin, Greek and the symbols its text uses. Whatever a learner types
// (or a translated lesson file holds) is noted with NoteText; a noted character that a fallback
// font covers makes the platform fetch that font, and the atlas is rebuilt with exactly the
// characters in use, so that the texture stays small.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

namespace app {

// What the lesson's own fonts hold (ImGui glyph ranges: inclusive pairs, 0-terminated):
// Inter for text, DejaVu Sans for the symbols Inter lacks (see scripts/make-fonts).
extern const ImWchar kTextRanges[];
extern const ImWchar kSymbolRanges[];

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
    std::vector<ImWchar> noted;     // sorted: characters of noted text that a fallback covers
    bool atlas_stale = false;       // a ready fallback covers characters the atlas lacks
};
Glyphs& glyphs();

// Notes the characters of utf8 that only a fallback font has (invalid bytes are skipped).
void NoteText(const std::string& utf8);
// Indices of fallback fonts that noted characters need and that nobody has asked for yet.
std::vector<int> FallbackFontsNeeded();
// The platform reports a fetched (or failed) fallback font.
void FallbackFontArrived(const std::string& file, bool ok);
// Characters of noted text that no loaded font can draw yet.
int MissingGlyphCount();

}  // namespace app
