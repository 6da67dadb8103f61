#include "app/controls.h"

#include <imgui_internal.h>

namespace app {

namespace {
Controls* current = nullptr;  // the lesson's list for the frame being drawn (set by BeginControls)
}  // namespace

void BeginControls(Controls& c) {
    c.last.swap(c.frame);
    c.frame.clear();
    current = &c;
}

void AddControl(const char* kind, const std::string& label, const std::string& value, bool drags) {
    if (!current) return;
    const ImGuiLastItemData& item = GImGui->LastItemData;
    const bool disabled = (item.InFlags & ImGuiItemFlags_Disabled) != 0;
    current->frame.push_back(ControlInfo{item.ID, kind, label, value, item.Rect.Min, item.Rect.Max, drags, disabled});
}

void ControlTakesArrows() {
    if (current && !current->frame.empty()) current->frame.back().arrows = true;
}

const ControlInfo* FindControl(const Controls& c, ImGuiID id) {
    if (id == 0) return nullptr;
    for (const std::vector<ControlInfo>* list : {&c.frame, &c.last})  // the newest whole list first
        for (const ControlInfo& info : *list)
            if (info.imgui_id == id) return &info;
    return nullptr;
}

}  // namespace app
