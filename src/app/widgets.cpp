#include "app/widgets.h"

#include "app/controls.h"
#include "app/describe.h"
#include "app/theme.h"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace app {

// [SECTION] Text -------------------------------------------------------------------------------

namespace {
// Right edges (screen x) of the cards being drawn: ImGui 1.86 has no way to narrow the
// available width outside a child window, so the widgets here ask ContentWidth() instead.
std::vector<float> right_edges;
}  // namespace

float ContentWidth() {
    float w = ImGui::GetContentRegionAvail().x;
    if (!right_edges.empty()) w = std::min(w, right_edges.back() - ImGui::GetCursorScreenPos().x);
    return std::max(w, 1.0f);
}

void SameLineIfFits(float width, float spacing) {
    const float gap = spacing >= 0 ? spacing : ImGui::GetStyle().ItemSpacing.x;
    float limit = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    if (!right_edges.empty()) limit = std::min(limit, right_edges.back());
    if (ImGui::GetItemRectMax().x + gap + width <= limit) ImGui::SameLine(0, gap);
}

float ButtonWidth(const char* label) {
    return ImGui::CalcTextSize(label, nullptr, true).x + 2 * ImGui::GetStyle().FramePadding.x;
}

bool Button(const char* label, ImVec2 size, const char* kind, const std::string& value) {
    const float m = theme().min_target;
    if (m > 0) {
        size.x = size.x > 0 ? std::max(size.x, m) : std::max(ButtonWidth(label), m);
        size.y = std::max(size.y, m);
    }
    const bool pressed = ImGui::Button(label, size);
    const char* end = ImGui::FindRenderedTextEnd(label);
    AddControl(kind, std::string(label, end), value);
    return pressed;
}

bool SmallButton(const char* label, const char* kind, const std::string& value) {
    if (theme().min_target > 0) return Button(label, ImVec2(0, 0), kind, value);
    const bool pressed = ImGui::SmallButton(label);
    AddControl(kind, std::string(label, ImGui::FindRenderedTextEnd(label)), value);
    return pressed;
}

bool OptionButton(const char* label, bool selected, float width) {
    const Palette& p = theme().colors;
    const ImU32 bg = selected ? p.accent : p.accent_soft;
    ImGui::PushStyleColor(ImGuiCol_Button, bg);
    if (selected) {  // hovered or held, a chosen button stays dark, so its light text still reads
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, Mix(p.accent, p.heading, 0.15f));
        ImGui::PushStyleColor(ImGuiCol_ButtonActive, Mix(p.accent, p.heading, 0.25f));
    }
    ImGui::PushStyleColor(ImGuiCol_Text, TextOn(bg, selected ? p.on_accent : p.accent));
    const bool pressed = Button(label, ImVec2(width, 0), "option", selected ? "selected" : "");
    ImGui::PopStyleColor(selected ? 4 : 2);
    return pressed;
}

bool Checkbox(const char* label, bool* on) {
    const float m = theme().min_target;
    const float pad = m > 0 ? std::max(ImGui::GetStyle().FramePadding.y, (m - ImGui::GetFontSize()) * 0.5f) : ImGui::GetStyle().FramePadding.y;
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(ImGui::GetStyle().FramePadding.x, pad));
    const bool changed = ImGui::Checkbox(label, on);
    ImGui::PopStyleVar();
    AddControl("checkbox", std::string(label, ImGui::FindRenderedTextEnd(label)), *on ? "on" : "off");
    return changed;
}

bool WrapButton(const char* id, const char* mark, const std::string& text, float width) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const ImVec2 pad = style.FramePadding;
    const float mark_w = ImGui::CalcTextSize(mark).x;
    const float text_w = std::max(40.0f, width - 2 * pad.x - mark_w);
    const ImVec2 ts = ImGui::CalcTextSize(text.c_str(), nullptr, false, text_w);
    const ImVec2 size(width, ts.y + 2 * pad.y);
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const bool pressed = ImGui::InvisibleButton(id, size);
    const ImGuiCol bg = ImGui::IsItemActive() ? ImGuiCol_ButtonActive : ImGui::IsItemHovered() ? ImGuiCol_ButtonHovered : ImGuiCol_Button;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(pos, ImVec2(pos.x + size.x, pos.y + size.y), ImGui::GetColorU32(bg), style.FrameRounding);
    const ImU32 fg = TextOn(ImGui::GetColorU32(bg), ImGui::GetColorU32(ImGuiCol_Text));
    dl->AddText(ImVec2(pos.x + pad.x, pos.y + pad.y), fg, mark);
    dl->AddText(nullptr, 0.0f, ImVec2(pos.x + pad.x + mark_w, pos.y + pad.y), fg, text.c_str(), nullptr, text_w);
    FocusRing(style.FrameRounding);
    return pressed;
}

static void heading(ImFont* font, const char* text, float space_before, ImU32 color) {
    if (space_before > 0) ImGui::Dummy(ImVec2(0, space_before));
    ImGui::PushFont(font);
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + ContentWidth());
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
    ImGui::PopFont();
}

void Heading1(const char* text) { heading(theme().fonts.h1, text, 4, theme().colors.heading); }
void Heading2(const char* text) { heading(theme().fonts.h2, text, 12, theme().colors.heading); }
void Heading3(const char* text) { heading(theme().fonts.bold, text, 0, theme().colors.heading); }

namespace {

struct Run {
    std::string text;
    bool bold = false;
    bool code = false;
};

// Splits "**bold** and `code`" into runs.
std::vector<Run> parse_inline(const std::string& s) {
    std::vector<Run> runs(1);
    bool bold = false, code = false;
    for (size_t i = 0; i < s.size(); ++i) {
        if (!code && s.compare(i, 2, "**") == 0) {
            bold = !bold;
            runs.push_back(Run{"", bold, code});
            ++i;
        } else if (s[i] == '`') {
            code = !code;
            runs.push_back(Run{"", bold, code});
        } else {
            runs.back().text += s[i];
        }
    }
    return runs;
}

}  // namespace

// Word-wraps runs of different fonts on one flow, since ImGui's own wrapping is per call.
void Paragraph(const std::string& text, ImU32 color) {
    const Theme& t = theme();
    if (!color) color = t.colors.text;
    const float width = std::max(40.0f, ContentWidth());
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float line_h = ImGui::GetTextLineHeight() * 1.45f;
    float x = 0, y = 0;
    for (const Run& run : parse_inline(text)) {
        ImFont* font = run.bold ? t.fonts.bold : (run.code ? t.fonts.mono : t.fonts.body);
        const float size = (run.code ? t.fonts.mono : t.fonts.body)->FontSize * ImGui::GetIO().FontGlobalScale;
        const ImU32 col = run.code ? t.colors.accent : (run.bold ? t.colors.heading : color);
        size_t pos = 0;
        const std::string& s = run.text;
        while (pos < s.size()) {
            // Next word including its trailing spaces.
            size_t end = s.find(' ', pos);
            end = end == std::string::npos ? s.size() : s.find_first_not_of(' ', end);
            if (end == std::string::npos) end = s.size();
            const char* b = s.c_str() + pos;
            const char* e = s.c_str() + end;
            const char* word_end = e;
            while (word_end > b && word_end[-1] == ' ') --word_end;
            const float w_word = font->CalcTextSizeA(size, FLT_MAX, 0, b, word_end).x;
            const float w_full = font->CalcTextSizeA(size, FLT_MAX, 0, b, e).x;
            if (x > 0 && x + w_word > width) {
                x = 0;
                y += line_h;
            }
            if (w_word > width) {  // a single word wider than the column: let ImGui wrap it
                dl->AddText(font, size, ImVec2(origin.x + x, origin.y + y), col, b, word_end, width);
                const ImVec2 sz = font->CalcTextSizeA(size, FLT_MAX, width, b, word_end);
                y += sz.y - line_h + line_h;
                x = 0;
            } else {
                dl->AddText(font, size, ImVec2(origin.x + x, origin.y + y), col, b, word_end);
                x += w_full;
            }
            pos = end;
        }
    }
    ImGui::Dummy(ImVec2(width, y + line_h));
}

void Caption(const std::string& text) {
    ImGui::PushFont(theme().fonts.small);
    ImGui::PushStyleColor(ImGuiCol_Text, theme().colors.text_muted);
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + ContentWidth());
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
    ImGui::PopFont();
}

void BulletList(const std::vector<std::string>& items) {
    const Theme& t = theme();
    for (const std::string& item : items) {
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float r = 3.0f, h = ImGui::GetTextLineHeight();
        ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(p.x + 8, p.y + h * 0.55f), r, t.colors.accent);
        ImGui::Indent(24);
        Paragraph(item);
        ImGui::Unindent(24);
    }
}

void Pill(const char* text, ImU32 bg, ImU32 fg) {
    ImGui::PushFont(theme().fonts.small);
    const ImVec2 sz = ImGui::CalcTextSize(text);
    const ImVec2 pad(10, 4);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + sz.x + 2 * pad.x, p.y + sz.y + 2 * pad.y), bg, 999);
    dl->AddText(ImVec2(p.x + pad.x, p.y + pad.y), TextOn(bg, fg), text);
    ImGui::Dummy(ImVec2(sz.x + 2 * pad.x, sz.y + 2 * pad.y));
    ImGui::PopFont();
}

// [SECTION] Cards -------------------------------------------------------------------------------

namespace {
struct CardFrame {
    ImVec2 start;
    ImU32 accent;
    int channel_split;
    float width;
};
std::vector<CardFrame> card_stack;
constexpr float kCardPad = 18.0f;
}  // namespace

// One splitter per nesting level: the draw list's own ChannelsSplit cannot nest, and cards do.
constexpr int kMaxCardDepth = 8;
ImDrawListSplitter card_splitters[kMaxCardDepth];

void BeginCard(const char* id, ImU32 accent, float width) {
    ImGui::PushID(id);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    IM_ASSERT(card_stack.size() < static_cast<size_t>(kMaxCardDepth));
    ImDrawListSplitter& splitter = card_splitters[card_stack.size()];
    splitter.Split(dl, 2);
    splitter.SetCurrentChannel(dl, 1);
    if (width <= 0) width = ContentWidth();
    card_stack.push_back(CardFrame{ImGui::GetCursorScreenPos(), accent, 0, width});
    right_edges.push_back(ImGui::GetCursorScreenPos().x + width - kCardPad);
    ImGui::BeginGroup();
    ImGui::Dummy(ImVec2(width, kCardPad - ImGui::GetStyle().ItemSpacing.y));
    ImGui::Indent(kCardPad);
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width - 2 * kCardPad);
    ImGui::BeginGroup();
    ImGui::PushItemWidth(width - 2 * kCardPad);
}

void EndCard() {
    ImGui::PopItemWidth();
    ImGui::EndGroup();
    ImGui::PopTextWrapPos();
    ImGui::Unindent(kCardPad);
    ImGui::Dummy(ImVec2(0, kCardPad - ImGui::GetStyle().ItemSpacing.y));
    ImGui::EndGroup();
    const CardFrame f = card_stack.back();
    card_stack.pop_back();
    right_edges.pop_back();
    const ImVec2 end(f.start.x + f.width, ImGui::GetItemRectMax().y);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImDrawListSplitter& splitter = card_splitters[card_stack.size()];
    splitter.SetCurrentChannel(dl, 0);
    const Palette& p = theme().colors;
    dl->AddRectFilled(f.start, end, p.card, 12.0f);
    dl->AddRect(f.start, end, p.card_border, 12.0f);
    if (f.accent) {
        dl->AddRectFilled(f.start, ImVec2(f.start.x + 5, end.y), f.accent, 12.0f, ImDrawFlags_RoundCornersLeft);
    }
    splitter.Merge(dl);
    ImGui::PopID();
}

// Content width inside a card, for children that need it.
void Callout(const char* id, const char* title, const std::string& text, ImU32 accent) {
    BeginCard(id, accent);
    Heading3(title);
    Paragraph(text);
    EndCard();
}

// [SECTION] Matrices ------------------------------------------------------------------------------

namespace {

float label_column_width(const std::vector<std::string>& labels) {
    float w = 0;
    ImGui::PushFont(theme().fonts.small);
    for (const std::string& l : labels) w = std::max(w, ImGui::CalcTextSize(l.c_str()).x);
    ImGui::PopFont();
    return w + 14.0f;
}

ImU32 cell_color(float v, const MatrixStyle& style) {
    const Palette& p = theme().colors;
    if (!std::isfinite(v)) return WithAlpha(p.bad, 0.25f);
    if (style.attention) return Mix(p.card, p.attention, std::clamp(v, 0.0f, 1.0f) * 0.85f);
    if (style.heat) return HeatColor(0.55f * v / style.heat_scale);
    return p.card;
}

// Drawn, not laid out as text, so that matrices placed side by side line up: ImGui aligns a
// text item to the baseline of framed widgets on the same line.
void matrix_title(const char* title, ImU32 tint) {
    if (!title || !*title) return;
    ImGui::PushFont(theme().fonts.bold);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddText(p, tint ? tint : theme().colors.heading, title);
    ImGui::Dummy(ImVec2(ImGui::CalcTextSize(title).x, ImGui::GetTextLineHeight()));
    ImGui::PopFont();
}

}  // namespace

float MatrixWidth(const std::vector<std::string>& row_labels, int cols, float cell_width) {
    return label_column_width(row_labels) + static_cast<float>(cols) * (cell_width + 3.0f);
}

int MatrixView(const char* id, const char* title, const std::vector<std::string>& row_labels,
               const attn::Mat& m, const MatrixStyle& style) {
    const Theme& t = theme();
    ImGui::PushID(id);
    ImGui::BeginGroup();
    matrix_title(title, style.tint);
    const float label_w = label_column_width(row_labels);
    const float cell_w = style.cell_width, cell_h = 30.0f, gap = 3.0f;
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    int hovered = -1;
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        const float y = origin.y + static_cast<float>(i) * (cell_h + gap);
        const ImVec2 row_min(origin.x, y), row_max(origin.x + label_w + m.cols() * (cell_w + gap), y + cell_h);
        const bool row_hover = ImGui::IsWindowHovered() && mouse.x >= row_min.x && mouse.x < row_max.x &&
                               mouse.y >= row_min.y && mouse.y < row_max.y;
        if (row_hover) hovered = static_cast<int>(i);
        if (i < static_cast<Eigen::Index>(row_labels.size())) {
            ImGui::PushFont(t.fonts.small);
            const bool emph = style.highlight_row == i || row_hover;
            dl->AddText(ImVec2(origin.x, y + (cell_h - ImGui::GetTextLineHeight()) * 0.5f),
                        emph ? (style.tint ? style.tint : t.colors.heading) : t.colors.text_muted,
                        row_labels[static_cast<size_t>(i)].c_str());
            ImGui::PopFont();
        }
        for (Eigen::Index j = 0; j < m.cols(); ++j) {
            const float v = static_cast<float>(m(i, j));
            const ImVec2 a(origin.x + label_w + j * (cell_w + gap), y), b(a.x + cell_w, y + cell_h);
            dl->AddRectFilled(a, b, cell_color(v, style), 5.0f);
            if (style.highlight_row == i) dl->AddRect(a, b, style.tint ? style.tint : t.colors.accent, 5.0f, 0, 2.0f);
            char buf[32];
            if (std::isfinite(v)) {
                std::snprintf(buf, sizeof buf, "%.*f", style.decimals, static_cast<double>(v));
            } else {
                std::snprintf(buf, sizeof buf, "%s", std::isnan(v) ? "NaN" : (v > 0 ? "∞" : "−∞"));
            }
            ImGui::PushFont(t.fonts.mono);
            const ImVec2 ts = ImGui::CalcTextSize(buf);
            dl->AddText(ImVec2(b.x - ts.x - 7, a.y + (cell_h - ts.y) * 0.5f), TextOn(cell_color(v, style), t.colors.text), buf);
            ImGui::PopFont();
        }
    }
    ImGui::Dummy(ImVec2(label_w + m.cols() * (cell_w + gap), m.rows() * (cell_h + gap)));
    ImGui::EndGroup();
    ImGui::PopID();
    return hovered;
}

bool MatrixEdit(const char* id, const char* title, const std::vector<std::string>& row_labels,
                attn::Mat& m, const MatrixStyle& style, float lo, float hi, CellTap* tapped, int* arrow,
                std::string* note) {
    const bool touch = (ImGui::GetIO().ConfigFlags & ImGuiConfigFlags_IsTouchScreen) != 0;
    const Theme& t = theme();
    bool changed = false;
    ImGui::PushID(id);
    ImGui::BeginGroup();
    matrix_title(title, style.tint);
    const float label_w = label_column_width(row_labels);
    ImGui::PushFont(t.fonts.mono);
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(3, 3));
    const float pad_y = std::max(6.0f, (theme().min_target - ImGui::GetFontSize()) * 0.5f);
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(6, pad_y));
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        const ImVec2 row_pos = ImGui::GetCursorScreenPos();
        if (i < static_cast<Eigen::Index>(row_labels.size())) {
            ImGui::PushFont(t.fonts.small);
            ImGui::GetWindowDrawList()->AddText(ImVec2(row_pos.x, row_pos.y + 7), t.colors.text_muted,
                                                row_labels[static_cast<size_t>(i)].c_str());
            ImGui::PopFont();
        }
        ImGui::SetCursorScreenPos(ImVec2(row_pos.x + label_w, row_pos.y));
        for (Eigen::Index j = 0; j < m.cols(); ++j) {
            if (j) ImGui::SameLine();
            ImGui::PushID(static_cast<int>(i * m.cols() + j));
            float v = static_cast<float>(m(i, j));
            ImGui::PushStyleColor(ImGuiCol_FrameBg, cell_color(v, style));
            ImGui::SetNextItemWidth(std::max(style.cell_width, theme().min_target));
            // Typing in the canvas is for a double-click or Enter (tabbing onto a cell focuses it:
            // ← → nudge it); a finger gets the page's number input instead, with the phone's keyboard.
            const ImGuiContext& g = *GImGui;
            const ImGuiID cell_id = ImGui::GetID("##v");
            const bool type_in = !touch && (ImGui::TempInputIsActive(cell_id) || g.NavActivateInputId == cell_id ||
                                            (g.IO.MouseClickedCount[0] == 2 && g.HoveredIdPreviousFrame == cell_id));
            // Typed values are checked here rather than clamped by ImGui, so the learner is told.
            const ImGuiSliderFlags flags = type_in ? ImGuiSliderFlags_None : ImGuiSliderFlags_AlwaysClamp | ImGuiSliderFlags_NoInput;
            if (ImGui::DragFloat("##v", &v, 0.01f, lo, hi, "%.2f", flags)) {
                if (!std::isfinite(v) || v < lo || v > hi) {
                    char typed[32];
                    std::snprintf(typed, sizeof typed, "%g", static_cast<double>(v));
                    if (note) *note = std::string("\"") + typed + "\" is not a number from " + Fixed(lo, 0) + " to " + Fixed(hi, 0) +
                                      "; the cell keeps its value.";
                } else {
                    if (note) note->clear();
                    m(i, j) = static_cast<attn::Scalar>(v == 0.0f ? 0.0f : v);  // −0 is 0
                    changed = true;
                }
            }
            if (arrow && *arrow && g.NavId == ImGui::GetItemID() &&
                (g.ActiveId == 0 || g.ActiveId == ImGui::GetItemID())) {
                v = std::clamp(v + 0.05f * static_cast<float>(*arrow), lo, hi);
                m(i, j) = static_cast<attn::Scalar>(v);
                *arrow = 0;
                changed = true;
            }
            if (touch && tapped && ImGui::IsItemDeactivated() && !ImGui::IsItemDeactivatedAfterEdit())
                *tapped = CellTap{static_cast<int>(i), static_cast<int>(j), ImGui::GetItemRectMin(), ImGui::GetItemRectMax()};
            if (!touch && IsItemHoveredByMouse())
                ImGui::SetTooltip("Drag, or double-click to type (%.1f to %.1f)", lo, hi);
            char value[32];
            std::snprintf(value, sizeof value, "%.2f", static_cast<double>(v));
            AddControl("cell", std::string(title ? title : id) + " " + (i < static_cast<Eigen::Index>(row_labels.size()) ? row_labels[static_cast<size_t>(i)] : std::to_string(i)) + " " + std::to_string(j + 1), value, true);
            ControlTakesArrows();
            ImGui::PopStyleColor();
            ImGui::PopID();
        }
    }
    ImGui::PopStyleVar(2);
    ImGui::PopFont();
    ImGui::EndGroup();
    ImGui::PopID();
    return changed;
}

std::string MatrixText(const attn::Mat& m, const std::vector<std::string>& row_labels,
                       const std::vector<std::string>& col_labels, int decimals) {
    std::string out;
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
        out += '\t';
        out += j < static_cast<Eigen::Index>(col_labels.size()) ? col_labels[static_cast<size_t>(j)] : std::to_string(j + 1);
    }
    out += '\n';
    char buf[48];
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        out += i < static_cast<Eigen::Index>(row_labels.size()) ? row_labels[static_cast<size_t>(i)] : std::to_string(i + 1);
        for (Eigen::Index j = 0; j < m.cols(); ++j) {
            const double x = static_cast<double>(m(i, j));
            if (std::isfinite(x)) std::snprintf(buf, sizeof buf, "\t%.*f", decimals, x);
            else std::snprintf(buf, sizeof buf, "\t%s", std::isnan(x) ? "NaN" : (x > 0 ? "Infinity" : "-Infinity"));
            out += buf;
        }
        out += '\n';
    }
    return out;
}

std::pair<int, int> Heatmap(const char* id, const attn::Mat& m, const std::vector<std::string>& row_labels,
                            const HeatmapStyle& style_in) {
    const Theme& t = theme();
    HeatmapStyle style = style_in;
    if (!row_labels.empty()) {
        // Labelled rows must be at least a line of small text tall, or the labels overlap.
        ImGui::PushFont(t.fonts.small);
        style.cell_h = std::max(style.cell_h, ImGui::GetTextLineHeight() + 1);
        ImGui::PopFont();
    }
    ImGui::PushID(id);
    const float label_w = row_labels.empty() ? 0.0f : label_column_width(row_labels);
    const ImVec2 o = ImGui::GetCursorScreenPos();
    float top = 0;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImGui::PushFont(t.fonts.small);
    if (style.col_labels) {
        for (size_t j = 0; j < style.col_labels->size() && static_cast<Eigen::Index>(j) < m.cols(); ++j) {
            const char* text = (*style.col_labels)[j].c_str();
            const float tw = ImGui::CalcTextSize(text).x;
            const float cx = o.x + label_w + (static_cast<float>(j) + 0.5f) * style.cell_w;
            ImGui::PushClipRect(ImVec2(cx - style.cell_w * 0.5f, o.y), ImVec2(cx + style.cell_w * 0.5f, o.y + 40), true);
            dl->AddText(ImVec2(cx - std::min(tw, style.cell_w - 2) * 0.5f, o.y), t.colors.text_muted, text);
            ImGui::PopClipRect();
        }
        top = ImGui::GetTextLineHeight() + 4;
    }
    const ImVec2 grid(o.x + label_w, o.y + top);
    std::pair<int, int> hovered{-1, -1};
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const bool window_hovered = ImGui::IsWindowHovered();
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        const float y = grid.y + static_cast<float>(i) * style.cell_h;
        if (!ImGui::IsRectVisible(ImVec2(o.x, y), ImVec2(grid.x + static_cast<float>(m.cols()) * style.cell_w, y + style.cell_h)))
            continue;  // a row out of view (a paragraph's 510 positions) costs nothing
        if (i < static_cast<Eigen::Index>(row_labels.size()))
            dl->AddText(ImVec2(o.x, y + (style.cell_h - ImGui::GetTextLineHeight()) * 0.5f),
                        style.highlight_row == i ? t.colors.query : t.colors.text_muted, row_labels[static_cast<size_t>(i)].c_str());
        for (Eigen::Index j = 0; j < m.cols(); ++j) {
            const float v = static_cast<float>(m(i, j));
            const ImVec2 a(grid.x + static_cast<float>(j) * style.cell_w, y), b(a.x + style.cell_w - 1, y + style.cell_h - 1);
            MatrixStyle ms;
            ms.attention = style.attention;
            ms.heat_scale = style.scale / 0.55f * 0.9f;
            dl->AddRectFilled(a, b, cell_color(v, ms));
            if (window_hovered && mouse.x >= a.x && mouse.x < b.x + 1 && mouse.y >= a.y && mouse.y < b.y + 1)
                hovered = {static_cast<int>(i), static_cast<int>(j)};
        }
        if (style.highlight_row == i)
            dl->AddRect(ImVec2(grid.x - 1, y - 1), ImVec2(grid.x + m.cols() * style.cell_w, y + style.cell_h), t.colors.query, 2, 0, 2);
    }
    ImGui::PopFont();
    ImGui::Dummy(ImVec2(label_w + m.cols() * style.cell_w, top + m.rows() * style.cell_h));
    if (hovered.first >= 0) {
        const float v = static_cast<float>(m(hovered.first, hovered.second));
        const std::string row = hovered.first < static_cast<int>(row_labels.size()) ? row_labels[static_cast<size_t>(hovered.first)] : std::to_string(hovered.first);
        ImGui::SetTooltip("%s, column %d: %.3f", row.c_str(), hovered.second, static_cast<double>(v));
    }
    ImGui::PopID();
    return hovered;
}

void HeatStrip(const char* id, const attn::Mat& m, Eigen::Index row, float width, float height, float scale) {
    ImGui::PushID(id);
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float cw = width / static_cast<float>(std::max<Eigen::Index>(1, m.cols()));
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
        const float v = static_cast<float>(m(row, j));
        dl->AddRectFilled(ImVec2(o.x + j * cw, o.y), ImVec2(o.x + (j + 1) * cw, o.y + height), HeatColor(v / scale));
    }
    dl->AddRect(o, ImVec2(o.x + width, o.y + height), theme().colors.card_border);
    ImGui::Dummy(ImVec2(width, height));
    if (ImGui::IsItemHovered()) {
        const int j = std::clamp(static_cast<int>((ImGui::GetIO().MousePos.x - o.x) / cw), 0, static_cast<int>(m.cols()) - 1);
        ImGui::SetTooltip("dimension %d: %.3f", j, static_cast<double>(m(row, j)));
    }
    ImGui::PopID();
}

// [SECTION] Tokens ----------------------------------------------------------------------------------

int TokenChips(const char* id, const std::vector<std::string>& words, const std::function<ChipStyle(int)>& style,
               int* hovered, std::vector<std::pair<ImVec2, ImVec2>>* rects, ImFont* font) {
    constexpr size_t kChipsAlwaysDrawn = 64;
    const Theme& t = theme();
    if (!font) font = t.fonts.body;
    ImGui::PushID(id);
    ImGui::PushFont(font);
    const float avail = ContentWidth();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 pad(10, 7);
    const float gap = 6, line_gap = 10;
    const float h = std::max(theme().min_target, ImGui::GetTextLineHeight() + 2 * pad.y + 6);  // room for a weight bar
    float x = 0, y = 0;
    int clicked = -1;
    if (hovered) *hovered = -1;
    if (rects) rects->clear();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    for (size_t i = 0; i < words.size(); ++i) {
        const char* text = words[i].empty() ? " " : words[i].c_str();
        const float w = std::max(theme().min_target, ImGui::CalcTextSize(text).x + 2 * pad.x);
        if (x > 0 && x + w > avail) {
            x = 0;
            y += h + line_gap;
        }
        const ImVec2 a(origin.x + x, origin.y + y), b(a.x + w, a.y + h);
        // A pasted paragraph has hundreds of chips: those out of view are laid out, not drawn (a
        // short sentence keeps every chip a control, so Tab reaches each).
        if (words.size() > kChipsAlwaysDrawn && !ImGui::IsRectVisible(a, b)) {
            if (rects) rects->emplace_back(a, b);
            x += w + gap;
            continue;
        }
        ImGui::SetCursorScreenPos(a);
        ImGui::PushID(static_cast<int>(i));
        if (ImGui::InvisibleButton("chip", ImVec2(w, h))) clicked = static_cast<int>(i);
        FocusRing();
        const bool hover = IsItemHoveredByMouse();
        const ChipStyle st = style(static_cast<int>(i));
        AddControl("chip", words[i], st.value);
        ImGui::PopID();
        if (hover && hovered) *hovered = static_cast<int>(i);
        const ImU32 bg = hover ? Mix(st.bg ? st.bg : t.colors.card, t.colors.heading, 0.08f) : (st.bg ? st.bg : t.colors.card);
        dl->AddRectFilled(a, b, bg, 8);
        dl->AddRect(a, b, st.border ? st.border : t.colors.card_border, 8, 0, st.border ? 2.0f : 1.0f);
        dl->AddText(ImVec2(a.x + (w - ImGui::CalcTextSize(text).x) * 0.5f, a.y + (h - 6 - ImGui::GetTextLineHeight()) * 0.5f),
                    TextOn(bg, st.fg ? st.fg : t.colors.text), text);
        if (st.weight >= 0) {
            const float bw = (w - 8) * std::clamp(st.weight, 0.0f, 1.0f);
            dl->AddRectFilled(ImVec2(a.x + 4, b.y - 6), ImVec2(a.x + 4 + bw, b.y - 3), t.colors.attention, 2);
        }
        if (rects) rects->emplace_back(a, b);
        x += w + gap;
    }
    ImGui::SetCursorScreenPos(origin);
    ImGui::Dummy(ImVec2(avail, words.empty() ? 0 : y + h));
    ImGui::PopFont();
    ImGui::PopID();
    return clicked;
}

// [SECTION] Formula -------------------------------------------------------------------------------

void AttentionFormula(bool scaled) {
    const Theme& t = theme();
    ImFont* f = t.fonts.formula;
    float size = f->FontSize * ImGui::GetIO().FontGlobalScale;
    {
        // Shrink to fit a narrow column (a phone): measure the widest parts at full size.
        const float natural = f->CalcTextSizeA(size, FLT_MAX, 0, "Attention(Q, K, V)  =  softmax QK  V").x + size * 2.2f;
        const float avail = ContentWidth();
        if (natural > avail) size *= std::max(0.5f, avail / natural);
    }
    const float small_size = size * 0.72f;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    const float mid = o.y + size * 1.2f;  // the fraction bar's height
    const ImU32 col = t.colors.heading;
    float x = o.x;
    auto text = [&](const char* s, ImU32 c, float sz, float y) {
        dl->AddText(f, sz, ImVec2(x, y), c, s);
        return f->CalcTextSizeA(sz, FLT_MAX, 0, s).x;
    };
    auto centered = [&](const char* s, ImU32 c) { x += text(s, c, size, mid - size * 0.5f); };

    centered("Attention(", col);
    centered("Q", t.colors.query);
    centered(", ", col);
    centered("K", t.colors.key);
    centered(", ", col);
    centered("V", t.colors.value);
    centered(")  =  softmax", col);
    // Parentheses drawn tall around the fraction.
    const float paren_h = scaled ? size * 2.4f : size * 1.1f;
    auto paren = [&](bool open) {
        const float w = size * 0.3f, top = mid - paren_h * 0.5f, bottom = mid + paren_h * 0.5f;
        if (open) {
            dl->AddBezierQuadratic(ImVec2(x + w, top), ImVec2(x - w * 0.6f, mid), ImVec2(x + w, bottom), col, 1.8f);
        } else {
            dl->AddBezierQuadratic(ImVec2(x, top), ImVec2(x + w * 1.6f, mid), ImVec2(x, bottom), col, 1.8f);
        }
        x += w + 6;
    };
    x += 4;
    paren(true);
    if (scaled) {
        // Numerator Q Kᵀ, denominator √d_k, a bar between.
        const float num_w = f->CalcTextSizeA(size, FLT_MAX, 0, "QK").x + f->CalcTextSizeA(small_size, FLT_MAX, 0, "T").x;
        const float rad_w = size * 0.55f;
        const float den_w = rad_w + f->CalcTextSizeA(size, FLT_MAX, 0, "d").x + f->CalcTextSizeA(small_size, FLT_MAX, 0, "k").x + 4;
        const float w = std::max(num_w, den_w) + 10;
        float nx = x + (w - num_w) * 0.5f;
        const float ny = mid - size * 1.1f;
        dl->AddText(f, size, ImVec2(nx, ny), t.colors.query, "Q");
        nx += f->CalcTextSizeA(size, FLT_MAX, 0, "Q").x;
        dl->AddText(f, size, ImVec2(nx, ny), t.colors.key, "K");
        nx += f->CalcTextSizeA(size, FLT_MAX, 0, "K").x;
        dl->AddText(f, small_size, ImVec2(nx + 1, ny - size * 0.12f), t.colors.key, "T");
        dl->AddLine(ImVec2(x, mid), ImVec2(x + w, mid), col, 1.6f);
        // Radical sign: a short tick, a long down-stroke, then the overbar.
        const float dx = x + (w - den_w) * 0.5f;
        const float top = mid + size * 0.22f, bottom = mid + size * 1.25f;
        dl->PathLineTo(ImVec2(dx, bottom - size * 0.35f));
        dl->PathLineTo(ImVec2(dx + rad_w * 0.3f, bottom - size * 0.45f));
        dl->PathLineTo(ImVec2(dx + rad_w * 0.6f, bottom));
        dl->PathLineTo(ImVec2(dx + rad_w, top));
        dl->PathLineTo(ImVec2(dx + den_w + 2, top));
        dl->PathStroke(col, 0, 1.6f);
        const float tx = dx + rad_w + 2;
        dl->AddText(f, size, ImVec2(tx, top + size * 0.05f), col, "d");
        dl->AddText(f, small_size, ImVec2(tx + f->CalcTextSizeA(size, FLT_MAX, 0, "d").x, top + size * 0.45f), col, "k");
        x += w;
    } else {
        centered("Q", t.colors.query);
        centered("K", t.colors.key);
        dl->AddText(f, small_size, ImVec2(x + 1, mid - size * 0.62f), t.colors.key, "T");
        x += f->CalcTextSizeA(small_size, FLT_MAX, 0, "T").x + 3;
    }
    paren(false);
    centered(" ", col);
    centered("V", t.colors.value);
    ImGui::Dummy(ImVec2(x - o.x, (mid - o.y) * 2.0f + (scaled ? size * 0.2f : 0)));
}

}  // namespace app

namespace app {

bool IsItemHoveredByMouse() {
    const ImGuiContext& g = *GImGui;
    // While the keyboard moves the focus, ImGui reports the focused item as hovered.
    if (g.NavDisableMouseHover && !g.NavDisableHighlight) return false;
    return ImGui::IsItemHovered();
}

void FocusRing(float rounding) {
    const ImGuiContext& g = *GImGui;
    if (g.NavDisableHighlight || g.NavId == 0 || g.NavId != ImGui::GetItemID()) return;
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    ImGui::GetWindowDrawList()->AddRect(ImVec2(a.x - 3, a.y - 3), ImVec2(b.x + 3, b.y + 3), theme().colors.accent, rounding + 3, 0, 2.0f);
}

// ImGui 1.86's Tab visits text fields only. The lesson's Tab visits every control, as a web
// page's does: the same tabbing request ImGui makes for SetKeyboardFocusHere(), which focuses a
// control without pressing it (and activates a text field).
void MoveKeyboardFocus(int direction, bool from_focus) {
    ImGuiContext& g = *GImGui;
    if (direction == 0 || g.NavWindow == nullptr || g.NavWindowingTarget != nullptr) return;
    if (g.ActiveId != 0) ImGui::ClearActiveID();  // Tab leaves a text field (its edits are already applied)
    // From the control used last, clicked or tapped too (as a web page's Tab goes on from the
    // button clicked); from the top when there is none.
    const bool from_nothing = g.NavId == 0 || (g.NavDisableHighlight && !from_focus);
    g.NavTabbingDir = direction < 0 ? -1 : from_nothing ? 0 : +1;
    g.NavDisableHighlight = false;  // the ring shows from the first Tab on
    g.NavDisableMouseHover = true;
    ImGui::NavMoveRequestSubmit(ImGuiDir_None, direction < 0 ? ImGuiDir_Up : ImGuiDir_Down,
                                ImGuiNavMoveFlags_Tabbing | ImGuiNavMoveFlags_FocusApi,
                                ImGuiScrollFlags_KeepVisibleEdgeX | ImGuiScrollFlags_KeepVisibleCenterY);
    g.NavTabbingResultFirst.Clear();
    g.NavTabbingCounter = -1;
}


}  // namespace app
