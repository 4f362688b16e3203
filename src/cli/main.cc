// lmp: the command-line front end. The subcommand table only: each
// command's options and work live in its own *_cmd.cc. Every input error
// ends here as one line on stderr and exit code 2.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "cli/analyze_cmd.h"
#include "cli/catalog_cmd.h"
#include "cli/cli_main.h"
#include "cli/cluster_cmd.h"
#include "cli/common.h"
#include "cli/compare_cmd.h"
#include "cli/fit_cmd.h"
#include "cli/generate_cmd.h"
#include "cli/inspect_cmd.h"
#include "cli/module_cmd.h"
#include "cli/plan_cmd.h"
#include "cli/sweep_cmd.h"
#include "cli/validate_cmd.h"
#include "util/error.h"
#include "util/suggest.h"

namespace lmp::cli {
namespace {

constexpr int kExitInput = 2;

// Every command's options; only the parsed command's are read.
struct Commands {
  AnalyzeCmdOptions analyze;
  GenerateCmdOptions generate;
  FitCmdOptions fit;
  PlanOptions plan;
  SweepOptions sweep;
  CompareOptions compare;
  InspectCmdOptions inspect;
  ModelsCmdOptions models;
  ModuleCmdOptions module;
  HardwareCmdOptions hardware;
  ClusterOptions cluster;
  RuntimeListOptions runtime;
  ValidateOptions validate;
};

struct Subcommand {
  const char* name;
  const char* description;
  void (*setup)(CLI::App&, Commands&);
  int (*run)(Commands&);
};

// An entry binding a command's Setup and Run to its options in Commands.
template <auto Field, auto Setup, auto Run>
constexpr Subcommand Command(const char* name, const char* description) {
  return {name, description, [](CLI::App& cmd, Commands& c) { Setup(cmd, c.*Field); },
          [](Commands& c) { return Run(c.*Field); }};
}

constexpr Subcommand kSubcommands[] = {
    Command<&Commands::analyze, SetupAnalyze, RunAnalyze>(
        "analyze", "per-operation FLOPs and bytes of a model for prefill and decode"),
    Command<&Commands::generate, SetupGenerate, RunGenerate>(
        "generate", "one whole request on a device: TTFT, TPOT, end-to-end latency, tokens/s"),
    Command<&Commands::fit, SetupFit, RunFit>(
        "fit", "the largest batch (or, with --batch, prompt) whose memory footprint fits a device"),
    Command<&Commands::plan, SetupPlan, RunPlan>(
        "plan",
        "the parallel layouts and batches of a model on up to N GPUs: the throughput frontier and the best within "
        "latency limits"),
    Command<&Commands::sweep, SetupSweep, RunSweep>(
        "sweep", "whole requests over models x devices x batches x lengths x bits x profiles, as CSV or JSONL rows"),
    Command<&Commands::compare, SetupCompare, RunCompare>(
        "compare", "two requests side by side (--a and --b change the shared options), with ratios"),
    Command<&Commands::inspect, SetupInspect, RunInspect>("inspect",
                                                          "the model's layer tree: classes, repeats, parameters"),
    Command<&Commands::models, SetupModels, RunModels>("models", "list the embedded model catalog"),
    Command<&Commands::module, SetupModule, RunModule>(
        "module", "the module database: list, show, eval; add, remove, import, analyze (an agent writes an entry)"),
    Command<&Commands::hardware, SetupHardware, RunHardware>("hardware", "the hardware catalog: list, show"),
    Command<&Commands::cluster, SetupCluster, RunCluster>(
        "cluster", "the cluster catalog (nodes, NVLink/xGMI/PCIe, NICs) for multi-GPU layouts: list, show"),
    Command<&Commands::runtime, SetupRuntime, RunRuntime>("runtime",
                                                          "the runtime profiles of the time model: list, show"),
    Command<&Commands::validate, SetupValidate, RunValidate>(
        "validate", "predicted against measured latency and throughput (data/measurements), with error statistics"),
};

void PrintError(const Error& e) {
  std::fprintf(stderr, "lmp: error: %s\n", ErrorLine(e).c_str());
  if (!e.detail().empty()) std::fprintf(stderr, "%s\n", e.detail().c_str());
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{"lmp (LM-Predictor): what running a transformer costs, operation by operation", "lmp"};
  app.set_version_flag("--version", std::string("lmp ") + LMP_VERSION);
  app.require_subcommand(1);
  Commands options;
  std::vector<std::pair<CLI::App*, const Subcommand*>> commands;
  // Only the command named gets its options (the others' are never read,
  // and setting them all up was half of `lmp --version`'s start-up); `lmp
  // --help` lists the commands by their descriptions alone.
  const std::string named = argc > 1 ? argv[1] : "";
  for (const Subcommand& s : kSubcommands) {
    CLI::App* cmd = app.add_subcommand(s.name, s.description);
    if (named == s.name) s.setup(*cmd, options);
    commands.emplace_back(cmd, &s);
  }
  // An unknown command word gets a did-you-mean, as ninja does.
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> names;
    for (const Subcommand& s : kSubcommands) names.push_back(s.name);
    if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      std::fprintf(stderr, "lmp: error: unknown command '%s'%s; see 'lmp --help'\n", argv[1],
                   DidYouMean(argv[1], names).c_str());
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

}  // namespace lmp::cli
