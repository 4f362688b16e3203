#ifndef LMP_CLI_USER_DB_OPTIONS_H_
#define LMP_CLI_USER_DB_OPTIONS_H_

// The user module database and what writes to it: the agent (module
// analyze, analyze --analyze-missing agent) and the tracer (module trace,
// analyze --analyze-missing trace). docs/module-db.md, docs/agents.md.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "agent/analyze_module.h"
#include "agent/trace_module.h"
#include "db/module_db.h"
#include "model/model.h"

namespace lmp::cli {

struct UserDbOptions {
  std::string db_file;               // --db-file, else $LMP_DB
  lmp::agent::AnalyzeOptions agent;  // --agent (else $LMP_AGENT), --source, ...
  lmp::agent::TraceOptions trace;    // --python, --init, ...
  std::string trace_config_dir;      // analyze --trace-config DIR
  std::string sub_layers;            // --sub-layers
  std::string analyze_missing;       // analyze --analyze-missing: "", "agent" or "trace"
};

void AddDbFileOption(CLI::App& cmd, UserDbOptions& o);
// --db-file and the agent's options (--agent, --source-root, ...).
void AddAgentOptions(CLI::App& cmd, UserDbOptions& o);
// The options shared by `module trace` and `analyze --analyze-missing trace`.
void AddTraceOptions(CLI::App& cmd, UserDbOptions& o);

// --db-file, else $LMP_DB (docs/module-db.md#the-user-database).
std::string UserDbFile(const UserDbOptions& o);

// The agent's options with --agent (else $LMP_AGENT) and the user database.
lmp::agent::AnalyzeOptions AgentOptions(const UserDbOptions& o);

std::string RoundsText(int n);

// Fills the classes `model` uses that the database lacks, through the agent
// or the tracer (--analyze-missing), reporting each on stderr; returns the
// database (the --db files and the user database) with them.
db::ModuleDb AnalyzeMissing(const UserDbOptions& o, const std::vector<std::string>& db_files,
                            const model::Model& model);

}  // namespace lmp::cli

#endif  // LMP_CLI_USER_DB_OPTIONS_H_
