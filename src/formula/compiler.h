#ifndef LMP_FORMULA_COMPILER_H_
#define LMP_FORMULA_COMPILER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "formula/ast.h"
#include "formula/program.h"

namespace lmp::formula {

// What a name means in compiled code: a known constant (folded away), or a
// slot read at run time (a scenario input or a value computed earlier).
struct Binding {
  bool is_const = true;
  Value value;
  uint32_t slot = 0;
};

// Names visible to a formula: a module's parameters, a layer's config.
class Scope {
 public:
  void Bind(std::string name, Binding b);
  const Binding* Find(std::string_view name) const;
  std::vector<std::string> Names() const;

 private:
  std::vector<std::pair<std::string, Binding>> vars_;
};

struct ParamDecl {
  std::string name;
  std::shared_ptr<const Formula> default_value;  // null: required
};

// Which argument of a ${module}(...) call feeds each parameter: positional
// arguments by position, named ones by name. `fault` is null when the call
// fits the parameters; otherwise it is the offending node (an argument, or the
// call itself when required parameters are missing) and `message` says why.
struct ArgumentMatch {
  std::vector<const Node*> arg_for;  // parallel to the parameters; null: not given
  const Node* fault = nullptr;
  std::string message;
};
ArgumentMatch MatchArguments(const Node& call, const std::vector<ParamDecl>& params, const std::string& callee);

// A formula a module call sums: one per operation, or the parameter count.
struct Body {
  std::string label;
  std::shared_ptr<const Formula> formula;
};

// What ${module}(...) expands to for the metric being compiled.
struct Callee {
  std::string label;  // the module's full class name
  const std::vector<ParamDecl>* params = nullptr;
  std::vector<Body> bodies;
};

// What the compiler sees beyond the formula's own scope.
class Environment {
 public:
  virtual ~Environment() = default;
  // Names every formula may use (the scenario's element sizes).
  virtual const Binding* FindGlobal(std::string_view name) const = 0;
  virtual std::vector<std::string> GlobalNames() const = 0;
  // False if no module answers to `name`.
  virtual bool ResolveCall(std::string_view name, Callee* out) const = 0;
};

// Turns formulas into one Program. Module calls are inlined: each argument
// is computed once into a slot (or folded to a constant) and the callee's
// formulas are compiled against those bindings, so a run never looks a name
// up. Arithmetic on constants is folded at compile time; a fault found while
// folding is thrown as the same error a run would give.
class Compiler {
 public:
  explicit Compiler(const Environment& env) : env_(env) {}

  // Emits code that leaves the value of `f` on the stack.
  void Emit(std::shared_ptr<const Formula> f, const Scope& scope, const std::string& label);

  // Emits `f` and returns its binding: a constant when it folded, else a new
  // slot the code stores it in.
  Binding EmitBinding(std::shared_ptr<const Formula> f, const Scope& scope, const std::string& label);

  // Emits `f` and stores it in slot `out`.
  void EmitInto(std::shared_ptr<const Formula> f, const Scope& scope, const std::string& label, uint32_t out);

  uint32_t NewSlot() { return program_.num_slots++; }
  // Instructions emitted so far; emitting never rewrites code before an
  // expression's start, so ranges taken between expressions stay valid.
  uint32_t CodeSize() const { return static_cast<uint32_t>(program_.code.size()); }
  // Reserves slots [0, n) for inputs; call before anything else.
  void ReserveInputs(uint32_t n) { program_.num_slots += n; }

  Program Finish() { return std::move(program_); }

 private:
  void EmitNode(const Node& n, const Scope& scope, int32_t frame, int depth);
  void EmitCall(const Node& n, const Scope& scope, int32_t frame, int depth);
  int32_t PushFrame(std::string label, std::shared_ptr<const Formula> f, int32_t parent, const Node* call);
  uint32_t AddOrigin(int32_t frame, const Node& n);
  void Push(Instr in);
  void Fold(size_t first, uint32_t origin);
  Binding PopBinding();
  [[noreturn]] void Fail(int32_t frame, const Node& n, const std::string& msg);

  const Environment& env_;
  Program program_;
  uint32_t depth_ = 0;
  int call_depth_ = 0;
};

}  // namespace lmp::formula

#endif  // LMP_FORMULA_COMPILER_H_
