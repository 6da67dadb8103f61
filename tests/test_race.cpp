// The long-range corpus, the recurrent networks' BPTT over long sequences, and the race of
// core/race.h: distances exactly as asked, finite gradients through 64 steps, the same figures
// for the same seed, the reference file's format, and bad options refused.
#include "core/race.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace {

std::vector<std::string> words(const std::string& s) {
    std::vector<std::string> w;
    std::istringstream in(s);
    for (std::string x; in >> x;) w.push_back(x);
    return w;
}

bool in(const std::vector<std::string>& list, const std::string& w) {
    return std::find(list.begin(), list.end(), w) != list.end();
}

// The lines of race_to_text that must not depend on the machine (all but the timings).
std::string without_timings(const std::string& text) {
    std::istringstream in(text);
    std::string out;
    for (std::string line; std::getline(in, line);)
        if (line.rfind("time ", 0) != 0) out += line + "\n";
    return out;
}

attn::RaceOptions tiny(std::uint32_t seed) {
    attn::RaceOptions o;
    o.seed = seed;
    o.steps = 12;
    o.batch = 4;
    o.distances = {4, 16, 40};
    o.eval_sentences = 8;
    o.gradient_sentences = 3;
    o.timing_lengths = {8, 16};
    o.flops_length = 8;
    return o;
}

}  // namespace

TEST_CASE("race corpus: the referent is exactly the asked number of words before \"it\"") {
    const auto& subjects = attn::CorefLexicon::subjects();
    const auto& places = attn::CorefLexicon::places();
    const auto subj_adj = attn::CorefLexicon::subject_adjectives();
    attn::Rng rng(3);
    for (int distance = attn::kCorefMinDistance; distance <= 64; ++distance) {
        for (int k = 0; k < 20; ++k) {
            const auto split = k % 2 ? attn::CorefSplit::train : attn::CorefSplit::held_out;
            const attn::CorefExample ex = attn::make_coref_at_distance(rng, split, distance);
            const std::vector<std::string> w = words(ex.text);
            INFO(ex.text);
            // Found by reading the words, not from the example's own indices.
            const int it = static_cast<int>(std::find(w.begin(), w.end(), "it") - w.begin());
            REQUIRE(it < static_cast<int>(w.size()));
            CHECK(std::count(w.begin(), w.end(), "it") == 1);
            int subject = -1, place = -1;
            for (int i = 0; i < static_cast<int>(w.size()); ++i) {
                if (in(subjects, w[static_cast<std::size_t>(i)])) { CHECK(subject < 0); subject = i; }
                if (in(places, w[static_cast<std::size_t>(i)])) { CHECK(place < 0); place = i; }
            }
            REQUIRE(subject >= 0);
            REQUIRE(place >= 0);
            // The last word is the adjective, and it decides.
            const bool subject_referent = in(subj_adj, w.back());
            CHECK(it - (subject_referent ? subject : place) == distance);
            CHECK(ex.it_word == it);
            CHECK(ex.referent_word == (subject_referent ? subject : place));
            CHECK(attn::coref_triple_held_out(ex.subject, ex.place, ex.adjective) == (split == attn::CorefSplit::held_out));
        }
    }
    CHECK_THROWS_AS(attn::make_coref_at_distance(rng, attn::CorefSplit::train, 1), std::out_of_range);
}

TEST_CASE("race corpus: filler phrases name no subject or place and never say \"it\"") {
    for (const auto& phrase : attn::CorefLexicon::long_fillers())
        for (const auto& w : words(phrase)) {
            INFO(phrase);
            CHECK_FALSE(in(attn::CorefLexicon::subjects(), w));
            CHECK_FALSE(in(attn::CorefLexicon::places(), w));
            CHECK(w != "it");
        }
    CHECK(attn::CorefLexicon::long_fillers().size() >= 40);
}

TEST_CASE("BPTT through 64 steps stays finite, and the RNN's gradient fades with distance") {
    for (attn::Cell cell : {attn::Cell::rnn, attn::Cell::lstm}) {
        attn::RecurrentConfig c;
        c.cell = cell;
        c.vocab = 30;
        c.d_embed = 16;
        c.d_hidden = 24;
        c.n_classes = 30;
        const attn::RecurrentParams p = attn::recurrent_init(c, 7);
        attn::RecurrentParams g = attn::recurrent_zeros_like(c);
        std::vector<int> tokens;
        attn::Rng rng(1);
        for (int t = 0; t < 65; ++t) tokens.push_back(1 + static_cast<int>(rng.below(29)));
        attn::RecurrentCache cache;
        const double loss = attn::recurrent_forward(cache, {tokens}, {64}, {3}, p);
        CHECK(std::isfinite(loss));
        std::vector<attn::Mat> dx;
        attn::recurrent_backward(g, cache, {3}, p, &dx);
        REQUIRE(dx.size() == 65);
        bool all_finite = true;
        for (const auto& m : dx) all_finite = all_finite && m.allFinite();
        attn::for_each_parameter_rnn(g, g, [&](const std::string&, const attn::Mat& m, const attn::Mat&) {
            all_finite = all_finite && m.allFinite();
        });
        CHECK(all_finite);
        if (cell == attn::Cell::rnn) {
            // 64 steps back the gradient is a tiny fraction of what it is 1 step back.
            CHECK(dx[0].norm() < 1e-3 * dx[63].norm());
        }
    }
}

TEST_CASE("race: the same seed gives the same figures; another seed, others") {
    const attn::RaceResult a = attn::run_race(tiny(5));
    const attn::RaceResult b = attn::run_race(tiny(5));
    const attn::RaceResult c = attn::run_race(tiny(6));
    CHECK(a.complete);
    CHECK(without_timings(attn::race_to_text(a)) == without_timings(attn::race_to_text(b)));
    CHECK(without_timings(attn::race_to_text(a)) != without_timings(attn::race_to_text(c)));
    for (const auto& m : a.models) {
        CHECK(m.loss.size() == 12);
        for (double x : m.accuracy) CHECK((x >= 0 && x <= 1));
        for (double x : m.gradient) CHECK((std::isfinite(x) && x >= 0));
        for (double x : m.ms_by_length) CHECK((std::isfinite(x) && x >= 0));
        CHECK(std::isfinite(m.gflops));
        CHECK(m.gflops > 0);
    }
    CHECK(a.models[0].sequential_steps == 8);   // one per token
    CHECK(a.models[2].sequential_steps == 2);   // one per layer
}

TEST_CASE("race: the text the lesson reads gives back the figures written") {
    const attn::RaceResult a = attn::run_race(tiny(2));
    attn::RaceSweep s;
    s.rates = {0.001, 0.01};
    s.mean_accuracy[0] = {0.5, 0.25};
    s.picked[0] = 0.001;
    const std::string text = attn::race_to_text(a, &s);
    attn::RaceSweep s2;
    const attn::RaceResult b = attn::race_from_text(text, &s2);
    CHECK(attn::race_to_text(b, &s2) == text);
    CHECK(b.options.distances == a.options.distances);
    CHECK_THROWS_WITH(attn::race_from_text("options seed 1\nbogus 3\n"), Catch::Contains("line 2"));
    CHECK_THROWS(attn::race_from_text("options seed 1\n"));  // no models
}

TEST_CASE("race: options that make no race are refused with a reason") {
    attn::RaceOptions o;
    o.steps = 0;
    CHECK_THAT(attn::validate_race_options(o), Catch::Contains("steps"));
    o = attn::RaceOptions();
    o.distances = {8, 4};
    CHECK_THAT(attn::validate_race_options(o), Catch::Contains("increase"));
    o.distances = {1, 4};
    CHECK_THAT(attn::validate_race_options(o), Catch::Contains("between"));
    o.distances = {4, 65};
    CHECK_THAT(attn::validate_race_options(o), Catch::Contains("between"));
    CHECK(attn::validate_race_options(attn::RaceOptions()).empty());
    o.distances = {};
    CHECK_THROWS_AS(attn::Race(o), std::invalid_argument);
}

// Trains long enough to learn (about 20 s in a release build, minutes under the sanitizers), so
// it is hidden from the default run; the release ctest runs it (CMakeLists.txt).
TEST_CASE("race: on short distances every model learns the task (>= 95% held out)", "[.][slow]") {
    attn::RaceOptions o;
    o.distances = {2, 3, 4};
    o.steps = 1500;
    o.lr = {3e-3, 3e-3, 3e-3};
    o.eval_sentences = 200;
    o.timing_lengths = {8};
    o.flops_length = 8;
    const attn::RaceResult r = attn::run_race(o);
    for (int m = 0; m < attn::kRaceModels; ++m)
        for (std::size_t d = 0; d < o.distances.size(); ++d) {
            INFO(attn::race_model_name(m) << " at distance " << o.distances[d]);
            CHECK(r.models[static_cast<std::size_t>(m)].accuracy[d] >= 0.95);
        }
}

TEST_CASE("race: the reference run shipped with the lesson was made with the default options") {
    std::ifstream f(ATTN_SOURCE_DIR "/lessons/models/race-reference.txt", std::ios::binary);
    REQUIRE(f);
    std::ostringstream text;
    text << f.rdbuf();
    attn::RaceSweep sweep;
    const attn::RaceResult r = attn::race_from_text(text.str(), &sweep);
    const attn::RaceOptions d;
    CHECK(r.complete);
    CHECK(r.options.seed == d.seed);
    CHECK(r.options.steps == d.steps);
    CHECK(r.options.batch == d.batch);
    CHECK(r.options.distances == d.distances);
    CHECK(r.options.timing_lengths == d.timing_lengths);
    // The defaults' learning rates are the sweep's picks, and the race used them.
    for (int m = 0; m < attn::kRaceModels; ++m) {
        INFO(attn::race_model_name(m));
        CHECK(sweep.picked[static_cast<std::size_t>(m)] == Approx(d.lr[static_cast<std::size_t>(m)]));
        CHECK(r.models[static_cast<std::size_t>(m)].lr == Approx(d.lr[static_cast<std::size_t>(m)]));
        const auto& acc = sweep.mean_accuracy[static_cast<std::size_t>(m)];
        REQUIRE(acc.size() == sweep.rates.size());
        const auto best = std::max_element(acc.begin(), acc.end()) - acc.begin();
        CHECK(sweep.rates[static_cast<std::size_t>(best)] == Approx(d.lr[static_cast<std::size_t>(m)]));
    }
}
