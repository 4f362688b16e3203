#ifndef LMP_AGENT_EXTRACT_JSON_H_
#define LMP_AGENT_EXTRACT_JSON_H_

#include <optional>
#include <string>
#include <string_view>

#include "util/json_file.h"

namespace lmp::agent {

// The JSON object in an agent's answer. Agents wrap JSON in prose and
// Markdown fences, so this tries, in order: the whole text; the body of each
// ``` fence (```json or bare); each balanced {...} span (string-aware) from
// the first '{', longest first. The first that parses as an object wins.
// nullopt when none does; `why` then says what was seen.
std::optional<Json> ExtractJsonObject(std::string_view text, std::string* why);

}  // namespace lmp::agent

#endif  // LMP_AGENT_EXTRACT_JSON_H_
