// gl_no_sync_queries.h — force-included into Dear ImGui's OpenGL3 backend for the web build.
//
// Every frame the backend saves and restores the GL state it touches (scissor box, blend
// functions, bindings, enabled caps). In WebGL many of those queries are synchronous round
// trips to the GPU process that wait for all queued drawing: measured in headless Chromium,
// getParameter(SCISSOR_BOX) alone took 25 ms a frame. The lesson is the only user of its GL
// context, so the saved state is known: the queries below are answered without asking WebGL.
#pragma once
#ifdef __EMSCRIPTEN__
#define glGetIntegerv attn_glGetIntegerv
#define glIsEnabled attn_glIsEnabled
#endif
