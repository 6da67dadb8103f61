// controls.h — every control drawn this frame: what it is, its label, value and rectangle.
//
// Widgets record each control right after drawing it (AddControl). The list is what touch input
// asks ("does the finger start on a control that drags?"), what lesson.state().controls reports,
// and what the tests press. The lists live in the lesson's model (Lesson::controls); drawing
// code reaches them through the registry set at the start of each frame, as ImGui's own
// functions reach their context.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

namespace app {

struct ControlInfo {
    ImGuiID imgui_id = 0;
    std::string kind;    // button, chip, slider, cell, field, checkbox, tab, menu, answer, link…
    std::string label;   // what a person reads on it
    std::string value;   // its value, if it has one ("3", "on", "selected")
    ImVec2 min, max;     // CSS pixels of the canvas
    bool drags = false;  // a finger or the mouse drags it (slider, matrix cell): touch drives it, not the page
    bool disabled = false;  // drawn but not pressable now (nothing to undo, already at the end)
    bool arrows = false;    // ← and → change it while it has the keyboard focus (else they turn the page)
};

struct Controls {
    std::vector<ControlInfo> frame;  // being drawn
    std::vector<ControlInfo> last;   // the last whole frame
};

// Start of a frame: what was drawn becomes `last`, and new controls go to `c`.
void BeginControls(Controls& c);
// Records the last ImGui item as a control.
void AddControl(const char* kind, const std::string& label, const std::string& value = {}, bool drags = false);
// The control recorded last uses ← and → (a slider, a cell, a group of options).
void ControlTakesArrows();
// A control by ImGui id, from the newest list that has it (between frames the one just drawn,
// while drawing the last whole frame's), or nullptr.
const ControlInfo* FindControl(const Controls& c, ImGuiID id);

}  // namespace app
