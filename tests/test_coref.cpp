// The "it" corpus, its vocabulary, and the encoder that learns what "it" refers to.
#include "core/coref.h"

#include <catch2/catch.hpp>

#include <string>

namespace {

const attn::WordPieceTokenizer& bert_tokenizer() {
    static const attn::WordPieceTokenizer t(attn::Vocab::load_file(ATTN_VOCAB_PATH));
    return t;
}

constexpr int kAdjectives = 16;

}  // namespace

// =============================================================================================
// Corpus

TEST_CASE("coref corpus: the same seed gives the same sentences, another seed others") {
    const auto a = attn::generate_coref(attn::CorefSplit::train, 300, 42);
    const auto b = attn::generate_coref(attn::CorefSplit::train, 300, 42);
    const auto c = attn::generate_coref(attn::CorefSplit::train, 300, 43);
    REQUIRE(a.size() == 300);
    int differ = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].text == b[i].text);
        differ += a[i].text != c[i].text;
    }
    CHECK(differ > 250);
    // Golden first sentences: generation uses only mt19937's bits (fixed by the standard) and
    // our own integer mapping, so these are the same with every standard library and in
    // WebAssembly. A change here changes the shipped model's training data.
    CHECK(a[0].text == "The man did not walk across the hill that morning as it was too steep");
    CHECK(a[1].text == "The deer didn't walk across the field since it was really long");
    CHECK(a[2].text == "The deer didn't reach the track as it was very weak");
}

TEST_CASE("coref corpus: held-out triples never appear in training, and about 15% are held out") {
    int held = 0;
    for (int s = 0; s < 12; ++s)
        for (int p = 0; p < 10; ++p)
            for (int a = 0; a < kAdjectives; ++a) held += attn::coref_triple_held_out(s, p, a);
    CHECK(held > 1920 * 10 / 100);
    CHECK(held < 1920 * 20 / 100);
    for (const auto& ex : attn::generate_coref(attn::CorefSplit::train, 5000, 7))
        REQUIRE_FALSE(attn::coref_triple_held_out(ex.subject, ex.place, ex.adjective));
    for (const auto& ex : attn::generate_coref(attn::CorefSplit::held_out, 1000, 7))
        REQUIRE(attn::coref_triple_held_out(ex.subject, ex.place, ex.adjective));
}

TEST_CASE("coref corpus: every word of every list appears in training") {
    const auto train = attn::generate_coref(attn::CorefSplit::train, 5000, 3);
    std::string all;
    for (const auto& ex : train) all += " " + ex.text + " ";
    using L = attn::CorefLexicon;
    for (const auto* list : {&L::subjects(), &L::places(), &L::verbs(), &L::connectives(), &L::intensifiers(),
                             &L::subject_adjectives(), &L::place_adjectives(), &L::fillers()}) {
        for (const auto& w : *list) {
            INFO(w);
            CHECK(all.find(" " + w + " ") != std::string::npos);
        }
    }
    CHECK(all.find(" did not ") != std::string::npos);
    CHECK(all.find(" didn't ") != std::string::npos);
    int subject_referents = 0;
    for (const auto& ex : train) subject_referents += ex.referent == attn::Referent::subject;
    CHECK(subject_referents > 2000);
    CHECK(subject_referents < 3000);
}

TEST_CASE("coref corpus: the referent of hand-checked sentences") {
    // Words: The(0) animal(1) did(2) not(3) cross(4) the(5) street(6) because(7) it(8) was too tired.
    const auto tired = attn::make_coref_example(0, 0, 0, 0, false, 0, 0);
    CHECK(tired.text == "The animal did not cross the street because it was too tired");
    CHECK(tired.referent == attn::Referent::subject);
    CHECK(tired.referent_word == 1);
    CHECK(tired.it_word == 8);
    const auto wide = attn::make_coref_example(0, 0, 8, 0, false, 0, 0);
    CHECK(wide.text == "The animal did not cross the street because it was too wide");
    CHECK(wide.referent == attn::Referent::place);
    CHECK(wide.referent_word == 6);
    // The(0) dog(1) didn't(2) walk(3) across(4) the(5) park(6) that(7) morning(8) since(9) it(10) …
    const auto busy = attn::make_coref_example(1, 5, 9, 4, true, 1, 2, 0, -1);
    CHECK(busy.text == "The dog didn't walk across the park that morning since it was so busy");
    CHECK(busy.referent == attn::Referent::place);
    CHECK(busy.referent_word == 6);
    CHECK(busy.it_word == 10);
    // The(0) rabbit(1) did not leave the yard as(7) at(8) dusk(9) it(10) was really exhausted.
    const auto exhausted = attn::make_coref_example(11, 8, 7, 2, false, 2, 3, -1, 2);
    CHECK(exhausted.text == "The rabbit did not leave the yard as at dusk it was really exhausted");
    CHECK(exhausted.referent == attn::Referent::subject);
    CHECK(exhausted.referent_word == 1);
    CHECK(exhausted.it_word == 10);
    CHECK_THROWS_AS(attn::make_coref_example(12, 0, 0, 0, false, 0, 0), std::out_of_range);
}

// =============================================================================================
// Vocabulary

TEST_CASE("coref vocabulary: corpus pieces renumbered, unknown words [UNK], text round trip") {
    const auto& tok = bert_tokenizer();
    const auto v = attn::CorefVocab::from_corpus(tok);
    CHECK(v.piece(0) == "[PAD]");
    CHECK(v.piece(1) == "[UNK]");
    CHECK(v.piece(2) == "[CLS]");
    CHECK(v.piece(3) == "[SEP]");
    CHECK(v.size() < 100);
    // "didn't" is three BERT pieces: didn ' t.
    const auto e = attn::encode_coref("The cat didn't reach the zebra because it was purple", tok, v);
    REQUIRE(e.ids.size() == 14);
    CHECK(v.piece(e.ids[0]) == "[CLS]");
    CHECK(v.piece(e.ids[3]) == "didn");
    CHECK(e.ids[8] == attn::CorefVocab::unk);   // zebra: never in the corpus
    CHECK(e.ids[12] == attn::CorefVocab::unk);  // purple
    CHECK(v.piece(e.ids[13]) == "[SEP]");
    REQUIRE(e.word_token.size() == 10);
    CHECK(e.word_token[2] == 3);  // didn't → first piece "didn"
    CHECK(e.word_token[7] == 10);
    CHECK(v.piece(e.ids[10]) == "it");
    const auto back = attn::CorefVocab::from_text(v.to_text(), tok.vocab());
    REQUIRE(back.size() == v.size());
    for (int i = 0; i < v.size(); ++i) CHECK(back.bert_id(i) == v.bert_id(i));
    CHECK_THROWS_AS(attn::CorefVocab::from_text("[PAD]\n[UNK]\nnotapiecexyz\n", tok.vocab()), std::runtime_error);
}
