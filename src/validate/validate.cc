#include "validate/validate.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "analysis/analyze.h"
#include "analysis/plan.h"
#include "hardware/roofline.h"
#include "model/model.h"
#include "request/generate.h"
#include "util/error.h"

namespace lmp::validate {
namespace {

// Plans built once per (model, profile), and models that failed to load.
class Plans {
 public:
  explicit Plans(const db::ModuleDb& db) : db_(db) {}
  const analysis::Plan& Get(const std::string& model, const std::string& profile) {
    const std::string key = model + "\n" + profile;
    auto it = plans_.find(key);
    if (it == plans_.end()) {
      it = plans_.emplace(key, std::make_unique<analysis::Plan>(
                                   analysis::BuildPlan(model::LoadModel(model), db_, profile))).first;
    }
    return *it->second;
  }

 private:
  const db::ModuleDb& db_;
  std::map<std::string, std::unique_ptr<analysis::Plan>> plans_;
};

bool InSplit(const Measurement& m, Split s) {
  return s == Split::kAll || (s == Split::kFit) == m.fit;
}

double Predict(const Measurement& m, const analysis::Plan& plan, const analysis::Scenario& s,
               const hardware::Device& device, const hardware::Timing& timing) {
  if (m.metric == Metric::kDecodeStep) {
    analysis::Scenario d = s;
    d.stages = {analysis::Stage::kDecode};
    d.decode_kv_len = m.kv_len > 0 ? m.kv_len : m.input_len + 1;
    const analysis::Analysis a = analysis::Analyze(plan, d);
    return hardware::Roofline(plan, a.stages[0], device, d, timing).time_s;
  }
  const int64_t gen = m.metric == Metric::kTtft || m.metric == Metric::kPrefillStep ? 1 : m.output_len;
  const request::GenerateResult r = request::Generate(plan, s, gen, device, timing);
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
  std::map<std::string, std::vector<double>> by_split, by_device, by_metric;
  std::vector<double> all;
  for (const Measurement& m : dataset.rows) {
    if (!InSplit(m, options.split)) continue;
    Prediction& p = out.predictions.emplace_back();
    p.row = &m;
    try {
      const hardware::Device& device = catalog.Get(m.hardware);
      p.device = device.name;
      const hardware::Runtime* runtime = nullptr;
      if (options.runtime.empty()) runtime = runtimes.ForFramework(m.framework);
      if (runtime == nullptr) runtime = &runtimes.GetOrDefault(options.runtime);
      p.runtime = runtime->name;
      if (m.tp > 1 || m.pp > 1 || m.gpus > 1) {
        throw Error("", "", "a layout over " + std::to_string(m.gpus) +
                                " GPUs (tp " + std::to_string(m.tp) + ", pp " + std::to_string(m.pp) +
                                "): multi-GPU layouts are not modelled yet");
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
      const analysis::Plan& plan = plans.Get(m.model, s.profile);
      p.predicted = Predict(m, plan, s, device, runtimes.Resolve(*runtime, device));
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
  }
  out.overall = Summarize("all", all);
  for (auto& [k, v] : by_split) out.by_split.push_back(Summarize(k, v));
  for (auto& [k, v] : by_device) out.by_device.push_back(Summarize(k, v));
  for (auto& [k, v] : by_metric) out.by_metric.push_back(Summarize(k, v));
  return out;
}

}  // namespace lmp::validate
