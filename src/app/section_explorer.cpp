// section_explorer.cpp — click a word, see where it looks: layers, heads, your own sentence.
#include "app/lesson.h"
#include "app/theme.h"
#include "app/widgets.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace app {

namespace {

constexpr int kExplorerHeldOut = 400;  // held-out sentences the explorer measures each model on

// The view's whole attention matrix (rows attend to columns): one head, or their mean.
attn::Mat view_matrix(const Explorer& e) {
    const int heads = static_cast<int>(e.run.cache.layers[static_cast<size_t>(e.layer)].attn.heads.size());
    attn::Mat m = e.run.cache.weights(e.layer, std::max(0, e.head));
    if (e.head < 0) {
        for (int h = 1; h < heads; ++h) m += e.run.cache.weights(e.layer, h);
        m /= static_cast<attn::Scalar>(heads);
    }
    return m;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

// "layer 2 of 2, the mean of its 4 heads" / "layer 1 of 2, head 3 of 4"
std::string view_words(const Explorer& e, int heads) {
    std::string s = "layer " + std::to_string(e.layer + 1) + " of " + std::to_string(e.run.cache.layers.size());
    if (e.head < 0) return s + ", the mean of its " + std::to_string(heads) + " heads";
    return s + ", head " + std::to_string(e.head + 1) + " of " + std::to_string(heads);
}

void selector_buttons(Lesson& lesson, const char* label, int* value, int lo, int count, const char* all_label) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(label);
    ImGui::PushID(label);  // "1" of Layer and "1" of Head are different controls
    for (int i = lo; i < count; ++i) {
        char text[24];
        if (i < 0) std::snprintf(text, sizeof text, "%s", all_label);
        else std::snprintf(text, sizeof text, "%d", i + 1);
        SameLineIfFits(i < 0 ? ButtonWidth(text) : std::max(34.0f, theme().min_target));
        if (OptionGroupButton(lesson, label, text, i - lo, count - lo, *value == i, i < 0 ? 0.0f : 34.0f)) *value = i;
    }
    ImGui::PopID();
}

}  // namespace

// The attention row of the selected token in the current view (one head, or the mean of all).
std::vector<double> ExplorerRow(const Explorer& e) {
    if (e.selected < 0 || !e.run.ok() || e.layer < 0 || e.layer >= static_cast<int>(e.run.cache.layers.size())) return {};
    const auto& layer = e.run.cache.layers.at(static_cast<size_t>(e.layer));
    if (e.head < 0) return mean_head_row(e.run.cache, e.layer, e.selected);
    if (e.head >= static_cast<int>(layer.attn.heads.size())) return {};
    const attn::Mat& w = layer.attn.heads.at(static_cast<size_t>(e.head)).weights;
    std::vector<double> row(static_cast<size_t>(w.cols()));
    for (Eigen::Index j = 0; j < w.cols(); ++j) row[static_cast<size_t>(j)] = static_cast<double>(w(e.selected, j));
    return row;
}

WidgetText Describe_Explorer(Lesson& lesson) {
    WidgetText out;
    out.title = "Attention explorer";
    lesson.refresh_explorer();
    Explorer& e = lesson.explorer;
    const LessonModel& model = lesson.explorer_model();
    out.lines.push_back("Sentence: " + quoted(Excerpt(lesson.text, 2000)) + ".");
    out.lines.push_back("Model: " + model.label + ".");
    if (!lesson.model_error.empty()) out.lines.push_back(lesson.model_error);
    if (!e.run.ok()) {
        out.lines.push_back(e.run.error.empty() ? "Type a sentence to explore." : e.run.error);
        return out;
    }
    const int heads = model.params.config.n_heads;
    const int n_layers = static_cast<int>(e.run.cache.layers.size());
    e.layer = std::clamp(e.layer, 0, n_layers - 1);
    e.head = std::clamp(e.head, -1, heads - 1);
    std::vector<std::string> words;
    std::string ids;
    for (const attn::Token& t : e.run.tokens) {
        words.push_back(t.text);
        ids += (ids.empty() ? "" : ", ") + t.text + " " + std::to_string(t.id);
    }
    out.lines.push_back(std::to_string(e.run.tokens.size()) + " tokens with their IDs: " + ids + ".");
    out.lines.push_back("Showing " + view_words(e, heads) + ".");
    const std::vector<double> row = ExplorerRow(e);
    if (e.selected >= 0 && !row.empty()) {
        const std::string who = quoted(words[static_cast<size_t>(e.selected)]);
        // The strongest targets first, the token itself included (the canvas names the strongest other).
        std::vector<int> order(row.size());
        for (size_t j = 0; j < order.size(); ++j) order[j] = static_cast<int>(j);
        std::stable_sort(order.begin(), order.end(), [&row](int a, int b) { return row[static_cast<size_t>(a)] > row[static_cast<size_t>(b)]; });
        std::string top;
        for (size_t k = 0; k < std::min<size_t>(3, order.size()); ++k) {
            const int j = order[k];
            top += (k == 0 ? "" : k + 1 == std::min<size_t>(3, order.size()) ? ", and " : ", ") + quoted(words[static_cast<size_t>(j)]) +
                   (j == e.selected ? " (itself)" : "") + " with weight " + Fixed(row[static_cast<size_t>(j)], 3);
        }
        out.live = "Selected " + who + " (token " + std::to_string(e.selected) + "). In " + view_words(e, heads) + ", " + who +
                   " attends most to " + top + ".";
        out.lines.push_back(out.live);
        TextTable t;
        t.caption = "Attention weights of " + who + ", " + view_words(e, heads) + " (each row of weights sums to 1)";
        t.header = {"Token", "Position", "Weight"};
        for (size_t j = 0; j < row.size(); ++j) t.rows.push_back({words[j], std::to_string(j), Fixed(row[j], 3)});
        out.tables.push_back(std::move(t));
    } else {
        out.live = "No token selected. Select a word to see its attention distribution.";
        out.lines.push_back(out.live);
    }
    if (model.names_referent) {
        const ReferentAnswer a = referent_of(model, e.run);
        if (a.it >= 0 && a.index >= 0)
            out.lines.push_back("The model's answer: " + quoted("it") + " = " + quoted(words[static_cast<size_t>(a.index)]) +
                                " (probability " + Fixed(100.0 * a.p, 0) + "%), read off its output at " + quoted("it") + ".");
    }
    if (e.evaluated_version == lesson.model_version && e.held_out.n > 0 && !e.held_out.attention_layer.empty())
        out.lines.push_back("On " + std::to_string(e.held_out.n) + " held-out sentences this model names the referent of " + quoted("it") +
                            " in " + Fixed(100.0 * e.held_out.accuracy, 1) + "%; its last layer's attention from " + quoted("it") +
                            " (mean of the heads) favours the referent over the other noun in " +
                            Fixed(100.0 * e.held_out.attention_layer.back(), 1) + "%.");
    MatrixExport m;
    m.kind = "explorer-attention";
    m.title = "Attention weights, " + view_words(e, heads) + " (rows: queries, columns: keys), " + model.label;
    m.rows = m.cols = words;
    m.values = view_matrix(e);
    m.attention = true;
    m.table = false;
    out.lines.push_back("The whole " + std::to_string(words.size()) + " × " + std::to_string(words.size()) +
                        " attention matrix of this view can be saved as CSV or PNG.");
    out.matrices.push_back(std::move(m));
    return out;
}

void Widget_Explorer(Lesson& lesson, const attn::Block&) {
    const Theme& t = theme();
    Explorer& e = lesson.explorer;
    const LessonModel& model = lesson.explorer_model();
    lesson.refresh_explorer();
    BeginCard("explorer", t.colors.query);

    // The sentence: the seed's, its twin, or the learner's own.
    SentenceField(lesson, "Type your own sentence");
    const char* const kWide = "The animal did not cross the street because it was too wide";
    if (SmallButton("…because it was too tired", "option", lesson.text == kItSentence ? "selected" : "")) lesson.set_text(kItSentence);
    SameLineIfFits(ButtonWidth("…because it was too wide"));
    if (SmallButton("…because it was too wide", "option", lesson.text == kWide ? "selected" : "")) lesson.set_text(kWide);

    // Which model.
    ImGui::Dummy(ImVec2(0, 2));
    if (!lesson.model_error.empty()) Caption(lesson.model_error);
    if (lesson.trained.trained) {
        bool trained = e.use_trained;
        if (Checkbox("Trained model", &trained)) {
            e.use_trained = trained;
            ++lesson.model_version;
            e.dirty = lesson.pipeline.dirty = true;
        }
        ImGui::SameLine();
        Caption(trained ? "(untick to see the same architecture with random weights)" : "(random weights: attention before learning)");
    }
    ImU32 label_color = model.trained ? t.colors.good : t.colors.warn;
    // The name on the pill (one line, short enough for a phone); the configuration below it wraps.
    Pill(("Model: " + (model.name.empty() ? model.label : model.name)).c_str(), WithAlpha(label_color, 0.15f), label_color);
    if (!model.details.empty()) Caption(model.details + ".");
    if (!e.run.ok()) {
        Paragraph(e.run.error.empty() ? "Type a sentence to explore." : e.run.error, t.colors.warn);
        EndCard();
        e.boxes.clear();
        e.row.clear();
        return;
    }
    const int n_layers = static_cast<int>(e.run.cache.layers.size());
    const int n_heads = model.params.config.n_heads;
    e.layer = std::clamp(e.layer, 0, n_layers - 1);
    e.head = std::clamp(e.head, -1, n_heads - 1);
    selector_buttons(lesson, "Layer", &e.layer, 0, n_layers, "");
    SameLineIfFits(ImGui::CalcTextSize("Head").x + ButtonWidth("mean") + n_heads * 44.0f + 40, 24);
    selector_buttons(lesson, "Head", &e.head, -1, n_heads, "mean");

    // The words: queries in purple, attention in orange.
    e.row = ExplorerRow(e);
    std::vector<std::string> words;
    for (const attn::Token& tok : e.run.tokens) words.push_back(tok.text);
    int hovered = -1;
    std::vector<std::pair<ImVec2, ImVec2>> rects;
    ImGui::Dummy(ImVec2(0, 6));
    const int clicked = TokenChips("words", words, [&](int i) {
        ChipStyle s;
        if (i == e.selected) {
            s.bg = t.colors.query;
            s.fg = t.colors.on_accent;
        } else if (!e.row.empty()) {
            const float w = static_cast<float>(e.row[static_cast<size_t>(i)]);
            s.bg = Mix(t.colors.card, t.colors.attention, std::min(1.0f, w * 1.6f));
            s.fg = w > 0.45f ? t.colors.on_attention : t.colors.query;
            s.weight = w;
        } else {
            s.bg = t.colors.query_soft;
            s.fg = t.colors.query;
        }
        if (e.run.unknown[static_cast<size_t>(i)]) s.border = t.colors.warn;
        s.value = i == e.selected ? "selected" : "";
        return s;
    }, &hovered, &rects, t.fonts.h2);
    if (clicked >= 0) {
        e.selected = clicked;
        e.row = ExplorerRow(e);
    }
    e.boxes.clear();
    for (size_t i = 0; i < rects.size(); ++i) e.boxes.push_back(TokenBox{e.run.tokens[i].text, e.run.tokens[i].id, rects[i].first, rects[i].second});
    if (hovered >= 0 && !e.row.empty()) {
        ImGui::SetTooltip("\"%s\" → \"%s\": weight %.3f", e.run.tokens[static_cast<size_t>(e.selected)].text.c_str(),
                          e.run.tokens[static_cast<size_t>(hovered)].text.c_str(), e.row[static_cast<size_t>(hovered)]);
    }
    if (e.selected >= 0 && !e.row.empty()) {
        // Name the strongest target other than the token itself.
        int best = -1;
        for (size_t j = 0; j < e.row.size(); ++j)
            if (static_cast<int>(j) != e.selected && (best < 0 || e.row[j] > e.row[static_cast<size_t>(best)])) best = static_cast<int>(j);
        char buf[200];
        if (best >= 0) {
            std::snprintf(buf, sizeof buf, "\"%s\" pays the most attention (%.0f%%) to \"%s\". Darker orange = higher weight; hover or touch a word for its weight.",
                          e.run.tokens[static_cast<size_t>(e.selected)].text.c_str(), 100.0 * e.row[static_cast<size_t>(best)],
                          e.run.tokens[static_cast<size_t>(best)].text.c_str());
            Caption(buf);
        }
    } else {
        Caption("Click a word to see its attention distribution.");
    }
    bool unknown = false;
    for (bool u : e.run.unknown) unknown = unknown || u;
    if (unknown) Caption("Words outlined in amber are not in the model's vocabulary; it reads them as [UNK].");
    if (e.run.truncated)
        Caption("This model reads at most " + std::to_string(model.max_tokens()) + " tokens: the first " +
                std::to_string(model.max_tokens()) + " are shown and the other " + Thousands(e.run.dropped) + " were left out.");
    if (model.names_referent) {
        const ReferentAnswer a = referent_of(model, e.run);
        if (a.it >= 0 && a.index >= 0) {
            char buf[200];
            std::snprintf(buf, sizeof buf, "The model's answer: \"it\" = \"%s\" (probability %.0f%%), read off its output at \"it\".",
                          e.run.tokens[static_cast<size_t>(a.index)].text.c_str(), 100.0 * a.p);
            Paragraph(buf, t.colors.good);
        }
    }
    Caption("[CLS] and [SEP] mark the start and end of the sentence, as in BERT; the model sees them too.");
    // The seed: every seed learns to name the referent; where the attention points varies. The
    // learner can train another one here (the progress shows under "Train it yourself").
    if (lesson.tokenizer && lesson.shipped.trained) {
        SeedPicker(lesson, "explorer");
        if (lesson.training.running) {
            char buf[120];
            std::snprintf(buf, sizeof buf, "Training seed %d in your browser: step %d of %d (curves below).", lesson.training.seed,
                          static_cast<int>(lesson.training.loss.size()), lesson.training.trainer->steps());
            Caption(buf);
        }
    }
    if (model.names_referent && lesson.tokenizer && !lesson.training.running) {
        // Measured on the held-out split once per model: naming the referent and attending to it
        // are separate things, and the figures show how far they agree for this seed.
        if (e.evaluated_version != lesson.model_version) {
            e.held_out = evaluate_held_out(model, *lesson.tokenizer, kExplorerHeldOut);
            e.evaluated_version = lesson.model_version;
        }
        if (e.held_out.n > 0 && !e.held_out.attention_layer.empty()) {
            char buf[300];
            std::snprintf(buf, sizeof buf,
                          "On %d held-out sentences this model names the referent of \"it\" in %.1f%%; its last layer's "
                          "attention from \"it\" (mean of the heads) favours the referent over the other noun in %.1f%%.",
                          e.held_out.n, 100.0 * e.held_out.accuracy, 100.0 * e.held_out.attention_layer.back());
            Caption(buf);
        }
    }

    CopyButton(lesson, "copy-attention", "Copy this attention matrix", MatrixText(view_matrix(e), words, words));
    SaveButtons(lesson, "explorer-attention", "this attention map");
    CopyLinkButton(lesson, "explorer");

    // Every layer and head at once: click one to select it.
    ImGui::Dummy(ImVec2(0, 4));
    Checkbox("Show all heads", &e.all_heads);
    if (e.all_heads) {
        const int T = static_cast<int>(e.run.tokens.size());
        const float avail = ContentWidth();
        const float cell = std::clamp((avail - 20.0f * n_heads) / static_cast<float>(n_heads * T), 2.0f, 12.0f);
        for (int l = 0; l < n_layers; ++l) {
            Caption("Layer " + std::to_string(l + 1));
            for (int h = 0; h < n_heads; ++h) {
                if (h) ImGui::SameLine(0, 14);
                ImGui::BeginGroup();
                const ImVec2 pos = ImGui::GetCursorScreenPos();
                HeatmapStyle hs;
                hs.attention = true;
                hs.cell_w = hs.cell_h = cell;
                hs.highlight_row = e.selected;
                ImGui::PushID(l * 100 + h);
                Heatmap("map", e.run.cache.weights(l, h), {}, hs);
                // The map is a control: a click, a tap, or Enter when it has the keyboard focus.
                ImGui::SetCursorScreenPos(pos);
                if (ImGui::InvisibleButton("pick", ImGui::GetItemRectSize())) {
                    e.layer = l;
                    e.head = h;
                }
                AddControl("map", "layer " + std::to_string(l + 1) + " head " + std::to_string(h + 1), l == e.layer && h == e.head ? "selected" : "");
                FocusRing(3);
                ImGui::PopID();
                if (l == e.layer && h == e.head)
                    ImGui::GetWindowDrawList()->AddRect(ImVec2(pos.x - 3, pos.y - 3), ImVec2(pos.x + cell * T + 3, pos.y + cell * T + 3), t.colors.query, 3, 0, 2);
                Caption("head " + std::to_string(h + 1));
                ImGui::EndGroup();
            }
        }
        Caption("Each square is one head's attention: rows are queries, columns keys. Click one to select it.");
    }
    ImGui::Dummy(ImVec2(0, 6));
    DrawTraining(lesson);
    EndCard();
}

}  // namespace app
