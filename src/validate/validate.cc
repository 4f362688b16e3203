#include "validate/validate.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "analysis/analyze.h"
#include "analysis/plan.h"
#include "hardware/roofline.h"
#include "model/model.h"
#include "hardware/cluster.h"
#include "parallel/layout.h"
#include "parallel/sharding.h"
#include "request/deployment.h"
#include "request/generate.h"
#include "util/error.h"

namespace lmp::validate {
namespace {

// Plans built once per (model, profile, layout): one per pipeline stage.
class Plans {
 public:
  explicit Plans(const db::ModuleDb& db) : db_(db), rules_(parallel::ShardingRules::Embedded()) {}
  const std::vector<analysis::Plan>& Get(const std::string& model, const std::string& profile,
                                         const parallel::Layout& layout) {
    const std::string key = model + "\n" + profile + "\n" + parallel::LayoutText(layout);
    auto it = plans_.find(key);
    if (it == plans_.end()) {
      const model::Model m = model::LoadModel(model);
      std::vector<analysis::Plan> stages;
      if (layout.Trivial()) {
        stages.push_back(analysis::BuildPlan(m, db_, profile));
      } else {
        stages = request::BuildStagePlans(m, db_, profile, rules_, layout);
      }
      it = plans_.emplace(key, std::make_unique<std::vector<analysis::Plan>>(std::move(stages))).first;
    }
    return *it->second;
  }

 private:
  const db::ModuleDb& db_;
  parallel::ShardingRules rules_;
  std::map<std::string, std::unique_ptr<std::vector<analysis::Plan>>> plans_;
};

// A row's layout: tp x pp, and its other GPUs as data-parallel replicas.
parallel::Layout LayoutOf(const Measurement& m) {
  parallel::Layout l{m.tp, m.pp, 1, 1};
  if (m.gpus % (m.tp * m.pp) != 0) {
    throw Error("", "", std::to_string(m.gpus) + " GPUs are not a whole number of tp x pp = " +
                            std::to_string(m.tp * m.pp) + " replicas");
  }
  l.dp = m.gpus / (m.tp * m.pp);
  return l;
}

bool InSplit(const Measurement& m, Split s) {
  return s == Split::kAll || (s == Split::kFit) == m.fit;
}

// One GPU per stage runs the stage's plan on its replica's share of the
// batch (request/deployment.h); a single GPU is the one-stage case.
double Predict(const Measurement& m, const std::vector<analysis::Plan>& stages, const analysis::Scenario& s,
               const hardware::Device& device, const hardware::Timing& timing, const request::Deployment& d) {
  if (m.metric == Metric::kDecodeStep) {
    analysis::Scenario step = request::StageScenario(s, d);
    step.stages = {analysis::Stage::kDecode};
    step.decode_kv_len = m.kv_len > 0 ? m.kv_len : m.input_len + 1;
    double time_s = 0;
    for (const analysis::Plan& plan : stages) {
      const analysis::Analysis a = analysis::Analyze(plan, step);
      time_s += hardware::Roofline(plan, a.stages[0], device, step, timing).time_s;
    }
    return time_s;
  }
  const int64_t gen = m.metric == Metric::kTtft || m.metric == Metric::kPrefillStep ? 1 : m.output_len;
  const request::GenerateResult r = d.layout.Trivial() ? request::Generate(stages[0], s, gen, device, timing)
                                                       : request::GenerateDeployed(stages, s, gen, device, timing, d);
  switch (m.metric) {
    case Metric::kTtft:
    case Metric::kPrefillStep:
      return r.ttft_s;
    case Metric::kTpot:
      return r.tpot_s;
    case Metric::kE2e:
      return r.e2e_s;
    case Metric::kOutputTokensPerS:
      return r.tokens_per_s;
    case Metric::kOutputTokensPerSPerGpu:
      return r.tokens_per_s / static_cast<double>(m.gpus);
    case Metric::kOutputTokensPerSPerUser:
      return r.tokens_per_s_per_sequence;
    case Metric::kDecodeStep:
      break;
  }
  return 0;
}

}  // namespace

void CheckRows(const Dataset& dataset, const hardware::Catalog& catalog, std::vector<Error>* errors) {
  std::map<std::string, std::string> model_faults;  // model -> its load error, "" when it loads
  for (const Measurement& m : dataset.rows) {
    auto fault = model_faults.find(m.model);
    if (fault == model_faults.end()) {
      std::string message;
      try {
        model::LoadModel(m.model);
      } catch (const Error& e) {
        message = e.message();
      }
      fault = model_faults.emplace(m.model, message).first;
    }
    if (!fault->second.empty()) errors->emplace_back(m.file, m.pointer + "/model", fault->second);
    try {
      catalog.Get(m.hardware);
    } catch (const Error& e) {
      errors->emplace_back(m.file, m.pointer + "/hardware", e.message());
    }
  }
}

Summary Summarize(const std::string& group, std::vector<double> ratios) {
  Summary s;
  s.group = group;
  s.cases = static_cast<int64_t>(ratios.size());
  if (ratios.empty()) return s;
  std::vector<double> err;
  double log_sum = 0;
  for (double r : ratios) {
    err.push_back(std::abs(r - 1));
    log_sum += std::log(r);
    s.worst_factor = std::max(s.worst_factor, std::max(r, 1 / r));
  }
  std::sort(err.begin(), err.end());
  // The median of an even count is the mean of the middle two; p90 is the
  // nearest rank.
  const size_t n = err.size();
  s.median_abs_error = n % 2 == 1 ? err[n / 2] : (err[n / 2 - 1] + err[n / 2]) / 2;
  const size_t rank = static_cast<size_t>(std::ceil(0.9 * static_cast<double>(n)));
  s.p90_abs_error = err[std::max<size_t>(rank, 1) - 1];
  s.geomean_ratio = std::exp(log_sum / static_cast<double>(n));
  return s;
}

ValidationResult Validate(const Dataset& dataset, const ValidateOptions& options, const db::ModuleDb& db,
                          const hardware::Catalog& catalog, const hardware::RuntimeCatalog& runtimes) {
  ValidationResult out;
  Plans plans(db);
  const hardware::ClusterCatalog clusters = hardware::ClusterCatalog::Embedded();
  std::map<std::string, std::vector<double>> by_split, by_device, by_metric, by_gpus;
  std::vector<double> all;
  for (const Measurement& m : dataset.rows) {
    if (!InSplit(m, options.split)) continue;
    if ((options.gpus == Gpus::kSingle && m.gpus > 1) || (options.gpus == Gpus::kMulti && m.gpus == 1)) continue;
    Prediction& p = out.predictions.emplace_back();
    p.row = &m;
    try {
      const hardware::Device& device = catalog.Get(m.hardware);
      p.device = device.name;
      const hardware::Runtime* runtime = nullptr;
      if (options.runtime.empty()) runtime = runtimes.ForFramework(m.framework);
      if (runtime == nullptr) runtime = &runtimes.GetOrDefault(options.runtime);
      p.runtime = runtime->name;
      request::Deployment d;
      d.layout = LayoutOf(m);
      d.batch = m.batch;
      hardware::Timing timing = runtimes.Resolve(*runtime, device);
      if (!d.layout.Trivial()) {
        const hardware::Cluster* cluster = hardware::ClusterForDevice(clusters, device);
        if (cluster == nullptr) throw Error("", "", "no cluster of the catalog has " + device.name + " GPUs");
        d.cluster = cluster->name;
        d.nodes = request::NodesFor(*cluster, d.layout, 0);
        request::SetCommTiers(*cluster, d.layout, &timing);
      }
      if (m.metric == Metric::kTpot && m.output_len < 2) {
        throw Error("", "", "tpot_s needs output_len of at least 2 (one decode step)");
      }
      analysis::Scenario s;
      s.batch_size = m.batch;
      s.prompt_len = m.input_len;
      s.w_bits = m.w_bits;
      s.a_bits = m.a_bits;
      s.kv_bits = m.kv_bits;
      s.w_group_size = m.w_group_size;
      s.compute = m.compute;
      s.profile = runtime->execution_profile.empty() ? "fused" : runtime->execution_profile;
      s = hardware::OnDevice(s, device);
      p.predicted = Predict(m, plans.Get(m.model, s.profile, d.layout), s, device, timing, d);
      p.time_ratio = IsThroughput(m.metric) ? m.value / p.predicted : p.predicted / m.value;
      if (!std::isfinite(p.time_ratio) || p.time_ratio <= 0) throw Error("", "", "the prediction is not a positive number");
    } catch (const Error& e) {
      p.skipped = true;
      p.reason = e.message();
      ++out.skipped;
      continue;
    }
    all.push_back(p.time_ratio);
    by_split[m.fit ? "fit" : "held_out"].push_back(p.time_ratio);
    by_device[p.device].push_back(p.time_ratio);
    by_metric[MetricName(m.metric)].push_back(p.time_ratio);
    by_gpus[m.gpus == 1 ? "1 GPU" : "2+ GPUs"].push_back(p.time_ratio);
  }
  out.overall = Summarize("all", all);
  for (auto& [k, v] : by_split) out.by_split.push_back(Summarize(k, v));
  for (auto& [k, v] : by_device) out.by_device.push_back(Summarize(k, v));
  for (auto& [k, v] : by_metric) out.by_metric.push_back(Summarize(k, v));
  for (auto& [k, v] : by_gpus) out.by_gpus.push_back(Summarize(k, v));
  return out;
}

}  // namespace lmp::validate
