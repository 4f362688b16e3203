#include "formula/compiler.h"

#include <map>

#include <gtest/gtest.h>

#include "formula/parser.h"

namespace lmp::formula {
namespace {

// A toy module world for the compiler: each module has parameters and one
// body formula.
struct ToyModule {
  std::vector<ParamDecl> params;
  std::vector<Body> bodies;
};

class ToyEnvironment : public Environment {
 public:
  ToyEnvironment() {
    Binding bytes;
    bytes.is_const = false;
    bytes.slot = 0;
    globals_.Bind("a_bytes", bytes);
  }
  void Add(const std::string& name, std::vector<std::pair<std::string, std::string>> params,
           std::vector<std::string> bodies) {
    ToyModule m;
    for (auto& [p, def] : params) m.params.push_back({p, def.empty() ? nullptr : Parse(def)});
    for (auto& b : bodies) m.bodies.push_back({name + " body", Parse(b)});
    modules_[name] = std::move(m);
  }
  const Binding* FindGlobal(std::string_view name) const override { return globals_.Find(name); }
  std::vector<std::string> GlobalNames() const override { return globals_.Names(); }
  bool ResolveCall(std::string_view name, Callee* out) const override {
    auto it = modules_.find(std::string(name));
    if (it == modules_.end()) return false;
    out->label = it->first;
    out->params = &it->second.params;
    out->bodies = it->second.bodies;
    return true;
  }

 private:
  Scope globals_;
  std::map<std::string, ToyModule> modules_;
};

struct Compiled {
  Program program;
  uint32_t out;
};

Compiled Compile(const ToyEnvironment& env, const std::string& text, const Scope& scope) {
  Compiler c(env);
  c.ReserveInputs(2);
  const uint32_t out = c.NewSlot();
  c.EmitInto(Parse(text), scope, "test formula", out);
  return {c.Finish(), out};
}

Value RunWith(const Compiled& c, Value a_bytes, Value x) {
  std::vector<Value> slots(c.program.num_slots);
  slots[0] = a_bytes;
  slots[1] = x;
  uint32_t failed = 0;
  EXPECT_EQ(c.program.Run(slots.data(), &failed), Status::kOk);
  return slots[c.out];
}

Scope XScope() {
  Scope s;
  Binding x;
  x.is_const = false;
  x.slot = 1;
  s.Bind("x", x);
  Binding h;
  h.value = Value::Int(4096);
  s.Bind("hidden", h);
  return s;
}

TEST(CompilerTest, EvaluatesAndFoldsConstants) {
  ToyEnvironment env;
  const Compiled c = Compile(env, "2 * {hidden} * {hidden} * {x}", XScope());
  // 2 * 4096 * 4096 folds to one constant; then one load and one multiply.
  ASSERT_EQ(c.program.code.size(), 4u);
  EXPECT_EQ(RunWith(c, Value::Int(2), Value::Int(3)), Value::Int(2LL * 4096 * 4096 * 3));
}

TEST(CompilerTest, InlinesModuleCallsWithNamedPositionalAndDefaultArguments) {
  ToyEnvironment env;
  env.Add("lib.Lin", {{"n", ""}, {"k", ""}, {"bias", "0"}}, {"2 * {n} * {k} + {bias} * {n}", "{n} * {a_bytes}"});
  EXPECT_EQ(RunWith(Compile(env, "${lib.Lin}(n = {x}, k = 8)", XScope()), Value::Int(2), Value::Int(5)),
            Value::Int(2 * 5 * 8 + 5 * 2));
  EXPECT_EQ(RunWith(Compile(env, "${lib.Lin}({x}, 8, 1) + 1", XScope()), Value::Int(2), Value::Int(5)),
            Value::Int(2 * 5 * 8 + 5 + 10 + 1));
}

TEST(CompilerTest, NestedCallsSeeOnlyTheirArguments) {
  ToyEnvironment env;
  env.Add("lib.Inner", {{"m", ""}}, {"{m} * 3"});
  env.Add("lib.Outer", {{"n", ""}}, {"${lib.Inner}(m = {n} + 1) * 2"});
  EXPECT_EQ(RunWith(Compile(env, "${lib.Outer}(n = {x})", XScope()), Value::Int(1), Value::Int(4)),
            Value::Int((4 + 1) * 3 * 2));
}

TEST(CompilerTest, RuntimeOverflowReportsTheCallTrace) {
  ToyEnvironment env;
  env.Add("lib.Big", {{"n", ""}}, {"{n} * 4611686018427387904"});
  const Compiled c = Compile(env, "1 + ${lib.Big}(n = {x})", XScope());
  std::vector<Value> slots(c.program.num_slots);
  slots[1] = Value::Int(4);
  uint32_t failed = 0;
  const Status st = c.program.Run(slots.data(), &failed);
  ASSERT_EQ(st, Status::kOverflow);
  const Error e = c.program.Failure(st, failed);
  EXPECT_EQ(e.Line(),
            "64-bit integer overflow in '{n} * 4611686018427387904' (lib.Big body, col 1); called from test formula, "
            "col 5; check the sizes and the formulas");
  EXPECT_EQ(e.detail(),
            "    {n} * 4611686018427387904\n    ^~~~~~~~~~~~~~~~~~~~~~~~~\n  called from test formula:\n"
            "    1 + ${lib.Big}(n = {x})\n        ^~~~~~~~~~~~~~~~~~~");
}

TEST(CompilerTest, ConstantFaultsAreFoundAtCompileTime) {
  ToyEnvironment env;
  try {
    Compile(env, "{hidden} / (2 - 2)", XScope());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(), "division by zero in '{hidden} / (2 - 2)' (test formula, col 1); check the sizes and the formulas");
  }
}

TEST(CompilerTest, UnknownParameterSuggests) {
  ToyEnvironment env;
  try {
    Compile(env, "{hiden} + 1", XScope());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(), "test formula, col 1: unknown parameter {hiden} (did you mean {hidden}?)");
  }
}

TEST(CompilerTest, DivisionByZeroAtRunTime) {
  ToyEnvironment env;
  const Compiled c = Compile(env, "100 // {x}", XScope());
  std::vector<Value> slots(c.program.num_slots);
  slots[1] = Value::Int(0);
  uint32_t failed = 0;
  EXPECT_EQ(c.program.Run(slots.data(), &failed), Status::kDivByZero);
}

}  // namespace
}  // namespace lmp::formula
