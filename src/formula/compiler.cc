#include "formula/compiler.h"

#include <algorithm>

#include "formula/parser.h"
#include "util/suggest.h"

namespace lmp::formula {
namespace {

// Calls nest this deep at most; the database check rejects cycles first, so
// this only guards against unchecked input.
constexpr int kMaxCallDepth = 64;

}  // namespace

ArgumentMatch MatchArguments(const Node& call, const std::vector<ParamDecl>& params, const std::string& callee) {
  ArgumentMatch m;
  m.arg_for.assign(params.size(), nullptr);
  auto fail = [&](const Node& at, std::string message) {
    m.fault = &at;
    m.message = std::move(message);
    return m;
  };
  for (size_t a = 0; a < call.children.size(); ++a) {
    const Node& arg = *call.children[a];
    size_t index = a;
    if (!call.arg_names[a].empty()) {
      std::vector<std::string> names;
      index = params.size();
      for (size_t p = 0; p < params.size(); ++p) {
        names.push_back(params[p].name);
        if (params[p].name == call.arg_names[a]) index = p;
      }
      if (index == params.size()) {
        return fail(arg, callee + " has no parameter '" + call.arg_names[a] + "'" + DidYouMean(call.arg_names[a], names));
      }
    } else if (index >= params.size()) {
      return fail(arg, "too many arguments: " + callee + " takes " + std::to_string(params.size()));
    }
    if (m.arg_for[index]) return fail(arg, "argument '" + params[index].name + "' is given twice");
    m.arg_for[index] = &arg;
  }
  std::string missing;
  for (size_t p = 0; p < params.size(); ++p) {
    if (!m.arg_for[p] && !params[p].default_value) missing += (missing.empty() ? "" : ", ") + params[p].name;
  }
  if (!missing.empty()) return fail(call, "call to " + callee + " lacks argument(s): " + missing);
  return m;
}

void Scope::Bind(std::string name, Binding b) {
  for (auto& [n, v] : vars_) {
    if (n == name) {
      v = b;
      return;
    }
  }
  vars_.emplace_back(std::move(name), b);
}

const Binding* Scope::Find(std::string_view name) const {
  for (const auto& [n, v] : vars_) {
    if (n == name) return &v;
  }
  return nullptr;
}

std::vector<std::string> Scope::Names() const {
  std::vector<std::string> out;
  for (const auto& [n, v] : vars_) out.push_back(n);
  return out;
}

void Compiler::Fail(int32_t frame, const Node& n, const std::string& msg) {
  const Frame& f = program_.frames[frame];
  FormulaError e(f.formula->text, n.begin, n.end, msg);
  throw Error("", "", f.label + ", col " + std::to_string(e.column()) + ": " + msg, e.detail());
}

int32_t Compiler::PushFrame(std::string label, std::shared_ptr<const Formula> f, int32_t parent,
                            const Node* call) {
  Frame fr;
  fr.label = std::move(label);
  fr.formula = std::move(f);
  fr.parent = parent;
  if (call) {
    fr.call_begin = call->begin;
    fr.call_end = call->end;
  }
  program_.frames.push_back(std::move(fr));
  return static_cast<int32_t>(program_.frames.size() - 1);
}

uint32_t Compiler::AddOrigin(int32_t frame, const Node& n) {
  program_.origins.push_back({static_cast<uint32_t>(frame), n.begin, n.end});
  return static_cast<uint32_t>(program_.origins.size() - 1);
}

void Compiler::Push(Instr in) {
  switch (in.code) {
    case Opcode::kConst:
    case Opcode::kLoad:
      ++depth_;
      break;
    case Opcode::kStore:
    case Opcode::kBinary:
      --depth_;
      break;
    case Opcode::kNeg:
      break;
    case Opcode::kFunc:
      depth_ -= in.argc - 1;
      break;
  }
  program_.max_stack = std::max(program_.max_stack, depth_);
  program_.code.push_back(in);
}

// If the operands of the instruction at the end (starting at `first`) are
// all constants, evaluate it now and leave one constant.
void Compiler::Fold(size_t first, uint32_t origin) {
  auto& code = program_.code;
  const Instr op = code.back();
  const size_t nargs = code.size() - 1 - first;
  for (size_t k = first; k + 1 < code.size(); ++k) {
    if (code[k].code != Opcode::kConst) return;
  }
  std::vector<Value> args;
  for (size_t k = first; k + 1 < code.size(); ++k) args.push_back(code[k].value);
  Value result;
  Status st = Status::kOk;
  switch (op.code) {
    case Opcode::kBinary: st = ApplyBinary(op.op, args[0], args[1], &result); break;
    case Opcode::kNeg: st = ApplyNeg(args[0], &result); break;
    case Opcode::kFunc: st = ApplyFunc(op.func, args.data(), static_cast<int>(nargs), &result); break;
    default: return;
  }
  if (st != Status::kOk) {
    throw program_.Failure(st, static_cast<uint32_t>(code.size() - 1));
  }
  code.resize(first);
  --depth_;  // the operation's one result; its operands were already consumed
  Instr c{};
  c.code = Opcode::kConst;
  c.origin = origin;
  c.value = result;
  Push(c);
}

void Compiler::EmitNode(const Node& n, const Scope& scope, int32_t frame, int depth) {
  Instr in{};
  in.origin = AddOrigin(frame, n);
  switch (n.kind) {
    case NodeKind::kNumber:
      in.code = Opcode::kConst;
      in.value = n.number;
      Push(in);
      return;
    case NodeKind::kParam: {
      const Binding* b = scope.Find(n.name);
      if (!b) b = env_.FindGlobal(n.name);
      if (!b) {
        std::vector<std::string> names = scope.Names();
        for (std::string& g : env_.GlobalNames()) names.push_back(std::move(g));
        std::string hint = ClosestMatch(n.name, names);
        Fail(frame, n, "unknown parameter {" + n.name + "}" +
                           (hint.empty() ? "" : " (did you mean {" + hint + "}?)"));
      }
      if (b->is_const) {
        in.code = Opcode::kConst;
        in.value = b->value;
      } else {
        in.code = Opcode::kLoad;
        in.slot = b->slot;
      }
      Push(in);
      return;
    }
    case NodeKind::kCall:
      EmitCall(n, scope, frame, depth);
      return;
    case NodeKind::kFunc: {
      const size_t first = program_.code.size();
      for (const auto& c : n.children) EmitNode(*c, scope, frame, depth + 1);
      in.code = Opcode::kFunc;
      in.func = n.func;
      in.argc = static_cast<uint8_t>(n.children.size());
      Push(in);
      Fold(first, in.origin);
      return;
    }
    case NodeKind::kNeg: {
      const size_t first = program_.code.size();
      EmitNode(*n.children[0], scope, frame, depth + 1);
      in.code = Opcode::kNeg;
      Push(in);
      Fold(first, in.origin);
      return;
    }
    case NodeKind::kBinary: {
      const size_t first = program_.code.size();
      EmitNode(*n.children[0], scope, frame, depth + 1);
      EmitNode(*n.children[1], scope, frame, depth + 1);
      in.code = Opcode::kBinary;
      in.op = n.op;
      Push(in);
      Fold(first, in.origin);
      return;
    }
  }
}

Binding Compiler::PopBinding() {
  auto& code = program_.code;
  if (!code.empty() && code.back().code == Opcode::kConst) {
    Binding b;
    b.value = code.back().value;
    code.pop_back();
    --depth_;
    return b;
  }
  Binding b;
  b.is_const = false;
  b.slot = NewSlot();
  Instr st{};
  st.code = Opcode::kStore;
  st.slot = b.slot;
  st.origin = code.empty() ? 0 : code.back().origin;
  Push(st);
  return b;
}

void Compiler::EmitCall(const Node& n, const Scope& scope, int32_t frame, int depth) {
  Callee callee;
  if (!env_.ResolveCall(n.name, &callee)) Fail(frame, n, "unknown module ${" + n.name + "}");
  if (++call_depth_ > kMaxCallDepth) {
    Fail(frame, n, "module calls nest deeper than " + std::to_string(kMaxCallDepth) + "; is there a cycle?");
  }
  const std::vector<ParamDecl>& params = *callee.params;
  const ArgumentMatch match = MatchArguments(n, params, callee.label);
  if (match.fault) Fail(frame, *match.fault, match.message);
  const std::vector<const Node*>& arg_for = match.arg_for;
  Scope inner;
  for (size_t p = 0; p < params.size(); ++p) {
    if (!arg_for[p]) continue;
    EmitNode(*arg_for[p], scope, frame, depth + 1);
    inner.Bind(params[p].name, PopBinding());
  }
  for (size_t p = 0; p < params.size(); ++p) {
    if (arg_for[p]) continue;
    const int32_t f = PushFrame(callee.label + " default of " + params[p].name, params[p].default_value, frame, &n);
    EmitNode(*params[p].default_value->root, inner, f, depth + 1);
    inner.Bind(params[p].name, PopBinding());
  }
  if (callee.bodies.empty()) {
    Instr zero{};
    zero.code = Opcode::kConst;
    zero.origin = AddOrigin(frame, n);
    Push(zero);
  }
  const size_t sum_start = program_.code.size();
  for (size_t b = 0; b < callee.bodies.size(); ++b) {
    const int32_t f = PushFrame(callee.bodies[b].label, callee.bodies[b].formula, frame, &n);
    EmitNode(*callee.bodies[b].formula->root, inner, f, depth + 1);
    if (b > 0) {
      Instr add{};
      add.code = Opcode::kBinary;
      add.op = BinOp::kAdd;
      add.origin = AddOrigin(frame, n);
      Push(add);
      Fold(sum_start, add.origin);
    }
  }
  --call_depth_;
}

void Compiler::Emit(std::shared_ptr<const Formula> f, const Scope& scope, const std::string& label) {
  const int32_t frame = PushFrame(label, f, -1, nullptr);
  EmitNode(*f->root, scope, frame, 0);
}

Binding Compiler::EmitBinding(std::shared_ptr<const Formula> f, const Scope& scope, const std::string& label) {
  Emit(std::move(f), scope, label);
  return PopBinding();
}

void Compiler::EmitInto(std::shared_ptr<const Formula> f, const Scope& scope, const std::string& label,
                        uint32_t out) {
  Emit(std::move(f), scope, label);
  Instr st{};
  st.code = Opcode::kStore;
  st.slot = out;
  st.origin = program_.code.back().origin;
  Push(st);
}

}  // namespace lmp::formula
