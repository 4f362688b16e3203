#ifndef LMP_CLI_INSPECT_CMD_H_
#define LMP_CLI_INSPECT_CMD_H_

#include <CLI/CLI.hpp>
#include <string>

#include "api/request.h"

namespace lmp::cli {

// `lmp inspect`: the model's layer tree (classes, repeats, parameters).
struct InspectCmdOptions {
  api::InspectRequest request;
  std::string format = "table";
};

void SetupInspect(CLI::App& cmd, InspectCmdOptions& o);
int RunInspect(InspectCmdOptions& o);

}  // namespace lmp::cli

#endif  // LMP_CLI_INSPECT_CMD_H_
