#include "formula/affine.h"

#include <gtest/gtest.h>

#include "formula/compiler.h"
#include "formula/parser.h"

namespace lmp::formula {
namespace {

// Two inputs: x in slot 0 (the variable), n in slot 1 (held constant).
class TwoInputs : public Environment {
 public:
  TwoInputs() {
    Binding x, n;
    x.is_const = n.is_const = false;
    x.slot = 0;
    n.slot = 1;
    globals_.Bind("x", x);
    globals_.Bind("n", n);
  }
  const Binding* FindGlobal(std::string_view name) const override { return globals_.Find(name); }
  std::vector<std::string> GlobalNames() const override { return globals_.Names(); }
  bool ResolveCall(std::string_view, Callee*) const override { return false; }

 private:
  Scope globals_;
};

// The affine form of `text` with n = 6, for x in `range` when given.
AffineValue Form(const std::string& text, const AffineRange* range = nullptr,
                 std::vector<int64_t>* breakpoints = nullptr) {
  TwoInputs env;
  Compiler c(env);
  c.ReserveInputs(2);
  const uint32_t out = c.NewSlot();
  c.EmitInto(Parse(text), Scope(), "test", out);
  const Program p = c.Finish();
  return AnalyzeAffine(p, {Value::Int(0), Value::Int(6)}, 0, range, breakpoints)[out];
}

TEST(AffineTest, LinearFormulasGiveBaseAndSlope) {
  const AffineValue v = Form("2 * {n} * ({x} + 3) - {x} / 2");
  ASSERT_TRUE(v.affine);
  // 12 x + 36 - x / 2 = 36 + 11.5 x.
  EXPECT_EQ(v.base.AsDouble(), 36.0);
  EXPECT_EQ(v.slope.AsDouble(), 11.5);
  int64_t at = 0;
  EXPECT_FALSE(EvaluateWhole(v, 3, &at));  // 11.5 is not a whole slope
  const AffineValue w = Form("-({x} * {n}) + {n} ^ 2");
  ASSERT_TRUE(w.affine);
  ASSERT_TRUE(EvaluateWhole(w, 10, &at));
  EXPECT_EQ(at, 36 - 60);
}

TEST(AffineTest, ConstantsFoldWithEveryOperator) {
  const AffineValue v = Form("ceil_div({n}, 4) + max({n}, 2) + {n} // 4 + {n} % 4");
  ASSERT_TRUE(v.affine);
  EXPECT_EQ(v.base, Value::Int(2 + 6 + 1 + 2));
  EXPECT_EQ(v.slope, Value::Int(0));
}

TEST(AffineTest, NonlinearUsesOfTheVariableAreNotAffine) {
  for (const char* text : {"{x} * {x}", "ceil_div({x}, 64)", "min({x}, 4096)", "{x} // 2", "{x} % 2", "2 ^ {x}",
                           "{n} / {x}", "ceil({x} / 3)"}) {
    EXPECT_FALSE(Form(text).affine) << text;
  }
}

TEST(AffineTest, MinAndMaxResolveOnARangeThatDoesNotCrossTheirEdge) {
  // min(x, 100) * n: 6x below the edge, 600 above it.
  const AffineRange below{1, 100}, above{100, 5000}, across{50, 5000};
  const AffineValue lo = Form("min({x}, 100) * {n}", &below);
  ASSERT_TRUE(lo.affine);
  EXPECT_EQ(lo.base, Value::Int(0));
  EXPECT_EQ(lo.slope, Value::Int(6));
  const AffineValue hi = Form("min({x}, 100) * {n}", &above);
  ASSERT_TRUE(hi.affine);
  EXPECT_EQ(hi.base, Value::Int(600));
  EXPECT_EQ(hi.slope, Value::Int(0));
  // Across the edge: not affine, and the last x before the crossing is the
  // place to split: [50, 100] and [101, 5000].
  std::vector<int64_t> breakpoints;
  EXPECT_FALSE(Form("min({x}, 100) * {n}", &across, &breakpoints).affine);
  EXPECT_EQ(breakpoints, (std::vector<int64_t>{100}));
  // max(2x, x + 7) crosses at x = 7.
  breakpoints.clear();
  const AffineRange wide{0, 20};
  EXPECT_FALSE(Form("max(2 * {x}, {x} + 7)", &wide, &breakpoints).affine);
  EXPECT_EQ(breakpoints, (std::vector<int64_t>{7}));
  // Without a range, min over x never resolves.
  EXPECT_FALSE(Form("min({x}, 100)").affine);
}

TEST(AffineTest, ConstantFaultsAreNotAffine) {
  // The concrete run reports the division by zero; the analysis only declines.
  EXPECT_FALSE(Form("{x} + {n} / ({n} - 6)").affine);
}

}  // namespace
}  // namespace lmp::formula
