// describe.cpp — the current section as text blocks, and the exports of every widget.
//
// The blocks of the lesson file become text as they are; each widget block becomes what its
// describer (section_*.cpp) says about its live state.
#include "app/describe.h"

#include "app/lesson.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace app {

std::string Fixed(double x, int decimals) {
    if (!std::isfinite(x)) return std::isnan(x) ? "NaN" : (x > 0 ? "∞" : "−∞");
    if (std::abs(x) < 0.5 * std::pow(10.0, -decimals)) x = 0.0;  // never "-0.000"
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
    return buf;
}

TextTable MatrixTable(const MatrixExport& m, int decimals) {
    TextTable t;
    t.caption = m.title;
    t.header.push_back("");
    for (Eigen::Index j = 0; j < m.values.cols(); ++j)
        t.header.push_back(j < static_cast<Eigen::Index>(m.cols.size()) ? m.cols[static_cast<size_t>(j)] : std::to_string(j + 1));
    for (Eigen::Index i = 0; i < m.values.rows(); ++i) {
        std::vector<std::string> row;
        row.push_back(i < static_cast<Eigen::Index>(m.rows.size()) ? m.rows[static_cast<size_t>(i)] : std::to_string(i + 1));
        for (Eigen::Index j = 0; j < m.values.cols(); ++j) row.push_back(Fixed(static_cast<double>(m.values(i, j)), decimals));
        t.rows.push_back(std::move(row));
    }
    return t;
}

namespace {

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos && (s.empty() || (s.front() != ' ' && s.back() != ' '))) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace

std::string ExportCsv(const MatrixExport& m) {
    std::string out;  // the corner cell is empty
    for (Eigen::Index j = 0; j < m.values.cols(); ++j)
        out += "," + csv_field(j < static_cast<Eigen::Index>(m.cols.size()) ? m.cols[static_cast<size_t>(j)] : std::to_string(j + 1));
    out += "\r\n";
    char buf[48];
    for (Eigen::Index i = 0; i < m.values.rows(); ++i) {
        out += csv_field(i < static_cast<Eigen::Index>(m.rows.size()) ? m.rows[static_cast<size_t>(i)] : std::to_string(i + 1));
        for (Eigen::Index j = 0; j < m.values.cols(); ++j) {
            const double x = static_cast<double>(m.values(i, j));
            if (std::isfinite(x)) std::snprintf(buf, sizeof buf, ",%.9g", x);  // a float's every digit
            else std::snprintf(buf, sizeof buf, ",%s", std::isnan(x) ? "NaN" : (x > 0 ? "Infinity" : "-Infinity"));
            out += buf;
        }
        out += "\r\n";
    }
    return out;
}

WidgetText DescribeWidget(Lesson& lesson, const std::string& name) {
    if (WaitsForModels(lesson, name)) return DescribeModelsLoading(name);
    const DescribeFn fn = FindDescriber(name);
    if (!fn) return WidgetText{};
    WidgetText w = fn(lesson);
    w.widget = name;
    return w;
}

SectionText DescribeSection(Lesson& lesson) {
    using K = attn::Block::Kind;
    SectionText out;
    const SectionInfo& info = sections()[static_cast<size_t>(lesson.current)];
    out.id = info.id;
    out.title = section_title(lesson, lesson.current);
    out.problems = lesson.problems();
    out.banner = lesson.banner;
    const attn::DocSection* section = lesson.doc.find(info.id);
    if (!section) {
        if (*info.widget) {
            TextBlock b;
            b.kind = "widget";
            b.widget = DescribeWidget(lesson, info.widget);
            out.blocks.push_back(std::move(b));
        }
        return out;
    }
    for (const attn::Block& block : section->blocks) {
        TextBlock b;
        switch (block.kind) {
        case K::Subheading: b.kind = "h3"; b.text = block.text; break;
        case K::Paragraph: b.kind = "p"; b.text = block.text; break;
        case K::Bullets: b.kind = "ul"; b.items = block.items; break;
        case K::Table:
            b.kind = "table";
            if (!block.rows.empty()) {
                b.table.header = block.rows.front();
                b.table.rows.assign(block.rows.begin() + 1, block.rows.end());
            }
            break;
        case K::Callout: {
            b.kind = "callout";
            b.name = block.name;
            b.title = block.title;
            std::istringstream lines(block.text);
            std::string line;
            while (std::getline(lines, line))
                if (!line.empty()) b.items.push_back(line);
            break;
        }
        case K::Terms:
            b.kind = "terms";
            for (const auto& [term, definition] : block.terms) b.items.push_back(term + ": " + definition);
            break;
        case K::Quiz: {
            b.kind = "quiz";
            b.name = block.name;
            b.text = block.text;
            for (size_t i = 0; i < block.options.size(); ++i) {
                b.items.push_back(block.options[i].text);
                if (block.options[i].correct) b.correct = static_cast<int>(i);
            }
            const auto it = lesson.progress.quiz.find(block.name);
            if (it != lesson.progress.quiz.end() && it->second >= 0 && it->second < static_cast<int>(block.options.size())) {
                b.chosen = it->second;
                b.feedback = block.feedback;
            }
            break;
        }
        case K::Widget:
            b.kind = "widget";
            b.widget = DescribeWidget(lesson, block.name);
            if (b.widget.title.empty()) {
                b.kind = "p";
                b.text = "The lesson file asks for an interactive piece called '" + block.name + "', which this version does not have.";
            }
            break;
        }
        out.blocks.push_back(std::move(b));
    }
    return out;
}

std::vector<WidgetText> DescribeWidgets(Lesson& lesson) {
    std::vector<WidgetText> out;
    const SectionInfo& info = sections()[static_cast<size_t>(lesson.current)];
    const attn::DocSection* section = lesson.doc.find(info.id);
    if (!section) {
        if (*info.widget) out.push_back(DescribeWidget(lesson, info.widget));
    } else {
        for (const attn::Block& block : section->blocks)
            if (block.kind == attn::Block::Kind::Widget && FindDescriber(block.name)) out.push_back(DescribeWidget(lesson, block.name));
    }
    return out;
}

std::vector<MatrixExport> Exports(Lesson& lesson) {
    std::vector<MatrixExport> out;
    for (const std::string& name : WidgetNames()) {
        WidgetText w = DescribeWidget(lesson, name);
        for (MatrixExport& m : w.matrices) out.push_back(std::move(m));
    }
    return out;
}

bool FindExport(Lesson& lesson, const std::string& kind, MatrixExport& out) {
    for (MatrixExport& m : Exports(lesson))
        if (m.kind == kind) {
            out = std::move(m);
            return true;
        }
    return false;
}

}  // namespace app
