#include "formula/program.h"

#include <array>

namespace lmp::formula {
namespace {

std::string Snippet(const Frame& f, uint32_t begin, uint32_t end) {
  return f.formula->text.substr(begin, end - begin);
}

std::string Caret(const std::string& text, uint32_t begin, uint32_t end) {
  std::string flat = text;
  for (char& c : flat) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  if (end <= begin) end = begin + 1;
  return "    " + flat + "\n    " + std::string(begin, ' ') + "^" + std::string(end - begin - 1, '~');
}

}  // namespace

Status Program::Run(Value* slots, uint32_t* failed_at) const {
  constexpr uint32_t kInline = 32;
  std::array<Value, kInline> small;
  std::vector<Value> big;
  Value* stack = small.data();
  if (max_stack > kInline) {
    big.resize(max_stack);
    stack = big.data();
  }
  uint32_t sp = 0;
  const uint32_t n = static_cast<uint32_t>(code.size());
  for (uint32_t pc = 0; pc < n; ++pc) {
    const Instr& in = code[pc];
    Status st = Status::kOk;
    switch (in.code) {
      case Opcode::kConst:
        stack[sp++] = in.value;
        break;
      case Opcode::kLoad:
        stack[sp++] = slots[in.slot];
        break;
      case Opcode::kStore:
        slots[in.slot] = stack[--sp];
        break;
      case Opcode::kBinary: {
        Value& a = stack[sp - 2];
        const Value b = stack[sp - 1];
        if (a.is_int && b.is_int && in.op == BinOp::kMul) {
          if (__builtin_mul_overflow(a.i, b.i, &a.i)) st = Status::kOverflow;
        } else if (a.is_int && b.is_int && in.op == BinOp::kAdd) {
          if (__builtin_add_overflow(a.i, b.i, &a.i)) st = Status::kOverflow;
        } else {
          st = ApplyBinary(in.op, a, b, &a);
        }
        --sp;
        break;
      }
      case Opcode::kNeg:
        st = ApplyNeg(stack[sp - 1], &stack[sp - 1]);
        break;
      case Opcode::kFunc:
        sp -= in.argc;
        st = ApplyFunc(in.func, &stack[sp], in.argc, &stack[sp]);
        ++sp;
        break;
    }
    if (st != Status::kOk) {
      *failed_at = pc;
      return st;
    }
  }
  return Status::kOk;
}

Error Program::Failure(Status status, uint32_t failed_at) const {
  const Origin& o = origins[code[failed_at].origin];
  const Frame& f = frames[o.frame];
  std::string msg = std::string(StatusText(status)) + " in '" + Snippet(f, o.begin, o.end) + "' (" +
                    f.label + ", col " + std::to_string(o.begin + 1) + ")";
  std::string detail = Caret(f.formula->text, o.begin, o.end);
  for (int32_t k = o.frame; frames[k].parent >= 0; k = frames[k].parent) {
    const Frame& callee = frames[k];
    const Frame& caller = frames[callee.parent];
    msg += "; called from " + caller.label + ", col " + std::to_string(callee.call_begin + 1);
    detail += "\n  called from " + caller.label + ":\n" +
              Caret(caller.formula->text, callee.call_begin, callee.call_end);
  }
  return Error("", "", msg + "; check the sizes and the formulas", detail);
}

}  // namespace lmp::formula
