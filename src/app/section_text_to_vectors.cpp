// section_text_to_vectors.cpp — raw text → tokens → IDs → embeddings → + positions → encoder.
#include "app/lesson.h"
#include "app/theme.h"
#include "app/widgets.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace app {

namespace {

std::string fmt2(double x) {
    char b[32];
    std::snprintf(b, sizeof b, "%.2f", x);
    return b;
}

void stage_label(const char* number, const char* title) {
    const Theme& t = theme();
    ImGui::Dummy(ImVec2(0, 4));
    ImGui::PushFont(t.fonts.small);
    ImGui::PushStyleColor(ImGuiCol_Text, t.colors.accent);
    ImGui::TextUnformatted(number);
    ImGui::PopStyleColor();
    ImGui::PopFont();
    ImGui::SameLine();
    Heading3(title);
}

// The original text with the hovered token's bytes highlighted, wrapping between tokens.
void raw_text(const SentenceRun& run, int hovered) {
    const Theme& t = theme();
    ImFont* font = t.fonts.body;
    const float size = ImGui::GetFontSize();
    const float width = ContentWidth();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float line_h = ImGui::GetTextLineHeight() + 10;
    float x = 0, y = 0;
    // Segments: the text between tokens, then each token's own bytes.
    size_t pos = 0;
    auto draw = [&](size_t a, size_t b, bool highlight) {
        if (b <= a) return;
        const char* s = run.text.c_str() + a;
        const char* e = run.text.c_str() + b;
        const float w = font->CalcTextSizeA(size, FLT_MAX, 0, s, e).x;
        if (x > 0 && x + w > width) {
            x = 0;
            y += line_h;
        }
        if (highlight) dl->AddRectFilled(ImVec2(o.x + x - 2, o.y + y - 3), ImVec2(o.x + x + w + 2, o.y + y + line_h - 7), WithAlpha(t.colors.query, 0.22f), 4);
        dl->AddText(font, size, ImVec2(o.x + x, o.y + y), t.colors.text, s, e);
        x += w;
    };
    for (size_t i = 0; i < run.tokens.size(); ++i) {
        const attn::Token& tok = run.tokens[i];
        draw(pos, std::max(pos, tok.start), false);
        draw(std::max(pos, tok.start), tok.end, static_cast<int>(i) == hovered);
        pos = std::max(pos, tok.end);
    }
    // Past BERT's limit the text is not read: it is left out here too (the caption says how much).
    if (!run.truncated) draw(pos, run.text.size(), false);
    ImGui::Dummy(ImVec2(width, y + line_h));
    if (run.truncated && pos < run.text.size())
        Caption("… and " + Thousands(static_cast<long long>(run.text.size() - pos)) + " more bytes that BERT does not read.");
}

// What the tokens caption says about BERT's limit when the text is longer.
std::string truncation_note(const SentenceRun& run) {
    if (!run.truncated) return {};
    return " BERT reads at most " + std::to_string(attn::limits::kBertTokens) + " tokens, [CLS] and [SEP] included: the first " +
           Thousands(static_cast<long long>(run.tokens.size())) + " are kept and the other " + Thousands(run.dropped) +
           " were dropped, as BERT truncates a longer text.";
}

// The first `n` numbers of a row, as the table shows them.
std::string first_numbers(const attn::Mat& m, Eigen::Index row, int n) {
    std::string nums;
    for (int j = 0; j < n && j < m.cols(); ++j) nums += (j ? "  " : "") + fmt2(m(row, j));
    return nums;
}

// Narrow screens (a phone): the table's columns become rows under each token, so that the
// embedding, the position and their sum all keep their numbers and their strip.
void vector_rows(Pipeline& pipeline, const SentenceRun& run, int hovered) {
    const Theme& t = theme();
    const attn::EncoderCache& c = run.cache;
    const float avail = ContentWidth();
    static const char* const kStages[] = {"embedding", "+ position", "= input"};
    const attn::Mat* mats[] = {&c.embedded, &c.positions, &c.input};
    ImGui::PushFont(t.fonts.small);
    const float label_w = ImGui::CalcTextSize("+ position").x + 12;
    ImGui::PopFont();
    ImGui::PushFont(t.fonts.mono);
    const float nums_w = ImGui::CalcTextSize("-0.00  -0.00 …").x + 12;
    ImGui::PopFont();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    // Only the tokens in view are drawn (a pasted paragraph has 510); the clipper places the rest.
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(run.tokens.size()));
    while (clipper.Step())
    for (size_t i = static_cast<size_t>(clipper.DisplayStart); i < static_cast<size_t>(clipper.DisplayEnd); ++i) {
        ImGui::PushID(static_cast<int>(i));
        const ImVec2 top = ImGui::GetCursorScreenPos();
        dl->ChannelsSplit(2);
        dl->ChannelsSetCurrent(1);
        ImGui::Dummy(ImVec2(0, 2));
        ImGui::PushFont(t.fonts.bold);
        ImGui::PushStyleColor(ImGuiCol_Text, t.colors.query);
        ImGui::TextUnformatted(run.tokens[i].text.c_str());
        ImGui::PopStyleColor();
        ImGui::PopFont();
        ImGui::SameLine(0, 12);
        ImGui::PushFont(t.fonts.mono);
        ImGui::PushStyleColor(ImGuiCol_Text, t.colors.text_muted);
        ImGui::Text("ID %d", run.tokens[i].id);
        ImGui::PopStyleColor();
        ImGui::PopFont();
        if (run.unknown[i]) Caption("unknown to the model");
        ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, 6));
        for (int s = 0; s < 3; ++s) {
            const float x0 = ImGui::GetCursorPosX();
            const float y0 = ImGui::GetCursorPosY();
            ImGui::PushFont(t.fonts.small);
            ImGui::SetCursorPosY(y0 + 2);
            ImGui::PushStyleColor(ImGuiCol_Text, t.colors.text_muted);
            ImGui::TextUnformatted(kStages[s]);
            ImGui::PopStyleColor();
            ImGui::PopFont();
            ImGui::SameLine(x0 + label_w);
            ImGui::SetCursorPosY(y0);
            ImGui::PushFont(t.fonts.mono);
            ImGui::TextUnformatted((first_numbers(*mats[s], static_cast<Eigen::Index>(i), 2) + " …").c_str());
            ImGui::PopFont();
            ImGui::SameLine(x0 + label_w + nums_w);
            ImGui::SetCursorPosY(y0 + 5);
            HeatStrip(kStages[s], *mats[s], static_cast<Eigen::Index>(i), std::max(40.0f, ContentWidth() - 2), 10, 2.0f);
        }
        ImGui::PopStyleVar();
        ImGui::Dummy(ImVec2(0, 4));
        const ImVec2 bottom(top.x + avail, ImGui::GetCursorScreenPos().y);
        dl->ChannelsSetCurrent(0);
        if (static_cast<int>(i) == hovered) dl->AddRectFilled(ImVec2(top.x - 8, top.y), ImVec2(bottom.x + 8, bottom.y), WithAlpha(t.colors.query, 0.14f), 6);
        dl->AddLine(ImVec2(top.x, bottom.y), bottom, t.colors.card_border);
        dl->ChannelsMerge();
        if (ImGui::IsMouseHoveringRect(top, bottom)) pipeline.hovered = static_cast<int>(i);
        ImGui::Dummy(ImVec2(0, 4));
        ImGui::PopID();
    }
}

}  // namespace

void RefreshPipeline(Lesson& lesson) {
    Pipeline& p = lesson.pipeline;
    const LessonModel& model = lesson.bert_model();
    if (p.dirty) {
        model.run(p.run, lesson.tokenizer.get(), lesson.text);
        NoteTokens(p.run);
        p.dirty = false;
        // PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(…): each column is a wave,
        // slower and slower to the right, so every position gets a unique pattern.
        const int T = static_cast<int>(p.run.tokens.size());
        const int positions = std::max(16, T);
        attn::sinusoidal_positions(p.positions, positions, model.params.config.d_model);
        p.position_labels.clear();
        for (int i = 0; i < positions; ++i)
            p.position_labels.push_back(i < T ? p.run.tokens[static_cast<size_t>(i)].text : std::to_string(i));
    }
}

WidgetText Describe_Pipeline(Lesson& lesson) {
    RefreshPipeline(lesson);
    const Pipeline& p = lesson.pipeline;
    const SentenceRun& run = p.run;
    const LessonModel& model = lesson.bert_model();
    WidgetText out;
    out.title = "From text to vectors";
    out.lines.push_back("Raw text: \"" + Excerpt(lesson.text, 2000) + "\".");
    if (!run.ok()) {
        out.lines.push_back(run.error.empty() ? "Type a sentence to see it tokenized." : run.error);
        return out;
    }
    const int d = static_cast<int>(run.cache.input.cols());
    out.lines.push_back(Thousands(static_cast<long long>(run.tokens.size())) +
                        " tokens (BERT WordPiece, uncased); a \"##\" piece continues the word before it." + truncation_note(run));
    TextTable t;
    t.caption = "Tokens, their IDs and the first numbers of their vectors (" + std::to_string(d) + " numbers each)";
    t.header = {"Token", "ID", "Embedding", "+ Position", "= Input to the encoder"};
    for (size_t i = 0; i < run.tokens.size(); ++i) {
        const Eigen::Index r = static_cast<Eigen::Index>(i);
        t.rows.push_back({run.tokens[i].text + (run.unknown[i] ? " (unknown to the model)" : ""), std::to_string(run.tokens[i].id),
                          first_numbers(run.cache.embedded, r, 3) + " …", first_numbers(run.cache.positions, r, 3) + " …",
                          first_numbers(run.cache.input, r, 3) + " …"});
    }
    out.tables.push_back(std::move(t));
    if (p.selected >= 0 && p.selected < static_cast<int>(run.tokens.size()))
        out.lines.push_back("Followed through the stages: \"" + run.tokens[static_cast<size_t>(p.selected)].text + "\".");
    out.lines.push_back("Embeddings come from the " + model.label + (model.trained ? "" : ": random numbers until a model learns them") + ".");
    out.lines.push_back("The positional encoding: " + std::to_string(p.positions.rows()) + " positions × " + std::to_string(d) +
                        " dimensions, sin on even and cos on odd ones, each slower than the last; it can be saved as CSV or PNG.");
    MatrixExport pe;
    pe.kind = "positional-encoding";
    pe.title = "Sinusoidal positional encoding (rows: positions, columns: dimensions)";
    pe.rows = p.position_labels;
    for (int c = 0; c < p.positions.cols(); ++c) pe.cols.push_back(std::to_string(c));
    pe.values = p.positions;
    pe.table = false;
    out.matrices.push_back(std::move(pe));
    MatrixExport in;
    in.kind = "input-vectors";
    in.title = "Input to the encoder: embedding + position (rows: tokens, columns: dimensions)";
    for (const attn::Token& tok : run.tokens) in.rows.push_back(tok.text);
    for (int c = 0; c < d; ++c) in.cols.push_back(std::to_string(c));
    in.values = run.cache.input;
    in.table = false;
    out.matrices.push_back(std::move(in));
    return out;
}

void Widget_Pipeline(Lesson& lesson, const attn::Block&) {
    const Theme& t = theme();
    Pipeline& p = lesson.pipeline;
    const LessonModel& model = lesson.bert_model();
    RefreshPipeline(lesson);
    BeginCard("pipeline", t.colors.accent);
    SentenceField(lesson, "Type a sentence");
    ImGui::SameLine();
    const SentenceRun& run = p.run;
    ImGui::NewLine();
    if (!run.ok()) {
        Paragraph(run.error.empty() ? "Type a sentence to see it tokenized." : run.error, t.colors.warn);
        EndCard();
        return;
    }
    // The token followed through every stage: the one under the pointer, else the one picked.
    if (p.selected >= static_cast<int>(run.tokens.size())) p.selected = -1;
    int hovered = p.hovered >= 0 ? p.hovered : p.selected;
    p.hovered = -1;

    stage_label("1", "Raw text");
    raw_text(run, hovered);

    stage_label("2", "Tokens (BERT WordPiece, uncased)");
    std::vector<std::string> pieces;
    for (const attn::Token& tok : run.tokens) pieces.push_back(tok.text);
    int h = -1;
    const int picked = TokenChips("tokens", pieces, [&](int i) {
        ChipStyle s;
        s.bg = i == hovered ? t.colors.query : t.colors.query_soft;
        s.fg = i == hovered ? t.colors.on_accent : t.colors.query;
        if (run.unknown[static_cast<size_t>(i)]) s.border = t.colors.warn;
        s.value = i == p.selected ? "selected" : "";
        return s;
    }, &h);
    if (picked >= 0) p.selected = p.selected == picked ? -1 : picked;
    if (h >= 0) p.hovered = h;
    Caption("A \"##\" piece continues the word before it. " + Thousands(static_cast<long long>(run.tokens.size())) + " token(s)." +
            truncation_note(run));

    {
        std::string ids;
        for (const attn::Token& tok : run.tokens) ids += (ids.empty() ? "" : " ") + std::to_string(tok.id);
        CopyButton(lesson, "copy-ids", "Copy the token IDs", ids);
    }

    stage_label("3", "Token IDs, embeddings, positions");
    const attn::EncoderCache& c = run.cache;
    const int d = static_cast<int>(c.input.cols());
    const float avail = ContentWidth();
    if (avail < 600) {
        vector_rows(p, run, hovered);
    } else if (ImGui::BeginTable("vectors", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp,
                                 ImVec2(avail, 0))) {
        ImGui::TableSetupColumn("Token", 0, 0.8f);
        ImGui::TableSetupColumn("ID", 0, 0.55f);
        ImGui::TableSetupColumn(("Embedding (" + std::to_string(d) + " numbers)").c_str(), 0, 1.4f);
        ImGui::TableSetupColumn("+ Position", 0, 1.4f);
        ImGui::TableSetupColumn("= Input to the encoder", 0, 1.4f);
        // Header cells as plain text: ImGui's header row would make each a Tab stop that does nothing.
        ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
        for (int c = 0; c < 5; ++c) {
            ImGui::TableSetColumnIndex(c);
            ImGui::PushFont(t.fonts.bold);
            ImGui::TextUnformatted(ImGui::TableGetColumnName(c));
            ImGui::PopFont();
        }
        auto vec_cell = [&](const char* id, const attn::Mat& m, Eigen::Index row) {
            ImGui::PushFont(t.fonts.mono);
            ImGui::TextUnformatted((first_numbers(m, row, 3) + " …").c_str());
            ImGui::PopFont();
            HeatStrip(id, m, row, std::max(40.0f, ImGui::GetContentRegionAvail().x - 4), 10, 2.0f);
        };
        // Only the rows in view are drawn (a pasted paragraph has 510): every row is as tall as
        // its strips, so the clipper can place the rest.
        ImGuiListClipper clipper;
        clipper.Begin(static_cast<int>(run.tokens.size()));
        while (clipper.Step())
        for (size_t i = static_cast<size_t>(clipper.DisplayStart); i < static_cast<size_t>(clipper.DisplayEnd); ++i) {
            ImGui::TableNextRow();
            const bool hl = static_cast<int>(i) == hovered;
            if (hl) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, WithAlpha(t.colors.query, 0.14f));
            ImGui::PushID(static_cast<int>(i));
            ImGui::TableSetColumnIndex(0);
            const ImVec2 row_min(ImGui::GetCursorScreenPos().x - 8, ImGui::GetCursorScreenPos().y);
            ImGui::PushStyleColor(ImGuiCol_Text, t.colors.query);
            ImGui::TextUnformatted(run.tokens[i].text.c_str());
            ImGui::PopStyleColor();
            ImGui::TableSetColumnIndex(1);
            ImGui::PushFont(t.fonts.mono);
            ImGui::Text("%d", run.tokens[i].id);
            ImGui::PopFont();
            if (run.unknown[i]) Caption("unknown to the model");
            ImGui::TableSetColumnIndex(2);
            vec_cell("emb", c.embedded, static_cast<Eigen::Index>(i));
            ImGui::TableSetColumnIndex(3);
            vec_cell("pos", c.positions, static_cast<Eigen::Index>(i));
            ImGui::TableSetColumnIndex(4);
            vec_cell("sum", c.input, static_cast<Eigen::Index>(i));
            ImGui::PopID();
            if (ImGui::IsMouseHoveringRect(row_min, ImVec2(row_min.x + avail, ImGui::GetCursorScreenPos().y))) p.hovered = static_cast<int>(i);
        }
        ImGui::EndTable();
    }
    Caption("Embeddings come from the " + model.label + (model.trained ? "" : ": random numbers until a model learns them") +
            ". Blue is negative, red positive; hover a strip to read any dimension.");

    stage_label("4", "The positional encoding: a different wave at every position");
    {
        HeatmapStyle hs;
        hs.cell_w = std::clamp((avail - 110) / static_cast<float>(d), 4.0f, 18.0f);
        hs.cell_h = 17;
        hs.highlight_row = hovered;
        Heatmap("pe", p.positions, p.position_labels, hs);
        Caption("Rows: positions (your tokens first). Columns: the " + std::to_string(d) +
                " dimensions, sin on even and cos on odd ones, each slower than the last.");
        SaveButtons(lesson, "positional-encoding", "the positional encoding");
    }

    stage_label("5", "Into the encoder ×N");
    Paragraph("These input vectors now enter a stack of encoder blocks, each one multi-head attention followed by "
              "a feed-forward network, repeated.");
    if (Button("See the encoder block  →", ImVec2(0, 0), "link")) lesson.go_to("encoder-block");
    EndCard();
}

}  // namespace app
