// lesson_doc.h — the lesson's text as data: a small Markdown subset with widget directives.
//
// A lesson file looks like this (lessons/attention-lesson.md is the real one):
//
//   # Attention & Transformers          the title, then "key: value" metadata lines
//   track: Language & Transformers
//
//   ## intro: Before we begin            a section: id, then its title
//   ### What we are learning today       a subheading
//   Running text, joined across lines    a paragraph ends at a blank line; **bold** and `code`
//   - a bullet                           consecutive bullets form one list
//   | a | table |                        consecutive pipe rows form a table, the first is the header
//   ::: callout analogy Think of it like this    a fenced block, closed by a line ":::"
//   Like highlighting key lines in a textbook.
//   :::
//   ::: widget attention-steps           an interactive piece drawn by the app
//   :::
//   ::: terms                            "term: definition" lines
//   ::: quiz id                          "? question", "- [ ] option", "- [x] right option", "> feedback"
//
// Parsing never throws for content: problems become errors with line numbers, and the
// document keeps everything that could be read.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace attn {

struct QuizOption {
    std::string text;
    bool correct = false;
};

struct Block {
    enum class Kind { Subheading, Paragraph, Bullets, Table, Callout, Widget, Terms, Quiz };
    Kind kind = Kind::Paragraph;
    std::string text;                              // subheading, paragraph, callout body, quiz question
    std::string name;                              // callout kind, widget name, quiz id
    std::string title;                             // callout title
    std::vector<std::string> items;                // bullets
    std::vector<std::vector<std::string>> rows;    // table rows (first = header)
    std::vector<std::pair<std::string, std::string>> terms;  // term, definition
    std::vector<QuizOption> options;               // quiz
    std::string feedback;                          // quiz explanation shown after answering
    std::map<std::string, std::string> options_kv; // widget options ("key: value" lines)
    int line = 0;                                  // where the block starts, for messages
};

struct DocSection {
    std::string id;
    std::string title;
    std::vector<Block> blocks;
    int line = 0;
};

struct LessonDoc {
    std::string title;
    std::map<std::string, std::string> meta;
    std::vector<DocSection> sections;
    std::vector<std::string> errors;  // "line 12: ..." for each problem found

    const DocSection* find(std::string_view id) const;
};

LessonDoc parse_lesson(std::string_view text);

}  // namespace attn
