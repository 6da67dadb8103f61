#include "core/lesson_doc.h"

#include <algorithm>
#include <cctype>

namespace attn {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

bool valid_id(std::string_view id) {
    if (id.empty()) return false;
    for (char c : id)
        if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-'))
            return false;
    return true;
}

// "key: value" → (key, value); false when there is no colon or the key has spaces.
bool split_key_value(std::string_view line, std::string& key, std::string& value) {
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    const std::string_view k = trim(line.substr(0, colon));
    if (k.empty() || k.find(' ') != std::string_view::npos) return false;
    key = std::string(k);
    value = std::string(trim(line.substr(colon + 1)));
    return true;
}

std::vector<std::string> table_cells(std::string_view line) {
    line = trim(line);
    if (starts_with(line, "|")) line.remove_prefix(1);
    if (!line.empty() && line.back() == '|') line.remove_suffix(1);
    std::vector<std::string> cells;
    size_t start = 0;
    for (size_t i = 0; i <= line.size(); ++i) {
        if (i == line.size() || line[i] == '|') {
            cells.emplace_back(trim(line.substr(start, i - start)));
            start = i + 1;
        }
    }
    return cells;
}

bool is_separator_row(const std::vector<std::string>& cells) {
    for (const std::string& c : cells)
        for (char ch : c)
            if (ch != '-' && ch != ':' && ch != ' ') return false;
    return !cells.empty();
}

class Parser {
public:
    explicit Parser(std::string_view text) : text_(text) {}

    LessonDoc run() {
        while (next_line()) handle(line_);
        flush();
        if (fence_) error(fence_line_, "the block opened here is never closed with ':::'");
        if (doc_.title.empty()) error(1, "the lesson has no title (a first line '# Title')");
        if (doc_.sections.empty()) error(1, "the lesson has no sections ('## id: Title')");
        return std::move(doc_);
    }

private:
    bool next_line() {
        if (pos_ >= text_.size()) return false;
        const size_t end = std::min(text_.find('\n', pos_), text_.size());
        std::string_view l = text_.substr(pos_, end - pos_);
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        line_ = l;
        pos_ = end + 1;
        ++line_no_;
        return true;
    }

    void error(int line, const std::string& what) { doc_.errors.push_back("line " + std::to_string(line) + ": " + what); }

    Block* add_block(Block::Kind kind) {
        if (doc_.sections.empty()) {
            error(line_no_, "text before the first section ('## id: Title') is ignored");
            return nullptr;
        }
        Block b;
        b.kind = kind;
        b.line = line_no_;
        doc_.sections.back().blocks.push_back(std::move(b));
        return &doc_.sections.back().blocks.back();
    }

    // Ends the paragraph, list or table being collected.
    void flush() {
        if (!paragraph_.empty()) {
            if (Block* b = add_block(Block::Kind::Paragraph)) {
                b->text = paragraph_;
                b->line = paragraph_line_;
            }
            paragraph_.clear();
        }
        if (!bullets_.empty()) {
            if (Block* b = add_block(Block::Kind::Bullets)) b->items = std::move(bullets_);
            bullets_.clear();
        }
        if (!table_.empty()) {
            if (Block* b = add_block(Block::Kind::Table)) b->rows = std::move(table_);
            table_.clear();
        }
    }

    void handle(std::string_view raw) {
        const std::string_view line = trim(raw);
        if (fence_) {
            if (line == ":::") {
                close_fence();
            } else {
                fence_body_.emplace_back(line);
            }
            return;
        }
        if (line.empty()) {
            flush();
            return;
        }
        if (starts_with(line, "### ")) {
            flush();
            if (Block* b = add_block(Block::Kind::Subheading)) b->text = std::string(trim(line.substr(4)));
        } else if (starts_with(line, "## ")) {
            flush();
            std::string id, title;
            if (!split_key_value(line.substr(3), id, title) || !valid_id(id)) {
                error(line_no_, "a section heading is written '## id: Title' with a lower-case id");
                return;
            }
            for (const DocSection& s : doc_.sections)
                if (s.id == id) error(line_no_, "section '" + id + "' appears twice");
            doc_.sections.push_back(DocSection{id, title, {}, line_no_});
        } else if (starts_with(line, "# ")) {
            flush();
            if (!doc_.title.empty()) error(line_no_, "a second title line is ignored");
            else doc_.title = std::string(trim(line.substr(2)));
        } else if (starts_with(line, ":::")) {
            flush();
            open_fence(trim(line.substr(3)));
        } else if (starts_with(line, "- ")) {
            if (!paragraph_.empty() || !table_.empty()) flush();
            bullets_.emplace_back(trim(line.substr(2)));
        } else if (starts_with(line, "|")) {
            if (!paragraph_.empty() || !bullets_.empty()) flush();
            auto cells = table_cells(line);
            if (!is_separator_row(cells)) table_.push_back(std::move(cells));
        } else if (doc_.sections.empty() && !doc_.title.empty()) {
            std::string key, value;
            if (split_key_value(line, key, value)) doc_.meta[key] = value;
            else error(line_no_, "before the first section only 'key: value' lines are read");
        } else {
            if (!bullets_.empty() || !table_.empty()) flush();
            if (paragraph_.empty()) paragraph_line_ = line_no_;
            else paragraph_ += ' ';
            paragraph_ += line;
        }
    }

    void open_fence(std::string_view header) {
        fence_ = true;
        fence_line_ = line_no_;
        fence_header_ = std::string(header);
        fence_body_.clear();
    }

    void close_fence() {
        fence_ = false;
        std::string_view header = fence_header_;
        const size_t space = header.find(' ');
        const std::string_view type = header.substr(0, space);
        const std::string_view rest = space == std::string_view::npos ? std::string_view() : trim(header.substr(space + 1));
        const int saved_line = line_no_;
        line_no_ = fence_line_;
        if (type == "callout") {
            if (Block* b = add_block(Block::Kind::Callout)) {
                const size_t sp = rest.find(' ');
                b->name = std::string(rest.substr(0, sp));
                b->title = sp == std::string_view::npos ? std::string() : std::string(trim(rest.substr(sp + 1)));
                b->text = join_paragraph();
            }
        } else if (type == "widget") {
            if (rest.empty() || !valid_id(rest)) {
                error(fence_line_, "a widget is written '::: widget name' with a lower-case name");
            } else if (Block* b = add_block(Block::Kind::Widget)) {
                b->name = std::string(rest);
                for (const std::string& l : fence_body_) {
                    std::string key, value;
                    if (l.empty()) continue;
                    if (split_key_value(l, key, value)) b->options_kv[key] = value;
                    else error(fence_line_, "widget options are 'key: value' lines");
                }
            }
        } else if (type == "terms") {
            if (Block* b = add_block(Block::Kind::Terms)) {
                for (const std::string& l : fence_body_) {
                    std::string key, value;
                    if (l.empty()) continue;
                    const size_t colon = l.find(':');
                    if (colon == std::string::npos) {
                        error(fence_line_, "a term is written 'term: definition'");
                        continue;
                    }
                    b->terms.emplace_back(std::string(trim(std::string_view(l).substr(0, colon))),
                                          std::string(trim(std::string_view(l).substr(colon + 1))));
                }
            }
        } else if (type == "quiz") {
            parse_quiz(rest);
        } else {
            error(fence_line_, "unknown block '::: " + std::string(type) + "'");
        }
        line_no_ = saved_line;
    }

    void parse_quiz(std::string_view id) {
        Block* b = add_block(Block::Kind::Quiz);
        if (!b) return;
        b->name = std::string(id);
        if (!valid_id(id)) error(fence_line_, "a quiz is written '::: quiz id' with a lower-case id");
        for (const std::string& l : fence_body_) {
            const std::string_view s = l;
            if (starts_with(s, "? ")) {
                b->text += (b->text.empty() ? "" : " ") + std::string(trim(s.substr(2)));
            } else if (starts_with(s, "- [x] ") || starts_with(s, "- [X] ")) {
                b->options.push_back(QuizOption{std::string(trim(s.substr(6))), true});
            } else if (starts_with(s, "- [ ] ")) {
                b->options.push_back(QuizOption{std::string(trim(s.substr(6))), false});
            } else if (starts_with(s, "> ")) {
                b->feedback += (b->feedback.empty() ? "" : " ") + std::string(trim(s.substr(2)));
            } else if (!s.empty()) {
                error(fence_line_, "quiz lines start with '? ', '- [ ] ', '- [x] ' or '> '");
            }
        }
        int correct = 0;
        for (const QuizOption& o : b->options) correct += o.correct;
        if (b->text.empty() || b->options.size() < 2 || correct != 1)
            error(fence_line_, "a quiz needs a question, at least two options and exactly one marked [x]");
    }

    std::string join_paragraph() const {
        std::string out;
        for (const std::string& l : fence_body_) {
            if (l.empty()) {
                if (!out.empty() && out.back() != '\n') out += '\n';
                continue;
            }
            if (!out.empty() && out.back() != '\n') out += ' ';
            out += l;
        }
        while (!out.empty() && out.back() == '\n') out.pop_back();
        return out;
    }

    std::string_view text_;
    size_t pos_ = 0;
    std::string_view line_;
    int line_no_ = 0;
    LessonDoc doc_;
    std::string paragraph_;
    int paragraph_line_ = 0;
    std::vector<std::string> bullets_;
    std::vector<std::vector<std::string>> table_;
    bool fence_ = false;
    int fence_line_ = 0;
    std::string fence_header_;
    std::vector<std::string> fence_body_;
};

}  // namespace

const DocSection* LessonDoc::find(std::string_view id) const {
    for (const DocSection& s : sections)
        if (s.id == id) return &s;
    return nullptr;
}

LessonDoc parse_lesson(std::string_view text) { return Parser(text).run(); }

}  // namespace attn
