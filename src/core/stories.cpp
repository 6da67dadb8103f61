// stories.cpp — the story grammar, its generator and its checker.
#include "core/stories.h"

#include "core/rng.h"

#include <sstream>
#include <stdexcept>

namespace attn {

// =============================================================================================
// [SECTION] Word lists

const std::vector<std::string>& StoryLexicon::subjects() {
    static const std::vector<std::string> v = {"animal", "dog", "cat", "horse", "child", "man", "woman", "fox"};
    return v;
}
const std::vector<std::string>& StoryLexicon::places() {
    static const std::vector<std::string> v = {"street", "road", "river", "bridge", "field", "park", "hill", "lake"};
    return v;
}
const std::vector<std::string>& StoryLexicon::verbs() {
    static const std::vector<std::string> v = {"cross", "enter", "reach"};
    return v;
}
const std::vector<std::string>& StoryLexicon::connectives() {
    static const std::vector<std::string> v = {"because", "since"};
    return v;
}
const std::vector<std::string>& StoryLexicon::intensifiers() {
    static const std::vector<std::string> v = {"too", "very", "so"};
    return v;
}
const std::vector<std::string>& StoryLexicon::subject_adjectives() {
    static const std::vector<std::string> v = {"tired", "sleepy", "exhausted", "scared", "afraid", "hungry"};
    return v;
}
const std::vector<std::string>& StoryLexicon::place_adjectives() {
    static const std::vector<std::string> v = {"wide", "busy", "icy", "long", "muddy", "deep", "narrow", "crowded", "steep"};
    return v;
}
const std::vector<int>& StoryLexicon::fitting(int place) {
    // wide 0, busy 1, icy 2, long 3, muddy 4, deep 5, narrow 6, crowded 7, steep 8
    static const std::vector<std::vector<int>> v = {
        {0, 1, 2},  // street: wide, busy, icy
        {3, 1, 4},  // road: long, busy, muddy
        {0, 5},     // river: wide, deep
        {6, 2, 7},  // bridge: narrow, icy, crowded
        {4, 0},     // field: muddy, wide
        {7, 4},     // park: crowded, muddy
        {8, 2},     // hill: steep, icy
        {5, 2},     // lake: deep, icy
    };
    return v.at(static_cast<std::size_t>(place));
}
const std::string& StoryLexicon::subject_reaction(int adjective) {
    static const std::vector<std::string> v = {"lay down", "lay down", "lay down", "ran away", "ran away", "looked for food"};
    return v.at(static_cast<std::size_t>(adjective));
}
const std::string& StoryLexicon::place_reaction(int adjective) {
    static const std::vector<std::string> v = {"went around", "waited by", "stayed off", "went around", "stayed off",
                                               "went around", "stayed off", "waited by", "went around"};
    return v.at(static_cast<std::size_t>(adjective));
}
std::vector<std::string> StoryLexicon::phrases() {
    std::vector<std::string> all = {"The the did not it was It Later went home ."};
    for (const auto* list : {&subjects(), &places(), &verbs(), &connectives(), &intensifiers(),
                             &subject_adjectives(), &place_adjectives()})
        all.insert(all.end(), list->begin(), list->end());
    for (int a = 0; a < static_cast<int>(subject_adjectives().size()); ++a) all.push_back(subject_reaction(a));
    for (int a = 0; a < static_cast<int>(place_adjectives().size()); ++a) all.push_back(place_reaction(a));
    return all;
}

// =============================================================================================
// [SECTION] Generator

namespace {

int count(const std::vector<std::string>& v) { return static_cast<int>(v.size()); }
int pick(Rng& rng, int n) { return static_cast<int>(rng.below(static_cast<std::uint32_t>(n))); }
const std::string& at(const std::vector<std::string>& v, int i) { return v.at(static_cast<std::size_t>(i)); }

Story draw_story(Rng& rng, StorySplit split) {
    using L = StoryLexicon;
    Story s;
    do {
        s.subject = pick(rng, count(L::subjects()));
        s.place = pick(rng, count(L::places()));
    } while (story_pair_held_out(s.subject, s.place) != (split == StorySplit::held_out));
    s.verb = pick(rng, count(L::verbs()));
    s.connective = pick(rng, count(L::connectives()));
    s.intensifier = pick(rng, count(L::intensifiers()));
    s.about_subject = pick(rng, 2) == 0;
    if (s.about_subject) {
        s.adjective = pick(rng, count(L::subject_adjectives()));
        s.pronoun = pick(rng, 2) == 0;
    } else {
        const auto& fit = L::fitting(s.place);
        s.adjective = fit.at(static_cast<std::size_t>(pick(rng, static_cast<int>(fit.size()))));
    }
    s.third = pick(rng, 2) == 0;
    const std::string& S = at(L::subjects(), s.subject);
    const std::string& P = at(L::places(), s.place);
    s.prompt_to_adjective = "The " + S + " did not " + at(L::verbs(), s.verb) + " the " + P + " " +
                            at(L::connectives(), s.connective) + " it was " + at(L::intensifiers(), s.intensifier);
    s.text = s.prompt_to_adjective + " ";
    if (s.about_subject) {
        s.text += at(L::subject_adjectives(), s.adjective) + ". " + (s.pronoun ? "It" : "The " + S) + " " +
                  L::subject_reaction(s.adjective) + ".";
    } else {
        s.text += at(L::place_adjectives(), s.adjective) + ". The " + S + " " + L::place_reaction(s.adjective) +
                  " the " + P + ".";
    }
    if (s.third) s.text += " Later the " + S + " went home.";
    return s;
}

}  // namespace

bool story_pair_held_out(int subject, int place) {
    std::uint32_t h = static_cast<std::uint32_t>(subject + 7) * 0x9E3779B1u ^ static_cast<std::uint32_t>(place + 313) * 0x85EBCA77u;
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h % 100u < 20u;
}

std::vector<Story> generate_stories(StorySplit split, int n, std::uint32_t seed) {
    Rng rng(seed);
    std::vector<Story> out;
    for (int i = 0; i < n; ++i) out.push_back(draw_story(rng, split));
    return out;
}

// =============================================================================================
// [SECTION] Checker

std::vector<std::string> story_words(const std::string& text) {
    std::string spaced;
    for (char c : text) {
        if (c == '.') {
            spaced += " . ";
        } else {
            spaced += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        }
    }
    std::vector<std::string> words;
    std::istringstream in(spaced);
    for (std::string w; in >> w;) words.push_back(w);
    return words;
}

namespace {

struct Reader {
    const std::vector<std::string>& w;
    std::size_t i = 0;
    bool ended = false;   // the text ran out where the grammar still expected something
    std::string error;

    // Which option (a phrase of one or more words) the next words are; −1 when none (error set),
    // or when the text ends inside a phrase that could still match (ended set).
    int one_of(const std::vector<std::string>& options, const std::string& what) {
        if (ended || !error.empty()) return -1;
        bool partial = false;
        for (std::size_t o = 0; o < options.size(); ++o) {
            const std::vector<std::string> words = story_words(options[o]);
            std::size_t k = 0;
            while (k < words.size() && i + k < w.size() && w[i + k] == words[k]) ++k;
            if (k == words.size()) {
                i += k;
                return static_cast<int>(o);
            }
            if (i + k == w.size()) partial = true;
        }
        if (partial) {
            ended = true;
        } else {
            error = "word " + std::to_string(i + 1) + " \"" + w[i] + "\": expected " + what;
        }
        return -1;
    }
    bool word(const std::string& phrase) { return one_of({phrase}, "\"" + phrase + "\"") == 0; }
    bool ok() const { return !ended && error.empty(); }
};

}  // namespace

StoryCheck check_story(const std::string& text) {
    using L = StoryLexicon;
    const std::vector<std::string> words = story_words(text);
    StoryCheck c;
    Reader r{words};
    auto finish = [&]() {
        if (!r.error.empty()) {
            c.error = r.error;
        } else if (r.ended) {
            c.prefix = true;
            c.error = "the story stops before its end";
        } else if (r.i < words.size()) {
            c.error = "word " + std::to_string(r.i + 1) + " \"" + words[r.i] + "\": the story is already over";
        } else {
            c.prefix = c.derivable = true;
        }
        return c;
    };
    r.word("the");
    c.subject = r.one_of(L::subjects(), "a subject (animal, dog, …)");
    r.word("did not");
    r.one_of(L::verbs(), "a verb (cross, enter, reach)");
    r.word("the");
    c.place = r.one_of(L::places(), "a place (street, road, …)");
    r.one_of(L::connectives(), "\"because\" or \"since\"");
    r.word("it was");
    r.one_of(L::intensifiers(), "\"too\", \"very\" or \"so\"");
    if (!r.ok()) return finish();
    // The adjective: the subject's, or one that fits this place.
    std::vector<std::string> adjectives = L::subject_adjectives();
    for (int a : L::fitting(c.place)) adjectives.push_back(at(L::place_adjectives(), a));
    const int a = r.one_of(adjectives, "an adjective of the " + at(L::subjects(), c.subject) + " or of the " +
                                           at(L::places(), c.place));
    if (a < 0) {
        if (!r.ended && r.i < words.size()) {
            for (int k = 0; k < count(L::place_adjectives()); ++k)
                if (words[r.i] == at(L::place_adjectives(), k))
                    r.error = "word " + std::to_string(r.i + 1) + " \"" + words[r.i] + "\": a " + at(L::places(), c.place) +
                              " is never " + words[r.i] + " in these stories";
        }
        return finish();
    }
    const int n_subj = count(L::subject_adjectives());
    if (a < n_subj) {
        c.subject_adjective = a;
    } else {
        c.place_adjective = L::fitting(c.place).at(static_cast<std::size_t>(a - n_subj));
    }
    r.word(".");
    const std::string& S = at(L::subjects(), c.subject);
    const std::string& P = at(L::places(), c.place);
    if (c.subject_adjective >= 0) {
        r.one_of({"the " + S, "it"}, "\"The " + S + "\" or \"It\"");
        r.word(L::subject_reaction(c.subject_adjective));
        r.word(".");
    } else {
        r.word("the " + S);
        r.word(L::place_reaction(c.place_adjective) + " the " + P);
        r.word(".");
    }
    if (r.ok() && r.i < words.size()) {
        r.word("later the " + S + " went home");
        r.word(".");
    }
    return finish();
}

}  // namespace attn
