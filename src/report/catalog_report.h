#ifndef LMP_REPORT_CATALOG_REPORT_H_
#define LMP_REPORT_CATALOG_REPORT_H_

// The listings of the embedded catalogs and the module database: `lmp
// models`, `lmp module list` and `lmp module show`.

#include <string>
#include <vector>

#include "db/module_db.h"
#include "model/model.h"
#include "util/json_file.h"

namespace lmp::report {

// One id per line; JSON: [{"id", "description"}, ...].
std::string ModelsText(const std::vector<model::CatalogEntry>& catalog);
Json ModelsJson(const std::vector<model::CatalogEntry>& catalog);

// One module per line: its class and operation count; JSON: [{"full_class_name",
// "key", "operations", "file"}, ...].
std::string ModuleListText(const db::ModuleDb& db);
Json ModuleListJson(const db::ModuleDb& db);

// A module's entry: parameters with their defaults, and every operation's
// formulas. JSON: {key: the entry as written}.
std::string ModuleShowText(const db::Module& m);
Json ModuleShowJson(const db::Module& m);

}  // namespace lmp::report

#endif  // LMP_REPORT_CATALOG_REPORT_H_
