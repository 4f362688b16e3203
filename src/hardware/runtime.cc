#include "hardware/runtime.h"

#include <algorithm>

#include "util/embedded.h"
#include "util/error.h"
#include "util/schema.h"
#include "util/suggest.h"

namespace lmp::hardware {
namespace {

constexpr const char* kDocs = "docs/calibration.md";

Sourced ReadSourced(const Json& j) { return {j["value"].get<double>(), j["provenance"].get<std::string>()}; }

// The parameters every non-ideal runtime sets, in the order docs list them.
constexpr const char* kRequired[] = {"kernel_overhead_s",        "prefill_step_overhead_s",
                                     "decode_step_overhead_s",   "attention_flops_fraction",
                                     "attention_bandwidth_fraction", "weight_only_bandwidth_fraction",
                                     "weight_only_tensor_fraction",
                                     "gemm_tile_m",              "gemm_tile_n"};

Runtime ParseRuntime(const Json& j, const std::string& file, const std::string& ptr) {
  Runtime r;
  r.name = j["name"].get<std::string>();
  if (j.contains("aliases")) r.aliases = j["aliases"].get<std::vector<std::string>>();
  r.description = j["description"].get<std::string>();
  r.ideal = j.value("ideal", false);
  if (j.contains("frameworks")) {
    for (const auto& f : j["frameworks"]) r.frameworks.push_back(ToLower(f.get<std::string>()));
  }
  r.execution_profile = j.value("execution_profile", "");
  r.file = file;
  r.pointer = ptr;
  for (const char* key : kRequired) {
    if (r.ideal && j.contains(key)) {
      throw Error(file, ptr + "/" + key,
                  "an ideal runtime takes no parameters; remove it, or set \"ideal\": false (see " +
                      std::string(kDocs) + ")");
    }
    if (!r.ideal && !j.contains(key)) {
      throw Error(file, ptr, "runtime '" + r.name + "' lacks '" + key +
                                 "'; a runtime that is not ideal sets every parameter (see " + kDocs + ")");
    }
  }
  if (r.ideal) return r;
  r.kernel_overhead_s = ReadSourced(j["kernel_overhead_s"]);
  r.prefill_step_overhead_s = ReadSourced(j["prefill_step_overhead_s"]);
  r.decode_step_overhead_s = ReadSourced(j["decode_step_overhead_s"]);
  r.attention_flops_fraction = ReadSourced(j["attention_flops_fraction"]);
  r.attention_bandwidth_fraction = ReadSourced(j["attention_bandwidth_fraction"]);
  for (const auto& [bits, v] : j["weight_only_bandwidth_fraction"].items()) {
    r.weight_only_bandwidth_fraction[std::stoi(bits)] = ReadSourced(v);
  }
  for (const auto& [bits, v] : j["weight_only_tensor_fraction"].items()) {
    r.weight_only_tensor_fraction[std::stoi(bits)] = ReadSourced(v);
  }
  r.gemm_tile_m = ReadSourced(j["gemm_tile_m"]);
  r.gemm_tile_n = ReadSourced(j["gemm_tile_n"]);
  if (j.contains("collective_bandwidth_fraction")) {
    r.collective_bandwidth_fraction = ReadSourced(j["collective_bandwidth_fraction"]);
  }
  return r;
}

DeviceEfficiency ParseDevice(const Json& j, const std::string& file, const std::string& ptr) {
  DeviceEfficiency d;
  d.device = j["device"].get<std::string>();
  d.file = file;
  d.pointer = ptr;
  if (j.contains("bandwidth_fraction")) {
    d.has_bandwidth = true;
    d.bandwidth_fraction = ReadSourced(j["bandwidth_fraction"]);
  }
  if (j.contains("tensor_fraction")) {
    for (const auto& [p, v] : j["tensor_fraction"].items()) d.tensor_fraction[p] = ReadSourced(v);
  }
  return d;
}

bool Names(const Runtime& r, const std::string& want) {
  if (NormalizeName(r.name) == want) return true;
  return std::any_of(r.aliases.begin(), r.aliases.end(),
                     [&](const std::string& a) { return NormalizeName(a) == want; });
}

bool Names(const Device& d, const std::string& want) {
  if (NormalizeName(d.name) == want) return true;
  return std::any_of(d.aliases.begin(), d.aliases.end(),
                     [&](const std::string& a) { return NormalizeName(a) == want; });
}

}  // namespace

RuntimeCatalog RuntimeCatalog::Embedded(SchemaCheck check) {
  RuntimeCatalog c;
  for (const EmbeddedFile& f : EmbeddedFilesUnder("runtimes/")) {
    c.AddText(f.text, "<embedded>/" + std::string(f.path), check);
  }
  return c;
}

void RuntimeCatalog::AddFile(const std::string& path) { AddText(ReadFile(path), path); }

void RuntimeCatalog::AddText(std::string_view text, const std::string& file, SchemaCheck check) {
  const Json doc = check == SchemaCheck::kTrustEmbedded ? ParseTrustedJson(text) : ParseJson(text, file);
  if (check == SchemaCheck::kCheck) {
    ValidateAgainstSchema(doc, "schema/runtimes.schema.json", file, kDocs);
  }
  if (doc.contains("runtimes")) {
    const Json& list = doc["runtimes"];
    for (size_t i = 0; i < list.size(); ++i) {
      Runtime r = ParseRuntime(list[i], file, "/runtimes/" + std::to_string(i));
      const std::string key = NormalizeName(r.name);
      auto same = std::find_if(runtimes_.begin(), runtimes_.end(),
                               [&](const Runtime& e) { return NormalizeName(e.name) == key; });
      if (same != runtimes_.end()) {
        *same = std::move(r);
      } else {
        runtimes_.push_back(std::move(r));
      }
    }
  }
  if (doc.contains("devices")) {
    const Json& list = doc["devices"];
    for (size_t i = 0; i < list.size(); ++i) {
      DeviceEfficiency d = ParseDevice(list[i], file, "/devices/" + std::to_string(i));
      const std::string key = NormalizeName(d.device);
      auto same = std::find_if(devices_.begin(), devices_.end(),
                               [&](const DeviceEfficiency& e) { return NormalizeName(e.device) == key; });
      if (same == devices_.end()) {
        devices_.push_back(std::move(d));
        continue;
      }
      if (d.has_bandwidth) {
        same->has_bandwidth = true;
        same->bandwidth_fraction = d.bandwidth_fraction;
      }
      for (auto& [p, v] : d.tensor_fraction) same->tensor_fraction[p] = v;
    }
  }
  if (doc.contains("default_runtime")) {
    const std::string name = doc["default_runtime"].get<std::string>();
    try {
      Get(name);
    } catch (const Error& e) {
      throw Error(file, "/default_runtime", e.message());
    }
    default_runtime_ = name;
  }
}

const Runtime& RuntimeCatalog::Get(std::string_view name, const std::string& option) const {
  const std::string want = NormalizeName(name);
  std::vector<std::string> names;
  for (const Runtime& r : runtimes_) {
    if (Names(r, want)) return r;
    names.push_back(r.name);
  }
  throw Error("", option, "unknown runtime '" + std::string(name) + "'" + DidYouMean(name, names) +
                              "; 'lmp runtime list' lists them");
}

const Runtime& RuntimeCatalog::GetOrDefault(std::string_view name, const std::string& option) const {
  if (!name.empty()) return Get(name, option);
  return Get(default_runtime_.empty() ? "ideal" : default_runtime_, option);
}

const Runtime* RuntimeCatalog::ForFramework(std::string_view framework) const {
  const std::string f = ToLower(framework);
  const Runtime* best = nullptr;
  size_t best_at = std::string::npos;
  for (const Runtime& r : runtimes_) {
    for (const std::string& pattern : r.frameworks) {
      const size_t at = f.find(pattern);
      if (at < best_at) best = &r, best_at = at;
    }
  }
  return best;
}

Timing RuntimeCatalog::Resolve(const Runtime& r, const Device& device) const {
  Timing t;
  t.runtime = r.name;
  if (r.ideal) return t;
  t.ideal = false;
  const DeviceEfficiency* fallback = nullptr;
  const DeviceEfficiency* own = nullptr;
  for (const DeviceEfficiency& e : devices_) {
    if (e.device == "*") {
      fallback = &e;
    } else if (Names(device, NormalizeName(e.device))) {
      own = &e;
    }
  }
  for (const DeviceEfficiency* e : {fallback, own}) {
    if (e == nullptr) continue;
    if (e->has_bandwidth) t.bandwidth_fraction = e->bandwidth_fraction.value;
    for (const auto& [p, v] : e->tensor_fraction) t.tensor_fraction[p] = v.value;
  }
  t.kernel_overhead_s = r.kernel_overhead_s.value;
  t.prefill_step_overhead_s = r.prefill_step_overhead_s.value;
  t.decode_step_overhead_s = r.decode_step_overhead_s.value;
  t.attention_flops_fraction = r.attention_flops_fraction.value;
  t.attention_bandwidth_fraction = r.attention_bandwidth_fraction.value;
  for (const auto& [bits, v] : r.weight_only_bandwidth_fraction) t.weight_only_bandwidth_fraction[bits] = v.value;
  for (const auto& [bits, v] : r.weight_only_tensor_fraction) t.weight_only_tensor_fraction[bits] = v.value;
  t.gemm_tile_m = static_cast<int64_t>(r.gemm_tile_m.value);
  t.gemm_tile_n = static_cast<int64_t>(r.gemm_tile_n.value);
  t.collective_bandwidth_fraction = r.collective_bandwidth_fraction.value;
  t.compute_units = device.compute_units;
  return t;
}

}  // namespace lmp::hardware
