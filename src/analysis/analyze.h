#ifndef LMP_ANALYSIS_ANALYZE_H_
#define LMP_ANALYSIS_ANALYZE_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/plan.h"
#include "analysis/scenario.h"
#include "db/module_db.h"
#include "formula/value.h"

namespace lmp::analysis {

using Metrics = std::array<int64_t, db::kNumMetrics>;

struct StageResult {
  StageInputs inputs{};
  std::vector<Metrics> ops;  // per instance, parallel to Plan::ops
  Metrics totals{};          // sum over ops of count x per-instance figure
};

struct Analysis {
  std::string model_id;
  int64_t parameters = 0;
  Scenario scenario;
  std::vector<StageResult> stages;
};

// Writes the scenario inputs (InputSlot order) into slots[0, kNumInputs).
void LoadInputs(const Scenario& s, const StageInputs& in, formula::Value* slots);

// Runs a plan for one scenario. Keeps its slot buffer between runs, so
// repeated evaluation allocates nothing once the result vectors are sized.
class Evaluator {
 public:
  explicit Evaluator(const Plan& plan);

  // Throws lmp::Error (with the formula call trace) on overflow, division by
  // zero or a negative figure.
  void Run(const Scenario& s, Stage stage, StageResult* out);
  // The same with the stage's inputs given rather than derived from the
  // scenario: the memory footprint evaluates a decode step at the request's
  // largest context, which the scenario's own decode step need not be.
  void Run(const Scenario& s, const StageInputs& in, StageResult* out);
  int64_t Parameters(const Scenario& s);

 private:
  const Plan& plan_;
  std::vector<formula::Value> slots_;
};

// Validates the scenario and evaluates each of its stages.
Analysis Analyze(const Plan& plan, const Scenario& s);

}  // namespace lmp::analysis

#endif  // LMP_ANALYSIS_ANALYZE_H_
