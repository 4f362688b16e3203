#ifndef LMP_ANALYSIS_MODULE_EVAL_H_
#define LMP_ANALYSIS_MODULE_EVAL_H_

#include <string>
#include <utility>
#include <vector>

#include "analysis/analyze.h"
#include "analysis/scenario.h"
#include "db/module_db.h"

namespace lmp::analysis {

// One module evaluated at given parameter values: the seeds'
// compute_flops / compute_memory, per operation.
struct ModuleEvaluation {
  std::string module;
  int64_t parameters = 0;
  std::vector<std::string> op_names;
  std::vector<std::string> op_kinds;
  std::vector<Metrics> ops;
  Metrics totals{};
};

// `assignments` are NAME=FORMULA pairs over constants (e.g. N=2048*4).
// Element sizes come from the scenario's bits. Throws lmp::Error for unknown
// or missing parameters, with a did-you-mean.
ModuleEvaluation EvaluateModule(const db::ModuleDb& db, const db::Module& module,
                                 const std::vector<std::pair<std::string, std::string>>& assignments,
                                 const Scenario& scenario);

}  // namespace lmp::analysis

#endif  // LMP_ANALYSIS_MODULE_EVAL_H_
