// lmp: the command-line front end. Parses flags, calls the library, prints.
// Every input error ends here as one line on stderr and exit code 2.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "agent/analyze_module.h"
#include "agent/trace_module.h"
#include "analysis/analyze.h"
#include "analysis/footprint.h"
#include "analysis/missing.h"
#include "analysis/module_eval.h"
#include "analysis/plan.h"
#include "cli/cli_main.h"
#include "cli/cluster_cmd.h"
#include "cli/common.h"
#include "cli/compare_cmd.h"
#include "cli/layout_option.h"
#include "cli/runtime_option.h"
#include "cli/plan_cmd.h"
#include "cli/sweep_cmd.h"
#include "cli/validate_cmd.h"
#include "db/db_store.h"
#include "db/module_db.h"
#include "db/seed_import.h"
#include "hardware/fit.h"
#include "hardware/hardware.h"
#include "hardware/roofline.h"
#include "model/model.h"
#include "report/html_report.h"
#include "report/report.h"
#include "request/deployment.h"
#include "request/generate.h"
#include "util/error.h"
#include "util/suggest.h"

namespace {

using lmp::Error;
using lmp::Json;

constexpr int kExitInput = 2;

// Everything the subcommands read from the command line.
struct Options {
  std::vector<std::string> db_files;
  std::string format = "table";
  std::string model;
  std::string stage = "both";
  lmp::analysis::Scenario scenario;
  std::string module_name;
  std::vector<std::string> assignments;
  std::string hardware;  // empty: no roofline
  std::vector<std::string> hardware_files;
  int64_t gen_len = 256;             // lmp generate, lmp fit
  CLI::Option* fit_batch = nullptr;  // lmp fit: given -> solve for the prompt
  CLI::Option* fit_prompt = nullptr;
  CLI::App* hardware_list = nullptr;
  CLI::App* hardware_show = nullptr;
  CLI::App* module_list = nullptr;
  CLI::App* module_show = nullptr;
  CLI::App* module_eval = nullptr;
  std::vector<CLI::Option*> sram_options;  // --sram-bytes of analyze and module eval
  std::string output;                      // -o: a file instead of stdout
  std::string group_by = "op";             // --by
  size_t top = 0;                          // --top
  lmp::cli::RuntimeOptions runtime;  // --runtime, --runtime-file
  lmp::cli::LayoutOptions layout;    // --tp, --pp, --ep, --dp, --cluster, ...
  int64_t pp_stage = 0;              // analyze --pp-stage
  lmp::cli::SweepOptions sweep;
  lmp::cli::PlanOptions plan;
  lmp::cli::CompareOptions compare;
  lmp::cli::ValidateOptions validate;
  lmp::cli::RuntimeListOptions runtimes;
  lmp::cli::ClusterOptions clusters;
  // The user database (module add | remove | import | analyze, analyze --analyze-missing).
  CLI::App* module_add = nullptr;
  CLI::App* module_remove = nullptr;
  CLI::App* module_import = nullptr;
  CLI::App* module_analyze = nullptr;
  CLI::App* module_trace = nullptr;
  lmp::agent::TraceOptions trace;  // module trace, analyze --analyze-missing trace
  std::string trace_config_dir;    // analyze --trace-config DIR
  std::string db_file;   // --db-file, else $LMP_DB
  std::string in_file;   // module add FILE, module import FILE
  std::string out_file;  // module import -o
  lmp::agent::AnalyzeOptions agent;  // --agent (else $LMP_AGENT), --source, ...
  std::string sub_layers;
  std::string analyze_missing;  // analyze --analyze-missing: "", "agent" or "trace"
};

lmp::db::ModuleDb LoadDb(const Options& o) { return lmp::cli::LoadDb(o.db_files); }

using lmp::cli::AddRepeatableFileOption;

void AddDbOption(CLI::App& cmd, Options& o) {
  AddRepeatableFileOption(cmd, "--db", o.db_files, "module database file layered over the embedded one (repeatable)");
}

lmp::hardware::Catalog LoadHardware(const Options& o) { return lmp::cli::LoadHardware(o.hardware_files); }

void AddHardwareFileOption(CLI::App& cmd, Options& o) {
  AddRepeatableFileOption(cmd, "--hardware-file", o.hardware_files,
                          "hardware catalog file layered over the embedded one (repeatable)");
}

void AddBitsOptions(CLI::App& cmd, Options& o) {
  cmd.add_option("--w-bits", o.scenario.w_bits, "bits per weight")->capture_default_str();
  cmd.add_option("--a-bits", o.scenario.a_bits, "bits per activation")->capture_default_str();
  cmd.add_option("--kv-bits", o.scenario.kv_bits, "bits per KV-cache element")->capture_default_str();
  cmd.add_option("--w-group-size", o.scenario.w_group_size,
                 "weights per quantization group, each with a 16-bit scale and a w-bits zero point (0: none)")
      ->capture_default_str();
}

void AddComputeOption(CLI::App& cmd, Options& o) {
  cmd.add_option("--compute", o.scenario.compute,
                 "matmul precision on the tensor units: auto (from the bits), fp16, bf16, fp8, int8, int4, ...")
      ->capture_default_str();
}

// How attention runs: the execution profile and the SRAM its tiles fit in
// (docs/flash.md).
void AddProfileOptions(CLI::App& cmd, Options& o) {
  o.runtime.profile_options.push_back(
      cmd.add_option("--profile", o.scenario.profile,
                     "execution profile: fused, flash (FlashAttention) or eager (each PyTorch kernel, "
                     "docs/conventions.md); with --hardware, default: the runtime's")
          ->capture_default_str());
  o.sram_options.push_back(cmd.add_option(
      "--sram-bytes", o.scenario.sram_bytes,
      "on-chip SRAM one attention block may use, for the flash profile's tiles (default: the --hardware "
      "device's shared memory per SM/CU, else " +
          std::to_string(lmp::analysis::kDefaultSramBytes) + ")"));
}

// Scenario::sram_bytes uses 0 for "unset", so the library cannot tell an
// explicit --sram-bytes 0 from no option at all; it is rejected here.
void CheckSramOption(const Options& o) {
  for (const CLI::Option* opt : o.sram_options) {
    if (opt->count() > 0 && o.scenario.sram_bytes < 1) {
      throw Error("", "--sram-bytes", "must be a positive integer, got " + std::to_string(o.scenario.sram_bytes));
    }
  }
}

void Print(const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); }
void PrintJson(const Json& j) { Print(j.dump(2) + "\n"); }

// -o FILE: the report goes to FILE through lmp::cli::Output (written
// whole beside it, then renamed over it).
void AddOutputOption(CLI::App& cmd, Options& o) {
  cmd.add_option("-o,--output", o.output, "write the report to this file instead of standard output");
}

void Emit(const Options& o, const std::string& text) {
  lmp::cli::Output out(o.output);
  out.Write(text);
  out.Close();
}

// Width and colour follow the terminal only when the table goes to one:
// files and pipes get every column and no escapes. NO_COLOR (any value)
// turns colour off (https://no-color.org).
lmp::report::TableOptions TableOptionsFor(const Options& o) {
  lmp::report::TableOptions t;
  t.by = *lmp::report::ParseGroupBy(o.group_by);
  t.top = o.top;
  if (o.output.empty() && isatty(fileno(stdout))) {
    const char* no_color = std::getenv("NO_COLOR");
    t.style.color = no_color == nullptr || *no_color == '\0';
    winsize ws{};
    if (ioctl(fileno(stdout), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) t.style.width = ws.ws_col;
  }
  return t;
}

void AddTableOptions(CLI::App& cmd, Options& o) {
  cmd.add_option("--by", o.group_by, "rows of the table and markdown formats: op, layer or kind")
      ->check(CLI::IsMember({"op", "layer", "kind"}))
      ->capture_default_str();
  cmd.add_option("--top", o.top, "show only the N most expensive rows (by time with --hardware, else FLOPs)");
}

// A model directory's safetensors parameter count against ours (analyze,
// inspect). A mismatch or a partial check is a result, not an error: it is
// reported in the output and warned about on stderr, and the exit code stays 0.
std::optional<lmp::model::CheckpointComparison> CheckCheckpoint(const lmp::model::Model& model, int64_t ours) {
  if (!model.checkpoint) return std::nullopt;
  const lmp::model::CheckpointComparison c = lmp::model::CompareCheckpoint(*model.checkpoint, ours);
  using lmp::report::Grouped;
  if (c.status == lmp::model::CheckpointStatus::kMismatch) {
    std::fprintf(stderr,
                 "lmp: warning: the checkpoint's safetensors hold %s parameters, the model %s (difference %s); see "
                 "docs/models.md for known causes\n",
                 Grouped(c.checkpoint.parameters).c_str(), Grouped(ours).c_str(), Grouped(c.difference).c_str());
  } else if (c.status == lmp::model::CheckpointStatus::kPartial) {
    std::fprintf(stderr,
                 "lmp: warning: checkpoint check is partial: %zu safetensors file%s listed in the index not found "
                 "locally; the %s parameters read are not the whole checkpoint\n",
                 c.checkpoint.files_missing.size(), c.checkpoint.files_missing.size() == 1 ? "" : "s",
                 Grouped(c.checkpoint.parameters).c_str());
  }
  return c;
}

// ---- the user database and the agent ------------------------------------------
// (module add | remove | import | analyze, and analyze --analyze-missing)

// --db-file, else $LMP_DB (docs/module-db.md#the-user-database).
std::string UserDbFile(const Options& o) {
  if (!o.db_file.empty()) return o.db_file;
  if (const char* env = std::getenv("LMP_DB"); env && *env) return env;
  throw Error("", "--db-file", "no user database given; pass --db-file FILE or set LMP_DB");
}

void AddDbFileOption(CLI::App& cmd, Options& o) {
  cmd.add_option("--db-file", o.db_file, "the user module database to write (default: $LMP_DB)");
}

void AddAgentOptions(CLI::App& cmd, Options& o) {
  AddDbFileOption(cmd, o);
  cmd.add_option("--agent", o.agent.agent_command,
                 "agent command, run with /bin/sh -c: reads one request on stdin, answers on stdout (default: "
                 "$LMP_AGENT; docs/agents.md)");
  cmd.add_option("--source-root", o.agent.source_root, "a transformers/torch checkout to find the class source in");
  cmd.add_option("--max-rounds", o.agent.max_rounds, "rounds: the first answer plus repairs")->capture_default_str();
  cmd.add_option("--timeout", o.agent.timeout_s, "seconds per agent run; then its process group is killed")
      ->capture_default_str();
  cmd.add_option("--diagnostics", o.agent.diagnostics_file,
                 "where each round's request, answer and faults go (default: DB.diagnostics.jsonl)");
}

// The options shared by `module trace` and `analyze --analyze-missing trace`.
void AddTraceOptions(CLI::App& cmd, Options& o) {
  cmd.add_option("--python", o.trace.python, "the python with PyTorch that runs the tracer (default: $LMP_PYTHON, "
                                             "else python3)");
  cmd.add_option("--init", o.trace.init, "KEY=VALUE constructor argument over the config's /init (repeatable)");
}

// The options shared by `module analyze` and `analyze --analyze-missing`.
lmp::agent::AnalyzeOptions AgentOptions(const Options& o) {
  lmp::agent::AnalyzeOptions a = o.agent;
  if (a.agent_command.empty()) {
    if (const char* env = std::getenv("LMP_AGENT"); env) a.agent_command = env;
  }
  a.db_file = UserDbFile(o);
  return a;
}

std::string RoundsText(int n) { return std::to_string(n) + (n == 1 ? " round" : " rounds"); }

// The database with `db_file` layered on, when it exists.
lmp::db::ModuleDb LoadDbWithUserFile(const Options& o, const std::string& db_file) {
  lmp::db::ModuleDb db = LoadDb(o);
  if (lmp::db::AddIfExists(db, db_file)) db.Check();
  return db;
}

// Traces every class `model` uses that the database lacks, each with its
// config DIR/CLASS.json (--trace-config), then returns the database with
// them.
lmp::db::ModuleDb TraceMissing(const Options& o, const lmp::model::Model& model) {
  if (o.trace_config_dir.empty()) {
    throw Error("", "--trace-config", "--analyze-missing trace needs --trace-config DIR, holding CLASS.json for "
                                      "each class to trace (docs/conventions.md#trace-configs)");
  }
  lmp::agent::TraceOptions base = o.trace;
  base.db_file = UserDbFile(o);
  lmp::db::ModuleDb db = LoadDbWithUserFile(o, base.db_file);
  const std::vector<lmp::analysis::MissingModule> missing = lmp::analysis::MissingModules(model, db);
  for (const auto& m : missing) {
    lmp::agent::TraceOptions t = base;
    t.class_name = m.class_name;
    t.config_file = o.trace_config_dir + "/" + m.class_name + ".json";
    if (std::FILE* f = std::fopen(t.config_file.c_str(), "r")) {
      std::fclose(f);
    } else {
      throw Error(t.config_file, "", "no trace config for " + m.class_name + " (used at " + m.pointer +
                                         "); write one (docs/conventions.md#trace-configs)");
    }
    for (const auto& [name, cls] : m.sub_layers) t.sub_layers.push_back(name);
    std::fprintf(stderr, "lmp: %s is not in the database; tracing it\n", m.class_name.c_str());
    const lmp::agent::TraceResult r = lmp::agent::TraceModule(t);
    std::fprintf(stderr, "lmp: stored %s as %s in %s (%zu operations, torch %s)\n", r.full_class_name.c_str(),
                 r.key.c_str(), t.db_file.c_str(), r.operations, r.torch_version.c_str());
  }
  return missing.empty() ? std::move(db) : LoadDbWithUserFile(o, base.db_file);
}

// Has the agent write an entry for every class `model` uses that the
// database lacks, then returns the database with them.
lmp::db::ModuleDb AnalyzeMissing(const Options& o, const lmp::model::Model& model) {
  if (o.analyze_missing == "trace") return TraceMissing(o, model);
  const lmp::agent::AnalyzeOptions base = AgentOptions(o);
  lmp::db::ModuleDb db = LoadDbWithUserFile(o, base.db_file);
  const std::vector<lmp::analysis::MissingModule> missing = lmp::analysis::MissingModules(model, db);
  for (const auto& m : missing) {
    lmp::agent::AnalyzeOptions a = base;
    a.class_name = m.class_name;
    for (const auto& [name, cls] : m.sub_layers) a.sub_layers.push_back({name, cls});
    std::fprintf(stderr, "lmp: %s is not in the database; asking the agent\n", m.class_name.c_str());
    const lmp::agent::AnalyzeResult r = lmp::agent::AnalyzeModule(a);
    std::fprintf(stderr, "lmp: stored %s as %s in %s after %s\n", r.full_class_name.c_str(), r.key.c_str(),
                 a.db_file.c_str(), RoundsText(r.rounds).c_str());
  }
  return missing.empty() ? std::move(db) : LoadDbWithUserFile(o, base.db_file);
}

// ---- analyze ---------------------------------------------------------------

void SetupAnalyze(CLI::App& cmd, Options& o) {
  cmd.add_option("MODEL", o.model, "catalog id (see 'lmp models') or architecture JSON path")->required();
  cmd.add_option("--batch", o.scenario.batch_size, "sequences per batch")->capture_default_str();
  cmd.add_option("--seq,--prompt", o.scenario.prompt_len, "prompt length: tokens per sequence in prefill")
      ->capture_default_str();
  cmd.add_option("--kv-len", o.scenario.decode_kv_len,
                 "tokens attended per sequence in a decode step, cache included (default: --seq)");
  cmd.add_option("--stage", o.stage, "prefill, decode or both")
      ->check(CLI::IsMember({"prefill", "decode", "both"}))
      ->capture_default_str();
  AddBitsOptions(cmd, o);
  AddComputeOption(cmd, o);
  cmd.add_flag("--all-logits", o.scenario.all_logits,
               "prefill computes logits for every position, not just the last");
  AddProfileOptions(cmd, o);
  AddDbOption(cmd, o);
  cmd.add_option("--hardware", o.hardware,
                 "device (see 'lmp hardware list'): adds roofline time, bound and intensity per operation");
  AddHardwareFileOption(cmd, o);
  lmp::cli::AddRuntimeOptions(cmd, o.runtime);
  lmp::cli::AddLayoutOptions(cmd, o.layout, false);
  cmd.add_option("--pp-stage", o.pp_stage, "with --pp: the pipeline stage to show, from 0")
      ->capture_default_str()
      ->group("Parallel layout");
  cmd.add_option("--format", o.format, "table, json, csv, markdown, or html (needs --hardware; use with -o)")
      ->check(CLI::IsMember({"table", "json", "csv", "markdown", "html"}))
      ->capture_default_str();
  AddTableOptions(cmd, o);
  AddOutputOption(cmd, o);
  cmd.add_option("--analyze-missing", o.analyze_missing,
                 "analyze classes the database lacks: agent (needs --agent and --db-file), or trace (needs "
                 "--trace-config and --db-file)")
      ->check(CLI::IsMember({"agent", "trace"}));
  AddAgentOptions(cmd, o);
  cmd.add_option("--trace-config", o.trace_config_dir,
                 "--analyze-missing trace: the directory holding CLASS.json, a trace config per class");
  AddTraceOptions(cmd, o);
}

int RunAnalyze(Options& o) {
  using lmp::analysis::Stage;
  if (o.stage == "prefill") o.scenario.stages = {Stage::kPrefill};
  if (o.stage == "decode") o.scenario.stages = {Stage::kDecode};
  CheckSramOption(o);
  if (o.format == "html" && o.hardware.empty()) {
    throw Error("", "--format", "html is drawn around roofline times and needs --hardware NAME; add it");
  }
  if ((o.top > 0 || o.group_by != "op") && o.format != "table" && o.format != "markdown") {
    throw Error("", o.top > 0 ? "--top" : "--by",
                "shapes the table and markdown formats only; drop it, or use --format table or markdown");
  }
  lmp::analysis::ValidateScenario(o.scenario);
  if (!o.hardware_files.empty() && o.hardware.empty()) {
    throw Error("", "--hardware-file", "has no effect without --hardware NAME; add it, or drop --hardware-file");
  }
  lmp::cli::CheckRuntimeNeedsHardware(o.runtime, !o.hardware.empty());
  std::optional<lmp::hardware::Catalog> catalog;
  const lmp::hardware::Device* device = nullptr;
  lmp::hardware::Timing timing;
  if (!o.hardware.empty()) {
    catalog = LoadHardware(o);
    device = &catalog->Get(o.hardware);
    o.scenario = lmp::hardware::OnDevice(o.scenario, *device);
    timing = lmp::cli::TimingFor(o.runtime, *device, &o.scenario);
  }
  lmp::cli::LayoutSetup layout = lmp::cli::SetupLayout(o.layout, device);
  layout.deployment.batch = o.scenario.batch_size;
  const bool many = !layout.layout.Trivial();
  if (o.pp_stage < 0 || o.pp_stage >= layout.layout.pp) {
    throw Error("", "--pp-stage", "must be a stage from 0 to " + std::to_string(layout.layout.pp - 1) + ", got " +
                                      std::to_string(o.pp_stage));
  }
  if (layout.cluster) lmp::request::SetCommTiers(*layout.cluster, layout.layout, &timing);
  lmp::db::ModuleDb db = LoadDb(o);
  const lmp::model::Model model = lmp::model::LoadModel(o.model);
  if (!o.analyze_missing.empty()) db = AnalyzeMissing(o, model);
  std::vector<lmp::analysis::Plan> stages;
  if (many) {
    lmp::cli::WithLayoutFlags([&] {
      stages = lmp::request::BuildStagePlans(model, db, o.scenario.profile, layout.rules, layout.layout);
    });
  } else {
    stages.push_back(lmp::analysis::BuildPlan(model, db, o.scenario.profile));
  }
  const lmp::analysis::Plan& plan = stages[static_cast<size_t>(o.pp_stage)];
  const lmp::analysis::Scenario full = o.scenario;
  if (many) o.scenario = lmp::request::StageScenario(o.scenario, layout.deployment);
  const lmp::analysis::Analysis a = lmp::analysis::Analyze(plan, o.scenario);
  std::optional<lmp::hardware::RooflineAnalysis> roofline;
  std::optional<lmp::hardware::MemoryFit> memory;
  if (device != nullptr) {
    lmp::cli::WithLayoutFlags([&] { roofline = lmp::hardware::RooflineAll(plan, a, *device, timing); });
    lmp::hardware::MemoryFit m;
    m.footprint = lmp::request::DeviceFootprint(stages, full, layout.deployment,
                                                lmp::analysis::ScenarioContextLen(full));
    m.status = lmp::hardware::CheckFit(m.footprint.total_bytes, device->dram_bytes);
    memory = m;
  }
  const std::string deployment_line =
      many ? lmp::report::DeploymentText(layout.deployment, plan) + "\n" : std::string();
  const lmp::hardware::RooflineAnalysis* r = roofline ? &*roofline : nullptr;
  const lmp::hardware::MemoryFit* mem = memory ? &*memory : nullptr;
  const auto checkpoint = CheckCheckpoint(model, a.parameters);
  const lmp::model::CheckpointComparison* ck = checkpoint ? &*checkpoint : nullptr;
  if (o.format == "json") {
    Json j = lmp::report::AnalysisJson(plan, a, r, mem, ck);
    if (many) j["deployment"] = lmp::report::DeploymentJson(layout.deployment, plan);
    Emit(o, j.dump(2) + "\n");
  } else if (o.format == "csv") {
    Emit(o, lmp::report::AnalysisCsv(plan, a, r));
  } else if (o.format == "markdown") {
    Emit(o, deployment_line + lmp::report::AnalysisMarkdown(plan, a, r, mem, TableOptionsFor(o)));
  } else if (o.format == "html") {
    Emit(o, lmp::report::RenderHtml(lmp::report::HtmlFromAnalysis(plan, a, *r, *mem)));
  } else {
    Emit(o, deployment_line + lmp::report::AnalysisTable(plan, a, r, mem, ck, TableOptionsFor(o)));
  }
  return 0;
}

// ---- generate --------------------------------------------------------------

void SetupGenerate(CLI::App& cmd, Options& o) {
  cmd.add_option("MODEL", o.model, "catalog id (see 'lmp models') or architecture JSON path")->required();
  cmd.add_option("--batch", o.scenario.batch_size, "sequences per batch")->capture_default_str();
  cmd.add_option("--prompt,--seq", o.scenario.prompt_len, "prompt tokens per sequence")->capture_default_str();
  cmd.add_option("--gen", o.gen_len, "tokens generated per sequence (the first comes from the prefill)")
      ->capture_default_str();
  cmd.add_option("--hardware", o.hardware, "device (see 'lmp hardware list')")->required();
  AddHardwareFileOption(cmd, o);
  lmp::cli::AddRuntimeOptions(cmd, o.runtime);
  lmp::cli::AddLayoutOptions(cmd, o.layout, true);
  AddBitsOptions(cmd, o);
  AddComputeOption(cmd, o);
  AddProfileOptions(cmd, o);
  AddDbOption(cmd, o);
  cmd.add_option("--format", o.format, "table, json, csv, markdown or html (use with -o)")
      ->check(CLI::IsMember({"table", "json", "csv", "markdown", "html"}))
      ->capture_default_str();
  AddOutputOption(cmd, o);
}

// What `generate` and `fit` share: the checked options, the model compiled
// for the scenario's profile, and the device, whose SRAM fills an unset
// --sram-bytes.
// For a timed command (generate), the runtime (--runtime, else the default)
// sets the profile unless --profile was given, so it is chosen before the
// plan is built. fit prints no time and keeps --profile's value.
// With a layout, `stages` holds one plan per pipeline stage and `plan` is
// the first; the scenario stays the deployment's (its batch the whole
// deployment's).
struct RequestSetup {
  lmp::model::Model model;
  lmp::analysis::Plan plan;
  lmp::hardware::Catalog catalog;
  lmp::hardware::Timing timing;
  std::vector<lmp::analysis::Plan> stages;
  std::optional<lmp::cli::LayoutSetup> layout;
};

RequestSetup LoadRequest(Options& o, bool timed) {
  if (o.gen_len < 1) throw Error("", "--gen", "must be a positive integer, got " + std::to_string(o.gen_len));
  CheckSramOption(o);
  lmp::analysis::ValidateScenario(o.scenario);
  RequestSetup r{{}, {}, LoadHardware(o), {}, {}, {}};
  const lmp::hardware::Device& device = r.catalog.Get(o.hardware);
  lmp::cli::LayoutSetup layout = lmp::cli::SetupLayout(o.layout, &device);
  layout.deployment.batch = o.scenario.batch_size;
  if (timed) r.timing = lmp::cli::TimingFor(o.runtime, device, &o.scenario);
  const lmp::db::ModuleDb db = LoadDb(o);
  r.model = lmp::model::LoadModel(o.model);
  if (!layout.layout.Trivial()) {
    lmp::cli::WithLayoutFlags([&] {
      r.stages = lmp::request::BuildStagePlans(r.model, db, o.scenario.profile, layout.rules, layout.layout);
    });
    if (layout.cluster) lmp::request::SetCommTiers(*layout.cluster, layout.layout, &r.timing);
    r.plan = r.stages.front();
    r.layout = std::move(layout);
  } else {
    r.plan = lmp::analysis::BuildPlan(r.model, db, o.scenario.profile);
  }
  o.scenario = lmp::hardware::OnDevice(o.scenario, device);
  return r;
}

// `lmp generate` over a layout: the request through the pipeline, memory per GPU.
int RunGenerateDeployed(Options& o, const RequestSetup& setup) {
  const lmp::hardware::Device& device = setup.catalog.Get(o.hardware);
  const lmp::request::Deployment& d = setup.layout->deployment;
  lmp::request::GenerateResult r;
  lmp::cli::WithLayoutFlags(
      [&] { r = lmp::request::GenerateDeployed(setup.stages, o.scenario, o.gen_len, device, setup.timing, d); });
  lmp::hardware::MemoryFit mem;
  int64_t stage = 0;
  mem.footprint = lmp::request::DeviceFootprint(
      setup.stages, o.scenario, d, lmp::analysis::RequestContextLen(o.scenario.prompt_len, o.gen_len), &stage);
  mem.status = lmp::hardware::CheckFit(mem.footprint.total_bytes, device.dram_bytes);
  const lmp::analysis::Plan& plan = setup.stages[static_cast<size_t>(stage)];
  const int64_t params = mem.footprint.parameters;
  if (o.format == "json") {
    Json j = lmp::report::GenerateJson(plan, params, o.scenario, device, r, mem);
    j["deployment"] = lmp::report::DeploymentJson(d, plan);
    j["tokens_per_s_per_gpu"] = r.tokens_per_s / static_cast<double>(d.layout.Gpus());
    Emit(o, j.dump(2) + "\n");
  } else if (o.format == "table") {
    Emit(o, lmp::report::DeploymentText(d, plan) + "\n" +
                lmp::report::GenerateText(plan, params, o.scenario, device, r, mem) +
                fmt::format("  tokens/s per GPU       {:>12.2f}\n", r.tokens_per_s / static_cast<double>(d.layout.Gpus())));
  } else if (o.format == "markdown") {
    Emit(o, "- " + lmp::report::DeploymentText(d, plan) + "\n\n" +
                lmp::report::GenerateMarkdown(plan, params, o.scenario, device, r, mem));
  } else if (o.format == "csv") {
    // The request's row with the layout's columns after it.
    const std::string csv = lmp::report::GenerateCsv(plan, params, o.scenario, device, r, mem);
    const size_t eol = csv.find('\n');
    Emit(o, csv.substr(0, eol) + ",layout,gpus,tokens_per_s_per_gpu\n" +
                csv.substr(eol + 1, csv.size() - eol - 2) +
                fmt::format(",{},{},{:.9g}\n", lmp::parallel::LayoutText(d.layout), d.layout.Gpus(),
                            r.tokens_per_s / static_cast<double>(d.layout.Gpus())));
  } else {
    // The page's tables: the fullest stage's prefill and last decode step, one GPU's.
    lmp::analysis::Scenario steps = lmp::request::StageScenario(o.scenario, d);
    steps.decode_kv_len = r.decode_steps > 0 ? r.last_kv_len : 0;
    if (r.decode_steps == 0) steps.stages = {lmp::analysis::Stage::kPrefill};
    const lmp::analysis::Analysis a = lmp::analysis::Analyze(plan, steps);
    const lmp::hardware::RooflineAnalysis roof = lmp::hardware::RooflineAll(plan, a, device, setup.timing);
    Emit(o, lmp::report::RenderHtml(lmp::report::HtmlFromGenerate(plan, a, roof, r, mem, o.gen_len)));
  }
  return 0;
}

int RunGenerate(Options& o) {
  const RequestSetup setup = LoadRequest(o, true);
  if (setup.layout) return RunGenerateDeployed(o, setup);
  const lmp::analysis::Plan& plan = setup.plan;
  const lmp::hardware::Device& device = setup.catalog.Get(o.hardware);
  const lmp::request::GenerateResult r = lmp::request::Generate(plan, o.scenario, o.gen_len, device, setup.timing);
  lmp::hardware::MemoryFit mem;
  mem.footprint = lmp::analysis::MemoryFootprint(
      plan, o.scenario, lmp::analysis::RequestContextLen(o.scenario.prompt_len, o.gen_len));
  mem.status = lmp::hardware::CheckFit(mem.footprint.total_bytes, device.dram_bytes);
  const int64_t params = mem.footprint.parameters;
  if (o.format == "json") {
    Emit(o, lmp::report::GenerateJson(plan, params, o.scenario, device, r, mem).dump(2) + "\n");
  } else if (o.format == "csv") {
    Emit(o, lmp::report::GenerateCsv(plan, params, o.scenario, device, r, mem));
  } else if (o.format == "markdown") {
    Emit(o, lmp::report::GenerateMarkdown(plan, params, o.scenario, device, r, mem));
  } else if (o.format == "html") {
    // The page's tables and chart: the prefill and the request's last
    // decode step, the most expensive one.
    lmp::analysis::Scenario steps = o.scenario;
    steps.decode_kv_len = r.decode_steps > 0 ? r.last_kv_len : 0;
    if (r.decode_steps == 0) steps.stages = {lmp::analysis::Stage::kPrefill};
    const lmp::analysis::Analysis a = lmp::analysis::Analyze(plan, steps);
    const lmp::hardware::RooflineAnalysis roof = lmp::hardware::RooflineAll(plan, a, device, setup.timing);
    Emit(o, lmp::report::RenderHtml(lmp::report::HtmlFromGenerate(plan, a, roof, r, mem, o.gen_len)));
  } else {
    Emit(o, lmp::report::GenerateText(plan, params, o.scenario, device, r, mem));
  }
  return 0;
}

// ---- fit -------------------------------------------------------------------

void SetupFit(CLI::App& cmd, Options& o) {
  cmd.add_option("MODEL", o.model, "catalog id (see 'lmp models') or architecture JSON path")->required();
  cmd.add_option("--hardware", o.hardware, "device whose DRAM must hold the request (see 'lmp hardware list')")
      ->required();
  AddHardwareFileOption(cmd, o);
  o.fit_prompt = cmd.add_option("--prompt,--seq", o.scenario.prompt_len, "prompt tokens per sequence")
                     ->capture_default_str();
  cmd.add_option("--gen", o.gen_len, "tokens generated per sequence")->capture_default_str();
  o.fit_batch = cmd.add_option("--batch", o.scenario.batch_size,
                               "sequences per batch: solve for the largest prompt instead of the largest batch");
  lmp::cli::AddLayoutOptions(cmd, o.layout, false);
  AddBitsOptions(cmd, o);
  AddProfileOptions(cmd, o);
  AddDbOption(cmd, o);
  cmd.add_option("--format", o.format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
}

int RunFit(Options& o) {
  const bool solve_prompt = o.fit_batch->count() > 0;
  if (solve_prompt && o.fit_prompt->count() > 0) {
    throw Error("", "--prompt", "is what 'lmp fit' solves for when --batch is given; drop one of them");
  }
  const RequestSetup setup = LoadRequest(o, false);
  const lmp::analysis::Plan& plan = setup.plan;
  const lmp::hardware::Device& device = setup.catalog.Get(o.hardware);
  lmp::report::FitReport rep;
  rep.model_id = plan.model_id;
  rep.device = &device;
  rep.request.scenario = o.scenario;
  rep.request.gen_len = o.gen_len;
  rep.request.capacity_bytes = device.dram_bytes;
  rep.max_position_embeddings = lmp::analysis::MaxPositionEmbeddings(setup.model);
  const auto solve = [&](const lmp::analysis::Plan& p) {
    return solve_prompt ? lmp::hardware::LargestPrompt(p, rep.request) : lmp::hardware::LargestBatch(p, rep.request);
  };
  if (!setup.layout) {
    rep.result = solve(plan);
    o.format == "json" ? PrintJson(lmp::report::FitJson(rep)) : Print(lmp::report::FitText(rep));
    return 0;
  }
  // Over a layout every GPU must hold its stage's share: the answer is the
  // smallest over the stages, per attention replica (batch figures are per
  // replica); the deployment serves that many on each of its ep x dp.
  lmp::request::Deployment d = setup.layout->deployment;
  const int64_t replicas = d.layout.ep * d.layout.dp;
  rep.request.scenario.batch_size = d.BatchPerReplica();
  size_t stage = 0;
  for (size_t i = 0; i < setup.stages.size(); ++i) {
    lmp::hardware::FitResult r = solve(setup.stages[i]);
    const int64_t value = solve_prompt ? r.prompt_len : r.batch_size;
    const int64_t best = solve_prompt ? rep.result.prompt_len : rep.result.batch_size;
    if (i == 0 || value < best || (!r.fits && rep.result.fits)) {
      rep.result = std::move(r);
      stage = i;
    }
  }
  // The figures stay per replica (its GPUs' memory); the deployment line
  // says how many sequences all replicas serve.
  d.batch = solve_prompt ? o.scenario.batch_size : std::max<int64_t>(rep.result.batch_size, 1) * replicas;
  if (o.format == "json") {
    Json j = lmp::report::FitJson(rep);
    j["deployment"] = lmp::report::DeploymentJson(d, setup.stages[stage]);
    PrintJson(j);
  } else {
    Print(lmp::report::DeploymentText(d, setup.stages[stage]) + "\n" + lmp::report::FitText(rep));
  }
  return 0;
}

// ---- inspect ---------------------------------------------------------------

void SetupInspect(CLI::App& cmd, Options& o) {
  cmd.add_option("MODEL", o.model, "catalog id or architecture JSON path")->required();
  AddDbOption(cmd, o);
  cmd.add_option("--format", o.format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
}

int RunInspect(Options& o) {
  const lmp::db::ModuleDb db = LoadDb(o);
  const lmp::model::Model model = lmp::model::LoadModel(o.model);
  const lmp::analysis::Plan plan = lmp::analysis::BuildPlan(model, db, o.scenario.profile);
  lmp::analysis::Evaluator ev(plan);
  const int64_t params = ev.Parameters(o.scenario);
  const auto checkpoint = CheckCheckpoint(model, params);
  const lmp::model::CheckpointComparison* ck = checkpoint ? &*checkpoint : nullptr;
  if (o.format == "json") {
    PrintJson(lmp::report::InspectJson(plan, params, ck));
  } else {
    Print(lmp::report::InspectText(plan, params, ck));
  }
  return 0;
}

// ---- models ----------------------------------------------------------------

void SetupModels(CLI::App& cmd, Options& o) {
  cmd.add_option("--format", o.format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
}

int RunModels(Options& o) {
  Json list = Json::array();
  std::string text;
  for (const auto& e : lmp::model::Catalog()) {
    list.push_back({{"id", e.id}, {"description", e.description}});
    text += e.id + "\n";
  }
  if (o.format == "json") {
    PrintJson(list);
  } else {
    Print(text);
  }
  return 0;
}

// ---- module list | show | eval ----------------------------------------------

void SetupModule(CLI::App& cmd, Options& o) {
  cmd.require_subcommand(1);
  o.module_list = cmd.add_subcommand("list", "list the modules in the database");
  o.module_show = cmd.add_subcommand("show", "print a module's entry: parameters, operations, formulas");
  o.module_show->add_option("NAME", o.module_name, "full class name, alias or short name")->required();
  o.module_eval = cmd.add_subcommand("eval", "evaluate a module's formulas at given parameter values");
  o.module_eval->add_option("NAME", o.module_name, "full class name, alias or short name")->required();
  o.module_eval->add_option("ASSIGNMENTS", o.assignments, "NAME=VALUE for each parameter, e.g. N=2048");
  AddBitsOptions(*o.module_eval, o);
  AddProfileOptions(*o.module_eval, o);
  for (CLI::App* sub : {o.module_list, o.module_show, o.module_eval}) {
    AddDbOption(*sub, o);
    sub->add_option("--format", o.format, "table or json")
        ->check(CLI::IsMember({"table", "json"}))
        ->capture_default_str();
  }
  o.module_add = cmd.add_subcommand("add", "add (or replace) the entries of a module database file in the user database");
  o.module_add->add_option("FILE", o.in_file, "an lmp.module-db/1 file")->required();
  AddDbFileOption(*o.module_add, o);
  o.module_remove = cmd.add_subcommand("remove", "remove an entry from the user database");
  o.module_remove->add_option("NAME", o.module_name, "entry key, full class name or alias")->required();
  AddDbFileOption(*o.module_remove, o);
  o.module_import = cmd.add_subcommand("import", "convert the earlier Python system's module_db.json");
  o.module_import->add_option("FILE", o.in_file, "a seed-format module_db.json")->required();
  o.module_import->add_option("-o,--output", o.out_file, "write the converted database here (else into --db-file)");
  AddDbFileOption(*o.module_import, o);
  o.module_analyze = cmd.add_subcommand("analyze", "have an LLM agent write, check and store a module's entry");
  o.module_analyze->add_option("CLASS", o.agent.class_name, "the module's full Python class path")->required();
  o.module_analyze->add_option("--source", o.agent.source_file, "the .py file that defines the class");
  o.module_analyze->add_option("--sub-layers", o.sub_layers,
                               "a composite's sub-layers: name[=class],... (their work is not counted here)");
  o.module_analyze->add_flag("--force", o.agent.force, "analyze even when the database has the class");
  AddAgentOptions(*o.module_analyze, o);
  o.module_trace = cmd.add_subcommand("trace", "derive a module's entry from PyTorch traces and store it");
  o.module_trace->add_option("CLASS", o.trace.class_name, "an importable torch.nn.Module class, e.g. torch.nn.GELU")
      ->required();
  o.module_trace->add_option("--config", o.trace.config_file,
                             "lmp.trace-config/1 file: sizes, constructor arguments, inputs (docs/conventions.md)")
      ->required();
  o.module_trace->add_option("--sub-layers", o.sub_layers,
                             "a composite's sub-modules, name,... or 'all' children (their work is not counted here)");
  o.module_trace->add_flag("--force", o.trace.force, "trace even when the database has the class");
  o.module_trace->add_option("--timeout", o.trace.timeout_s, "seconds; then the tracer is killed")
      ->capture_default_str();
  AddTraceOptions(*o.module_trace, o);
  AddDbFileOption(*o.module_trace, o);
}

// module add | remove | import | analyze: the commands that write.
int RunModuleWrite(Options& o) {
  if (o.module_import->parsed()) {
    const lmp::db::SeedImport r = lmp::db::ImportSeedDb(lmp::LoadJsonFile(o.in_file), o.in_file);
    for (const std::string& p : r.problems) {
      std::fprintf(stderr, "lmp: warning: %s: %s; not converted\n", o.in_file.c_str(), p.c_str());
    }
    if (r.converted.empty()) {
      throw Error(o.in_file, "", "no entry could be converted (" + std::to_string(r.problems.size()) +
                                     " problem(s) above); check that it is the seed module_db.json format");
    }
    const std::string to = o.out_file.empty() ? UserDbFile(o) : o.out_file;
    if (o.out_file.empty()) {
      lmp::db::AddEntries(to, r.doc["modules"]);
    } else {
      lmp::db::WriteFileAtomically(to, r.doc.dump(2) + "\n", /*keep_backup=*/false);
    }
    Print(fmt::format("imported {} of {} entries into {}\n", r.converted.size(),
                      r.converted.size() + r.problems.size(), to));
    return 0;
  }
  if (o.module_trace->parsed()) {
    lmp::agent::TraceOptions t = o.trace;
    t.db_file = UserDbFile(o);
    for (const lmp::agent::SubLayer& s : lmp::agent::ParseSubLayers(o.sub_layers)) t.sub_layers.push_back(s.name);
    const lmp::agent::TraceResult r = lmp::agent::TraceModule(t);
    if (r.cached) {
      Print(fmt::format("{} is already in the database ({}); not traced (--force traces it again)\n",
                        r.full_class_name, r.found_in));
    } else {
      Print(fmt::format("stored {} as {} in {}: {} operation{}, formulas checked at a second set of sizes "
                        "(torch {})\n",
                        r.full_class_name, r.key, t.db_file, r.operations, r.operations == 1 ? "" : "s",
                        r.torch_version));
    }
    return 0;
  }
  if (o.module_analyze->parsed()) {
    lmp::agent::AnalyzeOptions a = AgentOptions(o);
    a.sub_layers = lmp::agent::ParseSubLayers(o.sub_layers);
    const lmp::agent::AnalyzeResult r = lmp::agent::AnalyzeModule(a);
    if (r.cached) {
      Print(fmt::format("{} is already in the database ({}); not analyzed (--force analyzes it again)\n",
                        r.full_class_name, r.found_in));
    } else {
      Print(fmt::format("stored {} as {} in {} after {} (diagnostics: {})\n", r.full_class_name, r.key, a.db_file,
                        RoundsText(r.rounds), r.diagnostics_file));
    }
    return 0;
  }
  const std::string db_file = UserDbFile(o);
  if (o.module_remove->parsed()) {
    lmp::db::RemoveEntry(db_file, o.module_name);
    Print(fmt::format("removed {} from {}\n", o.module_name, db_file));
    return 0;
  }
  // Checked first on its own, on top of the embedded database and the user
  // database, so that faults name FILE; AddEntries checks the result again.
  {
    lmp::db::ModuleDb check = lmp::db::ModuleDb::Embedded();
    lmp::db::AddIfExists(check, db_file);
    check.AddFile(o.in_file);
    check.Check();
  }
  const Json doc = lmp::LoadJsonFile(o.in_file);
  const std::vector<std::string> replaced = lmp::db::AddEntries(db_file, doc["modules"]);
  Print(fmt::format("added {} entr{} to {}{}\n", doc["modules"].size(), doc["modules"].size() == 1 ? "y" : "ies",
                    db_file, replaced.empty() ? "" : " (replaced " + fmt::format("{}", fmt::join(replaced, ", ")) + ")"));
  return 0;
}

int RunModule(Options& o) {
  for (const CLI::App* sub : {o.module_add, o.module_remove, o.module_import, o.module_analyze, o.module_trace}) {
    if (sub->parsed()) return RunModuleWrite(o);
  }
  const lmp::db::ModuleDb db = LoadDb(o);
  if (o.module_list->parsed()) {
    Json list = Json::array();
    std::string text;
    for (const auto& m : db.modules()) {
      list.push_back({{"full_class_name", m->full_class_name},
                      {"key", m->key},
                      {"operations", m->operations.size()},
                      {"file", m->file}});
      text += fmt::format("{:<64} {} op{}\n", m->full_class_name, m->operations.size(),
                          m->operations.size() == 1 ? "" : "s");
    }
    o.format == "json" ? PrintJson(list) : Print(text);
    return 0;
  }
  const lmp::db::Module& m = db.Get(o.module_name);
  if (o.module_show->parsed()) {
    if (o.format == "json") {
      PrintJson(Json{{m.key, m.source}});
      return 0;
    }
    std::string text = fmt::format("{}  (key {}, from {})\n", m.full_class_name, m.key, m.file);
    if (!m.description.empty()) text += "  " + m.description + "\n";
    text += "parameters:\n";
    for (size_t i = 0; i < m.params.size(); ++i) {
      text += fmt::format("  {:<18} {}{}\n", m.params[i].name, m.param_descriptions[i],
                          m.params[i].default_value ? " (default " + m.params[i].default_value->text + ")" : "");
    }
    text += "parameter_count: " + m.parameter_count->text + "\n";
    for (const auto& op : m.operations) {
      std::string profiles;
      for (const std::string& p : op.profiles) profiles += (profiles.empty() ? "; profiles: " : ", ") + p;
      text += fmt::format("operation {} ({}{}):\n", op.name, op.kind, profiles);
      for (int k = 0; k < lmp::db::kNumMetrics; ++k) {
        text += fmt::format("  {:<19} {}\n", lmp::db::MetricName(k), op.metrics[k]->text);
      }
    }
    Print(text);
    return 0;
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const std::string& a : o.assignments) {
    const size_t eq = a.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw Error("", a, "expected NAME=VALUE, e.g. N=2048");
    }
    pairs.emplace_back(a.substr(0, eq), a.substr(eq + 1));
  }
  CheckSramOption(o);
  const auto e = lmp::analysis::EvaluateModule(db, m, pairs, o.scenario);
  o.format == "json" ? PrintJson(lmp::report::ModuleEvalJson(e)) : Print(lmp::report::ModuleEvalText(e));
  return 0;
}

// ---- hardware list | show -----------------------------------------------------

void SetupHardware(CLI::App& cmd, Options& o) {
  cmd.require_subcommand(1);
  o.hardware_list = cmd.add_subcommand("list", "list the devices in the hardware catalog");
  o.hardware_show = cmd.add_subcommand("show", "print a device: memory, bandwidths, peaks, citation");
  o.hardware_show->add_option("NAME", o.hardware, "device name or alias, any case")->required();
  for (CLI::App* sub : {o.hardware_list, o.hardware_show}) {
    AddHardwareFileOption(*sub, o);
    sub->add_option("--format", o.format, "table or json")
        ->check(CLI::IsMember({"table", "json"}))
        ->capture_default_str();
  }
}

int RunHardware(Options& o) {
  const lmp::hardware::Catalog catalog = LoadHardware(o);
  if (o.hardware_list->parsed()) {
    o.format == "json" ? PrintJson(lmp::report::HardwareListJson(catalog))
                       : Print(lmp::report::HardwareListText(catalog));
    return 0;
  }
  const lmp::hardware::Device& d = catalog.Get(o.hardware, "hardware show");
  o.format == "json" ? PrintJson(d.source) : Print(lmp::report::DeviceText(d));
  return 0;
}

// ---- sweep, compare (src/cli/sweep_cmd.cc, src/cli/compare_cmd.cc) ----------

void SetupSweep(CLI::App& cmd, Options& o) { lmp::cli::SetupSweep(cmd, o.sweep); }
void SetupPlan(CLI::App& cmd, Options& o) { lmp::cli::SetupPlan(cmd, o.plan); }
int RunPlan(Options& o) { return lmp::cli::RunPlan(o.plan); }
int RunSweep(Options& o) { return lmp::cli::RunSweep(o.sweep); }
void SetupCompare(CLI::App& cmd, Options& o) { lmp::cli::SetupCompare(cmd, o.compare); }
int RunCompare(Options& o) { return lmp::cli::RunCompare(o.compare); }
void SetupValidate(CLI::App& cmd, Options& o) { lmp::cli::SetupValidate(cmd, o.validate); }
int RunValidate(Options& o) { return lmp::cli::RunValidate(o.validate); }
void SetupRuntime(CLI::App& cmd, Options& o) { lmp::cli::SetupRuntime(cmd, o.runtimes); }
int RunRuntime(Options& o) { return lmp::cli::RunRuntime(o.runtimes); }
void SetupCluster(CLI::App& cmd, Options& o) { lmp::cli::SetupCluster(cmd, o.clusters); }
int RunCluster(Options& o) { return lmp::cli::RunCluster(o.clusters); }

// The subcommand table.
struct Subcommand {
  const char* name;
  const char* description;
  void (*setup)(CLI::App&, Options&);
  int (*run)(Options&);
};

constexpr Subcommand kSubcommands[] = {
    {"analyze", "per-operation FLOPs and bytes of a model for prefill and decode", SetupAnalyze, RunAnalyze},
    {"generate", "one whole request on a device: TTFT, TPOT, end-to-end latency, tokens/s", SetupGenerate,
     RunGenerate},
    {"fit", "the largest batch (or, with --batch, prompt) whose memory footprint fits a device", SetupFit, RunFit},
    {"plan", "the parallel layouts and batches of a model on up to N GPUs: the throughput frontier and the best within "
             "latency limits",
     SetupPlan, RunPlan},
    {"sweep", "whole requests over models x devices x batches x lengths x bits x profiles, as CSV or JSONL rows",
     SetupSweep, RunSweep},
    {"compare", "two requests side by side (--a and --b change the shared options), with ratios", SetupCompare,
     RunCompare},
    {"inspect", "the model's layer tree: classes, repeats, parameters", SetupInspect, RunInspect},
    {"models", "list the embedded model catalog", SetupModels, RunModels},
    {"module", "the module database: list, show, eval; add, remove, import, analyze (an agent writes an entry)",
     SetupModule, RunModule},
    {"hardware", "the hardware catalog: list, show", SetupHardware, RunHardware},
    {"cluster", "the cluster catalog (nodes, NVLink/xGMI/PCIe, NICs) for multi-GPU layouts: list, show", SetupCluster,
     RunCluster},
    {"runtime", "the runtime profiles of the time model: list, show", SetupRuntime, RunRuntime},
    {"validate", "predicted against measured latency and throughput (data/measurements), with error statistics",
     SetupValidate, RunValidate},
};

void PrintError(const Error& e) {
  std::fprintf(stderr, "lmp: error: %s\n", e.Line().c_str());
  if (!e.detail().empty()) std::fprintf(stderr, "%s\n", e.detail().c_str());
}

}  // namespace

int lmp::cli::Main(int argc, char** argv) {
  CLI::App app{"lmp (LM-Predictor): what running a transformer costs, operation by operation", "lmp"};
  app.set_version_flag("--version", std::string("lmp ") + LMP_VERSION);
  app.require_subcommand(1);
  Options options;
  std::vector<std::pair<CLI::App*, const Subcommand*>> commands;
  for (const Subcommand& s : kSubcommands) {
    CLI::App* cmd = app.add_subcommand(s.name, s.description);
    s.setup(*cmd, options);
    commands.emplace_back(cmd, &s);
  }
  // An unknown command word gets a did-you-mean, as ninja does.
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> names;
    for (const Subcommand& s : kSubcommands) names.push_back(s.name);
    if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      std::fprintf(stderr, "lmp: error: unknown command '%s'%s; see 'lmp --help'\n", argv[1],
                   lmp::DidYouMean(argv[1], names).c_str());
      return kExitInput;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "lmp: error: %s; see 'lmp --help'\n", e.what());
    return kExitInput;
  }
  try {
    for (const auto& [cmd, s] : commands) {
      if (cmd->parsed()) return s->run(options);
    }
  } catch (const Error& e) {
    PrintError(e);
    return kExitInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lmp: internal error: %s\n", e.what());
    return 1;
  }
  return 0;
}
