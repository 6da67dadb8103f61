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
// The same, each cell a drag-or-type field; returns true when a value changed.
bool MatrixEdit(const char* id, const char* title, const std::vector<std::string>& row_labels,
                attn::Mat& m, const MatrixStyle& style, float lo, float hi);

// [SECTION] Formula -------------------------------------------------------------------------------
// softmax( Q Kᵀ / √d_k ) V, drawn with a real fraction bar and radical.
void AttentionFormula(bool scaled);

}  // namespace app
