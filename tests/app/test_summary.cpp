// The end-of-lesson summary: sections visited, quiz answers right at the first pick, the
// prediction, and "Try the quiz again", worked by hand on a small lesson text.
#include "app/lesson.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

namespace {

// Three quizzes in two of the lesson's sections, and one in a section the lesson does not have
// (it cannot be reached, so it does not count).
const char* const kDoc = R"(# A small lesson

## intro: Before we begin
::: quiz q1
? One?
- [ ] wrong
- [x] right
:::

## check: Check yourself
::: quiz q2
? Two?
- [x] right
- [ ] wrong
:::

::: quiz q3
? Three?
- [ ] wrong
- [ ] wrong too
- [x] right
:::

## elsewhere: Not a section of the lesson
::: quiz q4
? Four?
- [x] right
:::
)";

}  // namespace

TEST_CASE("summary: quizzes come from the document's sections, and only a right first pick counts") {
    app::Lesson lesson;
    lesson.doc = attn::parse_lesson(kDoc);
    app::Progress& p = lesson.progress;
    p.visited = {"check", "intro"};

    app::Summary s = app::Summarize(lesson);
    REQUIRE(s.quizzes.size() == 3);
    CHECK(s.quizzes[0].id == "q1");
    CHECK(s.quizzes[2].id == "q3");
    CHECK(s.quizzes[1].question == "Two?");
    CHECK(s.sections == static_cast<int>(app::sections().size()));
    CHECK(s.visited == std::vector<std::string>{"intro", "check"});  // lesson order, not visit order
    CHECK(s.not_visited.size() == app::sections().size() - 2);
    CHECK_FALSE(s.complete());
    CHECK(s.answered == 0);
    CHECK(s.score() == 0);
    CHECK_FALSE(s.quiz_done());

    // q1 right at once; q2 wrong first, then changed to the right answer; q3 not answered.
    p.first = {{"q1", 1}, {"q2", 1}};
    p.quiz = {{"q1", 1}, {"q2", 0}};
    s = app::Summarize(lesson);
    CHECK(s.answered == 2);
    CHECK(s.right_first == 1);
    CHECK(s.quizzes[0].right_first);
    CHECK_FALSE(s.quizzes[1].right_first);
    CHECK(s.quizzes[1].first == 1);
    CHECK(s.quizzes[2].first == -1);
    CHECK(s.score() == 33);  // 1 of 3, rounded
    CHECK_FALSE(s.quiz_done());

    p.first["q3"] = 2;
    p.first["q4"] = 0;      // not in the lesson's sections: ignored
    p.first["q5"] = 7;      // no such quiz
    s = app::Summarize(lesson);
    CHECK(s.answered == 3);
    CHECK(s.right_first == 2);
    CHECK(s.score() == 67);  // 2 of 3
    CHECK(s.quiz_done());

    p.first["q1"] = 9;       // an option the quiz does not have (an old or edited lesson): not answered
    s = app::Summarize(lesson);
    CHECK(s.answered == 2);
    CHECK(s.quizzes[0].first == -1);

    for (const app::SectionInfo& info : app::sections()) lesson.mark_visited(info.id);
    CHECK(app::Summarize(lesson).complete());
}

TEST_CASE("summary: the prediction holds when it names what a reader resolves \"it\" to") {
    app::Lesson lesson;
    lesson.doc = attn::parse_lesson(kDoc);
    CHECK(app::Summarize(lesson).prediction == -1);
    CHECK_FALSE(app::Summarize(lesson).prediction_held);
    lesson.progress.prediction = 0;
    CHECK(std::string(app::kReferents[0]) == "the animal");  // "…because it was too tired"
    CHECK(app::Summarize(lesson).prediction_held);
    lesson.progress.prediction = 1;
    CHECK_FALSE(app::Summarize(lesson).prediction_held);
    lesson.progress.prediction = 2;
    CHECK_FALSE(app::Summarize(lesson).prediction_held);
}

TEST_CASE("summary: Try the quiz again clears the answers and keeps the visits and the prediction") {
    app::Lesson lesson;
    lesson.doc = attn::parse_lesson(kDoc);
    app::Progress& p = lesson.progress;
    p.visited = {"intro", "check"};
    p.prediction = 0;
    p.clues = {10};
    app::ResetQuiz(lesson);  // nothing to clear: nothing changes
    CHECK(p.round == 1);
    CHECK_FALSE(lesson.progress_dirty);

    p.first = {{"q1", 0}, {"q2", 0}, {"q3", 2}};
    p.quiz = {{"q1", 1}, {"q2", 0}, {"q3", 2}};
    CHECK(app::Summarize(lesson).score() == 67);
    app::ResetQuiz(lesson);
    CHECK(lesson.progress_dirty);
    CHECK(p.first.empty());
    CHECK(p.quiz.empty());
    CHECK(p.round == 2);
    CHECK(p.visited == std::vector<std::string>{"intro", "check"});
    CHECK(p.prediction == 0);
    CHECK(p.clues == std::vector<int>{10});
    const app::Summary s = app::Summarize(lesson);
    CHECK(s.answered == 0);
    CHECK(s.round == 2);
}

TEST_CASE("summary: the real lesson's quiz count is the number of quiz blocks in its text") {
    std::ifstream in(ATTN_SOURCE_DIR "/lessons/attention-lesson.md");
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    // Counted here from the raw text, independently of the parser.
    int quizzes = 0;
    std::string line;
    std::istringstream lines(text.str());
    while (std::getline(lines, line))
        if (line.rfind("::: quiz ", 0) == 0) ++quizzes;
    REQUIRE(quizzes > 0);
    app::Lesson lesson;
    lesson.doc = attn::parse_lesson(text.str());
    CHECK(static_cast<int>(app::Summarize(lesson).quizzes.size()) == quizzes);
}
