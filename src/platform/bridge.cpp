// bridge.cpp — the C functions behind window.lesson (web/api.js) and the platform hooks.
//
// Every function returns JSON text owned by a static buffer (valid until the next call), or
// {"error": "..."} with a message for the learner. Nothing received is trusted: sizes are
// checked, strings are treated as UTF-8 data, never as code or markup.
#include "app/lesson.h"
#include "app/theme.h"
#include "core/attention.h"
#include "platform/platform.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <string>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#define LESSON_EXPORT extern "C" EMSCRIPTEN_KEEPALIVE
#else
#define LESSON_EXPORT extern "C"
#endif

using nlohmann::json;

namespace {

std::string g_result;
int g_pending_theme = -1;  // -1 nothing pending, 0 light, 1 dark

const char* reply(const json& j) {
    g_result = j.dump(-1, ' ', false, json::error_handler_t::replace);
    return g_result.c_str();
}

const char* error_reply(const std::string& message) { return reply(json{{"error", message}}); }

json matrix_json(const attn::Mat& m) {
    json rows = json::array();
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        json row = json::array();
        for (Eigen::Index j = 0; j < m.cols(); ++j) {
            const double x = static_cast<double>(m(i, j));
            row.push_back(std::isfinite(x) ? json(x) : json(nullptr));
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

attn::Mat matrix_from(const double* data, int rows, int cols) {
    attn::Mat m(rows, cols);
    for (int i = 0; i < rows; ++i)
        for (int j = 0; j < cols; ++j) m(i, j) = static_cast<attn::Scalar>(data[i * cols + j]);
    return m;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Exported to JavaScript.

LESSON_EXPORT const char* lesson_version() { return ATTN_VERSION; }

// attention(Q, K, V[, mask]) with matrices flattened row-major by api.js. mask may be null.
LESSON_EXPORT const char* lesson_attention(const double* q, int tq, int dq, const double* k, int tk, int dk,
                                           const double* v, int tv, int dv, const unsigned char* mask) {
    constexpr int kMaxSide = 4096;
    if (tq < 1 || tk < 1 || tv < 1 || dq < 1 || dk < 1 || dv < 1)
        return error_reply("attention: Q, K and V need at least one row and one column");
    if (tq > kMaxSide || tk > kMaxSide || tv > kMaxSide || dq > kMaxSide || dk > kMaxSide || dv > kMaxSide)
        return error_reply("attention: matrices larger than 4096 × 4096 are not accepted");
    try {
        const attn::Mat Q = matrix_from(q, tq, dq), K = matrix_from(k, tk, dk), V = matrix_from(v, tv, dv);
        attn::Mask M;
        if (mask) M = Eigen::Map<const attn::Mask>(mask, tq, tk);
        attn::Mat out;
        attn::AttentionCache cache;
        attn::attention_forward(out, cache, Q, K, V, mask ? &M : nullptr);
        return reply(json{{"scores", matrix_json(cache.scores)},
                          {"scaled", matrix_json(cache.scaled)},
                          {"weights", matrix_json(cache.weights)},
                          {"output", matrix_json(out)}});
    } catch (const std::exception& e) {
        return error_reply(std::string("attention: ") + e.what());
    }
}

LESSON_EXPORT void lesson_set_theme(int dark) { g_pending_theme = dark ? 1 : 0; }

LESSON_EXPORT const char* lesson_frame_times() {
    const platform::FrameTimes& t = platform::frame_times();
    const size_t n = std::min(t.count, t.ms.size());
    return reply(json{{"count", t.count}, {"ms", std::vector<double>(t.ms.begin(), t.ms.begin() + static_cast<long>(n))}});
}

// ---------------------------------------------------------------------------------------------
// Platform hooks.

namespace platform {

#ifdef __EMSCRIPTEN__
// clang-format off
EM_JS(void, js_call_hook, (const char* name, const char* arg), {
    const hook = Module["lessonHooks"] && Module["lessonHooks"][UTF8ToString(name)];
    if (typeof hook === "function") hook(arg ? UTF8ToString(arg) : "");
});
// clang-format on
#else
static void js_call_hook(const char*, const char*) {}
#endif

void init() {
    app::ApplyTheme(false);
    js_call_hook("init", nullptr);  // the page answers with lesson_set_theme and friends
}

void apply_pending_theme() {
    if (g_pending_theme < 0) return;
    app::ApplyTheme(g_pending_theme == 1);
    g_pending_theme = -1;
}

void after_frame() {}

void notify_first_frame() { js_call_hook("firstFrame", nullptr); }

void notify_error(const char* message) {
    std::fprintf(stderr, "%s\n", message);
    js_call_hook("error", message);
}

void notify_fatal(const char* message) {
    std::fprintf(stderr, "%s\n", message);
    js_call_hook("fatal", message);
}

}  // namespace platform
