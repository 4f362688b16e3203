#ifndef LMP_FORMULA_PARSER_H_
#define LMP_FORMULA_PARSER_H_

#include <memory>
#include <string_view>

#include "formula/ast.h"
#include "util/error.h"

namespace lmp::formula {

// A fault in a formula, at a 1-based column, with the formula and a caret
// line in detail(). Callers add the file and JSON pointer via Located().
class FormulaError : public Error {
 public:
  FormulaError(std::string_view text, uint32_t begin, uint32_t end, std::string message);
  uint32_t column() const { return column_; }

 private:
  uint32_t column_;
};

// The longest formula Parse accepts, in bytes: ten times the longest in the
// embedded database (445).
inline constexpr size_t kMaxFormulaBytes = 4096;
// The deepest nesting of parentheses, calls and operators it accepts.
inline constexpr int kMaxFormulaDepth = 128;

// Parses a formula. Throws FormulaError on a syntax error, or when the
// formula is longer than kMaxFormulaBytes or nests deeper than
// kMaxFormulaDepth.
std::shared_ptr<const Formula> Parse(std::string_view text);

}  // namespace lmp::formula

#endif  // LMP_FORMULA_PARSER_H_
