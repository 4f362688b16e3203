#include "formula/value.h"

#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace lmp::formula {
namespace {

constexpr double kInt64Limit = 9223372036854775808.0;  // 2^63

Status Real(double d, Value* out) {
  if (!std::isfinite(d)) return Status::kNotFinite;
  *out = Value::Real(d);
  return Status::kOk;
}

// An integral double that fits int64, as an int64 (for ceil/floor results).
Status IntegralToInt(double d, Value* out) {
  if (!std::isfinite(d)) return Status::kNotFinite;
  if (d >= kInt64Limit || d < -kInt64Limit) return Status::kOverflow;
  *out = Value::Int(static_cast<int64_t>(d));
  return Status::kOk;
}

int64_t FloorDivInt(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

Status PowInt(int64_t base, int64_t exp, Value* out) {
  int64_t result = 1;
  while (exp > 0) {
    if (exp & 1) {
      if (__builtin_mul_overflow(result, base, &result)) return Status::kOverflow;
    }
    exp >>= 1;
    if (exp > 0 && __builtin_mul_overflow(base, base, &base)) return Status::kOverflow;
  }
  *out = Value::Int(result);
  return Status::kOk;
}

}  // namespace

std::string Value::ToString() const {
  if (is_int) return std::to_string(i);
  return fmt::format("{}", d);
}

Status ApplyBinary(BinOp op, Value a, Value b, Value* out) {
  if (a.is_int && b.is_int) {
    const int64_t x = a.i, y = b.i;
    int64_t r = 0;
    switch (op) {
      case BinOp::kAdd:
        if (__builtin_add_overflow(x, y, &r)) return Status::kOverflow;
        *out = Value::Int(r);
        return Status::kOk;
      case BinOp::kSub:
        if (__builtin_sub_overflow(x, y, &r)) return Status::kOverflow;
        *out = Value::Int(r);
        return Status::kOk;
      case BinOp::kMul:
        if (__builtin_mul_overflow(x, y, &r)) return Status::kOverflow;
        *out = Value::Int(r);
        return Status::kOk;
      case BinOp::kDiv:
        if (y == 0) return Status::kDivByZero;
        if (x == std::numeric_limits<int64_t>::min() && y == -1) return Status::kOverflow;
        if (x % y == 0) {
          *out = Value::Int(x / y);
          return Status::kOk;
        }
        return Real(static_cast<double>(x) / static_cast<double>(y), out);
      case BinOp::kFloorDiv:
        if (y == 0) return Status::kDivByZero;
        if (x == std::numeric_limits<int64_t>::min() && y == -1) return Status::kOverflow;
        *out = Value::Int(FloorDivInt(x, y));
        return Status::kOk;
      case BinOp::kMod:
        if (y == 0) return Status::kDivByZero;
        if (y == -1) {
          *out = Value::Int(0);
          return Status::kOk;
        }
        r = x % y;
        if (r != 0 && ((r < 0) != (y < 0))) r += y;
        *out = Value::Int(r);
        return Status::kOk;
      case BinOp::kPow:
        if (y >= 0) return PowInt(x, y, out);
        if (x == 0) return Status::kDivByZero;
        return Real(std::pow(static_cast<double>(x), static_cast<double>(y)), out);
    }
  }
  const double x = a.AsDouble(), y = b.AsDouble();
  switch (op) {
    case BinOp::kAdd: return Real(x + y, out);
    case BinOp::kSub: return Real(x - y, out);
    case BinOp::kMul: return Real(x * y, out);
    case BinOp::kDiv:
      if (y == 0) return Status::kDivByZero;
      return Real(x / y, out);
    case BinOp::kFloorDiv:
      if (y == 0) return Status::kDivByZero;
      return Real(std::floor(x / y), out);
    case BinOp::kMod: {
      if (y == 0) return Status::kDivByZero;
      double r = std::fmod(x, y);
      if (r != 0 && ((r < 0) != (y < 0))) r += y;
      return Real(r, out);
    }
    case BinOp::kPow:
      if (x == 0 && y < 0) return Status::kDivByZero;
      return Real(std::pow(x, y), out);
  }
  return Status::kNotFinite;
}

Status ApplyNeg(Value a, Value* out) {
  if (a.is_int) {
    if (a.i == std::numeric_limits<int64_t>::min()) return Status::kOverflow;
    *out = Value::Int(-a.i);
    return Status::kOk;
  }
  *out = Value::Real(-a.d);
  return Status::kOk;
}

Status ApplyFunc(Func f, const Value* args, int argc, Value* out) {
  switch (f) {
    case Func::kMin:
    case Func::kMax: {
      auto less = [](Value x, Value y) {
        return (x.is_int && y.is_int) ? x.i < y.i : x.AsDouble() < y.AsDouble();
      };
      Value best = args[0];
      for (int k = 1; k < argc; ++k) {
        if (f == Func::kMin ? less(args[k], best) : less(best, args[k])) best = args[k];
      }
      *out = best;
      return Status::kOk;
    }
    case Func::kCeil:
      if (args[0].is_int) {
        *out = args[0];
        return Status::kOk;
      }
      return IntegralToInt(std::ceil(args[0].d), out);
    case Func::kFloor:
      if (args[0].is_int) {
        *out = args[0];
        return Status::kOk;
      }
      return IntegralToInt(std::floor(args[0].d), out);
    case Func::kCeilDiv:
      if (args[0].is_int && args[1].is_int) {
        if (args[1].i == 0) return Status::kDivByZero;
        // ceil(a / b) == -floor(-a / b)
        Value neg_a;
        if (ApplyNeg(args[0], &neg_a) != Status::kOk) return Status::kOverflow;
        if (neg_a.i == std::numeric_limits<int64_t>::min() && args[1].i == -1) {
          return Status::kOverflow;
        }
        return ApplyNeg(Value::Int(FloorDivInt(neg_a.i, args[1].i)), out);
      }
      if (args[1].AsDouble() == 0) return Status::kDivByZero;
      return IntegralToInt(std::ceil(args[0].AsDouble() / args[1].AsDouble()), out);
  }
  return Status::kNotFinite;
}

const char* BinOpText(BinOp op) {
  switch (op) {
    case BinOp::kAdd: return "+";
    case BinOp::kSub: return "-";
    case BinOp::kMul: return "*";
    case BinOp::kDiv: return "/";
    case BinOp::kFloorDiv: return "//";
    case BinOp::kMod: return "%";
    case BinOp::kPow: return "^";
  }
  return "?";
}

const char* FuncName(Func f) {
  switch (f) {
    case Func::kMin: return "min";
    case Func::kMax: return "max";
    case Func::kCeil: return "ceil";
    case Func::kFloor: return "floor";
    case Func::kCeilDiv: return "ceil_div";
  }
  return "?";
}

const char* StatusText(Status s) {
  switch (s) {
    case Status::kOk: return "ok";
    case Status::kOverflow: return "64-bit integer overflow";
    case Status::kDivByZero: return "division by zero";
    case Status::kNotFinite: return "result is not a finite number";
  }
  return "?";
}

Status ToCount(Value v, int64_t* out) {
  if (v.is_int) {
    *out = v.i;
    return Status::kOk;
  }
  Value r;
  const Status s = IntegralToInt(std::ceil(v.d), &r);
  if (s == Status::kOk) *out = r.i;
  return s;
}

}  // namespace lmp::formula
