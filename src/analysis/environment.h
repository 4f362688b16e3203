#ifndef LMP_ANALYSIS_ENVIRONMENT_H_
#define LMP_ANALYSIS_ENVIRONMENT_H_

#include <string>
#include <string_view>
#include <vector>

#include "db/module_db.h"
#include "formula/compiler.h"

namespace lmp::analysis {

// Metric index that selects a module's parameter_count formula.
constexpr int kParameterCount = -1;

// What module formulas see when compiled for analysis: the scenario's element
// sizes as input slots, and module calls resolved in the database for the
// metric being compiled, under one execution profile.
class PlanEnvironment : public formula::Environment {
 public:
  PlanEnvironment(const db::ModuleDb& db, std::string_view profile);

  void set_metric(int m) { metric_ = m; }

  const formula::Binding* FindGlobal(std::string_view name) const override;
  std::vector<std::string> GlobalNames() const override;
  bool ResolveCall(std::string_view name, formula::Callee* out) const override;

 private:
  const db::ModuleDb& db_;
  std::string profile_;
  formula::Scope globals_;
  int metric_ = 0;
};

}  // namespace lmp::analysis

#endif  // LMP_ANALYSIS_ENVIRONMENT_H_
