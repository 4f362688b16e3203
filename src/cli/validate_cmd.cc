#include "cli/validate_cmd.h"

#include <fmt/format.h>

#include <cstdio>

#include "api/commands.h"
#include "cli/common.h"
#include "report/table.h"
#include "report/validate_report.h"
#include "util/error.h"
#include "validate/dataset.h"
#include "validate/validate.h"

namespace lmp::cli {

void SetupValidate(CLI::App& cmd, ValidateOptions& o) {
  AddRepeatableFileOption(cmd, "--dataset", o.datasets,
                          "measured figures (lmp.measurements/1) to predict (repeatable; default: the embedded "
                          "data/measurements/)");
  cmd.add_option("--runtime", o.runtime,
                 "predict every case under this runtime (default: each case's runtime by its framework, else the "
                 "default runtime)");
  cmd.add_option("--split", o.split, "which cases: all, fit (used to fit the time model) or held_out")
      ->check(CLI::IsMember({"all", "fit", "held_out"}))
      ->capture_default_str();
  cmd.add_option("--gpus", o.gpus, "which cases: all, single (one GPU) or multi (a layout over several)")
      ->check(CLI::IsMember({"all", "single", "multi"}))
      ->capture_default_str();
  cmd.add_option("--max-median-error", o.max_median_error,
                 "exit 1 when the median |error| of the predicted cases is above this fraction (e.g. 0.10)");
  cmd.add_option("--max-worst-factor", o.max_worst_factor,
                 "exit 1 when a case is off by more than this factor either way (e.g. 2)");
  AddFileOptions(cmd, o.db_files, o.hardware_files);
  AddRuntimeFileOption(cmd, o.runtime_files);
  cmd.add_option("--format", o.format, "table, json or html (use with -o)")
      ->check(CLI::IsMember({"table", "json", "html"}))
      ->capture_default_str();
  cmd.add_option("-o,--output", o.output, "write the report to this file instead of standard output");
}

int RunValidate(const ValidateOptions& o) {
  api::ValidateRequest req;
  req.datasets = o.datasets;
  validate::ValidateOptions& v = req.options;
  v.runtime = o.runtime;
  v.split = o.split == "fit" ? validate::Split::kFit
            : o.split == "held_out" ? validate::Split::kHeldOut
                                    : validate::Split::kAll;
  v.gpus = o.gpus == "single" ? validate::Gpus::kSingle
           : o.gpus == "multi" ? validate::Gpus::kMulti
                               : validate::Gpus::kAll;
  req.sources.db_files = o.db_files;
  req.sources.hardware_files = o.hardware_files;
  req.sources.runtime_files = o.runtime_files;
  // Every bad row is reported, one line each, before the run gives up.
  const api::ValidateResultSet set =
      api::Validate(req, [](const Error& e) { std::fprintf(stderr, "lmp: error: %s\n", ErrorLine(e).c_str()); });
  const validate::ValidationResult& r = set.result;
  Output out(o.output);
  if (o.format == "json") {
    out.Write(report::ValidateJson(r).dump(2) + "\n");
  } else if (o.format == "html") {
    out.Write(report::ValidateHtml(r));
  } else {
    out.Write(report::ValidateText(r, report::TableStyle{}));
  }
  out.Close();
  int status = 0;
  if (o.max_median_error >= 0 && (r.overall.cases == 0 || r.overall.median_abs_error > o.max_median_error)) {
    std::fprintf(stderr, "lmp: validate: median |error| %.1f%% over %lld cases is above --max-median-error %.1f%%\n",
                 100 * r.overall.median_abs_error, static_cast<long long>(r.overall.cases),
                 100 * o.max_median_error);
    status = 1;
  }
  if (o.max_worst_factor >= 0 && r.overall.worst_factor > o.max_worst_factor) {
    std::fprintf(stderr, "lmp: validate: a case is off by %.2fx, above --max-worst-factor %.2f\n",
                 r.overall.worst_factor, o.max_worst_factor);
    status = 1;
  }
  return status;
}

void SetupRuntime(CLI::App& cmd, RuntimeListOptions& o) {
  cmd.require_subcommand(1);
  o.list = cmd.add_subcommand("list", "list the runtime profiles");
  CLI::App* show = cmd.add_subcommand("show", "one runtime's parameters with their provenance");
  show->add_option("NAME", o.name, "runtime name or alias")->required();
  for (CLI::App* c : {o.list, show}) {
    AddRuntimeFileOption(*c, o.runtime_files);
  }
}

int RunRuntime(const RuntimeListOptions& o) {
  const hardware::RuntimeCatalog c = api::LoadRuntimes(o.runtime_files);
  std::string text;
  if (o.list->parsed()) {
    for (const hardware::Runtime& r : c.runtimes()) {
      text += fmt::format("{:<10} {}{}\n", r.name, r.name == c.default_runtime() ? "(default) " : "", r.description);
    }
  } else {
    const hardware::Runtime& r = c.Get(o.name, "runtime show");
    text = fmt::format("{}: {}\n", r.name, r.description);
    if (r.ideal) {
      text += "the pure roofline: datasheet peaks, no fixed costs\n";
    } else {
      text += fmt::format("execution profile: {}\n", r.execution_profile.empty() ? "(the scenario's)" : r.execution_profile);
      auto line = [&](const char* name, const hardware::Sourced& s) {
        text += fmt::format("  {:<30} {:<10g} {}\n", name, s.value, s.provenance);
      };
      line("kernel_overhead_s", r.kernel_overhead_s);
      line("prefill_step_overhead_s", r.prefill_step_overhead_s);
      line("decode_step_overhead_s", r.decode_step_overhead_s);
      line("attention_flops_fraction", r.attention_flops_fraction);
      line("attention_bandwidth_fraction", r.attention_bandwidth_fraction);
      for (const auto& [bits, s] : r.weight_only_bandwidth_fraction) {
        line(fmt::format("weight_only_bandwidth_fraction {}", bits).c_str(), s);
      }
      for (const auto& [bits, s] : r.weight_only_tensor_fraction) {
        line(fmt::format("weight_only_tensor_fraction {}", bits).c_str(), s);
      }
      line("gemm_tile_m", r.gemm_tile_m);
      line("gemm_tile_n", r.gemm_tile_n);
      line("collective_bandwidth_fraction", r.collective_bandwidth_fraction);
    }
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace lmp::cli
