// tokenizer.h — BERT uncased WordPiece: text to the token IDs of bert-base-uncased.
//
// The same two stages as the original BERT (google-research/bert tokenization.py, and
// HuggingFace BertTokenizer with do_lower_case=True, tokenize_chinese_chars=True):
//
//   1. Basic tokenizer: drop control characters, U+0000 and U+FFFD; turn whitespace into
//      word breaks; make every CJK ideograph a word of its own; lower-case; strip accents
//      (NFD, then drop nonspacing marks); split every punctuation character off as a word.
//   2. WordPiece: split each word greedily into the longest pieces in the vocabulary,
//      continuation pieces written "##piece"; a word that cannot be split, or that is longer
//      than 100 code points, becomes [UNK].
//
// Every token remembers the bytes of the original text it came from, so the lesson can
// highlight it. Unicode properties (categories, lower case, NFD) come from utf8proc.
//
// Where the references differ, or where this one differs from them:
//  - Words over 100 code points become [UNK], as in HuggingFace (Google's code says 200).
//  - "[CLS]" typed in the text is plain text ("[", "cl", "##s", "]"), as in Google's code;
//    HuggingFace would recognise it as the special token.
//  - Lower-casing is utf8proc's simple mapping, not Python's str.lower(): a capital sigma
//    ending a word gives σ here, ς in Python (see push_normalised in tokenizer.cpp).
//  - Characters that are new in utf8proc's Unicode version (15.0 for utf8proc 2.8) may be
//    classified differently by an older Python.
//  - Invalid UTF-8, which Python strings cannot hold, is read one bad byte at a time as
//    U+FFFD, which BERT drops.
// tokenize(), encode() and decode() are const and keep no state: threads may share one
// tokenizer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attn {

// The vocabulary: one piece per line of vocab.txt, the ID of a piece being its line number
// counted from 0. bert-base-uncased has 30,522 pieces: [PAD] = 0, [UNK] = 100, [CLS] = 101,
// [SEP] = 102, [MASK] = 103, "hello" = 7592, "##world" = 11108.
class Vocab {
public:
    // Throws std::runtime_error when the file cannot be read or is malformed.
    static Vocab load_file(const std::string& path);
    // The contents of a vocab.txt already in memory (the web build fetches it). Lines end in
    // "\n" or "\r\n"; the last may lack its newline. Throws std::runtime_error, naming the
    // line, on an empty line or a piece listed twice, and on an empty vocabulary.
    static Vocab from_text(std::string_view text);

    // The ID of a piece, or -1 when the vocabulary does not have it.
    int id(std::string_view piece) const;
    // The piece with this ID. Throws std::runtime_error when id is out of range.
    const std::string& piece(int id) const;
    std::size_t size() const { return pieces_.size(); }
    // Length in bytes of the longest piece: no longer string can be in the vocabulary.
    std::size_t max_piece_bytes() const { return max_piece_bytes_; }

private:
    std::vector<std::string> pieces_;  // by ID
    // Open-addressing hash table of IDs (linear probing, -1 = empty slot, size a power of
    // two at least twice the vocabulary). It stores IDs rather than pointers to the pieces,
    // so copying a Vocab needs nothing special.
    std::vector<std::int32_t> slots_;
    std::size_t max_piece_bytes_ = 0;
};

// One WordPiece token.
struct Token {
    std::string text;        // the vocabulary piece: "hello", "##ing", "[UNK]", "[CLS]"
    int id = 0;              // its ID in the vocabulary
    std::size_t start = 0;   // byte range [start, end) of the ORIGINAL text it covers; for a
    std::size_t end = 0;     // "##" piece, that piece's part of the word
};

// One word of the basic tokenizer: normalised text and the original bytes it came from.
struct Word {
    std::string text;  // lower-cased, accents stripped, UTF-8: "Café" gives "cafe"
    std::size_t start = 0, end = 0;
};

class WordPieceTokenizer {
public:
    // BERT's limit: a longer word (in code points, after normalisation) becomes [UNK].
    static constexpr std::size_t max_input_chars_per_word = 100;

    // Takes its own copy of the vocabulary (move one in to avoid the copy). Throws
    // std::runtime_error when the vocabulary lacks [UNK], [CLS] or [SEP].
    explicit WordPieceTokenizer(Vocab vocab);

    // The WordPiece tokens of text. With add_special_tokens, [CLS] first (span [0, 0)) and
    // [SEP] last (span [n, n), n = text.size()).
    std::vector<Token> tokenize(std::string_view text, bool add_special_tokens = false) const;
    // The IDs of tokenize(text, add_special_tokens), without building the tokens.
    std::vector<int> encode(std::string_view text, bool add_special_tokens) const;
    // The words of the basic tokenizer, before WordPiece.
    std::vector<Word> basic_tokenize(std::string_view text) const;

    // Text from IDs the way HuggingFace's decode does with skip_special_tokens=False and
    // clean_up_tokenization_spaces=False: pieces joined by spaces, then every " ##" removed
    // (so "token ##ization" gives "tokenization"). Lower-casing and stripped accents are not
    // undone, and punctuation keeps its spaces ("hello , world !"). Throws
    // std::runtime_error on an ID outside the vocabulary.
    std::string decode(const std::vector<int>& ids) const;

    const Vocab& vocab() const { return vocab_; }
    int unk_id() const { return unk_id_; }
    int cls_id() const { return cls_id_; }
    int sep_id() const { return sep_id_; }

    // ASCII characters take a table-free path that gives exactly the result of the Unicode
    // path; tests and the fuzzer turn it off to check that.
    void set_ascii_fast_path(bool on) { ascii_fast_path_ = on; }

private:
    Vocab vocab_;
    int unk_id_ = -1, cls_id_ = -1, sep_id_ = -1;
    int pad_id_ = -1, mask_id_ = -1;  // -1 when the vocabulary lacks them
    bool ascii_fast_path_ = true;
};

}  // namespace attn
