#ifndef LMP_AGENT_ANALYZE_MODULE_H_
#define LMP_AGENT_ANALYZE_MODULE_H_

#include <string>
#include <vector>

#include "agent/check_entry.h"

namespace lmp::agent {

struct AnalyzeOptions {
  std::string class_name;     // full class path (or a short name: then the agent picks the path)
  std::string agent_command;  // run with /bin/sh -c
  std::string source_file;    // --source
  std::string source_root;    // --source-root
  std::vector<SubLayer> sub_layers;
  bool force = false;  // analyze even when the database has the class
  int max_rounds = 3;
  double timeout_s = 120;
  std::string db_file;           // the user database the entry is stored in
  std::string diagnostics_file;  // "": DefaultDiagnosticsFile(db_file)
};

struct AnalyzeResult {
  bool cached = false;  // the database already had the class; no agent ran
  std::string found_in;  // cached: the file of the entry
  std::string key;
  std::string full_class_name;
  int rounds = 0;
  std::string diagnostics_file;
};

// DB + ".diagnostics.jsonl".
std::string DefaultDiagnosticsFile(const std::string& db_file);

// Cache-first agent analysis of one module class (docs/agents.md): unless
// `force`, a class the embedded database or `db_file` already has is not
// analyzed. Otherwise the agent is asked, its answer checked
// (CheckAgentAnswer), and on faults asked again with them, up to
// `max_rounds`; a valid entry is stored in `db_file` with provenance through
// db::AddEntries (locked, validated, atomic). Each round's request, answer
// and faults are appended to the diagnostics file, never to the database.
// Throws lmp::Error when the agent times out, exits non-zero, or gives no
// valid entry in `max_rounds`; the database is then untouched.
AnalyzeResult AnalyzeModule(const AnalyzeOptions& options);

}  // namespace lmp::agent

#endif  // LMP_AGENT_ANALYZE_MODULE_H_
