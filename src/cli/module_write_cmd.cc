// lmp module add | remove | import | analyze | trace: the commands that
// write the user database (docs/module-db.md#the-user-database).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdio>

#include "cli/module_cmd.h"
#include "cli/output_options.h"
#include "db/db_store.h"
#include "db/module_db.h"
#include "db/seed_import.h"
#include "util/error.h"

namespace lmp::cli {
namespace {

int RunImport(const ModuleCmdOptions& o) {
  const db::SeedImport r = db::ImportSeedDb(LoadJsonFile(o.in_file), o.in_file);
  for (const std::string& p : r.problems) {
    std::fprintf(stderr, "lmp: warning: %s: %s; not converted\n", o.in_file.c_str(), p.c_str());
  }
  if (r.converted.empty()) {
    throw Error(o.in_file, "",
                "no entry could be converted (" + std::to_string(r.problems.size()) +
                    " problem(s) above); check that it is the seed module_db.json format");
  }
  const std::string to = o.out_file.empty() ? UserDbFile(o.user_db) : o.out_file;
  if (o.out_file.empty()) {
    db::AddEntries(to, r.doc["modules"]);
  } else {
    db::WriteFileAtomically(to, r.doc.dump(2) + "\n", /*keep_backup=*/false);
  }
  Print(fmt::format("imported {} of {} entries into {}\n", r.converted.size(), r.converted.size() + r.problems.size(),
                    to));
  return 0;
}

int RunTrace(const ModuleCmdOptions& o) {
  lmp::agent::TraceOptions t = o.user_db.trace;
  t.db_file = UserDbFile(o.user_db);
  for (const lmp::agent::SubLayer& s : lmp::agent::ParseSubLayers(o.user_db.sub_layers)) t.sub_layers.push_back(s.name);
  const lmp::agent::TraceResult r = lmp::agent::TraceModule(t);
  if (r.cached) {
    Print(fmt::format("{} is already in the database ({}); not traced (--force traces it again)\n", r.full_class_name,
                      r.found_in));
  } else {
    Print(
        fmt::format("stored {} as {} in {}: {} operation{}, formulas checked at a second set of sizes "
                    "(torch {})\n",
                    r.full_class_name, r.key, t.db_file, r.operations, r.operations == 1 ? "" : "s", r.torch_version));
  }
  return 0;
}

int RunAgent(const ModuleCmdOptions& o) {
  lmp::agent::AnalyzeOptions a = AgentOptions(o.user_db);
  a.sub_layers = lmp::agent::ParseSubLayers(o.user_db.sub_layers);
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

int RunAdd(const ModuleCmdOptions& o, const std::string& db_file) {
  // Checked first on its own, on top of the embedded database and the user
  // database, so that faults name FILE; AddEntries checks the result again.
  {
    db::ModuleDb check = db::ModuleDb::Embedded();
    db::AddIfExists(check, db_file);
    check.AddFile(o.in_file);
    check.Check();
  }
  const Json doc = LoadJsonFile(o.in_file);
  const std::vector<std::string> replaced = db::AddEntries(db_file, doc["modules"]);
  Print(fmt::format("added {} entr{} to {}{}\n", doc["modules"].size(), doc["modules"].size() == 1 ? "y" : "ies",
                    db_file,
                    replaced.empty() ? "" : " (replaced " + fmt::format("{}", fmt::join(replaced, ", ")) + ")"));
  return 0;
}

}  // namespace

int RunModuleWrite(ModuleCmdOptions& o) {
  if (o.import->parsed()) return RunImport(o);
  if (o.trace->parsed()) return RunTrace(o);
  if (o.analyze->parsed()) return RunAgent(o);
  const std::string db_file = UserDbFile(o.user_db);
  if (o.remove->parsed()) {
    db::RemoveEntry(db_file, o.name);
    Print(fmt::format("removed {} from {}\n", o.name, db_file));
    return 0;
  }
  return RunAdd(o, db_file);
}

}  // namespace lmp::cli
