// section_check.cpp — "Check yourself": quizzes with feedback and the prediction revisited.
#include "app/lesson.h"
#include "app/theme.h"
#include "app/widgets.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace app {

namespace {
const char* const kRevisitReferents[] = {"the animal", "the street", "can't tell"};
}  // namespace

void DrawQuiz(Lesson& lesson, const attn::Block& block) {
    const Theme& t = theme();
    auto& answers = lesson.progress.quiz;
    const auto it = answers.find(block.name);
    const int chosen = it == answers.end() ? -1 : it->second;
    const bool answered = chosen >= 0 && chosen < static_cast<int>(block.options.size());
    const bool right = answered && block.options[static_cast<size_t>(chosen)].correct;
    BeginCard("quiz", answered ? (right ? t.colors.good : t.colors.bad) : t.colors.accent);
    Heading3(block.text.c_str());
    ImGui::Dummy(ImVec2(0, 2));
    for (size_t i = 0; i < block.options.size(); ++i) {
        const bool is_chosen = static_cast<int>(i) == chosen;
        const bool correct = block.options[i].correct;
        ImU32 bg = t.colors.accent_soft, fg = t.colors.text;
        std::string mark = "○  ";
        if (answered && correct) {
            bg = WithAlpha(t.colors.good, 0.18f);
            fg = t.colors.good;
            mark = "✓  ";
        } else if (is_chosen) {
            bg = WithAlpha(t.colors.bad, 0.16f);
            fg = t.colors.bad;
            mark = "✗  ";
        }
        ImGui::PushID(static_cast<int>(i));
        ImGui::PushStyleColor(ImGuiCol_Button, bg);
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, Mix(bg, t.colors.accent, 0.15f));
        ImGui::PushStyleColor(ImGuiCol_Text, fg);
        ImGui::PushStyleColor(ImGuiCol_ButtonActive, Mix(bg, t.colors.accent, 0.25f));
        if (WrapButton("answer", mark.c_str(), block.options[i].text, ContentWidth())) {
            answers[block.name] = static_cast<int>(i);
            lesson.progress.first.emplace(block.name, static_cast<int>(i));  // the first pick stays
            lesson.progress_dirty = true;
        }
        AddControl("option", block.options[i].text, is_chosen ? "selected" : "");
        lesson.answer_boxes.push_back({block.name, static_cast<int>(i), ImGui::GetItemRectMin(), ImGui::GetItemRectMax()});
        ImGui::PopStyleColor(4);
        ImGui::PopID();
    }
    if (answered) {
        ImGui::Dummy(ImVec2(0, 2));
        Paragraph(std::string(right ? "**Right.** " : "**Not quite.** ") + block.feedback);
    }
    EndCard();
}

void RefreshRevisit(Lesson& lesson) {
    // The explorer's model on both versions: where does "it" look, averaged over the last
    // layer's heads, and what does it answer? Computed once per model, not every frame.
    const LessonModel& model = lesson.explorer_model();
    Revisit& r = lesson.revisit;
    std::vector<std::string>& lines = r.lines;
    if (r.version != lesson.model_version || r.model != &model) {
        r.version = lesson.model_version;
        r.model = &model;
        lines.clear();
        for (const char* adjective : {"tired", "wide"}) {
            const std::string sentence = std::string("The animal did not cross the street because it was ") + adjective;
            SentenceRun run;
            model.run(run, lesson.tokenizer.get(), sentence);
            if (!run.ok()) {
                lines.push_back(run.error);
                break;
            }
            const int it = find_token(run, "it"), animal = find_token(run, "animal"), street = find_token(run, "street");
            const auto row = mean_head_row(run.cache, static_cast<int>(run.cache.layers.size()) - 1, it);
            if (it < 0 || animal < 0 || street < 0 || row.empty()) continue;
            char buf[300];
            const ReferentAnswer a = referent_of(model, run);
            std::snprintf(buf, sizeof buf, "\"…it was %s\": attention from it to animal %.2f, to street %.2f%s%s%s", adjective,
                          row[static_cast<size_t>(animal)], row[static_cast<size_t>(street)],
                          a.index >= 0 ? "; the model answers \"" : ".", a.index >= 0 ? run.tokens[static_cast<size_t>(a.index)].text.c_str() : "",
                          a.index >= 0 ? "\"." : "");
            lines.push_back(buf);
        }
    }
}

WidgetText Describe_PredictionRevisit(Lesson& lesson) {
    RefreshRevisit(lesson);
    WidgetText out;
    out.title = "Your prediction, revisited";
    const int p = lesson.progress.prediction;
    out.lines.push_back(p >= 0 && p < 3 ? "At the start you predicted that \"it\" means " + std::string(kRevisitReferents[p]) + "."
                                        : "At the start you skipped the prediction.");
    for (const std::string& line : lesson.revisit.lines) out.lines.push_back(line + (line.empty() || line.back() == '.' ? "" : "."));
    out.lines.push_back("Model: " + lesson.explorer_model().label + ".");
    return out;
}

void Widget_PredictionRevisit(Lesson& lesson, const attn::Block&) {
    const Theme& t = theme();
    const char* const* kReferents = kRevisitReferents;
    const int p = lesson.progress.prediction;
    BeginCard("revisit", t.colors.query);
    if (p >= 0 && p < 3) {
        Paragraph("At the start you predicted that **it** means **" + std::string(kReferents[p]) + "**.");
    } else {
        Paragraph("At the start the lesson asked what **it** means in \"The animal did not cross the street because it "
                  "was too tired\". You skipped it then; here is how it resolves.");
    }
    Paragraph("A reader resolves it from **tired**: animals get tired, streets do not. Swap in **wide** and the same "
              "word points at the street.");

    RefreshRevisit(lesson);
    const LessonModel& model = lesson.explorer_model();
    const std::vector<std::string>& lines = lesson.revisit.lines;
    for (const std::string& line : lines) Paragraph(line);
    Caption("Model: " + model.label + ". " +
            (model.trained ? "It learned this from examples; nobody set its attention by hand. Other seeds learn the same "
                             "answers with attention that points elsewhere more often (see the explorer)."
                           : "Its weights are random, so these numbers carry no meaning yet: that is the point of training."));
    EndCard();
}

}  // namespace app

namespace app {

namespace {

// A figure of the summary: a large line over a small one, on a tinted tile `w` wide and `h` tall.
float tile_height(const std::string& big, const std::string& small, float w) {
    const Fonts& f = theme().fonts;
    constexpr float kPad = 14.0f;
    ImGui::PushFont(f.h2);
    const float big_h = ImGui::CalcTextSize(big.c_str(), nullptr, false, w - 2 * kPad).y;
    ImGui::PopFont();
    ImGui::PushFont(f.small);
    const float small_h = ImGui::CalcTextSize(small.c_str(), nullptr, false, w - 2 * kPad).y;
    ImGui::PopFont();
    return 2 * kPad + big_h + 4 + small_h;
}

void stat_tile(const std::string& big, const std::string& small, ImU32 bg, ImU32 fg, float w, float h) {
    const Fonts& f = theme().fonts;
    const Palette& p = theme().colors;
    constexpr float kPad = 14.0f;
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddRectFilled(pos, ImVec2(pos.x + w, pos.y + h), bg, 10.0f);
    ImGui::BeginGroup();
    ImGui::SetCursorScreenPos(ImVec2(pos.x + kPad, pos.y + kPad));
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + w - 2 * kPad);
    ImGui::PushFont(f.h2);
    ImGui::PushStyleColor(ImGuiCol_Text, TextOn(bg, fg));
    ImGui::TextUnformatted(big.c_str());
    ImGui::PopStyleColor();
    ImGui::PopFont();
    ImGui::SetCursorScreenPos(ImVec2(pos.x + kPad, ImGui::GetCursorScreenPos().y - ImGui::GetStyle().ItemSpacing.y + 4));
    ImGui::PushFont(f.small);
    ImGui::PushStyleColor(ImGuiCol_Text, TextOn(bg, p.text));
    ImGui::TextUnformatted(small.c_str());
    ImGui::PopStyleColor();
    ImGui::PopFont();
    ImGui::PopTextWrapPos();
    ImGui::SetCursorScreenPos(pos);
    ImGui::Dummy(ImVec2(w, h));
    ImGui::EndGroup();
}

}  // namespace

void Widget_Summary(Lesson& lesson, const attn::Block&) {
    const Theme& t = theme();
    const Palette& p = t.colors;
    const Summary s = Summarize(lesson);
    BeginCard("summary", p.accent);

    // Three figures: sections, first-try answers, the prediction. Side by side when they fit.
    const int n_quiz = static_cast<int>(s.quizzes.size());
    const std::string sections_big = std::to_string(s.visited.size()) + " of " + std::to_string(s.sections);
    const std::string sections_small = s.complete() ? "sections visited: all of them" : "sections visited";
    const std::string quiz_big = n_quiz == 0 ? "no quiz" : std::to_string(s.right_first) + " of " + std::to_string(n_quiz);
    const std::string quiz_small = n_quiz == 0 ? "the lesson text has no questions"
                                   : s.quiz_done() ? "right at the first try (" + std::to_string(s.score()) + "%)"
                                                   : "right at the first try; " + std::to_string(n_quiz - s.answered) + " not answered yet";
    const std::string pred_big = s.prediction >= 0 ? std::string("\"") + kReferents[s.prediction] + "\"" : "no prediction";
    const std::string pred_small = s.prediction < 0 ? "you skipped the prediction at the start"
                                   : s.prediction_held ? "your prediction for \"it\": it held"
                                                       : std::string("your prediction for \"it\" did not hold: a reader says ") +
                                                             kReferents[kReaderReferent];
    const ImU32 pred_bg = s.prediction < 0 ? p.accent_soft : s.prediction_held ? WithAlpha(p.good, 0.15f) : WithAlpha(p.bad, 0.16f);
    const ImU32 pred_fg = s.prediction < 0 ? p.accent : s.prediction_held ? p.good : p.bad;

    const float gap = 10.0f;
    const float avail = ContentWidth();
    const bool row = (avail - 2 * gap) / 3 >= 170.0f;
    const float w = row ? (avail - 2 * gap) / 3 : avail;
    // In a row the tiles share the tallest one's height; stacked, each is as tall as its text.
    float h = 0;
    for (const auto& [big, small] : {std::pair{&sections_big, &sections_small}, std::pair{&quiz_big, &quiz_small}, std::pair{&pred_big, &pred_small}})
        h = std::max(h, tile_height(*big, *small, w));
    const auto height = [&](const std::string& big, const std::string& small) { return row ? h : tile_height(big, small, w); };
    stat_tile(sections_big, sections_small, p.accent_soft, p.accent, w, height(sections_big, sections_small));
    if (row) ImGui::SameLine(0, gap);
    stat_tile(quiz_big, quiz_small, p.accent_soft, p.accent, w, height(quiz_big, quiz_small));
    if (row) ImGui::SameLine(0, gap);
    stat_tile(pred_big, pred_small, pred_bg, pred_fg, w, height(pred_big, pred_small));
    ImGui::Dummy(ImVec2(0, 4));

    if (!s.not_visited.empty()) {
        Paragraph("**Not visited yet:**");
        for (size_t i = 0; i < s.not_visited.size(); ++i) {
            const std::string title = section_title(lesson, section_index(s.not_visited[i])) + "  →";
            ImGui::PushID(s.not_visited[i].c_str());
            if (i) SameLineIfFits(ButtonWidth(title.c_str()));
            if (SmallButton(title.c_str(), "link")) lesson.go_to(s.not_visited[i]);
            ImGui::PopID();
        }
        ImGui::Dummy(ImVec2(0, 2));
    }

    if (n_quiz > 0) {
        // One line per question: its mark hanging at the left, the question wrapped beside it.
        for (const QuizResult& q : s.quizzes) {
            const char* mark = q.first < 0 ? "○" : q.right_first ? "✓" : "✗";
            const ImU32 color = q.first < 0 ? p.text_muted : q.right_first ? p.good : p.bad;
            const char* note = q.first < 0 ? "  (not answered yet)" : q.right_first ? "" : "  (the first pick was wrong)";
            const ImVec2 start = ImGui::GetCursorScreenPos();
            ImGui::PushFont(t.fonts.bold);
            ImGui::PushStyleColor(ImGuiCol_Text, color);
            ImGui::TextUnformatted(mark);
            ImGui::PopStyleColor();
            ImGui::PopFont();
            ImGui::SetCursorScreenPos(ImVec2(start.x + ImGui::GetFontSize() * 1.6f, start.y));
            Paragraph(q.question + note);
        }
        Caption(std::string("A question counts as right only when the first answer picked was right; picking again shows the other "
                            "explanations but does not change the count.") +
                (s.round > 1 ? " This is round " + std::to_string(s.round) + " of the quiz." : ""));
        ImGui::BeginDisabled(s.answered == 0 && lesson.progress.quiz.empty());
        if (Button("Try the quiz again")) {
            ResetQuiz(lesson);
            lesson.scroll_to_top = true;  // the questions start the section
        }
        ImGui::EndDisabled();
    }
    EndCard();
}

}  // namespace app

namespace app {

// The end of the lesson in words: the same summary the tiles show.
WidgetText Describe_Summary(Lesson& lesson) {
    const Summary s = Summarize(lesson);
    WidgetText out;
    out.title = "Your summary";
    out.lines.push_back("Sections visited: " + std::to_string(s.visited.size()) + " of " + std::to_string(s.sections) + ".");
    if (!s.not_visited.empty()) {
        std::string names;
        for (const std::string& id : s.not_visited)
            names += (names.empty() ? "" : ", ") + section_title(lesson, section_index(id));
        out.lines.push_back("Not visited yet: " + names + ".");
    }
    out.lines.push_back("Quiz: " + std::to_string(s.right_first) + " of " + std::to_string(s.quizzes.size()) +
                        " right at the first try" + (s.quiz_done() ? " (" + std::to_string(s.score()) + "%)" : "") + "; " +
                        std::to_string(s.answered) + " answered.");
    TextTable t;
    t.caption = "Each question";
    t.header = {"Question", "First answer"};
    for (const QuizResult& q : s.quizzes)
        t.rows.push_back({q.question, q.first < 0 ? "not answered" : q.right_first ? "right" : "not right"});
    out.tables.push_back(t);
    out.lines.push_back(s.prediction < 0 ? "You skipped the prediction at the start."
                        : s.prediction_held ? std::string("Your prediction, \"") + kReferents[s.prediction] + "\", held."
                                            : std::string("Your prediction, \"") + kReferents[s.prediction] +
                                                  "\", did not hold: a reader says \"" + kReferents[kReaderReferent] + "\".");
    return out;
}

}  // namespace app
