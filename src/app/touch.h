// touch.h — a finger on the page, as phones expect: a tap presses what it lands on, a drag
// scrolls the panel under it and a flick keeps it moving, slowing as native scrolling does.
//
// The platform layer hands over finger events (CSS pixels of the canvas, milliseconds) as they
// come; this decides what they mean. ImGui sees a finger as a mouse only while it may be a tap
// or while it drives a control that drags (a slider, a matrix cell, a scrollbar); a finger that
// scrolls is hidden from ImGui, so the button it started on is not pressed.
#pragma once

#include <imgui.h>

#include <cfloat>
#include <cstdint>
#include <utility>
#include <vector>

namespace app {

struct TouchScroll {
    enum class Mode { idle, pending, control, scroll, fling };
    static constexpr float kSlop = 8.0f;            // CSS px a tap may wander before it is a drag
    static constexpr float kFlingTimeConstant = 0.325f;  // s: velocity falls by 1/e in this time
    static constexpr float kMinFlingSpeed = 60.0f;  // px/s: slower lifts just stop
    static constexpr double kVelocityWindowMs = 100.0;

    Mode mode = Mode::idle;
    int64_t finger = -1;         // the finger followed; other fingers are ignored until it lifts
    ImVec2 start, last;          // CSS px of the canvas
    struct Sample {
        double t;
        ImVec2 p;
    };
    std::vector<Sample> samples;  // recent positions, for the velocity of a flick
    ImVec2 velocity;              // px/s of a fling (content follows the finger: + is down/right)
    ImVec2 pending;               // finger travel not yet applied as scrolling
    ImVec2 fraction;              // the sub-pixel part of the scroll position (ImGui scrolls by whole px)
    ImGuiID target = 0;           // window being scrolled
    ImGuiID drag_item = 0;        // with Mode::control: the control that the finger drives
    // What ImGui sees of the finger: a mouse at `pointer`, pressed while `down`.
    ImVec2 pointer{-FLT_MAX, -FLT_MAX};
    bool down = false;
    std::vector<std::pair<ImVec2, bool>> feed;  // pointer states ImGui must see one frame each first
    bool coast = true;            // a flick coasts on; false when the learner prefers reduced motion
    bool in_use = false;          // a finger is the last pointer used (the mouse takes over when it moves)
    float flung = 0.0f;           // px the last fling carried after the finger lifted
    float dragged = 0.0f;         // px the last drag scrolled while the finger was down
};

struct Controls;
void TouchDown(TouchScroll& t, int64_t finger, ImVec2 p, double t_ms);
// controls: the last frame's, to tell a control that drags from the page.
void TouchMove(TouchScroll& t, const Controls& controls, int64_t finger, ImVec2 p, double t_ms);
// cancelled: the browser took the touch away (no tap).
void TouchUp(TouchScroll& t, const Controls& controls, int64_t finger, ImVec2 p, double t_ms, bool cancelled = false);
// Before ImGui::NewFrame: the mouse ImGui should see while a finger is the pointer.
void TouchFeedMouse(TouchScroll& t, ImGuiIO& io);
// After ImGui::NewFrame, before any window is drawn: scrolls the window under the finger and
// runs the fling. dt in seconds.
void TouchScrollFrame(TouchScroll& t, float dt);

}  // namespace app
