#include "cli/module_cmd.h"

#include "analysis/module_eval.h"
#include "api/request.h"
#include "cli/output_options.h"
#include "report/catalog_report.h"
#include "report/report.h"
#include "util/error.h"

namespace lmp::cli {

void SetupModule(CLI::App& cmd, ModuleCmdOptions& o) {
  cmd.require_subcommand(1);
  o.list = cmd.add_subcommand("list", "list the modules in the database");
  o.show = cmd.add_subcommand("show", "print a module's entry: parameters, operations, formulas");
  o.show->add_option("NAME", o.name, "full class name, alias or short name")->required();
  o.eval = cmd.add_subcommand("eval", "evaluate a module's formulas at given parameter values");
  o.eval->add_option("NAME", o.name, "full class name, alias or short name")->required();
  o.eval->add_option("ASSIGNMENTS", o.assignments, "NAME=VALUE for each parameter, e.g. N=2048");
  AddBitsOptions(*o.eval, o.scenario);
  AddProfileOptions(*o.eval, o.scenario, o.flags);
  for (CLI::App* sub : {o.list, o.show, o.eval}) {
    AddDbOption(*sub, o.db_files);
    AddFormatOption(*sub, o.format, {"table", "json"}, "table or json");
  }
  o.add = cmd.add_subcommand("add", "add (or replace) the entries of a module database file in the user database");
  o.add->add_option("FILE", o.in_file, "an lmp.module-db/1 file")->required();
  AddDbFileOption(*o.add, o.user_db);
  o.remove = cmd.add_subcommand("remove", "remove an entry from the user database");
  o.remove->add_option("NAME", o.name, "entry key, full class name or alias")->required();
  AddDbFileOption(*o.remove, o.user_db);
  o.import = cmd.add_subcommand("import", "convert the earlier Python system's module_db.json");
  o.import->add_option("FILE", o.in_file, "a seed-format module_db.json")->required();
  o.import->add_option("-o,--output", o.out_file, "write the converted database here (else into --db-file)");
  AddDbFileOption(*o.import, o.user_db);
  lmp::agent::AnalyzeOptions& agent = o.user_db.agent;
  o.analyze = cmd.add_subcommand("analyze", "have an LLM agent write, check and store a module's entry");
  o.analyze->add_option("CLASS", agent.class_name, "the module's full Python class path")->required();
  o.analyze->add_option("--source", agent.source_file, "the .py file that defines the class");
  o.analyze->add_option("--sub-layers", o.user_db.sub_layers,
                        "a composite's sub-layers: name[=class],... (their work is not counted here)");
  o.analyze->add_flag("--force", agent.force, "analyze even when the database has the class");
  AddAgentOptions(*o.analyze, o.user_db);
  lmp::agent::TraceOptions& trace = o.user_db.trace;
  o.trace = cmd.add_subcommand("trace", "derive a module's entry from PyTorch traces and store it");
  o.trace->add_option("CLASS", trace.class_name, "an importable torch.nn.Module class, e.g. torch.nn.GELU")->required();
  o.trace
      ->add_option("--config", trace.config_file,
                   "lmp.trace-config/1 file: sizes, constructor arguments, inputs (docs/conventions.md)")
      ->required();
  o.trace->add_option("--sub-layers", o.user_db.sub_layers,
                      "a composite's sub-modules, name,... or 'all' children (their work is not counted here)");
  o.trace->add_flag("--force", trace.force, "trace even when the database has the class");
  o.trace->add_option("--timeout", trace.timeout_s, "seconds; then the tracer is killed")->capture_default_str();
  AddTraceOptions(*o.trace, o.user_db);
  AddDbFileOption(*o.trace, o.user_db);
}

int RunModule(ModuleCmdOptions& o) {
  for (const CLI::App* sub : {o.add, o.remove, o.import, o.analyze, o.trace}) {
    if (sub->parsed()) return RunModuleWrite(o);
  }
  const db::ModuleDb db = api::LoadDb(o.db_files);
  const bool json = o.format == "json";
  if (o.list->parsed()) {
    json ? PrintJson(report::ModuleListJson(db)) : Print(report::ModuleListText(db));
    return 0;
  }
  const db::Module& m = db.Get(o.name);
  if (o.show->parsed()) {
    json ? PrintJson(report::ModuleShowJson(m)) : Print(report::ModuleShowText(m));
    return 0;
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const std::string& a : o.assignments) {
    const size_t eq = a.find('=');
    if (eq == std::string::npos || eq == 0) throw Error("", a, "expected NAME=VALUE, e.g. N=2048");
    pairs.emplace_back(a.substr(0, eq), a.substr(eq + 1));
  }
  CheckSramOption(o.flags, o.scenario);
  const auto e = analysis::EvaluateModule(db, m, pairs, o.scenario);
  json ? PrintJson(report::ModuleEvalJson(e)) : Print(report::ModuleEvalText(e));
  return 0;
}

}  // namespace lmp::cli
