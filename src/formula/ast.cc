#include "formula/ast.h"

namespace lmp::formula {

const Node* FindCall(const Node& n) {
  if (n.kind == NodeKind::kCall) return &n;
  for (const auto& c : n.children) {
    if (const Node* found = FindCall(*c)) return found;
  }
  return nullptr;
}

}  // namespace lmp::formula
