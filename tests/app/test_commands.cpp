// The page's commands as app/commands.h reads them (what src/platform/bridge.cpp passes through):
// worked by hand, including the inputs fuzz/fuzz_bridge_json.cpp and fuzz_attention.cpp check.
#include "app/commands.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

TEST_CASE("commands: a view from a link") {
    const auto v = app::ParseViewCommand(R"({"token":3,"layer":2,"head":0,"block":1,"q":[1,0.5,-3]})");
    REQUIRE(v.ok());
    CHECK(v.value.token == 3);
    CHECK(v.value.layer == 1);  // 1-based in the link
    CHECK(v.value.head == -1);  // 0: the mean of the heads
    CHECK_FALSE(v.value.is_default_head);
    CHECK(v.value.encoder_block == 0);
    CHECK(v.value.encoder_n == -1);
    CHECK(v.value.edited);
    CHECK(v.value.q == std::vector<float>{1, 0.5f, -3});
    // Out of range or not a whole number: a value ApplyView refuses (and says so).
    const auto bad = app::ParseViewCommand(R"({"token":4096,"layer":-1,"box":18446744073709551615,"k":[1e39,"x"]})");
    REQUIRE(bad.ok());
    CHECK(bad.value.token == 1 << 20);
    CHECK(bad.value.layer == 1 << 20);
    CHECK(bad.value.encoder_box == 1 << 20);
    REQUIRE(bad.value.k.size() == 2);
    CHECK(std::isnan(bad.value.k[0]));  // beyond a float: refused, not infinity
    CHECK(std::isnan(bad.value.k[1]));
    CHECK(app::ParseViewCommand("[1]").error == "view: not an object");
    CHECK(app::ParseViewCommand("{\"token\":").error == "view: not JSON");
    CHECK(app::ParseViewCommand("").error == "view: not JSON");
}

TEST_CASE("commands: race options") {
    const auto o = app::ParseRaceOptions(R"({"seed":7,"steps":300,"distances":[4,-9,200000]})");
    REQUIRE(o.ok());
    CHECK(o.value.seed == 7u);
    CHECK(o.value.steps == 300);
    CHECK(o.value.distances == std::vector<int>{4, -1, 100000});  // clamped for validate_race_options to judge
    CHECK(app::ParseRaceOptions("").ok());
    CHECK(app::ParseRaceOptions("").value.steps == attn::RaceOptions().steps);
    CHECK(app::ParseRaceOptions(R"({"seed":4294967296})").error == "race: seed must be a whole number from 0 to 4294967295");
    CHECK(app::ParseRaceOptions(R"({"steps":1.5})").error == "race: steps must be a whole number");
    CHECK(app::ParseRaceOptions(R"({"distances":[1,"2"]})").error == "race: distances must be whole numbers");
    CHECK(app::ParseRaceOptions("[]").error == "race: options must be an object");
    CHECK(app::ParseRaceOptions("{").error == "race: options are not JSON");
    // 2^64 − 1 steps is a great many, not −1.
    CHECK(app::ParseRaceOptions(R"({"steps":18446744073709551615})").value.steps == 1000000);
}

TEST_CASE("commands: saved progress keeps what fits and never wraps a number into range") {
    const std::vector<std::string> ids = {"intro", "explorer", "check"};
    const auto p = app::ParseProgress(
        R"({"visited":["intro","nope","intro","check"],"quiz":{"q1":1,"q2":15,"q3":16},"round":3,"prediction":2,"clues":[0,31,32]})", ids);
    REQUIRE(p.ok());
    CHECK(p.value.visited == std::vector<std::string>{"intro", "check"});
    CHECK(p.value.quiz == std::map<std::string, int>{{"q1", 1}, {"q2", 15}});
    CHECK(p.value.first == p.value.quiz);  // saved before first picks were kept
    CHECK(p.value.round == 3);
    CHECK(p.value.prediction == 2);
    CHECK(p.value.clues == std::vector<int>{0, 31});
    // 4294967299 = 2^32 + 3 was read as the answer 3, 4294967297 as round 1, 2^32 as prediction 0.
    const auto w = app::ParseProgress(R"({"quiz":{"a":4294967299},"round":4294967298,"prediction":4294967296,"clues":[4294967300]})", ids);
    REQUIRE(w.ok());
    CHECK(w.value.quiz.empty());
    CHECK(w.value.round == 1);
    CHECK(w.value.prediction == -1);
    CHECK(w.value.clues.empty());
    CHECK_FALSE(app::ParseProgress("\"x\"", ids).ok());
    CHECK_FALSE(app::ParseProgress("{", ids).ok());
}

TEST_CASE("commands: attention's matrices from the page") {
    const double q[] = {1, 0, 1, 0, 1, 0}, k[] = {1, 0, 1, 0, 1, 1}, v[] = {1, 2, 0, 0, 1, 3};
    const unsigned char mask[] = {1, 0, 1, 1};
    const auto in = app::ParseAttentionCommand(q, 2, 3, k, 2, 3, v, 2, 3, mask);
    REQUIRE(in.ok());
    CHECK(in.value.q(1, 1) == 1.0f);
    CHECK(in.value.v(1, 2) == 3.0f);
    CHECK(in.value.has_mask);
    CHECK(in.value.mask(0, 1) == 0);
    double big[] = {1, 0, 1, 0, 1e39, 0};
    CHECK(app::ParseAttentionCommand(q, 2, 3, big, 2, 3, v, 2, 3, nullptr).error ==
          "attention: K[1][1] = 1e+39 is too large for a float (at most ±3.4e38)");
    big[4] = NAN;
    CHECK(app::ParseAttentionCommand(q, 2, 3, k, 2, 3, big, 2, 3, nullptr).error == "attention: V[1][1] is not a finite number");
    CHECK(app::ParseAttentionCommand(q, 0, 3, k, 2, 3, v, 2, 3, nullptr).error == "attention: Q, K and V need at least one row and one column");
    CHECK(app::ParseAttentionCommand(q, 4097, 3, k, 2, 3, v, 2, 3, nullptr).error == "attention: matrices larger than 4096 × 4096 are not accepted");
}

TEST_CASE("commands: generate() options") {
    CHECK(app::CheckGenerateOptions("The dog", 1.0, 0, 10).empty());
    CHECK(app::CheckGenerateOptions(std::string(401, 'a'), 1.0, 0, 10) == "the prompt is longer than 400 bytes");
    CHECK(app::CheckGenerateOptions("x", NAN, 0, 10) == "temperature must be a number from 0 to 100");
    CHECK(app::CheckGenerateOptions("x", 100.5, 0, 10) == "temperature must be a number from 0 to 100");
    CHECK(app::CheckGenerateOptions("x", 0, -1, 10) == "topK must be 0 (all tokens) or more");
    CHECK(app::CheckGenerateOptions("x", 0, 0, -1) == "maxTokens must be 0 or more");
    CHECK(app::Generate(nullptr, attn::LanguageModel{}, "x", 1, 0, 1, 1).error == "the vocabulary did not load");
}
