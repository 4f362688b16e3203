#ifndef LMP_UTIL_JSON_FILE_H_
#define LMP_UTIL_JSON_FILE_H_

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace lmp {

using Json = nlohmann::ordered_json;

// The deepest nesting of arrays and objects any input may have.
inline constexpr int kMaxJsonDepth = 256;

// The offset of the first '[' or '{' nested deeper than kMaxJsonDepth in
// `text` (brackets inside strings do not count), or npos.
size_t JsonTooDeepAt(std::string_view text);

// Parses `text` as JSON. On a syntax error, or nesting deeper than
// kMaxJsonDepth, throws lmp::Error naming `file` and the line:column of the
// fault.
Json ParseJson(std::string_view text, const std::string& file);

// Embedded data, checked when lmp was built (lmp_datacheck): parsed without
// ParseJson's depth scan. Never for anything a user gives.
Json ParseTrustedJson(std::string_view text);

// The largest file any lmp input may be: the biggest real one (a module
// database, a transformers modeling file) is under 1 MiB.
inline constexpr size_t kMaxInputBytes = 64 << 20;

// Reads a whole file ("-": standard input; pipes and /dev/stdin work as
// files); throws lmp::Error if it can't be read or holds more than
// kMaxInputBytes (reading stops there: /dev/zero is an error, not a hang).
std::string ReadFile(const std::string& path);

// Reads and parses a JSON file.
Json LoadJsonFile(const std::string& path);

// RFC 6901 escaping of one reference token ("a/b" -> "a~1b").
std::string PointerToken(std::string_view token);

}  // namespace lmp

#endif  // LMP_UTIL_JSON_FILE_H_
