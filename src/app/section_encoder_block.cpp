// section_encoder_block.cpp — the encoder block as a diagram whose boxes show live tensors.
//
// [SECTION] The boxes
// [SECTION] Diagram drawing
// [SECTION] Details of the selected box
// [SECTION] The widget
#include "app/lesson.h"
#include "app/theme.h"
#include "app/widgets.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace app {

namespace {

// [SECTION] The boxes ------------------------------------------------------------------------------

enum Box { kInput, kAttention, kAddNorm1, kFeedForward, kAddNorm2, kOutput, kBoxCount };

struct BoxInfo {
    const char* title;
    const char* subtitle;
    const char* explanation;
    const char* short_title = nullptr;  // for narrow screens
};

const BoxInfo kBoxes[kBoxCount] = {
    {"Input embeddings + positional encoding", "one vector per token",
     "Each token's embedding plus the wave pattern of its position (previous section). For the first block this is "
     "the input; every later block reads the output of the block below it.",
     "Embeddings + positions"},
    {"Multi-head self-attention", "the social step",
     "Every token's vector is projected into a query, a key and a value for each head; each head runs scaled "
     "dot-product attention over the whole sentence; the heads' outputs are concatenated and projected back to the "
     "model's width. Below: each head's attention map for this sentence."},
    {"Add & LayerNorm", "the stabiliser",
     "The attention output is added to the block's input (the residual connection), then every token's vector is "
     "normalised to mean 0 and variance 1, and after that scaled by a learned gain γ and moved by a learned shift β "
     "(one of each per coordinate). The residual lets information and gradients skip the sublayer; the normalisation "
     "keeps magnitudes steady through a deep stack."},
    {"Feed-forward network", "the thinking step",
     "The same small two-layer network is applied to each token on its own: it widens each vector, applies a "
     "non-linearity and narrows it back. Below: this model's widths and activation."},
    {"Add & LayerNorm", "the stabiliser, again",
     "The feed-forward output is added back to its input and normalised once more. The result is the block's output."},
    {"Output", "to the next block, or to the task",
     "One refined vector per token, the same shape as the input: another block can be stacked on top, N times."},
};

std::vector<std::string> token_labels(const SentenceRun& run) {
    std::vector<std::string> out;
    for (const attn::Token& t : run.tokens) out.push_back(t.text);
    return out;
}

// [SECTION] Diagram drawing ------------------------------------------------------------------------

// "Feed-forward network (×4 wider)", the factor read from the model's configuration.
std::string box_title(int b, const attn::EncoderConfig& c) {
    if (b != kFeedForward) return kBoxes[b].title;
    char buf[80];
    std::snprintf(buf, sizeof buf, "%s (×%g wider)", kBoxes[b].title, static_cast<double>(c.ff_width()) / c.d_model);
    return buf;
}

// Draws the block bottom-up as in the paper; returns the clicked box or -1.
int draw_diagram(float width, int selected, int stage, int layers, const attn::EncoderConfig& config) {
    const Theme& t = theme();
    const Palette& p = t.colors;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    const float box_h = 46, gap = 26, box_w = std::min(width - 120, 290.0f);
    const float x0 = o.x + 44;
    const float total_h = kBoxCount * box_h + (kBoxCount - 1) * gap + 20;
    int clicked = -1;
    ImU32 fills[kBoxCount] = {p.card, p.query_soft, p.value_soft, p.key_soft, p.value_soft, p.card};
    ImU32 edges[kBoxCount] = {p.card_border, p.query, p.value, p.key, p.value, p.card_border};
    auto box_rect = [&](int b) {
        // Bottom-up: the input at the bottom, the output at the top.
        const float y = o.y + total_h - 10 - static_cast<float>(b + 1) * box_h - static_cast<float>(b) * gap;
        return std::make_pair(ImVec2(x0, y), ImVec2(x0 + box_w, y + box_h));
    };
    // Arrows between boxes, and a bracket "× N" around the repeated part.
    for (int b = 0; b + 1 < kBoxCount; ++b) {
        const auto lo = box_rect(b), hi = box_rect(b + 1);
        const float cx = x0 + box_w * 0.5f;
        const ImU32 col = stage > b ? p.attention : p.text_muted;
        dl->AddLine(ImVec2(cx, lo.first.y), ImVec2(cx, hi.second.y + 2), col, 2);
        dl->AddTriangleFilled(ImVec2(cx - 5, hi.second.y + 7), ImVec2(cx + 5, hi.second.y + 7), ImVec2(cx, hi.second.y + 1), col);
    }
    // Residual connections: from below the attention to Add & Norm 1, and from below the FFN to Add & Norm 2.
    auto residual = [&](int from, int to, bool active) {
        const auto a = box_rect(from), b = box_rect(to);
        const float y1 = a.first.y - gap * 0.5f + (from == kInput ? 0 : 0), y2 = (b.first.y + b.second.y) * 0.5f;
        const float xr = x0 + box_w + 22;
        const ImU32 col = active ? p.attention : WithAlpha(p.text_muted, 0.8f);
        dl->AddLine(ImVec2(x0 + box_w * 0.5f, y1), ImVec2(xr, y1), col, 1.6f);
        dl->AddLine(ImVec2(xr, y1), ImVec2(xr, y2), col, 1.6f);
        dl->AddLine(ImVec2(xr, y2), ImVec2(x0 + box_w + 4, y2), col, 1.6f);
        dl->AddTriangleFilled(ImVec2(x0 + box_w + 10, y2 - 5), ImVec2(x0 + box_w + 10, y2 + 5), ImVec2(x0 + box_w + 2, y2), col);
        ImGui::PushFont(theme().fonts.small);
        if (xr + 4 + ImGui::CalcTextSize("residual").x <= o.x + width)  // room for the label
            dl->AddText(ImVec2(xr + 4, (y1 + y2) * 0.5f - 8), col, "residual");
        ImGui::PopFont();
    };
    residual(kInput, kAddNorm1, stage >= kAddNorm1);
    residual(kAddNorm1, kAddNorm2, stage >= kAddNorm2);
    // The repeated part.
    {
        const auto top = box_rect(kAddNorm2), bottom = box_rect(kAttention);
        const float xb = o.x + 8;
        dl->AddLine(ImVec2(xb + 10, top.first.y - 6), ImVec2(xb, top.first.y - 6), p.text_muted, 1.5f);
        dl->AddLine(ImVec2(xb, top.first.y - 6), ImVec2(xb, bottom.second.y + 6), p.text_muted, 1.5f);
        dl->AddLine(ImVec2(xb, bottom.second.y + 6), ImVec2(xb + 10, bottom.second.y + 6), p.text_muted, 1.5f);
        char n[16];
        std::snprintf(n, sizeof n, "×%d", layers);
        ImGui::PushFont(theme().fonts.bold);
        dl->AddText(ImVec2(xb + 6, (top.first.y + bottom.second.y) * 0.5f - 9), p.heading, n);
        ImGui::PopFont();
    }
    for (int b = 0; b < kBoxCount; ++b) {
        const auto r = box_rect(b);
        ImGui::SetCursorScreenPos(r.first);
        ImGui::PushID(b);
        if (ImGui::InvisibleButton("box", ImVec2(box_w, box_h))) clicked = b;
        AddControl("box", box_title(b, config), b == selected ? "selected" : "");
        FocusRing();
        const bool hover = ImGui::IsItemHovered();
        ImGui::PopID();
        const bool sel = b == selected;
        const bool reached = stage >= b;
        ImU32 fill = reached ? fills[b] : WithAlpha(fills[b], 0.45f);
        if (hover) fill = Mix(fill, p.heading, 0.06f);
        dl->AddRectFilled(r.first, r.second, fill, 8);
        dl->AddRect(r.first, r.second, sel ? p.attention : edges[b], 8, 0, sel ? 3.0f : 1.2f);
        dl->PushClipRect(r.first, ImVec2(r.second.x - 4, r.second.y), true);
        ImGui::PushFont(theme().fonts.bold);
        // A title too wide for a narrow screen is drawn smaller, or in its short form.
        const std::string full_title = box_title(b, config);
        const char* title = full_title.c_str();
        float scale = std::min(1.0f, (box_w - 16) / ImGui::CalcTextSize(title).x);
        if (scale < 0.75f && kBoxes[b].short_title) {
            title = kBoxes[b].short_title;
            scale = std::min(1.0f, (box_w - 16) / ImGui::CalcTextSize(title).x);
        }
        dl->AddText(theme().fonts.bold, ImGui::GetFontSize() * std::max(scale, 0.75f), ImVec2(r.first.x + 10, r.first.y + 5), p.heading, title);
        ImGui::PopFont();
        ImGui::PushFont(theme().fonts.small);
        const float sub_w = ImGui::CalcTextSize(kBoxes[b].subtitle).x;
        const float sub_scale = sub_w > box_w - 16 ? std::max((box_w - 16) / sub_w, 0.8f) : 1.0f;
        dl->AddText(theme().fonts.small, ImGui::GetFontSize() * sub_scale, ImVec2(r.first.x + 10, r.first.y + 26), p.text_muted,
                    kBoxes[b].subtitle);
        ImGui::PopFont();
        dl->PopClipRect();
    }
    ImGui::SetCursorScreenPos(o);
    ImGui::Dummy(ImVec2(width, total_h));
    return clicked;
}

// [SECTION] Details of the selected box ------------------------------------------------------------

void tensor_view(const char* id, const char* what, const attn::Mat& m, const std::vector<std::string>& labels, bool attention = false) {
    Caption(std::string(what) + ": " + std::to_string(m.rows()) + " × " + std::to_string(m.cols()));
    HeatmapStyle hs;
    hs.attention = attention;
    const float avail = ContentWidth() - 90;
    hs.cell_w = std::clamp(avail / static_cast<float>(std::max<Eigen::Index>(1, m.cols())), 2.0f, attention ? 26.0f : 14.0f);
    hs.cell_h = attention ? hs.cell_w : 13;
    hs.scale = 2.0f;
    Heatmap(id, m, labels, hs);
}

// Lowest and highest of each row's mean and (biased) variance.
struct RowStats {
    double mean_lo = 0, mean_hi = 0, var_lo = 0, var_hi = 0;
};
RowStats row_stats(const attn::Mat& m) {
    RowStats s{1e300, -1e300, 1e300, -1e300};
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
        const double mean = static_cast<double>(m.row(r).mean());
        const double var = static_cast<double>((m.row(r).array() - m.row(r).mean()).square().mean());
        s.mean_lo = std::min(s.mean_lo, mean);
        s.mean_hi = std::max(s.mean_hi, mean);
        s.var_lo = std::min(s.var_lo, var);
        s.var_hi = std::max(s.var_hi, var);
    }
    return s;
}

std::string stats_text(const RowStats& s) {
    // A mean that rounds to zero is printed as 0.000, not −0.000.
    auto shown = [](double x) { return std::abs(x) < 0.0005 ? 0.0 : x; };
    char buf[160];
    std::snprintf(buf, sizeof buf, "across the tokens, mean %.3f to %.3f and variance %.3f to %.3f", shown(s.mean_lo),
                  shown(s.mean_hi), s.var_lo, s.var_hi);
    return buf;
}

void details(const SentenceRun& run, const attn::EncoderConfig& config, int box, int layer) {
    const Theme& t = theme();
    Heading3(box_title(box, config).c_str());
    Paragraph(kBoxes[box].explanation);
    if (!run.ok()) {
        Caption(run.error);
        return;
    }
    const attn::EncoderCache& c = run.cache;
    const attn::LayerCache& L = c.layers.at(static_cast<size_t>(layer));
    const auto labels = token_labels(run);
    char buf[160];
    switch (box) {
    case kInput: tensor_view("in", layer == 0 ? "Embeddings + positions" : "Output of the block below", L.input, labels); break;
    case kAttention: {
        const int heads = static_cast<int>(L.attn.heads.size());
        std::snprintf(buf, sizeof buf, "%d heads, each with d_k = %d. Rows: queries; columns: keys; orange: weight.",
                      heads, static_cast<int>(L.attn.q.at(0).cols()));
        Caption(buf);
        // Every head's map has its row labels, and all share one cell size (row labels need a
        // line of small text, so the maps are as tall as they are wide only when there is room).
        float label_w = 0;
        ImGui::PushFont(t.fonts.small);
        for (const std::string& l : labels) label_w = std::max(label_w, ImGui::CalcTextSize(l.c_str()).x + 14);
        ImGui::PopFont();
        const float per_map = (ContentWidth() - 16) / static_cast<float>(std::min(heads, 2)) - label_w;
        const float cell = std::clamp(per_map / static_cast<float>(labels.size()), 4.0f, 16.0f);
        for (int h = 0; h < heads; ++h) {
            if (h % 2) ImGui::SameLine(0, 16);
            ImGui::BeginGroup();
            std::snprintf(buf, sizeof buf, "head %d", h + 1);
            Caption(buf);
            HeatmapStyle hs;
            hs.attention = true;
            hs.cell_w = hs.cell_h = cell;
            ImGui::PushID(h);
            Heatmap("w", L.attn.heads[static_cast<size_t>(h)].weights, labels, hs);
            ImGui::PopID();
            ImGui::EndGroup();
        }
        tensor_view("att_out", "Attention output after the projection W^O", L.attn_out, labels);
        break;
    }
    case kAddNorm1:
    case kAddNorm2: {
        // What this LayerNorm read: the residual sum (post-LN), or the block's input / the
        // first residual (pre-LN, where the norm comes before its sublayer).
        const bool post = config.norm == attn::NormOrder::post;
        const bool first = box == kAddNorm1;
        const attn::Mat& in = first ? (post ? L.resid1 : L.input) : (post ? L.resid2 : L.resid1);
        const attn::Mat& out = first ? L.norm1 : L.norm2;
        attn::Mat normalized;
        attn::layernorm_normalized(normalized, in, first ? L.ln1 : L.ln2);
        Caption("What the norm read: " + stats_text(row_stats(in)) + ".");
        tensor_view("normalized", "Normalised, before γ and β", normalized, labels);
        Caption("Measured: " + stats_text(row_stats(normalized)) + ".");
        tensor_view("norm", "After the learned gain γ and shift β (what the block passes on)", out, labels);
        Caption("Measured: " + stats_text(row_stats(out)) +
                ". The gain and shift were learned, so these need not be 0 and 1.");
        break;
    }
    case kFeedForward: {
        std::snprintf(buf, sizeof buf, "Widen %d → %d (×%g), %s, narrow %d → %d.", config.d_model, config.ff_width(),
                      static_cast<double>(config.ff_width()) / config.d_model, activation_name(config.activation),
                      config.ff_width(), config.d_model);
        Caption(buf);
        tensor_view("hidden", (std::string("Hidden layer after ") + activation_name(config.activation)).c_str(), L.ffn.hidden, labels);
        tensor_view("ffn_out", "Feed-forward output", L.ffn_out, labels);
        break;
    }
    case kOutput: tensor_view("out", "Block output", L.output, labels); break;
    default: break;
    }
    (void)t;
}

}  // namespace

// [SECTION] The widget --------------------------------------------------------------------------------

EncoderShown RefreshEncoder(Lesson& lesson) {
    EncoderView& v = lesson.encoder;
    const LessonModel& own = lesson.explorer_model();
    lesson.refresh_explorer();
    // N: the model's own stack, or an untrained stack of the learner's height of the same width.
    const int own_n = own.params.config.n_layers;
    if (v.n <= 0) v.n = own_n;
    const bool own_stack = v.n == own_n;
    if (!own_stack) {
        const bool rebuilt = v.stacked_n != v.n;
        if (rebuilt) {
            v.stacked = random_model(kUntrainedSeed + static_cast<std::uint32_t>(v.n), v.n);
            v.stacked_n = v.n;
        }
        if (rebuilt || v.run.text != lesson.text || (v.run.tokens.empty() && v.run.error.empty()))
            v.stacked.run(v.run, lesson.tokenizer.get(), lesson.text);
    }
    v.layer = std::clamp(v.layer, 0, v.n - 1);
    v.stage = std::clamp(v.stage, 0, kBoxCount - 1);
    v.selected_box = std::clamp(v.selected_box, 0, kBoxCount - 1);
    return EncoderShown{own_stack ? &own : &v.stacked, own_stack ? &lesson.explorer.run : &v.run, own_stack};
}

namespace {

// The tensors behind the selected box of block `layer`, as exports.
std::vector<MatrixExport> box_tensors(const SentenceRun& run, const attn::EncoderConfig& config, int box, int layer, const std::string& source) {
    std::vector<MatrixExport> out;
    if (!run.ok() || layer < 0 || layer >= static_cast<int>(run.cache.layers.size())) return out;
    const attn::LayerCache& L = run.cache.layers[static_cast<size_t>(layer)];
    const auto labels = token_labels(run);
    const std::string where = ", block " + std::to_string(layer + 1) + " (" + source + ")";
    auto add = [&](const std::string& kind, const std::string& title, const attn::Mat& m, bool attention) {
        MatrixExport e;
        e.kind = kind;
        e.title = title + where;
        e.rows = labels;
        if (attention) e.cols = labels;
        else for (Eigen::Index c = 0; c < m.cols(); ++c) e.cols.push_back(std::to_string(c));
        e.values = m;
        e.attention = attention;
        e.table = m.cols() <= 16;
        out.push_back(std::move(e));
    };
    switch (box) {
    case kInput: add("encoder-input", layer == 0 ? "Embeddings + positions" : "Output of the block below", L.input, false); break;
    case kAttention:
        for (size_t h = 0; h < L.attn.heads.size(); ++h)
            add("encoder-head-" + std::to_string(h + 1), "Attention weights of head " + std::to_string(h + 1) + " (rows: queries, columns: keys)",
                L.attn.heads[h].weights, true);
        add("encoder-attention-output", "Attention output after the projection W^O", L.attn_out, false);
        break;
    case kAddNorm1:
    case kAddNorm2: {
        const bool post = config.norm == attn::NormOrder::post;
        const bool first = box == kAddNorm1;
        const attn::Mat& in = first ? (post ? L.resid1 : L.input) : (post ? L.resid2 : L.resid1);
        attn::Mat normalized;
        attn::layernorm_normalized(normalized, in, first ? L.ln1 : L.ln2);
        const std::string n = first ? "1" : "2";
        add("encoder-norm" + n + "-normalized", "Normalised, before γ and β", normalized, false);
        add("encoder-norm" + n, "After the learned gain γ and shift β", first ? L.norm1 : L.norm2, false);
        break;
    }
    case kFeedForward:
        add("encoder-ffn-hidden", std::string("Hidden layer after ") + activation_name(config.activation), L.ffn.hidden, false);
        add("encoder-ffn-output", "Feed-forward output", L.ffn_out, false);
        break;
    case kOutput: add("encoder-output", "Block output", L.output, false); break;
    default: break;
    }
    return out;
}

}  // namespace

WidgetText Describe_EncoderDiagram(Lesson& lesson) {
    const EncoderShown shown = RefreshEncoder(lesson);
    const EncoderView& v = lesson.encoder;
    const attn::EncoderConfig& config = shown.model->params.config;
    const SentenceRun& run = *shown.run;
    WidgetText out;
    out.title = "The encoder block";
    out.lines.push_back("Sentence: \"" + Excerpt(lesson.text, 2000) + "\".");
    out.lines.push_back("N = " + std::to_string(v.n) + " blocks: " + (shown.own_stack ? "the " : "a ") + shown.model->label +
                        (shown.own_stack ? "." : ", of the same width; the explorer's model has " +
                                                     std::to_string(lesson.explorer_config().n_layers) + " blocks."));
    out.live = "Block " + std::to_string(v.layer + 1) + " of " + std::to_string(v.n) + ", stepped to " +
               box_title(v.stage, config) + "; showing the details of " + box_title(v.selected_box, config) + ".";
    out.lines.push_back(out.live);
    std::string order;
    for (int b = 0; b < kBoxCount; ++b)
        order += (b ? ", then " : "") + box_title(b, config) + (b <= v.stage ? "" : " (not reached)");
    out.lines.push_back("From the bottom up: " + order + ".");
    out.lines.push_back(box_title(v.selected_box, config) + ": " + kBoxes[v.selected_box].explanation);
    if (!run.ok()) {
        out.lines.push_back(run.error);
        return out;
    }
    if (!run.block_change.empty()) {
        std::string change = "How much each block changes the token vectors (size of the change relative to its input):";
        for (size_t l = 0; l < run.block_change.size(); ++l)
            change += std::string(l ? "," : "") + " block " + std::to_string(l + 1) + ": " + Fixed(100.0 * run.block_change[l], 0) + "%";
        out.lines.push_back(change + ".");
    }
    const attn::LayerCache& L = run.cache.layers.at(static_cast<size_t>(v.layer));
    switch (v.selected_box) {
    case kAttention:
        out.lines.push_back(std::to_string(L.attn.heads.size()) + " heads, each with d_k = " + std::to_string(L.attn.q.at(0).cols()) + ".");
        break;
    case kAddNorm1:
    case kAddNorm2: {
        const bool post = config.norm == attn::NormOrder::post;
        const bool first = v.selected_box == kAddNorm1;
        const attn::Mat& in = first ? (post ? L.resid1 : L.input) : (post ? L.resid2 : L.resid1);
        attn::Mat normalized;
        attn::layernorm_normalized(normalized, in, first ? L.ln1 : L.ln2);
        out.lines.push_back("What the norm read: " + stats_text(row_stats(in)) + ".");
        out.lines.push_back("Normalised, before γ and β: " + stats_text(row_stats(normalized)) + ".");
        out.lines.push_back("After the learned gain γ and shift β: " + stats_text(row_stats(first ? L.norm1 : L.norm2)) + ".");
        break;
    }
    case kFeedForward:
        out.lines.push_back("Widen " + std::to_string(config.d_model) + " → " + std::to_string(config.ff_width()) + ", " +
                            activation_name(config.activation) + ", narrow " + std::to_string(config.ff_width()) + " → " +
                            std::to_string(config.d_model) + ".");
        break;
    default: break;
    }
    out.matrices = box_tensors(run, config, v.selected_box, v.layer, shown.model->label);
    for (const MatrixExport& m : out.matrices) {
        if (m.table) out.tables.push_back(MatrixTable(m, 3));
        else out.lines.push_back(m.title + ": " + std::to_string(m.values.rows()) + " × " + std::to_string(m.values.cols()) +
                                 " numbers, saved as CSV or PNG with its Save buttons.");
    }
    return out;
}

void Widget_EncoderDiagram(Lesson& lesson, const attn::Block&) {
    const Theme& t = theme();
    EncoderView& v = lesson.encoder;
    const EncoderShown shown = RefreshEncoder(lesson);
    const bool own_stack = shown.own_stack;
    const int own_n = lesson.explorer_config().n_layers;
    const LessonModel& model = *shown.model;
    const SentenceRun& run = *shown.run;
    const int n_layers = v.n;

    BeginCard("encoder", t.colors.accent);
    Caption("Sentence: \"" + Excerpt(lesson.text, 300) + "\"  (change it in the explorer or with the box on the text-to-vectors page)");
    // Controls: how many blocks are stacked, which one is drawn, and stepping the data through.
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Stack N =");
    ImGui::SameLine();
    ImGui::BeginDisabled(v.n <= 1);
    if (Button("−##fewer", ImVec2(40, 0), "button", std::to_string(v.n))) --v.n;
    ImGui::EndDisabled();
    ImGui::SameLine();
    char n_label[16];
    std::snprintf(n_label, sizeof n_label, "%d", v.n);
    ImGui::PushFont(t.fonts.bold);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(n_label);
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::BeginDisabled(v.n >= EncoderView::kMaxBlocks);
    if (Button("+##more", ImVec2(40, 0), "button", std::to_string(v.n))) ++v.n;
    v.more_min = ImGui::GetItemRectMin();
    v.more_max = ImGui::GetItemRectMax();
    ImGui::EndDisabled();
    SameLineIfFits(ImGui::CalcTextSize("Block").x + 40.0f * static_cast<float>(n_layers), 24);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Block");
    for (int l = 0; l < n_layers; ++l) {
        SameLineIfFits(36);
        char label[16];
        std::snprintf(label, sizeof label, "%d", l + 1);
        ImGui::PushID("block");
        if (OptionButton(label, l == v.layer, 40)) v.layer = l;
        ImGui::PopID();
    }
    SameLineIfFits(ButtonWidth("Step ▶") + ButtonWidth("Show all") + 10, 24);
    if (Button("Step ▶", ImVec2(0, 0), "button", std::to_string(v.layer) + ":" + std::to_string(v.stage))) {
        if (v.stage < kOutput) {
            ++v.stage;
        } else if (v.layer + 1 < n_layers) {
            ++v.layer;
            v.stage = kAttention;
        } else {
            v.layer = 0;
            v.stage = 0;
        }
        v.selected_box = v.stage;
    }
    ImGui::SameLine();
    ImGui::BeginDisabled(v.stage == kOutput);
    if (Button("Show all", ImVec2(0, 0), "button", std::to_string(v.stage))) v.stage = kOutput;
    ImGui::EndDisabled();
    // Other models' depths are facts about those models, said as such.
    const char* others = " For comparison, the encoder of the original Transformer (2017) stacks 6 blocks and BERT-base 12.";
    if (own_stack) {
        Caption("N = " + std::to_string(n_layers) + " blocks: the " + model.label + "." + others);
    } else {
        Caption("N = " + std::to_string(n_layers) + ": a " + model.label + ", of the same width; the explorer's model has " +
                std::to_string(own_n) + " blocks." + others);
    }
    v.change = run.block_change;
    if (run.ok()) {
        // What each block of the stack did to the sentence, measured when the sentence was run.
        std::string change = "How much each block changes the token vectors (size of the change relative to its input):";
        for (size_t l = 0; l < run.block_change.size(); ++l) {
            char part[48];
            std::snprintf(part, sizeof part, "%s block %d: %.0f%%", l ? "," : "", static_cast<int>(l + 1), 100.0 * run.block_change[l]);
            change += part;
        }
        Caption(change + ".");
    }

    const float avail = ContentWidth();
    const bool side_by_side = avail > 700;
    const float diagram_w = side_by_side ? 420.0f : avail;
    ImGui::BeginGroup();
    const int clicked = draw_diagram(diagram_w, v.selected_box, v.stage, n_layers, model.params.config);
    if (clicked >= 0) {
        v.selected_box = clicked;
        v.stage = std::max(v.stage, clicked);
    }
    ImGui::EndGroup();
    if (side_by_side) ImGui::SameLine(0, 20);
    ImGui::BeginGroup();
    // Keep the details column inside the card.
    BeginCard("details", 0, side_by_side ? avail - diagram_w - 20 : avail);
    details(run, model.params.config, v.selected_box, v.layer);
    {
        // Save the box's main tensor (the first head's map for the attention box).
        const std::vector<MatrixExport> tensors = box_tensors(run, model.params.config, v.selected_box, v.layer, model.label);
        if (!tensors.empty()) {
            const MatrixExport& m = v.selected_box == kAttention || tensors.size() == 1 ? tensors.front() : tensors.back();
            SaveButtons(lesson, m.kind, m.kind == "encoder-head-1" ? "head 1's map" : "this tensor");
        }
    }
    CopyLinkButton(lesson, "encoder");
    EndCard();
    ImGui::EndGroup();
    EndCard();
}

}  // namespace app
