#ifndef LMP_CLI_RUNTIME_OPTION_H_
#define LMP_CLI_RUNTIME_OPTION_H_

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "analysis/scenario.h"
#include "hardware/hardware.h"
#include "hardware/runtime.h"

namespace lmp::cli {

// --runtime NAME and --runtime-file FILE, on every command that prints a
// time (docs/calibration.md).
struct RuntimeOptions {
  std::string runtime;  // "": the catalog's default
  std::vector<std::string> runtime_files;
  CLI::Option* runtime_option = nullptr;
  std::vector<CLI::Option*> profile_options;  // --profile of the commands that have one
};

void AddRuntimeOptions(CLI::App& cmd, RuntimeOptions& o);

// The embedded runtime catalog with the --runtime-file files layered on.
hardware::RuntimeCatalog LoadRuntimes(const RuntimeOptions& o);

// The runtime --runtime names, or the default one.
const hardware::Runtime& ChosenRuntime(const hardware::RuntimeCatalog& catalog, const RuntimeOptions& o);

// A runtime's kernels follow its execution profile unless --profile was
// given: sets s->profile before the plan is built.
void ApplyRuntimeProfile(const hardware::Runtime& runtime, const RuntimeOptions& o, analysis::Scenario* s);

// All of the above for one device: loads the runtimes, picks the one
// --runtime names (or the default), sets s->profile from it unless --profile
// was given, and resolves it for `device`.
hardware::Timing TimingFor(const RuntimeOptions& o, const hardware::Device& device, analysis::Scenario* s);

// For commands where a device is optional (analyze): --runtime or
// --runtime-file without --hardware is an error.
void CheckRuntimeNeedsHardware(const RuntimeOptions& o, bool has_hardware);

}  // namespace lmp::cli

#endif  // LMP_CLI_RUNTIME_OPTION_H_
