#include "cli/runtime_option.h"

#include "cli/common.h"
#include "util/error.h"

namespace lmp::cli {

void AddRuntimeOptions(CLI::App& cmd, RuntimeOptions& o) {
  o.runtime_option = cmd.add_option(
      "--runtime", o.runtime,
      "runtime profile the times are predicted for: ideal (the pure roofline), serving (an optimised serving "
      "engine, the default), compiled or eager; 'lmp runtime list' (docs/calibration.md)");
  AddRuntimeFileOption(cmd, o.runtime_files);
}

hardware::RuntimeCatalog LoadRuntimes(const RuntimeOptions& o) { return LoadRuntimes(o.runtime_files); }

const hardware::Runtime& ChosenRuntime(const hardware::RuntimeCatalog& catalog, const RuntimeOptions& o) {
  return catalog.GetOrDefault(o.runtime, "--runtime");
}

void ApplyRuntimeProfile(const hardware::Runtime& runtime, const RuntimeOptions& o, analysis::Scenario* s) {
  bool profile_given = false;
  for (const CLI::Option* p : o.profile_options) profile_given = profile_given || p->count() > 0;
  if (!profile_given && !runtime.execution_profile.empty()) s->profile = runtime.execution_profile;
}

hardware::Timing TimingFor(const RuntimeOptions& o, const hardware::Device& device, analysis::Scenario* s) {
  const hardware::RuntimeCatalog runtimes = LoadRuntimes(o);
  const hardware::Runtime& runtime = ChosenRuntime(runtimes, o);
  ApplyRuntimeProfile(runtime, o, s);
  return runtimes.Resolve(runtime, device);
}

void CheckRuntimeNeedsHardware(const RuntimeOptions& o, bool has_hardware) {
  if (has_hardware) return;
  if (!o.runtime.empty()) {
    throw Error("", "--runtime", "times need a device; add --hardware NAME, or drop --runtime");
  }
  if (!o.runtime_files.empty()) {
    throw Error("", "--runtime-file", "times need a device; add --hardware NAME, or drop --runtime-file");
  }
}

}  // namespace lmp::cli
