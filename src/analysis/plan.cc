#include "analysis/plan.h"

#include <algorithm>
#include <optional>

#include "analysis/environment.h"
#include "analysis/plan_shard.h"
#include "analysis/scenario.h"
#include "formula/compiler.h"
#include "formula/parser.h"
#include "util/error.h"
#include "util/suggest.h"

namespace lmp::analysis {
namespace {

using formula::Binding;
using formula::Scope;

class PlanBuilder {
 public:
  PlanBuilder(const model::Model& model, const db::ModuleDb& db, std::string_view profile, const ShardSpec* shard)
      : model_(model), db_(db), env_(db, profile), compiler_(env_),
        shard_(shard != nullptr && shard->rules != nullptr && !shard->layout.Trivial() ? shard : nullptr) {
    compiler_.ReserveInputs(kNumInputs);
    for (const auto& [name, value] : model.numeric_config) {
      Binding b;
      b.value = value;
      config_scope_.Bind(name, b);
      layer_scope_.Bind(name, b);
    }
    // Scenario variables shadow config keys of the same name.
    const auto& inputs = InputNames();
    for (uint32_t k = 0; k < inputs.size(); ++k) {
      Binding b;
      b.is_const = false;
      b.slot = k;
      layer_scope_.Bind(inputs[k], b);
    }
    plan_.model_id = model.id;
    plan_.model_file = model.file;
    plan_.profile = std::string(profile);
    if (shard_) {
      plan_.layout = shard_->layout;
      plan_.stage = shard_->stage;
      sharder_.emplace(*shard_, model_, compiler_, env_, layer_scope_, config_scope_, plan_);
    }
  }

  Plan Build() {
    for (const model::Layer& l : model_.layers) Walk(l, "", 1, 0, PlanSharder::Parent{});
    if (sharder_) sharder_->CheckLayoutUsed();
    plan_.program = compiler_.Finish();
    return std::move(plan_);
  }

 private:
  [[noreturn]] void Fail(const std::string& where, const std::string& msg) {
    throw Error(model_.file, where, msg);
  }

  // Compiles `f`, reporting faults at `where` in the model file.
  Binding BindAt(const std::shared_ptr<const formula::Formula>& f, const Scope& scope, const std::string& label,
                 const std::string& where) {
    try {
      return compiler_.EmitBinding(f, scope, label);
    } catch (const Error& e) {
      throw e.Located(model_.file, where);
    }
  }

  void Walk(const model::Layer& layer, const std::string& prefix, int64_t count, int depth, const PlanSharder::Parent& parent) {
    const std::string path = layer.name.empty() ? prefix : (prefix.empty() ? layer.name : prefix + "." + layer.name);
    const std::string shown = path.empty() ? "(root)" : path;
    const db::Lookup found = db_.Find(layer.class_name);
    if (!found.module) {
      if (!found.ambiguous.empty()) {
        std::string list;
        for (const db::Module* m : found.ambiguous) list += (list.empty() ? "" : ", ") + m->full_class_name;
        Fail(layer.pointer + "/class", "class '" + layer.class_name + "' is ambiguous: " + list +
                                           "; write the full class name");
      }
      std::vector<std::string> names;
      for (const auto& m : db_.modules()) names.push_back(m->full_class_name);
      Fail(layer.pointer + "/class", "unknown module class '" + layer.class_name + "'" +
                                         DidYouMean(layer.class_name, names) + "; add an entry for it with " +
                                         Opt("db") +
                                         " FILE (see docs/module-db.md), or have an "
                                         "agent write one with " +
                                         Opt("analyze_missing") + " agent (docs/agents.md)");
    }
    const db::Module& module = *found.module;
    const parallel::ClassRule* rule = sharder_ ? sharder_->Find(module.full_class_name) : nullptr;
    const parallel::LayerRule* sub_rule = parent.rule ? parent.rule->SubLayer(layer.name) : nullptr;
    if (parent.rule && !sharder_->OnThisStage(parent.rule->StageOf(layer.name))) return;

    int64_t repeat = 1;
    if (layer.repeat) {
      const Binding b = BindAt(layer.repeat, config_scope_, shown + " repeat", layer.pointer + "/repeat");
      if (!b.is_const || !b.value.is_int || b.value.i < 1) {
        Fail(layer.pointer + "/repeat", "repeat must be a positive integer over config values, got " +
                                            (b.is_const ? b.value.ToString() : std::string("a scenario-dependent value")));
      }
      repeat = b.value.i;
    }
    if (parent.stack_repeats) {
      for (const auto& [name, share] : *parent.stack_repeats) {
        if (name == layer.name) repeat = share;
      }
      if (repeat == 0) return;  // no layer of this stack in this stage
    }
    if (__builtin_mul_overflow(count, repeat, &count)) Fail(layer.pointer + "/repeat", "repeat count overflows");

    // Bind the module's parameters from the layer's formulas, in declaration
    // order so that defaults may use earlier parameters.
    for (const auto& [name, f] : layer.parameters) {
      bool declared = false;
      for (const auto& p : module.params) declared = declared || p.name == name;
      if (!declared) {
        std::vector<std::string> names;
        for (const auto& p : module.params) names.push_back(p.name);
        Fail(layer.pointer + "/parameters/" + PointerToken(name),
             module.full_class_name + " has no parameter '" + name + "'" + DidYouMean(name, names) +
                 "; its parameters are: " + Join(names));
      }
    }
    Scope scope;
    PlanLayer pl;
    pl.code_begin = compiler_.CodeSize();
    pl.pointer = layer.pointer;
    pl.path = shown;
    pl.name = layer.name;
    pl.module = module.full_class_name;
    if (std::find(module.aliases.begin(), module.aliases.end(), layer.class_name) != module.aliases.end()) {
      pl.alias = layer.class_name;
    }
    pl.depth = depth;
    pl.repeat = repeat;
    pl.count = count;
    pl.composite = layer.composite;
    for (size_t i = 0; i < module.params.size(); ++i) {
      const formula::ParamDecl& p = module.params[i];
      const std::shared_ptr<const formula::Formula>* given = nullptr;
      for (const auto& [name, f] : layer.parameters) {
        if (name == p.name) given = &f;
      }
      if (given) {
        scope.Bind(p.name, BindAt(*given, layer_scope_, shown + " parameter " + p.name,
                                  layer.pointer + "/parameters/" + PointerToken(p.name)));
        pl.parameters.emplace_back(p.name, (*given)->text);
      } else if (p.default_value) {
        scope.Bind(p.name, BindAt(p.default_value, scope, module.full_class_name + " default of " + p.name,
                                  layer.pointer + "/parameters"));
      } else {
        Fail(layer.pointer + "/parameters", "layer '" + shown + "' (" + module.full_class_name +
                                                ") lacks parameter '" + p.name + "' (" +
                                                module.param_descriptions[i] + "); add it to \"parameters\"");
      }
    }
    // `scope` holds the unsharded parameters; the rules rewrite them.
    const Scope original = scope;
    std::optional<Scope> rule_scope;
    std::vector<std::string> rewritten;  // parameters the rules change, directly or through defaults
    if (rule || sub_rule) {
      rule_scope = sharder_->RuleScope(original, parent);
      if (rule) sharder_->CheckRequirements(*rule, *rule_scope, shown);
      scope = sharder_->ShardedScope(layer, module, original, *rule_scope, rule ? &rule->self : nullptr, rule, sub_rule,
                           parent.rule, shown, &rewritten);
    }
    const bool tp_group = shard_ && shard_->layout.tp > 1;
    pl.replicated = tp_group && !PlanSharder::Mentions(*module.parameter_count->root, rewritten);

    env_.set_metric(kParameterCount);
    const Binding params =
        BindAt(module.parameter_count, scope, shown + ": " + module.full_class_name + " parameter_count", layer.pointer);
    pl.params_const = params.is_const;
    if (params.is_const) {
      int64_t v = 0;
      if (formula::ToCount(params.value, &v) != formula::Status::kOk || v < 0) {
        Fail(layer.pointer, "parameter count of '" + shown + "' is not a non-negative integer: " +
                                params.value.ToString());
      }
      pl.params = v;
    } else {
      pl.params_slot = params.slot;
    }
    const size_t layer_index = plan_.layers.size();
    plan_.layers.push_back(std::move(pl));

    if (rule) sharder_->EmitComms(rule->self, *rule, true, *rule_scope, shown, layer.pointer, count);
    if (sub_rule) sharder_->EmitComms(*sub_rule, *parent.rule, true, *rule_scope, shown, layer.pointer, count);
    const bool own_ops_here = !rule || sharder_->OnThisStage(rule->pipeline.self_stage);
    for (const db::Operation& op : module.operations) {
      if (!op.RunsIn(plan_.profile) || !own_ops_here) continue;
      PlanOp po;
      po.layer = shown;
      po.op = op.name;
      po.module = module.full_class_name;
      po.kind = op.kind;
      po.kv_cache_reread = op.kv_cache_reread;
      po.replicated = tp_group && std::none_of(op.metrics.begin(), op.metrics.end(), [&](const auto& f) {
                        return f && PlanSharder::Mentions(*f->root, rewritten);
                      });
      po.count = count;
      po.pointer = layer.pointer;
      po.out_slot = compiler_.NewSlot();
      for (int k = 1; k < db::kNumMetrics; ++k) compiler_.NewSlot();
      for (int k = 0; k < db::kNumMetrics; ++k) {
        env_.set_metric(k);
        const std::string label = shown + ": " + module.full_class_name + " op " + op.name + " " + db::MetricName(k);
        try {
          compiler_.EmitInto(op.metrics[k], scope, label, po.out_slot + k);
        } catch (const Error& e) {
          throw e.Located(model_.file, layer.pointer);
        }
      }
      plan_.ops.push_back(std::move(po));
    }
    if (rule) sharder_->EmitComms(rule->self, *rule, false, *rule_scope, shown, layer.pointer, count);
    if (sub_rule) sharder_->EmitComms(*sub_rule, *parent.rule, false, *rule_scope, shown, layer.pointer, count);
    plan_.layers[layer_index].code_end = compiler_.CodeSize();
    std::vector<std::pair<std::string, int64_t>> stacks;
    const bool pipelined = rule && shard_->layout.pp > 1 && !rule->pipeline.stacks.empty();
    if (pipelined) stacks = sharder_->StageStacks(layer, *rule, shown);
    const PlanSharder::Parent me{rule, &original, pipelined ? &stacks : nullptr};
    for (const model::Layer& sub : layer.sub_layers) Walk(sub, path, count, depth + 1, me);
    if (pipelined && shard_->stage + 1 < shard_->layout.pp) {
      sharder_->EmitSend(*rule, shown, layer.pointer, count);
    }
  }

  static std::string Join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s.empty() ? "(none)" : s;
  }

  const model::Model& model_;
  const db::ModuleDb& db_;
  PlanEnvironment env_;
  formula::Compiler compiler_;
  const ShardSpec* shard_;
  Scope config_scope_;
  Scope layer_scope_;
  Plan plan_;
  std::optional<PlanSharder> sharder_;
};

}  // namespace

Plan BuildPlan(const model::Model& model, const db::ModuleDb& db, std::string_view profile, const ShardSpec* shard) {
  return PlanBuilder(model, db, profile, shard).Build();
}

void RunPlanProgram(const Plan& plan, formula::Value* slots) {
  uint32_t failed_at = 0;
  const formula::Status st = plan.program.Run(slots, &failed_at);
  if (st == formula::Status::kOk) return;
  std::string where;
  for (const PlanLayer& l : plan.layers) {
    if (l.code_begin <= failed_at && failed_at < l.code_end) where = l.pointer;
  }
  throw plan.program.Failure(st, failed_at).Located(plan.model_file, where);
}

}  // namespace lmp::analysis
