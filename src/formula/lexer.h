#ifndef LMP_FORMULA_LEXER_H_
#define LMP_FORMULA_LEXER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "formula/value.h"

namespace lmp::formula {

enum class Tok : uint8_t {
  kEnd,
  kNumber,
  kParam,      // {name}
  kDollarRef,  // ${name}: a legacy parameter, or a module when '(' follows
  kIdent,      // function name
  kOp,         // + - * / // % ^ **
  kLParen,
  kRParen,
  kComma,
  kEquals,
};

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // operator text, or the name inside braces
  Value number;
  uint32_t begin = 0, end = 0;  // byte range, braces included
  uint32_t name_begin = 0;
};

// Splits a formula into tokens on demand. Throws FormulaError on a character
// it can't start a token with.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}
  Token Next();

 private:
  Token ReadBraced(uint32_t start, uint32_t open);
  std::string_view text_;
  uint32_t pos_ = 0;
};

}  // namespace lmp::formula

#endif  // LMP_FORMULA_LEXER_H_
