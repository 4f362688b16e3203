#ifndef LMP_DB_SEED_IMPORT_H_
#define LMP_DB_SEED_IMPORT_H_

#include <string>
#include <vector>

#include "util/json_file.h"

namespace lmp::db {

// The earlier Python system's module_db.json, converted to lmp.module-db/1
// (docs/module-db.md#importing-the-seed-format).
struct SeedImport {
  Json doc;                           // the converted entries, checked: loads on top of the embedded database
  std::vector<std::string> converted;  // their keys
  // One line per entry that could not be converted: "/KEY: why".
  std::vector<std::string> problems;
};

// `seed` is the seed file's document: {key: entry, ...}, or the same under
// "modules". Each entry becomes one operation "forward" (flop_analysis.
// calculation_formula; reads and writes as activations), plus an operation
// "intermediates" (written once, read once) when its intermediates formula
// is not 0. ${p} placeholders become {p}; placeholders used but not declared
// are declared; *dtype_bytes parameters default to the scenario's element
// size. parameter_count is 0 (the format has none). generated_file_name,
// generated_class_name, code_location and the key are kept in provenance.
// Throws lmp::Error naming `file` only when the document is not an object.
SeedImport ImportSeedDb(const Json& seed, const std::string& file);

}  // namespace lmp::db

#endif  // LMP_DB_SEED_IMPORT_H_
