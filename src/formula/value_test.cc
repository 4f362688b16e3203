#include "formula/value.h"

#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

namespace lmp::formula {
namespace {

Value Bin(BinOp op, Value a, Value b, Status want = Status::kOk) {
  Value out;
  EXPECT_EQ(ApplyBinary(op, a, b, &out), want);
  return out;
}

TEST(ValueTest, ExactIntegerDivisionStaysInteger) {
  EXPECT_EQ(Bin(BinOp::kDiv, Value::Int(4096), Value::Int(32)), Value::Int(128));
  const Value half = Bin(BinOp::kDiv, Value::Int(7), Value::Int(2));
  EXPECT_FALSE(half.is_int);
  EXPECT_EQ(half.d, 3.5);
}

TEST(ValueTest, FloorDivisionAndModuloFollowPython) {
  EXPECT_EQ(Bin(BinOp::kFloorDiv, Value::Int(-7), Value::Int(2)), Value::Int(-4));
  EXPECT_EQ(Bin(BinOp::kMod, Value::Int(-7), Value::Int(2)), Value::Int(1));
  EXPECT_EQ(Bin(BinOp::kMod, Value::Int(7), Value::Int(-2)), Value::Int(-1));
}

TEST(ValueTest, OverflowIsAStatusNotAWrap) {
  const int64_t big = std::numeric_limits<int64_t>::max();
  Bin(BinOp::kMul, Value::Int(big), Value::Int(2), Status::kOverflow);
  Bin(BinOp::kAdd, Value::Int(big), Value::Int(1), Status::kOverflow);
  Bin(BinOp::kSub, Value::Int(std::numeric_limits<int64_t>::min()), Value::Int(1), Status::kOverflow);
  Bin(BinOp::kPow, Value::Int(2), Value::Int(63), Status::kOverflow);
  EXPECT_EQ(Bin(BinOp::kPow, Value::Int(2), Value::Int(62)), Value::Int(int64_t{1} << 62));
  Value neg;
  EXPECT_EQ(ApplyNeg(Value::Int(std::numeric_limits<int64_t>::min()), &neg), Status::kOverflow);
}

TEST(ValueTest, DivisionByZeroIsAStatus) {
  Bin(BinOp::kDiv, Value::Int(1), Value::Int(0), Status::kDivByZero);
  Bin(BinOp::kFloorDiv, Value::Int(1), Value::Int(0), Status::kDivByZero);
  Bin(BinOp::kMod, Value::Int(1), Value::Int(0), Status::kDivByZero);
  Bin(BinOp::kDiv, Value::Real(1.5), Value::Int(0), Status::kDivByZero);
}

TEST(ValueTest, MixedArithmeticBecomesDouble) {
  const Value v = Bin(BinOp::kMul, Value::Int(4096 * 4096), Value::Real(0.5));
  EXPECT_FALSE(v.is_int);
  EXPECT_EQ(v.d, 8388608.0);
}

TEST(ValueTest, Functions) {
  Value out;
  const Value args[] = {Value::Int(5), Value::Int(-3), Value::Int(9)};
  ASSERT_EQ(ApplyFunc(Func::kMin, args, 3, &out), Status::kOk);
  EXPECT_EQ(out, Value::Int(-3));
  ASSERT_EQ(ApplyFunc(Func::kMax, args, 3, &out), Status::kOk);
  EXPECT_EQ(out, Value::Int(9));
  const Value cd[] = {Value::Int(7), Value::Int(2)};
  ASSERT_EQ(ApplyFunc(Func::kCeilDiv, cd, 2, &out), Status::kOk);
  EXPECT_EQ(out, Value::Int(4));
  const Value cdn[] = {Value::Int(-7), Value::Int(2)};
  ASSERT_EQ(ApplyFunc(Func::kCeilDiv, cdn, 2, &out), Status::kOk);
  EXPECT_EQ(out, Value::Int(-3));
  const Value r[] = {Value::Real(2.25)};
  ASSERT_EQ(ApplyFunc(Func::kCeil, r, 1, &out), Status::kOk);
  EXPECT_EQ(out, Value::Int(3));
  ASSERT_EQ(ApplyFunc(Func::kFloor, r, 1, &out), Status::kOk);
  EXPECT_EQ(out, Value::Int(2));
  const Value z[] = {Value::Int(1), Value::Int(0)};
  EXPECT_EQ(ApplyFunc(Func::kCeilDiv, z, 2, &out), Status::kDivByZero);
}

TEST(ValueTest, ToCountRoundsFractionsUp) {
  int64_t n = 0;
  ASSERT_EQ(ToCount(Value::Real(10.5), &n), Status::kOk);
  EXPECT_EQ(n, 11);
  ASSERT_EQ(ToCount(Value::Int(42), &n), Status::kOk);
  EXPECT_EQ(n, 42);
  EXPECT_EQ(ToCount(Value::Real(1e30), &n), Status::kOverflow);
}

}  // namespace
}  // namespace lmp::formula
