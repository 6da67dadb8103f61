#include "app/glyphs.h"

#include "app/theme.h"

#include <imgui_internal.h>  // ImTextCharFromUtf8

#include <algorithm>

namespace app {

const ImWchar kTextRanges[] = {0x0020, 0x00FF, 0x0100, 0x017F, 0x2010, 0x205E, 0};
// The Greek alphabet, modifier letters, super- and subscripts, and the arrows, mathematical and
// geometric signs that the lesson's text and code use (and a few of their kind); the rest of
// those blocks is in fallback-symbols.ttf, fetched when some text needs it. Each character here
// is in the page's own font file (a smaller file, a smaller page) and drawn once text uses it.
const ImWchar kSymbolRanges[] = {0x0391, 0x03A9, 0x03B1, 0x03C9, 0x1D2C, 0x1D6A, 0x2070, 0x209F, 0x2190, 0x2199,
                                 0x21BA, 0x21BB, 0x2202, 0x2202, 0x2207, 0x2208, 0x220F, 0x220F, 0x2211, 0x2212,
                                 0x2217, 0x2217, 0x221A, 0x221A, 0x221D, 0x221E, 0x2248, 0x2248, 0x2260, 0x2261,
                                 0x2264, 0x2265, 0x2299, 0x2299, 0x22C5, 0x22C5, 0x25A0, 0x25A1, 0x25B2, 0x25B2,
                                 0x25B6, 0x25B6, 0x25BC, 0x25BC, 0x25C0, 0x25C0, 0x25CB, 0x25CB, 0x25CF, 0x25CF,
                                 0x26A0, 0x26A0, 0x270E, 0x2718, 0};

// Printable ASCII, then the interface's signs: ± · × ÷ β γ ᵀ — … ← → ↺ ∂ − √ ∞ ≈ ≡ ▶ ○ ⚠ ✎ ✓ ✗
const ImWchar kCoreRanges[] = {0x0020, 0x007E, 0x00B1, 0x00B1, 0x00B7, 0x00B7, 0x00D7, 0x00D7, 0x00F7, 0x00F7,
                               0x03B2, 0x03B3, 0x1D40, 0x1D40, 0x2014, 0x2014, 0x2026, 0x2026, 0x2190, 0x2190,
                               0x2192, 0x2192, 0x21BA, 0x21BA, 0x2202, 0x2202, 0x2212, 0x2212, 0x221A, 0x221A,
                               0x221E, 0x221E, 0x2248, 0x2248, 0x2261, 0x2261, 0x25B6, 0x25B6, 0x25CB, 0x25CB,
                               0x26A0, 0x26A0, 0x270E, 0x270E, 0x2713, 0x2713, 0x2717, 0x2717, 0};

bool InRanges(const ImWchar* ranges, unsigned int c) {
    for (; ranges[0]; ranges += 2)
        if (c >= ranges[0] && c <= ranges[1]) return true;
    return false;
}

namespace {

bool in_lesson_fonts(ImWchar c) { return InRanges(kTextRanges, c) || InRanges(kSymbolRanges, c); }

// Keeps the atlas within 4096 × 4096 at a device pixel ratio of 2 (each noted character is drawn
// at all seven text sizes, about 12,500 px² together): beyond this many distinct characters,
// further ones show as "?". A whole lesson translated into Chinese uses about a thousand.
constexpr size_t kMaxNoted = 1200;

bool covers(const FallbackFont& f, ImWchar c) {
    for (size_t i = 0; i + 1 < f.coverage.size(); i += 2)
        if (c >= f.coverage[i] && c <= f.coverage[i + 1]) return true;
    return false;
}

}  // namespace

Glyphs& glyphs() {
    static Glyphs g = [] {
        Glyphs out;
        out.fonts.push_back({"fallback-scripts.ttf", "Cyrillic, Hebrew, Arabic and other letters",
                             {0x0180, 0x024F, 0x0250, 0x02FF, 0x0400, 0x052F, 0x0530, 0x058F, 0x0590, 0x05FF,
                              0x0600, 0x06FF, 0x10A0, 0x10FF, 0x1E00, 0x1EFF}});
        out.fonts.push_back({"fallback-cjk.ttf", "Chinese, Japanese and Korean characters",
                             {0x2E80, 0x2FDF, 0x3000, 0x303F, 0x3040, 0x30FF, 0x3100, 0x312F, 0x3130, 0x318F,
                              0x3400, 0x4DBF, 0x4E00, 0x9FFF, 0xAC00, 0xD7A3, 0xF900, 0xFAFF, 0xFF00, 0xFFEF}});
        out.fonts.push_back({"fallback-emoji.ttf", "emoji and symbols",
                             {0x2600, 0x27BF, 0x2B00, 0x2BFF, 0x1F300, 0x1F5FF, 0x1F600, 0x1F64F, 0x1F680, 0x1F6FF,
                              0x1F900, 0x1F9FF}});
        out.fonts.push_back({"fallback-symbols.ttf", "Greek letters, arrows and mathematical signs",
                             {0x0370, 0x03FF, 0x2190, 0x21FF, 0x2200, 0x22FF, 0x2300, 0x23FF, 0x2500, 0x25FF}});
        return out;
    }();
    return g;
}

void NoteText(const std::string& utf8) {
    Glyphs& g = glyphs();
    const char* p = utf8.c_str();
    const char* end = p + utf8.size();
    while (p < end) {
        unsigned int c = 0;
        const int n = ImTextCharFromUtf8(&c, p, end);
        if (n <= 0) break;
        p += n;
        const ImWchar w = static_cast<ImWchar>(c);
        if (c == IM_UNICODE_CODEPOINT_INVALID || InRanges(kCoreRanges, w)) continue;
        if (g.noted.size() >= kMaxNoted) break;
        const auto at = std::lower_bound(g.noted.begin(), g.noted.end(), w);
        if (at != g.noted.end() && *at == w) continue;
        if (in_lesson_fonts(w)) {  // in the page already: drawn from the next atlas on
            g.noted.insert(at, w);
            g.atlas_stale = true;
            continue;
        }
        for (const FallbackFont& f : g.fonts) {
            if (!covers(f, w)) continue;
            g.noted.insert(at, w);
            if (f.state == FontState::ready) g.atlas_stale = true;
            break;
        }
    }
}

std::vector<int> FallbackFontsNeeded() {
    Glyphs& g = glyphs();
    std::vector<int> out;
    for (size_t i = 0; i < g.fonts.size(); ++i) {
        const FallbackFont& f = g.fonts[i];
        if (f.state != FontState::absent) continue;
        if (std::any_of(g.noted.begin(), g.noted.end(), [&](ImWchar c) { return covers(f, c) && !in_lesson_fonts(c); }))
            out.push_back(static_cast<int>(i));
    }
    return out;
}

void FallbackFontArrived(const std::string& file, bool ok) {
    for (FallbackFont& f : glyphs().fonts) {
        if (file != f.file || f.state != FontState::requested) continue;
        f.state = ok ? FontState::ready : FontState::failed;
        if (ok) glyphs().atlas_stale = true;
    }
}

void RangesOf(std::vector<ImWchar> chars, ImVector<ImWchar>& out) {
    // (ImFontGlyphRangesBuilder would do it by walking a bit for every code point there is.)
    std::sort(chars.begin(), chars.end());
    chars.erase(std::unique(chars.begin(), chars.end()), chars.end());
    out.clear();
    for (size_t i = 0; i < chars.size(); ++i) {
        if (i > 0 && chars[i] == chars[i - 1] + 1) {
            out.back() = chars[i];
            continue;
        }
        out.push_back(chars[i]);
        out.push_back(chars[i]);
    }
    out.push_back(0);
}

void AtlasRanges() {
    Glyphs& g = glyphs();
    for (auto [font, out] : {std::pair{kTextRanges, &g.text_ranges}, std::pair{kSymbolRanges, &g.symbol_ranges}}) {
        std::vector<ImWchar> chars;
        for (const ImWchar* r = kCoreRanges; r[0]; r += 2)
            for (unsigned int c = r[0]; c <= r[1]; ++c)
                if (InRanges(font, c)) chars.push_back(static_cast<ImWchar>(c));
        for (ImWchar c : g.noted)
            if (InRanges(font, c)) chars.push_back(c);
        RangesOf(std::move(chars), *out);
    }
}

int MissingGlyphCount() {
    const ImFont* font = theme().fonts.body;
    if (!font) return static_cast<int>(glyphs().noted.size());
    return static_cast<int>(std::count_if(glyphs().noted.begin(), glyphs().noted.end(),
                                          [&](ImWchar c) { return font->FindGlyphNoFallback(c) == nullptr; }));
}

}  // namespace app
