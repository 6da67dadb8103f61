// section_training.cpp — "train it yourself": the explorer's encoder trained from scratch in
// the browser, a few mini-batches per frame, with live loss and accuracy curves.
#include "app/lesson.h"
#include "app/theme.h"
#include "app/widgets.h"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace app {

namespace {

double now_ms() {
    using clock = std::chrono::steady_clock;
    return std::chrono::duration<double, std::milli>(clock::now().time_since_epoch()).count();
}

constexpr int kHeldOutSentences = 200;  // measured every kEvalEvery steps
constexpr int kEvalEvery = 25;

void evaluate(Lesson& lesson) {
    Training& t = lesson.training;
    const attn::CorefEvaluation ev = attn::evaluate_coref(t.trainer->model(), t.held_out, *lesson.tokenizer);
    t.held_out_last = ev.accuracy;
    t.held_out_attention = ev.attention_layer.empty() ? 0.0 : ev.attention_layer.back();
    t.held_out_accuracy.push_back(static_cast<float>(ev.accuracy));
    if (ev.accuracy >= 0.95 && t.ms_to_95 < 0) t.ms_to_95 = t.elapsed_ms;
}

// The explorer shows the model as it is now.
void publish(Lesson& lesson, const char* label) {
    Training& t = lesson.training;
    lesson.trained = coref_lesson_model(t.trainer->model(), *lesson.tokenizer, label, t.seed);
    lesson.explorer.use_trained = true;
    ++lesson.model_version;
    lesson.explorer.dirty = lesson.pipeline.dirty = true;
}

}  // namespace

void StartTraining(Lesson& lesson, int seed) {
    if (!lesson.tokenizer) return;
    Training& t = lesson.training;
    t = Training();
    t.seed = std::max(0, seed);
    t.trainer = std::make_unique<attn::CorefTrainer>(attn::CorefTrainConfig(), static_cast<std::uint32_t>(seed),
                                                     attn::kCorefSteps, *lesson.tokenizer);
    t.held_out = attn::generate_coref(attn::CorefSplit::held_out, kHeldOutSentences, attn::kCorefEvalSeed);
    t.running = true;
    t.started_ms = now_ms();
}

void ShowShippedModel(Lesson& lesson) {
    lesson.training.running = false;
    if (!lesson.shipped.trained) return;
    lesson.trained = lesson.shipped;
    lesson.explorer.use_trained = true;
    ++lesson.model_version;
    lesson.explorer.dirty = lesson.pipeline.dirty = true;
}

void SeedPicker(Lesson& lesson, const char* id) {
    const Theme& th = theme();
    Training& t = lesson.training;
    ImGui::PushID(id);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Seed");
    ImGui::SameLine();
    auto small = [&](const char* label, const char* name) {
        ImGui::PushStyleColor(ImGuiCol_Button, th.colors.accent_soft);
        ImGui::PushStyleColor(ImGuiCol_Text, th.colors.accent);
        const bool pressed = ImGui::Button((std::string(label) + "##" + name).c_str(), ImVec2(40, theme().min_target));
        AddControl("button", name, std::to_string(t.seed));  // "seed −", "seed +": what a screen reader would say
        ImGui::PopStyleColor(2);
        return pressed;
    };
    ImGui::BeginDisabled(t.running || t.seed <= 0);
    if (small("−", "seed −")) --t.seed;
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::PushFont(th.fonts.bold);
    ImGui::AlignTextToFramePadding();
    ImGui::Text("%d", t.seed);
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::BeginDisabled(t.running);
    if (small("+", "seed +")) ++t.seed;
    ImGui::EndDisabled();
    if (!t.running) {
        const std::string train = t.finished ? "Train again" : "Train from this seed";
        SameLineIfFits(ButtonWidth(train.c_str()));
        if (Button(train.c_str(), ImVec2(0, 0), "button", std::to_string(t.seed))) StartTraining(lesson, t.seed);
    } else {
        SameLineIfFits(ButtonWidth("Stop"));
        if (Button("Stop", ImVec2(0, 0), "button", "running")) t.running = false;
    }
    if (lesson.shipped.trained && lesson.trained.label != lesson.shipped.label) {
        const std::string back = "Shipped model (seed " + std::to_string(lesson.shipped.seed) + ")";
        SameLineIfFits(ButtonWidth(back.c_str()));
        if (Button(back.c_str())) ShowShippedModel(lesson);
    }
    ImGui::PopID();
}

void AdvanceTraining(Lesson& lesson, double budget_ms) {
    Training& t = lesson.training;
    if (!t.running || !t.trainer) return;
    // The held-out measurement (and the explorer's new model) takes a frame of its own, so that a
    // frame never holds both a full slice of training steps and a measurement.
    if (t.evaluate_next) {
        t.evaluate_next = false;
        evaluate(lesson);
        t.elapsed_ms = now_ms() - t.started_ms;
        publish(lesson, "encoder training in your browser");
        if (!t.trainer->done()) return;
    }
    // Whole steps while the next one, as long as the last, still fits in the budget (at least
    // one a frame): a step that starts late would push the frame past its vsync.
    const double start = now_ms();
    double step_ms = 0;
    while (!t.trainer->done() && (step_ms == 0 || now_ms() - start + step_ms <= budget_ms)) {
        const double step_start = now_ms();
        const attn::CorefProgress p = t.trainer->step();
        step_ms = now_ms() - step_start;
        t.loss.push_back(static_cast<float>(p.loss));
        t.batch_accuracy.push_back(static_cast<float>(p.accuracy));
        t.elapsed_ms = now_ms() - t.started_ms;
        if (p.step % kEvalEvery == 0 || t.trainer->done()) {
            t.evaluate_next = true;
            return;
        }
    }
    if (t.trainer->done()) {
        t.running = false;
        t.finished = true;
        publish(lesson, "encoder you trained in this browser");
    }
}

void DrawTraining(Lesson& lesson) {
    const Theme& th = theme();
    Training& t = lesson.training;
    Heading3("Train it yourself");
    Paragraph("Nobody told this encoder where to look. Train the same architecture from random weights on "
              "sentences like these, where only the adjective decides what \"it\" means, and watch attention "
              "appear. Sentences built from some (animal, place, adjective) triples are held out of training; "
              "the accuracy below is measured on those.");
    if (!lesson.tokenizer) {
        Caption("Training needs the vocabulary, which did not load.");
        return;
    }
    // The explorer shows the seed picker beside its model; here only when it does not.
    if (!lesson.shipped.trained) SeedPicker(lesson, "training");
    if (!t.trainer) return;
    const int step = static_cast<int>(t.loss.size());
    char buf[200];
    std::snprintf(buf, sizeof buf, "step %d of %d", step, t.trainer->steps());
    ImGui::ProgressBar(static_cast<float>(step) / static_cast<float>(t.trainer->steps()), ImVec2(ContentWidth(), 0), buf);
    const float w = ContentWidth();
    const bool two = w > 560;
    const float plot_w = two ? (w - 16) * 0.5f : w;
    // Each plot under its own label: a label drawn over the plot would be crossed by its line.
    auto plot = [&](const char* id, const char* label, const std::vector<float>& ys, float lo, float hi, ImU32 color) {
        ImGui::BeginGroup();
        Caption(label);
        ImGui::PushStyleColor(ImGuiCol_PlotLines, color);
        ImGui::PlotLines(id, ys.data(), static_cast<int>(ys.size()), 0, nullptr, lo, hi, ImVec2(plot_w, 90));
        ImGui::PopStyleColor();
        ImGui::EndGroup();
    };
    plot("##loss", "loss", t.loss, 0.0f, FLT_MAX, th.colors.query);
    if (two) ImGui::SameLine(0, 16);
    plot("##acc", "held-out accuracy", t.held_out_accuracy, 0.0f, 1.0f, th.colors.good);
    std::snprintf(buf, sizeof buf, "seed %d · loss %.3f · held-out accuracy %.1f%% · attention from \"it\" favours the referent in %.1f%% · %.1f s%s",
                  t.seed, t.loss.empty() ? 0.0 : t.loss.back(), 100.0 * t.held_out_last, 100.0 * t.held_out_attention,
                  t.elapsed_ms / 1000.0, t.running ? " · training…" : "");
    Caption(buf);
    if (t.ms_to_95 >= 0) {
        std::snprintf(buf, sizeof buf, "Reached 95%% held-out accuracy after %.1f s in this browser.", t.ms_to_95 / 1000.0);
        Caption(buf);
    }
}

}  // namespace app
