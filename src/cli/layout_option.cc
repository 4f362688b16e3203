#include "cli/layout_option.h"

#include "cli/common.h"

namespace lmp::cli {

void AddLayoutOptions(CLI::App& cmd, api::LayoutRequest& o, bool timed) {
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

}  // namespace lmp::cli
