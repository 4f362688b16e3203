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

// The affine form of `text` with n = 6.
AffineValue Form(const std::string& text) {
  TwoInputs env;
  Compiler c(env);
  c.ReserveInputs(2);
  const uint32_t out = c.NewSlot();
  c.EmitInto(Parse(text), Scope(), "test", out);
  const Program p = c.Finish();
  return AnalyzeAffine(p, {Value::Int(0), Value::Int(6)}, 0)[out];
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

TEST(AffineTest, ConstantFaultsAreNotAffine) {
  // The concrete run reports the division by zero; the analysis only declines.
  EXPECT_FALSE(Form("{x} + {n} / ({n} - 6)").affine);
}

}  // namespace
}  // namespace lmp::formula
