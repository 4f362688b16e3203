#include "formula/parser.h"

#include <algorithm>
#include <optional>

#include "formula/lexer.h"
#include "util/suggest.h"

namespace lmp::formula {
namespace {

// Binary operators, by precedence; climbing runs from this table.
struct OpInfo {
  const char* text;
  BinOp op;
  int precedence;
  bool right_assoc;
};
constexpr OpInfo kBinaryOps[] = {
    {"+", BinOp::kAdd, 10, false},      {"-", BinOp::kSub, 10, false},
    {"*", BinOp::kMul, 20, false},      {"/", BinOp::kDiv, 20, false},
    {"//", BinOp::kFloorDiv, 20, false}, {"%", BinOp::kMod, 20, false},
    {"^", BinOp::kPow, 40, true},       {"**", BinOp::kPow, 40, true},
};
// Unary minus binds looser than '^' (-2^2 is -4) and tighter than '*'.
constexpr int kUnaryPrecedence = 30;

struct FuncInfo {
  const char* name;
  Func func;
  int min_args, max_args;  // max_args < 0: no limit
};
constexpr FuncInfo kFuncs[] = {
    {"min", Func::kMin, 1, -1},  {"max", Func::kMax, 1, -1},         {"ceil", Func::kCeil, 1, 1},
    {"floor", Func::kFloor, 1, 1}, {"ceil_div", Func::kCeilDiv, 2, 2},
};

const OpInfo* FindBinary(const Token& t) {
  if (t.kind != Tok::kOp) return nullptr;
  for (const OpInfo& o : kBinaryOps) {
    if (t.text == o.text) return &o;
  }
  return nullptr;
}

std::string Describe(const Token& t) {
  switch (t.kind) {
    case Tok::kEnd: return "end of formula";
    case Tok::kNumber: return "number";
    case Tok::kParam: return "{" + t.text + "}";
    case Tok::kDollarRef: return "${" + t.text + "}";
    case Tok::kIdent: return "'" + t.text + "'";
    default: return "'" + t.text + "'";
  }
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text), lexer_(text) { Advance(); }

  std::unique_ptr<Node> ParseAll() {
    auto root = ParseExpr(0, 0);
    if (tok_.kind != Tok::kEnd) {
      Fail(tok_, "unexpected " + Describe(tok_) + " after a complete expression; is an operator missing?");
    }
    return root;
  }

 private:
  [[noreturn]] void Fail(const Token& t, const std::string& msg) {
    throw FormulaError(text_, t.begin, std::max(t.end, t.begin + 1), msg);
  }
  void Advance() { tok_ = lexer_.Next(); }
  void Expect(Tok kind, const char* what) {
    if (tok_.kind != kind) Fail(tok_, std::string("expected ") + what + ", found " + Describe(tok_));
    Advance();
  }

  std::unique_ptr<Node> ParseExpr(int min_prec, int depth) {
    if (depth > kMaxFormulaDepth) Fail(tok_, "formula nests too deeply (limit " + std::to_string(kMaxFormulaDepth) + ")");
    auto lhs = ParseUnary(depth);
    while (const OpInfo* op = FindBinary(tok_)) {
      if (op->precedence < min_prec) break;
      Advance();
      const int next = op->right_assoc ? op->precedence : op->precedence + 1;
      auto rhs = ParseExpr(next, depth + 1);
      auto n = std::make_unique<Node>();
      n->kind = NodeKind::kBinary;
      n->op = op->op;
      n->begin = lhs->begin;
      n->end = rhs->end;
      n->children.push_back(std::move(lhs));
      n->children.push_back(std::move(rhs));
      lhs = std::move(n);
    }
    return lhs;
  }

  std::unique_ptr<Node> ParseUnary(int depth) {
    if (tok_.kind == Tok::kOp && (tok_.text == "-" || tok_.text == "+")) {
      const Token sign = tok_;
      Advance();
      auto operand = ParseExpr(kUnaryPrecedence, depth + 1);
      if (sign.text == "+") return operand;
      auto n = std::make_unique<Node>();
      n->kind = NodeKind::kNeg;
      n->begin = sign.begin;
      n->end = operand->end;
      n->children.push_back(std::move(operand));
      return n;
    }
    return ParsePrimary(depth);
  }

  std::unique_ptr<Node> ParsePrimary(int depth) {
    auto n = std::make_unique<Node>();
    n->begin = tok_.begin;
    n->end = tok_.end;
    switch (tok_.kind) {
      case Tok::kNumber:
        n->kind = NodeKind::kNumber;
        n->number = tok_.number;
        Advance();
        return n;
      case Tok::kParam:
        if (tok_.text.find('.') != std::string::npos) {
          Fail(tok_, "'" + tok_.text + "' is not a parameter name; a module call is written ${" +
                         tok_.text + "}(...)");
        }
        n->kind = NodeKind::kParam;
        n->name = tok_.text;
        n->name_begin = tok_.name_begin;
        Advance();
        return n;
      case Tok::kDollarRef: {
        const Token ref = tok_;
        Advance();
        if (tok_.kind != Tok::kLParen) {
          if (ref.text.find('.') != std::string::npos) {
            Fail(ref, "module call ${" + ref.text + "} needs an argument list: ${" + ref.text +
                          "}(name = expr, ...)");
          }
          n->kind = NodeKind::kParam;  // legacy seed form ${param}
          n->name = ref.text;
          n->name_begin = ref.name_begin;
          return n;
        }
        n->kind = NodeKind::kCall;
        n->name = ref.text;
        n->name_begin = ref.name_begin;
        ParseCallArgs(n.get(), depth);
        return n;
      }
      case Tok::kIdent: {
        const Token id = tok_;
        const FuncInfo* fi = nullptr;
        for (const FuncInfo& f : kFuncs) {
          if (id.text == f.name) fi = &f;
        }
        Advance();
        if (!fi || tok_.kind != Tok::kLParen) {
          std::vector<std::string> names;
          for (const FuncInfo& f : kFuncs) names.push_back(f.name);
          std::string hint = DidYouMean(id.text, names);
          if (!fi && hint.empty()) hint = "; a parameter is written {" + id.text + "}";
          Fail(id, fi ? "function '" + id.text + "' needs parentheses"
                      : "unknown name '" + id.text + "'" + hint);
        }
        n->kind = NodeKind::kFunc;
        n->func = fi->func;
        n->name = id.text;
        Advance();  // '('
        if (tok_.kind != Tok::kRParen) {
          while (true) {
            n->children.push_back(ParseExpr(0, depth + 1));
            if (tok_.kind != Tok::kComma) break;
            Advance();
          }
        }
        n->end = tok_.end;
        Expect(Tok::kRParen, "',' or ')'");
        const int argc = static_cast<int>(n->children.size());
        if (argc < fi->min_args || (fi->max_args >= 0 && argc > fi->max_args)) {
          const std::string want = fi->min_args == fi->max_args
                                       ? std::to_string(fi->min_args)
                                       : "at least " + std::to_string(fi->min_args);
          throw FormulaError(text_, id.begin, n->end,
                             id.text + "() takes " + want + " argument" + (fi->min_args == 1 ? "" : "s") +
                                 ", got " + std::to_string(argc));
        }
        return n;
      }
      case Tok::kLParen: {
        const Token open = tok_;
        Advance();
        auto inner = ParseExpr(0, depth + 1);
        if (tok_.kind != Tok::kRParen) Fail(open, "unclosed '('");
        inner->begin = open.begin;
        inner->end = tok_.end;
        Advance();
        return inner;
      }
      case Tok::kEnd:
        Fail(tok_, "formula ends where a value was expected");
      default:
        Fail(tok_, "expected a value, found " + Describe(tok_));
    }
  }

  void ParseCallArgs(Node* call, int depth) {
    Advance();  // '('
    bool named_seen = false;
    if (tok_.kind != Tok::kRParen) {
      while (true) {
        std::string name;
        // name = expr, where name is a bare identifier or {name}.
        if (tok_.kind == Tok::kIdent || tok_.kind == Tok::kParam) {
          Lexer probe = lexer_;
          const Token after = probe.Next();
          if (after.kind == Tok::kEquals) {
            name = tok_.text;
            Advance();
            Advance();
          }
        }
        if (name.empty() && named_seen) Fail(tok_, "positional argument after a named one");
        named_seen = named_seen || !name.empty();
        call->arg_names.push_back(name);
        call->children.push_back(ParseExpr(0, depth + 1));
        if (tok_.kind != Tok::kComma) break;
        Advance();
      }
    }
    call->end = tok_.end;
    Expect(Tok::kRParen, "',' or ')' in the argument list");
  }

  std::string_view text_;
  Lexer lexer_;
  Token tok_;
};

std::string CaretLines(std::string_view text, uint32_t begin, uint32_t end) {
  std::string flat(text);
  for (char& c : flat) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  begin = std::min<uint32_t>(begin, static_cast<uint32_t>(flat.size()));
  end = std::max(begin + 1, std::min<uint32_t>(end, static_cast<uint32_t>(flat.size()) + 1));
  return "    " + flat + "\n    " + std::string(begin, ' ') + "^" + std::string(end - begin - 1, '~');
}

}  // namespace

FormulaError::FormulaError(std::string_view text, uint32_t begin, uint32_t end, std::string message)
    : Error("", "col " + std::to_string(begin + 1), std::move(message), CaretLines(text, begin, end)),
      column_(begin + 1) {}

std::shared_ptr<const Formula> Parse(std::string_view text) {
  if (text.size() > kMaxFormulaBytes) {
    throw FormulaError(text.substr(0, 60), 0, 0,
                       "formula is " + std::to_string(text.size()) + " bytes long, more than the " +
                           std::to_string(kMaxFormulaBytes) +
                           " any formula may be; give parts of it their own layer parameters or module calls");
  }
  auto f = std::make_shared<Formula>();
  f->text = std::string(text);
  Parser p(f->text);
  f->root = p.ParseAll();
  return f;
}

}  // namespace lmp::formula
