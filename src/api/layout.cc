#include "api/layout.h"

#include <algorithm>

#include "util/error.h"

namespace lmp::api {
namespace {

// More microbatches than this cut no batch finer (lmp fit searches batches up to 2^31).
constexpr int64_t kMaxMicrobatches = int64_t{1} << 20;

}  // namespace

LayoutSetup SetupLayout(const LayoutRequest& o, const hardware::Device* device) {
  LayoutSetup s;
  {
    const bool flags = o.tp != 1 || o.pp != 1 || o.ep != 1 || o.dp != 1;
    if (!o.parallel.empty() && flags) {
      throw Error::Option("parallel", "is given with " + Opt("tp") + "/" + Opt("pp") + "/" + Opt("ep") + "/" +
                                          Opt("dp") + "; give the degrees one way");
    }
    s.layout = o.parallel.empty() ? parallel::Layout{o.tp, o.pp, o.ep, o.dp} : parallel::ParseLayout(o.parallel);
    parallel::ValidateLayout(s.layout);
  }
  if (o.microbatches < 1 || o.microbatches > kMaxMicrobatches) {
    throw Error::Option("microbatches", "must be a positive integer of at most " + std::to_string(kMaxMicrobatches) +
                                            ", got " + std::to_string(o.microbatches));
  }
  if (o.nodes < 0) throw Error::Option("nodes", "must be a positive integer, got " + std::to_string(o.nodes));
  s.deployment.layout = s.layout;
  s.deployment.microbatches = o.microbatches;
  const bool many = !s.layout.Trivial();
  if (!many) {
    if (!o.cluster.empty() || o.nodes > 0 || !o.cluster_files.empty() || !o.sharding_files.empty()) {
      throw Error("",
                  !o.cluster.empty()         ? Opt("cluster")
                  : o.nodes > 0              ? Opt("nodes")
                  : !o.cluster_files.empty() ? Opt("cluster_file")
                                             : Opt("sharding_file"),
                  "applies to a layout of more than one GPU; add " + Opt("tp") + ", " + Opt("pp") + ", " + Opt("ep") +
                      " or " + Opt("dp"));
    }
    return s;  // one GPU: no rules to load
  }
  s.rules = parallel::ShardingRules::Embedded();
  for (const std::string& f : o.sharding_files) s.rules.AddFile(f);
  if (device == nullptr) {
    if (!o.cluster.empty() || o.nodes > 0) {
      throw Error("", o.cluster.empty() ? Opt("nodes") : Opt("cluster"),
                  "needs " + Opt("hardware") + " NAME to time the layout");
    }
    return s;
  }
  hardware::ClusterCatalog clusters = hardware::ClusterCatalog::Embedded();
  for (const std::string& f : o.cluster_files) clusters.AddFile(f);
  if (!o.cluster.empty()) {
    const hardware::Cluster& c = clusters.Get(o.cluster, Opt("cluster"));
    if (hardware::NormalizeName(c.device) != hardware::NormalizeName(device->name) &&
        std::none_of(device->aliases.begin(), device->aliases.end(), [&](const std::string& a) {
          return hardware::NormalizeName(a) == hardware::NormalizeName(c.device);
        })) {
      throw Error::Option("cluster", "cluster '" + c.name + "' has " + c.device + " GPUs, not " + Opt("hardware") +
                                         "'s " + device->name + "; use " + Opt("hardware") + " " + c.device +
                                         ", or another cluster");
    }
    s.cluster = c;
  } else {
    const hardware::Cluster* c = hardware::ClusterForDevice(clusters, *device);
    if (c == nullptr) {
      throw Error::Option("hardware", "no cluster of the catalog has " + device->name +
                                          " GPUs, so a layout over many cannot be timed; name one with " +
                                          Opt("cluster") +
                                          " "
                                          "and " +
                                          Opt("cluster_file") + " FILE (docs/parallelism.md)");
    }
    s.cluster = *c;
  }
  s.deployment.nodes = request::NodesFor(*s.cluster, s.layout, o.nodes);
  s.deployment.cluster = s.cluster->name;
  return s;
}

}  // namespace lmp::api
