// lesson.h — the lesson's state and its sections, in lesson order.
#pragma once

#include "core/attention.h"

#include <string>
#include <vector>

namespace app {

// The worked example of the attention-steps section: two tokens, d_k = 3.
struct WorkedExample {
    attn::Mat q, k, v;           // (2, 3) each, editable by the learner
    attn::Mat out;               // (2, 3)
    attn::AttentionCache cache;  // scores, scaled, weights: what the section shows
    int step = 4;                // 0 inputs, 1 scores, 2 ÷√d_k, 3 softmax, 4 × V
    bool scaled = true;          // false: the √d_k division is removed to show saturation
    float sharpness = 1.0f;      // multiplies Q, to show what larger dot products do
    void reset();                // back to the lesson's numbers
    void recompute();
};

struct Lesson;
using SectionFn = void (*)(Lesson&);

struct Section {
    const char* id;
    const char* title;
    SectionFn draw;
};

struct Lesson {
    int current = 0;
    std::vector<bool> visited;
    WorkedExample worked;
    std::string error;  // a message shown at the top of the page until dismissed

    Lesson();
};

const std::vector<Section>& sections();
int section_index(const std::string& id);  // -1 when unknown

// Draws the whole page for this frame.
void DrawLesson(Lesson& lesson);

// Sections (one file each).
void ShowSection_AttentionSteps(Lesson& lesson);

}  // namespace app
