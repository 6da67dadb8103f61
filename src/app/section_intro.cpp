// section_intro.cpp — "Before we begin": the think-first prediction and the key terms.
#include "app/lesson.h"
#include "app/theme.h"
#include "app/widgets.h"

#include <imgui.h>

#include <algorithm>
#include <sstream>

namespace app {

namespace {

std::vector<std::string> split_words(const std::string& s) {
    std::istringstream in(s);
    std::vector<std::string> words;
    std::string w;
    while (in >> w) words.push_back(w);
    return words;
}

}  // namespace

void Widget_Prediction(Lesson& lesson, const attn::Block&) {
    const Theme& t = theme();
    Progress& p = lesson.progress;
    BeginCard("prediction", t.colors.query);
    Paragraph(std::string("In **\"") + kItSentence + "\"**, what does **it** refer to?");
    const std::vector<std::string> words = split_words(kItSentence);
    const int it_word = static_cast<int>(std::find(words.begin(), words.end(), "it") - words.begin());
    for (int i = 0; i < 3; ++i) {
        if (i) SameLineIfFits(ButtonWidth(kReferents[i]));
        if (OptionButton(kReferents[i], p.prediction == i)) {
            p.prediction = i;
            lesson.progress_dirty = true;
        }
    }
    ImGui::Dummy(ImVec2(0, 4));
    Paragraph("Which words help you decide? Tap them to mark your clues.");
    const int clicked = TokenChips("clues", words, [&](int i) {
        ChipStyle s;
        const bool clue = std::find(p.clues.begin(), p.clues.end(), i) != p.clues.end();
        if (i == it_word) {
            s.bg = t.colors.query_soft;
            s.fg = t.colors.query;
            s.value = "the word asked about";
        }
        if (clue) {
            s.bg = WithAlpha(t.colors.attention, 0.25f);
            s.border = t.colors.attention;
            s.value = "marked";
        }
        return s;
    });
    if (clicked >= 0 && clicked != it_word) {
        auto it = std::find(p.clues.begin(), p.clues.end(), clicked);
        if (it == p.clues.end()) p.clues.push_back(clicked);
        else p.clues.erase(it);
        lesson.progress_dirty = true;
    }
    if (p.prediction >= 0) {
        std::string clues;
        for (int c : p.clues) clues += (clues.empty() ? "" : ", ") + words[static_cast<size_t>(c)];
        Caption("Your prediction is saved: \"it\" = " + std::string(kReferents[p.prediction]) +
                (clues.empty() ? "" : "; clues: " + clues) + ". The last section comes back to it.");
    }
    EndCard();
}

WidgetText Describe_Prediction(Lesson& lesson) {
    const Progress& p = lesson.progress;
    WidgetText out;
    out.title = "Your prediction";
    out.lines.push_back(std::string("In \"") + kItSentence + "\", what does \"it\" refer to? Choices: the animal, the street, can't tell.");
    const std::vector<std::string> words = split_words(kItSentence);
    std::string clues;
    for (int c : p.clues)
        if (c >= 0 && c < static_cast<int>(words.size())) clues += (clues.empty() ? "" : ", ") + words[static_cast<size_t>(c)];
    out.live = p.prediction >= 0 && p.prediction < 3 ? "Your prediction: \"it\" = " + std::string(kReferents[p.prediction]) +
                                                           (clues.empty() ? "." : "; clues: " + clues + ".")
                                                     : "No prediction chosen yet.";
    out.lines.push_back(out.live);
    return out;
}

void DrawTerms(Lesson& lesson, const attn::Block& block) {
    const Theme& t = theme();
    int& pinned = lesson.pinned_term;
    std::vector<std::string> words;
    for (const auto& term : block.terms) words.push_back(term.first);
    int hovered = -1;
    const int clicked = TokenChips("terms", words, [&](int i) {
        ChipStyle s;
        s.bg = i == pinned ? t.colors.accent : t.colors.accent_soft;
        s.fg = i == pinned ? t.colors.on_accent : t.colors.accent;
        s.value = i == pinned ? "open" : "";
        return s;
    }, &hovered, nullptr, t.fonts.bold);
    if (clicked >= 0) pinned = pinned == clicked ? -1 : clicked;
    // The definition shows under the chips once pinned; a hover tip for the mouse only (a
    // finger's tap pins it, and a tip would stay behind after the finger lifts).
    const bool mouse = !(ImGui::GetIO().ConfigFlags & ImGuiConfigFlags_IsTouchScreen);
    if (mouse && hovered >= 0 && hovered != pinned) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 22);
        ImGui::PushFont(t.fonts.bold);
        ImGui::TextUnformatted(block.terms[static_cast<size_t>(hovered)].first.c_str());
        ImGui::PopFont();
        ImGui::TextUnformatted(block.terms[static_cast<size_t>(hovered)].second.c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
    if (pinned >= 0 && pinned < static_cast<int>(block.terms.size())) {
        const auto& term = block.terms[static_cast<size_t>(pinned)];
        Callout("term", term.first.c_str(), term.second, t.colors.accent);
    }
}

}  // namespace app
