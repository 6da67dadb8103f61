// theme.h — colours, type and spacing of the lesson, light and dark.
#pragma once

#include <imgui.h>

#include <string>

namespace app {

struct Palette {
    ImU32 page, card, card_border, text, text_muted, heading, accent, accent_soft;
    ImU32 query, query_soft;   // queries are purple throughout the lesson
    ImU32 key, key_soft;       // keys teal
    ImU32 value, value_soft;   // values green
    ImU32 attention;           // attention weights orange (alpha carries the weight)
    ImU32 on_accent;           // text on a filled accent or query colour (a chosen button)
    ImU32 on_attention;        // text on a strong attention orange
    ImU32 good, bad, warn;
    ImU32 heat_neg, heat_pos;  // diverging heat strips: negative blue, positive red
    ImU32 ink_dark, ink_light; // text on filled backgrounds, chosen by TextOn
};

struct Fonts {
    ImFont* body = nullptr;     // running text
    ImFont* bold = nullptr;     // emphasis, labels
    ImFont* small = nullptr;    // captions, table details
    ImFont* h1 = nullptr;       // page title
    ImFont* h2 = nullptr;       // section headings
    ImFont* mono = nullptr;     // numbers in matrices
    ImFont* formula = nullptr;  // the attention formula
};

struct Theme {
    bool dark = false;
    bool high_contrast = false;  // prefers-contrast: more, or forced colours
    Palette colors;
    Fonts fonts;
    float dpr = 1.0f;         // device pixel ratio the font atlas was rasterised for
    float min_target = 0.0f;  // smallest width and height of a control (40 CSS px on a phone)
};

Theme& theme();

// Sets ImGui's style and the palette for light or dark, in high contrast when asked.
void ApplyTheme(bool dark, bool high_contrast = false);

// (Re)builds the font atlas for the given pixel ratio from the font files in dir. Text is
// rasterised at size × dpr and drawn at 1/dpr scale, so it stays crisp on a 2× screen.
// Returns false, with ImGui's default font in place, when a font file is missing.
// Builds the font atlas at the device's pixel ratio: the lesson's fonts from dir, and the ready
// fallback fonts of glyphs() from fallback_dir for the characters noted so far.
bool LoadFonts(const char* dir, float dpr, const std::string& fallback_dir);

// Colour helpers.
ImU32 WithAlpha(ImU32 color, float alpha);
ImU32 Mix(ImU32 a, ImU32 b, float t);
// Diverging colour for a value in [-1, 1] (scaled by the caller).
ImU32 HeatColor(float v);

// WCAG 2.1 relative luminance of an opaque colour, and the contrast ratio of two (1 to 21).
double Luminance(ImU32 c);
double ContrastRatio(ImU32 a, ImU32 b);
constexpr double kMinTextContrast = 4.5;  // WCAG AA for normal text
// The colour of text on a filled background (a heatmap cell, chip, pill, chosen button): the
// preferred colour when it reads at kMinTextContrast or better, else the dark or the light ink,
// whichever contrasts more. A translucent background is taken over the card colour.
ImU32 TextOn(ImU32 bg, ImU32 preferred = 0);

}  // namespace app
