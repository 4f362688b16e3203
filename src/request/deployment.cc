#include "request/deployment.h"

#include <algorithm>

#include "hardware/roofline.h"
#include "parallel/collective.h"
#include "util/error.h"

namespace lmp::request {

int64_t Deployment::BatchPerMicrobatch() const {
  const int64_t b = BatchPerReplica();
  return (b + microbatches - 1) / microbatches;
}

std::vector<analysis::Plan> BuildStagePlans(const model::Model& model, const db::ModuleDb& db,
                                            std::string_view profile, const parallel::ShardingRules& rules,
                                            const parallel::Layout& layout) {
  std::vector<analysis::Plan> out;
  for (int64_t s = 0; s < layout.pp; ++s) {
    analysis::ShardSpec spec{&rules, layout, s};
    out.push_back(analysis::BuildPlan(model, db, profile, &spec));
  }
  return out;
}

int64_t NodesFor(const hardware::Cluster& cluster, const parallel::Layout& layout, int64_t nodes) {
  const int64_t gpus = layout.Gpus();
  const int64_t needed = (gpus + cluster.gpus_per_node - 1) / cluster.gpus_per_node;
  if (nodes <= 0) return needed;
  if (nodes < needed) {
    throw Error::Option("nodes", parallel::LayoutText(layout) + " needs " + std::to_string(gpus) + " GPUs, but " +
                                     std::to_string(nodes) + " node" + (nodes == 1 ? "" : "s") + " of " + cluster.name +
                                     (nodes == 1 ? " holds " : " hold ") +
                                     std::to_string(nodes * cluster.gpus_per_node) + "; use at least " +
                                     std::to_string(needed));
  }
  return nodes;
}

void SetCommTiers(const hardware::Cluster& cluster, const parallel::Layout& layout, hardware::Timing* timing) {
  timing->comm_tiers["tp"] = parallel::TierFor(cluster, layout.TpSpan());
  timing->comm_tiers["ep"] = parallel::TierFor(cluster, layout.EpSpan());
  timing->comm_tiers["pp"] = parallel::TierFor(cluster, layout.StageGpus() * layout.pp);
}

analysis::Scenario StageScenario(const analysis::Scenario& s, const Deployment& d) {
  analysis::Scenario out = s;
  out.batch_size = d.BatchPerMicrobatch();
  return out;
}

GenerateResult GenerateDeployed(const std::vector<analysis::Plan>& stages, const analysis::Scenario& s,
                                int64_t gen_len, const hardware::Device& device, const hardware::Timing& timing,
                                const Deployment& d, DeploymentScratch* scratch) {
  if (scratch != nullptr && scratch->evaluators.size() != stages.size()) {
    scratch->evaluators.clear();
    for (const analysis::Plan& p : stages) scratch->evaluators.push_back(std::make_unique<analysis::Evaluator>(p));
    scratch->figures.assign(stages.size(), RequestFigures{});
    scratch->op_peaks.clear();
    for (const analysis::Plan& p : stages) scratch->op_peaks.push_back(hardware::OpPeaks(p, device, s));
  }
  const analysis::Scenario mb = StageScenario(s, d);
  const double m = static_cast<double>(d.microbatches);
  GenerateResult out;
  double max_ttft = 0, max_decode = 0, max_flops = 0, max_bytes = 0;
  double sum_ttft = 0, sum_decode = 0;
  for (size_t i = 0; i < stages.size(); ++i) {
    GenerateResult r;
    if (scratch != nullptr) {
      PrepareRequest(stages[i], mb, gen_len, *scratch->evaluators[i], &scratch->figures[i]);
      r = TimeRequest(stages[i], scratch->figures[i], mb, device, scratch->op_peaks[i], timing);
    } else {
      r = Generate(stages[i], mb, gen_len, device, timing);
    }
    if (i == 0) out = r;
    sum_ttft += r.ttft_s;
    sum_decode += r.decode_s;
    max_ttft = std::max(max_ttft, r.ttft_s);
    max_decode = std::max(max_decode, r.decode_s);
    max_flops = std::max(max_flops, r.request_flops);
    max_bytes = std::max(max_bytes, r.request_bytes);
    out.closed_form_ops = std::max(out.closed_form_ops, r.closed_form_ops);
    out.stepped_ops = std::max(out.stepped_ops, r.stepped_ops);
    out.decode_pieces = std::max(out.decode_pieces, r.decode_pieces);
  }
  if (stages.size() == 1 && d.microbatches == 1) {
    out.tokens_per_s = static_cast<double>(d.batch) * static_cast<double>(out.gen_len) / out.e2e_s;
    return out;
  }
  // The per-step first and last TPOT follow the same schedule; each stage's
  // are not kept, so they scale with the decode total.
  const double decode_s = std::max(sum_decode, m * max_decode);
  const double scale = out.decode_s > 0 ? decode_s / out.decode_s : 0;
  out.ttft_s = sum_ttft + (m - 1) * max_ttft;
  out.decode_s = decode_s;
  out.tpot_s = out.decode_steps > 0 ? decode_s / static_cast<double>(out.decode_steps) : 0;
  out.tpot_first_s *= scale;
  out.tpot_last_s *= scale;
  out.e2e_s = out.ttft_s + out.decode_s;
  out.tokens_per_s_per_sequence = static_cast<double>(out.gen_len) / out.e2e_s;
  out.tokens_per_s = static_cast<double>(d.batch) * static_cast<double>(out.gen_len) / out.e2e_s;
  out.request_flops = m * max_flops;
  out.request_bytes = m * max_bytes;
  return out;
}

analysis::Footprint DeviceFootprint(const std::vector<analysis::Plan>& stages, const analysis::Scenario& s,
                                    const Deployment& d, int64_t context_len, int64_t* stage_out) {
  analysis::Scenario replica = s;
  replica.batch_size = d.BatchPerReplica();
  analysis::Footprint best;
  int64_t best_stage = 0;
  for (size_t i = 0; i < stages.size(); ++i) {
    analysis::Footprint f = analysis::MemoryFootprint(stages[i], replica, context_len);
    if (i == 0 || f.total_bytes > best.total_bytes) {
      best = std::move(f);
      best_stage = static_cast<int64_t>(i);
    }
  }
  if (stage_out) *stage_out = best_stage;
  return best;
}

}  // namespace lmp::request
