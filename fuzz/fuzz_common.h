// fuzz_common.h — what the libFuzzer targets share: a check that aborts with a message (so that
// libFuzzer and the replay driver report it), and where the data files are.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace fuzz {

[[noreturn]] inline void fail(const char* target, const std::string& what) {
    std::fprintf(stderr, "%s: %s\n", target, what.c_str());
    std::abort();
}

// A data file's bytes; a file that cannot be read fails the target.
inline std::string read_file(const char* target, const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) fail(target, "cannot read " + path);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

// The BERT vocabulary: $ATTN_VOCAB (scripts/fuzz sets it), else the build's copy.
inline std::string vocab_path() {
    if (const char* p = std::getenv("ATTN_VOCAB")) return p;
#ifdef ATTN_VOCAB_PATH
    return ATTN_VOCAB_PATH;
#else
    return "vocab.txt";
#endif
}

// The repository's root, for lessons/ (compiled in by scripts/fuzz and CMake).
inline std::string source_dir() {
#ifdef ATTN_SOURCE_DIR
    return ATTN_SOURCE_DIR;
#else
    return ".";
#endif
}

}  // namespace fuzz

// Aborts with the message when ok is false; the message is only built then (building it for
// every check of every run would cost more than the run).
#define FUZZ_CHECK(target, ok, what)              \
    do {                                          \
        if (!(ok)) ::fuzz::fail((target), (what)); \
    } while (0)
