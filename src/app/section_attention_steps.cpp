// section_attention_steps.cpp — the attention formula and the worked example, step by step.
//
// [SECTION] Worked example state
// [SECTION] Step explanations
// [SECTION] Saturation demo
// [SECTION] The section
#include "app/lesson.h"
#include "app/theme.h"
#include "app/widgets.h"

#include <imgui.h>

#include <algorithm>

#include <cmath>
#include <cstdio>
#include <random>
#include <tuple>
#include <utility>

namespace app {

// [SECTION] Worked example state -----------------------------------------------------------------

namespace {

// The lesson's numbers, row-major: rows are "Thinking" and "Machines", d_k = 3.
constexpr float kLessonQ[6] = {0.9f, 0.2f, 0.5f, 0.3f, 0.8f, 0.4f};
constexpr float kLessonK[6] = {0.7f, 0.4f, 0.6f, 0.2f, 0.9f, 0.3f};
constexpr float kLessonV[6] = {0.5f, 0.8f, 0.2f, 0.7f, 0.1f, 0.9f};

bool equals(const attn::Mat& m, const float (&x)[6]) {
    if (m.rows() != 2 || m.cols() != 3) return false;
    for (int i = 0; i < 6; ++i)
        if (m.data()[i] != x[i]) return false;
    return true;
}

}  // namespace

void WorkedExample::reset() {
    cell_note.clear();
    for (const auto& [m, x] : {std::pair{&q, &kLessonQ}, std::pair{&k, &kLessonK}, std::pair{&v, &kLessonV}}) {
        m->resize(2, 3);
        for (int i = 0; i < 6; ++i) m->data()[i] = (*x)[i];
    }
    scaled = true;
    recompute();
}

// Read every frame (the address, the Reset button): compared with the constants, not recomputed.
bool WorkedExample::is_lesson_numbers() const {
    return scaled && equals(q, kLessonQ) && equals(k, kLessonK) && equals(v, kLessonV);
}

void WorkedExample::recompute() {
    if (scaled) {
        attn::attention_forward(out, cache, q, k, v);
    } else {
        // Without the √d_k division: the same steps with scaled = scores.
        cache.scores.noalias() = q * k.transpose();
        cache.scaled = cache.scores;
        attn::softmax_rows(cache.weights, cache.scaled);
        out.noalias() = cache.weights * v;
    }
}

namespace {

const std::vector<std::string> kTokens = {"Thinking", "Machines"};

// Lays items out left to right, wrapping to a new line when the next one does not fit.
class Flow {
public:
    explicit Flow(float gap = 22.0f) : gap_(gap), start_x_(ImGui::GetCursorPosX()), avail_(ContentWidth()) {}
    void next(float item_width) {
        if (used_ > 0 && used_ + gap_ + item_width <= avail_) {
            ImGui::SameLine(0, gap_);
            used_ += gap_ + item_width;
        } else {
            if (used_ > 0) ImGui::SetCursorPosX(start_x_);
            used_ = item_width;
        }
    }

private:
    float gap_, start_x_, avail_, used_ = 0;
};

float matrix_width(int cols, float cell = 58.0f) { return MatrixWidth(kTokens, cols, cell); }

// [SECTION] Step explanations ---------------------------------------------------------------------

std::string fmt(double x) {
    char b[32];
    std::snprintf(b, sizeof b, "%.2f", x);
    return b;
}

std::string dot_product_text(const WorkedExample& w, int i, int j) {
    std::string s = "**" + kTokens[static_cast<size_t>(i)] + " · " + kTokens[static_cast<size_t>(j)] + "** = ";
    for (int c = 0; c < w.q.cols(); ++c) {
        if (c) s += " + ";
        s += fmt(w.q(i, c)) + "×" + fmt(w.k(j, c));
    }
    return s + " = **" + fmt(w.cache.scores(i, j)) + "**";
}

void explain_step(const WorkedExample& w, int hovered_row) {
    const int i = hovered_row >= 0 ? hovered_row : 0;
    const std::string who = kTokens[static_cast<size_t>(i)];
    switch (w.step) {
    case 0:
        Paragraph("Each token's embedding has already been multiplied by three learned matrices, giving "
                  "its query, key and value. Drag any number (or double-click it and type) and every "
                  "step below is recomputed.");
        break;
    case 1:
        Paragraph("**Step 1: scores = Q Kᵀ.** Every query is compared with every key by a dot product: "
                  "large when they point the same way.");
        Paragraph(dot_product_text(w, i, 0));
        Paragraph(dot_product_text(w, i, 1));
        break;
    case 2:
    {
        const int dk = static_cast<int>(w.q.cols());
        char head[96];
        std::snprintf(head, sizeof head, "**Step 2: divide by √d_k = √%d ≈ %.2f.** ", dk, std::sqrt(static_cast<double>(dk)));
        Paragraph(w.scaled ? std::string(head) + "Dot products of longer vectors grow "
                             "larger, which would make the softmax too sure of itself; dividing by √d_k keeps "
                             "them in a range where it stays soft."
                           : std::string("**Step 2 is switched off:** the scores go to the softmax unscaled."));
    }
        Paragraph("For " + who + ": [" + fmt(w.cache.scores(i, 0)) + ", " + fmt(w.cache.scores(i, 1)) + "] → [" +
                  fmt(w.cache.scaled(i, 0)) + ", " + fmt(w.cache.scaled(i, 1)) + "]");
        break;
    case 3: {
        Paragraph("**Step 3: softmax across each row.** Exponentiate and divide by the row's total, so the "
                  "weights are positive and sum to 1: how much attention the token pays to each other token.");
        const double e0 = std::exp(static_cast<double>(w.cache.scaled(i, 0))),
                     e1 = std::exp(static_cast<double>(w.cache.scaled(i, 1)));
        Paragraph("For " + who + ": e^" + fmt(w.cache.scaled(i, 0)) + " = " + fmt(e0) + ", e^" +
                  fmt(w.cache.scaled(i, 1)) + " = " + fmt(e1) + ", so the weights are " + fmt(e0) + " / " +
                  fmt(e0 + e1) + " = **" + fmt(w.cache.weights(i, 0)) + "** and **" + fmt(w.cache.weights(i, 1)) +
                  "** (sum " + fmt(w.cache.weights.row(i).sum()) + ").");
        break;
    }
    default:
        Paragraph("**Step 4: output = weights × V.** Each token's new representation is a weighted blend of "
                  "all the value vectors, mixed in the proportions the softmax chose.");
        Paragraph("For " + who + ": " + fmt(w.cache.weights(i, 0)) + " × V(Thinking) + " +
                  fmt(w.cache.weights(i, 1)) + " × V(Machines) = [" + fmt(w.out(i, 0)) + ", " + fmt(w.out(i, 1)) +
                  ", " + fmt(w.out(i, 2)) + "]");
        break;
    }
}

// [SECTION] Saturation demo -----------------------------------------------------------------------

// Random queries and keys of width d_k: their dot products have a standard deviation of about
// √d_k, so without the division the softmax of one query's scores collapses onto one key.
void saturation_demo(Lesson& lesson) {
    SaturationDemo& s = lesson.saturation;
    s.recompute();
    int& dk = s.dk;
    const attn::Mat& weights_scaled = s.weights_scaled;
    const attn::Mat& weights_raw = s.weights_raw;
    constexpr int kKeys = SaturationDemo::kKeys;
    Paragraph("Pick a width for random queries and keys, and compare one query's attention over six "
              "keys with and without the division.");
    // The value beside the slider, not on it, where the grab would cover it; drawn in a box of
    // fixed width, so that the layout does not move while the number changes.
    const std::string value = "d_k = " + std::to_string(dk);
    const float value_w = ImGui::CalcTextSize("d_k = 512").x + 4;
    const float gap = ImGui::GetStyle().ItemInnerSpacing.x * 2;
    ImGui::SetNextItemWidth(std::min(ContentWidth() - value_w - gap, 320.0f));
    // NoInput: Tab onto the slider focuses it (← → change it) instead of turning it into a text box.
    ImGui::SliderInt("##dk", &dk, 3, 512, "", ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp | ImGuiSliderFlags_NoInput);
    AddControl("slider", "d_k", std::to_string(dk), true);
    ControlTakesArrows();
    if (const int a = ArrowFor(lesson)) dk = std::clamp(a > 0 ? dk + std::max(1, dk / 10) : dk - std::max(1, dk / 11), 3, 512);
    ImGui::SameLine(0, gap);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddText(ImVec2(at.x, at.y + ImGui::GetStyle().FramePadding.y), theme().colors.text, value.c_str());
    ImGui::Dummy(ImVec2(value_w, ImGui::GetFrameHeight()));
    const std::vector<std::string> label = {"query"};
    MatrixStyle style;
    style.attention = true;
    // Six cells on a line, narrower on a phone (MatrixWidth: label column + cells of width + 3).
    const float label_w = MatrixWidth(label, 0);
    style.cell_width = std::clamp((ContentWidth() - label_w) / kKeys - 3.0f, 36.0f, 50.0f);
    Flow flow(24);
    flow.next(MatrixWidth(label, kKeys, style.cell_width));
    MatrixView("sat_scaled", "softmax(QKᵀ / √d_k)", label, weights_scaled, style);
    flow.next(MatrixWidth(label, kKeys, style.cell_width));
    MatrixView("sat_raw", "softmax(QKᵀ), unscaled", label, weights_raw, style);
    char slopes[320];
    std::snprintf(slopes, sizeof slopes,
                  "The softmax's gradient, computed: the largest |∂weight/∂score| (an entry of its Jacobian) is %.2g "
                  "scaled and %.2g unscaled. It is at most 0.25, when two keys share the weight evenly; near 0 the "
                  "weights no longer respond to the scores, so training barely moves Q and K.",
                  s.slope_scaled, s.slope_raw);
    Caption("Largest weight: " + fmt(weights_scaled.maxCoeff()) + " scaled, " + fmt(weights_raw.maxCoeff()) +
            " unscaled. A weight near 1 means the softmax has saturated.");
    Caption(slopes);
}

}  // namespace

// [SECTION] The section -----------------------------------------------------------------------------

void Widget_AttentionSteps(Lesson& lesson, const attn::Block&) {
    WorkedExample& w = lesson.worked;
    const Theme& t = theme();

    BeginCard("formula");
    AttentionFormula(w.scaled);
    EndCard();

    {
        const float avail = ContentWidth();
        const bool row = avail > 700;
        const float card_w = row ? (avail - 2 * 16) / 3 : avail;
        struct Role { const char* id; const char* title; const char* text; ImU32 color; };
        const Role roles[] = {
            {"role_q", "Q, the query", "\"What am I looking for?\"", t.colors.query},
            {"role_k", "K, the key", "\"What do I contain?\"", t.colors.key},
            {"role_v", "V, the value", "\"Here is my content.\"", t.colors.value},
        };
        for (int r = 0; r < 3; ++r) {
            if (r && row) ImGui::SameLine(0, 16);
            BeginCard(roles[r].id, roles[r].color, card_w);
            ImGui::PushStyleColor(ImGuiCol_Text, roles[r].color);
            Heading3(roles[r].title);
            ImGui::PopStyleColor();
            Paragraph(roles[r].text);
            EndCard();
        }
    }

    Heading2("Worked example: \"Thinking Machines\", d_k = 3");
    Paragraph("Two tokens, each projected into a query, a key and a value of three numbers (a real model "
              "uses 64 or more; three keeps the arithmetic visible).");

    BeginCard("inputs");
    {
        MatrixStyle qs, ks, vs;
        qs.tint = t.colors.query;
        ks.tint = t.colors.key;
        vs.tint = t.colors.value;
        bool changed = false;
        Flow flow;
        const char* names[] = {"Q", "K", "V"};
        const char* titles[] = {"Q (queries)", "K (keys)", "V (values)"};
        attn::Mat* mats[] = {&w.q, &w.k, &w.v};
        const MatrixStyle* styles[] = {&qs, &ks, &vs};
        for (int m = 0; m < 3; ++m) {
            flow.next(matrix_width(3));
            CellTap tap;
            changed |= MatrixEdit(names[m], titles[m], kTokens, *mats[m], *styles[m], static_cast<float>(attn::limits::kCellMin),
                                  static_cast<float>(attn::limits::kCellMax), &tap, &lesson.arrow, &w.cell_note);
            if (tap.row >= 0) {  // a finger tapped a cell: the page's number input opens over it
                char draft[32];
                std::snprintf(draft, sizeof draft, "%.2f", static_cast<double>((*mats[m])(tap.row, tap.col)));
                RequestEdit(lesson, std::string("cell:") + names[m] + ":" + std::to_string(tap.row) + ":" + std::to_string(tap.col),
                            draft, tap.min, tap.max, true);
            }
        }
        if (!w.cell_note.empty()) Paragraph(w.cell_note, t.colors.warn);
        ImGui::Dummy(ImVec2(0, 2));
        ImGui::BeginDisabled(w.is_lesson_numbers());
        if (Button("Reset to the lesson's numbers")) {
            w.reset();
            changed = false;
        }
        ImGui::EndDisabled();
        SameLineIfFits(ImGui::GetFrameHeight() + ImGui::CalcTextSize("Divide by √d_k").x + 12, 20);
        bool scaled = w.scaled;
        if (Checkbox("Divide by √d_k", &scaled)) {
            w.scaled = scaled;
            changed = true;
        }
        if (changed) w.recompute();
    }
    EndCard();

    // Step selector.
    ImGui::Dummy(ImVec2(0, 6));
    static const char* const kSteps[] = {"Inputs", "1  Scores", "2  ÷ √d_k", "3  Softmax", "4  × V"};
    for (int s = 0; s < 5; ++s) {
        if (s) SameLineIfFits(std::max(ButtonWidth(kSteps[s]), theme().min_target), 6);
        if (OptionGroupButton(lesson, "steps", kSteps[s], s, 5, w.step == s)) w.step = s;
    }

    BeginCard("steps", t.colors.attention);
    int hovered = -1;
    {
        Flow flow;
        MatrixStyle plain;
        plain.heat = false;
        MatrixStyle att;
        att.attention = true;
        auto hl = [&](int step) { return w.step == step; };
        auto show = [&](const char* id, const char* title, const attn::Mat& m, MatrixStyle st, int step) {
            if (w.step < step) return;
            st.tint = hl(step) ? t.colors.attention : 0;
            flow.next(matrix_width(static_cast<int>(m.cols())));
            const int h = MatrixView(id, title, kTokens, m, st);
            if (h >= 0) hovered = h;
        };
        if (w.step == 0) {
            Paragraph("Choose a step above to walk the example through the formula.");
        }
        show("scores", "Scores = QKᵀ", w.cache.scores, plain, 1);
        const std::string scaled_title = "Scaled = Scores ÷ √" + std::to_string(w.q.cols());
        show("scaled", w.scaled ? scaled_title.c_str() : "Scaled (off) = Scores", w.cache.scaled, plain, 2);
        show("weights", "Attention = softmax", w.cache.weights, att, 3);
        show("output", "Output = Attention × V", w.out, plain, 4);
    }
    ImGui::Dummy(ImVec2(0, 4));
    explain_step(w, hovered);
    Caption("Hover or touch a row to follow that token. Every number here is computed live by the attention library.");
    {
        const std::vector<std::string> dims = {"d1", "d2", "d3"};
        std::string text = "Q\n" + MatrixText(w.q, kTokens, dims) + "\nK\n" + MatrixText(w.k, kTokens, dims) + "\nV\n" +
                           MatrixText(w.v, kTokens, dims);
        if (w.step >= 1) text += "\nScores = QK^T\n" + MatrixText(w.cache.scores, kTokens, kTokens);
        if (w.step >= 2) text += std::string("\n") + (w.scaled ? "Scaled = Scores / sqrt(d_k)" : "Scaled (off) = Scores") + "\n" + MatrixText(w.cache.scaled, kTokens, kTokens);
        if (w.step >= 3) text += "\nAttention = softmax\n" + MatrixText(w.cache.weights, kTokens, kTokens);
        if (w.step >= 4) text += "\nOutput = Attention x V\n" + MatrixText(w.out, kTokens, dims);
        CopyButton(lesson, "copy-steps", "Copy these matrices", text);
    }
    // The matrix of the step shown (the inputs: the attention weights once computed).
    const char* const kStepKinds[] = {"worked-q", "worked-scores", "worked-scaled", "worked-weights", "worked-output"};
    const char* const kStepWhat[] = {"Q", "the scores", "the scaled scores", "the attention weights", "the output"};
    SaveButtons(lesson, kStepKinds[std::clamp(w.step, 0, 4)], kStepWhat[std::clamp(w.step, 0, 4)]);
    CopyLinkButton(lesson, "worked");
    EndCard();
}

WidgetText Describe_AttentionSteps(Lesson& lesson) {
    const WorkedExample& w = lesson.worked;
    WidgetText out;
    out.title = "Worked example: \"Thinking Machines\", d_k = " + std::to_string(w.q.cols());
    const char* const kStepNames[] = {"the inputs Q, K and V", "step 1, scores = Q Kᵀ", "step 2, the scores divided by √d_k",
                                      "step 3, softmax of each row", "step 4, the weights times V"};
    const int step = std::clamp(w.step, 0, 4);
    out.live = std::string("Showing ") + kStepNames[step] + (w.scaled ? "." : "; the division by √d_k is switched off.");
    out.lines.push_back(out.live);
    out.lines.push_back(w.is_lesson_numbers() ? "Q, K and V are the lesson's numbers."
                                              : "Q, K and V have been edited (the lesson's numbers are restored by Reset).");
    if (!w.cell_note.empty()) {  // a typed value the cells refused: said and announced, as drawn
        out.lines.push_back(w.cell_note);
        out.live = w.cell_note;
    }
    const std::vector<std::string> dims = {"d1", "d2", "d3"};
    const std::string sqrt_dk = "√" + std::to_string(w.q.cols());
    struct Entry { const char* kind; std::string title; const attn::Mat* m; const std::vector<std::string>* cols; bool attention; int step; };
    const Entry entries[] = {
        {"worked-q", "Q, the queries", &w.q, &dims, false, 0},
        {"worked-k", "K, the keys", &w.k, &dims, false, 0},
        {"worked-v", "V, the values", &w.v, &dims, false, 0},
        {"worked-scores", "Scores = Q Kᵀ", &w.cache.scores, &kTokens, false, 1},
        {"worked-scaled", w.scaled ? "Scaled = Scores ÷ " + sqrt_dk : "Scaled (off) = Scores", &w.cache.scaled, &kTokens, false, 2},
        {"worked-weights", "Attention weights = softmax of each row", &w.cache.weights, &kTokens, true, 3},
        {"worked-output", "Output = Attention × V", &w.out, &dims, false, 4},
    };
    for (const Entry& e : entries) {
        MatrixExport m;
        m.kind = e.kind;
        m.title = e.title + " (worked example: rows Thinking, Machines)";
        m.rows = kTokens;
        m.cols = *e.cols;
        m.values = *e.m;
        m.attention = e.attention;
        if (e.step <= step) out.tables.push_back(MatrixTable(m, 2));  // what the canvas shows at this step
        out.matrices.push_back(std::move(m));
    }
    if (step >= 1) {
        for (int i = 0; i < 2; ++i) {
            std::string dot = kTokens[static_cast<size_t>(i)] + " · " + kTokens[0] + " = ";
            for (int c = 0; c < w.q.cols(); ++c) dot += (c ? " + " : "") + fmt(w.q(i, c)) + " × " + fmt(w.k(0, c));
            out.lines.push_back(dot + " = " + fmt(w.cache.scores(i, 0)) + ".");
        }
    }
    return out;
}

WidgetText Describe_Saturation(Lesson& lesson) {
    SaturationDemo& s = lesson.saturation;
    s.recompute();
    WidgetText out;
    out.title = "Why divide by √d_k?";
    out.live = "d_k = " + std::to_string(s.dk) + ": largest weight " + fmt(s.weights_scaled.maxCoeff()) + " scaled, " +
               fmt(s.weights_raw.maxCoeff()) + " unscaled.";
    out.lines.push_back(out.live);
    out.lines.push_back("The largest |∂weight/∂score| of the softmax is " + Fixed(s.slope_scaled, 4) + " scaled and " +
                        Fixed(s.slope_raw, 4) + " unscaled (at most 0.25; near 0 the weights no longer respond to the scores).");
    std::vector<std::string> keys;
    for (int k = 1; k <= SaturationDemo::kKeys; ++k) keys.push_back("key " + std::to_string(k));
    for (const auto& [kind, title, m] : {std::tuple{"saturation-scaled", "softmax(QKᵀ / √d_k)", &s.weights_scaled},
                                         std::tuple{"saturation-raw", "softmax(QKᵀ), unscaled", &s.weights_raw}}) {
        MatrixExport e;
        e.kind = kind;
        e.title = std::string(title) + ", one random query, d_k = " + std::to_string(s.dk);
        e.rows = {"query"};
        e.cols = keys;
        e.values = *m;
        e.attention = true;
        out.tables.push_back(MatrixTable(e, 3));
        out.matrices.push_back(std::move(e));
    }
    return out;
}

void SaturationDemo::recompute() {
    if (computed_for == dk) return;
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(-1.7320508f, 1.7320508f);  // variance 1
    attn::Mat q(1, dk), k(kKeys, dk), v = attn::Mat::Identity(kKeys, kKeys), out;
    for (int j = 0; j < dk; ++j) q(0, j) = u(rng);
    for (int i = 0; i < kKeys; ++i)
        for (int j = 0; j < dk; ++j) k(i, j) = u(rng);
    attn::AttentionCache cache;
    attn::attention_forward(out, cache, q, k, v);
    weights_scaled = cache.weights;
    attn::softmax_rows(weights_raw, cache.scores);
    attn::Mat jac;
    attn::softmax_jacobian(jac, weights_scaled);
    slope_scaled = static_cast<double>(jac.cwiseAbs().maxCoeff());
    attn::softmax_jacobian(jac, weights_raw);
    slope_raw = static_cast<double>(jac.cwiseAbs().maxCoeff());
    computed_for = dk;
}

void Widget_Saturation(Lesson& lesson, const attn::Block&) {
    BeginCard("saturation");
    saturation_demo(lesson);
    EndCard();
}

}  // namespace app
