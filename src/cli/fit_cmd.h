#ifndef LMP_CLI_FIT_CMD_H_
#define LMP_CLI_FIT_CMD_H_

#include <CLI/CLI.hpp>

#include "api/request.h"
#include "cli/model_options.h"

namespace lmp::cli {

// `lmp fit`: the largest batch (or, with --batch, prompt) whose memory
// footprint fits the device, per GPU under a layout.
struct FitCmdOptions {
  api::FitRequest request;
  ModelFlags flags;
  std::string format = "table";
  CLI::Option* batch = nullptr;  // given: solve for the prompt
  CLI::Option* prompt = nullptr;
};

void SetupFit(CLI::App& cmd, FitCmdOptions& o);
int RunFit(FitCmdOptions& o);

}  // namespace lmp::cli

#endif  // LMP_CLI_FIT_CMD_H_
