// race.cpp — RNN, LSTM and transformer on the long-range "it" task: training in turns, then
// measurements. See race.h.
//
// [SECTION] Names, options, vocabulary
// [SECTION] The race's work: training, accuracy, gradient, timings
// [SECTION] Race, run_race, race_sweep
// [SECTION] Text: the reference file and the table
#include "core/race.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace attn {

// =============================================================================================
// [SECTION] Names, options, vocabulary

const char* race_model_key(int model) {
    static const char* const keys[] = {"rnn", "lstm", "transformer"};
    return model >= 0 && model < kRaceModels ? keys[model] : "?";
}
const char* race_model_name(int model) {
    static const char* const names[] = {"RNN", "LSTM", "Transformer"};
    return model >= 0 && model < kRaceModels ? names[model] : "?";
}

// The picks of `scripts/race` (its sweep, with the default options), as
// lessons/models/race-reference.txt records them; a unit test compares.
std::array<double, 3> race_default_rates() { return {3e-3, 3e-3, 3e-3}; }

const std::vector<double>& race_sweep_rates() {
    static const std::vector<double> rates = {1e-3, 3e-3, 1e-2};
    return rates;
}

namespace {

constexpr int kMaxDistance = 64;        // the longest gap the corpus is asked for
constexpr int kMaxTimingLength = 256;
constexpr std::uint32_t kEvalSeed = 0xE7A1u;  // held-out sentences: the same whatever the race's seed

std::vector<std::string> words_of(const std::string& s) {
    std::vector<std::string> w;
    std::istringstream in(s);
    for (std::string x; in >> x;) w.push_back(x);
    return w;
}

double now_ms() {
    using clock = std::chrono::steady_clock;
    return std::chrono::duration<double, std::milli>(clock::now().time_since_epoch()).count();
}

}  // namespace

std::string validate_race_options(const RaceOptions& o) {
    if (o.steps < 1 || o.steps > 100000) return "steps must be between 1 and 100000 (got " + std::to_string(o.steps) + ")";
    if (o.batch < 1 || o.batch > 1024) return "batch must be between 1 and 1024 (got " + std::to_string(o.batch) + ")";
    if (o.distances.empty() || o.distances.size() > 16) return "give 1 to 16 distances (got " + std::to_string(o.distances.size()) + ")";
    for (int d : o.distances)
        if (d < kCorefMinDistance || d > kMaxDistance)
            return "each distance must be between " + std::to_string(kCorefMinDistance) + " and " +
                   std::to_string(kMaxDistance) + " tokens (got " + std::to_string(d) + ")";
    for (std::size_t i = 1; i < o.distances.size(); ++i)
        if (o.distances[i] <= o.distances[i - 1]) return "distances must increase";
    if (o.timing_lengths.empty() || o.timing_lengths.size() > 8) return "give 1 to 8 timing lengths";
    for (int t : o.timing_lengths)
        if (t < 2 || t > kMaxTimingLength) return "timing lengths must be between 2 and " + std::to_string(kMaxTimingLength);
    if (o.timing_batch < 1 || o.timing_batch > 1024) return "timing_batch must be between 1 and 1024";
    if (o.flops_length < 2 || o.flops_length > kMaxTimingLength) return "flops_length must be between 2 and " + std::to_string(kMaxTimingLength);
    if (o.eval_sentences < 1 || o.eval_sentences > 10000) return "eval_sentences must be between 1 and 10000";
    if (o.gradient_sentences < 1 || o.gradient_sentences > o.eval_sentences) return "gradient_sentences must be between 1 and eval_sentences";
    for (double lr : o.lr)
        if (!(lr > 0 && lr < 1)) return "learning rates must be between 0 and 1";
    if (o.warmup < 0 || o.d_embed < 1 || o.rnn_hidden < 1 || o.lstm_hidden < 1 || o.layers < 1 || o.heads < 1 ||
        o.d_ff < 1 || o.d_embed % o.heads != 0)
        return "the model sizes do not make three models";
    return "";
}

RaceVocab::RaceVocab() {
    words_.push_back("[PAD]");
    ids_["[PAD]"] = 0;
    auto add = [this](const std::string& phrase) {
        for (const auto& w : words_of(phrase))
            if (ids_.emplace(w, static_cast<int>(words_.size())).second) words_.push_back(w);
    };
    add("The the did not didn't it was .");
    for (const auto* list : {&CorefLexicon::subjects(), &CorefLexicon::places(), &CorefLexicon::verbs(),
                             &CorefLexicon::connectives(), &CorefLexicon::intensifiers(),
                             &CorefLexicon::subject_adjectives(), &CorefLexicon::place_adjectives(),
                             &CorefLexicon::long_fillers()})
        for (const auto& phrase : *list) add(phrase);
}

int RaceVocab::id(const std::string& word) const {
    const auto it = ids_.find(word);
    if (it == ids_.end()) throw std::out_of_range("\"" + word + "\" is not a word of the race's corpus");
    return it->second;
}

RaceSentence race_sentence(const CorefExample& ex, const RaceVocab& vocab) {
    RaceSentence s;
    for (const auto& w : words_of(ex.text)) s.ids.push_back(vocab.id(w));
    s.ids.push_back(vocab.id("."));  // the full stop: one more step for a recurrent network after the adjective
    s.referent = ex.referent_word;
    s.it = ex.it_word;
    s.target = s.ids.at(static_cast<std::size_t>(s.referent));
    s.distance = s.it - s.referent;
    return s;
}

int race_sequential_steps(int model, int T, const RaceOptions& options) {
    return model == static_cast<int>(RaceModel::transformer) ? options.layers : T;
}

// =============================================================================================
// [SECTION] The race's work: training, accuracy, gradient, timings

namespace {

RecurrentConfig recurrent_config(const RaceOptions& o, int model, int vocab) {
    RecurrentConfig c;
    c.cell = model == static_cast<int>(RaceModel::lstm) ? Cell::lstm : Cell::rnn;
    c.vocab = vocab;
    c.d_embed = o.d_embed;
    c.d_hidden = c.cell == Cell::lstm ? o.lstm_hidden : o.rnn_hidden;
    c.n_classes = vocab;
    return c;
}

EncoderConfig transformer_config(const RaceOptions& o, int vocab) {
    EncoderConfig c;
    c.vocab = vocab;
    c.d_model = o.d_embed;
    c.n_heads = o.heads;
    c.d_ff = o.d_ff;
    c.n_layers = o.layers;
    c.max_len = kMaxTimingLength;
    c.n_classes = vocab;
    c.positional = Positional::sinusoidal;
    c.norm = NormOrder::post;  // as the explorer's model
    return c;
}

std::vector<Mat*> values_of(RecurrentParams& p) {
    std::vector<Mat*> v;
    for_each_parameter_rnn(p, p, [&](const std::string&, Mat& w, Mat&) { v.push_back(&w); });
    return v;
}

// A training sentence's distance: one of the measured distances' ranges, each as likely as the
// others — the first distance itself, or a distance in (d[i−1], d[i]]. With distances that double,
// short and long gaps are trained on alike (uniform over 4…64 would make 9 in 10 sentences longer
// than 10 tokens).
int training_distance(Rng& rng, const std::vector<int>& d) {
    const std::size_t i = rng.below(static_cast<std::uint32_t>(d.size()));
    if (i == 0) return d[0];
    return d[i - 1] + 1 + static_cast<int>(rng.below(static_cast<std::uint32_t>(d[i] - d[i - 1])));
}

int argmax_row(const Mat& m, Eigen::Index row) {
    Eigen::Index j = 0;
    m.row(row).maxCoeff(&j);
    return static_cast<int>(j);
}

}  // namespace

struct Race::Impl {
    RaceOptions o;
    const RaceVocab& vocab;
    std::array<RecurrentParams, 2> rnn, rnn_grads;  // rnn, lstm
    EncoderParams tf, tf_grads;
    std::array<AdamState, kRaceModels> adam;
    std::array<Rng, kRaceModels> data;              // the same stream for each: the same sentences
    std::array<int, kRaceModels> steps_done{};
    std::vector<std::vector<RaceSentence>> eval;    // per distance
    RecurrentCache rc;
    ModelOutput mo;

    Impl(const RaceOptions& options, const RaceVocab& v)
        : o(options), vocab(v),
          data{Rng(options.seed ^ 0xDA7Au), Rng(options.seed ^ 0xDA7Au), Rng(options.seed ^ 0xDA7Au)} {
        for (int m = 0; m < 2; ++m) {
            const RecurrentConfig c = recurrent_config(o, m, vocab.size());
            rnn[static_cast<std::size_t>(m)] = recurrent_init(c, o.seed * 3u + static_cast<std::uint32_t>(m));
            rnn_grads[static_cast<std::size_t>(m)] = recurrent_zeros_like(c);
        }
        const EncoderConfig ec = transformer_config(o, vocab.size());
        tf = init_params(ec, o.seed * 3u + 2u);
        tf_grads = zeros_like(ec);
        for (std::size_t d = 0; d < o.distances.size(); ++d) {
            Rng rng(kEvalSeed + static_cast<std::uint32_t>(o.distances[d]));
            std::vector<RaceSentence> set;
            for (int i = 0; i < o.eval_sentences; ++i)
                set.push_back(race_sentence(make_coref_at_distance(rng, CorefSplit::held_out, o.distances[d]), vocab));
            eval.push_back(std::move(set));
        }
    }

    std::size_t params(int m) const {
        return m < 2 ? parameter_count(rnn[static_cast<std::size_t>(m)]) : parameter_count(tf);
    }

    // One mini-batch for model m. Returns (loss, batch accuracy).
    std::pair<double, double> train_step(int m, double lr_peak) {
        const int step = ++steps_done[static_cast<std::size_t>(m)];
        AdamConfig adam_cfg;
        adam_cfg.weight_decay = o.weight_decay;
        // Linear warm-up, then linear decay to a tenth of the peak (as the explorer's model).
        if (step <= o.warmup) {
            adam_cfg.lr = lr_peak * step / std::max(1, o.warmup);
        } else {
            const double t = static_cast<double>(step - o.warmup) / std::max(1, o.steps - o.warmup);
            adam_cfg.lr = lr_peak * (1.0 - 0.9 * std::min(1.0, t));
        }
        std::vector<RaceSentence> batch;
        Rng& rng = data[static_cast<std::size_t>(m)];
        for (int b = 0; b < o.batch; ++b) {
            const int d = training_distance(rng, o.distances);
            batch.push_back(race_sentence(make_coref_at_distance(rng, CorefSplit::train, d), vocab));
        }
        double loss = 0;
        int right = 0;
        if (m < 2) {
            RecurrentParams& p = rnn[static_cast<std::size_t>(m)];
            RecurrentParams& g = rnn_grads[static_cast<std::size_t>(m)];
            std::vector<std::vector<int>> tokens;
            std::vector<int> read, targets;
            for (const auto& s : batch) {
                tokens.push_back(s.ids);
                read.push_back(static_cast<int>(s.ids.size()) - 1);
                targets.push_back(s.target);
            }
            zero_grads(g);
            loss = static_cast<double>(recurrent_forward(rc, tokens, read, targets, p));
            for (int b = 0; b < o.batch; ++b) right += argmax_row(rc.probs, b) == targets[static_cast<std::size_t>(b)];
            recurrent_backward(g, rc, targets, p);
            std::vector<Mat*> gv = values_of(g);
            clip_grad_norm(gv, o.clip);
            std::vector<const Mat*> gc(gv.begin(), gv.end());
            adamw_step(values_of(p), gc, adam[static_cast<std::size_t>(m)], adam_cfg);
        } else {
            zero_grads(tf_grads);
            for (const auto& s : batch) {
                loss += static_cast<double>(classify_at_forward(mo, s.ids, s.it, s.target, tf));
                right += argmax_row(mo.logits, 0) == s.target;
                classify_at_backward(tf_grads, mo, s.it, s.target, tf);
            }
            loss /= o.batch;
            const Scalar inv = Scalar(1) / static_cast<Scalar>(o.batch);
            for_each_parameter(tf_grads, tf_grads, [inv](const std::string&, Mat& g, Mat&) { g *= inv; });
            clip_grad_norm(tf_grads, o.clip);
            adamw_step(tf, tf_grads, adam[2], adam_cfg);
        }
        return {loss, static_cast<double>(right) / o.batch};
    }

    // Share of the held-out sentences at distances[di] that model m names right.
    double accuracy(int m, std::size_t di) {
        const auto& set = eval[di];
        int right = 0;
        if (m < 2) {
            std::vector<std::vector<int>> tokens;
            std::vector<int> read, targets;
            for (const auto& s : set) {
                tokens.push_back(s.ids);
                read.push_back(static_cast<int>(s.ids.size()) - 1);
                targets.push_back(s.target);
            }
            recurrent_forward(rc, tokens, read, targets, rnn[static_cast<std::size_t>(m)]);
            for (std::size_t b = 0; b < set.size(); ++b) right += argmax_row(rc.probs, static_cast<Eigen::Index>(b)) == targets[b];
        } else {
            for (const auto& s : set) {
                classify_at_forward(mo, s.ids, s.it, s.target, tf);
                right += argmax_row(mo.logits, 0) == s.target;
            }
        }
        return static_cast<double>(right) / static_cast<double>(set.size());
    }

    // Mean over gradient_sentences of ‖∂loss/∂E[referent]‖, one sentence at a time (each its own loss).
    double gradient(int m, std::size_t di) {
        const auto& set = eval[di];
        const int n = std::min<int>(o.gradient_sentences, static_cast<int>(set.size()));
        double sum = 0;
        for (int i = 0; i < n; ++i) {
            const RaceSentence& s = set[static_cast<std::size_t>(i)];
            if (m < 2) {
                RecurrentParams& g = rnn_grads[static_cast<std::size_t>(m)];
                zero_grads(g);
                std::vector<Mat> dx;
                recurrent_forward(rc, {s.ids}, {static_cast<int>(s.ids.size()) - 1}, {s.target}, rnn[static_cast<std::size_t>(m)]);
                recurrent_backward(g, rc, {s.target}, rnn[static_cast<std::size_t>(m)], &dx);
                sum += static_cast<double>(dx.at(static_cast<std::size_t>(s.referent)).row(0).norm());
            } else {
                // The referent noun occurs once in its sentence, so its embedding row's gradient
                // is the gradient that reached that token's embedding.
                zero_grads(tf_grads);
                classify_at_forward(mo, s.ids, s.it, s.target, tf);
                classify_at_backward(tf_grads, mo, s.it, s.target, tf);
                sum += static_cast<double>(tf_grads.token_embedding.row(s.target).norm());
            }
        }
        return sum / n;
    }

    // Random sentences of T word ids (no padding), for the timings.
    std::vector<std::vector<int>> random_batch(int T, int B) const {
        Rng rng(0x7133u + static_cast<std::uint32_t>(T));
        std::vector<std::vector<int>> rows(static_cast<std::size_t>(B));
        for (auto& r : rows)
            for (int t = 0; t < T; ++t) r.push_back(1 + static_cast<int>(rng.below(static_cast<std::uint32_t>(vocab.size() - 1))));
        return rows;
    }

    // ms of one training step (forward, backward, AdamW) of model m on timing_batch sentences of
    // T tokens, on a copy of the model so the race's own is untouched.
    double time_step(int m, int T) {
        const auto rows = random_batch(T, o.timing_batch);
        std::vector<int> read(rows.size(), T - 1), targets;
        for (const auto& r : rows) targets.push_back(r[0]);
        AdamConfig cfg;
        cfg.lr = 1e-4;
        if (m < 2) {
            RecurrentParams p = rnn[static_cast<std::size_t>(m)];
            RecurrentParams g = recurrent_zeros_like(p.config);
            AdamState st;
            const double t0 = now_ms();
            recurrent_forward(rc, rows, read, targets, p);
            recurrent_backward(g, rc, targets, p);
            std::vector<Mat*> gv = values_of(g);
            clip_grad_norm(gv, o.clip);
            std::vector<const Mat*> gc(gv.begin(), gv.end());
            adamw_step(values_of(p), gc, st, cfg);
            return now_ms() - t0;
        }
        EncoderParams p = tf;
        EncoderParams g = zeros_like(p.config);
        AdamState st;
        const double t0 = now_ms();
        for (std::size_t b = 0; b < rows.size(); ++b) {
            classify_at_forward(mo, rows[b], T - 1, targets[b], p);
            classify_at_backward(g, mo, T - 1, targets[b], p);
        }
        clip_grad_norm(g, o.clip);
        adamw_step(p, g, st, cfg);
        return now_ms() - t0;
    }

    // GFLOP/s of model m's forward pass over one sentence of T tokens: the transformer's products
    // take all T tokens at once (matrix × matrix), a recurrent network's one token at a time
    // (a row vector × matrix). Repeated for at least 20 ms.
    double gflops(int m, int T) {
        const auto rows = random_batch(T, 1);
        double flops = 0;
        int reps = 0;
        const double t0 = now_ms();
        double elapsed = 0;
        do {
            if (m < 2) {
                recurrent_forward(rc, rows, {T - 1}, {rows[0][0]}, rnn[static_cast<std::size_t>(m)]);
                flops += recurrent_forward_flops(rnn[static_cast<std::size_t>(m)].config, T);
            } else {
                Mat y;
                encoder_forward(y, mo.encoder, rows[0], tf);
                const double d = o.d_embed, f = o.d_ff, t = T;
                flops += o.layers * (8 * t * d * d + 4 * t * t * d + 4 * t * d * f);  // as bench_encoder counts
            }
            ++reps;
            elapsed = now_ms() - t0;
        } while (reps < 3 || elapsed < 20.0);
        return flops / (elapsed * 1e6);
    }
};

// =============================================================================================
// [SECTION] Race, run_race, race_sweep

namespace {

constexpr int kTimingRuns = 2;

enum class Work : int { train = 0, accuracy = 1, gradient = 2, timing = 3, flops = 4 };

// The work list, in order: piece k is decoded from its index, so nothing needs storing.
struct Piece {
    Work kind;
    int model;
    int index;
};

Piece piece_of(int k, const RaceOptions& o) {
    const int train = o.steps * kRaceModels;
    if (k < train) return {Work::train, k % kRaceModels, k / kRaceModels};
    k -= train;
    const int nd = static_cast<int>(o.distances.size());
    if (k < kRaceModels * nd) return {Work::accuracy, k / nd, k % nd};
    k -= kRaceModels * nd;
    if (k < kRaceModels * nd) return {Work::gradient, k / nd, k % nd};
    k -= kRaceModels * nd;
    // Each timing twice (the faster is kept: the other may have met a page's hiccup), as
    // separate pieces, so no piece of work holds a frame for long.
    const int nt = static_cast<int>(o.timing_lengths.size()) * kTimingRuns;
    if (k < kRaceModels * nt) return {Work::timing, k / nt, (k % nt) / kTimingRuns};
    k -= kRaceModels * nt;
    return {Work::flops, k, 0};
}

}  // namespace

Race::Race(const RaceOptions& options) {
    const std::string problem = validate_race_options(options);
    if (!problem.empty()) throw std::invalid_argument("race: " + problem);
    impl_ = new Impl(options, vocab_);
    result_.options = options;
    const int nd = static_cast<int>(options.distances.size()), nt = static_cast<int>(options.timing_lengths.size());
    total_ = options.steps * kRaceModels + kRaceModels * (2 * nd + kTimingRuns * nt + 1);
    for (int m = 0; m < kRaceModels; ++m) {
        RaceModelResult& r = result_.models[static_cast<std::size_t>(m)];
        r.params = impl_->params(m);
        r.lr = options.lr[static_cast<std::size_t>(m)];
        r.sequential_steps = race_sequential_steps(m, options.flops_length, options);
        r.accuracy.assign(static_cast<std::size_t>(nd), std::nan(""));
        r.gradient.assign(static_cast<std::size_t>(nd), std::nan(""));
        r.ms_by_length.assign(static_cast<std::size_t>(nt), std::nan(""));
        r.gflops = std::nan("");
    }
}

Race::~Race() { delete impl_; }

int Race::training_step() const { return std::min(next_, result_.options.steps * kRaceModels) / kRaceModels; }

const char* Race::phase() const {
    if (done()) return "done";
    switch (piece_of(next_, result_.options).kind) {
    case Work::train: return "training";
    case Work::accuracy: return "measuring accuracy by distance";
    case Work::gradient: return "measuring gradients by distance";
    case Work::timing: return "timing training steps by length";
    case Work::flops: return "measuring GFLOP/s";
    }
    return "";
}

void Race::step() {
    if (done()) return;
    const Piece p = piece_of(next_, result_.options);
    RaceModelResult& r = result_.models[static_cast<std::size_t>(p.model)];
    const auto i = static_cast<std::size_t>(p.index);
    switch (p.kind) {
    case Work::train: {
        const double t0 = now_ms();
        const auto [loss, acc] = impl_->train_step(p.model, r.lr);
        r.train_ms += now_ms() - t0;
        r.loss.push_back(static_cast<float>(loss));
        r.batch_accuracy.push_back(static_cast<float>(acc));
        r.ms_per_step = r.train_ms / static_cast<double>(r.loss.size());
        break;
    }
    case Work::accuracy: r.accuracy[i] = impl_->accuracy(p.model, i); break;
    case Work::gradient: r.gradient[i] = impl_->gradient(p.model, i); break;
    case Work::timing: {
        const double ms = impl_->time_step(p.model, result_.options.timing_lengths[i]);
        if (!(ms >= r.ms_by_length[i])) r.ms_by_length[i] = ms;  // NaN at first: take it
        break;
    }
    case Work::flops: r.gflops = impl_->gflops(p.model, result_.options.flops_length); break;
    }
    ++next_;
    result_.complete = done();
}

RaceResult run_race(const RaceOptions& options, const std::function<void(const Race&)>& progress) {
    Race race(options);
    while (!race.done()) {
        race.step();
        if (progress) progress(race);
    }
    return race.result();
}

RaceSweep race_sweep(const RaceOptions& options, const std::vector<double>& rates,
                     const std::function<void(int, double, double)>& progress, int only_model) {
    const std::string problem = validate_race_options(options);
    if (!problem.empty()) throw std::invalid_argument("race sweep: " + problem);
    RaceSweep sweep;
    sweep.rates = rates;
    const RaceVocab vocab;
    for (int m = 0; m < kRaceModels; ++m) {
        if (only_model >= 0 && m != only_model) continue;
        double best = -1;
        for (double rate : rates) {
            Race::Impl impl(options, vocab);
            for (int s = 0; s < options.steps; ++s) impl.train_step(m, rate);
            double mean = 0;
            for (std::size_t d = 0; d < options.distances.size(); ++d) mean += impl.accuracy(m, d);
            mean /= static_cast<double>(options.distances.size());
            sweep.mean_accuracy[static_cast<std::size_t>(m)].push_back(mean);
            if (mean > best) best = mean, sweep.picked[static_cast<std::size_t>(m)] = rate;
            if (progress) progress(m, rate, mean);
        }
    }
    return sweep;
}

// =============================================================================================
// [SECTION] Text: the reference file and the table

namespace {

std::string num(double x) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.6g", x);
    return buf;
}

template <typename V>
std::string list(const V& v) {
    std::string s;
    for (const auto& x : v) s += " " + num(static_cast<double>(x));
    return s;
}

}  // namespace

std::string race_to_text(const RaceResult& r, const RaceSweep* sweep) {
    const RaceOptions& o = r.options;
    std::string s = "# RNN, LSTM and transformer on the long-range \"it\" task: written by scripts/race.\n"
                    "# Lines starting with \"time\" are timings of the machine that ran it; every other line\n"
                    "# is the same for the same options.\n";
    s += "options seed " + std::to_string(o.seed) + " steps " + std::to_string(o.steps) + " batch " + std::to_string(o.batch) +
         " warmup " + std::to_string(o.warmup) + " eval " + std::to_string(o.eval_sentences) + " gradient " +
         std::to_string(o.gradient_sentences) + " flops_length " + std::to_string(o.flops_length) +
         " timing_batch " + std::to_string(o.timing_batch) + "\n";
    s += "sizes d_embed " + std::to_string(o.d_embed) + " rnn_hidden " + std::to_string(o.rnn_hidden) + " lstm_hidden " +
         std::to_string(o.lstm_hidden) + " layers " + std::to_string(o.layers) + " heads " + std::to_string(o.heads) +
         " d_ff " + std::to_string(o.d_ff) + "\n";
    s += "distances" + list(o.distances) + "\n";
    s += "lengths" + list(o.timing_lengths) + "\n";
    s += std::string("complete ") + (r.complete ? "1" : "0") + "\n";
    for (int m = 0; m < kRaceModels; ++m) {
        const RaceModelResult& x = r.models[static_cast<std::size_t>(m)];
        const std::string k = race_model_key(m);
        s += "model " + k + " params " + std::to_string(x.params) + " lr " + num(x.lr) + " sequential " +
             std::to_string(x.sequential_steps) + "\n";
        s += "accuracy " + k + list(x.accuracy) + "\n";
        s += "gradient " + k + list(x.gradient) + "\n";
        s += "loss " + k + list(x.loss) + "\n";
        s += "batch_accuracy " + k + list(x.batch_accuracy) + "\n";
        s += "time " + k + " ms_per_step " + num(x.ms_per_step) + " gflops " + num(x.gflops) + " by_length" +
             list(x.ms_by_length) + "\n";
    }
    if (sweep) {
        s += "sweep rates" + list(sweep->rates) + "\n";
        for (int m = 0; m < kRaceModels; ++m)
            s += "sweep " + std::string(race_model_key(m)) + list(sweep->mean_accuracy[static_cast<std::size_t>(m)]) +
                 " picked " + num(sweep->picked[static_cast<std::size_t>(m)]) + "\n";
    }
    return s;
}

RaceResult race_from_text(const std::string& text, RaceSweep* sweep) {
    RaceResult r;
    RaceOptions& o = r.options;
    std::istringstream in(text);
    std::string line;
    int line_no = 0;
    std::array<bool, kRaceModels> seen{};
    auto fail = [&](const std::string& why) {
        throw std::runtime_error("race file line " + std::to_string(line_no) + ": " + why);
    };
    auto model_of = [&](const std::string& key) {
        for (int m = 0; m < kRaceModels; ++m)
            if (key == race_model_key(m)) return m;
        fail("no model \"" + key + "\"");
        return 0;
    };
    auto numbers = [&](std::istringstream& ls) {
        std::vector<double> v;
        std::string w;
        while (ls >> w) {
            char* end = nullptr;
            const double x = std::strtod(w.c_str(), &end);
            if (end == w.c_str() || *end) {
                ls.seekg(-static_cast<std::streamoff>(w.size()), std::ios_base::cur);
                break;
            }
            v.push_back(x);
        }
        return v;
    };
    auto pairs = [&](std::istringstream& ls, auto&& set) {
        for (std::string key; ls >> key;) {
            double x = 0;
            if (!(ls >> x)) fail("no number after " + key);
            set(key, x);
        }
    };
    while (std::getline(in, line)) {
        ++line_no;
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ls(line);
        std::string kind;
        ls >> kind;
        if (kind == "options") {
            pairs(ls, [&](const std::string& k, double x) {
                const int v = static_cast<int>(x);
                if (k == "seed") o.seed = static_cast<std::uint32_t>(x);
                else if (k == "steps") o.steps = v;
                else if (k == "batch") o.batch = v;
                else if (k == "warmup") o.warmup = v;
                else if (k == "eval") o.eval_sentences = v;
                else if (k == "gradient") o.gradient_sentences = v;
                else if (k == "flops_length") o.flops_length = v;
                else if (k == "timing_batch") o.timing_batch = v;
                else fail("unknown option " + k);
            });
        } else if (kind == "sizes") {
            pairs(ls, [&](const std::string& k, double x) {
                const int v = static_cast<int>(x);
                if (k == "d_embed") o.d_embed = v;
                else if (k == "rnn_hidden") o.rnn_hidden = v;
                else if (k == "lstm_hidden") o.lstm_hidden = v;
                else if (k == "layers") o.layers = v;
                else if (k == "heads") o.heads = v;
                else if (k == "d_ff") o.d_ff = v;
                else fail("unknown size " + k);
            });
        } else if (kind == "distances" || kind == "lengths") {
            std::vector<int>& dst = kind == "distances" ? o.distances : o.timing_lengths;
            dst.clear();
            for (double x : numbers(ls)) dst.push_back(static_cast<int>(x));
        } else if (kind == "complete") {
            int c = 0;
            ls >> c;
            r.complete = c == 1;
        } else if (kind == "model") {
            std::string key;
            ls >> key;
            const int m = model_of(key);
            seen[static_cast<std::size_t>(m)] = true;
            RaceModelResult& x = r.models[static_cast<std::size_t>(m)];
            pairs(ls, [&](const std::string& k, double v) {
                if (k == "params") x.params = static_cast<std::size_t>(v);
                else if (k == "lr") x.lr = v, o.lr[static_cast<std::size_t>(m)] = v;
                else if (k == "sequential") x.sequential_steps = static_cast<int>(v);
                else fail("unknown field " + k);
            });
        } else if (kind == "accuracy" || kind == "gradient" || kind == "loss" || kind == "batch_accuracy") {
            std::string key;
            ls >> key;
            RaceModelResult& x = r.models[static_cast<std::size_t>(model_of(key))];
            const std::vector<double> v = numbers(ls);
            if (kind == "accuracy") x.accuracy = v;
            else if (kind == "gradient") x.gradient = v;
            else if (kind == "loss") x.loss.assign(v.begin(), v.end());
            else x.batch_accuracy.assign(v.begin(), v.end());
        } else if (kind == "time") {
            std::string key, k;
            ls >> key;
            RaceModelResult& x = r.models[static_cast<std::size_t>(model_of(key))];
            while (ls >> k) {
                if (k == "by_length") {
                    x.ms_by_length = numbers(ls);
                } else {
                    double v = 0;
                    if (!(ls >> v)) fail("no number after " + k);
                    if (k == "ms_per_step") x.ms_per_step = v;
                    else if (k == "gflops") x.gflops = v;
                    else fail("unknown timing " + k);
                }
            }
        } else if (kind == "sweep") {
            std::string key;
            ls >> key;
            if (!sweep) continue;
            if (key == "rates") {
                sweep->rates = numbers(ls);
            } else {
                const int m = model_of(key);
                sweep->mean_accuracy[static_cast<std::size_t>(m)] = numbers(ls);
                std::string picked;
                double v = 0;
                if (ls >> picked >> v && picked == "picked") sweep->picked[static_cast<std::size_t>(m)] = v;
            }
        } else {
            fail("unknown line \"" + kind + "\"");
        }
    }
    for (int m = 0; m < kRaceModels; ++m) {
        if (!seen[static_cast<std::size_t>(m)]) throw std::runtime_error(std::string("race file: no model ") + race_model_key(m));
        const RaceModelResult& x = r.models[static_cast<std::size_t>(m)];
        if (x.accuracy.size() != o.distances.size() || x.gradient.size() != o.distances.size() ||
            x.ms_by_length.size() != o.timing_lengths.size())
            throw std::runtime_error(std::string("race file: the figures of ") + race_model_key(m) +
                                     " do not match its distances and lengths");
    }
    return r;
}

std::string race_table(const RaceResult& r) {
    const RaceOptions& o = r.options;
    std::string s;
    char buf[256];
    std::snprintf(buf, sizeof buf, "seed %u, %d steps of %d sentences each, distances %d to %d tokens\n\n", o.seed, o.steps,
                  o.batch, o.distances.front(), o.distances.back());
    s += buf;
    std::snprintf(buf, sizeof buf, "%-28s %12s %12s %12s\n", "", "RNN", "LSTM", "Transformer");
    s += buf;
    auto row = [&](const std::string& label, auto&& cell) {
        std::snprintf(buf, sizeof buf, "%-28s", label.c_str());
        s += buf;
        for (int m = 0; m < kRaceModels; ++m) {
            std::snprintf(buf, sizeof buf, " %12s", cell(r.models[static_cast<std::size_t>(m)]).c_str());
            s += buf;
        }
        s += "\n";
    };
    auto f = [](const char* fmt, double x) {
        char b[64];
        std::snprintf(b, sizeof b, fmt, x);
        return std::string(b);
    };
    row("parameters", [&](const RaceModelResult& x) { return std::to_string(x.params); });
    row("learning rate", [&](const RaceModelResult& x) { return f("%g", x.lr); });
    row("sequential steps, " + std::to_string(o.flops_length) + " tok",
        [&](const RaceModelResult& x) { return std::to_string(x.sequential_steps); });
    row("forward GFLOP/s, " + std::to_string(o.flops_length) + " tok", [&](const RaceModelResult& x) { return f("%.2f", x.gflops); });
    for (std::size_t d = 0; d < o.distances.size(); ++d)
        row("accuracy at distance " + std::to_string(o.distances[d]),
            [&](const RaceModelResult& x) { return f("%.1f%%", 100 * x.accuracy[d]); });
    for (std::size_t d = 0; d < o.distances.size(); ++d)
        row("|grad| at distance " + std::to_string(o.distances[d]), [&](const RaceModelResult& x) { return f("%.2e", x.gradient[d]); });
    row("ms per training step", [&](const RaceModelResult& x) { return f("%.2f", x.ms_per_step); });
    for (std::size_t t = 0; t < o.timing_lengths.size(); ++t)
        row("ms per step, " + std::to_string(o.timing_batch) + " x " + std::to_string(o.timing_lengths[t]) + " tok",
            [&](const RaceModelResult& x) { return f("%.2f", x.ms_by_length[t]); });
    return s;
}

}  // namespace attn
