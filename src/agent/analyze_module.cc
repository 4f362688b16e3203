#include "agent/analyze_module.h"


#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>

#include "agent/class_source.h"
#include "agent/extract_json.h"
#include "agent/request.h"
#include "agent/subprocess.h"
#include "db/db_store.h"
#include "db/module_db.h"
#include "util/error.h"

namespace lmp::agent {
namespace {

std::string Today() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}

std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

std::string LastLine(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  const size_t nl = s.rfind('\n');
  return nl == std::string::npos ? s : s.substr(nl + 1);
}

void AppendDiagnostics(const std::string& path, const Json& record) {
  std::ofstream out(path, std::ios::app);
  if (!out) throw Error(path, "", "cannot write the diagnostics file; check " + Opt("diagnostics"));
  out << record.dump() << "\n";
}

void CheckOptions(const AnalyzeOptions& o) {
  if (o.agent_command.empty()) {
    throw Error::Option(
        "agent", "no agent command; give " + Opt("agent") + " \"COMMAND\" or set LMP_AGENT (see docs/agents.md)");
  }
  if (o.db_file.empty()) {
    throw Error::Option("db_file", "no database to store the entry in; give " + Opt("db_file") + " FILE or set LMP_DB");
  }
  if (o.max_rounds < 1) throw Error::Option("max_rounds", "must be at least 1");
  if (!(o.timeout_s > 0) || !std::isfinite(o.timeout_s))
    throw Error::Option("timeout", "must be a positive number of seconds");
}

}  // namespace

std::string DefaultDiagnosticsFile(const std::string& db_file) { return db_file + ".diagnostics.jsonl"; }

AnalyzeResult AnalyzeModule(const AnalyzeOptions& o) {
  CheckOptions(o);
  AnalyzeResult result;
  result.diagnostics_file = o.diagnostics_file.empty() ? DefaultDiagnosticsFile(o.db_file) : o.diagnostics_file;
  if (!o.force) {
    db::ModuleDb db = db::ModuleDb::Embedded();
    db::AddIfExists(db, o.db_file);
    if (const db::Lookup found = db.Find(o.class_name); found.module) {
      result.cached = true;
      result.found_in = found.module->file;
      result.key = found.module->key;
      result.full_class_name = found.module->full_class_name;
      return result;
    }
  }
  RequestInput in;
  in.class_name = o.class_name;
  in.source = FindClassSource(o.class_name, o.source_file, o.source_root);
  in.sub_layers = o.sub_layers;
  in.max_rounds = o.max_rounds;
  const EntryCheckContext ctx{o.class_name, o.sub_layers, o.db_file};
  std::string last_error;
  for (int round = 1; round <= o.max_rounds; ++round) {
    in.round = round;
    const Json request = BuildRequest(in);
    const CommandResult run = RunShellCommand(o.agent_command, request.dump(2) + "\n", o.timeout_s);
    Json record = {{"class", o.class_name}, {"round", round},       {"request", request},
                   {"answer", run.out},     {"stderr", run.err},    {"exit_code", run.exit_code},
                   {"timed_out", run.timed_out}};
    const std::string where = "diagnostics in " + result.diagnostics_file;
    if (run.timed_out || run.exit_code != 0) {
      const std::string what =
          run.timed_out ? "timed out after " + Seconds(o.timeout_s) + " and was killed"
                        : (run.term_signal ? "was killed by signal " + std::to_string(run.term_signal)
                                           : "exited with status " + std::to_string(run.exit_code));
      record["errors"] = Json::array({"agent command " + what});
      AppendDiagnostics(result.diagnostics_file, record);
      const std::string tail = LastLine(run.err);
      throw Error::Option(
          "agent", "agent command " + what + " (round " + std::to_string(round) + " for " + o.class_name + ")" +
                       (tail.empty() ? "" : ": " + tail) +
                       (run.timed_out ? "; raise " + Opt("timeout") + " or check the command" : "; check the command") +
                       "; " + where);
    }
    std::vector<std::string> errors;
    CheckedEntry entry;
    std::string why;
    if (const auto answer = ExtractJsonObject(run.out, &why)) {
      errors = CheckAgentAnswer(*answer, ctx, &entry);
    } else {
      errors = {why};
    }
    record["errors"] = errors;
    AppendDiagnostics(result.diagnostics_file, record);
    if (errors.empty()) {
      entry.entry["provenance"] = {{"author", "agent"},
                                   {"source", in.source.file.empty() ? "(no source given)" : in.source.file},
                                   {"agent_command", o.agent_command},
                                   {"rounds", round},
                                   {"date", Today()}};
      db::AddEntries(o.db_file, Json{{entry.key, entry.entry}});
      result.key = entry.key;
      result.full_class_name = entry.entry["full_class_name"].get<std::string>();
      result.rounds = round;
      return result;
    }
    last_error = FirstLine(errors.front()) + (errors.size() > 1 ? " (and " + std::to_string(errors.size() - 1) + " more)" : "");
    in.previous_answer = run.out;
    in.errors = errors;
  }
  throw Error("", o.class_name, "the agent gave no valid entry in " + std::to_string(o.max_rounds) +
                                    " round(s); last fault: " + last_error + "; diagnostics in " +
                                    result.diagnostics_file + "; the database is unchanged");
}

}  // namespace lmp::agent
