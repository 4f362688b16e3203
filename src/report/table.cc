#include "report/table.h"

#include <algorithm>
#include <numeric>

namespace lmp::report {
namespace {

const char* Escape(Tone t) {
  switch (t) {
    case Tone::kCompute:
      return "\x1b[33m";  // yellow
    case Tone::kMemory:
      return "\x1b[36m";  // cyan
    case Tone::kDim:
      return "\x1b[2m";
    case Tone::kPlain:
      break;
  }
  return "";
}

constexpr const char* kBold = "\x1b[1m";
constexpr const char* kReset = "\x1b[0m";

// Keeps the last `width` code points, the first replaced by an ellipsis.
std::string CutLeft(const std::string& s, size_t width) {
  const size_t have = DisplayWidth(s);
  if (have <= width || width == 0) return s;
  size_t skip = have - width + 1;  // code points to drop, one more for the ellipsis
  size_t i = 0;
  while (skip > 0 && i < s.size()) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    --skip;
  }
  return "\xe2\x80\xa6" + s.substr(i);
}

}  // namespace

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

size_t DisplayWidth(const std::string& s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string RenderTable(const Table& t, const TableStyle& style) {
  const size_t ncol = t.columns.size();
  std::vector<size_t> width(ncol, 0);
  auto widen = [&](const std::vector<Cell>& row) {
    for (size_t c = 0; c < ncol && c < row.size(); ++c) width[c] = std::max(width[c], DisplayWidth(row[c].text));
  };
  for (size_t c = 0; c < ncol; ++c) width[c] = DisplayWidth(t.columns[c].header);
  for (const auto& r : t.rows) widen(r);
  widen(t.total);

  std::vector<bool> shown(ncol, true);
  auto line_width = [&]() {
    size_t w = 0, n = 0;
    for (size_t c = 0; c < ncol; ++c) {
      if (shown[c]) w += width[c], ++n;
    }
    return n == 0 ? 0 : w + 2 * (n - 1);
  };
  if (style.width > 0) {
    std::vector<size_t> order(ncol);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return t.columns[a].priority != t.columns[b].priority ? t.columns[a].priority > t.columns[b].priority : a > b;
    });
    for (size_t c : order) {
      if (line_width() <= style.width || t.columns[c].priority == 0) break;
      shown[c] = false;
    }
    const size_t w = line_width();
    if (w > style.width && ncol > 0) width[0] = std::max<size_t>(8, width[0] - std::min(width[0], w - style.width));
  }

  auto render_row = [&](const std::vector<Cell>* cells, const std::vector<Column>* headers, bool bold) {
    std::string line;
    bool first = true;
    for (size_t c = 0; c < ncol; ++c) {
      if (!shown[c]) continue;
      const std::string raw = headers ? (*headers)[c].header : (c < cells->size() ? (*cells)[c].text : "");
      const std::string text = c == 0 ? CutLeft(raw, width[0]) : raw;
      const Tone tone = cells && c < cells->size() ? (*cells)[c].tone : Tone::kPlain;
      const std::string pad(width[c] - std::min(width[c], DisplayWidth(text)), ' ');
      std::string shown_text = text;
      if (style.color && (bold || tone != Tone::kPlain) && !text.empty()) {
        shown_text = std::string(bold ? kBold : "") + Escape(tone) + text + kReset;
      }
      if (!first) line += "  ";
      first = false;
      line += t.columns[c].align == Align::kLeft ? shown_text + pad : pad + shown_text;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line + "\n";
  };
  const std::string rule(line_width(), '-');
  std::string out = render_row(nullptr, &t.columns, true);
  out += rule + "\n";
  for (const auto& r : t.rows) out += render_row(&r, nullptr, false);
  if (!t.total.empty()) {
    out += rule + "\n";
    out += render_row(&t.total, nullptr, true);
  }
  return out;
}

std::string RenderMarkdown(const Table& t) {
  auto cell = [](const std::string& s) {
    std::string out;
    for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
  };
  std::string out = "|";
  for (const Column& c : t.columns) out += " " + cell(c.header) + " |";
  out += "\n|";
  for (const Column& c : t.columns) out += c.align == Align::kRight ? "---:|" : "---|";
  out += "\n";
  auto row = [&](const std::vector<Cell>& r, bool bold) {
    std::string line = "|";
    for (size_t c = 0; c < t.columns.size(); ++c) {
      const std::string text = c < r.size() ? cell(r[c].text) : "";
      line += " " + (bold && !text.empty() ? "**" + text + "**" : text) + " |";
    }
    return line + "\n";
  };
  for (const auto& r : t.rows) out += row(r, false);
  if (!t.total.empty()) out += row(t.total, true);
  return out;
}

}  // namespace lmp::report
