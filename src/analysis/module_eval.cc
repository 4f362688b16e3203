#include "analysis/module_eval.h"

#include "analysis/environment.h"
#include "formula/compiler.h"
#include "formula/parser.h"
#include "util/error.h"
#include "util/suggest.h"

namespace lmp::analysis {

ModuleEvaluation EvaluateModule(const db::ModuleDb& db, const db::Module& module,
                                 const std::vector<std::pair<std::string, std::string>>& assignments,
                                 const Scenario& scenario) {
  ValidateScenario(scenario);
  std::vector<std::string> names;
  for (const auto& p : module.params) names.push_back(p.name);
  for (const auto& [name, text] : assignments) {
    bool known = false;
    for (const auto& p : module.params) known = known || p.name == name;
    if (!known) {
      throw Error("", name, module.full_class_name + " has no parameter '" + name + "'" + DidYouMean(name, names) +
                                "; 'lmp module show " + module.full_class_name + "' lists its parameters");
    }
  }
  PlanEnvironment env(db, scenario.profile);
  formula::Compiler compiler(env);
  compiler.ReserveInputs(kNumInputs);
  formula::Scope scope;
  const formula::Scope no_names;
  std::string missing;
  for (const auto& p : module.params) {
    const std::string* given = nullptr;
    for (const auto& [name, text] : assignments) {
      if (name == p.name) given = &text;
    }
    if (given) {
      std::shared_ptr<const formula::Formula> f;
      try {
        f = formula::Parse(*given);
      } catch (const Error& e) {
        throw e.Located("", p.name);
      }
      scope.Bind(p.name, compiler.EmitBinding(f, no_names, p.name));
    } else if (p.default_value) {
      scope.Bind(p.name, compiler.EmitBinding(p.default_value, scope, module.full_class_name + " default of " + p.name));
    } else {
      missing += (missing.empty() ? "" : ", ") + p.name;
    }
  }
  if (!missing.empty()) {
    throw Error("", "", module.full_class_name + " needs parameter(s): " + missing + "; pass them as NAME=VALUE");
  }
  ModuleEvaluation out;
  out.module = module.full_class_name;
  env.set_metric(kParameterCount);
  const uint32_t params_slot = compiler.NewSlot();
  compiler.EmitInto(module.parameter_count, scope, module.full_class_name + " parameter_count", params_slot);
  std::vector<uint32_t> slots;
  for (const db::Operation& op : module.operations) {
    if (!op.RunsIn(scenario.profile)) continue;
    out.op_names.push_back(op.name);
    out.op_kinds.push_back(op.kind);
    const uint32_t base = compiler.NewSlot();
    for (int k = 1; k < db::kNumMetrics; ++k) compiler.NewSlot();
    slots.push_back(base);
    for (int k = 0; k < db::kNumMetrics; ++k) {
      env.set_metric(k);
      compiler.EmitInto(op.metrics[k], scope,
                        module.full_class_name + " op " + op.name + " " + db::MetricName(k), base + k);
    }
  }
  const formula::Program program = compiler.Finish();
  std::vector<formula::Value> values(program.num_slots);
  LoadInputs(scenario, InputsFor(scenario, Stage::kPrefill), values.data());
  uint32_t failed_at = 0;
  const formula::Status st = program.Run(values.data(), &failed_at);
  if (st != formula::Status::kOk) throw program.Failure(st, failed_at);
  auto count = [&](uint32_t slot, const std::string& what) {
    int64_t v = 0;
    const formula::Status s = formula::ToCount(values[slot], &v);
    if (s != formula::Status::kOk) throw Error("", "", module.full_class_name + " " + what + ": " + formula::StatusText(s));
    if (v < 0) {
      throw Error("", "", module.full_class_name + " " + what + " is negative (" + std::to_string(v) +
                              "); check the parameter values");
    }
    return v;
  };
  out.parameters = count(params_slot, "parameter_count");
  for (size_t i = 0; i < slots.size(); ++i) {
    Metrics m{};
    for (int k = 0; k < db::kNumMetrics; ++k) {
      m[k] = count(slots[i] + k, out.op_names[i] + " " + db::MetricName(k));
      if (__builtin_add_overflow(out.totals[k], m[k], &out.totals[k])) {
        throw Error("", "", std::string("total ") + db::MetricName(k) + " overflows 64 bits");
      }
    }
    out.ops.push_back(m);
  }
  return out;
}

}  // namespace lmp::analysis
