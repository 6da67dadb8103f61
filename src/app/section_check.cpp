// section_check.cpp — "Check yourself": quizzes with feedback and the prediction revisited.
#include "app/lesson.h"
#include "app/theme.h"
#include "app/widgets.h"

#include <imgui.h>

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
                  "was tired\". You skipped it then; here is how it resolves.");
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
