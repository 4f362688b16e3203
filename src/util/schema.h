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

}  // namespace lmp

#endif  // LMP_UTIL_SCHEMA_H_
