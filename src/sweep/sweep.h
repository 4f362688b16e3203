#ifndef LMP_SWEEP_SWEEP_H_
#define LMP_SWEEP_SWEEP_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "analysis/analyze.h"
#include "analysis/plan.h"
#include "db/module_db.h"
#include "hardware/hardware.h"
#include "hardware/runtime.h"
#include "model/model.h"
#include "parallel/layout.h"

namespace lmp::sweep {

// The most scenarios one sweep may have.
inline constexpr int64_t kMaxScenarios = 1'000'000'000;

// The lists a sweep takes the Cartesian product of, and the settings every
// scenario shares.
struct Axes {
  std::vector<std::string> models;   // catalog ids or paths
  std::vector<std::string> devices;  // catalog names; "all" is every device
  std::vector<std::string> profiles = {"fused"};
  std::vector<int64_t> batches = {1};
  std::vector<int64_t> prompts = {2048};
  std::vector<int64_t> gens = {256};
  std::vector<int64_t> w_bits = {16};
  std::vector<int64_t> a_bits = {16};
  std::vector<int64_t> kv_bits = {16};
  int64_t w_group_size = 0;
  std::string compute = "auto";
  std::string runtime = "ideal";  // every scenario is timed under it
  // Parallel layouts (docs/parallelism.md), each on the catalog's first
  // cluster of the device; the default is one GPU. A layout a model cannot
  // take gives no rows for that model (Sweep::skipped lists why).
  std::vector<parallel::Layout> layouts = {parallel::Layout{}};
};

// One scenario: a whole request (prefill of `prompt_len` tokens, then
// `gen_len` generated, as `lmp generate`) on one device. Names are indices
// into the Sweep's lists.
struct Row {
  uint32_t model = 0;
  uint32_t device = 0;
  uint32_t profile = 0;
  uint32_t layout = 0;  // index into Axes::layouts
  int w_bits = 16, a_bits = 16, kv_bits = 16;
  int64_t batch_size = 0, prompt_len = 0, gen_len = 0;
  double ttft_s = 0, tpot_s = 0, e2e_s = 0, tokens_per_s = 0;
  double request_flops = 0, request_bytes = 0;
  int64_t footprint_bytes = 0;
  bool fits = false;
};

// A sweep ready to run: models loaded and compiled once per (model,
// profile), devices resolved, every value validated and every device's peak
// for every bit combination looked up, so that a bad option fails before the
// first row. Scenarios are numbered in a fixed order, nested from the
// outermost: model, profile, layout, w_bits, a_bits, kv_bits, batch, prompt,
// gen, device. Under a layout of several GPUs the figures are one GPU's
// (the fullest pipeline stage's memory) and tokens_per_s the deployment's. A "point" is a scenario less its device: the device-independent
// figures (FLOPs, bytes, the footprint) are computed once per point.
class Sweep {
 public:
  // The runtimes catalog resolves axes.runtime for each device; the default
  // (Embedded()) has the built-in profiles.
  Sweep(const Axes& axes, const db::ModuleDb& db, const hardware::Catalog& catalog,
        const hardware::RuntimeCatalog& runtimes = hardware::RuntimeCatalog::Embedded());
  ~Sweep();
  Sweep(const Sweep&) = delete;
  Sweep& operator=(const Sweep&) = delete;

  int64_t scenarios() const { return points_ * static_cast<int64_t>(devices_.size()); }
  int64_t points() const { return points_; }
  size_t devices_per_point() const { return devices_.size(); }

  const std::string& model_name(uint32_t i) const { return model_names_[i]; }
  const std::string& device_name(uint32_t i) const { return devices_[i]->name; }
  const std::string& profile_name(uint32_t i) const { return axes_.profiles[i]; }
  const std::string& runtime_name() const { return axes_.runtime; }
  const parallel::Layout& layout(uint32_t i) const { return axes_.layouts[i]; }
  // Whether any layout uses more than one GPU (the output adds its columns).
  bool has_layouts() const;
  // (model, layout) pairs without rows: the model cannot take the layout.
  struct Skipped {
    std::string model;
    parallel::Layout layout;
    std::string reason;
  };
  const std::vector<Skipped>& skipped() const { return skipped_; }
  size_t num_models() const { return models_.size(); }
  size_t num_devices() const { return devices_.size(); }
  size_t num_profiles() const { return axes_.profiles.size(); }
  size_t num_layouts() const { return axes_.layouts.size(); }

  // Per-thread scratch: an Evaluator per plan and reusable buffers.
  class Worker;
  // (A shared_ptr, whose deleter is bound here, so Worker can stay opaque.)
  std::shared_ptr<Worker> NewWorker() const;

  // Appends the rows of one point, one per device in list order. Throws
  // lmp::Error, prefixed with the scenario, on an evaluation fault
  // (64-bit overflow).
  void EvaluatePoint(int64_t point, Worker& worker, std::vector<Row>* out) const;

 private:
  struct Compiled;
  struct Deployed;
  const Compiled& PlanOf(uint32_t model, uint32_t profile) const;
  void BuildLayouts(const db::ModuleDb& db);
  void EvaluateDeployed(const Deployed& dep, uint32_t model, uint32_t profile, uint32_t layout,
                        const analysis::Scenario& s, int64_t gen_len, std::vector<Row>* out) const;
  const std::vector<double>& PeaksOf(uint32_t model, uint32_t profile, size_t w, size_t a, uint32_t device) const;

  Axes axes_;
  std::vector<model::Model> models_;
  std::vector<std::string> model_names_;
  std::vector<std::unique_ptr<Compiled>> plans_;  // [model][profile]
  std::vector<const hardware::Device*> devices_;
  std::vector<hardware::Timing> timings_;  // per device
  // [model][profile][w_bits][a_bits][device] -> per-operation peaks.
  std::vector<std::vector<double>> peaks_;
  int64_t points_ = 0;
  // [model][profile][layout], null for one GPU or a layout the model cannot take.
  std::vector<std::unique_ptr<Deployed>> deployed_;
  std::vector<hardware::Timing> layout_timings_;  // [layout][device], with the cluster's tiers
  std::vector<std::string> clusters_;             // per device, under layouts
  std::vector<Skipped> skipped_;
};

}  // namespace lmp::sweep

#endif  // LMP_SWEEP_SWEEP_H_
