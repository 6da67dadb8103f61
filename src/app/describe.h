// describe.h — the lesson as text: what the page's text mirror shows (for screen readers,
// find-in-page, copy, translation), what state().widgets reports, and what export() saves.
//
// Each widget describes itself in one function, registered beside its drawing function in
// lesson.cpp's widget table ({"explorer", Widget_Explorer, Describe_Explorer}). The function
// reads the lesson's model only (never ImGui), so the mirror, the API, links and export all
// read the same numbers the canvas draws.
#pragma once

#include "app/text.h"
#include "core/tensor.h"

#include <string>
#include <vector>

namespace app {

struct Lesson;

// A table of text: the mirror shows it as an HTML table.
struct TextTable {
    std::string caption;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};

// A heatmap or matrix that can be saved (lesson.export(kind)): numbers at full precision with
// their row and column labels.
struct MatrixExport {
    std::string kind;                  // "explorer-attention", "worked-weights", "positional-encoding"…
    std::string title;                 // what it is, with its source (model, layer, head)
    std::vector<std::string> rows, cols;
    attn::Mat values;
    bool attention = false;            // weights in [0, 1] (orange scale); else a diverging scale
    bool table = true;                 // small enough to read as a table in the mirror
};

// One widget's live state in words.
struct WidgetText {
    std::string widget;                // its name in the lesson file
    std::string title;                 // what it is ("Attention explorer")
    std::vector<std::string> lines;    // its state, sentence by sentence
    std::vector<TextTable> tables;
    std::vector<MatrixExport> matrices;
    std::string live;                  // one sentence announced (aria-live) when it changes
};

// One block of a section, as text.
struct TextBlock {
    std::string kind;                  // h2, h3, p, ul, table, callout, terms, quiz, widget
    std::string text;                  // heading, paragraph, callout body, quiz question
    std::string title;                 // callout title
    std::string name;                  // callout kind, quiz id
    std::vector<std::string> items;    // bullets; terms as "term: definition"; quiz options
    TextTable table;
    int correct = -1, chosen = -1;     // quiz: the right option, the learner's (-1: none)
    std::string feedback;              // quiz: shown once answered
    WidgetText widget;
};

struct SectionText {
    std::string id, title;
    std::vector<std::string> problems; // errors the page shows (lesson text, vocabulary, model)
    std::string banner;                // the message at the top of the page
    std::vector<TextBlock> blocks;
};

// The current section, every block and widget of it.
SectionText DescribeSection(Lesson& lesson);
// The widgets of the current section only (state().widgets).
std::vector<WidgetText> DescribeWidgets(Lesson& lesson);
// A widget by its name in the lesson file; empty title when there is no such widget.
WidgetText DescribeWidget(Lesson& lesson, const std::string& name);

// Every matrix export() can save, from every widget of the lesson (not only the current section),
// and one by kind (false when there is none).
std::vector<MatrixExport> Exports(Lesson& lesson);
bool FindExport(Lesson& lesson, const std::string& kind, MatrixExport& out);
// RFC 4180 CSV: a header row (the corner cell, then the column labels), then each row's label and
// its numbers at full float precision.
std::string ExportCsv(const MatrixExport& m);
// A matrix as a mirror table, numbers at `decimals`.
TextTable MatrixTable(const MatrixExport& m, int decimals = 3);

// Numbers as the mirror writes them.
std::string Fixed(double x, int decimals);

// The widget describers, one per widget of the lesson file (lesson.cpp registers them).
WidgetText Describe_AttentionSteps(Lesson&);
WidgetText Describe_Saturation(Lesson&);
WidgetText Describe_Prediction(Lesson&);
WidgetText Describe_PredictionRevisit(Lesson&);
WidgetText Describe_Pipeline(Lesson&);
WidgetText Describe_EncoderDiagram(Lesson&);
WidgetText Describe_Explorer(Lesson&);
WidgetText Describe_Summary(Lesson&);
WidgetText Describe_Race(Lesson&);
WidgetText Describe_Generation(Lesson&);
WidgetText Describe_EncoderVsDecoder(Lesson&);

}  // namespace app
