#include "analysis/environment.h"

#include "analysis/scenario.h"

namespace lmp::analysis {

PlanEnvironment::PlanEnvironment(const db::ModuleDb& db, std::string_view profile) : db_(db), profile_(profile) {
  const auto& inputs = InputNames();
  for (const std::string& g : db::ScenarioGlobalNames()) {
    for (uint32_t k = 0; k < inputs.size(); ++k) {
      if (inputs[k] == g) {
        formula::Binding b;
        b.is_const = false;
        b.slot = k;
        globals_.Bind(g, b);
      }
    }
  }
}

const formula::Binding* PlanEnvironment::FindGlobal(std::string_view name) const { return globals_.Find(name); }

std::vector<std::string> PlanEnvironment::GlobalNames() const { return globals_.Names(); }

bool PlanEnvironment::ResolveCall(std::string_view name, formula::Callee* out) const {
  const db::Lookup r = db_.Find(name);
  if (!r.module) return false;
  const db::Module& m = *r.module;
  out->label = m.full_class_name;
  out->params = &m.params;
  out->bodies.clear();
  if (metric_ == kParameterCount) {
    out->bodies.push_back({m.full_class_name + " parameter_count", m.parameter_count});
    return true;
  }
  for (const db::Operation& op : m.operations) {
    if (!op.RunsIn(profile_)) continue;
    out->bodies.push_back({m.full_class_name + " op " + op.name + " " + db::MetricName(metric_), op.metrics[metric_]});
  }
  return true;
}

}  // namespace lmp::analysis
