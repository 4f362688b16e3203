#ifndef LMP_CLI_SWEEP_CMD_H_
#define LMP_CLI_SWEEP_CMD_H_

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace lmp::cli {

// `lmp sweep`: the options as typed; lists are parsed when it runs.
struct SweepOptions {
  std::string models, hardware;
  std::string profiles;  // "": the runtime's execution profile, else fused
  std::string batches = "1", prompts = "2048", gens = "256";
  std::string w_bits = "16", a_bits = "16", kv_bits = "16";
  std::string tp = "1", pp = "1", ep = "1", dp = "1";  // layouts: their Cartesian product
  int64_t w_group_size = 0;
  std::string compute = "auto";
  std::string format = "csv";
  std::string output;
  std::string where;
  bool pareto = false;
  int jobs = 0;  // 0: one per hardware thread
  std::string runtime;  // "": the default runtime
  std::vector<std::string> db_files, hardware_files, runtime_files;
};

void SetupSweep(CLI::App& cmd, SweepOptions& o);
int RunSweep(const SweepOptions& o);

}  // namespace lmp::cli

#endif  // LMP_CLI_SWEEP_CMD_H_
