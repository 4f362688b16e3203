#include "formula/affine.h"

#include <cmath>

namespace lmp::formula {
namespace {

bool IsZero(const Value& v) { return v.is_int ? v.i == 0 : v.d == 0.0; }

AffineValue Constant(Value v) { return {true, v, Value::Int(0)}; }
AffineValue NonAffine() { return {false, Value::Int(0), Value::Int(0)}; }
bool IsConstant(const AffineValue& v) { return v.affine && IsZero(v.slope); }

AffineValue Binary(BinOp op, const AffineValue& a, const AffineValue& b) {
  if (!a.affine || !b.affine) return NonAffine();
  AffineValue r;
  if (IsConstant(a) && IsConstant(b)) {
    if (ApplyBinary(op, a.base, b.base, &r.base) != Status::kOk) return NonAffine();
    return r;
  }
  bool ok = true;
  switch (op) {
    case BinOp::kAdd:
    case BinOp::kSub:
      ok = ApplyBinary(op, a.base, b.base, &r.base) == Status::kOk &&
           ApplyBinary(op, a.slope, b.slope, &r.slope) == Status::kOk;
      break;
    case BinOp::kMul: {
      const AffineValue& c = IsConstant(a) ? a : b;
      const AffineValue& v = IsConstant(a) ? b : a;
      if (!IsConstant(c)) return NonAffine();
      ok = ApplyBinary(op, v.base, c.base, &r.base) == Status::kOk &&
           ApplyBinary(op, v.slope, c.base, &r.slope) == Status::kOk;
      break;
    }
    case BinOp::kDiv:
      // (base + slope x) / c splits exactly in the reals; an x-dependent
      // divisor does not.
      if (!IsConstant(b)) return NonAffine();
      ok = ApplyBinary(op, a.base, b.base, &r.base) == Status::kOk &&
           ApplyBinary(op, a.slope, b.base, &r.slope) == Status::kOk;
      break;
    default:
      return NonAffine();
  }
  return ok ? r : NonAffine();
}

bool Whole(const Value& v, int64_t* out) {
  if (v.is_int) {
    *out = v.i;
    return true;
  }
  // Doubles beyond 2^53 may already have lost units, so they do not count.
  if (!std::isfinite(v.d) || std::fabs(v.d) > 9007199254740992.0 || v.d != std::floor(v.d)) return false;
  *out = static_cast<int64_t>(v.d);
  return true;
}

double At(const AffineValue& v, int64_t x) { return v.base.AsDouble() + v.slope.AsDouble() * static_cast<double>(x); }

// min or max of affine arguments, at least one depending on x, over `range`:
// the argument that wins at both ends wins throughout. Otherwise records the
// crossings inside the range and gives up.
AffineValue MinMax(Func f, const AffineValue* args, int argc, const AffineRange& range,
                   std::vector<int64_t>* breakpoints) {
  for (int k = 0; k < argc; ++k) {
    if (!args[k].affine) return NonAffine();
  }
  const bool is_min = f == Func::kMin;
  auto beats = [&](double a, double b) { return is_min ? a <= b : a >= b; };
  for (int k = 0; k < argc; ++k) {
    bool wins = true;
    for (int j = 0; j < argc && wins; ++j) {
      wins = beats(At(args[k], range.lo), At(args[j], range.lo)) && beats(At(args[k], range.hi), At(args[j], range.hi));
    }
    if (wins) return args[k];
  }
  if (breakpoints != nullptr) {
    for (int k = 0; k < argc; ++k) {
      for (int j = k + 1; j < argc; ++j) {
        const double ds = args[k].slope.AsDouble() - args[j].slope.AsDouble();
        if (ds == 0) continue;
        const double cross = (args[j].base.AsDouble() - args[k].base.AsDouble()) / ds;
        if (cross >= static_cast<double>(range.lo) && cross < static_cast<double>(range.hi)) {
          breakpoints->push_back(static_cast<int64_t>(std::floor(cross)));
        }
      }
    }
  }
  return NonAffine();
}

}  // namespace

std::vector<AffineValue> AnalyzeAffine(const Program& program, const std::vector<Value>& inputs, uint32_t var_slot,
                                       const AffineRange* range, std::vector<int64_t>* breakpoints) {
  std::vector<AffineValue> slots(program.num_slots, Constant(Value::Int(0)));
  for (uint32_t k = 0; k < inputs.size() && k < slots.size(); ++k) slots[k] = Constant(inputs[k]);
  if (var_slot < slots.size()) slots[var_slot] = {true, Value::Int(0), Value::Int(1)};
  std::vector<AffineValue> stack;
  stack.reserve(program.max_stack);
  for (const Instr& in : program.code) {
    switch (in.code) {
      case Opcode::kConst:
        stack.push_back(Constant(in.value));
        break;
      case Opcode::kLoad:
        stack.push_back(slots[in.slot]);
        break;
      case Opcode::kStore:
        slots[in.slot] = stack.back();
        stack.pop_back();
        break;
      case Opcode::kBinary: {
        const AffineValue b = stack.back();
        stack.pop_back();
        stack.back() = Binary(in.op, stack.back(), b);
        break;
      }
      case Opcode::kNeg: {
        AffineValue& v = stack.back();
        if (v.affine &&
            (ApplyNeg(v.base, &v.base) != Status::kOk || ApplyNeg(v.slope, &v.slope) != Status::kOk)) {
          v = NonAffine();
        }
        break;
      }
      case Opcode::kFunc: {
        const size_t first = stack.size() - in.argc;
        bool constant = true;
        std::vector<Value> args;
        for (size_t k = first; k < stack.size(); ++k) {
          constant = constant && IsConstant(stack[k]);
          args.push_back(stack[k].base);
        }
        AffineValue r = NonAffine();
        if (constant) {
          r = Constant(Value::Int(0));
          if (ApplyFunc(in.func, args.data(), in.argc, &r.base) != Status::kOk) r = NonAffine();
        } else if (range != nullptr && (in.func == Func::kMin || in.func == Func::kMax)) {
          r = MinMax(in.func, &stack[first], in.argc, *range, breakpoints);
        }
        stack.resize(first);
        stack.push_back(r);
        break;
      }
    }
  }
  return slots;
}

bool EvaluateWhole(const AffineValue& v, int64_t x, int64_t* out) {
  int64_t base = 0, slope = 0, product = 0;
  if (!v.affine || !Whole(v.base, &base) || !Whole(v.slope, &slope)) return false;
  return !__builtin_mul_overflow(slope, x, &product) && !__builtin_add_overflow(base, product, out);
}

}  // namespace lmp::formula
