// coref.h — what does "it" refer to? A synthetic corpus, a compact vocabulary and a small
// encoder trained to answer, for the lesson's explorer.
//
//   "The animal did not cross the street because it was too tired"  → it = animal (subject)
//   "The animal did not cross the street because it was too wide"    → it = street (place)
//
// Only the adjective decides. The model reads the encoder's output at "it" and names the word
// "it" stands for (a class per vocabulary entry, so the output at "it" must carry the referent
// noun's identity, and attention is the only way it can get there). Attention itself is never
// a target: whatever it shows was learned.
//
// Everything here is deterministic for a seed and identical natively and in WebAssembly: the
// only randomness is std::mt19937's bits through attn::Rng (no std:: distributions), and no
// threads or I/O happen inside.
#pragma once

#include "core/encoder.h"
#include "core/optim.h"
#include "core/rng.h"
#include "core/tokenizer.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace attn {

// ---------------------------------------------------------------------------------------------
// Corpus

enum class Referent : int { subject = 0, place = 1 };

// The word lists. Adjectives of the subject make "it" the subject; those of the place, the place.
struct CorefLexicon {
    static const std::vector<std::string>& subjects();       // animal, dog, cat, …
    static const std::vector<std::string>& places();         // street, road, river, …
    static const std::vector<std::string>& verbs();          // cross, enter, leave, reach, walk across
    static const std::vector<std::string>& connectives();    // because, since, as
    static const std::vector<std::string>& intensifiers();   // too, very, so, really
    static const std::vector<std::string>& subject_adjectives();  // tired, sleepy, …
    static const std::vector<std::string>& place_adjectives();    // wide, busy, …
    // Adjectives in one list: subject adjectives first, then place adjectives.
    static std::vector<std::string> adjectives();
    static const std::vector<std::string>& fillers();        // "that morning", "after the storm", …
    // Many more phrases, of 1 to 6 words, to stretch the distance between a noun and "it" (the
    // RNN / transformer race). Separate from fillers(): the shipped model's corpus stays as it is.
    static const std::vector<std::string>& long_fillers();
};

struct CorefExample {
    std::string text;     // "The dog didn't enter the park that morning since it was so busy"
    int subject = 0;      // index into CorefLexicon::subjects()
    int place = 0;        // index into CorefLexicon::places()
    int adjective = 0;    // index into CorefLexicon::adjectives()
    Referent referent = Referent::subject;
    // Word indices (words split on spaces, "didn't" one word): the subject noun, the place noun,
    // "it", and the referent noun (= subject_word or place_word).
    int subject_word = 0, place_word = 0, it_word = 0, referent_word = 0;
};

// Whether the (subject, place, adjective) triple is held out of training: a fixed ~15% of the
// 12 × 10 × 16 triples, chosen by a hash of the indices (no randomness involved).
bool coref_triple_held_out(int subject, int place, int adjective);

enum class CorefSplit { train, held_out };

// n examples of the split, from seed. Each draws subject, place, adjective (redrawing until
// the triple is in the split), verb, "did not" or "didn't", connective, intensifier, and with
// some probability a filler after the place or after the connective.
std::vector<CorefExample> generate_coref(CorefSplit split, int n, std::uint32_t seed);

// One example with every choice given (for tests and the lesson's fixed sentences).
// filler_after_place / filler_after_connective: index into fillers() or −1 for none.
CorefExample make_coref_example(int subject, int place, int adjective, int verb, bool contracted,
                                int connective, int intensifier, int filler_after_place = -1,
                                int filler_after_connective = -1);

// A sentence whose referent noun is exactly `distance` words before "it" (words split on spaces,
// "didn't" one word), for the race of recurrent networks against a transformer:
//   "The dog did not cross the street [phrases] because [phrases] it was too tired"
// The triple is drawn in the split as generate_coref does (held-out triples stay held out); the
// gap is filled with long_fillers() phrases, split at random between the two places. The nearest
// a subject can be is 6 words before "it" ("dog didn't cross the street because it"), a place 2
// ("street because it"): for shorter distances only place referents are drawn. distance ≥ 2.
CorefExample make_coref_at_distance(Rng& rng, CorefSplit split, int distance);
constexpr int kCorefMinDistance = 2;
constexpr int kCorefMinSubjectDistance = 6;

// ---------------------------------------------------------------------------------------------
// Compact vocabulary: the few BERT WordPiece pieces the corpus uses, renumbered.

class CorefVocab {
public:
    static constexpr int pad = 0, unk = 1;  // model ids; [CLS] = 2, [SEP] = 3, then the corpus

    // Every piece that tokenizing any corpus word gives, in a fixed order.
    static CorefVocab from_corpus(const WordPieceTokenizer& tokenizer);
    // [PAD] [UNK] [CLS] [SEP], then every piece of the phrases, in order of first appearance:
    // the compact vocabulary of any small corpus (the stories of the generation section use it).
    static CorefVocab from_phrases(const WordPieceTokenizer& tokenizer, const std::vector<std::string>& phrases);
    // From the saved file: one BERT piece per line, in model-id order.
    static CorefVocab from_text(std::string_view text, const Vocab& bert);
    std::string to_text() const;

    int size() const { return static_cast<int>(bert_ids_.size()); }
    // Model id of a BERT id; [UNK] for a piece the corpus never uses.
    int model_id(int bert_id) const;
    int bert_id(int model_id) const { return bert_ids_.at(static_cast<std::size_t>(model_id)); }
    const std::string& piece(int model_id) const { return pieces_.at(static_cast<std::size_t>(model_id)); }

private:
    std::vector<int> bert_ids_;         // by model id
    std::vector<std::string> pieces_;   // by model id
    std::vector<int> model_of_bert_;    // by BERT id, −1 → unk
};

// A sentence as model input: [CLS] pieces [SEP], and where each word's first piece landed.
struct CorefEncoded {
    std::vector<int> ids;            // model ids, T
    std::vector<Token> tokens;       // the BERT tokens (with [CLS], [SEP]) for display
    std::vector<int> word_token;     // per space-separated word: position of its first token
};
CorefEncoded encode_coref(const std::string& text, const WordPieceTokenizer& tokenizer,
                          const CorefVocab& vocab);

// ---------------------------------------------------------------------------------------------
// Model and training

struct CorefModel {
    CorefVocab vocab;
    EncoderParams params;
};

struct CorefTrainConfig {
    int n_layers = 2;
    int d_model = 32;
    int n_heads = 4;
    int d_ff = 128;
    int batch = 32;
    double lr = 3e-3;          // peak; linear warm-up over warmup steps, then linear decay to lr/10
    int warmup = 100;
    double weight_decay = 0.01;
    double clip = 1.0;
    int max_len = 32;
};

// The seed and number of steps of the shipped model, and the seed of the held-out sentences
// it is measured on.
constexpr std::uint32_t kCorefSeed = 9;
constexpr int kCorefSteps = 600;
constexpr std::uint32_t kCorefEvalSeed = 777;

// The encoder configuration train_coref uses for a vocabulary of `vocab` pieces.
EncoderConfig coref_encoder_config(const CorefTrainConfig& config, int vocab);

struct CorefProgress {
    int step = 0;          // 1-based
    double loss = 0;       // mean over the step's batch
    double accuracy = 0;   // share of the step's batch answered right (before the update)
};

// Training one mini-batch at a time, so that a caller (the browser's frame loop) can spread it
// over frames. train_coref below is this, run to the end.
class CorefTrainer {
public:
    CorefTrainer(const CorefTrainConfig& config, std::uint32_t seed, int steps, const WordPieceTokenizer& tokenizer);
    CorefProgress step();  // one mini-batch; call while !done()
    bool done() const { return step_ >= steps_; }
    int steps() const { return steps_; }
    const CorefModel& model() const { return model_; }

private:
    CorefTrainConfig config_;
    int steps_ = 0, step_ = 0;
    const WordPieceTokenizer* tokenizer_;
    Rng data_;
    CorefModel model_;
    EncoderParams grads_;
    AdamConfig adam_;
    AdamState state_;
    ModelOutput out_;
};

// Trains from seed for `steps` mini-batches of training-split sentences. The callback (may be
// empty) is called after every step; returning false stops training early.
CorefModel train_coref(const CorefTrainConfig& config, std::uint32_t seed, int steps,
                       const WordPieceTokenizer& tokenizer,
                       const std::function<bool(const CorefProgress&)>& callback = {});

// What the model says about one sentence.
struct CorefPrediction {
    CorefEncoded encoded;
    ModelOutput output;     // caches of every layer and head
    int it_position = 0;    // token position of "it"
    int predicted = 0;      // model id of the word the model thinks "it" is
    // Attention of "it" to the subject noun and to the place noun: mean over the heads of
    // `layer` (the last layer unless told otherwise).
    double attention_subject = 0, attention_place = 0;
};
CorefPrediction predict_coref(const CorefModel& model, const CorefExample& example,
                              const WordPieceTokenizer& tokenizer, int layer = -1);

struct CorefEvaluation {
    int n = 0;
    double accuracy = 0;   // referent named right
    // Per layer: share of sentences where the mean over heads of "it"'s attention gives the
    // referent more weight than the other noun; per layer and head the same for each head.
    std::vector<double> attention_layer;
    std::vector<std::vector<double>> attention_head;
};
CorefEvaluation evaluate_coref(const CorefModel& model, const std::vector<CorefExample>& examples,
                               const WordPieceTokenizer& tokenizer);

// The model file holds the parameters (serialize.h) in float16; the vocabulary goes in a text
// file beside it. scripts/train checks that the rounding changes none of the model's answers.
void save_coref(const CorefModel& model, const std::string& params_path, const std::string& vocab_path);
// load_coref refuses a file that check_coref_model refuses.
CorefModel load_coref(const std::string& params_path, const std::string& vocab_path, const Vocab& bert);
// Throws std::runtime_error saying what is wrong unless the parameters make a "what does it
// refer to" model over the vocabulary: one embedding per piece, and an output head that names
// a piece (n_classes = vocabulary size). `what` names the file in the message.
void check_coref_model(const EncoderParams& params, const CorefVocab& vocab, const std::string& what);

}  // namespace attn
