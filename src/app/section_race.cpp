// section_race.cpp — "Transformers vs RNNs", measured: a plain RNN, an LSTM and a transformer
// raced on the long-range "it" task (core/race.h) in the learner's browser, a slice of work per
// frame, with live curves; the seed's table of verdicts with the measured figure beside each; and
// the reference run of scripts/race before the learner runs one.
//
// [SECTION] Running the race
// [SECTION] Plots
// [SECTION] Path length on a sentence
// [SECTION] The table of verdicts and figures
// [SECTION] The widget
#include "app/lesson.h"
#include "app/theme.h"
#include "app/widgets.h"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace app {

namespace {

double now_ms() {
    using clock = std::chrono::steady_clock;
    return std::chrono::duration<double, std::milli>(clock::now().time_since_epoch()).count();
}

std::string fmt(const char* f, double x) {
    char b[64];
    std::snprintf(b, sizeof b, f, x);
    return b;
}

std::string pct(double x) { return std::isfinite(x) ? fmt("%.0f%%", 100 * x) : "…"; }

ImU32 model_color(int m) {
    const Palette& p = theme().colors;
    return m == 0 ? p.key : m == 1 ? p.attention : p.query;
}

}  // namespace

// =============================================================================================
// [SECTION] Running the race

void Lesson::load_race_reference(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        race.reference_error = "The reference run (" + path + ") could not be loaded; run the race to see figures.";
        return;
    }
    std::ostringstream text;
    text << f.rdbuf();
    try {
        race.reference = attn::race_from_text(text.str());
        race.has_reference = true;
        race.reference_error.clear();
    } catch (const std::exception& e) {
        race.reference_error = std::string("The reference run could not be read (") + e.what() + ").";
    }
}

std::string StartRace(Lesson& lesson, const attn::RaceOptions& options) {
    RaceView& r = lesson.race;
    const std::string problem = attn::validate_race_options(options);
    if (!problem.empty()) {
        r.error = "The race cannot start: " + problem + ".";
        return r.error;
    }
    r.error.clear();
    r.race = std::make_unique<attn::Race>(options);
    r.running = true;
    r.stopped = false;
    r.started_ms = now_ms();
    r.elapsed_ms = 0;
    return "";
}

void StopRace(Lesson& lesson) {
    if (!lesson.race.running) return;
    lesson.race.running = false;
    lesson.race.stopped = true;
}

void AdvanceRace(Lesson& lesson, double budget_ms) {
    RaceView& r = lesson.race;
    if (!r.running || !r.race) return;
    // Where drawing a frame itself is slow (software WebGL on a busy machine: 200 ms a frame),
    // a fixed 20 ms would leave the race a tenth of the time; it gets up to three quarters of a
    // frame's time instead (at most 120 ms), so the page still draws a frame for every slice.
    budget_ms = std::clamp(0.75 * ImGui::GetIO().DeltaTime * 1000.0, budget_ms, 120.0);
    const double start = now_ms();
    do {
        r.race->step();
    } while (!r.race->done() && now_ms() - start < budget_ms);
    r.elapsed_ms = now_ms() - r.started_ms;
    if (r.race->done()) r.running = false;
}

namespace {

// =============================================================================================
// [SECTION] Plots

struct Series {
    int model;                 // colour and name
    std::vector<double> y;     // NaN: not measured (yet)
};

// A line plot with its title above, y ticks at the left and x labels below. Points are evenly
// spaced along x (the distances and lengths double from one to the next), or a continuous curve
// when x_labels is empty (training steps). log_y: decades on the y axis.
void LinePlot(const char* id, const std::string& title, const std::vector<std::string>& x_labels, const std::vector<Series>& series,
              bool log_y, double y_lo, double y_hi, const char* y_format, float width, const std::string& x_title) {
    const Theme& th = theme();
    ImGui::BeginGroup();
    ImGui::PushID(id);
    ImGui::PushFont(th.fonts.bold);
    ImGui::TextUnformatted(title.c_str());
    ImGui::PopFont();
    // The range: from the data when not given.
    double lo = y_lo, hi = y_hi;
    if (!(lo < hi)) {
        lo = 1e300, hi = -1e300;
        for (const Series& s : series)
            for (double v : s.y)
                if (std::isfinite(v) && (!log_y || v > 0)) lo = std::min(lo, v), hi = std::max(hi, v);
        if (lo > hi) lo = log_y ? 1e-3 : 0, hi = log_y ? 1 : 1;
        if (log_y) lo = std::pow(10.0, std::floor(std::log10(lo))), hi = std::pow(10.0, std::ceil(std::log10(hi)));
        if (log_y && hi <= lo) hi = lo * 10;
        if (!log_y && hi <= lo) hi = lo + 1;
    }
    auto ty = [&](double v) {
        return log_y ? (std::log10(std::max(v, lo)) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)) : (v - lo) / (hi - lo);
    };
    ImGui::PushFont(th.fonts.small);
    const float fs = ImGui::GetFontSize();
    const float left = ImGui::CalcTextSize(log_y ? "1e-22" : "100%").x + 8;
    const float plot_h = 140;
    const ImVec2 o = ImGui::GetCursorScreenPos();
    const ImVec2 a(o.x + left, o.y + fs * 0.5f), b(o.x + width - 6, o.y + fs * 0.5f + plot_h);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(a, b, th.colors.card);
    dl->AddRect(a, b, th.colors.card_border);
    // y ticks
    std::vector<double> ticks;
    if (log_y) {
        const int d0 = static_cast<int>(std::round(std::log10(lo))), d1 = static_cast<int>(std::round(std::log10(hi)));
        const int stride = std::max(1, (d1 - d0) / 5);
        for (int d = d0; d <= d1; d += stride) ticks.push_back(std::pow(10.0, d));
    } else {
        for (int k = 0; k <= 4; ++k) ticks.push_back(lo + (hi - lo) * k / 4);
    }
    for (double t : ticks) {
        const float y = b.y - static_cast<float>(ty(t)) * (b.y - a.y);
        dl->AddLine(ImVec2(a.x, y), ImVec2(b.x, y), WithAlpha(th.colors.card_border, 0.8f));
        // A format with a % sign shows a share as a percentage.
        const bool percent = std::string(y_format).find("%%") != std::string::npos;
        const std::string label = log_y ? fmt("1e%.0f", std::log10(t)) : fmt(y_format, percent ? 100 * t : t);
        const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
        dl->AddText(ImVec2(a.x - ts.x - 4, y - ts.y * 0.5f), th.colors.text_muted, label.c_str());
    }
    // series
    std::size_t n = 0;
    for (const Series& s : series) n = std::max(n, s.y.size());
    const std::size_t slots = x_labels.empty() ? std::max<std::size_t>(n, 2) : x_labels.size();
    auto tx = [&](std::size_t i) {
        const float pad = x_labels.empty() ? 0.0f : 16.0f;
        return a.x + pad + (b.x - a.x - 2 * pad) * (slots > 1 ? static_cast<float>(i) / static_cast<float>(slots - 1) : 0.5f);
    };
    for (const Series& s : series) {
        const ImU32 col = model_color(s.model);
        ImVec2 prev;
        bool have_prev = false;
        // A long curve is drawn through at most ~2 points per pixel.
        const std::size_t stride = x_labels.empty() ? std::max<std::size_t>(1, s.y.size() / static_cast<std::size_t>(std::max(1.0f, b.x - a.x))) : 1;
        for (std::size_t i = 0; i < s.y.size(); i += stride) {
            const double v = s.y[i];
            if (!std::isfinite(v) || (log_y && v <= 0)) {
                have_prev = false;
                continue;
            }
            const ImVec2 p(tx(i), b.y - static_cast<float>(std::clamp(ty(v), 0.0, 1.0)) * (b.y - a.y));
            if (have_prev) dl->AddLine(prev, p, col, 2.0f);
            if (!x_labels.empty()) dl->AddCircleFilled(p, 3.5f, col);
            prev = p;
            have_prev = true;
        }
    }
    // x labels
    for (std::size_t i = 0; i < x_labels.size(); ++i) {
        const ImVec2 ts = ImGui::CalcTextSize(x_labels[i].c_str());
        dl->AddText(ImVec2(tx(i) - ts.x * 0.5f, b.y + 3), th.colors.text_muted, x_labels[i].c_str());
    }
    ImGui::Dummy(ImVec2(width, plot_h + fs * 0.5f + fs + 4));
    // x title and legend
    ImGui::TextUnformatted(x_title.c_str());
    for (const Series& s : series) {
        SameLineIfFits(ImGui::CalcTextSize(attn::race_model_name(s.model)).x + 22, 14);
        const ImVec2 p = ImGui::GetCursorScreenPos();
        dl->AddRectFilled(ImVec2(p.x, p.y + fs * 0.3f), ImVec2(p.x + 12, p.y + fs * 0.7f + 1), model_color(s.model), 2);
        ImGui::Dummy(ImVec2(16, fs));
        ImGui::SameLine(0, 2);
        ImGui::TextUnformatted(attn::race_model_name(s.model));
    }
    ImGui::PopFont();
    ImGui::PopID();
    ImGui::EndGroup();
}

std::vector<std::string> labels_of(const std::vector<int>& xs) {
    std::vector<std::string> out;
    for (int x : xs) out.push_back(std::to_string(x));
    return out;
}

// Plots side by side when two fit, else one under another.
struct PlotGrid {
    float width = 0, plot_w = 0;
    bool two = false;
    int placed = 0;
    PlotGrid() {
        width = ContentWidth();
        two = width > 620;
        plot_w = two ? (width - 24) * 0.5f : width;
    }
    void next() {
        if (two && placed % 2 == 1) ImGui::SameLine(0, 24);
        else if (placed > 0) ImGui::Spacing();
        ++placed;
    }
};

// =============================================================================================
// [SECTION] Path length on a sentence

// The sentence drawn with the path information takes from the referent to "it": through every
// token between them for a recurrent network, one direct step for attention.
void PathDrawing(const attn::RaceVocab& vocab, const attn::RaceOptions& options) {
    const Theme& th = theme();
    const int distance = std::clamp(8, options.distances.front(), options.distances.back());
    attn::Rng rng(4242);
    const attn::CorefExample ex = attn::make_coref_at_distance(rng, attn::CorefSplit::held_out, distance);
    const attn::RaceSentence s = attn::race_sentence(ex, vocab);
    const float width = ContentWidth();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    for (int pass = 0; pass < 2; ++pass) {
        const bool recurrent = pass == 0;
        ImGui::PushFont(th.fonts.bold);
        ImGui::TextUnformatted(recurrent ? "RNN / LSTM" : "Transformer");
        ImGui::PopFont();
        ImGui::SameLine();
        const int steps = recurrent ? s.distance : 1;
        const std::string what = recurrent ? std::to_string(steps) + " steps from \"" + vocab.word(s.target) + "\" to \"it\", one per token"
                                           : "1 step from \"" + vocab.word(s.target) + "\" to \"it\" in each layer";
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.colors.text_muted), "%s", what.c_str());
        // Tokens laid out in lines; arcs above (attention) or hops below (recurrence).
        const float gap = 6, line_h = ImGui::GetFontSize() * 2.6f;
        const ImVec2 origin = ImGui::GetCursorScreenPos();
        std::vector<ImVec2> lo(s.ids.size()), hi(s.ids.size());
        float x = 0, y = ImGui::GetFontSize() * (recurrent ? 0.2f : 1.4f);
        for (std::size_t i = 0; i < s.ids.size(); ++i) {
            const std::string& w = vocab.word(s.ids[i]);
            const ImVec2 ts = ImGui::CalcTextSize(w.c_str());
            if (x > 0 && x + ts.x + 12 > width) x = 0, y += line_h;
            lo[i] = ImVec2(origin.x + x, origin.y + y);
            hi[i] = ImVec2(lo[i].x + ts.x + 12, lo[i].y + ts.y + 6);
            x += ts.x + 12 + gap;
        }
        for (std::size_t i = 0; i < s.ids.size(); ++i) {
            const bool ends = static_cast<int>(i) == s.referent || static_cast<int>(i) == s.it;
            const bool between = static_cast<int>(i) > s.referent && static_cast<int>(i) < s.it;
            const ImU32 fill = ends ? th.colors.accent_soft : (recurrent && between ? WithAlpha(model_color(0), 0.16f) : th.colors.card);
            dl->AddRectFilled(lo[i], hi[i], fill, 5);
            dl->AddRect(lo[i], hi[i], ends ? th.colors.accent : th.colors.card_border, 5);
            dl->AddText(ImVec2(lo[i].x + 6, lo[i].y + 3), ends ? th.colors.heading : th.colors.text, vocab.word(s.ids[i]).c_str());
        }
        const auto r = static_cast<std::size_t>(s.referent), it = static_cast<std::size_t>(s.it);
        if (recurrent) {
            for (std::size_t i = r; i < it; ++i) {
                // A hop from each token to the next, under the tokens (or from a line's end to the next line's start).
                const ImVec2 p0((lo[i].x + hi[i].x) * 0.5f, hi[i].y), p1((lo[i + 1].x + hi[i + 1].x) * 0.5f, hi[i + 1].y);
                if (p1.y == p0.y) {
                    dl->AddBezierCubic(p0, ImVec2(p0.x, p0.y + 9), ImVec2(p1.x, p1.y + 9), p1, model_color(0), 1.8f);
                } else {
                    dl->AddLine(p0, ImVec2(p0.x, p0.y + 5), model_color(0), 1.8f);
                    dl->AddLine(ImVec2(p1.x, lo[i + 1].y - 5), ImVec2(p1.x, lo[i + 1].y), model_color(0), 1.8f);
                }
            }
        } else {
            const ImVec2 p0((lo[r].x + hi[r].x) * 0.5f, lo[r].y), p1((lo[it].x + hi[it].x) * 0.5f, lo[it].y);
            const float lift = ImGui::GetFontSize() * 1.3f;
            dl->AddBezierCubic(p0, ImVec2(p0.x, p0.y - lift), ImVec2(p1.x, p1.y - lift), p1, model_color(2), 2.4f);
            dl->AddTriangleFilled(ImVec2(p1.x - 5, p1.y - 7), ImVec2(p1.x + 5, p1.y - 7), p1, model_color(2));
        }
        ImGui::Dummy(ImVec2(width, y + line_h * 0.75f));
        if (pass == 0) ImGui::Spacing();
    }
}

// =============================================================================================
// [SECTION] The table of verdicts and figures

double first(const std::vector<double>& v) { return v.empty() ? NAN : v.front(); }
double last(const std::vector<double>& v) { return v.empty() ? NAN : v.back(); }

struct Cell {
    std::string verdict;   // the seed's
    std::string measured;  // the figure beside it
};

struct Row {
    const char* property;
    Cell recurrent, transformer;
};

std::vector<Row> table_rows(const attn::RaceResult& r) {
    const attn::RaceOptions& o = r.options;
    const auto& rnn = r.models[0];
    const auto& lstm = r.models[1];
    const auto& tf = r.models[2];
    const std::string d0 = std::to_string(o.distances.front()), d1 = std::to_string(o.distances.back());
    const std::string L = std::to_string(o.flops_length);
    std::vector<Row> rows;
    auto gf = [](double x) { return std::isfinite(x) ? fmt("%.2f", x) : std::string("…"); };
    auto ms = [](double x) { return std::isfinite(x) && x > 0 ? fmt(x < 10 ? "%.1f ms" : "%.0f ms", x) : std::string("…"); };
    auto grad = [](double x) { return std::isfinite(x) ? fmt("%.0e", x) : std::string("…"); };
    rows.push_back({"Parallelism",
                    {"✗ Token by token: step t waits for step t − 1",
                     "Measured: " + std::to_string(rnn.sequential_steps) + " sequential steps for " + L + " tokens; forward pass " +
                         gf(rnn.gflops) + " GFLOP/s (RNN), " + gf(lstm.gflops) + " (LSTM), one token at a time"},
                    {"✓ All tokens at once",
                     "Measured: " + std::to_string(tf.sequential_steps) + " sequential steps (one per layer) for " + L +
                         " tokens; forward pass " + gf(tf.gflops) + " GFLOP/s, all tokens at once"}});
    rows.push_back({"Long-range",
                    {"⚠ Vanishing gradient: distant words fade",
                     "Measured: accuracy at " + d0 + " → " + d1 + " tokens: RNN " + pct(first(rnn.accuracy)) + " → " +
                         pct(last(rnn.accuracy)) + ", LSTM " + pct(first(lstm.accuracy)) + " → " + pct(last(lstm.accuracy)) +
                         "; gradient reaching the referent: RNN " + grad(first(rnn.gradient)) + " → " + grad(last(rnn.gradient)) +
                         ", LSTM " + grad(first(lstm.gradient)) + " → " + grad(last(lstm.gradient))},
                    {"✓ A direct, one-step path between any pair",
                     "Measured: accuracy " + pct(first(tf.accuracy)) + " → " + pct(last(tf.accuracy)) + "; gradient " +
                         grad(first(tf.gradient)) + " → " + grad(last(tf.gradient))}});
    rows.push_back({"Training speed",
                    {"Slow on a GPU: little work to run in parallel",
                     "Measured in this run, one core: " + ms(rnn.ms_per_step) + " (RNN), " + ms(lstm.ms_per_step) +
                         " (LSTM) per training step of " + std::to_string(o.batch) + " sentences"},
                    {"Highly parallelisable", "Measured: " + ms(tf.ms_per_step) + " per training step"}});
    const std::string t0 = std::to_string(o.timing_lengths.front()), t1 = std::to_string(o.timing_lengths.back());
    auto growth = [&](const attn::RaceModelResult& m) {
        const double a = first(m.ms_by_length), b = last(m.ms_by_length);
        return std::isfinite(a) && std::isfinite(b) && a > 0 ? fmt("×%.1f", b / a) : std::string("…");
    };
    rows.push_back({"Scalability",
                    {"⚠ Plateaus early",
                     "Measured: time per training step from " + t0 + " to " + t1 + " tokens " + growth(rnn) + " (RNN), " + growth(lstm) +
                         " (LSTM). Scaling with model size is not measured here."},
                    {"✓ Keeps improving with scale: the basis of LLMs",
                     "Measured: time per step from " + t0 + " to " + t1 + " tokens " + growth(tf) + ": attention's work grows with the square of the length"}});
    return rows;
}

// Sentences for where the measurement does not bear a verdict out (or the run is too short to say).
std::vector<std::string> disagreements(const attn::RaceResult& r) {
    std::vector<std::string> out;
    if (!r.complete) return out;
    const auto& o = r.options;
    const auto& rnn = r.models[0];
    const auto& lstm = r.models[1];
    const auto& tf = r.models[2];
    const double chance = 1.0 / 22;  // 12 subjects + 10 places: guessing among the nouns
    for (int m = 0; m < 2; ++m) {
        const auto& x = r.models[static_cast<std::size_t>(m)];
        const double best = *std::max_element(x.accuracy.begin(), x.accuracy.end());
        if (best < 0.5) {
            out.push_back(std::string("The ") + attn::race_model_name(m) + " never named more than " + pct(best) +
                          " right, even at " + std::to_string(o.distances.front()) + " tokens: in " + std::to_string(o.steps) +
                          " steps it did not learn the task at all, so its accuracy says nothing about distance. "
                          "Its gradient still shows how the signal fades.");
        }
    }
    for (int m = 0; m < 2; ++m) {
        const auto& x = r.models[static_cast<std::size_t>(m)];
        const double a = first(x.gradient), b = last(x.gradient);
        if (a > 0 && b > 0 && b / a > 0.01) {
            out.push_back(std::string("The trained ") + attn::race_model_name(m) + "'s gradient did not vanish much: at " +
                          std::to_string(o.distances.back()) + " tokens it was " + fmt("%.2g", b / a) + " of its size at " +
                          std::to_string(o.distances.front()) + " (" + fmt("%.1e", a) + " → " + fmt("%.1e", b) +
                          "). A signal reaches the far referent; what it learned from it is the accuracy above.");
        }
    }
    for (std::size_t d = 0; d < o.distances.size(); ++d) {
        if (lstm.accuracy[d] >= 0.8 && o.distances[d] >= 16) {
            std::size_t far = d;
            while (far + 1 < o.distances.size() && lstm.accuracy[far + 1] >= 0.8) ++far;
            out.push_back("The LSTM held on: " + pct(lstm.accuracy[far]) + " right at " + std::to_string(o.distances[far]) +
                          " tokens. Its gated cell carries a word across a few dozen tokens; \"distant words fade\" is "
                          "truer of the plain RNN.");
            break;
        }
    }
    if (tf.gflops < std::max(rnn.gflops, lstm.gflops)) {
        out.push_back("Here the transformer's products reached fewer GFLOP/s (" + fmt("%.2f", tf.gflops) + ") than the " +
                      (rnn.gflops >= lstm.gflops ? std::string("RNN's (") + fmt("%.2f", rnn.gflops) : std::string("LSTM's (") + fmt("%.2f", lstm.gflops)) +
                      "): at a width of " + std::to_string(o.d_embed) + " the matrices are too small to keep one core busy. "
                      "What attention removes is the waiting: " + std::to_string(tf.sequential_steps) + " steps in a row instead of " +
                      std::to_string(rnn.sequential_steps) + ", which is what a GPU's thousands of cores need.");
    }
    if (tf.ms_per_step > std::min(rnn.ms_per_step, lstm.ms_per_step)) {
        out.push_back("On one core of this machine a transformer step took longer (" + fmt("%.1f ms", tf.ms_per_step) + ") than an RNN step (" +
                      fmt("%.1f ms", rnn.ms_per_step) + "): \"highly parallelisable\" pays off only where there is parallel hardware to use.");
    }
    {
        const auto growth = [](const attn::RaceModelResult& m) {
            return m.ms_by_length.empty() || !(m.ms_by_length.front() > 0) ? NAN : m.ms_by_length.back() / m.ms_by_length.front();
        };
        const double g_tf = growth(tf), g_rnn = growth(rnn);
        if (std::isfinite(g_tf) && std::isfinite(g_rnn) && g_tf < 1.5 * g_rnn) {
            out.push_back("From " + std::to_string(o.timing_lengths.front()) + " to " + std::to_string(o.timing_lengths.back()) +
                          " tokens a transformer step grew " + fmt("×%.1f", g_tf) + " and an RNN step " + fmt("×%.1f", g_rnn) +
                          ": at these lengths and this width the square term (attention's T × T scores) is still small next to "
                          "the work that grows in step with the length, so the square does not show yet.");
        }
    }
    const double tf_min = *std::min_element(tf.accuracy.begin(), tf.accuracy.end());
    if (tf_min < 0.9) {
        out.push_back("The transformer did not solve every distance either (" + pct(tf_min) + " at its worst) in " +
                      std::to_string(o.steps) + " steps: a direct path makes long range learnable, not free.");
    }
    (void)chance;
    return out;
}

}  // namespace

// =============================================================================================
// [SECTION] The widget

void Widget_Race(Lesson& lesson, const attn::Block&) {
    const Theme& th = theme();
    RaceView& rv = lesson.race;
    rv.table.clear();
    rv.notes.clear();
    const attn::RaceResult* shown = rv.shown();

    // Controls: run / stop, the longer-run option, progress.
    if (!rv.running) {
        const std::string label = rv.race ? "Run the race again" : "Run the race in this browser";
        if (Button(label.c_str())) {
            attn::RaceOptions o;
            if (rv.longer) o.steps *= 3;
            StartRace(lesson, o);
        }
        SameLineIfFits(ImGui::CalcTextSize("Longer run (3× the steps)").x + 50);
        Checkbox("Longer run (3× the steps)", &rv.longer);
    } else {
        if (Button("Stop", ImVec2(0, 0), "button", "running")) StopRace(lesson);
    }
    if (!rv.error.empty()) Paragraph(rv.error, th.colors.bad);
    if (rv.race) {
        const attn::Race& race = *rv.race;
        const int steps = race.result().options.steps;
        char buf[160];
        std::snprintf(buf, sizeof buf, "%s · step %d of %d · %.1f s", race.phase(), race.training_step(), steps, rv.elapsed_ms / 1000.0);
        ImGui::ProgressBar(static_cast<float>(race.work_done()) / static_cast<float>(race.work_total()), ImVec2(ContentWidth(), 0),
                           rv.stopped ? "stopped" : buf);
        if (rv.stopped) Caption(std::string("Stopped at step ") + std::to_string(race.training_step()) + ": the figures below are those measured so far.");
    }
    if (!shown) {
        Paragraph(rv.reference_error.empty() ? "No figures yet: run the race." : rv.reference_error, th.colors.warn);
        return;
    }
    const attn::RaceResult& r = *shown;
    const attn::RaceOptions& o = r.options;
    if (!rv.race) {
        Callout("reference", "A reference run",
                "These figures come from a run of `scripts/race` (seed " + std::to_string(o.seed) + ", " + std::to_string(o.steps) +
                    " steps), made natively when the lesson was built, on another machine. Run the race to measure them in this browser.",
                th.colors.accent);
    } else {
        Caption("Figures of the run in this browser (seed " + std::to_string(o.seed) + ", " + std::to_string(o.steps) + " steps of " +
                std::to_string(o.batch) + " sentences; distances in tokens, a token being a word).");
    }

    // The models.
    std::string sizes;
    for (int m = 0; m < attn::kRaceModels; ++m)
        sizes += std::string(m ? " · " : "") + attn::race_model_name(m) + " " + std::to_string(r.models[static_cast<std::size_t>(m)].params) +
                 " parameters, learning rate " + fmt("%g", r.models[static_cast<std::size_t>(m)].lr);
    Caption(sizes + " (learning rates: the picks of scripts/race --sweep).");

    // Plots.
    PlotGrid grid;
    std::vector<Series> loss, acc, grad, time, seq;
    std::vector<int> seq_lengths = o.timing_lengths;
    for (int m = 0; m < attn::kRaceModels; ++m) {
        const auto& x = r.models[static_cast<std::size_t>(m)];
        loss.push_back({m, std::vector<double>(x.loss.begin(), x.loss.end())});
        acc.push_back({m, x.accuracy});
        grad.push_back({m, x.gradient});
        time.push_back({m, x.ms_by_length});
        std::vector<double> s;
        for (int T : seq_lengths) s.push_back(attn::race_sequential_steps(m, T, o));
        seq.push_back({m, s});
    }
    grid.next();
    LinePlot("loss", "Training loss", {}, loss, false, 0, 0, "%.1f", grid.plot_w, "training step");
    grid.next();
    LinePlot("accuracy", "Held-out accuracy against distance", labels_of(o.distances), acc, false, 0, 1, "%.0f%%", grid.plot_w,
             "distance from the referent to \"it\" (tokens)");
    grid.next();
    LinePlot("gradient", "Gradient reaching the referent (log scale)", labels_of(o.distances), grad, true, 0, 0, "", grid.plot_w,
             "distance (tokens)");
    grid.next();
    LinePlot("time", "Time per training step of " + std::to_string(o.timing_batch) + " sentences, ms (log scale)",
             labels_of(o.timing_lengths), time, true, 0, 0, "", grid.plot_w, "sentence length (tokens)");
    grid.next();
    LinePlot("sequential", "Sequential steps of a forward pass (log scale)", labels_of(seq_lengths), seq, true, 0, 0, "", grid.plot_w,
             "sentence length (tokens)");
    Caption("Accuracy: share of " + std::to_string(o.eval_sentences) + " held-out sentences per distance (word triples never trained on). "
            "Gradient: mean size of ∂loss/∂(the referent's embedding) over " + std::to_string(o.gradient_sentences) + " of them.");

    // Path length.
    Heading3("The path from a word to \"it\"");
    if (rv.race) PathDrawing(rv.race->vocab(), o);
    else {
        const attn::RaceVocab vocab;
        PathDrawing(vocab, o);
    }

    // The table.
    Heading3("The verdicts, and what was measured");
    const std::vector<Row> rows = table_rows(r);
    const bool narrow = ContentWidth() < 600;
    const ImU32 measured_col = th.colors.accent;
    auto measured = [&](const std::string& text) {
        ImGui::PushStyleColor(ImGuiCol_Text, measured_col);
        ImGui::PushFont(th.fonts.small);
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextUnformatted(text.c_str());
        ImGui::PopTextWrapPos();
        ImGui::PopFont();
        ImGui::PopStyleColor();
    };
    auto verdict = [&](const std::string& text) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextUnformatted(text.c_str());
        ImGui::PopTextWrapPos();
    };
    if (!narrow) {
        if (ImGui::BeginTable("verdicts", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_BordersOuter |
                                                 ImGuiTableFlags_SizingStretchProp,
                              ImVec2(ContentWidth(), 0))) {
            ImGui::TableSetupColumn("Property", 0, 0.5f);
            ImGui::TableSetupColumn("RNN / LSTM", 0, 1.0f);
            ImGui::TableSetupColumn("Transformer", 0, 1.0f);
            ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
            for (const char* h : {"Property", "RNN / LSTM", "Transformer"}) {
                ImGui::TableNextColumn();
                ImGui::PushFont(th.fonts.bold);
                ImGui::TextUnformatted(h);
                ImGui::PopFont();
            }
            for (const Row& row : rows) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::PushFont(th.fonts.bold);
                verdict(row.property);
                ImGui::PopFont();
                for (const Cell* c : {&row.recurrent, &row.transformer}) {
                    ImGui::TableNextColumn();
                    verdict(c->verdict);
                    measured(c->measured);
                }
            }
            ImGui::EndTable();
        }
    } else {
        // A phone: each property as its own block, the two columns one under the other.
        for (const Row& row : rows) {
            BeginCard(row.property);
            ImGui::PushFont(th.fonts.bold);
            ImGui::TextUnformatted(row.property);
            ImGui::PopFont();
            for (int k = 0; k < 2; ++k) {
                const Cell& c = k == 0 ? row.recurrent : row.transformer;
                ImGui::PushFont(th.fonts.small);
                ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(th.colors.text_muted), "%s", k == 0 ? "RNN / LSTM" : "Transformer");
                ImGui::PopFont();
                verdict(c.verdict);
                measured(c.measured);
            }
            EndCard();
        }
    }
    for (const Row& row : rows) {
        rv.table.push_back(std::string(row.property) + " | " + row.recurrent.verdict + " | " + row.recurrent.measured + " | " +
                           row.transformer.verdict + " | " + row.transformer.measured);
    }
    rv.notes = disagreements(r);
    if (!rv.notes.empty()) {
        Heading3("Where the measurement disagrees");
        BulletList(rv.notes);
    }
}

}  // namespace app

namespace app {

// The race in words: what the table shows (the same cells, as drawn), where the figures come
// from, and per model its accuracy at each distance.
WidgetText Describe_Race(Lesson& lesson) {
    WidgetText out;
    out.title = "Transformers vs RNNs, measured";
    const RaceView& rv = lesson.race;
    const attn::RaceResult* r = rv.shown();
    if (!rv.reference_error.empty()) out.lines.push_back(rv.reference_error);
    if (!r) {
        out.lines.push_back("No figures yet: run the race to measure them in this browser.");
        return out;
    }
    if (rv.race) {
        out.lines.push_back(rv.running ? "A race is running in this browser: training step " + std::to_string(rv.race->training_step()) +
                                             " of " + std::to_string(r->options.steps) + "."
                                       : std::string(rv.stopped ? "The race in this browser was stopped" : "The race ran in this browser") +
                                             " (seed " + std::to_string(r->options.seed) + ", " + std::to_string(r->options.steps) + " steps).");
    } else {
        out.lines.push_back("These are the figures of a reference run, made when the lesson was built; run the race to measure them here.");
    }
    if (!rv.table.empty()) {
        TextTable t;
        t.caption = "What each model does, the verdict and the measured figure";
        t.header = {"Property", "RNN / LSTM verdict", "RNN / LSTM measured", "Transformer verdict", "Transformer measured"};
        for (const std::string& row : rv.table) {
            std::vector<std::string> cells;
            std::string::size_type at = 0;
            for (;;) {
                const auto bar = row.find(" | ", at);
                cells.push_back(row.substr(at, bar == std::string::npos ? std::string::npos : bar - at));
                if (bar == std::string::npos) break;
                at = bar + 3;
            }
            t.rows.push_back(cells);
        }
        out.tables.push_back(t);
    }
    TextTable acc;
    acc.caption = "Held-out accuracy against the distance from the referent to \"it\" (tokens)";
    acc.header = {"Model"};
    for (int d : r->options.distances) acc.header.push_back(std::to_string(d));
    for (int m = 0; m < attn::kRaceModels; ++m) {
        const attn::RaceModelResult& x = r->models[static_cast<std::size_t>(m)];
        std::vector<std::string> row{attn::race_model_name(m)};
        for (std::size_t d = 0; d < r->options.distances.size(); ++d)
            row.push_back(d < x.accuracy.size() && std::isfinite(x.accuracy[d]) ? Fixed(100 * x.accuracy[d], 0) + "%" : "not measured");
        acc.rows.push_back(row);
    }
    out.tables.push_back(acc);
    for (const std::string& note : rv.notes) out.lines.push_back(note);
    out.live = rv.running ? "" : (rv.race ? "The race finished in this browser." : "");
    return out;
}

}  // namespace app
