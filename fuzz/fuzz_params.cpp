// libFuzzer target: the parameter-file loader (core/serialize.h, format versions 1 and 2,
// float32 and float16 tensors) on arbitrary bytes, and every shipped kind of model built from
// what loads, run once on a short sentence as the lesson runs it.
//
// Each input is tried twice: as it is (the checksum must refuse almost every mutation), and with
// its payload size and CRC-32 rewritten to fit, so that the fuzzer reaches the config, names,
// shapes and values behind them. What loads must:
//   - save and load back to the same bits (float32 file) and to its float16 rounding (float16);
//   - make the explorer's model (app::coref_lesson_model, as lessons/models/coref.bin does) when
//     load_coref would accept it with the shipped coref vocabulary: the sentence is run, never throwing
//     (LessonModel::run reports errors in the run), and "it"'s referent is read off it;
//   - make the generation section's story model when load_lm would accept it with the shipped
//     story vocabulary: generate() writes a few tokens
//     (app::Generate, what lesson.generate calls) without throwing;
//   - run through the encoder on a few ids of its own vocabulary in any case, and give the
//     same config to init_params (the lesson's untrained model of the same architecture).
// A file that does not load is refused with a std::runtime_error that says something.
#include "app/commands.h"
#include "app/model.h"
#include "core/coref.h"
#include "core/encoder.h"
#include "core/lm.h"
#include "core/serialize.h"
#include "fuzz/fuzz_common.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#define check(ok, what) FUZZ_CHECK("fuzz_params", ok, what)

namespace {

std::optional<attn::WordPieceTokenizer> tokenizer;
attn::CorefVocab coref_vocab, story_vocab;



bool same_bits(const attn::EncoderParams& a, const attn::EncoderParams& b, bool nan_is_nan) {
    if (a.config != b.config) return false;
    bool same = true;
    std::vector<const attn::Mat*> bs;
    attn::for_each_parameter(b, b, [&](const std::string&, const attn::Mat& w, const attn::Mat&) { bs.push_back(&w); });
    std::size_t i = 0;
    attn::for_each_parameter(a, a, [&](const std::string&, const attn::Mat& w, const attn::Mat&) {
        if (i >= bs.size() || bs[i]->rows() != w.rows() || bs[i]->cols() != w.cols()) {
            same = false;
            return;
        }
        const attn::Mat& x = *bs[i++];
        for (Eigen::Index k = 0; k < w.size(); ++k) {
            const float p = static_cast<float>(w.data()[k]), q = static_cast<float>(x.data()[k]);
            if (nan_is_nan && std::isnan(p) && std::isnan(q)) continue;
            if (std::memcmp(&p, &q, 4) != 0) same = false;
        }
    });
    return same && i == bs.size();
}

void check_round_trip(const attn::EncoderParams& p) {
    const std::vector<unsigned char> f32 = attn::serialize_params(p, attn::Storage::float32);
    check(same_bits(attn::deserialize_params(f32.data(), f32.size()), p, false), "float32 save and load changes the parameters");
    const std::vector<unsigned char> f16 = attn::serialize_params(p, attn::Storage::float16);
    check(same_bits(attn::deserialize_params(f16.data(), f16.size()), attn::rounded_to_half(p), true),
          "float16 save and load is not the float16 rounding");
    check(attn::deserialize_params(f32.data(), f32.size(), p.config).config == p.config, "expected-config load refused its own config");
}

void run_models(const attn::EncoderParams& p) {
    const attn::EncoderConfig& c = p.config;
    // Any model: the encoder over a few of its ids (as many as it takes).
    {
        std::vector<int> ids;
        for (int i = 0; i < 5 && i < c.max_len; ++i) ids.push_back(i % c.vocab);
        attn::Mat out;
        attn::EncoderCache cache;
        try {
            attn::encoder_forward(out, cache, ids, p);
        } catch (const std::exception& e) {
            fuzz::fail("fuzz_params", std::string("encoder_forward threw on a model that loaded: ") + e.what());
        }
        check(out.rows() == static_cast<Eigen::Index>(ids.size()) && out.cols() == c.d_model, "encoder output of the wrong shape");
        (void)attn::init_params(c, 20241128);
    }
    const std::string sentence = "The animal did not cross the street because it was too tired";
    bool coref = true, lm = true;
    try {
        attn::check_coref_model(p, coref_vocab, "the file");  // what load_coref accepts
    } catch (const std::runtime_error&) {
        coref = false;
    }
    try {
        attn::check_lm(p, story_vocab, "the file");  // what load_lm accepts
    } catch (const std::runtime_error&) {
        lm = false;
    }
    if (c.vocab == coref_vocab.size() && c.n_classes == coref_vocab.size()) check(coref, "a coref model refused");
    if (coref) {
        // As Lesson::load makes the explorer's model of lessons/models/coref.bin.
        const attn::CorefModel m{coref_vocab, p};
        const app::LessonModel lm = app::coref_lesson_model(m, *tokenizer, "fuzzed", 0);
        app::SentenceRun run;
        try {
            lm.run(run, &*tokenizer, sentence);
            if (run.ok()) {
                (void)app::referent_of(lm, run);
                check(static_cast<int>(run.cache.layers.size()) == c.n_layers, "a layer is missing from the run");
            }
        } catch (const std::exception& e) {
            fuzz::fail("fuzz_params", std::string("the explorer's model threw: ") + e.what());
        }
    }
    if (lm) {
        // As load_lm accepts lessons/models/story.bin, and lesson.generate runs it.
        const attn::LanguageModel m{story_vocab, p};
        try {
            const app::GenerateResult r = app::Generate(&*tokenizer, m, "Once upon a time a dog", 1.0, 0, 7, 3);
            check(r.error.empty() || r.error.find("more tokens than") != std::string::npos, "generate refused: " + r.error);
            for (const auto& s : r.steps) check(s.id >= 0 && s.id < c.vocab, "generated an id outside the vocabulary");
            (void)app::Generate(&*tokenizer, m, "The cat", 0.0, 3, 1, 2);
        } catch (const std::exception& e) {
            fuzz::fail("fuzz_params", std::string("generate threw on a story model that loaded: ") + e.what());
        }
    }
}

void try_load(const std::uint8_t* data, std::size_t size) {
    attn::EncoderParams p;
    try {
        p = attn::deserialize_params(data, size);
    } catch (const std::runtime_error& e) {
        check(std::strlen(e.what()) > 10, "an error that says nothing");
        return;
    }
    check_round_trip(p);
    run_models(p);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    tokenizer.emplace(attn::Vocab::load_file(fuzz::vocab_path()));
    const std::string dir = fuzz::source_dir() + "/lessons/models/";
    coref_vocab = attn::CorefVocab::from_text(fuzz::read_file("fuzz_params", dir + "coref-vocab.txt"), tokenizer->vocab());
    story_vocab = attn::CorefVocab::from_text(fuzz::read_file("fuzz_params", dir + "story-vocab.txt"), tokenizer->vocab());
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try_load(data, size);
    // The same bytes with the payload size and the checksum made to fit.
    constexpr std::size_t kHeader = 72, kTrailer = 4;
    if (size < kHeader + kTrailer) return 0;
    std::vector<unsigned char> fixed(data, data + size);
    const std::uint64_t payload = size - kHeader - kTrailer;
    for (int i = 0; i < 8; ++i) fixed[kHeader - 8 + static_cast<std::size_t>(i)] = static_cast<unsigned char>(payload >> (8 * i));
    const std::uint32_t crc = attn::crc32(fixed.data(), size - kTrailer);
    for (int i = 0; i < 4; ++i) fixed[size - kTrailer + static_cast<std::size_t>(i)] = static_cast<unsigned char>(crc >> (8 * i));
    try_load(fixed.data(), fixed.size());
    return 0;
}
