// platform.h — what the platform layer offers the rest of the program, and the browser bridge.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>

namespace app {
struct Lesson;
}

namespace platform {

// CPU time of the last frames, for the frame-time benchmark.
struct FrameTimes {
    std::array<double, 512> ms{};
    std::size_t count = 0;
    void add(double t) { ms[count++ % ms.size()] = t; }
};
const FrameTimes& frame_times();

app::Lesson& lesson();

void init();                 // URL parameters, theme, stored progress (web); defaults natively
void apply_pending_theme();  // light/dark following the browser, switched between frames
void after_frame();          // tells the page what changed (section, progress)
void notify_first_frame();   // resolves window.lesson.ready
void release_keyboard();     // Esc: the page takes the keyboard back (Tab then leaves the lesson)
void notify_error(const char* message);  // shown to the learner and posted to the parent page
void notify_fatal(const char* message);  // the lesson cannot run: replaces the canvas with the message
// Asks for a fallback font (glyphs.h); app::FallbackFontArrived answers, now or later.
void request_font(const char* file);
extern const char* const kFallbackFontDir;

}  // namespace platform
