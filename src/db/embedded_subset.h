#ifndef LMP_DB_EMBEDDED_SUBSET_H_
#define LMP_DB_EMBEDDED_SUBSET_H_

// Loading only the part of the embedded module database a request reaches
// (issue 16): the files that define the model's classes and, transitively,
// the modules their formulas call.

#include <string>
#include <vector>

#include "db/module_db.h"

namespace lmp::db {

// The embedded database restricted to the files (data/modules/*.json) that
// define `names` and every module they call, transitively, added in the
// embedded order. A file "defines" a name when its text holds it as a
// JSON string or as the last part of a dotted one ("Linear" in
// "torch.nn.Linear"), so every candidate of a short name is loaded and
// lookups of any reached name find what they find in the whole database:
// the same module, the same ambiguity. When a name is defined nowhere, the
// whole database is returned, so that its "unknown module" error lists every
// module as before. Embedded data is trusted (checked at build time).
ModuleDb EmbeddedModulesFor(const std::vector<std::string>& names);

// The module names a module's formulas call (${Name}), in order of appearance.
std::vector<std::string> CalledNames(const Module& m);

}  // namespace lmp::db

#endif  // LMP_DB_EMBEDDED_SUBSET_H_
