#include "cli/user_db_options.h"

#include <cstdio>
#include <cstdlib>

#include "analysis/missing.h"
#include "api/request.h"
#include "db/db_store.h"
#include "util/error.h"

namespace lmp::cli {

void AddDbFileOption(CLI::App& cmd, UserDbOptions& o) {
  cmd.add_option("--db-file", o.db_file, "the user module database to write (default: $LMP_DB)");
}

void AddAgentOptions(CLI::App& cmd, UserDbOptions& o) {
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

void AddTraceOptions(CLI::App& cmd, UserDbOptions& o) {
  cmd.add_option("--python", o.trace.python,
                 "the python with PyTorch that runs the tracer (default: $LMP_PYTHON, "
                 "else python3)");
  cmd.add_option("--init", o.trace.init, "KEY=VALUE constructor argument over the config's /init (repeatable)");
}

std::string UserDbFile(const UserDbOptions& o) {
  if (!o.db_file.empty()) return o.db_file;
  if (const char* env = std::getenv("LMP_DB"); env && *env) return env;
  throw Error("", "--db-file", "no user database given; pass --db-file FILE or set LMP_DB");
}

lmp::agent::AnalyzeOptions AgentOptions(const UserDbOptions& o) {
  lmp::agent::AnalyzeOptions a = o.agent;
  if (a.agent_command.empty()) {
    if (const char* env = std::getenv("LMP_AGENT"); env) a.agent_command = env;
  }
  a.db_file = UserDbFile(o);
  return a;
}

std::string RoundsText(int n) { return std::to_string(n) + (n == 1 ? " round" : " rounds"); }

namespace {

// The database with `db_file` layered on, when it exists.
db::ModuleDb LoadDbWithUserFile(const std::vector<std::string>& db_files, const std::string& db_file) {
  db::ModuleDb db = api::LoadDb(db_files);
  if (db::AddIfExists(db, db_file)) db.Check();
  return db;
}

// Traces every class `model` uses that the database lacks, each with its
// config DIR/CLASS.json (--trace-config).
db::ModuleDb TraceMissing(const UserDbOptions& o, const std::vector<std::string>& db_files, const model::Model& model) {
  if (o.trace_config_dir.empty()) {
    throw Error("", "--trace-config",
                "--analyze-missing trace needs --trace-config DIR, holding CLASS.json for "
                "each class to trace (docs/conventions.md#trace-configs)");
  }
  lmp::agent::TraceOptions base = o.trace;
  base.db_file = UserDbFile(o);
  db::ModuleDb db = LoadDbWithUserFile(db_files, base.db_file);
  const std::vector<analysis::MissingModule> missing = analysis::MissingModules(model, db);
  for (const auto& m : missing) {
    lmp::agent::TraceOptions t = base;
    t.class_name = m.class_name;
    t.config_file = o.trace_config_dir + "/" + m.class_name + ".json";
    if (std::FILE* f = std::fopen(t.config_file.c_str(), "r")) {
      std::fclose(f);
    } else {
      throw Error(t.config_file, "",
                  "no trace config for " + m.class_name + " (used at " + m.pointer +
                      "); write one (docs/conventions.md#trace-configs)");
    }
    for (const auto& [name, cls] : m.sub_layers) t.sub_layers.push_back(name);
    std::fprintf(stderr, "lmp: %s is not in the database; tracing it\n", m.class_name.c_str());
    const lmp::agent::TraceResult r = lmp::agent::TraceModule(t);
    std::fprintf(stderr, "lmp: stored %s as %s in %s (%zu operations, torch %s)\n", r.full_class_name.c_str(),
                 r.key.c_str(), t.db_file.c_str(), r.operations, r.torch_version.c_str());
  }
  return missing.empty() ? std::move(db) : LoadDbWithUserFile(db_files, base.db_file);
}

}  // namespace

db::ModuleDb AnalyzeMissing(const UserDbOptions& o, const std::vector<std::string>& db_files,
                            const model::Model& model) {
  if (o.analyze_missing == "trace") return TraceMissing(o, db_files, model);
  const lmp::agent::AnalyzeOptions base = AgentOptions(o);
  db::ModuleDb db = LoadDbWithUserFile(db_files, base.db_file);
  const std::vector<analysis::MissingModule> missing = analysis::MissingModules(model, db);
  for (const auto& m : missing) {
    lmp::agent::AnalyzeOptions a = base;
    a.class_name = m.class_name;
    for (const auto& [name, cls] : m.sub_layers) a.sub_layers.push_back({name, cls});
    std::fprintf(stderr, "lmp: %s is not in the database; asking the agent\n", m.class_name.c_str());
    const lmp::agent::AnalyzeResult r = lmp::agent::AnalyzeModule(a);
    std::fprintf(stderr, "lmp: stored %s as %s in %s after %s\n", r.full_class_name.c_str(), r.key.c_str(),
                 a.db_file.c_str(), RoundsText(r.rounds).c_str());
  }
  return missing.empty() ? std::move(db) : LoadDbWithUserFile(db_files, base.db_file);
}

}  // namespace lmp::cli
