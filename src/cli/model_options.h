#ifndef LMP_CLI_MODEL_OPTIONS_H_
#define LMP_CLI_MODEL_OPTIONS_H_

// The flags of the commands that analyse a model, bound to the fields of
// api::ModelRequest: the scenario (--batch ... --w-bits ... --profile), the
// device and runtime, the layered files.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "analysis/scenario.h"
#include "api/request.h"

namespace lmp::cli {

// The parsed options a request cannot hold by value alone: whether
// --profile or --sram-bytes was given.
struct ModelFlags {
  std::vector<CLI::Option*> profile_options;
  std::vector<CLI::Option*> sram_options;
};

void AddModelArgument(CLI::App& cmd, std::string& model);
void AddBitsOptions(CLI::App& cmd, analysis::Scenario& s);
void AddComputeOption(CLI::App& cmd, analysis::Scenario& s);
// How attention runs: the execution profile and the SRAM its tiles fit in
// (docs/flash.md).
void AddProfileOptions(CLI::App& cmd, analysis::Scenario& s, ModelFlags& flags);
// --runtime NAME and --runtime-file FILE, on every command that prints a
// time (docs/calibration.md).
void AddRuntimeOptions(CLI::App& cmd, api::ModelRequest& r);
void AddDbOption(CLI::App& cmd, std::vector<std::string>& db_files);
void AddHardwareFileOption(CLI::App& cmd, std::vector<std::string>& hardware_files);

// Scenario::sram_bytes uses 0 for "unset", so the library cannot tell an
// explicit --sram-bytes 0 from no option at all; it is rejected here.
void CheckSramOption(const ModelFlags& flags, const analysis::Scenario& s);

// Whether --profile was given (else a timed command takes its runtime's).
bool ProfileGiven(const ModelFlags& flags);

}  // namespace lmp::cli

#endif  // LMP_CLI_MODEL_OPTIONS_H_
