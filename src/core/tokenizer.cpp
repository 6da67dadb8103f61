#include "core/tokenizer.h"

#include "core/file.h"

#include <utf8proc.h>

#include <algorithm>
#include <tuple>
#include <limits>
#include <stdexcept>
#include <utility>

namespace attn {

// ----------------------------------------------------------------------------------------------
// Vocab

namespace {

// FNV-1a: short keys (a vocabulary piece is at most a few dozen bytes), no setup cost.
std::uint64_t hash_piece(std::string_view s) {
    std::uint64_t h = 14695981039346656037ull;
    for (char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    return h ^ (h >> 32);
}

}  // namespace

Vocab Vocab::from_text(std::string_view text) {
    Vocab v;
    const auto newlines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    v.pieces_.reserve(newlines + 1);
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        std::string_view line = text.substr(pos, nl - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) {
            throw std::runtime_error("vocabulary line " + std::to_string(v.pieces_.size() + 1) +
                                     " is empty: every line must hold one piece");
        }
        v.pieces_.emplace_back(line);  // most pieces fit std::string's inline buffer
        v.max_piece_bytes_ = std::max(v.max_piece_bytes_, line.size());
        pos = nl + 1;
    }
    if (v.pieces_.empty()) throw std::runtime_error("the vocabulary is empty");
    if (v.pieces_.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
        throw std::runtime_error("the vocabulary has more pieces than an int can number");
    }

    std::size_t capacity = 16;
    while (capacity < 2 * v.pieces_.size()) capacity *= 2;
    v.slots_.assign(capacity, -1);
    const std::size_t mask = capacity - 1;
    for (std::size_t i = 0; i < v.pieces_.size(); ++i) {
        const std::string& piece = v.pieces_[i];
        std::size_t slot = hash_piece(piece) & mask;
        while (v.slots_[slot] >= 0) {
            const auto other = static_cast<std::size_t>(v.slots_[slot]);
            if (v.pieces_[other] == piece) {
                throw std::runtime_error("the vocabulary lists \"" + piece + "\" twice, on lines " +
                                         std::to_string(other + 1) + " and " +
                                         std::to_string(i + 1));
            }
            slot = (slot + 1) & mask;
        }
        v.slots_[slot] = static_cast<std::int32_t>(i);
    }
    return v;
}

Vocab Vocab::load_file(const std::string& path) {
    std::string text;
    if (!read_file(path, text)) throw std::runtime_error("cannot open the vocabulary file \"" + path + "\"");
    try {
        return from_text(text);
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
}

int Vocab::id(std::string_view piece) const {
    if (slots_.empty()) return -1;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t slot = hash_piece(piece) & mask;; slot = (slot + 1) & mask) {
        const std::int32_t id = slots_[slot];
        if (id < 0) return -1;  // the table is at most half full, so an empty slot comes
        if (pieces_[static_cast<std::size_t>(id)] == piece) return id;
    }
}

const std::string& Vocab::piece(int id) const {
    if (id < 0 || static_cast<std::size_t>(id) >= pieces_.size()) {
        throw std::runtime_error("token ID " + std::to_string(id) + " is outside the vocabulary (0 to " +
                                 std::to_string(pieces_.size() - 1) + ")");
    }
    return pieces_[static_cast<std::size_t>(id)];
}

// ----------------------------------------------------------------------------------------------
// Basic tokenizer

namespace {

// A code point of the normalised text and the bytes of the original text it came from.
struct NormChar {
    char32_t cp;
    bool punct;         // split off as a word of its own
    bool mark;          // nonspacing mark (Mn): dropped when accents are stripped
    std::uint8_t ccc;   // canonical combining class, which orders marks in NFD
    std::size_t start, end;
};

// BERT's _is_chinese_char: the CJK Unified Ideographs blocks and their extensions, and the
// compatibility ideographs. Not Hiragana, Katakana or Hangul, which stay inside words.
bool is_cjk(char32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
           (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

// BERT's _is_punctuation: every Unicode P* category, and all non-alphanumeric printable ASCII
// ("$", "+", "^", "`" are symbols in Unicode but punctuation to BERT).
bool is_ascii_punct(char32_t cp) {
    return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) ||
           (cp >= 123 && cp <= 126);
}

bool is_punct_category(int category) {
    return category >= UTF8PROC_CATEGORY_PC && category <= UTF8PROC_CATEGORY_PO;
}

// What the first step of BERT's basic tokenizer (_clean_text, _tokenize_chinese_chars, then
// splitting on whitespace) does with one code point of the input.
enum class CharKind { drop, space, cjk, text };

CharKind classify(char32_t cp) {
    if (cp == 0 || cp == 0xFFFD) return CharKind::drop;
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') return CharKind::space;
    const auto category = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
    // Control and format characters (Cc, Cf) go; \t \n \r were whitespace above.
    if (category == UTF8PROC_CATEGORY_CC || category == UTF8PROC_CATEGORY_CF) return CharKind::drop;
    // BERT turns Zs into a space. U+2028 and U+2029 (Zl, Zp, the only characters of those
    // categories) survive its _clean_text, but Python's str.split() then splits on them.
    if (category == UTF8PROC_CATEGORY_ZS || category == UTF8PROC_CATEGORY_ZL ||
        category == UTF8PROC_CATEGORY_ZP) {
        return CharKind::space;
    }
    return is_cjk(cp) ? CharKind::cjk : CharKind::text;
}

// Splits text into BERT's basic-tokenizer words and hands each to on_word as a range of
// NormChar. Scratch buffers live here so that a long text allocates a handful of times.
class BasicTokenizer {
public:
    explicit BasicTokenizer(bool ascii_fast_path) : ascii_fast_path_(ascii_fast_path) {}

    template <typename OnWord>
    void run(std::string_view text, OnWord&& on_word) {
        const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
        const std::size_t n = text.size();
        pending_.clear();
        std::size_t i = 0;
        while (i < n) {
            const std::size_t start = i;
            char32_t cp = bytes[i];
            if (cp < 0x80) {
                ++i;
            } else {
                // Invalid UTF-8 (stray continuation byte, overlong form, surrogate, beyond
                // U+10FFFF, truncated sequence): each offending byte is one U+FFFD, which
                // BERT drops like a control character.
                utf8proc_int32_t decoded = -1;
                const utf8proc_ssize_t len = utf8proc_iterate(
                    bytes + i, static_cast<utf8proc_ssize_t>(n - i), &decoded);
                if (len > 0 && decoded >= 0) {
                    cp = static_cast<char32_t>(decoded);
                    i += static_cast<std::size_t>(len);
                } else {
                    cp = 0xFFFD;
                    ++i;
                }
            }

            if (cp < 0x80 && ascii_fast_path_) {
                // The Unicode path below, specialised to ASCII: \t \n \r and space are
                // whitespace, the other C0 controls and DEL are Cc, nothing decomposes, and
                // no ASCII character is a combining mark.
                if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') {
                    flush(on_word);
                } else if (cp >= 0x20 && cp != 0x7F) {
                    const char32_t lower = (cp >= 'A' && cp <= 'Z') ? cp + ('a' - 'A') : cp;
                    pending_.push_back({lower, is_ascii_punct(cp), false, 0, start, i});
                }
                continue;
            }

            switch (classify(cp)) {
                case CharKind::drop:
                    break;
                case CharKind::space:
                    flush(on_word);
                    break;
                case CharKind::cjk:
                    flush(on_word);  // "spaces around" the ideograph: a word of its own
                    push_normalised(cp, start, i);
                    flush(on_word);
                    break;
                case CharKind::text:
                    push_normalised(cp, start, i);
                    break;
            }
        }
        flush(on_word);
    }

private:
    // Lower-cases cp and decomposes it (NFD), appending the result to the pending word.
    //
    // BERT lower-cases with Python's str.lower(); utf8proc_tolower is its simple one-to-one
    // mapping. They differ in two places:
    //  - U+0130 (İ): Python gives "i" + U+0307, utf8proc "i". Stripping accents drops U+0307,
    //    so the tokens are the same.
    //  - Capital sigma at the end of a word: Python writes the final form ς (U+03C2),
    //    utf8proc always σ (U+03C3). So "ΟΔΟΣ" ends in "##σ" here and "##ς" in BERT.
    // The Unicode version of utf8proc (and of the Python that built the reference) may also
    // differ for recently assigned characters.
    void push_normalised(char32_t cp, std::size_t start, std::size_t end) {
        const utf8proc_int32_t lower = utf8proc_tolower(static_cast<utf8proc_int32_t>(cp));
        utf8proc_int32_t decomposed[kMaxDecomposition];
        int boundclass = 0;
        utf8proc_ssize_t count = utf8proc_decompose_char(
            lower, decomposed, kMaxDecomposition, utf8proc_option_t(UTF8PROC_DECOMPOSE | UTF8PROC_STABLE),
            &boundclass);
        if (count < 1 || count > kMaxDecomposition) {  // not for any valid code point
            decomposed[0] = lower;
            count = 1;
        }
        for (utf8proc_ssize_t k = 0; k < count; ++k) {
            const utf8proc_property_t* property = utf8proc_get_property(decomposed[k]);
            const auto ccc = static_cast<std::uint8_t>(property->combining_class);
            const bool mark = property->category == UTF8PROC_CATEGORY_MN;
            const auto d = static_cast<char32_t>(decomposed[k]);
            const bool punct = is_ascii_punct(d) || is_punct_category(property->category);
            // NFD orders each run of combining marks by class. Only marks that survive accent
            // stripping (not Mn) can be affected, and those are rare.
            if (ccc != 0 && !mark) needs_reordering_ = true;
            if (mark) has_marks_ = true;
            pending_.push_back({d, punct, mark, ccc, start, end});
        }
    }

    // The pending whitespace-delimited word is complete: finish NFD, strip accents, split on
    // punctuation and hand out the pieces.
    template <typename OnWord>
    void flush(OnWord& on_word) {
        if (pending_.empty()) return;
        if (needs_reordering_) {
            // Canonical ordering: within each run of characters with nonzero combining class,
            // a stable sort by class.
            auto it = pending_.begin();
            while (it != pending_.end()) {
                if (it->ccc == 0) {
                    ++it;
                    continue;
                }
                auto run_end = std::find_if(it, pending_.end(), [](const NormChar& c) { return c.ccc == 0; });
                std::stable_sort(it, run_end, [](const NormChar& a, const NormChar& b) { return a.ccc < b.ccc; });
                it = run_end;
            }
            needs_reordering_ = false;
        }
        // Strip accents. A dropped mark that was a character of its own in the original
        // ("e" + U+0301) widens the span of the character before it, so highlighting "cafe"
        // covers the accent too.
        if (has_marks_) {
            std::size_t kept = 0;
            for (const NormChar& c : pending_) {
                if (c.mark) {
                    if (kept > 0) pending_[kept - 1].end = std::max(pending_[kept - 1].end, c.end);
                    continue;
                }
                pending_[kept++] = c;
            }
            pending_.resize(kept);
            has_marks_ = false;
        }
        const std::size_t kept = pending_.size();
        // Every punctuation character is a word of its own.
        const NormChar* chars = pending_.data();
        std::size_t word_start = 0;
        for (std::size_t k = 0; k < kept; ++k) {
            if (!chars[k].punct) continue;
            if (word_start < k) on_word(chars + word_start, chars + k);
            on_word(chars + k, chars + k + 1);
            word_start = k + 1;
        }
        if (word_start < kept) on_word(chars + word_start, chars + kept);
        pending_.clear();
    }

    static constexpr utf8proc_ssize_t kMaxDecomposition = 8;  // canonical ones reach 4

    bool ascii_fast_path_;
    bool needs_reordering_ = false;
    bool has_marks_ = false;
    std::vector<NormChar> pending_;  // the current whitespace-delimited word
};

// The bytes of the original text that chars came from. Spans are in order except where NFD
// reordered marks, so take the extremes.
std::pair<std::size_t, std::size_t> span_of(const NormChar* begin, const NormChar* end) {
    std::size_t lo = begin->start, hi = begin->end;
    for (const NormChar* c = begin + 1; c < end; ++c) {
        lo = std::min(lo, c->start);
        hi = std::max(hi, c->end);
    }
    return {lo, hi};
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
        return;
    }
    utf8proc_uint8_t buf[4];
    const utf8proc_ssize_t len = utf8proc_encode_char(static_cast<utf8proc_int32_t>(cp), buf);
    out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(len));
}

// Greedy longest-match-first WordPiece over the words of the basic tokenizer; calls
// emit(id, start, end) for every piece.
class WordPiece {
public:
    WordPiece(const Vocab& vocab, int unk_id) : vocab_(vocab), unk_id_(unk_id) {}

    template <typename Emit>
    void split(const NormChar* chars, const NormChar* chars_end, Emit& emit) {
        const auto n = static_cast<std::size_t>(chars_end - chars);
        if (n > WordPieceTokenizer::max_input_chars_per_word) {
            const auto [start, end] = span_of(chars, chars_end);
            emit(unk_id_, start, end);
            return;
        }
        word_.clear();
        offsets_.clear();  // offsets_[k]: byte offset of character k in word_
        for (std::size_t k = 0; k < n; ++k) {
            offsets_.push_back(word_.size());
            append_utf8(word_, chars[k].cp);
        }
        offsets_.push_back(word_.size());

        pieces_.clear();
        const std::size_t max_bytes = vocab_.max_piece_bytes();
        std::size_t start = 0;
        while (start < n) {
            // The candidate key is word_[0:end] for the first piece, and "##" + word_[start:end]
            // for a continuation piece.
            const std::size_t prefix = start > 0 ? 2 : 0;
            const char* key = word_.data();
            if (prefix) {
                key_.assign("##");
                key_.append(word_, offsets_[start], std::string::npos);
                key = key_.data();
            }
            std::size_t end = n;
            int id = -1;
            for (; end > start; --end) {
                const std::size_t bytes = prefix + offsets_[end] - offsets_[start];
                if (bytes > max_bytes) continue;  // longer than any piece: cannot match
                id = vocab_.id(std::string_view(key, bytes));
                if (id >= 0) break;
            }
            if (id < 0) {  // some part of the word has no piece: the whole word is unknown
                const auto [w_start, w_end] = span_of(chars, chars_end);
                emit(unk_id_, w_start, w_end);
                return;
            }
            pieces_.push_back({id, start, end});
            start = end;
        }
        for (const Piece& p : pieces_) {
            const auto [p_start, p_end] = span_of(chars + p.first, chars + p.last);
            emit(p.id, p_start, p_end);
        }
    }

private:
    struct Piece {
        int id;
        std::size_t first, last;  // characters [first, last) of the word
    };
    const Vocab& vocab_;
    int unk_id_;
    std::string word_, key_;
    std::vector<std::size_t> offsets_;
    std::vector<Piece> pieces_;
};

}  // namespace

// ----------------------------------------------------------------------------------------------
// WordPieceTokenizer

WordPieceTokenizer::WordPieceTokenizer(Vocab vocab) : vocab_(std::move(vocab)) {
    auto require = [this](const char* piece) {
        const int id = vocab_.id(piece);
        if (id < 0) throw std::runtime_error(std::string("the vocabulary has no ") + piece + " piece");
        return id;
    };
    unk_id_ = require("[UNK]");
    cls_id_ = require("[CLS]");
    sep_id_ = require("[SEP]");
    pad_id_ = vocab_.id("[PAD]");
    mask_id_ = vocab_.id("[MASK]");
}

std::vector<Token> WordPieceTokenizer::tokenize(std::string_view text, bool add_special_tokens) const {
    std::vector<Token> tokens;
    tokens.reserve(text.size() / 4 + 2);  // English averages between four and five bytes a token
    if (add_special_tokens) tokens.push_back({vocab_.piece(cls_id_), cls_id_, 0, 0});
    auto emit = [&](int id, std::size_t start, std::size_t end) {
        tokens.push_back({vocab_.piece(id), id, start, end});
    };
    WordPiece wordpiece(vocab_, unk_id_);
    BasicTokenizer(ascii_fast_path_).run(text, [&](const NormChar* begin, const NormChar* end) {
        wordpiece.split(begin, end, emit);
    });
    if (add_special_tokens) tokens.push_back({vocab_.piece(sep_id_), sep_id_, text.size(), text.size()});
    return tokens;
}

std::vector<int> WordPieceTokenizer::encode(std::string_view text, bool add_special_tokens) const {
    std::vector<int> ids;
    ids.reserve(text.size() / 4 + 2);
    if (add_special_tokens) ids.push_back(cls_id_);
    auto emit = [&](int id, std::size_t, std::size_t) { ids.push_back(id); };
    WordPiece wordpiece(vocab_, unk_id_);
    BasicTokenizer(ascii_fast_path_).run(text, [&](const NormChar* begin, const NormChar* end) {
        wordpiece.split(begin, end, emit);
    });
    if (add_special_tokens) ids.push_back(sep_id_);
    return ids;
}

std::vector<Word> WordPieceTokenizer::basic_tokenize(std::string_view text) const {
    std::vector<Word> words;
    BasicTokenizer(ascii_fast_path_).run(text, [&](const NormChar* begin, const NormChar* end) {
        Word w;
        for (const NormChar* c = begin; c < end; ++c) append_utf8(w.text, c->cp);
        std::tie(w.start, w.end) = span_of(begin, end);
        words.push_back(std::move(w));
    });
    return words;
}

std::string WordPieceTokenizer::decode(const std::vector<int>& ids) const {
    // HuggingFace joins the pieces with spaces and deletes every " ##"; special tokens are
    // decoded on their own, so a "##" piece right after one keeps its space and its "##".
    auto is_special = [this](int id) {
        return id == unk_id_ || id == cls_id_ || id == sep_id_ || id == pad_id_ || id == mask_id_;
    };
    std::string out;
    bool after_special = false;
    for (std::size_t k = 0; k < ids.size(); ++k) {
        const std::string& piece = vocab_.piece(ids[k]);
        const bool special = is_special(ids[k]);
        const bool continuation = !special && !after_special && k > 0 && piece.compare(0, 2, "##") == 0;
        if (continuation) {
            out.append(piece, 2, std::string::npos);
        } else {
            if (k > 0) out.push_back(' ');
            out.append(piece);
        }
        after_special = special;
    }
    return out;
}

}  // namespace attn
