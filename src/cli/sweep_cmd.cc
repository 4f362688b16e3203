#include "cli/sweep_cmd.h"

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <thread>
#include <tuple>

#include "api/commands.h"
#include "cli/common.h"
#include "cli/layout_option.h"
#include "cli/progress.h"
#include "sweep/range.h"
#include "sweep/runner.h"
#include "util/error.h"

namespace lmp::cli {
namespace {

// Below this many scenarios a sweep ends too soon for a bar to help.
constexpr int64_t kProgressMinScenarios = 100'000;

}  // namespace

void SetupSweep(CLI::App& cmd, SweepOptions& o) {
  const std::string lists = " (list: 1,8,64; ranges 128:8192:x2 or 1:64:+8)";
  cmd.add_option("--model", o.models, "models, comma-separated: catalog ids (see 'lmp models') or JSON paths")
      ->required();
  cmd.add_option("--hardware", o.hardware, "devices, comma-separated (see 'lmp hardware list'), or all")->required();
  cmd.add_option("--batch", o.batches, "sequences per batch" + lists)->capture_default_str();
  cmd.add_option("--prompt", o.prompts, "prompt tokens per sequence" + lists)->capture_default_str();
  cmd.add_option("--gen", o.gens, "tokens generated per sequence" + lists)->capture_default_str();
  cmd.add_option("--w-bits", o.w_bits, "bits per weight" + lists)->capture_default_str();
  cmd.add_option("--a-bits", o.a_bits, "bits per activation" + lists)->capture_default_str();
  cmd.add_option("--kv-bits", o.kv_bits, "bits per KV-cache element" + lists)->capture_default_str();
  for (auto [flag, field, what] : {std::tuple{"--tp", &o.tp, "tensor-parallel degrees"},
                                   std::tuple{"--pp", &o.pp, "pipeline-parallel degrees"},
                                   std::tuple{"--ep", &o.ep, "expert-parallel degrees"},
                                   std::tuple{"--dp", &o.dp, "data-parallel degrees"}}) {
    cmd.add_option(flag, *field, std::string(what) + lists + "; layouts are their product (docs/parallelism.md)")
        ->capture_default_str()
        ->group("Parallel layout");
  }
  cmd.add_option("--profile", o.profiles,
                 "execution profiles, comma-separated: fused, flash (default: the runtime's, else fused)");
  cmd.add_option(
      "--runtime", o.runtime,
      "runtime profile every scenario is timed under: ideal, serving (the default), compiled, autoawq or eager");
  AddRuntimeFileOption(cmd, o.runtime_files);
  cmd.add_option("--w-group-size", o.w_group_size, "weights per quantization group, every scenario (0: none)")
      ->capture_default_str();
  cmd.add_option("--compute", o.compute, "matmul precision, every scenario: auto, fp16, bf16, fp8, int8, ...")
      ->capture_default_str();
  AddFileOptions(cmd, o.db_files, o.hardware_files);
  cmd.add_option("--format", o.format, "csv, jsonl (one JSON object per line) or markdown")->capture_default_str();
  cmd.add_option("-o,--output", o.output, "write the rows to this file instead of stdout");
  cmd.add_option("--where", o.where, "keep only rows that fit in the device's memory (fits) or do not (!fits)");
  cmd.add_flag("--pareto", o.pareto,
               "keep, per model, only the rows on the frontier of lowest e2e_s and highest tokens_per_s");
  cmd.add_option("--jobs,-j", o.jobs, "worker threads (default: one per hardware thread)");
}

int RunSweep(const SweepOptions& o) {
  api::SweepRequest req;
  sweep::Axes& axes = req.axes;
  axes.models = sweep::ParseNameList(o.models, "--model");
  axes.devices = sweep::ParseNameList(o.hardware, "--hardware");
  axes.runtime = o.runtime;
  axes.profiles.clear();
  if (!o.profiles.empty()) axes.profiles = sweep::ParseNameList(o.profiles, "--profile");
  axes.batches = sweep::ParseIntList(o.batches, "--batch");
  axes.prompts = sweep::ParseIntList(o.prompts, "--prompt");
  axes.gens = sweep::ParseIntList(o.gens, "--gen");
  axes.w_bits = sweep::ParseIntList(o.w_bits, "--w-bits");
  axes.a_bits = sweep::ParseIntList(o.a_bits, "--a-bits");
  axes.kv_bits = sweep::ParseIntList(o.kv_bits, "--kv-bits");
  axes.layouts.clear();
  const std::vector<int64_t> tps = sweep::ParseIntList(o.tp, "--tp"), pps = sweep::ParseIntList(o.pp, "--pp"),
                             eps = sweep::ParseIntList(o.ep, "--ep"), dps = sweep::ParseIntList(o.dp, "--dp");
  for (int64_t tp : tps) {
    for (int64_t pp : pps) {
      for (int64_t ep : eps) {
        for (int64_t dp : dps) axes.layouts.push_back({tp, pp, ep, dp});
      }
    }
  }
  axes.w_group_size = o.w_group_size;
  axes.compute = o.compute;
  sweep::RunOptions run;
  run.format = sweep::ParseFormat(o.format);
  run.where = sweep::ParseWhere(o.where);
  run.pareto = o.pareto;
  if (o.jobs < 0) throw Error("", "--jobs", "must be a positive integer, got " + std::to_string(o.jobs));
  run.jobs = o.jobs > 0 ? o.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  req.sources.db_files = o.db_files;
  req.sources.hardware_files = o.hardware_files;
  req.sources.runtime_files = o.runtime_files;
  const std::shared_ptr<const sweep::Sweep> prepared = api::PrepareSweep(std::move(req));
  const sweep::Sweep& sw = *prepared;
  for (const sweep::Sweep::Skipped& k : sw.skipped()) {
    std::fprintf(stderr, "lmp: note: no rows for %s under %s: %s\n", k.model.c_str(),
                 parallel::LayoutText(k.layout).c_str(), k.reason.c_str());
  }
  Output out(o.output);
  ProgressBar bar("scenarios");
  const bool show_progress = ::isatty(STDERR_FILENO) && sw.scenarios() >= kProgressMinScenarios;
  sweep::RunSweep(
      sw, run, [&](std::string_view text) { out.Write(text); },
      [&](int64_t done, int64_t total) {
        if (show_progress) bar.Update(done, total);
      });
  out.Close();
  return 0;
}

}  // namespace lmp::cli
