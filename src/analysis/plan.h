#ifndef LMP_ANALYSIS_PLAN_H_
#define LMP_ANALYSIS_PLAN_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "db/module_db.h"
#include "formula/program.h"
#include "model/model.h"
#include "parallel/layout.h"
#include "parallel/sharding.h"

namespace lmp::analysis {

// One atomic operation of the flattened model.
struct PlanOp {
  std::string layer;   // dotted path, e.g. "model.layers.self_attn"
  std::string op;      // operation name within the module
  std::string module;  // full class name
  std::string kind;
  int64_t count = 1;   // product of the repeats above it
  uint32_t out_slot = 0;  // first of db::kNumMetrics result slots
  std::string pointer;    // the layer's JSON pointer in the model file
  bool kv_cache_reread = false;  // db::Operation::kv_cache_reread
  // Under a layout with tp > 1: no sharding rule splits the layer, so every
  // GPU of the tensor-parallel group runs the whole operation.
  bool replicated = false;
  // A communication operation (kind "communication") only: the collective
  // ("all_reduce", "all_gather", "reduce_scatter", "all_to_all",
  // "send_recv"), the group ("tp", "ep" or "pp") and its size in GPUs. Its
  // message is both its reads.activations and its writes.activations (the
  // buffer read and written in device memory); its time is the
  // collective's (parallel/collective.h), not a memory stream's.
  std::string collective{};
  std::string group{};
  int64_t group_size = 0;
};

// One layer of the flattened model, for parameter counts and `inspect`.
struct PlanLayer {
  std::string path;
  std::string name;
  std::string module;
  // The class as the model names it, when that is one of the entry's
  // aliases (a built Mistral layer: MistralAttention, counted by the
  // LlamaAttention entry); empty otherwise.
  std::string alias;
  int depth = 0;
  int64_t repeat = 1;
  int64_t count = 1;
  bool composite = false;
  bool params_const = true;
  bool replicated = false;  // as PlanOp::replicated
  int64_t params = 0;      // per instance, when params_const
  uint32_t params_slot = 0;  // otherwise, computed per run
  std::vector<std::pair<std::string, std::string>> parameters;  // as written
  std::string pointer;  // JSON pointer in the model file
  // The program instructions this layer's own bindings and operations
  // compiled to, so a run-time fault can be traced back to the layer.
  uint32_t code_begin = 0, code_end = 0;
};

// What a plan is sharded for: the rules, the layout and the pipeline stage
// (each stage of a pipeline is its own plan).
struct ShardSpec {
  const parallel::ShardingRules* rules = nullptr;
  parallel::Layout layout;
  int64_t stage = 0;
};

// A model compiled against a database for one execution profile: the layers
// flattened, every parameter bound, every operation's formulas compiled into
// one straight-line program over the scenario inputs. Built once; evaluating
// a scenario then costs one pass over that program.
struct Plan {
  std::string model_id;
  std::string model_file;
  std::string profile;
  std::vector<PlanOp> ops;
  std::vector<PlanLayer> layers;
  formula::Program program;
  // The layout the figures are per GPU of (trivial: the whole model on one
  // GPU), the pipeline stage, and that stage's decoder layers (0 unless
  // layout.pp > 1).
  parallel::Layout layout;
  int64_t stage = 0;
  int64_t stage_layers = 0;
};

// Throws lmp::Error naming the model file and the layer's JSON pointer for
// unknown classes, missing or unknown parameters and bad repeats.
//
// With `shard` and a non-trivial layout, the plan is one GPU's share of
// stage shard->stage (parallel/sharding.h): parameters rewritten by the
// rules, collectives added as operations. A layout the model cannot take
// (tp not dividing the heads, ep on a dense model, more stages than layers,
// a family without rules) throws lmp::Error at place "tp", "ep" or "pp".
// A trivial layout builds exactly the unsharded plan.
Plan BuildPlan(const model::Model& model, const db::ModuleDb& db, std::string_view profile,
               const ShardSpec* shard = nullptr);

// Runs the plan's program over `slots`; a fault (overflow, division by zero)
// is thrown as lmp::Error naming the model file and the faulting layer.
void RunPlanProgram(const Plan& plan, formula::Value* slots);

}  // namespace lmp::analysis

#endif  // LMP_ANALYSIS_PLAN_H_
