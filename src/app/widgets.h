// widgets.h — drawing pieces that several sections share, with an ImGui-like API.
//
// [SECTION] Text: headings, paragraphs with **bold**, captions
// [SECTION] Cards and callouts
// [SECTION] Matrices and heatmaps
// [SECTION] Tokens
// [SECTION] Formula
#pragma once

#include "core/tensor.h"

#include <imgui.h>

#include <functional>
#include <string>
#include <vector>

namespace app {

// [SECTION] Text -------------------------------------------------------------------------------
void Heading1(const char* text);
void Heading2(const char* text);
void Heading3(const char* text);
// Wrapped running text; **bold** and `code` spans are honoured. Wraps at the content width.
void Paragraph(const std::string& text, ImU32 color = 0);
void Caption(const std::string& text);
void BulletList(const std::vector<std::string>& items);
// Small rounded label, e.g. "Advanced".
void Pill(const char* text, ImU32 bg, ImU32 fg);
float ContentWidth();
// SameLine() when an item `width` wide still fits on the current line, else a new line.
void SameLineIfFits(float width, float spacing = -1.0f);
// Draws the keyboard-focus ring around the last item when it has the keyboard focus (for
// controls drawn by hand over an InvisibleButton; ImGui's own widgets draw theirs).
void FocusRing(float rounding = 8.0f);
// The last item is under the mouse (or a finger), not merely focused by the keyboard: for tips
// that speak of the mouse.
bool IsItemHoveredByMouse();
// Keyboard focus: moves it to the next (+1) or previous (−1) control of the page, wrapping
// around; call after ImGui::NewFrame and before the page is drawn.
// from_focus: go on from the control that has the focus (one clicked last), not from the top.
void MoveKeyboardFocus(int direction, bool from_focus);

// Width of a button with this label.
float ButtonWidth(const char* label);
// Controls of the lesson: ImGui's, at least theme().min_target wide and tall (40 CSS px on a
// phone), each recorded as a control (controls.h) with its kind and value.
bool Button(const char* label, ImVec2 size = ImVec2(0, 0), const char* kind = "button", const std::string& value = {});
// A small button (a link-like action: Copy, a preset sentence), full size on a phone.
bool SmallButton(const char* label, const char* kind = "button", const std::string& value = {});
// One of a group of choices (layer, head, step): filled when selected; its value "selected".
bool OptionButton(const char* label, bool selected, float width = 0.0f);
bool Checkbox(const char* label, bool* on);
// A full-width button whose text wraps onto as many lines as it needs (a quiz answer on a phone),
// with `mark` (○, ✓, ✗) hanging at the left. Colours come from ImGuiCol_Button* and ImGuiCol_Text.
bool WrapButton(const char* id, const char* mark, const std::string& text, float width);

// [SECTION] Cards -------------------------------------------------------------------------------
// A card is a group with a rounded background drawn behind it once its size is known.
void BeginCard(const char* id, ImU32 accent = 0, float width = 0.0f);
void EndCard();
// A callout: accent bar at the left, a bold title and a paragraph.
void Callout(const char* id, const char* title, const std::string& text, ImU32 accent);

// [SECTION] Matrices ------------------------------------------------------------------------------
struct MatrixStyle {
    ImU32 tint = 0;            // header colour (query purple, key teal, …)
    bool heat = true;          // cell backgrounds coloured by value
    bool attention = false;    // values in [0, 1] shaded orange, as attention weights
    float heat_scale = 1.0f;   // |v| that maps to full colour
    int decimals = 2;
    float cell_width = 58.0f;
    int highlight_row = -1;    // a row drawn emphasised
};
// Width MatrixView / MatrixEdit take, for laying several out side by side.
float MatrixWidth(const std::vector<std::string>& row_labels, int cols, float cell_width = 58.0f);
// A labelled matrix; returns the index of the hovered row, or -1.
int MatrixView(const char* id, const char* title, const std::vector<std::string>& row_labels,
               const attn::Mat& m, const MatrixStyle& style = MatrixStyle());
// The same, each cell a drag-or-type field; returns true when a value changed. On a touch
// screen a tap on a cell does not type in the canvas: it lands in *tapped, for the caller to open
// the page's own number input over the cell.
struct CellTap {
    int row = -1, col = -1;
    ImVec2 min, max;
};
// arrow: the lesson's pending ← / → (−1 / +1), which nudges the cell that has the keyboard focus.
// note: set when a typed value is not taken as it is — not a finite number (the cell keeps its
// value), or outside [lo, hi] (the cell takes the nearest end); −0 is taken as 0.
bool MatrixEdit(const char* id, const char* title, const std::vector<std::string>& row_labels,
                attn::Mat& m, const MatrixStyle& style, float lo, float hi, CellTap* tapped = nullptr, int* arrow = nullptr,
                std::string* note = nullptr);

// A matrix as tab-separated text with a header row of column labels (or 1, 2, …) and each row's
// label first: what a "Copy" button puts on the clipboard, so it pastes into a spreadsheet.
std::string MatrixText(const attn::Mat& m, const std::vector<std::string>& row_labels,
                       const std::vector<std::string>& col_labels = {}, int decimals = 4);

// A grid of coloured cells, one per entry (no numbers); hovering shows the value. Rows are
// labelled when labels are given. attention: values in [0, 1] shaded orange; otherwise a
// diverging scale with |v| = scale at full colour. Returns the hovered (row, col) or (-1, -1).
struct HeatmapStyle {
    float cell_w = 8, cell_h = 14;
    bool attention = false;
    float scale = 1.0f;
    int highlight_row = -1;
    const std::vector<std::string>* col_labels = nullptr;  // drawn above, rotated not supported: short labels
};
std::pair<int, int> Heatmap(const char* id, const attn::Mat& m, const std::vector<std::string>& row_labels,
                            const HeatmapStyle& style = HeatmapStyle());
// One vector as a strip of cells of the given total width.
void HeatStrip(const char* id, const attn::Mat& m, Eigen::Index row, float width, float height, float scale);

// [SECTION] Tokens --------------------------------------------------------------------------------
struct ChipStyle {
    ImU32 bg = 0, fg = 0, border = 0;  // fg is a preference: TextOn keeps the text readable
    float weight = -1.0f;  // ≥ 0: a bar under the chip showing an attention weight
    const char* value = "";  // the chip's state as a control reports it ("selected", "marked")
};
// Words as rounded chips, wrapping like text. style(i) gives each chip's look. Returns the
// clicked chip or -1; hovered receives the chip under the mouse (or -1); rects (optional)
// receives each chip's rectangle in screen coordinates.
int TokenChips(const char* id, const std::vector<std::string>& words, const std::function<ChipStyle(int)>& style,
               int* hovered = nullptr, std::vector<std::pair<ImVec2, ImVec2>>* rects = nullptr, ImFont* font = nullptr);

// [SECTION] Formula -------------------------------------------------------------------------------
// softmax( Q Kᵀ / √d_k ) V, drawn with a real fraction bar and radical.
void AttentionFormula(bool scaled);

}  // namespace app
