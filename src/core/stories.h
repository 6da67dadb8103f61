// stories.h — a small, seeded grammar of two- and three-sentence stories over the lesson's
// world, and a checker that says whether a text can be derived from it.
//
//   story  = first second [third]
//   first  = "The" S "did not" V "the" P C "it was" I A "."
//            A is a subject adjective (tired, scared, hungry…: "it" is the subject) or one of the
//            adjectives that fit the place P (a street can be wide, busy or icy; a hill steep or
//            icy): "it" is the place
//   second = ("The" S | "It") R(A) "."           when "it" was the subject: R(tired) = "lay down"
//          | "The" S Q(A) "the" P "."             when it was the place:     Q(wide) = "went around"
//   third  = "Later the" S "went home ."
//
// So the later sentences refer back consistently: a tired animal lies down, a wide street is
// gone around, and the same S and P come back. A share of (S, P) pairs is held out of training.
// Everything is deterministic for a seed, natively and in WebAssembly (attn::Rng only).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace attn {

struct StoryLexicon {
    static const std::vector<std::string>& subjects();            // animal, dog, …
    static const std::vector<std::string>& places();              // street, road, …
    static const std::vector<std::string>& verbs();               // cross, enter, reach
    static const std::vector<std::string>& connectives();         // because, since
    static const std::vector<std::string>& intensifiers();        // too, very, so
    static const std::vector<std::string>& subject_adjectives();  // tired, …
    static const std::vector<std::string>& place_adjectives();    // wide, …
    // Indices into place_adjectives() of the adjectives that fit place p.
    static const std::vector<int>& fitting(int place);
    // What the subject does next, for subject adjective a ("lay down"), and what it does about
    // the place, for place adjective a ("went around").
    static const std::string& subject_reaction(int adjective);
    static const std::string& place_reaction(int adjective);
    // Every word and phrase the grammar uses (for a compact vocabulary).
    static std::vector<std::string> phrases();
};

struct Story {
    std::string text;           // "The dog did not cross the river because it was too deep. The dog went around the river."
    int subject = 0, place = 0, verb = 0, connective = 0, intensifier = 0;
    bool about_subject = true;  // the adjective is the subject's (else the place's)
    int adjective = 0;          // index into subject_adjectives() or place_adjectives()
    bool pronoun = false;       // the second sentence starts "It" (only when about the subject)
    bool third = false;         // "Later the S went home."
    // The first sentence up to and including the intensifier: "…because it was too".
    std::string prompt_to_adjective;
};

// Whether the (subject, place) pair is held out of training: a fixed ~20% of the pairs, by a
// hash of the indices (no randomness).
bool story_pair_held_out(int subject, int place);

enum class StorySplit { train, held_out };
std::vector<Story> generate_stories(StorySplit split, int n, std::uint32_t seed);

// Lower-case words with "." as a word of its own: "The dog sat." → the dog sat .
std::vector<std::string> story_words(const std::string& text);

struct StoryCheck {
    bool derivable = false;  // the whole text is a story of the grammar
    bool prefix = false;     // the text is the beginning of at least one story (true when derivable)
    std::string error;       // where and why it fails: "word 11 \"wide\": not an adjective that fits the hill"
    int subject = -1, place = -1;  // once read
    int subject_adjective = -1, place_adjective = -1;  // the adjective, in its list, once read
};
// Checks a text (any case, "." with or without a space before it) against the grammar.
StoryCheck check_story(const std::string& text);

}  // namespace attn
