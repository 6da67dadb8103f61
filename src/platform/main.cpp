// main.cpp — SDL2 window, OpenGL / WebGL2 context, Dear ImGui, and the main loop.
//
// [SECTION] State
// [SECTION] Display: pixel ratio, fonts, WebGL context loss
// [SECTION] The lesson
// [SECTION] Input queue: keys, text, mouse and fingers, none lost
// [SECTION] Frame
// [SECTION] main
#include "app/glyphs.h"
#include "app/lesson.h"
#include "app/theme.h"
#include "app/widgets.h"
#include "platform/platform.h"

#include <SDL.h>
#include <imgui.h>
#include <imgui_internal.h>
#include <imgui_impl_opengl3.h>
#include <imgui_impl_sdl.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <deque>
#include <vector>
#include <cstdio>

#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#else
#include <SDL_opengl.h>
#endif

#ifndef ATTN_FONT_DIR
#define ATTN_FONT_DIR "/fonts"
#endif

// [SECTION] State ----------------------------------------------------------------------------------

namespace {

struct PlatformState {
    SDL_Window* window = nullptr;
    SDL_GLContext gl = nullptr;
    bool running = true;
    bool context_lost = false;
    bool restore_pending = false;
    bool first_frame_drawn = false;
    float font_dpr = 0.0f;
    platform::FrameTimes times;
    std::deque<SDL_Event> input;           // events not yet seen by ImGui (see take_input)
    ImVec2 mouse{-FLT_MAX, -FLT_MAX};      // the mouse as the events so far leave it
    bool mouse_down[5] = {};
    int tab_settling = 0;                  // frames until the focus has moved after a Tab
};

PlatformState g;

double now_ms() {
#ifdef __EMSCRIPTEN__
    return emscripten_get_now();
#else
    using clock = std::chrono::steady_clock;
    return std::chrono::duration<double, std::milli>(clock::now().time_since_epoch()).count();
#endif
}

// [SECTION] Display --------------------------------------------------------------------------------

float device_pixel_ratio() {
#ifdef __EMSCRIPTEN__
    return static_cast<float>(emscripten_get_device_pixel_ratio());
#else
    int w = 0, dw = 0, h = 0;
    SDL_GetWindowSize(g.window, &w, &h);
    SDL_GL_GetDrawableSize(g.window, &dw, &h);
    return w > 0 ? static_cast<float>(dw) / static_cast<float>(w) : 1.0f;
#endif
}

void ensure_fonts() {
    const float dpr = std::max(1.0f, device_pixel_ratio());
    app::Glyphs& glyphs = app::glyphs();
    for (int i : app::FallbackFontsNeeded()) {
        glyphs.fonts[static_cast<size_t>(i)].state = app::FontState::requested;
        platform::request_font(glyphs.fonts[static_cast<size_t>(i)].file);
    }
    if (dpr == g.font_dpr && !glyphs.atlas_stale) return;
    glyphs.atlas_stale = false;
    app::LoadFonts(ATTN_FONT_DIR, dpr, platform::kFallbackFontDir);
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    g.font_dpr = dpr;
}

#ifdef __EMSCRIPTEN__
// The browser may take the WebGL context away (GPU reset, too many contexts). Stop drawing
// until it comes back, then rebuild every GPU object ImGui made.
EM_BOOL on_context_lost(int, const void*, void*) {
    g.context_lost = true;
    platform::notify_error("The graphics context was lost; the lesson will redraw when the browser restores it.");
    return EM_TRUE;  // preventDefault: tells the browser we want it restored
}

EM_BOOL on_context_restored(int, const void*, void*) {
    g.context_lost = false;
    g.restore_pending = true;
    return EM_TRUE;
}

// Fingers, read here rather than through SDL: SDL stamps an event with the time it handled it,
// and browsers deliver touch moves in bursts at animation frames, so a flick's speed would be
// lost. The browser's own timeStamp keeps it. Queued as SDL finger events (see take_input).
EM_BOOL on_touch(int type, const EmscriptenTouchEvent* e, void*) {
    int w = 0, h = 0;
    SDL_GetWindowSize(g.window, &w, &h);
    for (int i = 0; i < e->numTouches; ++i) {
        const EmscriptenTouchPoint& p = e->touches[i];
        if (!p.isChanged) continue;
        SDL_Event ev{};
        ev.type = type == EMSCRIPTEN_EVENT_TOUCHSTART ? SDL_FINGERDOWN : type == EMSCRIPTEN_EVENT_TOUCHMOVE ? SDL_FINGERMOTION : SDL_FINGERUP;
        ev.tfinger.timestamp = static_cast<Uint32>(e->timestamp);
        ev.tfinger.fingerId = p.identifier;
        ev.tfinger.x = w > 0 ? static_cast<float>(p.targetX) / static_cast<float>(w) : 0.0f;
        ev.tfinger.y = h > 0 ? static_cast<float>(p.targetY) / static_cast<float>(h) : 0.0f;
        ev.tfinger.pressure = type == EMSCRIPTEN_EVENT_TOUCHCANCEL ? 0.0f : 1.0f;  // 0: cancelled, not a tap
        g.input.push_back(ev);
    }
    return EM_TRUE;  // the browser neither scrolls, zooms nor makes mouse events of it: the lesson does
}
#endif

}  // namespace

// [SECTION] The lesson -------------------------------------------------------------------------------

namespace platform {

app::Lesson& lesson() {
    static app::Lesson l;
    return l;
}

const FrameTimes& frame_times() { return g.times; }

}  // namespace platform

// [SECTION] Input queue ------------------------------------------------------------------------------
//
// Dear ImGui 1.86 reads input state once per frame, so a key or button pressed and released
// within one frame would vanish, and text typed after a Backspace in the same frame would be
// applied before it. Events wait in a queue instead: each frame takes them in order until one
// would change a key or button a second time (or mix text with an editing key), and the rest
// wait for the next frame. Nothing is lost however short a press or however long a frame.

namespace {

bool is_text_key(const SDL_KeyboardEvent& k) {
    const SDL_Keycode sym = k.keysym.sym;
    return sym >= SDLK_SPACE && sym < SDLK_DELETE && (k.keysym.mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI)) == 0;
}

ImVec2 finger_position(const SDL_TouchFingerEvent& f) {
    int w = 0, h = 0;
    SDL_GetWindowSize(g.window, &w, &h);
    return ImVec2(f.x * static_cast<float>(w), f.y * static_cast<float>(h));
}

// Keys that belong to the lesson rather than to ImGui: page turns and arrows for the focused
// control, Tab, Enter, Esc (a text field keeps its own Enter, Esc and arrows).
bool lesson_owns(const SDL_KeyboardEvent& k) {
    const SDL_Keycode key = k.keysym.sym;
    if (key == SDLK_TAB) return true;
    const bool typing = ImGui::GetIO().WantTextInput;
    return !typing && (key == SDLK_RETURN || key == SDLK_KP_ENTER || key == SDLK_ESCAPE || key == SDLK_LEFT || key == SDLK_RIGHT);
}

// Latches what a key asks of the lesson for the next frame (so a press is never lost).
void lesson_key(const SDL_KeyboardEvent& k) {
    app::Lesson& lesson = platform::lesson();
    const SDL_Keycode key = k.keysym.sym;
    if (k.type != SDL_KEYDOWN) return;
    if (key == SDLK_LEFT || key == SDLK_RIGHT) {
        // Held, an arrow repeats for a control that uses it; a page turns once per press.
        if (!k.repeat || app::FocusedControlTakesArrows(lesson)) lesson.key_step = key == SDLK_LEFT ? -1 : +1;
    } else if (key == SDLK_TAB) {
        // Tab walks through every control (ImGui's own Tab would visit text fields only).
        lesson.tab_step = (k.keysym.mod & KMOD_SHIFT) ? -1 : +1;
    } else if (key == SDLK_RETURN || key == SDLK_KP_ENTER) {
        lesson.enter_pressed = !k.repeat;  // presses the focused control
    } else if (key == SDLK_ESCAPE) {
        // Esc hides the focus ring and hands the keyboard back to the page, so that Tab can
        // leave the lesson (no keyboard trap in a course page).
        if (ImGui::GetCurrentContext()) GImGui->NavDisableHighlight = true;
        platform::release_keyboard();
    }
}

void take_input() {
    if (g.tab_settling > 0) --g.tab_settling;
    SDL_Event polled;
    while (SDL_PollEvent(&polled)) g.input.push_back(polled);
    app::Lesson& lesson = platform::lesson();
    ImGuiIO& io = ImGui::GetIO();
    std::vector<SDL_Scancode> keys;  // keys changed this frame
    bool buttons[8] = {}, text = false, edit_key = false, lesson_keyed = false, finger = false;
    while (!g.input.empty()) {
        const SDL_Event& e = g.input.front();
        switch (e.type) {
        case SDL_KEYDOWN:
        case SDL_KEYUP: {
            if (lesson_owns(e.key)) {  // latched by the lesson: one press a frame, releases free
                // After Tab, the next key waits until the focus has moved (ImGui moves it a frame on).
                if (e.type == SDL_KEYDOWN && (lesson_keyed || g.tab_settling > 0)) return;
                if (e.type == SDL_KEYDOWN && e.key.keysym.sym == SDLK_TAB) g.tab_settling = 2;
                lesson_keyed |= e.type == SDL_KEYDOWN;
                lesson_key(e.key);
                break;
            }
            const SDL_Scancode sc = e.key.keysym.scancode;
            const bool text_key = is_text_key(e.key);
            if (std::find(keys.begin(), keys.end(), sc) != keys.end() || (text && !text_key)) return;
            keys.push_back(sc);
            edit_key |= !text_key;
            ImGui_ImplSDL2_ProcessEvent(&e);
            break;
        }
        case SDL_TEXTINPUT:
            if (edit_key) return;
            text = true;
            ImGui_ImplSDL2_ProcessEvent(&e);
            break;
        case SDL_MOUSEMOTION:
            if (std::any_of(std::begin(buttons), std::end(buttons), [](bool b) { return b; })) return;
            g.mouse = ImVec2(static_cast<float>(e.motion.x), static_cast<float>(e.motion.y));
            lesson.touch.in_use = false;
            break;
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP: {
            const int b = e.button.button - 1;  // SDL_BUTTON_LEFT is 1: ImGui's 0
            if (b < 0 || b >= 5) break;
            if (buttons[b]) return;
            buttons[b] = true;
            g.mouse = ImVec2(static_cast<float>(e.button.x), static_cast<float>(e.button.y));
            g.mouse_down[b] = e.type == SDL_MOUSEBUTTONDOWN;
            lesson.touch.in_use = false;
            break;
        }
        case SDL_MOUSEWHEEL:
            // ImGui 1.86's backend counts every wheel event as one notch whatever its size;
            // SDL's precise value (100 px of browser scrolling = 1) makes trackpads and wheels
            // scroll by the distance the learner asked for.
            io.MouseWheel += e.wheel.preciseY;
            io.MouseWheelH += e.wheel.preciseX;
            break;
        case SDL_FINGERDOWN:
        case SDL_FINGERUP:
        case SDL_FINGERMOTION: {
            if (finger) return;  // after a finger came down or lifted, ImGui sees that frame first
            const ImVec2 p = finger_position(e.tfinger);
            const double t = static_cast<double>(e.tfinger.timestamp);
            const int64_t id = static_cast<int64_t>(e.tfinger.fingerId);
            if (e.type == SDL_FINGERDOWN) {
                app::TouchDown(lesson.touch, id, p, t);
                finger = true;
            } else if (e.type == SDL_FINGERUP) {
                app::TouchUp(lesson.touch, lesson.controls, id, p, t, e.tfinger.pressure <= 0.0f);
                finger = true;
            } else {
                app::TouchMove(lesson.touch, lesson.controls, id, p, t);
            }
            break;
        }
        case SDL_WINDOWEVENT:
            if (e.window.event == SDL_WINDOWEVENT_LEAVE) g.mouse = ImVec2(-FLT_MAX, -FLT_MAX);
            ImGui_ImplSDL2_ProcessEvent(&e);
            break;
        default:
            ImGui_ImplSDL2_ProcessEvent(&e);
            if (e.type == SDL_QUIT) g.running = false;
            break;
        }
        g.input.pop_front();
    }
}

// After the backend's NewFrame: the pointer ImGui sees is the mouse's, or a finger's.
void feed_pointer() {
    ImGuiIO& io = ImGui::GetIO();
    app::Lesson& lesson = platform::lesson();
    // A finger is a touch screen: widgets then skip hover tips and open the page's inputs.
    if (lesson.touch.in_use) io.ConfigFlags |= ImGuiConfigFlags_IsTouchScreen;
    else io.ConfigFlags &= ~ImGuiConfigFlags_IsTouchScreen;
    if (lesson.touch.in_use) {
        app::TouchFeedMouse(lesson.touch, io);
        return;
    }
    io.MousePos = g.mouse;
    for (int b = 0; b < 5; ++b) io.MouseDown[b] = g.mouse_down[b];
}

}  // namespace

// [SECTION] Frame ----------------------------------------------------------------------------------

static void frame() {
    const double start = now_ms();
    take_input();
    // Without a WebGL context the lesson goes on (training, the race, the API, the text mirror):
    // only what touches the GPU waits until the browser gives the context back.
    const bool gpu = !g.context_lost;
    if (gpu && g.restore_pending) {
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplOpenGL3_Init("#version 300 es");
        g.font_dpr = 0;  // the font texture is gone too
        g.restore_pending = false;
    }
    platform::apply_pending_theme();
    if (gpu) {
        ensure_fonts();
        ImGui_ImplOpenGL3_NewFrame();
    }
    ImGui_ImplSDL2_NewFrame();
    feed_pointer();
    if (platform::lesson().enter_pressed) {
        app::PressFocusedControl(platform::lesson());
        platform::lesson().enter_pressed = false;
    }
    ImGui::NewFrame();
    app::DrawLesson(platform::lesson());
    ImGui::Render();

    if (gpu) {
        const ImGuiIO& io = ImGui::GetIO();
        const int fb_w = static_cast<int>(io.DisplaySize.x * io.DisplayFramebufferScale.x);
        const int fb_h = static_cast<int>(io.DisplaySize.y * io.DisplayFramebufferScale.y);
        glViewport(0, 0, fb_w, fb_h);
        const ImVec4 bg = ImGui::ColorConvertU32ToFloat4(app::theme().colors.page);
        glClearColor(bg.x, bg.y, bg.z, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        SDL_GL_SwapWindow(g.window);
    }

    g.times.add(now_ms() - start);
    if (!g.first_frame_drawn) {  // "ready" goes out before the first "section" event
        g.first_frame_drawn = true;
        platform::notify_first_frame();
    }
    platform::after_frame();
}

// [SECTION] main -----------------------------------------------------------------------------------

int main(int, char**) {
#ifdef __EMSCRIPTEN__
    // Keys go to the lesson only while the canvas has focus; the rest of the page keeps them.
    SDL_SetHint(SDL_HINT_EMSCRIPTEN_KEYBOARD_ELEMENT, "#canvas");
#endif
    // Fingers are handled as fingers (app/touch.h: tap, drag to scroll, flick), not as a mouse.
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
        std::fprintf(stderr, "SDL_Init failed: %s\n", SDL_GetError());
        platform::notify_fatal("The lesson could not start its display (SDL_Init failed).");
        return 1;
    }
#ifdef __EMSCRIPTEN__
    const char* glsl_version = "#version 300 es";
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
#else
    const char* glsl_version = "#version 130";
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
#endif
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
    SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);
    const auto flags = static_cast<SDL_WindowFlags>(SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    // On the web the canvas's CSS size decides; SDL follows it (and devicePixelRatio) on resize.
    g.window = SDL_CreateWindow("Attention & Transformers", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                                1280, 800, flags);
    if (!g.window) {
        platform::notify_fatal("The lesson could not open a window.");
        return 1;
    }
    g.gl = SDL_GL_CreateContext(g.window);
    if (!g.gl) {
        std::fprintf(stderr, "SDL_GL_CreateContext failed: %s\n", SDL_GetError());
        platform::notify_fatal("This browser could not create a WebGL2 context, which the lesson needs.");
        return 1;
    }
    SDL_GL_MakeCurrent(g.window, g.gl);
    SDL_GL_SetSwapInterval(1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // nothing to persist between visits but progress (kept by the lesson)
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    ImGui_ImplSDL2_InitForOpenGL(g.window, g.gl);
    ImGui_ImplOpenGL3_Init(glsl_version);

    platform::init();  // reads URL parameters, theme preference, stored progress

#ifdef __EMSCRIPTEN__
    emscripten_set_webglcontextlost_callback("#canvas", nullptr, EM_FALSE, on_context_lost);
    emscripten_set_webglcontextrestored_callback("#canvas", nullptr, EM_FALSE, on_context_restored);
    for (Uint32 type : {SDL_FINGERDOWN, SDL_FINGERUP, SDL_FINGERMOTION}) SDL_EventState(type, SDL_IGNORE);
    emscripten_set_touchstart_callback("#canvas", nullptr, EM_FALSE, on_touch);
    emscripten_set_touchmove_callback("#canvas", nullptr, EM_FALSE, on_touch);
    emscripten_set_touchend_callback("#canvas", nullptr, EM_FALSE, on_touch);
    emscripten_set_touchcancel_callback("#canvas", nullptr, EM_FALSE, on_touch);
    // The first frame now, not at the next animation frame: the lesson is up up to a display
    // refresh sooner (the frames after it follow the display).
    frame();
    emscripten_set_main_loop(frame, 0, true);
#else
    while (g.running) frame();
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplSDL2_Shutdown();
    ImGui::DestroyContext();
    SDL_GL_DeleteContext(g.gl);
    SDL_DestroyWindow(g.window);
    SDL_Quit();
#endif
    return 0;
}
