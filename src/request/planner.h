#ifndef LMP_REQUEST_PLANNER_H_
#define LMP_REQUEST_PLANNER_H_

// `lmp plan`: every parallel layout of a model on up to N GPUs, times every
// batch that fits, against throughput per GPU and speed per user
// (docs/parallelism.md). A layout the model cannot take, one that does not
// fit even one sequence, and one whose every batch misses the latency limits
// are kept with the reason: not fitting is a result, not an error.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/scenario.h"
#include "db/module_db.h"
#include "hardware/cluster.h"
#include "hardware/hardware.h"
#include "hardware/runtime.h"
#include "model/model.h"
#include "parallel/layout.h"
#include "parallel/sharding.h"

namespace lmp::request {

struct PlanSearch {
  analysis::Scenario scenario;  // prompt, bits, profile; its batch is searched
  int64_t gen_len = 256;
  int64_t gpus = 8;
  int64_t max_batch = 1024;  // deployment batches 1 .. max_batch
  double max_tpot_s = 0;     // 0: no limit
  double max_ttft_s = 0;     // 0: no limit
  int jobs = 1;              // worker threads; each takes whole layouts
};

// One layout serving one batch.
struct PlanPoint {
  parallel::Layout layout;
  int64_t batch = 0;         // sequences over the whole deployment
  int64_t microbatches = 1;  // min(pp, the replica's batch)
  double ttft_s = 0;
  double tpot_s = 0;
  double e2e_s = 0;
  double tokens_per_s = 0;           // the deployment's output tokens per second
  double tokens_per_s_per_gpu = 0;   // over the layout's GPUs
  double tokens_per_s_per_user = 0;  // one sequence's decode speed, 1 / tpot_s (gen / e2e_s when gen = 1)
  int64_t memory_bytes = 0;          // per GPU, the fullest stage; only for the frontier and the best (else 0)
  bool meets_limits = true;
};

enum class LayoutStatus { kOk, kInvalid, kDoesNotFit, kMissesLimits };
const char* LayoutStatusName(LayoutStatus s);  // "ok", "invalid", "does_not_fit", "misses_limits"

struct LayoutVerdict {
  parallel::Layout layout;
  LayoutStatus status = LayoutStatus::kOk;
  std::string reason;      // why it was rejected; "" when ok
  int64_t max_batch = 0;   // the largest deployment batch that fits (up to PlanSearch::max_batch)
  int64_t memory_bytes = 0;  // per GPU at one sequence per replica
};

struct PlanResult {
  std::vector<PlanPoint> points;    // every fitting (layout, batch), layouts in search order
  std::vector<size_t> frontier;     // points no other beats on both per-GPU and per-user throughput, by per-user speed
  std::optional<size_t> best;       // the most tokens/s per GPU within the limits
  std::vector<LayoutVerdict> layouts;
};

// Every tp x pp x ep x dp of at most `gpus` GPUs, each degree a divisor of
// `gpus`, tp fastest. Layouts with ep > 1 are only for models with experts;
// SearchPlans rejects them otherwise.
std::vector<parallel::Layout> CandidateLayouts(int64_t gpus);

// Searches every candidate layout. `timing` is the runtime resolved for the
// device; each layout's link tiers come from `cluster` (nodes as needed).
// `progress(done, total)` is called after each layout (from the worker
// threads, one call at a time). The result does not depend on jobs. Throws lmp::Error only
// for a bad search (gpus or max_batch below 1) or a fault in the model's formulas.
PlanResult SearchPlans(const model::Model& model, const db::ModuleDb& db, const parallel::ShardingRules& rules,
                       const hardware::Device& device, const hardware::Cluster& cluster,
                       const hardware::Timing& timing, const PlanSearch& search,
                       const std::function<void(int64_t, int64_t)>& progress = {});

}  // namespace lmp::request

#endif  // LMP_REQUEST_PLANNER_H_
