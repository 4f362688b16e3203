#ifndef LMP_CLI_LAYOUT_OPTION_H_
#define LMP_CLI_LAYOUT_OPTION_H_

// --tp --pp --ep --dp (or --parallel tp=8,ep=8), --cluster, --nodes,
// --cluster-file, --sharding-file and --microbatches, on the commands that
// analyse a model over many GPUs (docs/parallelism.md).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "hardware/cluster.h"
#include "hardware/hardware.h"
#include "parallel/layout.h"
#include "parallel/sharding.h"
#include "request/deployment.h"

namespace lmp::cli {

struct LayoutOptions {
  int64_t tp = 1, pp = 1, ep = 1, dp = 1;
  std::string parallel;
  std::string cluster;
  int64_t nodes = 0;
  int64_t microbatches = 1;
  std::vector<std::string> cluster_files;
  std::vector<std::string> sharding_files;
};

// `timed` adds the options only a timed command uses (--microbatches).
void AddLayoutOptions(CLI::App& cmd, LayoutOptions& o, bool timed);

// What a command needs of the options: the layout, the rules, and (with a
// device and a layout of more than one GPU) the cluster.
struct LayoutSetup {
  parallel::Layout layout;
  parallel::ShardingRules rules;
  std::optional<hardware::Cluster> cluster;
  request::Deployment deployment;  // batch left at 1: the caller sets it
};

// Checks the options and resolves the cluster: --cluster, else the first
// catalog cluster of `device` (null: no device, so no cluster). The rules
// and clusters are loaded only for a layout of more than one GPU, so a
// one-GPU command pays nothing for them. Errors name the flag.
LayoutSetup SetupLayout(const LayoutOptions& o, const hardware::Device* device);

// Runs `f`, turning the library's errors at places "tp", "pp", "ep", "dp",
// "parallel", "nodes" and "cluster" into errors naming the flag.
void WithLayoutFlags(const std::function<void()>& f);

}  // namespace lmp::cli

#endif  // LMP_CLI_LAYOUT_OPTION_H_
