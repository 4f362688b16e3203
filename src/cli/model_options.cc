#include "cli/model_options.h"

#include "cli/common.h"
#include "util/error.h"

namespace lmp::cli {

void AddModelArgument(CLI::App& cmd, std::string& model) {
  cmd.add_option("MODEL", model, "catalog id (see 'lmp models') or architecture JSON path")->required();
}

void AddBitsOptions(CLI::App& cmd, analysis::Scenario& s) {
  cmd.add_option("--w-bits", s.w_bits, "bits per weight")->capture_default_str();
  cmd.add_option("--a-bits", s.a_bits, "bits per activation")->capture_default_str();
  cmd.add_option("--kv-bits", s.kv_bits, "bits per KV-cache element")->capture_default_str();
  cmd.add_option("--w-group-size", s.w_group_size,
                 "weights per quantization group, each with a 16-bit scale and a w-bits zero point (0: none)")
      ->capture_default_str();
}

void AddComputeOption(CLI::App& cmd, analysis::Scenario& s) {
  cmd.add_option("--compute", s.compute,
                 "matmul precision on the tensor units: auto (from the bits), fp16, bf16, fp8, int8, int4, ...")
      ->capture_default_str();
}

void AddProfileOptions(CLI::App& cmd, analysis::Scenario& s, ModelFlags& flags) {
  flags.profile_options.push_back(
      cmd.add_option("--profile", s.profile,
                     "execution profile: fused, flash (FlashAttention) or eager (each PyTorch kernel, "
                     "docs/conventions.md); with --hardware, default: the runtime's")
          ->capture_default_str());
  flags.sram_options.push_back(
      cmd.add_option("--sram-bytes", s.sram_bytes,
                     "on-chip SRAM one attention block may use, for the flash profile's tiles (default: the --hardware "
                     "device's shared memory per SM/CU, else " +
                         std::to_string(analysis::kDefaultSramBytes) + ")"));
}

void AddRuntimeOptions(CLI::App& cmd, api::ModelRequest& r) {
  cmd.add_option("--runtime", r.runtime,
                 "runtime profile the times are predicted for: ideal (the pure roofline), serving (an optimised "
                 "serving engine, the default), compiled, autoawq or eager; 'lmp runtime list' (docs/calibration.md)");
  AddRuntimeFileOption(cmd, r.sources.runtime_files);
}

void AddDbOption(CLI::App& cmd, std::vector<std::string>& db_files) {
  AddRepeatableFileOption(cmd, "--db", db_files, "module database file layered over the embedded one (repeatable)");
}

void AddHardwareFileOption(CLI::App& cmd, std::vector<std::string>& hardware_files) {
  AddRepeatableFileOption(cmd, "--hardware-file", hardware_files,
                          "hardware catalog file layered over the embedded one (repeatable)");
}

void CheckSramOption(const ModelFlags& flags, const analysis::Scenario& s) {
  for (const CLI::Option* opt : flags.sram_options) {
    if (opt->count() > 0 && s.sram_bytes < 1) {
      throw Error("", "--sram-bytes", "must be a positive integer, got " + std::to_string(s.sram_bytes));
    }
  }
}

bool ProfileGiven(const ModelFlags& flags) {
  for (const CLI::Option* p : flags.profile_options) {
    if (p->count() > 0) return true;
  }
  return false;
}

}  // namespace lmp::cli
