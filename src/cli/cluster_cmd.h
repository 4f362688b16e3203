#ifndef LMP_CLI_CLUSTER_CMD_H_
#define LMP_CLI_CLUSTER_CMD_H_

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace lmp::cli {

// lmp cluster list | show NAME [--cluster-file FILE ...] [--hardware-file FILE ...]
struct ClusterOptions {
  std::string name;
  std::vector<std::string> cluster_files;
  std::vector<std::string> hardware_files;
  CLI::App* list = nullptr;
};
void SetupCluster(CLI::App& cmd, ClusterOptions& o);
int RunCluster(const ClusterOptions& o);

}  // namespace lmp::cli

#endif  // LMP_CLI_CLUSTER_CMD_H_
