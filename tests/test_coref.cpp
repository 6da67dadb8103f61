// The "it" corpus, its vocabulary, and the encoder that learns what "it" refers to.
#include "core/coref.h"

#include <catch2/catch.hpp>

#include <array>
#include <string>
#include <vector>

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

TEST_CASE("coref corpus: the held-out triples are those of the MurmurHash3 finaliser, worked independently") {
    // Computed with a separate Python version of the hash over all 12 × 10 × 16 triples: 293 are
    // held out, and these are the first eight in (subject, place, adjective) order. The browser
    // test of held-out sentences (web/tests/model.test.mjs) pins the same list.
    const int first[8][3] = {{0, 0, 10}, {0, 1, 12}, {0, 2, 0}, {0, 3, 3}, {0, 4, 0}, {0, 4, 2}, {0, 5, 11}, {0, 6, 0}};
    std::vector<std::array<int, 3>> got;
    for (int s = 0; s < 12; ++s)
        for (int p = 0; p < 10; ++p)
            for (int a = 0; a < kAdjectives; ++a)
                if (attn::coref_triple_held_out(s, p, a)) got.push_back({s, p, a});
    CHECK(got.size() == 293);
    REQUIRE(got.size() >= 8);
    for (int i = 0; i < 8; ++i) {
        INFO("held-out triple " << i);
        CHECK(got[static_cast<std::size_t>(i)] == std::array<int, 3>{first[i][0], first[i][1], first[i][2]});
    }
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

// =============================================================================================
// Training

namespace {

// The floors the issue sets for the lesson's model.
constexpr double kAccuracyFloor = 0.98;   // held-out sentences whose referent is named right
constexpr double kAttentionFloor = 0.95;  // "it" attends more to the referent than to the other noun

void check_floors(const attn::CorefEvaluation& ev, double accuracy_floor, double attention_floor) {
    const double last = ev.attention_layer.back();
    INFO("held-out accuracy " << ev.accuracy << ", last-layer attention to referent " << last << " over "
                              << ev.n << " sentences");
    CHECK(ev.accuracy >= accuracy_floor);
    CHECK(last >= attention_floor);
}

}  // namespace

TEST_CASE("coref: training from the seed learns the referent, and attention points at it") {
    attn::CorefTrainConfig config;
#ifdef NDEBUG
    // Optimised build: the shipped model's run, seed and steps (a few seconds).
    const int steps = attn::kCorefSteps;
    const double accuracy_floor = kAccuracyFloor, attention_floor = kAttentionFloor;
#else
    // Unoptimised (and sanitised) build: every step is tens of times slower, so fewer and
    // smaller steps, and floors for that shorter run, still far above chance (1/2 for the
    // attention comparison, 1/V for naming the word). This run reaches accuracy 1.00 and 0.91
    // for attention natively; 200 steps of 16 is where both have settled.
    config.batch = 16;
    const int steps = 200;
    const double accuracy_floor = 0.95, attention_floor = 0.85;
#endif
    int calls = 0;
    double last_loss = 0;
    const auto model = attn::train_coref(config, attn::kCorefSeed, steps, bert_tokenizer(),
                                         [&](const attn::CorefProgress& p) {
                                             ++calls;
                                             CHECK(p.step == calls);
                                             last_loss = p.loss;
                                             return true;
                                         });
    CHECK(calls == steps);
    CHECK(last_loss < 0.5);
    const auto held_out = attn::generate_coref(attn::CorefSplit::held_out, 500, attn::kCorefEvalSeed);
    check_floors(attn::evaluate_coref(model, held_out, bert_tokenizer()), accuracy_floor, attention_floor);
}

TEST_CASE("coref: the callback can stop training") {
    attn::CorefTrainConfig config;
    config.batch = 2;
    int calls = 0;
    attn::train_coref(config, 5, 100, bert_tokenizer(), [&](const attn::CorefProgress&) { return ++calls < 3; });
    CHECK(calls == 3);
}

TEST_CASE("coref: the shipped model loads and meets the floors on held-out sentences") {
    const std::string dir = std::string(ATTN_SOURCE_DIR) + "/lessons/models/";
    const auto model = attn::load_coref(dir + "coref.bin", dir + "coref-vocab.txt", bert_tokenizer().vocab());
    // 1000 sentences keep the sanitised build quick; scripts/train reports 2000.
    const auto held_out = attn::generate_coref(attn::CorefSplit::held_out, 1000, attn::kCorefEvalSeed);
    check_floors(attn::evaluate_coref(model, held_out, bert_tokenizer()), kAccuracyFloor, kAttentionFloor);
    // The explorer's pair: only the last word differs, and so does where "it" looks.
    const auto tired = attn::predict_coref(model, attn::make_coref_example(0, 0, 0, 0, false, 0, 0), bert_tokenizer());
    const auto wide = attn::predict_coref(model, attn::make_coref_example(0, 0, 8, 0, false, 0, 0), bert_tokenizer());
    CHECK(model.vocab.piece(tired.predicted) == "animal");
    CHECK(model.vocab.piece(wide.predicted) == "street");
    CHECK(tired.attention_subject > tired.attention_place);
    CHECK(wide.attention_place > wide.attention_subject);
}

// =============================================================================================
// Files (found by fuzz/fuzz_params.cpp: load_coref accepted a model without an output head, and
// the explorer then threw reading "it"'s referent off it)

TEST_CASE("coref files: a model whose head does not name a piece of the vocabulary is refused") {
    const std::string dir = std::string(ATTN_SOURCE_DIR) + "/lessons/models/";
    // The input the fuzzer found: the coref vocabulary's 73 pieces, n_classes 0.
    CHECK_THROWS_WITH(attn::load_coref(std::string(ATTN_SOURCE_DIR) + "/fuzz/regressions/params/coref-vocab-no-head.bin",
                                       dir + "coref-vocab.txt", bert_tokenizer().vocab()),
                      Catch::Contains("names one of 0 classes, not one of the 73 pieces"));
    // A head of the wrong width is refused too; the shipped model is accepted.
    const attn::CorefModel shipped = attn::load_coref(dir + "coref.bin", dir + "coref-vocab.txt", bert_tokenizer().vocab());
    attn::EncoderConfig c = shipped.params.config;
    c.n_classes = 2;
    CHECK_THROWS_WITH(attn::check_coref_model(attn::init_params(c, 1), shipped.vocab, "x.bin"),
                      "x.bin names one of 2 classes, not one of the 73 pieces of its vocabulary: it is not a model of what \"it\" refers to");
    CHECK_NOTHROW(attn::check_coref_model(shipped.params, shipped.vocab, "coref.bin"));
}
