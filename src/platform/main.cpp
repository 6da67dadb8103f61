// main.cpp — SDL2 window, OpenGL / WebGL2 context, Dear ImGui, and the main loop.
//
// [SECTION] State
// [SECTION] Display: pixel ratio, fonts, WebGL context loss
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

#include <chrono>
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
#endif

}  // namespace

// [SECTION] Frame ----------------------------------------------------------------------------------

namespace platform {

app::Lesson& lesson() {
    static app::Lesson l;
    return l;
}

const FrameTimes& frame_times() { return g.times; }

}  // namespace platform

static void frame() {
    const double start = now_ms();
    SDL_Event event;
    while (SDL_PollEvent(&event)) {
        if (event.type == SDL_MOUSEWHEEL) {
            // ImGui 1.86's backend counts every wheel event as one notch whatever its size;
            // SDL's precise value (100 px of browser scrolling = 1) makes trackpads and wheels
            // scroll by the distance the learner asked for.
            ImGuiIO& io = ImGui::GetIO();
            io.MouseWheel += event.wheel.preciseY;
            io.MouseWheelH += event.wheel.preciseX;
            continue;
        }
        if (event.type == SDL_KEYDOWN) {
            const SDL_Keycode key = event.key.keysym.sym;
            app::Lesson& lesson = platform::lesson();
            if (!event.key.repeat && key == SDLK_LEFT) lesson.key_step = -1;
            if (!event.key.repeat && key == SDLK_RIGHT) lesson.key_step = +1;
            // Tab walks through every control (ImGui's own Tab would visit text fields only);
            // Enter presses the focused control, except in a text field, which takes its Enter.
            if (key == SDLK_TAB) {
                lesson.tab_step = (event.key.keysym.mod & KMOD_SHIFT) ? -1 : +1;
                continue;
            }
            if ((key == SDLK_RETURN || key == SDLK_KP_ENTER) && !ImGui::GetIO().WantTextInput) {
                lesson.enter_pressed = !event.key.repeat;
                continue;
            }
            // Esc outside a text field hides the focus ring and hands the keyboard back to the
            // page, so that Tab can leave the lesson (no keyboard trap in a course page).
            if (key == SDLK_ESCAPE && !ImGui::GetIO().WantTextInput) {
                if (ImGui::GetCurrentContext()) GImGui->NavDisableHighlight = true;
                platform::release_keyboard();
                continue;
            }
        }
        ImGui_ImplSDL2_ProcessEvent(&event);
        if (event.type == SDL_QUIT) g.running = false;
    }
    if (g.context_lost) return;
    if (g.restore_pending) {
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplOpenGL3_Init("#version 300 es");
        g.font_dpr = 0;  // the font texture is gone too
        g.restore_pending = false;
    }
    platform::apply_pending_theme();
    ensure_fonts();

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    if (platform::lesson().enter_pressed) {
        app::PressFocusedControl();
        platform::lesson().enter_pressed = false;
    }
    ImGui::NewFrame();
    app::DrawLesson(platform::lesson());
    ImGui::Render();

    const ImGuiIO& io = ImGui::GetIO();
    const int fb_w = static_cast<int>(io.DisplaySize.x * io.DisplayFramebufferScale.x);
    const int fb_h = static_cast<int>(io.DisplaySize.y * io.DisplayFramebufferScale.y);
    glViewport(0, 0, fb_w, fb_h);
    const ImVec4 bg = ImGui::ColorConvertU32ToFloat4(app::theme().colors.page);
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    SDL_GL_SwapWindow(g.window);

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
