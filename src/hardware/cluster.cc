#include "hardware/cluster.h"

#include <algorithm>

#include "util/embedded.h"
#include "util/error.h"
#include "util/schema.h"
#include "util/suggest.h"

namespace lmp::hardware {
namespace {

Cluster ParseCluster(const Json& j, const std::string& file, const std::string& ptr) {
  Cluster c;
  c.name = j["name"].get<std::string>();
  if (j.contains("aliases")) c.aliases = j["aliases"].get<std::vector<std::string>>();
  c.device = j["device"].get<std::string>();
  c.gpus_per_node = j["gpus_per_node"].get<int64_t>();
  const Json& up = j["scale_up"];
  c.scale_up = {up["fabric"].get<std::string>(), up["bandwidth_bytes_per_s"].get<double>(),
                up["latency_s"].get<double>()};
  c.domain_gpus = up["domain_gpus"].get<int64_t>();
  const Json& out = j["scale_out"];
  c.scale_out_fabric = out["fabric"].get<std::string>();
  c.nics_per_node = out["nics_per_node"].get<int64_t>();
  c.nic_bandwidth_bytes_per_s = out["nic_bandwidth_bytes_per_s"].get<double>();
  c.scale_out_latency_s = out["latency_s"].get<double>();
  c.citation = j["citation"].get<std::string>();
  c.notes = j.value("notes", "");
  c.file = file;
  c.pointer = ptr;
  // A domain is whole nodes: NVL72's 72 GPUs are 18 trays of 4.
  if (c.domain_gpus % c.gpus_per_node != 0) {
    throw Error(file, ptr + "/scale_up/domain_gpus",
                "a scale-up domain of " + std::to_string(c.domain_gpus) + " GPUs is not a whole number of " +
                    std::to_string(c.gpus_per_node) + "-GPU nodes; make it a multiple of gpus_per_node");
  }
  return c;
}

std::vector<std::string> NormalizedNames(const Cluster& c) {
  std::vector<std::string> out = {NormalizeName(c.name)};
  for (const std::string& a : c.aliases) out.push_back(NormalizeName(a));
  return out;
}

}  // namespace

LinkTier ScaleOutTier(const Cluster& c) {
  const double shared = static_cast<double>(c.nics_per_node) * c.nic_bandwidth_bytes_per_s /
                        static_cast<double>(c.gpus_per_node);
  return {c.scale_out_fabric, std::min(shared, c.scale_up.bandwidth_bytes_per_s), c.scale_out_latency_s};
}

ClusterCatalog ClusterCatalog::Embedded() {
  ClusterCatalog c;
  for (const EmbeddedFile& f : EmbeddedFilesUnder("clusters/")) {
    c.AddText(f.text, "<embedded>/" + std::string(f.path));
  }
  return c;
}

void ClusterCatalog::AddFile(const std::string& path) { AddText(ReadFile(path), path); }

void ClusterCatalog::AddText(std::string_view text, const std::string& file) {
  const Json doc = ParseJson(text, file);
  ValidateAgainstSchema(doc, "schema/cluster.schema.json", file, "docs/parallelism.md");
  const Json& list = doc["clusters"];
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string ptr = "/clusters/" + std::to_string(i);
    Cluster c = ParseCluster(list[i], file, ptr);
    const std::string key = NormalizeName(c.name);
    auto same = std::find_if(clusters_.begin(), clusters_.end(),
                             [&](const Cluster& e) { return NormalizeName(e.name) == key; });
    for (const Cluster& e : clusters_) {
      if (same != clusters_.end() && &e == &*same) continue;
      const std::vector<std::string> taken = NormalizedNames(e);
      for (const std::string& n : NormalizedNames(c)) {
        if (std::find(taken.begin(), taken.end(), n) != taken.end()) {
          throw Error(file, ptr, "name or alias '" + n + "' is already used by cluster '" + e.name + "' (" + e.file +
                                     " " + e.pointer + "); rename it, or give the cluster that name to replace it");
        }
      }
    }
    if (same != clusters_.end()) {
      *same = std::move(c);
    } else {
      clusters_.push_back(std::move(c));
    }
  }
}

const Cluster& ClusterCatalog::Get(std::string_view name, const std::string& option) const {
  const std::string want = NormalizeName(name);
  std::vector<std::string> names;
  for (const Cluster& c : clusters_) {
    const std::vector<std::string> all = NormalizedNames(c);
    if (std::find(all.begin(), all.end(), want) != all.end()) return c;
    names.push_back(c.name);
    names.insert(names.end(), c.aliases.begin(), c.aliases.end());
  }
  throw Error("", option, "unknown cluster '" + std::string(name) + "'" + DidYouMean(name, names) +
                              "; 'lmp cluster list' lists the catalog");
}

const Cluster* ClusterForDevice(const ClusterCatalog& clusters, const Device& device) {
  std::vector<std::string> names = {NormalizeName(device.name)};
  for (const std::string& a : device.aliases) names.push_back(NormalizeName(a));
  for (const Cluster& c : clusters.clusters()) {
    if (std::find(names.begin(), names.end(), NormalizeName(c.device)) != names.end()) return &c;
  }
  return nullptr;
}

const Device& ClusterDevice(const Cluster& c, const Catalog& devices) {
  for (const Device& d : devices.devices()) {
    if (NormalizeName(d.name) == NormalizeName(c.device)) return d;
    for (const std::string& a : d.aliases) {
      if (NormalizeName(a) == NormalizeName(c.device)) return d;
    }
  }
  throw Error(c.file, c.pointer + "/device",
              "cluster '" + c.name + "' names device '" + c.device +
                  "', which the device catalog does not have; add it with " + Opt("hardware_file") +
                  ", or fix the name");
}

}  // namespace lmp::hardware
