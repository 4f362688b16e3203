#ifndef LMP_REPORT_TABLE_H_
#define LMP_REPORT_TABLE_H_

#include <cstddef>
#include <string>
#include <vector>

namespace lmp::report {

// How a terminal table is drawn. The CLI fills it from the terminal: width
// from the window when stdout is a TTY, colour only on a TTY and without
// NO_COLOR. Files and pipes get the defaults: every column, no escapes.
struct TableStyle {
  size_t width = 0;  // 0: no limit
  bool color = false;
};

enum class Align { kLeft, kRight };

// Cell emphasis, rendered as ANSI colour only when TableStyle::color.
enum class Tone { kPlain, kCompute, kMemory, kDim };

struct Column {
  std::string header;
  Align align = Align::kRight;
  // When the table is wider than TableStyle::width, columns are dropped
  // highest number first (ties: rightmost first); 0 is never dropped. The
  // first column is then cut from the left to fit.
  int priority = 0;
};

struct Cell {
  std::string text;
  Tone tone = Tone::kPlain;
};

struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;
  std::vector<Cell> total;  // empty: no total row
};

// Columns padded to their widest cell (counted in code points, so "µs"
// is two), a rule under the header and above the total.
std::string RenderTable(const Table& t, const TableStyle& style);

// A GitHub-flavoured Markdown table: `|` in cells escaped, right-aligned
// columns marked `---:`, the total row in bold.
std::string RenderMarkdown(const Table& t);

// RFC 4180: a field with a comma, quote or newline is quoted, quotes doubled.
std::string CsvField(const std::string& s);

// Code points in a UTF-8 string: the columns a terminal gives it (every
// character lmp prints is one column wide).
size_t DisplayWidth(const std::string& s);

}  // namespace lmp::report

#endif  // LMP_REPORT_TABLE_H_
