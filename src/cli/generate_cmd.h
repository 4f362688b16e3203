#ifndef LMP_CLI_GENERATE_CMD_H_
#define LMP_CLI_GENERATE_CMD_H_

#include <CLI/CLI.hpp>

#include "api/request.h"
#include "cli/model_options.h"
#include "cli/output_options.h"

namespace lmp::cli {

// `lmp generate`: one whole request on a device (TTFT, TPOT, end-to-end
// latency, tokens/s), over a layout when one is given.
struct GenerateCmdOptions {
  api::GenerateRequest request;
  ModelFlags flags;
  OutputOptions out;
};

void SetupGenerate(CLI::App& cmd, GenerateCmdOptions& o);
int RunGenerate(GenerateCmdOptions& o);

}  // namespace lmp::cli

#endif  // LMP_CLI_GENERATE_CMD_H_
