#include "cli/compare_cmd.h"

#include <cstdio>

#include "api/commands.h"
#include "cli/common.h"
#include "report/compare_report.h"

namespace lmp::cli {

void SetupCompare(CLI::App& cmd, CompareOptions& o) {
  analysis::Scenario& s = o.shared.scenario;
  cmd.add_option("MODEL", o.shared.model, "catalog id or architecture JSON path (or model=ID in --a and --b)");
  cmd.add_option("--a", o.a, "request A: the shared options changed by KEY=VALUE,... (keys as the options: "
                             "hardware=h100, w-bits=4, ...)")
      ->required();
  cmd.add_option("--b", o.b, "request B: the same")->required();
  cmd.add_option("--hardware", o.shared.hardware, "device (see 'lmp hardware list')");
  cmd.add_option("--batch", s.batch_size, "sequences per batch")->capture_default_str();
  cmd.add_option("--prompt,--seq", s.prompt_len, "prompt tokens per sequence")->capture_default_str();
  cmd.add_option("--gen", o.shared.gen_len, "tokens generated per sequence")->capture_default_str();
  cmd.add_option("--w-bits", s.w_bits, "bits per weight")->capture_default_str();
  cmd.add_option("--a-bits", s.a_bits, "bits per activation")->capture_default_str();
  cmd.add_option("--kv-bits", s.kv_bits, "bits per KV-cache element")->capture_default_str();
  cmd.add_option("--w-group-size", s.w_group_size, "weights per quantization group (0: none)")->capture_default_str();
  cmd.add_option("--compute", s.compute, "matmul precision: auto, fp16, bf16, fp8, int8, ...")->capture_default_str();
  o.profile_option = cmd.add_option("--profile", s.profile,
                                    "execution profile: fused, flash (FlashAttention) or eager (each PyTorch kernel, "
                                    "docs/conventions.md); default: the runtime's")
                         ->capture_default_str();
  cmd.add_option("--runtime", o.shared.runtime,
                 "runtime profile: ideal, serving (the default), compiled, autoawq or eager (docs/calibration.md)");
  AddRuntimeFileOption(cmd, o.runtime_files);
  cmd.add_option("--sram-bytes", s.sram_bytes, "on-chip SRAM per attention block (default: the device's)")
      ->check(CLI::PositiveNumber);
  AddFileOptions(cmd, o.db_files, o.hardware_files);
  cmd.add_option("--format", o.format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
}

int RunCompare(const CompareOptions& o) {
  request::RequestSpec a = o.shared, b = o.shared;
  a.profile_given = b.profile_given = o.profile_option->count() > 0;
  request::ApplySettings(o.a, "--a", &a);
  request::ApplySettings(o.b, "--b", &b);
  api::CompareRequest req{a, b, {}};
  req.sources.db_files = o.db_files;
  req.sources.hardware_files = o.hardware_files;
  req.sources.runtime_files = o.runtime_files;
  const api::CompareResult r = api::Compare(req);
  const request::RequestOutcome &ra = r.a, &rb = r.b;
  Output out("");
  out.Write(o.format == "json" ? report::CompareJson(ra, rb).dump(2) + "\n" : report::CompareText(ra, rb));
  out.Close();
  return 0;
}

}  // namespace lmp::cli
