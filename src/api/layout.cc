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
      throw Error("", "--parallel", "is given with --tp/--pp/--ep/--dp; give the degrees one way");
    }
    s.layout = o.parallel.empty() ? parallel::Layout{o.tp, o.pp, o.ep, o.dp} : parallel::ParseLayout(o.parallel);
    parallel::ValidateLayout(s.layout);
  }
  if (o.microbatches < 1 || o.microbatches > kMaxMicrobatches) {
    throw Error("", "--microbatches", "must be a positive integer of at most " +
                                          std::to_string(kMaxMicrobatches) + ", got " +
                                          std::to_string(o.microbatches));
  }
  if (o.nodes < 0) throw Error("", "--nodes", "must be a positive integer, got " + std::to_string(o.nodes));
  s.deployment.layout = s.layout;
  s.deployment.microbatches = o.microbatches;
  const bool many = !s.layout.Trivial();
  if (!many) {
    if (!o.cluster.empty() || o.nodes > 0 || !o.cluster_files.empty() || !o.sharding_files.empty()) {
      throw Error("",
                  !o.cluster.empty() ? "--cluster"
                  : o.nodes > 0      ? "--nodes"
                  : !o.cluster_files.empty() ? "--cluster-file"
                                             : "--sharding-file",
                  "applies to a layout of more than one GPU; add --tp, --pp, --ep or --dp");
    }
    return s;  // one GPU: no rules to load
  }
  s.rules = parallel::ShardingRules::Embedded();
  for (const std::string& f : o.sharding_files) s.rules.AddFile(f);
  if (device == nullptr) {
    if (!o.cluster.empty() || o.nodes > 0) {
      throw Error("", o.cluster.empty() ? "--nodes" : "--cluster", "needs --hardware NAME to time the layout");
    }
    return s;
  }
  hardware::ClusterCatalog clusters = hardware::ClusterCatalog::Embedded();
  for (const std::string& f : o.cluster_files) clusters.AddFile(f);
  if (!o.cluster.empty()) {
    const hardware::Cluster& c = clusters.Get(o.cluster, "--cluster");
    if (hardware::NormalizeName(c.device) != hardware::NormalizeName(device->name) &&
        std::none_of(device->aliases.begin(), device->aliases.end(),
                     [&](const std::string& a) { return hardware::NormalizeName(a) == hardware::NormalizeName(c.device); })) {
      throw Error("", "--cluster", "cluster '" + c.name + "' has " + c.device + " GPUs, not --hardware's " +
                                       device->name + "; use --hardware " + c.device + ", or another cluster");
    }
    s.cluster = c;
  } else {
    const hardware::Cluster* c = hardware::ClusterForDevice(clusters, *device);
    if (c == nullptr) {
      throw Error("", "--hardware", "no cluster of the catalog has " + device->name +
                                        " GPUs, so a layout over many cannot be timed; name one with --cluster "
                                        "and --cluster-file FILE (docs/parallelism.md)");
    }
    s.cluster = *c;
  }
  s.deployment.nodes = request::NodesFor(*s.cluster, s.layout, o.nodes);
  s.deployment.cluster = s.cluster->name;
  return s;
}

}  // namespace lmp::api
