#include "request/compare.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "analysis/plan.h"
#include "hardware/roofline.h"
#include "hardware/cluster.h"
#include "model/model.h"
#include "parallel/sharding.h"
#include "request/deployment.h"
#include "util/error.h"
#include "util/suggest.h"

namespace lmp::request {
namespace {

int64_t Integer(std::string_view key, std::string_view value, const std::string& option) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size()) {
    throw Error("", option, std::string(key) + "=" + std::string(value) + ": '" + std::string(value) +
                                "' is not an integer");
  }
  return v;
}

// Bit widths are ints; a value past int's range is clamped, and the
// scenario check rejects it as outside 1 to 64.
int Bits(std::string_view key, std::string_view value, const std::string& option) {
  const int64_t v = Integer(key, value, option);
  return static_cast<int>(std::clamp<int64_t>(v, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
}

}  // namespace

const std::vector<std::string>& SettingKeys() {
  static const std::vector<std::string> keys = {"model",  "hardware", "batch",        "prompt",  "gen",
                                                "w-bits", "a-bits",   "kv-bits",      "w-group-size",
                                                "compute", "profile", "sram-bytes", "runtime", "tp",
                                                "pp",      "ep",      "dp",         "microbatches"};
  return keys;
}

void ApplySettings(std::string_view text, const std::string& option, RequestSpec* spec) {
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find(',', begin);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view item = text.substr(begin, end - begin);
    begin = end + 1;
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      throw Error("", option, "expected KEY=VALUE, got '" + std::string(item) + "' (e.g. hardware=h100, w-bits=4)");
    }
    const std::string key(item.substr(0, eq));
    const std::string_view value = item.substr(eq + 1);
    analysis::Scenario& s = spec->scenario;
    if (key == "model") {
      spec->model = value;
    } else if (key == "hardware") {
      spec->hardware = value;
    } else if (key == "batch") {
      s.batch_size = Integer(key, value, option);
    } else if (key == "prompt") {
      s.prompt_len = Integer(key, value, option);
    } else if (key == "gen") {
      spec->gen_len = Integer(key, value, option);
    } else if (key == "w-bits") {
      s.w_bits = Bits(key, value, option);
    } else if (key == "a-bits") {
      s.a_bits = Bits(key, value, option);
    } else if (key == "kv-bits") {
      s.kv_bits = Bits(key, value, option);
    } else if (key == "w-group-size") {
      s.w_group_size = Integer(key, value, option);
    } else if (key == "compute") {
      s.compute = value;
    } else if (key == "profile") {
      s.profile = value;
      spec->profile_given = true;
    } else if (key == "runtime") {
      spec->runtime = value;
    } else if (key == "tp" || key == "pp" || key == "ep" || key == "dp" || key == "microbatches") {
      const int64_t v = Integer(key, value, option);
      if (v < 1 || v > parallel::kMaxGpus) {
        throw Error("", option, key + " must be a positive integer of at most " + std::to_string(parallel::kMaxGpus) +
                                    ", got " + std::to_string(v));
      }
      int64_t* field = key == "tp" ? &spec->layout.tp
                       : key == "pp" ? &spec->layout.pp
                       : key == "ep" ? &spec->layout.ep
                       : key == "dp" ? &spec->layout.dp
                                     : &spec->microbatches;
      *field = v;
    } else if (key == "sram-bytes") {
      s.sram_bytes = Integer(key, value, option);
      if (s.sram_bytes < 1) {
        throw Error("", option, "sram-bytes must be a positive integer, got " + std::to_string(s.sram_bytes));
      }
    } else {
      std::string keys;
      for (const std::string& k : SettingKeys()) keys += (keys.empty() ? "" : ", ") + k;
      throw Error("", option, "unknown key '" + key + "'" + DidYouMean(key, SettingKeys()) + "; keys: " + keys);
    }
    if (end == text.size()) break;
  }
}

RequestOutcome EvaluateRequest(const RequestSpec& spec, const db::ModuleDb& db, const hardware::Catalog& catalog,
                               const hardware::RuntimeCatalog& runtimes, const std::string& label) {
  try {
    if (spec.model.empty())
      throw Error("", "MODEL", "no model; give MODEL, or model=ID in " + Opt("a") + " and " + Opt("b"));
    if (spec.hardware.empty()) {
      throw Error::Option(
          "hardware", "no device; give " + Opt("hardware") + ", or hardware=NAME in " + Opt("a") + " and " + Opt("b"));
    }
    analysis::ValidateScenario(spec.scenario);
    const hardware::Device& device = catalog.Get(spec.hardware);
    const hardware::Runtime& runtime = runtimes.GetOrDefault(spec.runtime, Opt("runtime"));
    analysis::Scenario scenario = spec.scenario;
    if (!spec.profile_given && !runtime.execution_profile.empty()) scenario.profile = runtime.execution_profile;
    const model::Model m = model::LoadModel(spec.model);
    RequestOutcome o;
    o.device = device.name;
    o.scenario = hardware::OnDevice(scenario, device);
    o.layout = spec.layout;
    const int64_t context = analysis::RequestContextLen(o.scenario.prompt_len, spec.gen_len);
    if (spec.layout.Trivial()) {
      const analysis::Plan plan = analysis::BuildPlan(m, db, scenario.profile);
      o.model_id = plan.model_id;
      o.result = Generate(plan, o.scenario, spec.gen_len, device, runtimes.Resolve(runtime, device));
      o.footprint = analysis::MemoryFootprint(plan, o.scenario, context);
    } else {
      parallel::ValidateLayout(spec.layout);
      static const hardware::ClusterCatalog clusters = hardware::ClusterCatalog::Embedded();
      const hardware::Cluster* cluster = hardware::ClusterForDevice(clusters, device);
      if (cluster == nullptr) {
        throw Error::Option("hardware", "no cluster of the catalog has " + device.name +
                                            " GPUs, so a layout over many cannot be timed (docs/parallelism.md)");
      }
      Deployment d;
      d.layout = spec.layout;
      d.batch = o.scenario.batch_size;
      d.microbatches = spec.microbatches;
      d.cluster = cluster->name;
      d.nodes = NodesFor(*cluster, d.layout, 0);
      const std::vector<analysis::Plan> stages =
          BuildStagePlans(m, db, scenario.profile, parallel::ShardingRules::Embedded(), spec.layout);
      hardware::Timing t = runtimes.Resolve(runtime, device);
      SetCommTiers(*cluster, d.layout, &t);
      o.model_id = stages.front().model_id;
      o.cluster = cluster->name;
      o.result = GenerateDeployed(stages, o.scenario, spec.gen_len, device, t, d);
      o.footprint = DeviceFootprint(stages, o.scenario, d, context);
    }
    o.fit = hardware::CheckFit(o.footprint.total_bytes, device.dram_bytes);
    return o;
  } catch (const Error& e) {
    // A layout the model cannot take names its degree in the message; the
    // side's label says where it was given.
    const std::string& w = e.where();
    if (e.file().empty() && (w == "tp" || w == "pp" || w == "ep" || w == "dp" || w == "parallel" || w == "nodes")) {
      throw Error("", "", label + e.message());
    }
    throw e.WithMessagePrefix(label);
  }
}

}  // namespace lmp::request
