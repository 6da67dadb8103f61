// BERT uncased WordPiece against the bert-base-uncased vocabulary.
//
// Every expected ID was read off the generated vocab.txt by hand: the ID of a piece is its
// line number minus one (grep -nxF 'hello' vocab.txt gives 7593, so "hello" is 7592). Where a
// word splits into several pieces, the split was found the same way: the longest prefix of
// the word that is a line of the file, then the longest "##" continuation, and so on.
#include "core/tokenizer.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

using attn::Token;
using attn::Vocab;
using attn::WordPieceTokenizer;
using Ids = std::vector<int>;

namespace {

const WordPieceTokenizer& bert() {
    static const WordPieceTokenizer tokenizer(Vocab::load_file(ATTN_VOCAB_PATH));
    return tokenizer;
}

Ids ids(std::string_view text) { return bert().encode(text, false); }

std::string repeat(std::string_view s, std::size_t times) {
    std::string out;
    out.reserve(s.size() * times);
    for (std::size_t i = 0; i < times; ++i) out.append(s);
    return out;
}

// The original bytes each token covers.
std::vector<std::string> covered(std::string_view text, const std::vector<Token>& tokens) {
    std::vector<std::string> out;
    for (const Token& t : tokens) out.emplace_back(text.substr(t.start, t.end - t.start));
    return out;
}

// Deterministic bytes for stress tests (a 64-bit LCG; the high bits are the good ones).
struct Lcg {
    std::uint64_t state;
    std::uint32_t next() {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<std::uint32_t>(state >> 33);
    }
};

// Whatever the input, tokens cover bytes of the text in order and name real pieces.
void require_well_formed(std::string_view text, const std::vector<Token>& tokens) {
    std::size_t previous_start = 0;
    for (const Token& t : tokens) {
        INFO("token \"" << t.text << "\" id " << t.id << " span [" << t.start << ", " << t.end << ")");
        REQUIRE(t.start <= t.end);
        REQUIRE(t.end <= text.size());
        REQUIRE(t.start >= previous_start);
        REQUIRE(t.id >= 0);
        REQUIRE(static_cast<std::size_t>(t.id) < bert().vocab().size());
        REQUIRE(t.text == bert().vocab().piece(t.id));
        previous_start = t.start;
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The vocabulary

TEST_CASE("vocab: bert-base-uncased has 30,522 pieces and finds them both ways") {
    const Vocab& v = bert().vocab();
    CHECK(v.size() == 30522);
    CHECK(v.id("hello") == 7592);    // line 7593
    CHECK(v.id("##world") == 11108); // line 11109
    CHECK(v.id("[PAD]") == 0);       // line 1
    CHECK(v.id("[UNK]") == 100);     // line 101
    CHECK(v.piece(7592) == "hello");
    CHECK(v.piece(2088) == "world"); // line 2089
    CHECK(v.id("not-a-piece") == -1);
    CHECK(v.id("") == -1);
    CHECK(bert().unk_id() == 100);   // line 101
    CHECK(bert().cls_id() == 101);   // line 102
    CHECK(bert().sep_id() == 102);   // line 103
}

TEST_CASE("vocab: a piece ID outside the vocabulary throws, naming the ID") {
    CHECK_THROWS_WITH(bert().vocab().piece(30522), Catch::Contains("30522"));
    CHECK_THROWS_AS(bert().vocab().piece(-1), std::runtime_error);
}

TEST_CASE("vocab: from text in memory, with \\r\\n line ends and no final newline") {
    const Vocab v = Vocab::from_text("[PAD]\r\n[UNK]\r\nhello\r\n##lo");
    CHECK(v.size() == 4);
    CHECK(v.id("[UNK]") == 1);
    CHECK(v.id("##lo") == 3);
    CHECK(v.piece(2) == "hello");
    CHECK(v.max_piece_bytes() == 5);
}

TEST_CASE("vocab: a missing file, an empty line or a repeated piece throws a clear message") {
    CHECK_THROWS_WITH(Vocab::load_file("/nonexistent/vocab.txt"),
                      Catch::Contains("/nonexistent/vocab.txt"));
    CHECK_THROWS_WITH(Vocab::from_text("a\n\nb\n"), Catch::Contains("line 2") && Catch::Contains("empty"));
    CHECK_THROWS_WITH(Vocab::from_text("a\nb\na\n"),
                      Catch::Contains("\"a\"") && Catch::Contains("lines 1 and 3"));
    CHECK_THROWS_WITH(Vocab::from_text(""), Catch::Contains("empty"));
    CHECK_THROWS_WITH(WordPieceTokenizer(Vocab::from_text("[CLS]\n[SEP]\n")), Catch::Contains("[UNK]"));
}

TEST_CASE("vocab: a tiny vocabulary in memory splits the textbook way") {
    // The example of the BERT paper's code: "unaffable" -> un ##aff ##able.
    const WordPieceTokenizer t(Vocab::from_text("[UNK]\n[CLS]\n[SEP]\nun\n##aff\n##able\n"));
    CHECK(t.encode("unaffable", false) == Ids{3, 4, 5});
    CHECK(t.encode("unaffable", true) == Ids{1, 3, 4, 5, 2});
    CHECK(t.encode("unable", false) == Ids{3, 5});
    // "##x" is missing, so the whole word is unknown, not just its end.
    CHECK(t.encode("unaffablex", false) == Ids{0});
    CHECK(t.encode("xun", false) == Ids{0});
}

// ---------------------------------------------------------------------------------------------
// Words and pieces

TEST_CASE("tokenize: \"Hello world\" is hello world") {
    CHECK(ids("Hello world") == Ids{7592, 2088});  // hello line 7593, world line 2089
    const auto tokens = bert().tokenize("Hello world");
    REQUIRE(tokens.size() == 2);
    CHECK(tokens[0].text == "hello");
    CHECK(tokens[1].text == "world");
}

TEST_CASE("tokenize: the lesson's \"Thinking Machines\"") {
    CHECK(ids("Thinking Machines") == Ids{3241, 6681});  // thinking line 3242, machines line 6682
}

TEST_CASE("tokenize: upper case is lowered") {
    CHECK(ids("HELLO WoRlD") == Ids{7592, 2088});  // hello line 7593, world line 2089
}

TEST_CASE("tokenize: a word splits into the longest pieces, continuations marked ##") {
    // token line 19205, ##ization line 3990
    CHECK(ids("tokenization") == Ids{19204, 3989});
    // una line 14478, ##ffa line 20962, ##ble line 3469 (no longer prefix of "unaffable" is a line)
    CHECK(ids("unaffable") == Ids{14477, 20961, 3468});
    // lower line 2897, ##cas line 15672, ##ing line 2076
    CHECK(ids("lowercasing") == Ids{2896, 15671, 2075});
    const auto tokens = bert().tokenize("tokenization");
    REQUIRE(tokens.size() == 2);
    CHECK(tokens[1].text == "##ization");
}

TEST_CASE("tokenize: accents are stripped, precomposed or not") {
    CHECK(ids("Café") == Ids{7668});          // cafe line 7669 ("é" is U+00E9)
    CHECK(ids("Cafe\u0301") == Ids{7668});    // "e" + combining acute U+0301
    CHECK(ids("naïve") == Ids{15743});        // naive line 15744
    CHECK(ids("İstanbul") == Ids{9960});      // istanbul line 9961 (U+0130 lowers to i + U+0307)
}

TEST_CASE("tokenize: ASCII punctuation is split off") {
    // hello 7593, "," line 1011, world 2089, "!" line 1000
    CHECK(ids("Hello, world!") == Ids{7592, 1010, 2088, 999});
    // "." line 1013: "hello.world" is three words
    CHECK(ids("hello.world") == Ids{7592, 1012, 2088});
}

TEST_CASE("tokenize: ASCII symbols count as punctuation, as in BERT") {
    // "+" and "=" are Unicode symbols (Sm) but inside BERT's ASCII ranges.
    // a line 1038, "+" line 1010, b line 1039, "=" line 1028, c line 1040
    CHECK(ids("a+b=c") == Ids{1037, 1009, 1038, 1027, 1039});
    // "$" line 1003, "5" line 1020
    CHECK(ids("$5") == Ids{1002, 1019});
}

TEST_CASE("tokenize: Unicode punctuation (P*) is split off") {
    // "«" line 1078, hello 7593, "»" line 1091, "—" (U+2014) line 1518, world 2089
    CHECK(ids("«hello»—world") == Ids{1077, 7592, 1090, 1517, 2088});
    // "¿" line 1095
    CHECK(ids("¿hello?") == Ids{1094, 7592, 1029});  // "?" line 1030
}

TEST_CASE("tokenize: a non-ASCII symbol that is not punctuation stays in its word") {
    // "©" (So) line 1076, then "2020" as continuations: ##20 line 11388, twice
    CHECK(ids("©2020") == Ids{1075, 11387, 11387});
    CHECK(ids("2020") == Ids{12609});  // line 12610
}

TEST_CASE("tokenize: each CJK ideograph is a word of its own") {
    CHECK(ids("中文") == Ids{1746, 1861});                // 中 line 1747, 文 line 1862
    CHECK(ids("北京abc") == Ids{1781, 1755, 5925});       // 北 1782, 京 1756, abc 5926
    CHECK(ids("中文。") == Ids{1746, 1861, 1636});        // "。" (U+3002, Po) line 1637
}

TEST_CASE("tokenize: Hiragana is not in BERT's CJK ranges and stays one word") {
    // こ line 1656, ##ん line 30218, ##に line 30195, ##ち line 30189, ##は line 30199
    CHECK(ids("こんにちは") == Ids{1655, 30217, 30194, 30188, 30198});
}

TEST_CASE("tokenize: Hangul syllables decompose (NFD) into jamo pieces") {
    // 한 (U+D55C) is ᄒ U+1112 + ᅡ U+1161 + ᆫ U+11AB: ᄒ line 1470, ##ᅡ line 30007, ##ᆫ line 30022
    const auto tokens = bert().tokenize("한");
    REQUIRE(tokens.size() == 3);
    CHECK(tokens[0].id == 1469);
    CHECK(tokens[1].id == 30006);
    CHECK(tokens[2].id == 30021);
    // All three come from the same three bytes of the original.
    for (const Token& t : tokens) {
        CHECK(t.start == 0);
        CHECK(t.end == 3);
    }
}

TEST_CASE("tokenize: an emoji is not in the vocabulary and gives [UNK]") {
    CHECK(ids("😀") == Ids{100});              // [UNK] line 101
    CHECK(ids("hello 😀 world") == Ids{7592, 100, 2088});
    // Inside a word the whole word is unknown, not just the emoji (BERT's rule).
    const auto tokens = bert().tokenize("hi😀 there");
    REQUIRE(tokens.size() == 2);
    CHECK(tokens[0].id == 100);
    CHECK(tokens[0].text == "[UNK]");
    CHECK(tokens[0].start == 0);
    CHECK(tokens[0].end == 6);  // "hi" + 4 bytes of U+1F600
}

TEST_CASE("tokenize: a word longer than 100 code points is [UNK], 100 is split") {
    // aaa line 13361, then ##aa line 11058 (48 times) and ##a line 2051: 3 + 96 + 1 = 100.
    Ids hundred_as{13360};
    for (int i = 0; i < 48; ++i) hundred_as.push_back(11057);
    hundred_as.push_back(2050);
    CHECK(ids(repeat("a", 100)) == hundred_as);
    CHECK(ids(repeat("a", 101)) == Ids{100});
    // The limit counts code points after normalisation, not bytes: "ä" is 2 bytes and "a".
    CHECK(ids(repeat("ä", 100)) == hundred_as);
    CHECK(ids(repeat("ä", 101)) == Ids{100});
    // Punctuation ends the word: 100 a's, a period and 100 a's again.
    Ids twice = hundred_as;
    twice.push_back(1012);  // "." line 1013
    twice.insert(twice.end(), hundred_as.begin(), hundred_as.end());
    CHECK(ids(repeat("a", 100) + "." + repeat("a", 100)) == twice);
}

TEST_CASE("tokenize: empty and whitespace-only text give no tokens") {
    CHECK(bert().tokenize("").empty());
    CHECK(bert().tokenize(" ").empty());
    // space, tab, newline, CR, NBSP (Zs), ideographic space (Zs), line separator (Zl)
    CHECK(bert().tokenize(" \t\n\r\u00A0\u3000\u2028 ").empty());
    CHECK(bert().encode("", true) == Ids{101, 102});  // [CLS] line 102, [SEP] line 103
}

TEST_CASE("tokenize: tabs, newlines, NBSP and U+2028 all separate words") {
    // A separated "world" is world (line 2089), not ##world (line 11109).
    CHECK(ids("hello\tworld") == Ids{7592, 2088});
    CHECK(ids("hello\r\nworld") == Ids{7592, 2088});
    CHECK(ids("hello\u00A0world") == Ids{7592, 2088});
    CHECK(ids("hello\u3000world") == Ids{7592, 2088});
    // Python's str.split() splits on U+2028, which BERT's _clean_text leaves alone.
    CHECK(ids("hello\u2028world") == Ids{7592, 2088});
}

TEST_CASE("tokenize: spans are byte ranges of the original text") {
    const std::string text = "Hello, wörld!";
    const auto tokens = bert().tokenize(text);
    REQUIRE(tokens.size() == 4);
    CHECK(covered(text, tokens) == std::vector<std::string>{"Hello", ",", "wörld", "!"});
    CHECK(tokens[2].start == 7);
    CHECK(tokens[2].end == 13);  // "ö" is two bytes
    CHECK(tokens[2].text == "world");
}

TEST_CASE("tokenize: a ## piece spans its own part of the word") {
    const std::string text = "  Tokenization";
    const auto tokens = bert().tokenize(text);
    REQUIRE(tokens.size() == 2);
    CHECK(covered(text, tokens) == std::vector<std::string>{"Token", "ization"});
    CHECK(tokens[0].start == 2);
    CHECK(tokens[1].end == 14);
}

TEST_CASE("tokenize: a stripped combining accent is inside the span of its letter") {
    const std::string text = "Cafe\u0301!";
    const auto tokens = bert().tokenize(text);
    REQUIRE(tokens.size() == 2);
    CHECK(tokens[0].text == "cafe");
    CHECK(covered(text, tokens) == std::vector<std::string>{"Cafe\u0301", "!"});
}

TEST_CASE("encode: with and without [CLS] and [SEP]") {
    // [CLS] line 102, hello 7593, world 2089, [SEP] line 103
    CHECK(bert().encode("Hello world", true) == Ids{101, 7592, 2088, 102});
    CHECK(bert().encode("Hello world", false) == Ids{7592, 2088});
    const auto tokens = bert().tokenize("Hello world", true);
    REQUIRE(tokens.size() == 4);
    CHECK(tokens[0].text == "[CLS]");
    CHECK(tokens[0].start == 0);
    CHECK(tokens[0].end == 0);
    CHECK(tokens[3].text == "[SEP]");
    CHECK(tokens[3].start == 11);
    CHECK(tokens[3].end == 11);
}

TEST_CASE("encode: special-token text in the input is plain text, as in the original BERT") {
    // "[" line 1032, cl line 18857, ##s line 2016, "]" line 1034 (HuggingFace would match [CLS]).
    CHECK(ids("[CLS]") == Ids{1031, 18856, 2015, 1033});
}

TEST_CASE("decode: pieces joined, ## continuations glued to the piece before") {
    CHECK(bert().decode({101, 7592, 2088, 102}) == "[CLS] hello world [SEP]");
    CHECK(bert().decode({19204, 3989}) == "tokenization");        // token ##ization
    CHECK(bert().decode({7592, 1010, 2088, 999}) == "hello , world !");
    CHECK(bert().decode({7592, 11108}) == "helloworld");           // hello ##world
    CHECK(bert().decode({}).empty());
    // A leading "##" piece, or one right after a special token, keeps its "##".
    CHECK(bert().decode({11108}) == "##world");
    CHECK(bert().decode({101, 11108}) == "[CLS] ##world");
    CHECK_THROWS_WITH(bert().decode({7592, 40000}), Catch::Contains("40000"));
}

TEST_CASE("decode: round trip of lower-case ASCII text with no punctuation") {
    const std::string text = "the quick brown fox jumps over the lazy dog";
    CHECK(bert().decode(ids(text)) == text);
}

TEST_CASE("invalid UTF-8: each bad byte is U+FFFD, which is dropped") {
    CHECK(ids("hel\xFFlo") == Ids{7592});          // dropped, not a word break: "hello"
    CHECK(ids("\xC0\xAFhello") == Ids{7592});      // overlong "/" is not a slash
    CHECK(ids("a\xED\xA0\x80" "b") == Ids{11113}); // surrogate U+D800; ab line 11114
    CHECK(ids("\xF4\x90\x80\x80") == Ids{});       // beyond U+10FFFF
    CHECK(ids("hello\xE2\x82") == Ids{7592});      // truncated sequence at the end
    CHECK(ids("\x80\x80\x80 world") == Ids{2088}); // stray continuation bytes
    const std::string text = "hel\xFFlo world";
    const auto tokens = bert().tokenize(text);
    REQUIRE(tokens.size() == 2);
    CHECK(tokens[0].start == 0);
    CHECK(tokens[0].end == 6);
}

TEST_CASE("control characters: NUL, C0, DEL and format characters are dropped") {
    // hello ##world: ##world line 11109. A dropped character joins its neighbours.
    CHECK(ids(std::string("hello\0world", 11)) == Ids{7592, 11108});
    CHECK(ids(std::string(1000, '\0')) == Ids{});
    CHECK(ids("hello\x01\x7F world") == Ids{7592, 2088});
    CHECK(ids("a\x0B" "b") == Ids{11113});       // VT is Cc, not whitespace to BERT: "ab"
    CHECK(ids("hello\u200Bworld") == Ids{7592, 11108});  // zero width space (Cf)
    CHECK(ids("hel\u00ADlo") == Ids{7592});              // soft hyphen (Cf)
    CHECK(ids("\uFEFFhello") == Ids{7592});              // byte order mark (Cf)
    CHECK(ids("hello\uFFFDworld") == Ids{7592, 11108});  // U+FFFD itself
}

TEST_CASE("known difference: Greek final sigma lowers to σ, where Python gives ς") {
    // BERT (Python's str.lower) gives οδος -> ο ##δ ##ος (line 15298). utf8proc's simple
    // lower-casing has no final-sigma rule: ο line 1170, ##δ 29723, ##ο 29731, ##σ 29734.
    CHECK(ids("ΟΔΟΣ") == Ids{1169, 29722, 29730, 29733});
    CHECK(ids("οδος") == Ids{1169, 29722, 15297});  // already lower case: same as BERT
}

TEST_CASE("basic tokenizer: the words before WordPiece, with their spans") {
    const std::string text = "Héllo, WORLD! 中文";
    const auto words = bert().basic_tokenize(text);
    REQUIRE(words.size() == 6);
    const std::vector<std::string> want{"hello", ",", "world", "!", "中", "文"};
    for (std::size_t i = 0; i < want.size(); ++i) CHECK(words[i].text == want[i]);
    CHECK(text.substr(words[0].start, words[0].end - words[0].start) == "Héllo");
    CHECK(text.substr(words[4].start, words[4].end - words[4].start) == "中");
}

TEST_CASE("ASCII fast path gives exactly the Unicode path's tokens") {
    WordPieceTokenizer unicode_only = bert();
    unicode_only.set_ascii_fast_path(false);
    auto same = [&](const std::string& text) {
        const auto fast = bert().tokenize(text);
        const auto slow = unicode_only.tokenize(text);
        REQUIRE(fast.size() == slow.size());
        for (std::size_t i = 0; i < fast.size(); ++i) {
            INFO("token " << i << " of a " << text.size() << "-byte text");
            CHECK(fast[i].id == slow[i].id);
            CHECK(fast[i].start == slow[i].start);
            CHECK(fast[i].end == slow[i].end);
        }
    };
    for (int c = 0; c < 128; ++c) {
        INFO("byte " << c);
        same(std::string("Ab") + static_cast<char>(c) + "cD e");
    }
    Lcg rng{42};
    for (int round = 0; round < 20; ++round) {
        std::string text(4096, ' ');
        for (char& c : text) c = static_cast<char>(rng.next() % 128);
        same(text);
    }
    same("Hello, World! It's 9:30 -- time for {attention} [CLS] ~tokens~ @home #1.");
}

TEST_CASE("1 MB of prose: the expected number of tokens") {
    // "Hello world. " is hello, world, "." (line 1013): three tokens.
    const std::string text = repeat("Hello world. ", 80660);  // 1,048,580 bytes
    const auto tokens = bert().tokenize(text);
    REQUIRE(tokens.size() == 3 * 80660);
    CHECK(tokens[2].id == 1012);
    CHECK(tokens.back().end == text.size() - 1);
    require_well_formed(text, tokens);
    CHECK(bert().encode(text, true).size() == 3 * 80660 + 2);
}

TEST_CASE("1 MB of random bytes: no crash, tokens in order inside the text") {
    Lcg rng{7};
    std::string text(1 << 20, '\0');
    for (char& c : text) c = static_cast<char>(rng.next() & 0xFF);
    const auto tokens = bert().tokenize(text);
    CHECK(!tokens.empty());
    require_well_formed(text, tokens);
    CHECK(bert().encode(text, false).size() == tokens.size());
}

TEST_CASE("1 MB of mixed scripts: encode agrees with tokenize") {
    const std::string text = repeat("Ünïcödé 中文 こんにちは 한국어 😀 «quoted», x+y=z\n", 1 << 14);
    const auto tokens = bert().tokenize(text);
    require_well_formed(text, tokens);
    const auto encoded = bert().encode(text, false);
    REQUIRE(encoded.size() == tokens.size());
    for (std::size_t i = 0; i < tokens.size(); i += 997) CHECK(encoded[i] == tokens[i].id);
}
