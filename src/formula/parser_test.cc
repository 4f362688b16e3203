#include "formula/parser.h"

#include <gtest/gtest.h>

namespace lmp::formula {
namespace {

// Renders an AST fully parenthesised, to check structure.
std::string Show(const Node& n) {
  switch (n.kind) {
    case NodeKind::kNumber: return n.number.ToString();
    case NodeKind::kParam: return "{" + n.name + "}";
    case NodeKind::kNeg: return "(-" + Show(*n.children[0]) + ")";
    case NodeKind::kBinary:
      return "(" + Show(*n.children[0]) + " " + BinOpText(n.op) + " " + Show(*n.children[1]) + ")";
    case NodeKind::kFunc:
    case NodeKind::kCall: {
      std::string s = n.kind == NodeKind::kCall ? "$" + n.name + "(" : std::string(FuncName(n.func)) + "(";
      for (size_t i = 0; i < n.children.size(); ++i) {
        if (i) s += ", ";
        if (n.kind == NodeKind::kCall && !n.arg_names[i].empty()) s += n.arg_names[i] + "=";
        s += Show(*n.children[i]);
      }
      return s + ")";
    }
  }
  return "?";
}

std::string P(const std::string& text) { return Show(*Parse(text)->root); }

// The error as the CLI prints it: the message, then the caret lines.
std::string Err(const std::string& text) {
  try {
    Parse(text);
  } catch (const FormulaError& e) {
    return e.Line() + "\n" + e.detail();
  }
  return "no error";
}

TEST(ParserTest, Precedence) {
  EXPECT_EQ(P("1 + 2 * 3"), "(1 + (2 * 3))");
  EXPECT_EQ(P("1 - 2 - 3"), "((1 - 2) - 3)");
  EXPECT_EQ(P("2 ^ 3 ^ 2"), "(2 ^ (3 ^ 2))");
  EXPECT_EQ(P("-2 ^ 2"), "(-(2 ^ 2))");
  EXPECT_EQ(P("-{a} * {b}"), "((-{a}) * {b})");
  EXPECT_EQ(P("{a} // 2 % 3"), "(({a} // 2) % 3)");
  EXPECT_EQ(P("2 ** 3"), "(2 ^ 3)");
  EXPECT_EQ(P("(1 + 2) * 3"), "((1 + 2) * 3)");
}

TEST(ParserTest, ParamsCallsAndFunctions) {
  EXPECT_EQ(P("${dtype_bytes} * { N }"), "({dtype_bytes} * {N})");
  EXPECT_EQ(P("${torch.nn.Linear}(N = {B} * {S}, in_features = 4, out_features = 8)"),
            "$torch.nn.Linear(N=({B} * {S}), in_features=4, out_features=8)");
  EXPECT_EQ(P("${torch.nn.Linear}({B}, 4, 8)"), "$torch.nn.Linear({B}, 4, 8)");
  EXPECT_EQ(P("ceil_div({a}, 128) + max(1, 2, 3)"), "(ceil_div({a}, 128) + max(1, 2, 3))");
  EXPECT_EQ(P("1.5e3"), "1500");
}

TEST(ParserTest, ErrorsCarryColumnCaretAndSuggestion) {
  EXPECT_EQ(Err("2 * ({n} + 1"), "col 5: unclosed '('\n    2 * ({n} + 1\n        ^");
  EXPECT_EQ(Err("2 * maxx(1, 2)"),
            "col 5: unknown name 'maxx' (did you mean 'max'?)\n    2 * maxx(1, 2)\n        ^~~~");
  EXPECT_EQ(Err("{a} {b}"),
            "col 5: unexpected {b} after a complete expression; is an operator missing?\n    {a} {b}\n        ^~~");
  EXPECT_EQ(Err("ceil_div(1)"), "col 1: ceil_div() takes 2 arguments, got 1\n    ceil_div(1)\n    ^~~~~~~~~~~");
  EXPECT_EQ(Err("${torch.nn.Linear} * 2"),
            "col 1: module call ${torch.nn.Linear} needs an argument list: ${torch.nn.Linear}(name = expr, ...)\n"
            "    ${torch.nn.Linear} * 2\n    ^~~~~~~~~~~~~~~~~~");
  EXPECT_EQ(Err("3 # 4"), "col 3: unexpected character '#'\n    3 # 4\n      ^");
  EXPECT_EQ(Err("{a} +"), "col 6: formula ends where a value was expected\n    {a} +\n         ^");
  EXPECT_EQ(Err("99999999999999999999"),
            "col 1: integer literal 99999999999999999999 does not fit in 64 bits\n"
            "    99999999999999999999\n    ^~~~~~~~~~~~~~~~~~~~");
  EXPECT_EQ(Err("{hidden size}"),
            "col 2: 'hidden size' is not a valid name; use letters, digits, '_' and '.'\n"
            "    {hidden size}\n     ^~~~~~~~~~~");
}

TEST(ParserTest, DepthLimit) {
  std::string deep(200, '(');
  deep += "1" + std::string(200, ')');
  EXPECT_NE(Err(deep).find("formula nests too deeply (limit 128)"), std::string::npos);
}

// 4096 bytes parse; one more is an error at column 1, before any lexing.
TEST(ParserTest, LengthLimit) {
  std::string longest = "1";
  while (longest.size() + 4 <= kMaxFormulaBytes) longest += " + 1";
  longest.resize(kMaxFormulaBytes, ' ');
  EXPECT_EQ(Err(longest), "no error");
  const std::string err = Err(longest + " ");
  EXPECT_EQ(err.substr(0, err.find('\n')),
            "col 1: formula is 4097 bytes long, more than the 4096 any formula may be; give parts of it their own "
            "layer parameters or module calls");
}

}  // namespace
}  // namespace lmp::formula
