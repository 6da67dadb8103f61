// touch.cpp — tap, drag to scroll, flick, as a phone's own pages behave.
//
// A finger goes through these modes:
//   pending  down, moved less than kSlop: ImGui sees the pointer hover there, not pressed yet;
//   (tap)    lifted while pending: ImGui sees a press and a release at that spot;
//   control  moved past kSlop from a control that drags (slider, matrix cell, scrollbar):
//            ImGui sees the press where the finger came down, then follows the finger;
//   scroll   moved past kSlop anywhere else: the window under it follows the finger, and ImGui
//            sees no pointer at all (so the button it started on is never pressed);
//   fling    lifted while scrolling fast: the window coasts, its speed decaying exponentially
//            with kFlingTimeConstant, until it is slow, reaches an end, or a finger comes down.
#include "app/touch.h"

#include "app/controls.h"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>

namespace app {

namespace {

const ImVec2 kAway(-FLT_MAX, -FLT_MAX);

float length(ImVec2 v) { return std::sqrt(v.x * v.x + v.y * v.y); }

// The innermost window under the finger that can scroll, preferring the axis it moves along.
ImGuiID scroll_target(ImVec2 travel) {
    ImGuiWindow* hovered = GImGui->HoveredWindow;
    const bool horizontal = std::fabs(travel.x) > std::fabs(travel.y);
    ImGuiWindow* any = nullptr;
    for (ImGuiWindow* w = hovered; w; w = (w->Flags & ImGuiWindowFlags_ChildWindow) ? w->ParentWindow : nullptr) {
        const bool can_x = w->ScrollMax.x > 0.0f, can_y = w->ScrollMax.y > 0.0f;
        if (horizontal ? can_x : can_y) return w->ID;
        if (!any && (can_x || can_y)) any = w;
    }
    return any ? any->ID : 0;
}

// Was the item under the pointer last frame one that a finger should drive rather than scroll?
bool drives_control(const Controls& controls, ImGuiID hovered) {
    if (hovered == 0) return false;
    if (const ControlInfo* c = FindControl(controls, hovered)) return c->drags;
    ImGuiWindow* w = GImGui->HoveredWindow;
    return w && (hovered == ImGui::GetWindowScrollbarID(w, ImGuiAxis_Y) || hovered == ImGui::GetWindowScrollbarID(w, ImGuiAxis_X));
}

void add_sample(TouchScroll& t, ImVec2 p, double t_ms) {
    t.samples.push_back({t_ms, p});
    // Keep what the velocity needs: samples within the window before the newest, and one older.
    while (t.samples.size() > 2 && t_ms - t.samples[1].t > TouchScroll::kVelocityWindowMs) t.samples.erase(t.samples.begin());
}

ImVec2 release_velocity(const TouchScroll& t, double t_ms) {
    const TouchScroll::Sample* first = nullptr;
    for (const TouchScroll::Sample& s : t.samples)
        if (t_ms - s.t <= TouchScroll::kVelocityWindowMs) {
            first = &s;
            break;
        }
    const TouchScroll::Sample& last = t.samples.back();
    if (!first || last.t - first->t < 1.0) return ImVec2(0, 0);
    const float dt = static_cast<float>((last.t - first->t) / 1000.0);
    return ImVec2((last.p.x - first->p.x) / dt, (last.p.y - first->p.y) / dt);
}

}  // namespace

void TouchDown(TouchScroll& t, int64_t finger, ImVec2 p, double t_ms) {
    if (t.finger >= 0) return;  // a second finger: the first one keeps the page
    t.finger = finger;
    t.mode = TouchScroll::Mode::pending;
    t.start = t.last = p;
    t.samples.clear();
    t.samples.push_back({t_ms, p});
    t.velocity = t.pending = t.fraction = ImVec2(0, 0);  // a finger on a coasting page stops it
    t.target = t.drag_item = 0;
    t.feed.clear();
    t.pointer = p;  // hover only: a press waits until the finger lifts (tap) or drags a control
    t.down = false;
    t.in_use = true;
    t.dragged = 0.0f;
}

void TouchMove(TouchScroll& t, const Controls& controls, int64_t finger, ImVec2 p, double t_ms) {
    if (finger != t.finger) return;
    add_sample(t, p, t_ms);
    const ImVec2 delta(p.x - t.last.x, p.y - t.last.y);
    t.last = p;
    switch (t.mode) {
    case TouchScroll::Mode::pending: {
        const ImVec2 travel(p.x - t.start.x, p.y - t.start.y);
        if (length(travel) <= TouchScroll::kSlop) {
            t.pointer = p;
            return;
        }
        const ImGuiID hovered = GImGui->HoveredId;  // last frame's, with the pointer at the finger
        if (drives_control(controls, hovered)) {
            t.mode = TouchScroll::Mode::control;
            t.drag_item = hovered;
            t.feed.push_back({t.start, true});  // pressed where the finger came down, then it follows
            t.pointer = p;
            t.down = true;
        } else {
            t.mode = TouchScroll::Mode::scroll;
            t.target = scroll_target(travel);
            t.pending = travel;  // the page catches up with the finger's whole travel
            t.pointer = kAway;
            t.down = false;
        }
        return;
    }
    case TouchScroll::Mode::control: t.pointer = p; return;
    case TouchScroll::Mode::scroll:
        t.pending.x += delta.x;
        t.pending.y += delta.y;
        return;
    default: return;
    }
}

void TouchUp(TouchScroll& t, const Controls& controls, int64_t finger, ImVec2 p, double t_ms, bool cancelled) {
    if (finger != t.finger) return;
    TouchMove(t, controls, finger, p, t_ms);
    switch (t.mode) {
    case TouchScroll::Mode::pending:  // a tap: pressed and released where it landed
        if (cancelled) break;
        t.feed.push_back({p, true});
        t.feed.push_back({p, false});
        break;
    case TouchScroll::Mode::control: t.feed.push_back({p, false}); break;
    case TouchScroll::Mode::scroll: {
        const ImVec2 v = release_velocity(t, t_ms);
        if (t.coast && length(v) >= TouchScroll::kMinFlingSpeed && t.target != 0) {
            t.velocity = v;
            t.flung = 0.0f;
            t.mode = TouchScroll::Mode::fling;
        }
        break;
    }
    default: break;
    }
    if (t.mode != TouchScroll::Mode::fling) t.mode = TouchScroll::Mode::idle;
    t.finger = -1;
    t.pointer = kAway;  // once ImGui has seen the release, nothing stays hovered (no stuck tooltip)
    t.down = false;
}

void TouchFeedMouse(TouchScroll& t, ImGuiIO& io) {
    if (!t.in_use) return;
    if (!t.feed.empty()) {
        io.MousePos = t.feed.front().first;
        io.MouseDown[0] = t.feed.front().second;
        t.feed.erase(t.feed.begin());
        return;
    }
    io.MousePos = t.pointer;
    io.MouseDown[0] = t.down;
}

void TouchScrollFrame(TouchScroll& t, float dt) {
    // The finger's last moves are scrolled even when it lifted within the same frame (a flick's
    // final move and its lift often arrive together): the page ends where the finger left it,
    // and a fling coasts on from there.
    const bool catching_up = t.pending.x != 0.0f || t.pending.y != 0.0f;
    if (t.mode != TouchScroll::Mode::scroll && t.mode != TouchScroll::Mode::fling && !catching_up) return;
    ImGuiWindow* w = t.target ? ImGui::FindWindowByID(t.target) : nullptr;
    if (!w) {
        t.pending = ImVec2(0, 0);
        if (t.mode == TouchScroll::Mode::fling) t.mode = TouchScroll::Mode::idle;
        return;
    }
    // The content follows the finger: a finger moving up (negative y) scrolls down. ImGui shows a
    // scroll position in whole pixels (it floors it), so the fraction is kept for the next step:
    // a drag or a fling moves the page by the distance it computes, not a pixel less per frame.
    bool at_end_x = false, at_end_y = false;
    auto scroll_by = [w, &t, &at_end_x, &at_end_y](ImVec2 d) {
        const ImVec2 before = w->ScrollTarget.y < FLT_MAX ? ImVec2(w->ScrollTarget.x < FLT_MAX ? w->ScrollTarget.x : w->Scroll.x, w->ScrollTarget.y) : w->Scroll;
        const ImVec2 want(before.x + t.fraction.x - d.x, before.y + t.fraction.y - d.y);
        const float x = std::clamp(want.x, 0.0f, std::max(0.0f, w->ScrollMax.x));
        const float y = std::clamp(want.y, 0.0f, std::max(0.0f, w->ScrollMax.y));
        at_end_x = x != want.x;
        at_end_y = y != want.y;
        const ImVec2 whole(std::floor(x), std::floor(y));
        t.fraction = ImVec2(x - whole.x, y - whole.y);
        if (w->ScrollMax.x > 0.0f) ImGui::SetScrollX(w, whole.x);
        ImGui::SetScrollY(w, whole.y);
        return ImVec2(before.x - whole.x, before.y - whole.y);  // what was applied, in whole px
    };
    if (catching_up) {
        const ImVec2 applied = scroll_by(t.pending);
        t.dragged += std::fabs(applied.y) + std::fabs(applied.x);
        t.pending = ImVec2(0, 0);
    }
    if (t.mode != TouchScroll::Mode::fling) return;
    dt = std::clamp(dt, 0.0f, 0.05f);  // a stalled frame does not throw the page
    const ImVec2 step(t.velocity.x * dt, t.velocity.y * dt);
    const ImVec2 applied = scroll_by(step);
    t.flung += std::fabs(applied.y) + std::fabs(applied.x);
    const float decay = std::exp(-dt / TouchScroll::kFlingTimeConstant);
    t.velocity = ImVec2(t.velocity.x * decay, t.velocity.y * decay);
    // An end of the content stops the fling along that axis.
    if (at_end_x) t.velocity.x = 0;
    if (at_end_y) t.velocity.y = 0;
    if (length(t.velocity) < 20.0f) t.mode = TouchScroll::Mode::idle;
}

}  // namespace app
