#include "app/theme.h"

#include "app/glyphs.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace app {

Theme& theme() {
    static Theme t;
    return t;
}

namespace {

constexpr ImU32 rgb(unsigned r, unsigned g, unsigned b, unsigned a = 255) {
    return IM_COL32(r, g, b, a);
}

Palette light_palette() {
    Palette p;
    p.page = rgb(247, 246, 243);
    p.card = rgb(255, 255, 255);
    p.card_border = rgb(226, 223, 216);
    p.text = rgb(38, 38, 44);
    p.text_muted = rgb(104, 104, 116);
    p.heading = rgb(24, 24, 32);
    p.accent = rgb(109, 62, 214);
    p.accent_soft = rgb(238, 232, 252);
    p.query = rgb(124, 77, 255);
    p.query_soft = rgb(237, 231, 255);
    p.key = rgb(0, 137, 123);
    p.key_soft = rgb(221, 243, 240);
    p.value = rgb(46, 125, 50);
    p.value_soft = rgb(226, 242, 227);
    p.attention = rgb(245, 124, 0);
    p.on_accent = rgb(255, 255, 255);
    p.on_attention = rgb(255, 255, 255);
    p.good = rgb(46, 125, 50);
    p.bad = rgb(198, 40, 40);
    p.warn = rgb(191, 112, 0);
    p.heat_neg = rgb(33, 102, 172);
    p.heat_pos = rgb(202, 0, 32);
    p.ink_dark = rgb(0, 0, 0);  // pure black and white: one of them reads at 4.58:1 or more on any colour
    p.ink_light = rgb(255, 255, 255);
    return p;
}

Palette dark_palette() {
    Palette p;
    p.page = rgb(24, 24, 28);
    p.card = rgb(34, 34, 40);
    p.card_border = rgb(56, 56, 66);
    p.text = rgb(224, 224, 230);
    p.text_muted = rgb(160, 160, 172);
    p.heading = rgb(245, 245, 250);
    p.accent = rgb(179, 148, 255);
    p.accent_soft = rgb(52, 44, 76);
    p.query = rgb(170, 136, 255);
    p.query_soft = rgb(54, 44, 86);
    p.key = rgb(77, 208, 190);
    p.key_soft = rgb(30, 62, 60);
    p.value = rgb(129, 199, 132);
    p.value_soft = rgb(34, 60, 38);
    p.attention = rgb(255, 152, 40);
    p.on_accent = rgb(24, 18, 44);     // the dark theme's accents are light: dark text reads on them
    p.on_attention = rgb(36, 22, 8);
    p.good = rgb(129, 199, 132);
    p.bad = rgb(239, 113, 113);
    p.warn = rgb(255, 183, 77);
    p.heat_neg = rgb(103, 169, 227);
    p.heat_pos = rgb(244, 109, 117);
    p.ink_dark = rgb(0, 0, 0);  // pure black and white: one of them reads at 4.58:1 or more on any colour
    p.ink_light = rgb(255, 255, 255);
    return p;
}

// High contrast (prefers-contrast: more, forced colours): black on white or white on black,
// borders in the text colour, every hue darkened (light) or lightened (dark) to read at 7:1.
Palette high_contrast_palette(bool dark) {
    Palette p;
    if (!dark) {
        p.page = rgb(255, 255, 255);
        p.card = rgb(255, 255, 255);
        p.card_border = rgb(0, 0, 0);
        p.text = rgb(0, 0, 0);
        p.text_muted = rgb(40, 40, 48);
        p.heading = rgb(0, 0, 0);
        p.accent = rgb(72, 20, 170);
        p.accent_soft = rgb(232, 224, 255);
        p.query = rgb(80, 30, 190);
        p.query_soft = rgb(234, 226, 255);
        p.key = rgb(0, 88, 78);
        p.key_soft = rgb(212, 240, 236);
        p.value = rgb(20, 88, 24);
        p.value_soft = rgb(216, 240, 216);
        p.attention = rgb(214, 90, 0);
        p.on_accent = rgb(255, 255, 255);
        p.on_attention = rgb(0, 0, 0);
        p.good = rgb(20, 88, 24);
        p.bad = rgb(160, 0, 0);
        p.warn = rgb(130, 64, 0);
        p.heat_neg = rgb(0, 56, 160);
        p.heat_pos = rgb(170, 0, 24);
    } else {
        p.page = rgb(0, 0, 0);
        p.card = rgb(0, 0, 0);
        p.card_border = rgb(255, 255, 255);
        p.text = rgb(255, 255, 255);
        p.text_muted = rgb(224, 224, 232);
        p.heading = rgb(255, 255, 255);
        p.accent = rgb(204, 178, 255);
        p.accent_soft = rgb(48, 30, 92);
        p.query = rgb(206, 184, 255);
        p.query_soft = rgb(44, 28, 88);
        p.key = rgb(110, 232, 214);
        p.key_soft = rgb(8, 52, 48);
        p.value = rgb(156, 232, 156);
        p.value_soft = rgb(16, 52, 18);
        p.attention = rgb(255, 172, 64);
        p.on_accent = rgb(0, 0, 0);
        p.on_attention = rgb(0, 0, 0);
        p.good = rgb(156, 232, 156);
        p.bad = rgb(255, 150, 150);
        p.warn = rgb(255, 204, 110);
        p.heat_neg = rgb(120, 184, 255);
        p.heat_pos = rgb(255, 124, 134);
    }
    p.ink_dark = rgb(0, 0, 0);
    p.ink_light = rgb(255, 255, 255);
    return p;
}

ImVec4 v4(ImU32 c) { return ImGui::ColorConvertU32ToFloat4(c); }

}  // namespace

ImU32 WithAlpha(ImU32 color, float alpha) {
    const unsigned a = static_cast<unsigned>(std::clamp(alpha, 0.0f, 1.0f) * 255.0f + 0.5f);
    return (color & ~IM_COL32_A_MASK) | (a << IM_COL32_A_SHIFT);
}

ImU32 Mix(ImU32 a, ImU32 b, float t) {
    const ImVec4 x = v4(a), y = v4(b);
    t = std::clamp(t, 0.0f, 1.0f);
    return ImGui::ColorConvertFloat4ToU32(ImVec4(x.x + (y.x - x.x) * t, x.y + (y.y - x.y) * t,
                                                 x.z + (y.z - x.z) * t, x.w + (y.w - x.w) * t));
}

double Luminance(ImU32 c) {
    auto channel = [c](int shift) {
        const double s = static_cast<double>((c >> shift) & 0xFF) / 255.0;
        return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(IM_COL32_R_SHIFT) + 0.7152 * channel(IM_COL32_G_SHIFT) + 0.0722 * channel(IM_COL32_B_SHIFT);
}

double ContrastRatio(ImU32 a, ImU32 b) {
    const double la = Luminance(a), lb = Luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

ImU32 TextOn(ImU32 bg, ImU32 preferred) {
    const Palette& p = theme().colors;
    const unsigned alpha = (bg >> IM_COL32_A_SHIFT) & 0xFF;
    if (alpha < 255) bg = Mix(p.card | IM_COL32_A_MASK, bg | IM_COL32_A_MASK, static_cast<float>(alpha) / 255.0f);
    if (preferred && ContrastRatio(preferred | IM_COL32_A_MASK, bg) >= kMinTextContrast) return preferred;
    return ContrastRatio(p.ink_dark, bg) >= ContrastRatio(p.ink_light, bg) ? p.ink_dark : p.ink_light;
}

ImU32 HeatColor(float v) {
    const Palette& p = theme().colors;
    if (!(v == v)) return p.card_border;  // NaN
    v = std::clamp(v, -1.0f, 1.0f);
    return v < 0 ? Mix(p.card, p.heat_neg, -v) : Mix(p.card, p.heat_pos, v);
}

void ApplyTheme(bool dark, bool high_contrast) {
    Theme& t = theme();
    t.dark = dark;
    t.high_contrast = high_contrast;
    t.colors = high_contrast ? high_contrast_palette(dark) : dark ? dark_palette() : light_palette();
    const Palette& p = t.colors;

    ImGuiStyle& s = ImGui::GetStyle();
    s = ImGuiStyle();
    s.WindowPadding = ImVec2(12, 8);  // tooltips and menus; the page pushes its own
    s.WindowRounding = 0;
    s.WindowBorderSize = 0;
    s.ChildRounding = 10;
    s.ChildBorderSize = 1;
    s.FramePadding = ImVec2(10, 6);
    s.FrameRounding = 6;
    s.ItemSpacing = ImVec2(10, 10);
    s.ItemInnerSpacing = ImVec2(8, 6);
    s.ScrollbarSize = 12;
    s.ScrollbarRounding = 6;
    s.GrabRounding = 6;
    s.GrabMinSize = 14;
    s.PopupRounding = 8;
    s.PopupBorderSize = 1;
    s.TabRounding = 6;
    s.CellPadding = ImVec2(10, 8);
    s.TouchExtraPadding = ImVec2(0, 0);
    if (high_contrast) s.FrameBorderSize = s.ChildBorderSize = 1.5f;  // every field and button outlined

    ImVec4* c = s.Colors;
    c[ImGuiCol_Text] = v4(p.text);
    c[ImGuiCol_TextDisabled] = v4(p.text_muted);
    c[ImGuiCol_WindowBg] = v4(p.page);
    c[ImGuiCol_ChildBg] = v4(p.card);
    c[ImGuiCol_PopupBg] = v4(p.card);
    c[ImGuiCol_Border] = v4(p.card_border);
    c[ImGuiCol_BorderShadow] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_FrameBg] = v4(high_contrast ? p.card : dark ? rgb(46, 46, 54) : rgb(241, 239, 235));
    c[ImGuiCol_FrameBgHovered] = v4(p.accent_soft);
    c[ImGuiCol_FrameBgActive] = v4(p.accent_soft);
    c[ImGuiCol_TitleBg] = v4(p.card);
    c[ImGuiCol_TitleBgActive] = v4(p.card);
    c[ImGuiCol_MenuBarBg] = v4(p.card);
    c[ImGuiCol_ScrollbarBg] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_ScrollbarGrab] = v4(WithAlpha(p.text_muted, 0.35f));
    c[ImGuiCol_ScrollbarGrabHovered] = v4(WithAlpha(p.text_muted, 0.55f));
    c[ImGuiCol_ScrollbarGrabActive] = v4(WithAlpha(p.text_muted, 0.75f));
    c[ImGuiCol_CheckMark] = v4(p.accent);
    c[ImGuiCol_SliderGrab] = v4(p.accent);
    c[ImGuiCol_SliderGrabActive] = v4(p.accent);
    c[ImGuiCol_Button] = v4(p.accent_soft);
    c[ImGuiCol_ButtonHovered] = v4(Mix(p.accent_soft, p.accent, 0.25f));
    c[ImGuiCol_ButtonActive] = v4(Mix(p.accent_soft, p.accent, 0.45f));
    c[ImGuiCol_Header] = v4(p.accent_soft);
    c[ImGuiCol_HeaderHovered] = v4(Mix(p.accent_soft, p.accent, 0.2f));
    c[ImGuiCol_HeaderActive] = v4(Mix(p.accent_soft, p.accent, 0.35f));
    c[ImGuiCol_Separator] = v4(p.card_border);
    c[ImGuiCol_Tab] = v4(p.card);
    c[ImGuiCol_TabHovered] = v4(p.accent_soft);
    c[ImGuiCol_TabActive] = v4(p.accent_soft);
    c[ImGuiCol_TableHeaderBg] = v4(high_contrast ? p.accent_soft : dark ? rgb(44, 44, 52) : rgb(243, 241, 236));
    c[ImGuiCol_TableBorderStrong] = v4(p.card_border);
    c[ImGuiCol_TableBorderLight] = v4(p.card_border);
    c[ImGuiCol_TableRowBg] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_TableRowBgAlt] = v4(WithAlpha(p.text_muted, 0.05f));
    c[ImGuiCol_TextSelectedBg] = v4(WithAlpha(p.accent, 0.3f));
    c[ImGuiCol_NavHighlight] = v4(p.accent);
    c[ImGuiCol_ModalWindowDimBg] = ImVec4(0, 0, 0, 0.35f);
    c[ImGuiCol_PlotHistogram] = v4(p.accent);
    c[ImGuiCol_PlotLines] = v4(p.accent);
}

bool LoadFonts(const char* dir, float dpr, const std::string& fallback_dir) {
    Theme& t = theme();
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    t.fonts = Fonts();
    t.dpr = dpr;

    const std::string base = dir;
    const std::string regular = base + "/Inter-Regular.otf", semibold = base + "/Inter-SemiBold.otf",
                      symbols = base + "/DejaVuSans.ttf", mono = base + "/DejaVuSansMono.ttf";
    for (const std::string* path : {&regular, &semibold, &symbols, &mono}) {
        if (FILE* f = std::fopen(path->c_str(), "rb")) {
            std::fclose(f);
        } else {
            std::fprintf(stderr, "font missing: %s; using the built-in font\n", path->c_str());
            io.Fonts->AddFontDefault();
            ImFont* d = io.Fonts->Fonts[0];
            t.fonts = Fonts{d, d, d, d, d, d, d};
            io.FontGlobalScale = 1.0f;
            return false;
        }
    }

    // The characters in use (glyphs.h): those of the lesson's strings and of noted text.
    AtlasRanges();
    const ImWchar* text_ranges = glyphs().text_ranges.Data;
    const ImWchar* symbol_ranges = glyphs().symbol_ranges.Data;
    static const ImWchar mono_ranges[] = {0x0020, 0x007E, 0x00B7, 0x00B7, 0x2026, 0x2026, 0x2212, 0x2212, 0};

    // Fallback fonts carry only the characters in use (see glyphs.h).
    std::vector<std::pair<std::string, const ImWchar*>> fallbacks;
    for (FallbackFont& f : glyphs().fonts) {
        if (f.state != FontState::ready) continue;
        std::vector<ImWchar> chars;
        for (ImWchar c : glyphs().noted) {
            if (InRanges(kTextRanges, c) || InRanges(kSymbolRanges, c)) continue;  // the lesson's fonts have it
            for (size_t i = 0; i + 1 < f.coverage.size(); i += 2)
                if (c >= f.coverage[i] && c <= f.coverage[i + 1]) chars.push_back(c);
        }
        RangesOf(std::move(chars), f.ranges);
        if (f.ranges.size() > 1) fallbacks.emplace_back(fallback_dir + "/" + f.file, f.ranges.Data);
    }
    auto merge_fallbacks = [&](float size) {
        for (const auto& [path, ranges] : fallbacks) {
            ImFontConfig merge;
            merge.MergeMode = true;
            merge.OversampleH = 1;
            merge.OversampleV = 1;
            io.Fonts->AddFontFromFileTTF(path.c_str(), size * dpr, &merge, ranges);
        }
    };

    auto add = [&](const std::string& path, float size, bool with_symbols) {
        ImFontConfig cfg;
        cfg.OversampleH = 1;  // rasterised at the device's pixel size already
        cfg.OversampleV = 1;
        cfg.PixelSnapH = true;
        ImFont* font = io.Fonts->AddFontFromFileTTF(path.c_str(), size * dpr, &cfg, text_ranges);
        if (with_symbols) {
            ImFontConfig merge;
            merge.MergeMode = true;
            merge.OversampleH = 1;
            merge.OversampleV = 1;
            merge.GlyphOffset = ImVec2(0, 0);
            io.Fonts->AddFontFromFileTTF(symbols.c_str(), size * dpr, &merge, symbol_ranges);
        }
        merge_fallbacks(size);
        return font;
    };
    t.fonts.body = add(regular, 17.0f, true);
    t.fonts.bold = add(semibold, 17.0f, true);
    t.fonts.small = add(regular, 14.5f, true);
    t.fonts.h1 = add(semibold, 32.0f, true);
    t.fonts.h2 = add(semibold, 23.0f, true);
    t.fonts.formula = add(regular, 24.0f, true);
    {
        ImFontConfig cfg;
        cfg.OversampleH = 1;
        cfg.OversampleV = 1;
        t.fonts.mono = io.Fonts->AddFontFromFileTTF(mono.c_str(), 15.0f * dpr, &cfg, mono_ranges);
        merge_fallbacks(15.0f);
    }
    io.FontDefault = t.fonts.body;
    io.FontGlobalScale = 1.0f / dpr;
    return io.Fonts->Build();
}

}  // namespace app
