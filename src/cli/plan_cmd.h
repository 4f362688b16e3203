#ifndef LMP_CLI_PLAN_CMD_H_
#define LMP_CLI_PLAN_CMD_H_

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace lmp::cli {

// `lmp plan`: the options as typed.
struct PlanOptions {
  std::string model, hardware, cluster;
  int64_t gpus = 0;
  int64_t prompt = 2048, gen = 256, max_batch = 1024;
  int w_bits = 16, a_bits = 16, kv_bits = 16;
  std::string max_tpot, max_ttft;  // durations: 50ms, 2s, 0.05
  std::string runtime;
  std::string format = "table";
  std::string output;
  int jobs = 0;  // 0: one per hardware thread
  std::vector<std::string> db_files, hardware_files, runtime_files, cluster_files, sharding_files;
};

void SetupPlan(CLI::App& cmd, PlanOptions& o);
int RunPlan(const PlanOptions& o);

}  // namespace lmp::cli

#endif  // LMP_CLI_PLAN_CMD_H_
