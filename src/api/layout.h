#ifndef LMP_API_LAYOUT_H_
#define LMP_API_LAYOUT_H_

// The parallel layout a request asks for, checked and resolved against the
// sharding rules and the cluster catalog (docs/parallelism.md).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hardware/cluster.h"
#include "hardware/hardware.h"
#include "parallel/layout.h"
#include "parallel/sharding.h"
#include "request/deployment.h"

namespace lmp::api {

// Every field is an option of the commands that analyse a model (the CLI's
// --tp ..., the Python keywords tp= ...).
struct LayoutRequest {
  int64_t tp = 1, pp = 1, ep = 1, dp = 1;
  std::string parallel;  // "tp=8,ep=8": all degrees at once, instead of tp ... dp
  std::string cluster;   // "": the first catalog cluster of the device
  int64_t nodes = 0;     // 0: as few nodes as hold the layout
  int64_t microbatches = 1;
  std::vector<std::string> cluster_files;   // layered over the embedded cluster catalog
  std::vector<std::string> sharding_files;  // layered over the embedded sharding rules
};

// What a request needs of the layout: the degrees, the rules, and (with a
// device and a layout of more than one GPU) the cluster.
struct LayoutSetup {
  parallel::Layout layout;
  parallel::ShardingRules rules;
  std::optional<hardware::Cluster> cluster;
  request::Deployment deployment;  // batch left at 1: the caller sets it
};

// Checks the request and resolves the cluster: `cluster`, else the first
// catalog cluster of `device` (null: no device, so no cluster). The rules
// and clusters are loaded only for a layout of more than one GPU, so a
// one-GPU request pays nothing for them. Errors name the option.
LayoutSetup SetupLayout(const LayoutRequest& o, const hardware::Device* device);

}  // namespace lmp::api

#endif  // LMP_API_LAYOUT_H_
