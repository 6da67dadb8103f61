// model.h — the tokenizer and encoder behind the lesson's pipeline, encoder and explorer.
#pragma once

#include "core/coref.h"
#include "core/encoder.h"
#include "core/tokenizer.h"

#include <memory>
#include <string>
#include <vector>

namespace app {

// A sentence run through tokenizer and encoder: what the sections draw.
struct SentenceRun {
    std::string text;
    std::vector<attn::Token> tokens;  // BERT WordPiece tokens with their spans in text
    std::vector<int> model_ids;       // the ids the model reads
    std::vector<bool> unknown;        // tokens the model's vocabulary lacks (read as [UNK])
    attn::EncoderCache cache;         // every intermediate of the forward pass
    std::vector<double> block_change; // per block: how far it moved the vectors (LayerCache::relative_change)
    bool truncated = false;           // more tokens than the model takes: only the first are run
    int dropped = 0;                  // how many tokens past the model's limit were cut off
    std::string error;                // why nothing could be run, for the learner
    bool ok() const { return error.empty() && !tokens.empty(); }
};

struct LessonModel {
    std::string label;                // shown beside every attention map: name (details)
    std::string name;                 // what it is: "encoder trained by scripts/train, seed 9"
    std::string details;              // describe_config(params)
    bool trained = false;
    attn::EncoderParams params;
    std::vector<int> bert_to_model;   // BERT id → model id; empty when the model reads BERT ids
    int unk_model_id = 100;
    bool special_tokens = false;      // the sentence is read as [CLS] … [SEP]
    bool names_referent = false;      // its output head names the word "it" stands for
    attn::CorefVocab coref_vocab;     // the compact vocabulary of a names_referent model
    int seed = -1;                    // the seed it was trained or drawn from, when known

    // Tokenizes and runs text; errors land in out.error, never thrown.
    void run(SentenceRun& out, const attn::WordPieceTokenizer* tokenizer, const std::string& text) const;
    int max_tokens() const { return params.config.max_len; }
};

// What the configuration says, read off the parameters: "2 layers, 4 heads, d_model 32,
// feed-forward 128 wide (GELU), 37,508 parameters".
std::string describe_config(const attn::EncoderParams& params);
const char* activation_name(attn::Activation a);

// A trained "what does it refer to" model, reading BERT pieces through its compact vocabulary.
// Its label: `what`, the seed, and describe_config in brackets.
LessonModel coref_lesson_model(const attn::CorefModel& model, const attn::WordPieceTokenizer& tokenizer,
                               const std::string& what, int seed);

// How a names_referent model does on held-out sentences (the split training never sees): how
// often it names the referent, and how often the last layer's mean attention from "it" gives
// the referent more weight than the other noun.
attn::CorefEvaluation evaluate_held_out(const LessonModel& model, const attn::WordPieceTokenizer& tokenizer, int n);

// What the model says "it" refers to: the token it names and the probability it gives it.
struct ReferentAnswer {
    int it = -1;        // token index of "it"
    int index = -1;     // token index of the word named
    double p = 0;
};
ReferentAnswer referent_of(const LessonModel& model, const SentenceRun& run);

// What a model's run gives without a vocabulary: no tokens, and the error that says why.
SentenceRun untokenized_run(const std::string& text);

// The seed of the lesson's untrained encoders (the explorer's "untrained" view, the text-to-vectors
// page's vectors, the untrained stacks of the encoder block).
constexpr std::uint32_t kUntrainedSeed = 20241128;

// The same architecture as the lesson's trained model (with n_layers blocks), weights drawn
// from a seed: what attention looks like before any learning.
LessonModel random_model(std::uint32_t seed, int n_layers = 2);
// Its shape alone (what random_model builds, without drawing a million weights).
attn::EncoderConfig random_config(int n_layers = 2);

// Index of the first token whose piece is `piece`, or -1.
int find_token(const SentenceRun& run, const std::string& piece);
// Row `row` of layer `layer`'s attention, averaged over its heads (T values summing to 1).
std::vector<double> mean_head_row(const attn::EncoderCache& cache, int layer, int row);

// Loads vocab.txt; nullptr with a message in error when it cannot.
std::unique_ptr<attn::WordPieceTokenizer> load_tokenizer(const std::string& path, std::string& error);

}  // namespace app
