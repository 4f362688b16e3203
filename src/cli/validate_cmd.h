#ifndef LMP_CLI_VALIDATE_CMD_H_
#define LMP_CLI_VALIDATE_CMD_H_

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace lmp::cli {

// `lmp validate`: the time model against measured figures
// (docs/validation.md).
struct ValidateOptions {
  std::vector<std::string> datasets;  // empty: the embedded data/measurements/
  std::string runtime;                // "": each row's by its framework
  std::string split = "all";
  std::string gpus = "all";  // --gpus
  std::string format = "table";
  std::string output;
  double max_median_error = -1;  // < 0: no gate
  double max_worst_factor = -1;
  std::vector<std::string> db_files, hardware_files, runtime_files;
};

void SetupValidate(CLI::App& cmd, ValidateOptions& o);
// 0, or 1 when a gate (--max-median-error, --max-worst-factor) is exceeded.
int RunValidate(const ValidateOptions& o);

// `lmp runtime list | show NAME`: the runtime profiles.
struct RuntimeListOptions {
  std::string name;
  std::string format = "table";
  std::vector<std::string> runtime_files;
  CLI::App* list = nullptr;
};
void SetupRuntime(CLI::App& cmd, RuntimeListOptions& o);
int RunRuntime(const RuntimeListOptions& o);

}  // namespace lmp::cli

#endif  // LMP_CLI_VALIDATE_CMD_H_
