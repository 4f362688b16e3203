#ifndef LMP_ANALYSIS_PLAN_SHARD_H_
#define LMP_ANALYSIS_PLAN_SHARD_H_

// The sharding half of BuildPlan (plan.cc), for one GPU's share of a
// layout: rewrites a layer's parameters by the rules (parallel/sharding.h),
// checks what the layout requires of the model, adds the collectives as
// operations and splits the decoder stacks into pipeline stages. Internal to
// the analysis library.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/environment.h"
#include "analysis/plan.h"
#include "db/module_db.h"
#include "formula/compiler.h"
#include "model/model.h"
#include "parallel/sharding.h"

namespace lmp::analysis {

class PlanSharder {
 public:
  // All references outlive the sharder: they are the plan builder's.
  PlanSharder(const ShardSpec& spec, const model::Model& model, formula::Compiler& compiler, PlanEnvironment& env,
              const formula::Scope& layer_scope, const formula::Scope& config_scope, Plan& plan);

  // What a layer's sharding sees of its parent.
  struct Parent {
    const parallel::ClassRule* rule = nullptr;
    const formula::Scope* original = nullptr;  // the parent's unsharded parameters
    // Pipeline: this stage's share of each decoder stack, by child name.
    const std::vector<std::pair<std::string, int64_t>>* stack_repeats = nullptr;
  };

  const parallel::ClassRule* Find(const std::string& module) const { return spec_.rules->Find(module); }

  // Whether a layer marked for the "first" or "last" stage (or "": every
  // stage) belongs to this plan's stage.
  bool OnThisStage(std::string_view stage) const;
  // Whether a formula names any of `names` as a parameter: an operation or
  // a parameter count that names no rewritten parameter is the same on
  // every GPU of the tensor-parallel group, so it is replicated there.
  static bool Mentions(const formula::Node& n, const std::vector<std::string>& names);
  // What a rule's formulas see: config keys and scenario variables, the
  // parent's unsharded parameters as parent_NAME, the layer's own unsharded
  // parameters, and the degrees.
  formula::Scope RuleScope(const formula::Scope& original, const Parent& parent) const;
  // Throws at place "tp" or "ep" when the layout does not divide what the
  // class requires.
  void CheckRequirements(const parallel::ClassRule& rule, const formula::Scope& scope, const std::string& shown);
  // The layer's parameters as one GPU sees them; `rewritten` receives the
  // names the rules change, directly or through defaults.
  formula::Scope ShardedScope(const model::Layer& layer, const db::Module& module, const formula::Scope& original,
                              const formula::Scope& rule_scope, const parallel::LayerRule* self,
                              const parallel::ClassRule* self_owner, const parallel::LayerRule* sub,
                              const parallel::ClassRule* sub_owner, const std::string& shown,
                              std::vector<std::string>* rewritten);
  // The rule's collectives placed before (or after) the layer's operations.
  void EmitComms(const parallel::LayerRule& r, const parallel::ClassRule& owner, bool before,
                 const formula::Scope& scope, const std::string& shown, const std::string& pointer, int64_t count);
  // The send of a stage's activations to the next.
  void EmitSend(const parallel::ClassRule& rule, const std::string& shown, const std::string& pointer, int64_t count);
  // This stage's share of each decoder stack of `layer`.
  std::vector<std::pair<std::string, int64_t>> StageStacks(const model::Layer& layer, const parallel::ClassRule& rule,
                                                           const std::string& shown);
  // After the walk: throws at place "tp", "ep" or "pp" for a degree no rule used.
  void CheckLayoutUsed() const;

 private:
  formula::Binding BindAt(const std::shared_ptr<const formula::Formula>& f, const formula::Scope& scope,
                          const std::string& label, const std::string& where);
  formula::Binding BindRule(const parallel::FormulaPtr& f, const formula::Scope& scope, const std::string& label,
                            const std::string& file, const std::string& pointer);
  [[noreturn]] void Fail(const std::string& where, const std::string& msg) const;
  PlanOp CommOp(const std::string& shown, const std::string& name, const std::string& collective,
                const std::string& group, int64_t size, const std::string& pointer, int64_t count);
  void EmitCommMetrics(PlanOp& po, const parallel::FormulaPtr& bytes, const formula::Scope& scope,
                       const std::string& file, const std::string& pointer);

  const ShardSpec& spec_;
  const model::Model& model_;
  formula::Compiler& compiler_;
  PlanEnvironment& env_;
  const formula::Scope& layer_scope_;
  const formula::Scope& config_scope_;
  Plan& plan_;
  bool tp_used_ = false, ep_used_ = false, stacks_found_ = false;
};

}  // namespace lmp::analysis

#endif  // LMP_ANALYSIS_PLAN_SHARD_H_
