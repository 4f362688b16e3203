#include "util/json_file.h"

#include <fstream>
#include <sstream>

#include "util/error.h"

namespace lmp {

Json ParseJson(std::string_view text, const std::string& file) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    // e.byte is 1-based and points just past the offending character.
    size_t offset = e.byte == 0 ? 0 : e.byte - 1;
    if (offset > text.size()) offset = text.size();
    size_t line = 1, col = 1;
    for (size_t i = 0; i < offset; ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    std::string what = e.what();
    // nlohmann's text is "[json.exception.parse_error.101] parse error at
    // line 1, column 2: syntax error while parsing value - ..."; keep the tail.
    const size_t colon = what.find(": ");
    if (colon != std::string::npos) what = what.substr(colon + 2);
    return [&]() -> Json {
      throw Error(file, std::to_string(line) + ":" + std::to_string(col),
                  "invalid JSON: " + what + "; fix the syntax at this place");
    }();
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path, "", "cannot open file; check the path");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw Error(path, "", "cannot read file");
  return ss.str();
}

Json LoadJsonFile(const std::string& path) { return ParseJson(ReadFile(path), path); }

std::string PointerToken(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

}  // namespace lmp
