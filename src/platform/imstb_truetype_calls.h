// imstb_truetype_calls.h — Dear ImGui's copy of stb_truetype, compiled into imgui_draw.cpp (as
// IMGUI_STB_TRUETYPE_FILENAME) with every one of its functions kept a function of its own.
//
// stb_truetype's functions are static, each called from one place, so the compiler folds the
// whole rasteriser into ImFontAtlasBuildWithStbTruetype: one 12 KB WebAssembly function. It runs
// once, at start-up, long enough for V8 to compile it again with its optimising tier in the
// background (160 ms of a core, measured in headless Chromium with --trace-wasm-compilation-times)
// while the page starts, for a call that has already finished in the baseline code by then. As
// separate functions only the hot loops are optimised, each in a few milliseconds (the link keeps
// large functions with one caller apart too: see BINARYEN_EXTRA_PASSES in CMakeLists.txt).
#pragma once
#ifdef __EMSCRIPTEN__
#pragma clang attribute push(__attribute__((noinline)), apply_to = function)
#include "imstb_truetype.h"
#pragma clang attribute pop
#else
#include "imstb_truetype.h"
#endif
