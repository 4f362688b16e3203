#ifndef LMP_FORMULA_VALUE_H_
#define LMP_FORMULA_VALUE_H_

#include <cstdint>
#include <string>

namespace lmp::formula {

// A formula value: an exact 64-bit integer, or a double once any operand or
// a non-exact division made it one. Integer arithmetic is checked: overflow
// is a status, never a wrapped number.
struct Value {
  union {
    int64_t i;
    double d;
  };
  bool is_int;

  constexpr Value() : i(0), is_int(true) {}
  static constexpr Value Int(int64_t v) {
    Value x;
    x.i = v;
    return x;
  }
  static Value Real(double v) {
    Value x;
    x.d = v;
    x.is_int = false;
    return x;
  }
  double AsDouble() const { return is_int ? static_cast<double>(i) : d; }
  bool operator==(const Value& o) const {
    return is_int == o.is_int && (is_int ? i == o.i : d == o.d);
  }
  std::string ToString() const;
};

enum class BinOp : uint8_t { kAdd, kSub, kMul, kDiv, kFloorDiv, kMod, kPow };
enum class Func : uint8_t { kMin, kMax, kCeil, kFloor, kCeilDiv };

enum class Status : uint8_t { kOk, kOverflow, kDivByZero, kNotFinite };

// Applies one operator. `/` on integers stays an integer when the division
// is exact and becomes a double otherwise (so 4096 / 32 is 128, and 7 / 2 is
// 3.5); `//` and `%` follow Python (floor) semantics.
Status ApplyBinary(BinOp op, Value a, Value b, Value* out);
Status ApplyNeg(Value a, Value* out);
// min/max take argc >= 1 values; ceil/floor 1; ceil_div 2.
Status ApplyFunc(Func f, const Value* args, int argc, Value* out);

const char* BinOpText(BinOp op);
const char* FuncName(Func f);
const char* StatusText(Status s);

// A metric is a whole number: an integral value as is, a fractional one
// (sub-byte element sizes) rounded up to the next whole unit.
Status ToCount(Value v, int64_t* out);

}  // namespace lmp::formula

#endif  // LMP_FORMULA_VALUE_H_
