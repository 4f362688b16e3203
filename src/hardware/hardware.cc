#include "hardware/hardware.h"

#include <algorithm>

#include "util/embedded.h"
#include "util/error.h"
#include "util/schema.h"
#include "util/suggest.h"

namespace lmp::hardware {
namespace {

std::map<std::string, double> Peaks(const Json& j) {
  std::map<std::string, double> out;
  for (const auto& [k, v] : j.items()) out[k] = v.get<double>();
  return out;
}

Device ParseDevice(const Json& j, const std::string& file, const std::string& ptr) {
  Device d;
  d.name = j["name"].get<std::string>();
  if (j.contains("aliases")) d.aliases = j["aliases"].get<std::vector<std::string>>();
  d.vendor = j.value("vendor", "");
  const Json& mem = j["memory"];
  d.dram_bytes = mem["dram_bytes"].get<int64_t>();
  d.dram_bandwidth_bytes_per_s = mem["dram_bandwidth_bytes_per_s"].get<double>();
  d.onchip_bytes = mem.value("onchip_bytes", int64_t{0});
  d.sram_per_core_bytes = mem.value("sram_per_core_bytes", int64_t{0});
  d.interconnect_bandwidth_bytes_per_s = j.value("interconnect_bandwidth_bytes_per_s", 0.0);
  d.compute_units = j.value("compute_units", int64_t{0});
  d.tensor_flops_per_s = Peaks(j["tensor_flops_per_s"]);
  d.vector_flops_per_s = Peaks(j["vector_flops_per_s"]);
  d.citation = j["citation"].get<std::string>();
  d.notes = j.value("notes", "");
  d.file = file;
  d.pointer = ptr;
  d.source = j;
  return d;
}

std::vector<std::string> NormalizedNames(const Device& d) {
  std::vector<std::string> out = {NormalizeName(d.name)};
  for (const std::string& a : d.aliases) out.push_back(NormalizeName(a));
  return out;
}

}  // namespace

std::string NormalizeName(std::string_view name) {
  std::string out = ToLower(name);
  std::replace_if(out.begin(), out.end(), [](char c) { return c == '_' || c == ' '; }, '-');
  return out;
}

Catalog Catalog::Embedded(SchemaCheck check) {
  Catalog c;
  for (const EmbeddedFile& f : EmbeddedFilesUnder("hardware/")) {
    c.AddText(f.text, "<embedded>/" + std::string(f.path), check);
  }
  return c;
}

void Catalog::AddFile(const std::string& path) { AddText(ReadFile(path), path); }

void Catalog::AddText(std::string_view text, const std::string& file, SchemaCheck check) {
  const Json doc = check == SchemaCheck::kTrustEmbedded ? ParseTrustedJson(text) : ParseJson(text, file);
  if (check == SchemaCheck::kCheck) {
    ValidateAgainstSchema(doc, "schema/hardware.schema.json", file, "docs/hardware.md");
  }
  const Json& list = doc["devices"];
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string ptr = "/devices/" + std::to_string(i);
    Device d = ParseDevice(list[i], file, ptr);
    const std::string key = NormalizeName(d.name);
    auto same = std::find_if(devices_.begin(), devices_.end(),
                             [&](const Device& e) { return NormalizeName(e.name) == key; });
    // A replaced device's names no longer count as taken.
    for (const Device& e : devices_) {
      if (same != devices_.end() && &e == &*same) continue;
      const std::vector<std::string> taken = NormalizedNames(e);
      for (const std::string& n : NormalizedNames(d)) {
        if (std::find(taken.begin(), taken.end(), n) != taken.end()) {
          throw Error(file, ptr, "name or alias '" + n + "' is already used by device '" + e.name + "' (" +
                                     e.file + " " + e.pointer + "); rename it, or give the device that name to replace it");
        }
      }
    }
    if (same != devices_.end()) {
      *same = std::move(d);
    } else {
      devices_.push_back(std::move(d));
    }
  }
}

const Device& Catalog::Get(std::string_view name, const std::string& option) const {
  const std::string want = NormalizeName(name);
  std::vector<std::string> names;
  for (const Device& d : devices_) {
    const std::vector<std::string> all = NormalizedNames(d);
    if (std::find(all.begin(), all.end(), want) != all.end()) return d;
    names.push_back(d.name);
    names.insert(names.end(), d.aliases.begin(), d.aliases.end());
  }
  throw Error("", option, "unknown device '" + std::string(name) + "'" + DidYouMean(name, names) +
                                    "; 'lmp hardware list' lists the catalog");
}

}  // namespace lmp::hardware
