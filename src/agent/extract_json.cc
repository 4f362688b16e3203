#include "agent/extract_json.h"

#include <vector>

namespace lmp::agent {
namespace {

std::optional<Json> TryObject(std::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_object()) return j;
  return std::nullopt;
}

// The end (one past) of the balanced object starting at text[begin] == '{',
// or npos. Braces inside JSON strings do not count.
size_t BalancedEnd(std::string_view text, size_t begin) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = begin; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{') ++depth;
    else if (c == '}' && --depth == 0) return i + 1;
  }
  return std::string_view::npos;
}

}  // namespace

std::optional<Json> ExtractJsonObject(std::string_view text, std::string* why) {
  if (auto j = TryObject(text)) return j;
  for (size_t open = text.find("```"); open != std::string_view::npos;) {
    const size_t body = text.find('\n', open);
    if (body == std::string_view::npos) break;
    const size_t close = text.find("```", body);
    if (close == std::string_view::npos) break;
    if (auto j = TryObject(text.substr(body + 1, close - body - 1))) return j;
    open = text.find("```", close + 3);
  }
  for (size_t b = text.find('{'); b != std::string_view::npos; b = text.find('{', b + 1)) {
    const size_t e = BalancedEnd(text, b);
    if (e == std::string_view::npos) continue;
    if (auto j = TryObject(text.substr(b, e - b))) return j;
  }
  if (why) {
    *why = text.find('{') == std::string_view::npos
               ? "the answer contains no JSON object (no '{'); answer with one JSON object"
               : "no '{...}' span in the answer parses as JSON; answer with one valid JSON object, no comments or trailing commas";
  }
  return std::nullopt;
}

}  // namespace lmp::agent
