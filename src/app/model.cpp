#include "app/model.h"

#include "app/text.h"

#include <cstdio>
#include <exception>

namespace app {

SentenceRun untokenized_run(const std::string& text) {
    SentenceRun out;
    out.text = text;
    out.error = "The vocabulary did not load, so the sentence cannot be tokenized.";
    return out;
}

void LessonModel::run(SentenceRun& out, const attn::WordPieceTokenizer* tokenizer, const std::string& text) const {
    if (!tokenizer) {
        out = untokenized_run(text);
        return;
    }
    out = SentenceRun();
    out.text = text;
    try {
        out.tokens = tokenizer->tokenize(text, special_tokens);
        if (out.tokens.size() <= (special_tokens ? 2u : 0u)) {
            out.error = "There is nothing to tokenize: type a sentence with at least one word.";
            return;
        }
        if (static_cast<int>(out.tokens.size()) > max_tokens()) {
            out.dropped = static_cast<int>(out.tokens.size()) - max_tokens();
            out.tokens.resize(static_cast<size_t>(max_tokens()));
            out.truncated = true;
        }
        out.model_ids.reserve(out.tokens.size());
        for (const attn::Token& t : out.tokens) {
            int id = t.id;
            if (!bert_to_model.empty()) {
                id = t.id >= 0 && t.id < static_cast<int>(bert_to_model.size()) ? bert_to_model[static_cast<size_t>(t.id)] : -1;
            } else if (id >= params.config.vocab) {
                id = -1;
            }
            if (!bert_to_model.empty() && id == unk_model_id && t.id != tokenizer->unk_id()) id = -1;
            out.unknown.push_back(id < 0);
            out.model_ids.push_back(id < 0 ? unk_model_id : id);
        }
        attn::Mat y;
        attn::encoder_forward(y, out.cache, out.model_ids, params);
        for (const attn::LayerCache& layer : out.cache.layers) out.block_change.push_back(layer.relative_change());
    } catch (const std::exception& e) {
        out.error = std::string("The model could not run on this sentence: ") + e.what();
    }
}

const char* activation_name(attn::Activation a) { return a == attn::Activation::relu ? "ReLU" : "GELU"; }

std::string describe_config(const attn::EncoderParams& params) {
    const attn::EncoderConfig& c = params.config;
    // The parameter count with thousands separators, as the lesson's text writes numbers.
    const std::string count = Thousands(static_cast<long long>(attn::parameter_count(params)));
    char buf[200];
    std::snprintf(buf, sizeof buf, "%d layer%s, %d head%s, d_model %d, feed-forward %d wide (%s), %s parameters", c.n_layers,
                  c.n_layers == 1 ? "" : "s", c.n_heads, c.n_heads == 1 ? "" : "s", c.d_model, c.ff_width(),
                  activation_name(c.activation), count.c_str());
    return buf;
}

LessonModel coref_lesson_model(const attn::CorefModel& model, const attn::WordPieceTokenizer& tokenizer,
                               const std::string& what, int seed) {
    LessonModel m;
    m.name = what + ", seed " + std::to_string(seed);
    m.details = describe_config(model.params);
    m.label = m.name + " (" + m.details + ")";
    m.seed = seed;
    m.coref_vocab = model.vocab;
    m.trained = true;
    m.params = model.params;
    m.special_tokens = true;
    m.names_referent = true;
    m.unk_model_id = attn::CorefVocab::unk;
    m.bert_to_model.resize(tokenizer.vocab().size());
    for (size_t b = 0; b < m.bert_to_model.size(); ++b) m.bert_to_model[b] = model.vocab.model_id(static_cast<int>(b));
    return m;
}

ReferentAnswer referent_of(const LessonModel& model, const SentenceRun& run) {
    ReferentAnswer a;
    if (!run.ok() || !model.names_referent) return a;
    a.it = find_token(run, "it");
    if (a.it < 0) return a;
    attn::Mat logits, probs;
    const attn::Mat x = run.cache.output.row(a.it);
    attn::head_forward(logits, x, model.params);
    attn::softmax_rows(probs, logits);
    Eigen::Index best = 0;
    probs.row(0).maxCoeff(&best);
    for (size_t i = 0; i < run.model_ids.size(); ++i) {
        if (static_cast<int>(i) != a.it && run.model_ids[i] == static_cast<int>(best) && !run.unknown[i]) {
            a.index = static_cast<int>(i);
            a.p = static_cast<double>(probs(0, best));
            break;
        }
    }
    return a;
}

attn::CorefEvaluation evaluate_held_out(const LessonModel& model, const attn::WordPieceTokenizer& tokenizer, int n) {
    if (!model.names_referent) return {};
    const attn::CorefModel coref{model.coref_vocab, model.params};
    return attn::evaluate_coref(coref, attn::generate_coref(attn::CorefSplit::held_out, n, attn::kCorefEvalSeed), tokenizer);
}

attn::EncoderConfig random_config(int n_layers) {
    attn::EncoderConfig c;
    c.vocab = 30522;  // reads BERT ids directly
    c.d_model = 32;
    c.n_heads = 4;
    c.d_ff = 128;
    c.n_layers = n_layers;
    c.max_len = 64;
    c.positional = attn::Positional::sinusoidal;
    return c;
}

LessonModel random_model(std::uint32_t seed, int n_layers) {
    const attn::EncoderConfig c = random_config(n_layers);
    LessonModel m;
    m.trained = false;
    m.seed = static_cast<int>(seed);
    m.params = attn::init_params(c, seed);
    m.name = "randomly initialised encoder, not trained";
    m.details = describe_config(m.params);
    m.label = m.name + " (" + m.details + ")";
    return m;
}

int find_token(const SentenceRun& run, const std::string& piece) {
    for (size_t i = 0; i < run.tokens.size(); ++i)
        if (run.tokens[i].text == piece) return static_cast<int>(i);
    return -1;
}

std::vector<double> mean_head_row(const attn::EncoderCache& cache, int layer, int row) {
    std::vector<double> out;
    if (layer < 0 || layer >= static_cast<int>(cache.layers.size())) return out;
    const auto& heads = cache.layers[static_cast<size_t>(layer)].attn.heads;
    if (heads.empty() || row < 0 || row >= heads[0].weights.rows()) return out;
    out.assign(static_cast<size_t>(heads[0].weights.cols()), 0.0);
    for (const auto& h : heads)
        for (Eigen::Index j = 0; j < h.weights.cols(); ++j)
            out[static_cast<size_t>(j)] += static_cast<double>(h.weights(row, j)) / static_cast<double>(heads.size());
    return out;
}

std::unique_ptr<attn::WordPieceTokenizer> load_tokenizer(const std::string& path, std::string& error) {
    try {
        return std::make_unique<attn::WordPieceTokenizer>(attn::Vocab::load_file(path));
    } catch (const std::exception& e) {
        error = std::string("The BERT vocabulary could not be loaded (") + e.what() + ").";
        return nullptr;
    }
}

}  // namespace app
