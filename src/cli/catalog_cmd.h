#ifndef LMP_CLI_CATALOG_CMD_H_
#define LMP_CLI_CATALOG_CMD_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace lmp::cli {

// `lmp models`: the embedded model catalog.
struct ModelsCmdOptions {
  std::string format = "table";
};

void SetupModels(CLI::App& cmd, ModelsCmdOptions& o);
int RunModels(ModelsCmdOptions& o);

// `lmp hardware list | show`: the hardware catalog.
struct HardwareCmdOptions {
  std::string name;  // show NAME
  std::string format = "table";
  std::vector<std::string> hardware_files;
  CLI::App* list = nullptr;
  CLI::App* show = nullptr;
};

void SetupHardware(CLI::App& cmd, HardwareCmdOptions& o);
int RunHardware(HardwareCmdOptions& o);

}  // namespace lmp::cli

#endif  // LMP_CLI_CATALOG_CMD_H_
