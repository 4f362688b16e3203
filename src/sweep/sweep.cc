#include "sweep/sweep.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "analysis/footprint.h"
#include "analysis/scenario.h"
#include "hardware/cluster.h"
#include "hardware/fit.h"
#include "hardware/roofline.h"
#include "parallel/sharding.h"
#include "request/deployment.h"
#include "request/generate.h"
#include "util/error.h"
#include "util/suggest.h"

namespace lmp::sweep {

struct Sweep::Compiled {
  analysis::Plan plan;
  // Whether any formula reads sram_bytes. When none does (the fused
  // profile), devices with different SRAM share one set of figures.
  bool reads_sram = false;
};

// A model split over a layout: one plan per pipeline stage.
struct Sweep::Deployed {
  std::vector<analysis::Plan> stages;
};

// The figures of one point at one SRAM size, shared by the devices that
// have it.
struct SramGroup {
  int64_t sram_bytes = 0;
  request::RequestFigures figures;
  int64_t footprint_bytes = 0;
};

class Sweep::Worker {
 public:
  std::vector<std::unique_ptr<analysis::Evaluator>> evaluators;  // [model][profile]
  std::vector<SramGroup> groups;
};

namespace {

bool ReadsSlot(const analysis::Plan& plan, uint32_t slot) {
  return std::any_of(plan.program.code.begin(), plan.program.code.end(),
                     [&](const formula::Instr& in) { return in.code == formula::Opcode::kLoad && in.slot == slot; });
}

// One scenario's row: its indices, its settings, the request's figures and
// how its footprint fits the device.
Row MakeRow(uint32_t model, uint32_t device, uint32_t profile, uint32_t layout, const analysis::Scenario& s,
            int64_t gen_len, const request::GenerateResult& r, int64_t footprint_bytes, int64_t dram_bytes) {
  Row row;
  row.model = model;
  row.device = device;
  row.profile = profile;
  row.layout = layout;
  row.w_bits = s.w_bits;
  row.a_bits = s.a_bits;
  row.kv_bits = s.kv_bits;
  row.batch_size = s.batch_size;
  row.prompt_len = s.prompt_len;
  row.gen_len = gen_len;
  row.ttft_s = r.ttft_s;
  row.tpot_s = r.tpot_s;
  row.e2e_s = r.e2e_s;
  row.tokens_per_s = r.tokens_per_s;
  row.request_flops = r.request_flops;
  row.request_bytes = r.request_bytes;
  row.footprint_bytes = footprint_bytes;
  row.fits = hardware::CheckFit(footprint_bytes, dram_bytes).fits;
  return row;
}

}  // namespace

Sweep::Sweep(const Axes& axes, const db::ModuleDb& db, const hardware::Catalog& catalog,
             const hardware::RuntimeCatalog& runtimes)
    : axes_(axes) {
  if (axes_.models.empty()) throw Error::Option("model", "give at least one model");
  if (axes_.devices.empty()) throw Error::Option("hardware", "give at least one device, or all");
  for (const std::string& name : axes_.devices) {
    if (ToLower(name) == "all") {
      for (const hardware::Device& d : catalog.devices()) devices_.push_back(&d);
    } else {
      devices_.push_back(&catalog.Get(name, Opt("hardware")));
    }
  }
  const hardware::Runtime& runtime = runtimes.Get(axes_.runtime, Opt("runtime"));
  for (const hardware::Device* d : devices_) timings_.push_back(runtimes.Resolve(runtime, *d));
  // Every combination of the settings ValidateScenario checks together.
  analysis::Scenario check;
  check.w_group_size = axes_.w_group_size;
  check.compute = axes_.compute;
  for (const std::string& profile : axes_.profiles) {
    for (int64_t w : axes_.w_bits) {
      for (int64_t a : axes_.a_bits) {
        for (int64_t kv : axes_.kv_bits) {
          // Values past int are clamped; ValidateScenario rejects them as above 64.
          check.profile = profile;
          check.w_bits = static_cast<int>(std::min<int64_t>(w, std::numeric_limits<int>::max()));
          check.a_bits = static_cast<int>(std::min<int64_t>(a, std::numeric_limits<int>::max()));
          check.kv_bits = static_cast<int>(std::min<int64_t>(kv, std::numeric_limits<int>::max()));
          analysis::ValidateScenario(check);
        }
      }
    }
  }
  long double product = 1;
  if (axes_.layouts.empty()) axes_.layouts = {parallel::Layout{}};
  for (const parallel::Layout& l : axes_.layouts) parallel::ValidateLayout(l);
  for (size_t n : {axes_.models.size(), axes_.profiles.size(), axes_.layouts.size(), axes_.w_bits.size(),
                   axes_.a_bits.size(), axes_.kv_bits.size(), axes_.batches.size(), axes_.prompts.size(),
                   axes_.gens.size(), devices_.size()}) {
    product *= static_cast<long double>(n);
  }
  if (product > static_cast<long double>(kMaxScenarios)) {
    throw Error("", "",
                fmt::format("too many scenarios: the lists make {:.0Lf}, more than the limit of {}; shorten them",
                            product, kMaxScenarios));
  }
  points_ = static_cast<int64_t>(product) / static_cast<int64_t>(devices_.size());

  for (const std::string& id : axes_.models) {
    models_.push_back(model::LoadModel(id));
    for (const std::string& profile : axes_.profiles) {
      auto c = std::make_unique<Compiled>();
      c->plan = analysis::BuildPlan(models_.back(), db, profile);
      c->reads_sram = ReadsSlot(c->plan, analysis::kSramBytes);
      plans_.push_back(std::move(c));
    }
    model_names_.push_back(plans_.back()->plan.model_id);
  }
  BuildLayouts(db);
  // Looking every peak up now fails a device that lacks a precision before
  // any row is written.
  analysis::Scenario s;
  s.compute = axes_.compute;
  for (size_t m = 0; m < models_.size(); ++m) {
    for (size_t p = 0; p < axes_.profiles.size(); ++p) {
      for (int64_t w : axes_.w_bits) {
        for (int64_t a : axes_.a_bits) {
          s.w_bits = static_cast<int>(w);
          s.a_bits = static_cast<int>(a);
          for (const hardware::Device* d : devices_) {
            peaks_.push_back(hardware::OpPeaks(PlanOf(m, p).plan, *d, s));
          }
        }
      }
    }
  }
}

Sweep::~Sweep() = default;

bool Sweep::has_layouts() const {
  return std::any_of(axes_.layouts.begin(), axes_.layouts.end(), [](const parallel::Layout& l) { return !l.Trivial(); });
}

void Sweep::BuildLayouts(const db::ModuleDb& db) {
  if (!has_layouts()) return;
  static const hardware::ClusterCatalog clusters = hardware::ClusterCatalog::Embedded();
  const parallel::ShardingRules rules = parallel::ShardingRules::Embedded();
  for (size_t m = 0; m < models_.size(); ++m) {
    for (size_t p = 0; p < axes_.profiles.size(); ++p) {
      for (const parallel::Layout& l : axes_.layouts) {
        if (l.Trivial()) {
          deployed_.push_back(nullptr);
          continue;
        }
        try {
          auto d = std::make_unique<Deployed>();
          d->stages = request::BuildStagePlans(models_[m], db, axes_.profiles[p], rules, l);
          deployed_.push_back(std::move(d));
        } catch (const Error& e) {
          if (e.option() != "tp" && e.option() != "ep" && e.option() != "pp") throw;
          deployed_.push_back(nullptr);
          const bool known = std::any_of(skipped_.begin(), skipped_.end(), [&](const Skipped& k) {
            return k.model == model_names_[m] && k.layout == l;
          });
          if (!known) skipped_.push_back({model_names_[m], l, e.message()});
        }
      }
    }
  }
  for (const parallel::Layout& l : axes_.layouts) {
    for (size_t d = 0; d < devices_.size(); ++d) {
      hardware::Timing t = timings_[d];
      if (!l.Trivial()) {
        const hardware::Cluster* c = hardware::ClusterForDevice(clusters, *devices_[d]);
        if (c == nullptr) {
          throw Error::Option("hardware", "no cluster of the catalog has " + devices_[d]->name +
                                              " GPUs, so the layouts cannot be timed on it; leave it out");
        }
        request::SetCommTiers(*c, l, &t);
      }
      layout_timings_.push_back(std::move(t));
    }
  }
}

const Sweep::Compiled& Sweep::PlanOf(uint32_t model, uint32_t profile) const {
  return *plans_[model * axes_.profiles.size() + profile];
}

const std::vector<double>& Sweep::PeaksOf(uint32_t model, uint32_t profile, size_t w, size_t a,
                                          uint32_t device) const {
  const size_t i = (((model * axes_.profiles.size() + profile) * axes_.w_bits.size() + w) * axes_.a_bits.size() + a) *
                       devices_.size() +
                   device;
  return peaks_[i];
}

std::shared_ptr<Sweep::Worker> Sweep::NewWorker() const {
  auto w = std::make_shared<Worker>();
  for (const auto& c : plans_) w->evaluators.push_back(std::make_unique<analysis::Evaluator>(c->plan));
  return w;
}

void Sweep::EvaluatePoint(int64_t point, Worker& worker, std::vector<Row>* out) const {
  // Mixed-radix digits, the innermost axis first.
  int64_t rest = point;
  auto digit = [&rest](size_t n) {
    const size_t d = static_cast<size_t>(rest % static_cast<int64_t>(n));
    rest /= static_cast<int64_t>(n);
    return d;
  };
  const size_t gen_i = digit(axes_.gens.size());
  const size_t prompt_i = digit(axes_.prompts.size());
  const size_t batch_i = digit(axes_.batches.size());
  const size_t kv_i = digit(axes_.kv_bits.size());
  const size_t a_i = digit(axes_.a_bits.size());
  const size_t w_i = digit(axes_.w_bits.size());
  const uint32_t layout = static_cast<uint32_t>(digit(axes_.layouts.size()));
  const uint32_t profile = static_cast<uint32_t>(digit(axes_.profiles.size()));
  const uint32_t model = static_cast<uint32_t>(rest);

  analysis::Scenario s;
  s.batch_size = axes_.batches[batch_i];
  s.prompt_len = axes_.prompts[prompt_i];
  s.w_bits = static_cast<int>(axes_.w_bits[w_i]);
  s.a_bits = static_cast<int>(axes_.a_bits[a_i]);
  s.kv_bits = static_cast<int>(axes_.kv_bits[kv_i]);
  s.w_group_size = axes_.w_group_size;
  s.compute = axes_.compute;
  s.profile = axes_.profiles[profile];
  const int64_t gen_len = axes_.gens[gen_i];
  if (!axes_.layouts[layout].Trivial()) {
    const Deployed* dep = deployed_[(model * axes_.profiles.size() + profile) * axes_.layouts.size() + layout].get();
    if (dep != nullptr) EvaluateDeployed(*dep, model, profile, layout, s, gen_len, out);
    return;
  }
  const Compiled& c = PlanOf(model, profile);
  analysis::Evaluator& ev = *worker.evaluators[model * axes_.profiles.size() + profile];

  size_t used = 0;
  uint32_t device = 0;
  try {
    const int64_t context_len = analysis::RequestContextLen(s.prompt_len, gen_len);
    for (; device < devices_.size(); ++device) {
      const hardware::Device& d = *devices_[device];
      const analysis::Scenario sd = hardware::OnDevice(s, d);
      const int64_t key = c.reads_sram ? analysis::SramBytes(sd) : 0;
      size_t g = 0;
      while (g < used && worker.groups[g].sram_bytes != key) ++g;
      if (g == used) {
        if (worker.groups.size() == used) worker.groups.emplace_back();
        SramGroup& group = worker.groups[used++];
        group.sram_bytes = key;
        request::PrepareRequest(c.plan, sd, gen_len, ev, &group.figures);
        group.footprint_bytes = analysis::MemoryFootprint(c.plan, sd, context_len).total_bytes;
      }
      const SramGroup& group = worker.groups[g];
      const request::GenerateResult r =
          request::TimeRequest(c.plan, group.figures, sd, d, PeaksOf(model, profile, w_i, a_i, device), timings_[device]);
      out->push_back(MakeRow(model, device, profile, layout, s, gen_len, r, group.footprint_bytes, d.dram_bytes));
    }
  } catch (const Error& e) {
    throw e.WithMessagePrefix(fmt::format("scenario model={} hardware={} profile={} w-bits={} a-bits={} kv-bits={} "
                                          "batch={} prompt={} gen={}: ",
                                          model_names_[model], devices_[std::min<size_t>(device, devices_.size() - 1)]->name,
                                          s.profile, s.w_bits, s.a_bits, s.kv_bits, s.batch_size, s.prompt_len,
                                          gen_len));
  }
}

// Slower than the one-GPU path (each device times every stage afresh), as
// befits the few layouts a sweep crosses.
void Sweep::EvaluateDeployed(const Deployed& dep, uint32_t model, uint32_t profile, uint32_t layout,
                             const analysis::Scenario& s, int64_t gen_len, std::vector<Row>* out) const {
  const parallel::Layout& l = axes_.layouts[layout];
  uint32_t device = 0;
  try {
    const int64_t context_len = analysis::RequestContextLen(s.prompt_len, gen_len);
    for (; device < devices_.size(); ++device) {
      const hardware::Device& d = *devices_[device];
      const analysis::Scenario sd = hardware::OnDevice(s, d);
      request::Deployment dd;
      dd.layout = l;
      dd.batch = s.batch_size;
      const request::GenerateResult r = request::GenerateDeployed(
          dep.stages, sd, gen_len, d, layout_timings_[layout * devices_.size() + device], dd);
      const int64_t footprint = request::DeviceFootprint(dep.stages, sd, dd, context_len).total_bytes;
      out->push_back(MakeRow(model, device, profile, layout, s, gen_len, r, footprint, d.dram_bytes));
    }
  } catch (const Error& e) {
    throw e.WithMessagePrefix(fmt::format("scenario model={} hardware={} layout={} batch={} prompt={} gen={}: ",
                                          model_names_[model], devices_[std::min<size_t>(device, devices_.size() - 1)]->name,
                                          parallel::LayoutText(l), s.batch_size, s.prompt_len, gen_len));
  }
}

}  // namespace lmp::sweep
