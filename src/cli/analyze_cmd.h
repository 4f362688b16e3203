#ifndef LMP_CLI_ANALYZE_CMD_H_
#define LMP_CLI_ANALYZE_CMD_H_

#include <CLI/CLI.hpp>
#include <string>

#include "api/request.h"
#include "cli/model_options.h"
#include "cli/output_options.h"
#include "cli/user_db_options.h"

namespace lmp::cli {

// `lmp analyze`: per-operation FLOPs and bytes for prefill and decode, with
// roofline times given a device.
struct AnalyzeCmdOptions {
  api::AnalyzeRequest request;
  std::string stage = "both";
  ModelFlags flags;
  OutputOptions out;
  UserDbOptions user_db;  // --analyze-missing
};

void SetupAnalyze(CLI::App& cmd, AnalyzeCmdOptions& o);
int RunAnalyze(AnalyzeCmdOptions& o);

}  // namespace lmp::cli

#endif  // LMP_CLI_ANALYZE_CMD_H_
