// coref.cpp — the "it" corpus, its compact vocabulary, and training the encoder on it.
#include "core/coref.h"

#include "core/rng.h"
#include "core/serialize.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace attn {

// =============================================================================================
// [SECTION] Word lists

const std::vector<std::string>& CorefLexicon::subjects() {
    static const std::vector<std::string> v = {"animal", "dog",   "cat", "horse", "cow",  "child",
                                               "man",    "woman", "bird", "fox",  "deer", "rabbit"};
    return v;
}
const std::vector<std::string>& CorefLexicon::places() {
    static const std::vector<std::string> v = {"street", "road", "river", "bridge", "field",
                                               "park",   "lake", "hill",  "yard",   "track"};
    return v;
}
const std::vector<std::string>& CorefLexicon::verbs() {
    static const std::vector<std::string> v = {"cross", "enter", "leave", "reach", "walk across"};
    return v;
}
const std::vector<std::string>& CorefLexicon::connectives() {
    static const std::vector<std::string> v = {"because", "since", "as"};
    return v;
}
const std::vector<std::string>& CorefLexicon::intensifiers() {
    static const std::vector<std::string> v = {"too", "very", "so", "really"};
    return v;
}
const std::vector<std::string>& CorefLexicon::subject_adjectives() {
    static const std::vector<std::string> v = {"tired", "sleepy", "scared", "hungry",
                                               "weak",  "lazy",   "afraid", "exhausted"};
    return v;
}
const std::vector<std::string>& CorefLexicon::place_adjectives() {
    static const std::vector<std::string> v = {"wide", "busy", "long",    "crowded",
                                               "steep", "icy", "flooded", "muddy"};
    return v;
}
std::vector<std::string> CorefLexicon::adjectives() {
    std::vector<std::string> all = subject_adjectives();
    all.insert(all.end(), place_adjectives().begin(), place_adjectives().end());
    return all;
}
const std::vector<std::string>& CorefLexicon::fillers() {
    static const std::vector<std::string> v = {"that morning", "after the storm", "at dusk",
                                               "last night", "in the rain"};
    return v;
}

const std::vector<std::string>& CorefLexicon::long_fillers() {
    // No noun of subjects() or places() and no "it", so the referent and "it" are where the
    // sentence says they are.
    static const std::vector<std::string> v = {
        "again", "today", "then", "still", "once", "yesterday", "finally", "slowly", "suddenly", "later",
        "that morning", "at dusk", "last night", "in winter", "after lunch", "at noon", "that day",
        "once more", "after the storm", "in the rain", "before the sunrise", "on that day",
        "late that evening", "during the long holidays", "on the way home", "in the early morning",
        "for the third time", "after a long day", "under a grey sky", "with the wind blowing",
        "when the bells began ringing", "while the farmers were watching", "just as the sun rose",
        "even after the long winter", "as the rain kept falling", "long after the others had gone",
        "while the old farmer slept nearby", "just before the market opened again",
        "on a cold and windy afternoon", "in spite of the warm weather", "with snow on the ground",
        "although the gate was open", "as the children watched from afar", "at the end of the summer"};
    return v;
}

// =============================================================================================
// [SECTION] Corpus

namespace {

int count(const std::vector<std::string>& v) { return static_cast<int>(v.size()); }

int pick(Rng& rng, int n) { return static_cast<int>(rng.below(static_cast<std::uint32_t>(n))); }

int count_int(const std::vector<int>& v) { return static_cast<int>(v.size()); }

std::vector<std::string> split_words(const std::string& s) {
    std::vector<std::string> words;
    std::istringstream in(s);
    for (std::string w; in >> w;) words.push_back(w);
    return words;
}

}  // namespace

bool coref_triple_held_out(int subject, int place, int adjective) {
    // A fixed integer hash (the finaliser of MurmurHash3) of the three indices, so the split
    // needs no generator and is the same everywhere.
    std::uint32_t h = static_cast<std::uint32_t>(subject) * 0x9E3779B1u ^
                      static_cast<std::uint32_t>(place + 101) * 0x85EBCA77u ^
                      static_cast<std::uint32_t>(adjective + 1009) * 0xC2B2AE3Du;
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h % 100u < 15u;
}

CorefExample make_coref_example(int subject, int place, int adjective, int verb, bool contracted,
                                int connective, int intensifier, int filler_after_place,
                                int filler_after_connective) {
    const auto& L = CorefLexicon::fillers();
    const std::vector<std::string> adjectives = CorefLexicon::adjectives();
    if (subject < 0 || subject >= count(CorefLexicon::subjects()) || place < 0 ||
        place >= count(CorefLexicon::places()) || adjective < 0 || adjective >= count(adjectives) ||
        verb < 0 || verb >= count(CorefLexicon::verbs()) || connective < 0 ||
        connective >= count(CorefLexicon::connectives()) || intensifier < 0 ||
        intensifier >= count(CorefLexicon::intensifiers()) || filler_after_place >= count(L) ||
        filler_after_connective >= count(L)) {
        throw std::out_of_range("make_coref_example: an index is outside its word list");
    }
    CorefExample ex;
    ex.subject = subject;
    ex.place = place;
    ex.adjective = adjective;
    ex.referent = adjective < count(CorefLexicon::subject_adjectives()) ? Referent::subject
                                                                        : Referent::place;
    std::vector<std::string> words;
    auto add = [&words](const std::string& phrase) {
        for (auto& w : split_words(phrase)) words.push_back(w);
    };
    add("The");
    ex.subject_word = static_cast<int>(words.size());
    add(CorefLexicon::subjects()[static_cast<std::size_t>(subject)]);
    add(contracted ? "didn't" : "did not");
    add(CorefLexicon::verbs()[static_cast<std::size_t>(verb)]);
    add("the");
    ex.place_word = static_cast<int>(words.size());
    add(CorefLexicon::places()[static_cast<std::size_t>(place)]);
    if (filler_after_place >= 0) add(L[static_cast<std::size_t>(filler_after_place)]);
    add(CorefLexicon::connectives()[static_cast<std::size_t>(connective)]);
    if (filler_after_connective >= 0) add(L[static_cast<std::size_t>(filler_after_connective)]);
    ex.it_word = static_cast<int>(words.size());
    add("it was");
    add(CorefLexicon::intensifiers()[static_cast<std::size_t>(intensifier)]);
    add(adjectives[static_cast<std::size_t>(adjective)]);
    ex.referent_word = ex.referent == Referent::subject ? ex.subject_word : ex.place_word;
    for (std::size_t i = 0; i < words.size(); ++i) ex.text += (i ? " " : "") + words[i];
    return ex;
}

namespace {

CorefExample draw_example(Rng& rng, CorefSplit split) {
    const int n_adj = count(CorefLexicon::subject_adjectives()) + count(CorefLexicon::place_adjectives());
    const bool want_held_out = split == CorefSplit::held_out;
    int s, p, a;
    do {
        s = pick(rng, count(CorefLexicon::subjects()));
        p = pick(rng, count(CorefLexicon::places()));
        a = pick(rng, n_adj);
    } while (coref_triple_held_out(s, p, a) != want_held_out);
    const int verb = pick(rng, count(CorefLexicon::verbs()));
    const bool contracted = pick(rng, 2) == 1;
    const int conn = pick(rng, count(CorefLexicon::connectives()));
    const int inten = pick(rng, count(CorefLexicon::intensifiers()));
    const int n_fill = count(CorefLexicon::fillers());
    // A filler in a quarter of the sentences at each spot, so most sentences are plain.
    const int fill_place = pick(rng, 4) == 0 ? pick(rng, n_fill) : -1;
    const int fill_conn = pick(rng, 4) == 0 ? pick(rng, n_fill) : -1;
    return make_coref_example(s, p, a, verb, contracted, conn, inten, fill_place, fill_conn);
}

}  // namespace

CorefExample make_coref_at_distance(Rng& rng, CorefSplit split, int distance) {
    if (distance < kCorefMinDistance) {
        throw std::out_of_range("make_coref_at_distance: the referent is at least " +
                                std::to_string(kCorefMinDistance) + " words before \"it\", not " +
                                std::to_string(distance));
    }
    const int n_subj_adj = count(CorefLexicon::subject_adjectives());
    const int n_adj = n_subj_adj + count(CorefLexicon::place_adjectives());
    const bool want_held_out = split == CorefSplit::held_out;
    int s, p, a;
    do {
        s = pick(rng, count(CorefLexicon::subjects()));
        p = pick(rng, count(CorefLexicon::places()));
        a = pick(rng, n_adj);
    } while (coref_triple_held_out(s, p, a) != want_held_out ||
             (distance < kCorefMinSubjectDistance && a < n_subj_adj));
    int verb = pick(rng, count(CorefLexicon::verbs()));
    bool contracted = pick(rng, 2) == 1;
    const int conn = pick(rng, count(CorefLexicon::connectives()));
    const int inten = pick(rng, count(CorefLexicon::intensifiers()));
    // Words from the referent to "it" without phrases: place … "because it" is 2; subject …
    // "did not" (2) or "didn't" (1), the verb (1 or 2 words), then "the", place, connective, "it" (4).
    const auto verb_words = [](int v) { return static_cast<int>(split_words(CorefLexicon::verbs()[static_cast<std::size_t>(v)]).size()); };
    const bool subject = a < n_subj_adj;
    auto base = [&] { return subject ? (contracted ? 1 : 2) + verb_words(verb) + 4 : 2; };
    if (base() > distance) contracted = true;
    if (base() > distance) verb = 0;  // "cross", one word
    int gap = distance - base();
    // The gap's words, split at random between "after the place" and "after the connective".
    const int first = pick(rng, gap + 1);
    std::string slot[2];
    int quota[2] = {first, gap - first};
    const auto& phrases = CorefLexicon::long_fillers();
    static const std::vector<int> phrase_words = [&phrases] {
        std::vector<int> n;
        for (const auto& ph : phrases) n.push_back(static_cast<int>(split_words(ph).size()));
        return n;
    }();
    std::vector<int> fit;
    for (int k = 0; k < 2; ++k) {
        while (quota[k] > 0) {
            fit.clear();  // phrases no longer than what is left (one-word phrases always fit)
            for (int i = 0; i < count(phrases); ++i)
                if (phrase_words[static_cast<std::size_t>(i)] <= quota[k]) fit.push_back(i);
            const int chosen = fit[static_cast<std::size_t>(pick(rng, count_int(fit)))];
            slot[k] += (slot[k].empty() ? "" : " ") + phrases[static_cast<std::size_t>(chosen)];
            quota[k] -= phrase_words[static_cast<std::size_t>(chosen)];
        }
    }
    CorefExample ex = make_coref_example(s, p, a, verb, contracted, conn, inten);
    if (slot[0].empty() && slot[1].empty()) return ex;
    // Rebuild the text with the phrases in place, and move the word indices after them.
    std::vector<std::string> words = split_words(ex.text);
    const int n0 = static_cast<int>(split_words(slot[0]).size()), n1 = static_cast<int>(split_words(slot[1]).size());
    std::vector<std::string> out(words.begin(), words.begin() + ex.place_word + 1);
    for (auto& w : split_words(slot[0])) out.push_back(w);
    out.push_back(words[static_cast<std::size_t>(ex.place_word + 1)]);  // the connective (one word)
    for (auto& w : split_words(slot[1])) out.push_back(w);
    out.insert(out.end(), words.begin() + ex.it_word, words.end());
    ex.it_word += n0 + n1;
    ex.referent_word = ex.referent == Referent::subject ? ex.subject_word : ex.place_word;
    ex.text.clear();
    for (std::size_t i = 0; i < out.size(); ++i) ex.text += (i ? " " : "") + out[i];
    return ex;
}

std::vector<CorefExample> generate_coref(CorefSplit split, int n, std::uint32_t seed) {
    Rng rng(seed);
    std::vector<CorefExample> out;
    out.reserve(static_cast<std::size_t>(n > 0 ? n : 0));
    for (int i = 0; i < n; ++i) out.push_back(draw_example(rng, split));
    return out;
}

// =============================================================================================
// [SECTION] Compact vocabulary

CorefVocab CorefVocab::from_corpus(const WordPieceTokenizer& tokenizer) {
    std::vector<std::string> phrases = {"The the did not didn't it was"};
    for (const auto* list : {&CorefLexicon::subjects(), &CorefLexicon::places(), &CorefLexicon::verbs(),
                             &CorefLexicon::connectives(), &CorefLexicon::intensifiers(),
                             &CorefLexicon::subject_adjectives(), &CorefLexicon::place_adjectives(),
                             &CorefLexicon::fillers()}) {
        phrases.insert(phrases.end(), list->begin(), list->end());
    }
    return from_phrases(tokenizer, phrases);
}

CorefVocab CorefVocab::from_phrases(const WordPieceTokenizer& tokenizer, const std::vector<std::string>& phrases) {
    const Vocab& bert = tokenizer.vocab();
    CorefVocab v;
    v.model_of_bert_.assign(bert.size(), -1);
    auto add_id = [&](int bert_id) {
        if (v.model_of_bert_[static_cast<std::size_t>(bert_id)] >= 0) return;
        v.model_of_bert_[static_cast<std::size_t>(bert_id)] = v.size();
        v.bert_ids_.push_back(bert_id);
        v.pieces_.push_back(bert.piece(bert_id));
    };
    for (const char* special : {"[PAD]", "[UNK]", "[CLS]", "[SEP]"}) {
        const int id = bert.id(special);
        if (id < 0) throw std::runtime_error(std::string("the vocabulary lacks ") + special);
        add_id(id);
    }
    for (const auto& phrase : phrases) {
        for (int id : tokenizer.encode(phrase, false)) add_id(id);
    }
    return v;
}

CorefVocab CorefVocab::from_text(std::string_view text, const Vocab& bert) {
    CorefVocab v;
    v.model_of_bert_.assign(bert.size(), -1);
    std::size_t line_no = 0;
    while (!text.empty()) {
        ++line_no;
        const std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const int id = bert.id(line);
        if (id < 0) {
            throw std::runtime_error("coref vocabulary line " + std::to_string(line_no) + ": \"" +
                                     std::string(line) + "\" is not a BERT piece");
        }
        if (v.model_of_bert_[static_cast<std::size_t>(id)] >= 0) {
            throw std::runtime_error("coref vocabulary line " + std::to_string(line_no) + ": \"" +
                                     std::string(line) + "\" listed twice");
        }
        v.model_of_bert_[static_cast<std::size_t>(id)] = v.size();
        v.bert_ids_.push_back(id);
        v.pieces_.emplace_back(line);
    }
    if (v.size() < 4 || v.pieces_[pad] != "[PAD]" || v.pieces_[unk] != "[UNK]") {
        throw std::runtime_error("coref vocabulary must start with [PAD], [UNK], [CLS], [SEP]");
    }
    return v;
}

std::string CorefVocab::to_text() const {
    std::string s;
    for (const auto& p : pieces_) s += p + "\n";
    return s;
}

int CorefVocab::model_id(int bert_id) const {
    if (bert_id < 0 || bert_id >= static_cast<int>(model_of_bert_.size())) return unk;
    const int m = model_of_bert_[static_cast<std::size_t>(bert_id)];
    return m >= 0 ? m : unk;
}

CorefEncoded encode_coref(const std::string& text, const WordPieceTokenizer& tokenizer,
                          const CorefVocab& vocab) {
    CorefEncoded e;
    e.tokens = tokenizer.tokenize(text, true);
    for (const auto& t : e.tokens) e.ids.push_back(vocab.model_id(t.id));
    // Byte offset where each space-separated word starts, then the first token starting there.
    std::size_t pos = 0, next_token = 1;  // token 0 is [CLS]
    while (pos < text.size()) {
        while (pos < text.size() && text[pos] == ' ') ++pos;
        if (pos >= text.size()) break;
        while (next_token + 1 < e.tokens.size() && e.tokens[next_token].start < pos) ++next_token;
        e.word_token.push_back(static_cast<int>(next_token));
        while (pos < text.size() && text[pos] != ' ') ++pos;
    }
    return e;
}

// =============================================================================================
// [SECTION] Training

EncoderConfig coref_encoder_config(const CorefTrainConfig& config, int vocab) {
    EncoderConfig c;
    c.vocab = vocab;
    c.d_model = config.d_model;
    c.n_heads = config.n_heads;
    c.d_ff = config.d_ff;
    c.n_layers = config.n_layers;
    c.max_len = config.max_len;
    c.n_classes = vocab;  // "it" names a word of the vocabulary
    c.positional = Positional::sinusoidal;
    c.norm = NormOrder::post;
    c.pad_id = CorefVocab::pad;
    return c;
}

namespace {

struct Prepared {
    std::vector<int> ids;
    int it_position = 0;
    int target = 0;  // model id of the referent noun's first piece
    int subject_position = 0, place_position = 0;
};

Prepared prepare(const CorefExample& ex, const WordPieceTokenizer& tokenizer, const CorefVocab& vocab,
                 CorefEncoded* keep = nullptr) {
    CorefEncoded e = encode_coref(ex.text, tokenizer, vocab);
    Prepared p;
    p.it_position = e.word_token.at(static_cast<std::size_t>(ex.it_word));
    p.subject_position = e.word_token.at(static_cast<std::size_t>(ex.subject_word));
    p.place_position = e.word_token.at(static_cast<std::size_t>(ex.place_word));
    p.target = e.ids.at(static_cast<std::size_t>(ex.referent == Referent::subject ? p.subject_position
                                                                                  : p.place_position));
    p.ids = e.ids;
    if (keep) *keep = std::move(e);
    return p;
}

}  // namespace

CorefTrainer::CorefTrainer(const CorefTrainConfig& config, std::uint32_t seed, int steps,
                           const WordPieceTokenizer& tokenizer)
    : config_(config), steps_(steps), tokenizer_(&tokenizer), data_(seed ^ 0x5EEDC0DEu) {  // sentences: own stream
    model_.vocab = CorefVocab::from_corpus(tokenizer);
    const EncoderConfig ec = coref_encoder_config(config, model_.vocab.size());
    model_.params = init_params(ec, seed);
    grads_ = zeros_like(ec);
    adam_.weight_decay = config.weight_decay;
}

CorefProgress CorefTrainer::step() {
    const int step = ++step_;
    // Linear warm-up, then linear decay to a tenth of the peak (no cos: the same on every libm).
    const double peak = config_.lr;
    if (step <= config_.warmup) {
        adam_.lr = peak * step / config_.warmup;
    } else {
        const double t = static_cast<double>(step - config_.warmup) / std::max(1, steps_ - config_.warmup);
        adam_.lr = peak * (1.0 - 0.9 * t);
    }
    zero_grads(grads_);
    double loss = 0;
    int right = 0;
    for (int b = 0; b < config_.batch; ++b) {
        const Prepared p = prepare(draw_example(data_, CorefSplit::train), *tokenizer_, model_.vocab);
        loss += classify_at_forward(out_, p.ids, p.it_position, p.target, model_.params);
        if (argmax_rows(out_.logits)[0] == p.target) ++right;
        classify_at_backward(grads_, out_, p.it_position, p.target, model_.params);
    }
    const Scalar inv = Scalar(1) / static_cast<Scalar>(config_.batch);
    for_each_parameter(grads_, grads_, [inv](const std::string&, Mat& g, Mat&) { g *= inv; });
    clip_grad_norm(grads_, config_.clip);
    adamw_step(model_.params, grads_, state_, adam_);
    CorefProgress pr;
    pr.step = step;
    pr.loss = loss / config_.batch;
    pr.accuracy = static_cast<double>(right) / config_.batch;
    return pr;
}

CorefModel train_coref(const CorefTrainConfig& config, std::uint32_t seed, int steps,
                       const WordPieceTokenizer& tokenizer,
                       const std::function<bool(const CorefProgress&)>& callback) {
    CorefTrainer trainer(config, seed, steps, tokenizer);
    while (!trainer.done()) {
        const CorefProgress pr = trainer.step();
        if (callback && !callback(pr)) break;
    }
    return trainer.model();
}

CorefPrediction predict_coref(const CorefModel& model, const CorefExample& example,
                              const WordPieceTokenizer& tokenizer, int layer) {
    CorefPrediction r;
    const Prepared p = prepare(example, tokenizer, model.vocab, &r.encoded);
    classify_at_forward(r.output, p.ids, p.it_position, p.target, model.params);
    r.it_position = p.it_position;
    r.predicted = argmax_rows(r.output.logits)[0];
    const int n_layers = model.params.config.n_layers;
    if (layer < 0) layer = n_layers - 1;
    if (layer >= n_layers) throw std::out_of_range("predict_coref: no layer " + std::to_string(layer));
    const int h = model.params.config.n_heads;
    for (int head = 0; head < h; ++head) {
        const Mat& w = r.output.encoder.weights(layer, head);
        r.attention_subject += w(p.it_position, p.subject_position) / h;
        r.attention_place += w(p.it_position, p.place_position) / h;
    }
    return r;
}

CorefEvaluation evaluate_coref(const CorefModel& model, const std::vector<CorefExample>& examples,
                               const WordPieceTokenizer& tokenizer) {
    const int n_layers = model.params.config.n_layers, n_heads = model.params.config.n_heads;
    CorefEvaluation ev;
    ev.n = static_cast<int>(examples.size());
    ev.attention_layer.assign(static_cast<std::size_t>(n_layers), 0.0);
    ev.attention_head.assign(static_cast<std::size_t>(n_layers),
                             std::vector<double>(static_cast<std::size_t>(n_heads), 0.0));
    if (examples.empty()) return ev;
    ModelOutput out;
    int right = 0;
    for (const auto& ex : examples) {
        const Prepared p = prepare(ex, tokenizer, model.vocab);
        classify_at_forward(out, p.ids, p.it_position, p.target, model.params);
        if (argmax_rows(out.logits)[0] == p.target) ++right;
        const int ref = ex.referent == Referent::subject ? p.subject_position : p.place_position;
        const int other = ex.referent == Referent::subject ? p.place_position : p.subject_position;
        for (int l = 0; l < n_layers; ++l) {
            double mean_ref = 0, mean_other = 0;
            for (int h = 0; h < n_heads; ++h) {
                const Mat& w = out.encoder.weights(l, h);
                mean_ref += w(p.it_position, ref);
                mean_other += w(p.it_position, other);
                if (w(p.it_position, ref) > w(p.it_position, other))
                    ev.attention_head[static_cast<std::size_t>(l)][static_cast<std::size_t>(h)] += 1;
            }
            if (mean_ref > mean_other) ev.attention_layer[static_cast<std::size_t>(l)] += 1;
        }
    }
    ev.accuracy = static_cast<double>(right) / ev.n;
    for (auto& x : ev.attention_layer) x /= ev.n;
    for (auto& row : ev.attention_head)
        for (auto& x : row) x /= ev.n;
    return ev;
}

// =============================================================================================
// [SECTION] Files

void save_coref(const CorefModel& model, const std::string& params_path, const std::string& vocab_path) {
    save_params(params_path, model.params, Storage::float16);
    std::ofstream f(vocab_path, std::ios::binary);
    f << model.vocab.to_text();
    if (!f) throw std::runtime_error("cannot write " + vocab_path);
}

CorefModel load_coref(const std::string& params_path, const std::string& vocab_path, const Vocab& bert) {
    std::ifstream f(vocab_path, std::ios::binary);
    if (!f) throw std::runtime_error("cannot read " + vocab_path);
    std::ostringstream text;
    text << f.rdbuf();
    CorefModel m;
    m.vocab = CorefVocab::from_text(text.str(), bert);
    m.params = load_params(params_path);
    check_coref_model(m.params, m.vocab, params_path);
    return m;
}

void check_coref_model(const EncoderParams& params, const CorefVocab& vocab, const std::string& what) {
    if (params.config.vocab != vocab.size()) {
        throw std::runtime_error(what + " is a model of " + std::to_string(params.config.vocab) +
                                 " pieces but its vocabulary lists " + std::to_string(vocab.size()));
    }
    // The answer is read off the head: without one for every piece, there is nothing to read.
    if (params.config.n_classes != vocab.size()) {
        throw std::runtime_error(what + " names one of " + std::to_string(params.config.n_classes) +
                                 " classes, not one of the " + std::to_string(vocab.size()) +
                                 " pieces of its vocabulary: it is not a model of what \"it\" refers to");
    }
}

}  // namespace attn
