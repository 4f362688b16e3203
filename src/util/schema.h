#ifndef LMP_UTIL_SCHEMA_H_
#define LMP_UTIL_SCHEMA_H_

#include <string>
#include <string_view>

#include "util/json_file.h"

namespace lmp {

// Validates `doc` against the embedded JSON Schema at `schema_path` (relative
// to data/). Throws lmp::Error naming `file` and the JSON pointer of the
// deepest violation.
void ValidateAgainstSchema(const Json& doc, std::string_view schema_path, const std::string& file,
                           std::string_view docs_page);

// Whether a loader validates a file against its schema. The build checks the
// embedded data (tools/datacheck, run by CMake before lmp is built: a broken
// embedded file fails the build with the usual pointed error), so at run time
// the embedded module database and device and runtime catalogs are trusted:
// their schema validation was 69% of a whole `lmp analyze`. User files
// (--db, --hardware-file, --runtime-file) are always checked.
enum class SchemaCheck { kCheck, kTrustEmbedded };

}  // namespace lmp

#endif  // LMP_UTIL_SCHEMA_H_
