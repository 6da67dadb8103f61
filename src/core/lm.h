// lm.h — a small decoder-only (GPT-style) language model: the encoder's blocks with a causal
// mask, a language-model head over a compact vocabulary, next-token cross-entropy at every
// position, and generation one token at a time (temperature, top-k, seeded sampling).
//
//   ids     [CLS] t1 t2 … tn [SEP]           [CLS] starts a story, [SEP] ends it
//   logits  (T, V) = head(blocks_causal(embed(ids) + positions))
//   loss    mean over positions t of −log softmax(logits_t)[ids_{t+1}]
//
// Row t of the logits reads only ids 0…t (the causal mask), so one forward pass trains every
// position at once, and the last row is the distribution of the next token.
#pragma once

#include "core/coref.h"
#include "core/encoder.h"
#include "core/optim.h"
#include "core/rng.h"
#include "core/stories.h"
#include "core/tokenizer.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace attn {

struct LanguageModel {
    CorefVocab vocab;     // [PAD] [UNK] [CLS] [SEP] and the WordPiece pieces the stories use
    EncoderParams params;  // n_classes = vocab: the head scores every piece
};

// ---------------------------------------------------------------------------------------------
// Forward and backward

// Logits (T, V) and their row softmax for every position, no loss.
void lm_forward(ModelOutput& out, const std::vector<int>& ids, const EncoderParams& params);
// The next-token loss: targets are ids shifted by one (the last position has none). Mean over
// the T − 1 predicted positions.
Scalar lm_loss_forward(ModelOutput& out, const std::vector<int>& ids, const EncoderParams& params);
void lm_loss_backward(EncoderParams& grads, const ModelOutput& out, const std::vector<int>& ids,
                      const EncoderParams& params);
// Targets of lm_loss_forward: ids[t + 1] at position t, kIgnoreIndex at the last.
std::vector<int> next_token_targets(const std::vector<int>& ids);

// ---------------------------------------------------------------------------------------------
// Picking the next token

struct SamplingOptions {
    double temperature = 1.0;  // 0: greedy (the most probable token, no randomness)
    int top_k = 0;             // keep the k most probable tokens only; 0: all
};

// softmax(logits / temperature) over the top_k largest logits (the rest 0), as doubles summing
// to 1. Temperature 0 gives all the mass to the largest logit (the first, on a tie).
std::vector<double> sampling_distribution(const Mat& logits, Eigen::Index row, const SamplingOptions& options);
// Draws an index from probabilities summing to 1 with one uniform() of rng; with temperature 0
// (a one-hot distribution) no draw is made.
int draw_token(const std::vector<double>& probs, Rng& rng);

// ---------------------------------------------------------------------------------------------
// Text in and out

// [CLS] and the compact-vocabulary ids of text's WordPiece pieces (unknown pieces → [UNK]).
std::vector<int> encode_prompt(const std::string& text, const WordPieceTokenizer& tokenizer, const CorefVocab& vocab);
// Readable text of model ids: pieces joined, "##" glued on, no space before ".", a capital at
// the start of each sentence; [CLS] and [SEP] left out.
std::string detokenize(const std::vector<int>& ids, const CorefVocab& vocab);

struct GenerationStep {
    int id = 0;                 // the token picked
    std::vector<double> probs;  // the model's distribution over the vocabulary (temperature 1)
    std::vector<double> drawn_from;  // the distribution it was drawn from (temperature, top-k)
    Mat attention;              // (1, T) the newest token's attention, last layer, mean of heads
};
// Up to max_tokens steps from the prompt's ids, stopping after [SEP] or at max_len.
std::vector<GenerationStep> generate(const LanguageModel& model, std::vector<int>& ids, int max_tokens,
                                     const SamplingOptions& options, Rng& rng);

// ---------------------------------------------------------------------------------------------
// Training

struct LmTrainConfig {
    int n_layers = 2;
    int d_model = 32;
    int n_heads = 4;
    int d_ff = 64;
    int batch = 16;
    double lr = 4e-3;   // peak; linear warm-up, then linear decay to lr/10
    int warmup = 60;
    double weight_decay = 0.01;
    double clip = 1.0;
    int max_len = 48;
};

constexpr std::uint32_t kLmSeed = 1;
constexpr int kLmSteps = 700;
constexpr std::uint32_t kLmEvalSeed = 4242;

EncoderConfig lm_encoder_config(const LmTrainConfig& config, int vocab);
// The compact vocabulary of the story grammar.
CorefVocab story_vocab(const WordPieceTokenizer& tokenizer);
// [CLS] story pieces [SEP].
std::vector<int> encode_story(const std::string& text, const WordPieceTokenizer& tokenizer, const CorefVocab& vocab);

struct LmProgress {
    int step = 0;
    double loss = 0;  // mean next-token loss over the step's stories (nats per token)
};

class LmTrainer {
public:
    LmTrainer(const LmTrainConfig& config, std::uint32_t seed, int steps, const WordPieceTokenizer& tokenizer);
    LmProgress step();
    bool done() const { return step_ >= steps_; }
    int steps() const { return steps_; }
    int steps_done() const { return step_; }
    const LanguageModel& model() const { return model_; }

private:
    LmTrainConfig config_;
    int steps_ = 0, step_ = 0;
    const WordPieceTokenizer* tokenizer_;
    Rng data_;
    LanguageModel model_;
    EncoderParams grads_;
    AdamConfig adam_;
    AdamState state_;
    ModelOutput out_;
};

LanguageModel train_lm(const LmTrainConfig& config, std::uint32_t seed, int steps, const WordPieceTokenizer& tokenizer,
                       const std::function<bool(const LmProgress&)>& callback = {});

// Mean next-token loss per predicted token over stories (nats).
double lm_loss_on(const LanguageModel& model, const std::vector<Story>& stories, const WordPieceTokenizer& tokenizer);

struct LmEvaluation {
    int n = 0;
    double loss = 0;            // per token on the stories
    double derivable = 0;       // share of greedy continuations (prompt: the story up to a cut) that check_story accepts
    double adjective_fits = 0;  // share of "…because it was too" prompts whose greedy adjective fits subject or place
    std::vector<std::string> failures;  // a few continuations that did not derive, for the report
};
// Greedy continuations, to the end of the story, of two prompts per held-out story: its first
// sentence up to the intensifier ("…because it was too"), and its first 1 to 13 words (cycling
// with the story's index).
LmEvaluation evaluate_lm(const LanguageModel& model, const std::vector<Story>& stories, const WordPieceTokenizer& tokenizer);

void save_lm(const LanguageModel& model, const std::string& params_path, const std::string& vocab_path);
// load_lm refuses a file that check_lm refuses.
LanguageModel load_lm(const std::string& params_path, const std::string& vocab_path, const Vocab& bert);
// Throws std::runtime_error unless the parameters make a language model over the vocabulary
// (one embedding and one output class per piece). `what` names the file in the message.
void check_lm(const EncoderParams& params, const CorefVocab& vocab, const std::string& what);

}  // namespace attn
