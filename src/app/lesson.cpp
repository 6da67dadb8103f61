// lesson.cpp — page layout: header, contents, the current section, previous/next.
#include "app/lesson.h"

#include "app/theme.h"
#include "app/widgets.h"

#include <imgui.h>

#include <algorithm>

namespace app {

const std::vector<Section>& sections() {
    static const std::vector<Section> table = {
        {"attention-steps", "Scaled dot-product attention, step by step", ShowSection_AttentionSteps},
    };
    return table;
}

int section_index(const std::string& id) {
    const auto& s = sections();
    for (size_t i = 0; i < s.size(); ++i)
        if (id == s[i].id) return static_cast<int>(i);
    return -1;
}

Lesson::Lesson() : visited(sections().size(), false) { worked.reset(); }

namespace {

constexpr float kMaxContentWidth = 860.0f;

void draw_header(float width) {
    const Theme& t = theme();
    Pill("Language & Transformers", t.colors.accent_soft, t.colors.accent);
    ImGui::SameLine();
    Pill("Advanced", t.colors.query_soft, t.colors.query);
    Heading1("Attention & Transformers");
    ImGui::PushFont(t.fonts.body);
    ImGui::PushStyleColor(ImGuiCol_Text, t.colors.text_muted);
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::TextUnformatted("How models decide what to focus on  ·  35 min  ·  explore at your own pace");
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
    ImGui::PopFont();
}

}  // namespace

void DrawLesson(Lesson& lesson) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->Pos);
    ImGui::SetNextWindowSize(vp->Size);
    ImGui::Begin("lesson", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);

    const float margin = vp->Size.x < 600 ? 16.0f : 40.0f;
    const float width = std::min(kMaxContentWidth, vp->Size.x - 2 * margin);
    const float left = std::max(margin, (vp->Size.x - width) * 0.5f);

    // The page scrolls as a whole; the window padding centres a column of at most
    // kMaxContentWidth, so every widget's "available width" is the column's.
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(left, 28));
    ImGui::BeginChild("page", ImVec2(0, 0), false,
                      ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_AlwaysUseWindowPadding);
    ImGui::PopStyleVar();
    ImGui::PushTextWrapPos(0.0f);
    draw_header(width);
    ImGui::Dummy(ImVec2(0, 8));

    lesson.current = std::clamp(lesson.current, 0, static_cast<int>(sections().size()) - 1);
    lesson.visited[static_cast<size_t>(lesson.current)] = true;
    sections()[static_cast<size_t>(lesson.current)].draw(lesson);

    ImGui::Dummy(ImVec2(0, 40));
    ImGui::PopTextWrapPos();
    ImGui::EndChild();
    ImGui::End();
}

}  // namespace app
