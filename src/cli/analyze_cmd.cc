#include "cli/analyze_cmd.h"

#include "cli/layout_option.h"
#include "report/api_report.h"
#include "report/report.h"
#include "util/error.h"

namespace lmp::cli {

void SetupAnalyze(CLI::App& cmd, AnalyzeCmdOptions& o) {
  api::AnalyzeRequest& r = o.request;
  AddModelArgument(cmd, r.model);
  cmd.add_option("--batch", r.scenario.batch_size, "sequences per batch")->capture_default_str();
  cmd.add_option("--seq,--prompt", r.scenario.prompt_len, "prompt length: tokens per sequence in prefill")
      ->capture_default_str();
  cmd.add_option("--kv-len", r.scenario.decode_kv_len,
                 "tokens attended per sequence in a decode step, cache included (default: --seq)");
  cmd.add_option("--stage", o.stage, "prefill, decode or both")
      ->check(CLI::IsMember({"prefill", "decode", "both"}))
      ->capture_default_str();
  AddBitsOptions(cmd, r.scenario);
  AddComputeOption(cmd, r.scenario);
  cmd.add_flag("--all-logits", r.scenario.all_logits, "prefill computes logits for every position, not just the last");
  AddProfileOptions(cmd, r.scenario, o.flags);
  AddDbOption(cmd, r.sources.db_files);
  cmd.add_option("--hardware", r.hardware,
                 "device (see 'lmp hardware list'): adds roofline time, bound and intensity per operation");
  AddHardwareFileOption(cmd, r.sources.hardware_files);
  AddRuntimeOptions(cmd, r);
  AddLayoutOptions(cmd, r.layout, false);
  cmd.add_option("--pp-stage", r.pp_stage, "with --pp: the pipeline stage to show, from 0")
      ->capture_default_str()
      ->group("Parallel layout");
  AddFormatOption(cmd, o.out.format, {"table", "json", "csv", "markdown", "html"},
                  "table, json, csv, markdown, or html (needs --hardware; use with -o)");
  AddTableOptions(cmd, o.out);
  AddOutputOption(cmd, o.out);
  cmd.add_option("--analyze-missing", o.user_db.analyze_missing,
                 "analyze classes the database lacks: agent (needs --agent and --db-file), or trace (needs "
                 "--trace-config and --db-file)")
      ->check(CLI::IsMember({"agent", "trace"}));
  AddAgentOptions(cmd, o.user_db);
  cmd.add_option("--trace-config", o.user_db.trace_config_dir,
                 "--analyze-missing trace: the directory holding CLASS.json, a trace config per class");
  AddTraceOptions(cmd, o.user_db);
}

int RunAnalyze(AnalyzeCmdOptions& o) {
  api::AnalyzeRequest& req = o.request;
  using analysis::Stage;
  if (o.stage == "prefill") req.scenario.stages = {Stage::kPrefill};
  if (o.stage == "decode") req.scenario.stages = {Stage::kDecode};
  CheckSramOption(o.flags, req.scenario);
  if (o.out.format == "html" && req.hardware.empty()) {
    throw Error("", "--format", "html is drawn around roofline times and needs --hardware NAME; add it");
  }
  CheckTableOptions(o.out);
  req.profile_given = ProfileGiven(o.flags);
  api::DatabaseHook hook;
  if (!o.user_db.analyze_missing.empty()) {
    hook = [&](const model::Model& model, const db::ModuleDb&) {
      return AnalyzeMissing(o.user_db, req.sources.db_files, model);
    };
  }
  api::AnalyzeResult a;
  a = api::Analyze(req, hook);
  const analysis::Plan& plan = a.plan();
  const std::string deployment_line = a.deployment ? report::DeploymentText(*a.deployment, plan) + "\n" : std::string();
  const hardware::RooflineAnalysis* roof = a.roofline ? &*a.roofline : nullptr;
  const hardware::MemoryFit* mem = a.memory ? &*a.memory : nullptr;
  WarnCheckpoint(a.checkpoint, a.analysis.parameters);
  const model::CheckpointComparison* ck = a.checkpoint ? &*a.checkpoint : nullptr;
  const std::string& format = o.out.format;
  if (format == "json") {
    Emit(o.out, report::AnalyzeDocument(a).dump(2) + "\n");
  } else if (format == "csv") {
    Emit(o.out, report::AnalysisCsv(plan, a.analysis, roof));
  } else if (format == "markdown") {
    Emit(o.out, deployment_line + report::AnalysisMarkdown(plan, a.analysis, roof, mem, TableOptionsFor(o.out)));
  } else if (format == "html") {
    Emit(o.out, report::AnalyzeHtml(a));
  } else {
    Emit(o.out, deployment_line + report::AnalysisTable(plan, a.analysis, roof, mem, ck, TableOptionsFor(o.out)));
  }
  return 0;
}

}  // namespace lmp::cli
