// libFuzzer target: the lesson-file parser (core/lesson_doc.h) on arbitrary bytes.
//
// Beyond "no crash, no sanitizer report" it checks what the lesson relies on: parsing never
// throws; every error is "line N: ..." with N a line of the text; blocks and sections name lines
// of the text, in order; section ids are ids; a quiz without an error has one right answer; and
// line endings do not matter (the same text with CRLF parses to the same document).
#include "core/lesson_doc.h"
#include "fuzz/fuzz_common.h"

#include <cctype>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#define check(ok, what) FUZZ_CHECK("fuzz_lesson_doc", ok, what)

namespace {


bool same_block(const attn::Block& a, const attn::Block& b) {
    if (a.kind != b.kind || a.text != b.text || a.name != b.name || a.title != b.title || a.items != b.items ||
        a.rows != b.rows || a.terms != b.terms || a.feedback != b.feedback || a.options_kv != b.options_kv ||
        a.line != b.line || a.options.size() != b.options.size())
        return false;
    for (std::size_t i = 0; i < a.options.size(); ++i)
        if (a.options[i].text != b.options[i].text || a.options[i].correct != b.options[i].correct) return false;
    return true;
}

bool same_doc(const attn::LessonDoc& a, const attn::LessonDoc& b) {
    if (a.title != b.title || a.meta != b.meta || a.errors != b.errors || a.sections.size() != b.sections.size())
        return false;
    for (std::size_t s = 0; s < a.sections.size(); ++s) {
        const attn::DocSection &x = a.sections[s], &y = b.sections[s];
        if (x.id != y.id || x.title != y.title || x.line != y.line || x.blocks.size() != y.blocks.size()) return false;
        for (std::size_t i = 0; i < x.blocks.size(); ++i)
            if (!same_block(x.blocks[i], y.blocks[i])) return false;
    }
    return true;
}

int line_count(std::string_view text) {
    int n = 0;
    for (char c : text) n += c == '\n';
    return n + 1;  // the last line, ended or not (an empty last line counts too: harmless)
}

void check_doc(const attn::LessonDoc& doc, std::string_view text) {
    const int lines = line_count(text);
    for (const std::string& e : doc.errors) {
        check(e.rfind("line ", 0) == 0, "error without a line number: " + e);
        std::size_t end = 5;
        while (end < e.size() && std::isdigit(static_cast<unsigned char>(e[end]))) ++end;
        check(end > 5 && end + 2 <= e.size() && e.compare(end, 2, ": ") == 0, "malformed error: " + e);
        const long n = std::stol(e.substr(5, end - 5));
        check(n >= 1 && n <= lines, "error names line " + std::to_string(n) + " of " + std::to_string(lines));
    }
    int previous = 0;
    for (const attn::DocSection& s : doc.sections) {
        check(!s.id.empty(), "section without an id");
        for (char c : s.id)
            check(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-',
                  "section id '" + s.id + "' is not an id");
        check(s.line > previous && s.line <= lines, "section line out of order");
        previous = s.line;
        for (const attn::Block& b : s.blocks) {
            check(b.line >= s.line && b.line <= lines, "block line " + std::to_string(b.line) + " outside its section");
            if (b.kind == attn::Block::Kind::Quiz) {
                int right = 0;
                for (const attn::QuizOption& o : b.options) right += o.correct;
                if (right != 1 || b.options.size() < 2 || b.text.empty()) {
                    const std::string where = "line " + std::to_string(b.line) + ": ";
                    bool said = false;
                    for (const std::string& e : doc.errors) said = said || e.rfind(where, 0) == 0;
                    check(said, "a broken quiz at line " + std::to_string(b.line) + " without an error");
                }
            }
            if (b.kind == attn::Block::Kind::Widget) check(!b.name.empty(), "widget without a name");
        }
    }
    if (doc.title.empty() || doc.sections.empty()) check(!doc.errors.empty(), "no title or no section, and no error");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // The shipped lesson parses without a single error.
    std::ifstream f(fuzz::source_dir() + "/lessons/attention-lesson.md", std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    check(f.good() && !s.str().empty(), "cannot read lessons/attention-lesson.md");
    const attn::LessonDoc doc = attn::parse_lesson(s.str());
    check(doc.errors.empty(), "the shipped lesson has errors: " + (doc.errors.empty() ? "" : doc.errors[0]));
    check_doc(doc, s.str());
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const attn::LessonDoc doc = attn::parse_lesson(text);  // never throws (a throw aborts the fuzzer)
    check_doc(doc, text);

    std::string crlf;
    crlf.reserve(size + size / 8);
    for (char c : text) {
        if (c == '\n') crlf += '\r';
        crlf += c;
    }
    check(same_doc(doc, attn::parse_lesson(crlf)), "CRLF line endings change the document");
    return 0;
}
