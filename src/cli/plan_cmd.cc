#include "cli/plan_cmd.h"

#include <unistd.h>

#include <cmath>
#include <thread>

#include "api/commands.h"
#include "cli/common.h"
#include "cli/layout_option.h"
#include "cli/progress.h"
#include "hardware/roofline.h"
#include "model/model.h"
#include "report/plan_report.h"
#include "request/planner.h"
#include "util/duration.h"
#include "util/error.h"

namespace lmp::cli {

void SetupPlan(CLI::App& cmd, PlanOptions& o) {
  cmd.add_option("MODEL", o.model, "catalog id (see 'lmp models') or architecture JSON / config.json path")
      ->required();
  cmd.add_option("--hardware", o.hardware, "device of every GPU (see 'lmp hardware list')")->required();
  cmd.add_option("--gpus", o.gpus, "GPUs to plan for: layouts use up to this many")->required();
  cmd.add_option("--prompt", o.prompt, "prompt tokens per sequence")->capture_default_str();
  cmd.add_option("--gen", o.gen, "tokens generated per sequence")->capture_default_str();
  cmd.add_option("--max-batch", o.max_batch, "largest batch searched, over the whole deployment")
      ->capture_default_str();
  cmd.add_option("--max-tpot", o.max_tpot, "latency limit on the time per output token, e.g. 50ms");
  cmd.add_option("--max-ttft", o.max_ttft, "latency limit on the time to first token, e.g. 2s");
  cmd.add_option("--w-bits", o.w_bits, "bits per weight")->capture_default_str();
  cmd.add_option("--a-bits", o.a_bits, "bits per activation")->capture_default_str();
  cmd.add_option("--kv-bits", o.kv_bits, "bits per KV-cache element")->capture_default_str();
  cmd.add_option("--runtime", o.runtime, "runtime profile (see 'lmp runtime list'; default: the catalog's default)");
  AddRuntimeFileOption(cmd, o.runtime_files);
  cmd.add_option("--cluster", o.cluster, "the nodes and links (default: the first cluster of --hardware's device)");
  AddRepeatableFileOption(cmd, "--cluster-file", o.cluster_files, "clusters layered over the catalog (repeatable)");
  AddRepeatableFileOption(cmd, "--sharding-file", o.sharding_files,
                          "sharding rules layered over the embedded ones (repeatable)");
  AddFileOptions(cmd, o.db_files, o.hardware_files);
  cmd.add_option("--format", o.format, "table, json, csv (every point) or html (the frontier plot; use with -o)")
      ->check(CLI::IsMember({"table", "json", "csv", "html"}))
      ->capture_default_str();
  cmd.add_option("-o,--output", o.output, "write the report to this file instead of standard output");
  cmd.add_option("--jobs,-j", o.jobs, "worker threads (default: one per hardware thread)");
}

int RunPlan(const PlanOptions& o) {
  api::PlanRequest req;
  request::PlanSearch& search = req.search;
  search.gpus = o.gpus;
  search.gen_len = o.gen;
  search.max_batch = o.max_batch;
  if (o.jobs < 0) throw Error("", "--jobs", "must be a positive integer, got " + std::to_string(o.jobs));
  search.jobs = o.jobs > 0 ? o.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (!o.max_tpot.empty()) search.max_tpot_s = ParseDuration(o.max_tpot, "--max-tpot");
  if (!o.max_ttft.empty()) search.max_ttft_s = ParseDuration(o.max_ttft, "--max-ttft");
  analysis::Scenario& s = search.scenario;
  s.prompt_len = o.prompt;
  s.w_bits = o.w_bits;
  s.a_bits = o.a_bits;
  s.kv_bits = o.kv_bits;
  req.model = o.model;
  req.hardware = o.hardware;
  req.runtime = o.runtime;
  req.cluster = o.cluster;
  req.cluster_files = o.cluster_files;
  req.sharding_files = o.sharding_files;
  req.sources.db_files = o.db_files;
  req.sources.hardware_files = o.hardware_files;
  req.sources.runtime_files = o.runtime_files;

  ProgressBar bar("layouts");
  const bool show_progress = ::isatty(STDERR_FILENO) != 0;
  const api::PlanResultSet p = api::Plan(req, [&](int64_t done, int64_t total) {
    if (show_progress) bar.Update(done, total);
  });
  const request::PlanResult& result = p.result;
  report::PlanContext c{p.model_id, &p.device, p.cluster, p.runtime, p.search};
  Output out(o.output);
  if (o.format == "json") {
    out.Write(report::PlanJson(c, result).dump(2) + "\n");
  } else if (o.format == "csv") {
    out.Write(report::PlanCsv(c, result));
  } else if (o.format == "html") {
    out.Write(report::PlanHtml(c, result));
  } else {
    out.Write(report::PlanText(c, result));
  }
  out.Close();
  return 0;
}

}  // namespace lmp::cli
