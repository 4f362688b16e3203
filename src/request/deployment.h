#ifndef LMP_REQUEST_DEPLOYMENT_H_
#define LMP_REQUEST_DEPLOYMENT_H_

// A model deployed over many GPUs (parallel/layout.h): one plan per
// pipeline stage, each one GPU's share; the request timed through the
// pipeline; memory per GPU. docs/parallelism.md states the model.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/analyze.h"
#include "analysis/footprint.h"
#include "analysis/plan.h"
#include "analysis/scenario.h"
#include "db/module_db.h"
#include "hardware/cluster.h"
#include "hardware/hardware.h"
#include "hardware/runtime.h"
#include "model/model.h"
#include "parallel/layout.h"
#include "parallel/sharding.h"
#include "request/generate.h"

namespace lmp::request {

struct Deployment {
  parallel::Layout layout;
  std::string cluster;  // "" for one GPU
  int64_t nodes = 0;    // nodes of the cluster the layout occupies
  int64_t batch = 1;    // sequences in flight over the whole deployment
  // Microbatches a replica's batch is cut into for the pipeline (1: the
  // whole batch passes each stage at once).
  int64_t microbatches = 1;
  // Sequences per attention replica, ceil(batch / (ep x dp)), and per
  // microbatch, ceil(that / microbatches).
  int64_t BatchPerReplica() const { return layout.BatchPerReplica(batch); }
  int64_t BatchPerMicrobatch() const;
};

// One plan per pipeline stage (one when pp = 1). Throws lmp::Error at place
// "tp", "ep" or "pp" for a layout the model cannot take (BuildPlan).
std::vector<analysis::Plan> BuildStagePlans(const model::Model& model, const db::ModuleDb& db,
                                            std::string_view profile, const parallel::ShardingRules& rules,
                                            const parallel::Layout& layout);

// Nodes of `cluster` the layout needs: ceil(GPUs / gpus_per_node), or
// `nodes` when given (> 0); throws lmp::Error at place "nodes" when those
// hold fewer GPUs than the layout.
int64_t NodesFor(const hardware::Cluster& cluster, const parallel::Layout& layout, int64_t nodes);

// The link tier of each communication group, into timing->comm_tiers
// (parallel::TierFor): "tp" spans tp GPUs, "ep" tp x ep; "pp" sends go
// over the scale-up fabric only when the whole pipeline fits one scale-up
// domain, else over the network (every boundary counted as crossing it).
void SetCommTiers(const hardware::Cluster& cluster, const parallel::Layout& layout, hardware::Timing* timing);

// The scenario one GPU runs: `s` with the batch of one microbatch.
analysis::Scenario StageScenario(const analysis::Scenario& s, const Deployment& d);

// The request through the deployment, its batch cut into m microbatches
// that flow through the stages, each stage's figures its own request on one
// microbatch (Generate):
// - the prefill is one pass (GPipe): the first microbatch crosses every
//   stage, the others follow one slowest stage apart,
//     ttft = sum_s ttft_s + (m - 1) max_s ttft_s;
// - decode is steady-state: microbatches need not wait for one another
//   between steps, so a token of one microbatch takes the sum of the stage
//   times, unless the slowest stage, serving all m microbatches in turn, is
//   busier than that:
//     decode = max(sum_s decode_s, m max_s decode_s).
// With m = pp and equal stages every stage is busy and the per-sequence
// speed is that of one pass. Taking the slowest stage over the whole decode
// rather than per step misses a change of slowest stage during the decode
// (none for stages of equal layers). tokens_per_s counts
// the whole deployment's batch; request_flops and request_bytes are the
// busiest GPU's (the largest stage's, all microbatches). With one stage and
// one microbatch this is Generate on that stage at the replica's batch,
// with tokens_per_s for the deployment's batch.
//
// `scratch`, when given, keeps each stage's evaluator, buffers and operation
// peaks between calls on the same stages, device and bit widths (lmp plan
// times thousands of batches of one layout); the results are the same.
struct DeploymentScratch {
  std::vector<std::unique_ptr<analysis::Evaluator>> evaluators;
  std::vector<RequestFigures> figures;
  std::vector<std::vector<double>> op_peaks;
};
GenerateResult GenerateDeployed(const std::vector<analysis::Plan>& stages, const analysis::Scenario& s,
                                int64_t gen_len, const hardware::Device& device, const hardware::Timing& timing,
                                const Deployment& d, DeploymentScratch* scratch = nullptr);

// The memory one GPU needs: the largest footprint over the stages, at the
// replica's batch (every microbatch's cache stays resident). `stage_out`,
// when given, receives that stage.
analysis::Footprint DeviceFootprint(const std::vector<analysis::Plan>& stages, const analysis::Scenario& s,
                                    const Deployment& d, int64_t context_len, int64_t* stage_out = nullptr);

}  // namespace lmp::request

#endif  // LMP_REQUEST_DEPLOYMENT_H_
