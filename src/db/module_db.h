#ifndef LMP_DB_MODULE_DB_H_
#define LMP_DB_MODULE_DB_H_

#include <array>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "formula/ast.h"
#include "formula/compiler.h"
#include "util/json_file.h"
#include "util/schema.h"

namespace lmp::db {

// The six figures every operation has; reads and writes are bytes.
enum Metric : int {
  kFlops,
  kReadsWeights,
  kReadsActivations,
  kReadsKvCache,
  kWritesActivations,
  kWritesKvCache,
  kNumMetrics,
};
// "flops", "reads.weights", ...
const char* MetricName(int metric);

// Names every module formula may use besides its own parameters: the
// scenario's element sizes, in bits and in bytes (0.5 for 4-bit), then
// sram_bytes, the on-chip SRAM one attention thread block may use. Each must
// also be an analysis input name (analysis::InputNames()).
const std::vector<std::string>& ScenarioGlobalNames();

struct Operation {
  std::string name;
  std::string kind;
  std::string description;
  std::vector<std::string> profiles;  // empty: every profile
  // The operation reads cached entries that an earlier operation of the same
  // step already read (MLA's value pass over the latent its score pass read):
  // real traffic, but not more cache held, so the footprint skips it.
  bool kv_cache_reread = false;
  std::array<std::shared_ptr<const formula::Formula>, kNumMetrics> metrics;
  std::string pointer;  // JSON pointer of the operation in its file

  bool RunsIn(std::string_view profile) const;
};

struct Module {
  std::string key;  // library_ClassName, the key in the file
  std::string full_class_name;
  std::vector<std::string> aliases;
  std::string description;
  std::vector<formula::ParamDecl> params;
  std::vector<std::string> param_descriptions;  // parallel to params
  std::shared_ptr<const formula::Formula> parameter_count;
  std::vector<Operation> operations;
  std::string file;     // where it was loaded from
  std::string pointer;  // "/modules/<key>"
  Json source;          // the entry as written, for `module show` and saving
};

// What a name lookup found: one module, or the candidates when a short name
// is ambiguous, or nothing.
struct Lookup {
  const Module* module = nullptr;
  std::vector<const Module*> ambiguous;
};

// The module database: the single source of truth for how each module's work
// is counted. Files are layered: an entry whose full class name (or key) is
// already present replaces the earlier one. Formulas are parsed when a file
// is added and checked together by Check(), since a later file may supply a
// module an earlier one calls.
class ModuleDb {
 public:
  // The embedded default database, loaded and checked.
  static ModuleDb Embedded(SchemaCheck check = SchemaCheck::kTrustEmbedded);

  // Adds entries from JSON text; throws lmp::Error naming `file` and the
  // JSON pointer (and column, for formulas) of the first fault.
  void AddText(std::string_view text, const std::string& file, SchemaCheck check = SchemaCheck::kCheck);
  void AddFile(const std::string& path);

  // Checks every formula: parameters declared, calls resolvable with the
  // right arguments, no call cycles. Throws lmp::Error at the first fault.
  void Check() const;

  // By full class name, alias, key, or unambiguous short class name.
  Lookup Find(std::string_view name) const;
  // As Find, but throws lmp::Error (without a file) for unknown or ambiguous
  // names, with a did-you-mean or the candidates.
  const Module& Get(std::string_view name) const;

  const std::vector<std::unique_ptr<Module>>& modules() const { return modules_; }

 private:
  void Add(std::unique_ptr<Module> m);
  void Reindex();
  std::vector<std::string> AllNames() const;

  std::vector<std::unique_ptr<Module>> modules_;
  std::map<std::string, const Module*, std::less<>> exact_;  // full name, alias, key
  std::map<std::string, std::vector<const Module*>, std::less<>> short_;
};

// Parses one module entry (exposed for the tests and `module add`).
std::unique_ptr<Module> ParseModule(const std::string& key, const Json& entry, const std::string& file);

}  // namespace lmp::db

#endif  // LMP_DB_MODULE_DB_H_
