// lm.cpp — the decoder-only language model: forward, loss, sampling, training, files.
#include "core/lm.h"

#include "core/layers.h"
#include "core/serialize.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace attn {

// =============================================================================================
// [SECTION] Forward and backward

std::vector<int> next_token_targets(const std::vector<int>& ids) {
    std::vector<int> t(ids.size(), kIgnoreIndex);
    for (std::size_t i = 0; i + 1 < ids.size(); ++i) t[i] = ids[i + 1];
    return t;
}

void lm_forward(ModelOutput& out, const std::vector<int>& ids, const EncoderParams& params) {
    Mat y;
    encoder_forward(y, out.encoder, ids, params, /*causal=*/true);
    head_forward(out.logits, out.encoder.output, params);
    softmax_rows(out.probs, out.logits);
    out.loss = 0;
}

Scalar lm_loss_forward(ModelOutput& out, const std::vector<int>& ids, const EncoderParams& params) {
    Mat y;
    encoder_forward(y, out.encoder, ids, params, /*causal=*/true);
    head_forward(out.logits, out.encoder.output, params);
    out.loss = cross_entropy_forward(out.probs, out.logits, next_token_targets(ids));
    return out.loss;
}

void lm_loss_backward(EncoderParams& grads, const ModelOutput& out, const std::vector<int>& ids,
                      const EncoderParams& params) {
    Mat dlogits, dy;
    cross_entropy_backward(dlogits, out.probs, next_token_targets(ids));
    head_backward(dy, grads, dlogits, out.encoder.output, params);
    encoder_backward(grads, dy, out.encoder, params);
}

// =============================================================================================
// [SECTION] Sampling

std::vector<double> sampling_distribution(const Mat& logits, Eigen::Index row, const SamplingOptions& options) {
    if (row < 0 || row >= logits.rows()) throw std::out_of_range("sampling_distribution: no row " + std::to_string(row));
    if (!(options.temperature >= 0)) throw std::invalid_argument("temperature must be 0 or more");
    const int V = static_cast<int>(logits.cols());
    std::vector<double> p(static_cast<std::size_t>(V), 0.0);
    std::vector<int> order(static_cast<std::size_t>(V));
    std::iota(order.begin(), order.end(), 0);
    // Largest first; ties keep the lower id first, so greedy and top-k are well defined.
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return logits(row, a) > logits(row, b); });
    if (options.temperature == 0) {
        p[static_cast<std::size_t>(order[0])] = 1.0;
        return p;
    }
    const int k = options.top_k > 0 ? std::min(options.top_k, V) : V;
    const double top = static_cast<double>(logits(row, order[0]));
    double sum = 0;
    for (int i = 0; i < k; ++i) {
        const int j = order[static_cast<std::size_t>(i)];
        const double e = std::exp((static_cast<double>(logits(row, j)) - top) / options.temperature);
        p[static_cast<std::size_t>(j)] = e;
        sum += e;
    }
    for (double& x : p) x /= sum;
    return p;
}

int draw_token(const std::vector<double>& probs, Rng& rng) {
    if (probs.empty()) throw std::invalid_argument("draw_token: no probabilities");
    for (std::size_t i = 0; i < probs.size(); ++i)
        if (probs[i] == 1.0) return static_cast<int>(i);  // greedy: nothing to draw
    const double u = rng.uniform();
    double acc = 0;
    int last = 0;
    for (std::size_t i = 0; i < probs.size(); ++i) {
        if (probs[i] <= 0) continue;
        acc += probs[i];
        last = static_cast<int>(i);
        if (u < acc) return last;
    }
    return last;  // rounding left u just above the sum
}

// =============================================================================================
// [SECTION] Text

std::vector<int> encode_prompt(const std::string& text, const WordPieceTokenizer& tokenizer, const CorefVocab& vocab) {
    std::vector<int> ids = {vocab.model_id(tokenizer.cls_id())};
    for (int id : tokenizer.encode(text, false)) ids.push_back(vocab.model_id(id));
    return ids;
}

std::vector<int> encode_story(const std::string& text, const WordPieceTokenizer& tokenizer, const CorefVocab& vocab) {
    std::vector<int> ids = encode_prompt(text, tokenizer, vocab);
    ids.push_back(vocab.model_id(tokenizer.sep_id()));
    return ids;
}

std::string detokenize(const std::vector<int>& ids, const CorefVocab& vocab) {
    std::string s;
    bool capital = true;
    for (int id : ids) {
        const std::string& p = vocab.piece(id);
        if (p == "[CLS]" || p == "[SEP]" || p == "[PAD]") continue;
        if (p.size() > 2 && p[0] == '#' && p[1] == '#') {
            s += p.substr(2);
            continue;
        }
        if (!s.empty() && p != "." && p != ",") s += ' ';
        std::string w = p;
        if (capital && !w.empty() && w[0] >= 'a' && w[0] <= 'z') w[0] = static_cast<char>(w[0] - 'a' + 'A');
        capital = p == ".";
        s += w;
    }
    return s;
}

std::vector<GenerationStep> generate(const LanguageModel& model, std::vector<int>& ids, int max_tokens,
                                     const SamplingOptions& options, Rng& rng) {
    std::vector<GenerationStep> steps;
    const int sep = CorefVocab::unk + 2;  // [PAD] [UNK] [CLS] [SEP]
    const int max_len = model.params.config.max_len;
    ModelOutput out;
    for (int n = 0; n < max_tokens && static_cast<int>(ids.size()) < max_len; ++n) {
        if (!ids.empty() && ids.back() == sep && ids.size() > 1) break;
        lm_forward(out, ids, model.params);
        const Eigen::Index last = out.logits.rows() - 1;
        GenerationStep st;
        st.probs.assign(out.probs.row(last).data(), out.probs.row(last).data() + out.probs.cols());
        st.drawn_from = sampling_distribution(out.logits, last, options);
        st.id = draw_token(st.drawn_from, rng);
        const int L = model.params.config.n_layers, H = model.params.config.n_heads;
        st.attention = Mat::Zero(1, static_cast<Eigen::Index>(ids.size()));
        if (L > 0)
            for (int h = 0; h < H; ++h) st.attention += out.encoder.weights(L - 1, h).row(last) / static_cast<Scalar>(H);
        ids.push_back(st.id);
        steps.push_back(std::move(st));
        if (steps.back().id == sep) break;
    }
    return steps;
}

// =============================================================================================
// [SECTION] Training

EncoderConfig lm_encoder_config(const LmTrainConfig& config, int vocab) {
    EncoderConfig c;
    c.vocab = vocab;
    c.d_model = config.d_model;
    c.n_heads = config.n_heads;
    c.d_ff = config.d_ff;
    c.n_layers = config.n_layers;
    c.max_len = config.max_len;
    c.n_classes = vocab;  // the next piece
    c.positional = Positional::sinusoidal;
    c.norm = NormOrder::pre;  // GPT-2's order
    c.pad_id = -1;            // stories are run one at a time: no padding
    return c;
}

CorefVocab story_vocab(const WordPieceTokenizer& tokenizer) {
    return CorefVocab::from_phrases(tokenizer, StoryLexicon::phrases());
}

LmTrainer::LmTrainer(const LmTrainConfig& config, std::uint32_t seed, int steps, const WordPieceTokenizer& tokenizer)
    : config_(config), steps_(steps), tokenizer_(&tokenizer), data_(seed ^ 0x57041E5u) {
    model_.vocab = story_vocab(tokenizer);
    const EncoderConfig ec = lm_encoder_config(config, model_.vocab.size());
    model_.params = init_params(ec, seed);
    grads_ = zeros_like(ec);
    adam_.weight_decay = config.weight_decay;
}

LmProgress LmTrainer::step() {
    const int step = ++step_;
    const double peak = config_.lr;
    if (step <= config_.warmup) {
        adam_.lr = peak * step / config_.warmup;
    } else {
        const double t = static_cast<double>(step - config_.warmup) / std::max(1, steps_ - config_.warmup);
        adam_.lr = peak * (1.0 - 0.9 * std::min(1.0, t));
    }
    zero_grads(grads_);
    double loss = 0;
    const std::vector<Story> batch = generate_stories(StorySplit::train, config_.batch, data_.next_u32());
    for (const Story& s : batch) {
        const std::vector<int> ids = encode_story(s.text, *tokenizer_, model_.vocab);
        loss += lm_loss_forward(out_, ids, model_.params);
        lm_loss_backward(grads_, out_, ids, model_.params);
    }
    const Scalar inv = Scalar(1) / static_cast<Scalar>(config_.batch);
    for_each_parameter(grads_, grads_, [inv](const std::string&, Mat& g, Mat&) { g *= inv; });
    clip_grad_norm(grads_, config_.clip);
    adamw_step(model_.params, grads_, state_, adam_);
    LmProgress pr;
    pr.step = step;
    pr.loss = loss / config_.batch;
    return pr;
}

LanguageModel train_lm(const LmTrainConfig& config, std::uint32_t seed, int steps, const WordPieceTokenizer& tokenizer,
                       const std::function<bool(const LmProgress&)>& callback) {
    LmTrainer trainer(config, seed, steps, tokenizer);
    while (!trainer.done()) {
        const LmProgress p = trainer.step();
        if (callback && !callback(p)) break;
    }
    return trainer.model();
}

double lm_loss_on(const LanguageModel& model, const std::vector<Story>& stories, const WordPieceTokenizer& tokenizer) {
    ModelOutput out;
    double total = 0;
    long n = 0;
    for (const Story& s : stories) {
        const std::vector<int> ids = encode_story(s.text, tokenizer, model.vocab);
        const double l = lm_loss_forward(out, ids, model.params);
        total += l * static_cast<double>(ids.size() - 1);
        n += static_cast<long>(ids.size() - 1);
    }
    return n > 0 ? total / static_cast<double>(n) : 0.0;
}

LmEvaluation evaluate_lm(const LanguageModel& model, const std::vector<Story>& stories, const WordPieceTokenizer& tokenizer) {
    LmEvaluation ev;
    ev.n = static_cast<int>(stories.size());
    if (stories.empty()) return ev;
    ev.loss = lm_loss_on(model, stories, tokenizer);
    const SamplingOptions greedy{0.0, 0};
    Rng unused(0);
    int derivable = 0, prompts = 0, fits = 0;
    auto continue_story = [&](const std::string& prompt) {
        std::vector<int> ids = encode_prompt(prompt, tokenizer, model.vocab);
        generate(model, ids, model.params.config.max_len, greedy, unused);
        return detokenize(ids, model.vocab);
    };
    for (std::size_t i = 0; i < stories.size(); ++i) {
        const Story& s = stories[i];
        // 1. "…because it was too": the adjective must fit, and the story must end well.
        const std::string a = continue_story(s.prompt_to_adjective);
        const StoryCheck ca = check_story(a);
        ++prompts;
        derivable += ca.derivable;
        if (!ca.derivable && ev.failures.size() < 8) ev.failures.push_back(a + "  [" + ca.error + "]");
        // The adjective is the word after the prompt's.
        const std::vector<std::string> pw = story_words(s.prompt_to_adjective), aw = story_words(a);
        bool fit = false;
        if (aw.size() > pw.size()) {
            const std::string& adj = aw[pw.size()];
            for (const auto& x : StoryLexicon::subject_adjectives()) fit = fit || adj == x;
            for (int k : StoryLexicon::fitting(s.place)) fit = fit || adj == StoryLexicon::place_adjectives()[static_cast<std::size_t>(k)];
        }
        fits += fit;
        // 2. The story cut after a number of words that cycles through the first sentence.
        const std::vector<std::string> words = story_words(s.text);
        const std::size_t cut = 1 + i % 13;
        std::string prompt;
        for (std::size_t w = 0; w < cut && w < words.size(); ++w) prompt += (w ? " " : "") + words[w];
        const std::string b = continue_story(prompt);
        const StoryCheck cb = check_story(b);
        ++prompts;
        derivable += cb.derivable;
        if (!cb.derivable && ev.failures.size() < 8) ev.failures.push_back(b + "  [" + cb.error + "]");
    }
    ev.derivable = static_cast<double>(derivable) / prompts;
    ev.adjective_fits = static_cast<double>(fits) / ev.n;
    return ev;
}

// =============================================================================================
// [SECTION] Files

void save_lm(const LanguageModel& model, const std::string& params_path, const std::string& vocab_path) {
    save_params(params_path, model.params, Storage::float16);  // train_lm checks the continuations are unchanged
    std::ofstream f(vocab_path, std::ios::binary);
    f << model.vocab.to_text();
    if (!f) throw std::runtime_error("cannot write " + vocab_path);
}

LanguageModel load_lm(const std::string& params_path, const std::string& vocab_path, const Vocab& bert) {
    std::ifstream f(vocab_path, std::ios::binary);
    if (!f) throw std::runtime_error("cannot read " + vocab_path);
    std::ostringstream text;
    text << f.rdbuf();
    LanguageModel m;
    m.vocab = CorefVocab::from_text(text.str(), bert);
    m.params = load_params(params_path);
    check_lm(m.params, m.vocab, params_path);
    return m;
}

void check_lm(const EncoderParams& params, const CorefVocab& vocab, const std::string& what) {
    if (params.config.vocab != vocab.size() || params.config.n_classes != vocab.size()) {
        throw std::runtime_error(what + " is not a language model over the " + std::to_string(vocab.size()) +
                                 " pieces of its vocabulary");
    }
}

}  // namespace attn
