// Tokenizer throughput on 1 MB of English prose, and the time to load the vocabulary.
//
//   cmake -S . -B build/tok-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DATTN_BUILD_APP=OFF
//   cmake --build build/tok-release -j2 --target bench_tokenizer
//   build/tok-release/bench_tokenizer
//
// MB/s counts 10^6 bytes of input text per second.
#include "core/tokenizer.h"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

// Ordinary English, a sentence per entry; the prose is these sentences in a shuffled order.
const char* const kSentences[] = {
    "The morning train was late again, so Clara walked the last two miles to the office.",
    "Along the river, the willows had started to turn yellow, and the air smelled of rain.",
    "She thought about the letter her brother had sent, which she still hadn't answered.",
    "\"We should talk before the end of the month,\" he had written, without saying why.",
    "At the bakery on the corner, a queue of students waited for the first warm rolls.",
    "Nobody in the department expected the new director to change so much, so quickly.",
    "By noon, the meeting had produced three proposals, two arguments and one decision.",
    "It was a small thing, perhaps, but it mattered to the people who had to live with it.",
    "Later that evening she opened her notebook and wrote down everything she remembered.",
    "The children next door were practising the piano; their scales drifted through the wall.",
    "In 1998 the old library was rebuilt, and its reading room now holds 40,000 volumes.",
    "Whether the plan would work was, of course, another question entirely.",
};

std::string make_prose(std::size_t bytes) {
    const std::size_t count = sizeof(kSentences) / sizeof(kSentences[0]);
    std::uint64_t state = 2024;
    std::string text;
    text.reserve(bytes + 128);
    std::size_t in_paragraph = 0;
    while (text.size() < bytes) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        text += kSentences[(state >> 33) % count];
        text += (++in_paragraph % 6 == 0) ? "\n\n" : " ";
    }
    text.resize(bytes);
    return text;
}

const std::string& prose() {
    static const std::string text = make_prose(1 << 20);
    return text;
}

const attn::WordPieceTokenizer& tokenizer() {
    static const attn::WordPieceTokenizer t(attn::Vocab::load_file(ATTN_VOCAB_PATH));
    return t;
}

void report(benchmark::State& state, std::size_t bytes, std::size_t tokens) {
    const auto processed = static_cast<double>(bytes) * static_cast<double>(state.iterations());
    state.SetBytesProcessed(static_cast<int64_t>(processed));
    state.counters["MB/s"] = benchmark::Counter(processed / 1e6, benchmark::Counter::kIsRate);
    state.counters["tokens"] = static_cast<double>(tokens);
}

void BM_Tokenize1MB(benchmark::State& state) {
    const std::string& text = prose();
    std::size_t tokens = 0;
    for (auto _ : state) {
        auto result = tokenizer().tokenize(text);
        tokens = result.size();
        benchmark::DoNotOptimize(result.data());
    }
    report(state, text.size(), tokens);
}
BENCHMARK(BM_Tokenize1MB)->Unit(benchmark::kMillisecond);

void BM_Encode1MB(benchmark::State& state) {
    const std::string& text = prose();
    std::size_t tokens = 0;
    for (auto _ : state) {
        auto result = tokenizer().encode(text, true);
        tokens = result.size();
        benchmark::DoNotOptimize(result.data());
    }
    report(state, text.size(), tokens);
}
BENCHMARK(BM_Encode1MB)->Unit(benchmark::kMillisecond);

// The Unicode path for every character, for comparison with the ASCII fast path.
void BM_Tokenize1MB_NoAsciiFastPath(benchmark::State& state) {
    attn::WordPieceTokenizer slow = tokenizer();
    slow.set_ascii_fast_path(false);
    const std::string& text = prose();
    std::size_t tokens = 0;
    for (auto _ : state) {
        auto result = slow.tokenize(text);
        tokens = result.size();
        benchmark::DoNotOptimize(result.data());
    }
    report(state, text.size(), tokens);
}
BENCHMARK(BM_Tokenize1MB_NoAsciiFastPath)->Unit(benchmark::kMillisecond);

void BM_VocabLoadFile(benchmark::State& state) {
    for (auto _ : state) {
        attn::Vocab v = attn::Vocab::load_file(ATTN_VOCAB_PATH);
        benchmark::DoNotOptimize(v.size());
    }
}
BENCHMARK(BM_VocabLoadFile)->Unit(benchmark::kMillisecond);

// What the web build does: the file's text is already in memory.
void BM_VocabFromText(benchmark::State& state) {
    std::ifstream in(ATTN_VOCAB_PATH, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (auto _ : state) {
        attn::Vocab v = attn::Vocab::from_text(text);
        benchmark::DoNotOptimize(v.size());
    }
}
BENCHMARK(BM_VocabFromText)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
