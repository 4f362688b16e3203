#include "formula/lexer.h"

#include <cctype>
#include <charconv>
#include <cstdlib>

#include "formula/parser.h"

namespace lmp::formula {
namespace {

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

Token Lexer::ReadBraced(uint32_t start, uint32_t open) {
  uint32_t close = open + 1;
  while (close < text_.size() && text_[close] != '}' && text_[close] != '{') ++close;
  if (close >= text_.size() || text_[close] != '}') {
    throw FormulaError(text_, start, close, "unclosed '{'; write a parameter as {name}");
  }
  uint32_t b = open + 1, e = close;
  while (b < e && text_[b] == ' ') ++b;
  while (e > b && text_[e - 1] == ' ') --e;
  Token t;
  t.text = std::string(text_.substr(b, e - b));
  t.begin = start;
  t.end = close + 1;
  t.name_begin = b;
  if (t.text.empty()) throw FormulaError(text_, start, t.end, "empty name in braces");
  bool ok = IsIdentStart(t.text[0]);
  for (char c : t.text) ok = ok && (IsIdentChar(c) || c == '.');
  if (!ok) {
    throw FormulaError(text_, b, e, "'" + t.text + "' is not a valid name; use letters, digits, '_' and '.'");
  }
  pos_ = close + 1;
  return t;
}

Token Lexer::Next() {
  while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  Token t;
  t.begin = pos_;
  if (pos_ >= text_.size()) {
    t.kind = Tok::kEnd;
    t.end = pos_;
    return t;
  }
  const char c = text_[pos_];
  if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && pos_ + 1 < text_.size() &&
                                                      std::isdigit(static_cast<unsigned char>(text_[pos_ + 1])))) {
    uint32_t e = pos_;
    bool real = false;
    while (e < text_.size() && std::isdigit(static_cast<unsigned char>(text_[e]))) ++e;
    if (e < text_.size() && text_[e] == '.') {
      real = true;
      ++e;
      while (e < text_.size() && std::isdigit(static_cast<unsigned char>(text_[e]))) ++e;
    }
    if (e < text_.size() && (text_[e] == 'e' || text_[e] == 'E')) {
      uint32_t x = e + 1;
      if (x < text_.size() && (text_[x] == '+' || text_[x] == '-')) ++x;
      if (x < text_.size() && std::isdigit(static_cast<unsigned char>(text_[x]))) {
        real = true;
        e = x;
        while (e < text_.size() && std::isdigit(static_cast<unsigned char>(text_[e]))) ++e;
      }
    }
    const std::string lit(text_.substr(pos_, e - pos_));
    t.kind = Tok::kNumber;
    t.end = e;
    if (real) {
      t.number = Value::Real(std::strtod(lit.c_str(), nullptr));
    } else {
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(lit.data(), lit.data() + lit.size(), v);
      if (ec != std::errc()) {
        throw FormulaError(text_, pos_, e, "integer literal " + lit + " does not fit in 64 bits");
      }
      t.number = Value::Int(v);
    }
    pos_ = e;
    return t;
  }
  if (c == '{') {
    Token b = ReadBraced(pos_, pos_);
    b.kind = Tok::kParam;
    return b;
  }
  if (c == '$') {
    if (pos_ + 1 >= text_.size() || text_[pos_ + 1] != '{') {
      throw FormulaError(text_, pos_, pos_ + 1,
                         "'$' must start ${module.Class}(...) or a legacy ${param}");
    }
    Token b = ReadBraced(pos_, pos_ + 1);
    b.kind = Tok::kDollarRef;
    return b;
  }
  if (IsIdentStart(c)) {
    uint32_t e = pos_;
    while (e < text_.size() && IsIdentChar(text_[e])) ++e;
    t.kind = Tok::kIdent;
    t.text = std::string(text_.substr(pos_, e - pos_));
    t.end = e;
    t.name_begin = pos_;
    pos_ = e;
    return t;
  }
  auto single = [&](Tok k) {
    t.kind = k;
    t.text = std::string(1, c);
    t.end = ++pos_;
    return t;
  };
  switch (c) {
    case '(': return single(Tok::kLParen);
    case ')': return single(Tok::kRParen);
    case ',': return single(Tok::kComma);
    case '=': return single(Tok::kEquals);
    case '+':
    case '-':
    case '%':
    case '^':
      return single(Tok::kOp);
    case '*':
    case '/':
      if (pos_ + 1 < text_.size() && text_[pos_ + 1] == c) {
        t.kind = Tok::kOp;
        t.text = std::string(2, c);
        pos_ += 2;
        t.end = pos_;
        return t;
      }
      return single(Tok::kOp);
    default:
      break;
  }
  throw FormulaError(text_, pos_, pos_ + 1,
                     std::string("unexpected character '") + c + "'");
}

}  // namespace lmp::formula
