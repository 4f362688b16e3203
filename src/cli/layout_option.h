#ifndef LMP_CLI_LAYOUT_OPTION_H_
#define LMP_CLI_LAYOUT_OPTION_H_

// --tp --pp --ep --dp (or --parallel tp=8,ep=8), --cluster, --nodes,
// --cluster-file, --sharding-file and --microbatches, on the commands that
// analyse a model over many GPUs (docs/parallelism.md).

#include <CLI/CLI.hpp>

#include "api/layout.h"

namespace lmp::cli {

// `timed` adds the options only a timed command uses (--microbatches).
void AddLayoutOptions(CLI::App& cmd, api::LayoutRequest& o, bool timed);

}  // namespace lmp::cli

#endif  // LMP_CLI_LAYOUT_OPTION_H_
