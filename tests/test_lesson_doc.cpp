// The lesson-file parser: structure, every block kind, and readable errors for broken files.
#include "core/lesson_doc.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using attn::Block;
using attn::parse_lesson;

TEST_CASE("lesson doc: title, metadata, sections and paragraphs") {
    const auto doc = parse_lesson(
        "# Attention\n"
        "track: Language & Transformers\n"
        "level: Advanced\n"
        "\n"
        "## intro: Before we begin\n"
        "### What we learn\n"
        "First line\n"
        "continues here.\n"
        "\n"
        "Second paragraph with **bold**.\r\n"
        "## check: Check yourself\n"
        "Done.\n");
    CHECK(doc.errors.empty());
    CHECK(doc.title == "Attention");
    CHECK(doc.meta.at("track") == "Language & Transformers");
    CHECK(doc.meta.at("level") == "Advanced");
    REQUIRE(doc.sections.size() == 2);
    CHECK(doc.sections[0].id == "intro");
    CHECK(doc.sections[0].title == "Before we begin");
    REQUIRE(doc.sections[0].blocks.size() == 3);
    CHECK(doc.sections[0].blocks[0].kind == Block::Kind::Subheading);
    CHECK(doc.sections[0].blocks[0].text == "What we learn");
    CHECK(doc.sections[0].blocks[1].kind == Block::Kind::Paragraph);
    CHECK(doc.sections[0].blocks[1].text == "First line continues here.");
    CHECK(doc.sections[0].blocks[1].line == 7);
    CHECK(doc.sections[0].blocks[2].text == "Second paragraph with **bold**.");
    REQUIRE(doc.find("check") != nullptr);
    CHECK(doc.find("check")->blocks.at(0).text == "Done.");
    CHECK(doc.find("nope") == nullptr);
}

TEST_CASE("lesson doc: bullets, tables, callouts, widgets, terms and quizzes") {
    const auto doc = parse_lesson(
        "# T\n"
        "## s: S\n"
        "- one\n"
        "- two\n"
        "| Property | RNN | Transformer |\n"
        "|---|---|---|\n"
        "| Parallelism | token by token | all at once |\n"
        "::: callout analogy Think of it like this\n"
        "Like highlighting\n"
        "key lines.\n"
        ":::\n"
        "::: widget attention-steps\n"
        "rows: 2\n"
        ":::\n"
        "::: terms\n"
        "token: a piece of text\n"
        "query: what a token looks for: its question\n"
        ":::\n"
        "::: quiz it-refers\n"
        "? What does \"it\" refer to?\n"
        "- [ ] the street\n"
        "- [x] the animal\n"
        "> Tired describes the animal.\n"
        ":::\n");
    INFO((doc.errors.empty() ? std::string() : doc.errors.front()));
    CHECK(doc.errors.empty());
    const auto& b = doc.sections.at(0).blocks;
    REQUIRE(b.size() == 6);
    CHECK(b[0].kind == Block::Kind::Bullets);
    CHECK(b[0].items == std::vector<std::string>{"one", "two"});
    CHECK(b[1].kind == Block::Kind::Table);
    REQUIRE(b[1].rows.size() == 2);  // the separator row is dropped
    CHECK(b[1].rows[1] == std::vector<std::string>{"Parallelism", "token by token", "all at once"});
    CHECK(b[2].kind == Block::Kind::Callout);
    CHECK(b[2].name == "analogy");
    CHECK(b[2].title == "Think of it like this");
    CHECK(b[2].text == "Like highlighting key lines.");
    CHECK(b[3].kind == Block::Kind::Widget);
    CHECK(b[3].name == "attention-steps");
    CHECK(b[3].options_kv.at("rows") == "2");
    CHECK(b[4].kind == Block::Kind::Terms);
    REQUIRE(b[4].terms.size() == 2);
    CHECK(b[4].terms[1].first == "query");
    CHECK(b[4].terms[1].second == "what a token looks for: its question");
    CHECK(b[5].kind == Block::Kind::Quiz);
    CHECK(b[5].name == "it-refers");
    CHECK(b[5].text == "What does \"it\" refer to?");
    REQUIRE(b[5].options.size() == 2);
    CHECK_FALSE(b[5].options[0].correct);
    CHECK(b[5].options[1].correct);
    CHECK(b[5].feedback == "Tired describes the animal.");
}

TEST_CASE("lesson doc: broken files give errors with line numbers, never a crash") {
    CHECK_FALSE(parse_lesson("").errors.empty());
    CHECK_FALSE(parse_lesson("no title\n").errors.empty());

    const auto unclosed = parse_lesson("# T\n## s: S\n::: widget x\n");
    REQUIRE_FALSE(unclosed.errors.empty());
    CHECK_THAT(unclosed.errors[0], Catch::Contains("line 3") && Catch::Contains("never closed"));

    const auto bad_heading = parse_lesson("# T\n## Not An Id: S\n");
    CHECK_THAT(bad_heading.errors.at(0), Catch::Contains("line 2"));

    const auto bad_quiz = parse_lesson("# T\n## s: S\n::: quiz q\n? Q\n- [ ] a\n- [ ] b\n:::\n");
    CHECK_THAT(bad_quiz.errors.at(0), Catch::Contains("exactly one"));

    const auto unknown = parse_lesson("# T\n## s: S\n::: sparkle\n:::\n");
    CHECK_THAT(unknown.errors.at(0), Catch::Contains("unknown block"));

    const auto dup = parse_lesson("# T\n## s: S\n## s: Again\n");
    CHECK_THAT(dup.errors.at(0), Catch::Contains("twice"));

    // Binary junk: no crash, errors reported.
    std::string junk(4096, '\0');
    for (size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<char>((i * 7919) % 256);
    CHECK_FALSE(parse_lesson(junk).errors.empty());
}

TEST_CASE("the shipped lesson file parses cleanly and has every section of the design") {
    std::ifstream in(ATTN_SOURCE_DIR "/lessons/attention-lesson.md", std::ios::binary);
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    const auto doc = parse_lesson(ss.str());
    INFO((doc.errors.empty() ? std::string() : doc.errors.front()));
    CHECK(doc.errors.empty());
    for (const char* id : {"intro", "text-to-vectors", "encoder-block", "attention-steps", "attention-explorer",
                           "rnn-vs-transformer", "check"}) {
        INFO(id);
        CHECK(doc.find(id) != nullptr);
    }
    CHECK(doc.meta.count("track"));
    CHECK(doc.meta.count("level"));
}
