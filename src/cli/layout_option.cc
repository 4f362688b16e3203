#include "cli/layout_option.h"

#include <algorithm>

#include "cli/common.h"
#include "util/error.h"
#include "util/suggest.h"

namespace lmp::cli {
namespace {

// More microbatches than this cut no batch finer (lmp fit searches batches up to 2^31).
constexpr int64_t kMaxMicrobatches = int64_t{1} << 20;

constexpr const char* kLayoutPlaces[] = {"tp", "pp", "ep", "dp", "parallel", "nodes", "cluster"};

}  // namespace

void WithLayoutFlags(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    if (e.file().empty()) {
      for (const char* place : kLayoutPlaces) {
        if (e.where() == place) throw Error("", "--" + e.where(), e.message(), e.detail());
      }
    }
    throw;
  }
}

void AddLayoutOptions(CLI::App& cmd, LayoutOptions& o, bool timed) {
  cmd.add_option("--tp", o.tp, "tensor-parallel degree: GPUs splitting each layer's heads and MLP")
      ->capture_default_str()
      ->group("Parallel layout");
  cmd.add_option("--pp", o.pp, "pipeline-parallel degree: stages of consecutive decoder layers")
      ->capture_default_str()
      ->group("Parallel layout");
  cmd.add_option("--ep", o.ep,
                 "expert-parallel degree: GPUs splitting the routed experts (attention data-parallel over them)")
      ->capture_default_str()
      ->group("Parallel layout");
  cmd.add_option("--dp", o.dp, "data-parallel degree: replicas, each serving its share of the batch")
      ->capture_default_str()
      ->group("Parallel layout");
  cmd.add_option("--parallel", o.parallel, "all degrees at once, e.g. tp=8,ep=8 (instead of --tp ...)")
      ->group("Parallel layout");
  cmd.add_option("--cluster", o.cluster,
                 "the nodes and links (see 'lmp cluster list'); default: the first cluster of --hardware's device")
      ->group("Parallel layout");
  cmd.add_option("--nodes", o.nodes, "nodes of the cluster (default: as many as the layout needs)")
      ->group("Parallel layout");
  AddRepeatableFileOption(cmd, "--cluster-file", o.cluster_files,
                          "clusters layered over the catalog (lmp.cluster/1); repeatable")
      ->group("Parallel layout");
  AddRepeatableFileOption(cmd, "--sharding-file", o.sharding_files,
                          "sharding rules layered over the embedded ones (lmp.sharding/1); repeatable")
      ->group("Parallel layout");
  if (timed) {
    cmd.add_option("--microbatches", o.microbatches,
                   "with --pp: microbatches each replica's batch is cut into for the pipeline")
        ->capture_default_str()
        ->group("Parallel layout");
  }
}

LayoutSetup SetupLayout(const LayoutOptions& o, const hardware::Device* device) {
  LayoutSetup s;
  WithLayoutFlags([&] {
    const bool flags = o.tp != 1 || o.pp != 1 || o.ep != 1 || o.dp != 1;
    if (!o.parallel.empty() && flags) {
      throw Error("", "--parallel", "is given with --tp/--pp/--ep/--dp; give the degrees one way");
    }
    s.layout = o.parallel.empty() ? parallel::Layout{o.tp, o.pp, o.ep, o.dp} : parallel::ParseLayout(o.parallel);
    parallel::ValidateLayout(s.layout);
  });
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
  WithLayoutFlags([&] { s.deployment.nodes = request::NodesFor(*s.cluster, s.layout, o.nodes); });
  s.deployment.cluster = s.cluster->name;
  return s;
}

}  // namespace lmp::cli
