#ifndef LMP_FORMULA_AST_H_
#define LMP_FORMULA_AST_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "formula/value.h"

namespace lmp::formula {

enum class NodeKind : uint8_t {
  kNumber,  // literal
  kParam,   // {name} or legacy ${name}
  kCall,    // ${module.Class}(arg = expr, ...): another module's same metric
  kFunc,    // min(...), ceil_div(a, b), ...
  kNeg,     // -x
  kBinary,  // x op y
};

struct Node {
  NodeKind kind = NodeKind::kNumber;
  BinOp op = BinOp::kAdd;
  Func func = Func::kMin;
  Value number;
  std::string name;                    // parameter or module name
  std::vector<std::string> arg_names;  // kCall: "" for a positional argument
  std::vector<std::unique_ptr<Node>> children;
  uint32_t begin = 0, end = 0;  // byte range in the formula text
  uint32_t name_begin = 0;      // kParam/kCall: where the name starts
};

// A parsed formula. The text is kept for error messages and printing.
struct Formula {
  std::string text;
  std::unique_ptr<Node> root;
};

// The first module call in a tree, or null: formulas outside a module's
// metrics (layer parameters, repeats) may not call modules, since a call
// stands for "the same metric" and those formulas have none.
const Node* FindCall(const Node& n);

}  // namespace lmp::formula

#endif  // LMP_FORMULA_AST_H_
