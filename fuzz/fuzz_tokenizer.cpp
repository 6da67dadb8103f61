// libFuzzer target: the tokenizer on arbitrary bytes, and the vocabulary parser on the same
// bytes. Build and run it with scripts/fuzz; the vocabulary's path comes from ATTN_VOCAB (or,
// in the replay driver of the CMake build, the build's vocab.txt).
//
// Beyond "no crash, no sanitizer report" it checks what callers rely on: tokens cover bytes
// of the input in order and name real pieces, encode() agrees with tokenize(), and the
// ASCII fast path gives exactly the Unicode path's tokens.
#include "core/tokenizer.h"
#include "fuzz/fuzz_common.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

std::optional<attn::WordPieceTokenizer> fast, unicode_only;

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_tokenizer: %s\n", what);
    std::abort();
}

void check(bool ok, const char* what) {
    if (!ok) fail(what);
}

void check_tokens(const attn::WordPieceTokenizer& t, std::string_view text) {
    const std::vector<attn::Token> tokens = t.tokenize(text, true);
    check(tokens.size() >= 2, "[CLS] and [SEP] missing");
    check(tokens.front().id == t.cls_id() && tokens.back().id == t.sep_id(), "specials misplaced");
    std::size_t previous_start = 0;
    for (const attn::Token& token : tokens) {
        check(token.start <= token.end && token.end <= text.size(), "span outside the text");
        check(token.start >= previous_start, "spans out of order");
        check(token.id >= 0 && static_cast<std::size_t>(token.id) < t.vocab().size(), "bad ID");
        check(token.text == t.vocab().piece(token.id), "text is not the piece of the ID");
        previous_start = token.start;
    }
    const std::vector<int> ids = t.encode(text, true);
    check(ids.size() == tokens.size(), "encode and tokenize disagree on the count");
    for (std::size_t i = 0; i < ids.size(); ++i) check(ids[i] == tokens[i].id, "encode and tokenize disagree");
    (void)t.decode(ids);
    for (const attn::Word& word : t.basic_tokenize(text)) {
        check(!word.text.empty(), "empty word");
        check(word.start <= word.end && word.end <= text.size(), "word span outside the text");
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fast.emplace(attn::Vocab::load_file(fuzz::vocab_path()));
    unicode_only.emplace(*fast);
    unicode_only->set_ascii_fast_path(false);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check_tokens(*fast, text);

    const std::vector<attn::Token> a = fast->tokenize(text);
    const std::vector<attn::Token> b = unicode_only->tokenize(text);
    check(a.size() == b.size(), "ASCII fast path changes the token count");
    for (std::size_t i = 0; i < a.size(); ++i) {
        check(a[i].id == b[i].id && a[i].start == b[i].start && a[i].end == b[i].end,
              "ASCII fast path changes a token");
    }

    // The same bytes as a vocabulary: either a clear error or a usable one.
    try {
        const attn::WordPieceTokenizer small(attn::Vocab::from_text(text));
        check_tokens(small, text);
    } catch (const std::runtime_error&) {
    }
    return 0;
}
