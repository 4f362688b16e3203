#include "util/json_file.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "util/error.h"

namespace lmp {

namespace {

// "line:col" of byte `offset` in `text`, both 1-based.
std::string LineCol(std::string_view text, size_t offset) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return std::to_string(line) + ":" + std::to_string(col);
}

}  // namespace

size_t JsonTooDeepAt(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::string_view::npos;
}

Json ParseTrustedJson(std::string_view text) { return Json::parse(text.begin(), text.end()); }

Json ParseJson(std::string_view text, const std::string& file) {
  // Deeper documents would exhaust the stack in the recursive parts of the
  // JSON library (copies, destruction) and of the schema validator.
  if (const size_t at = JsonTooDeepAt(text); at != std::string_view::npos) {
    throw Error(file, LineCol(text, at),
                "JSON nested more than " + std::to_string(kMaxJsonDepth) + " levels deep; no lmp input needs that");
  }
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    // e.byte is 1-based and points just past the offending character.
    const size_t offset = e.byte == 0 ? 0 : e.byte - 1;
    std::string what = e.what();
    // nlohmann's text is "[json.exception.parse_error.101] parse error at
    // line 1, column 2: syntax error while parsing value - ..."; keep the tail.
    const size_t colon = what.find(": ");
    if (colon != std::string::npos) what = what.substr(colon + 2);
    return [&]() -> Json {
      throw Error(file, LineCol(text, offset),
                  "invalid JSON: " + what + "; fix the syntax at this place");
    }();
  } catch (const Json::out_of_range& e) {
    // A number beyond a double (1e999): "[json.exception.out_of_range.406]
    // number overflow parsing '1e999'". It carries no position; the
    // literal's first occurrence gives one.
    std::string what = e.what();
    if (const size_t sp = what.find("] "); sp != std::string::npos) what = what.substr(sp + 2);
    size_t at = std::string_view::npos;
    if (const size_t q = what.find('\''); q != std::string::npos) {
      const size_t end = what.find('\'', q + 1);
      if (end != std::string::npos) at = text.find(std::string_view(what).substr(q + 1, end - q - 1));
    }
    return [&]() -> Json {
      throw Error(file, at == std::string_view::npos ? "" : LineCol(text, at),
                  "invalid JSON: " + what + ", beyond the range of a double; write a smaller number");
    }();
  }
}

namespace {

// Up to kMaxInputBytes of `in`; throws naming `file` past that.
std::string ReadAtMost(std::istream& in, const std::string& file) {
  std::string text;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxInputBytes) {
      throw Error(file, "",
                  "larger than " + std::to_string(kMaxInputBytes >> 20) + " MiB, the most any lmp input may be; check "
                  "that this is the file you meant");
    }
  }
  if (in.bad()) throw Error(file, "", file == "<stdin>" ? "cannot read standard input" : "cannot read file");
  return text;
}

}  // namespace

std::string ReadFile(const std::string& path) {
  if (path == "-") return ReadAtMost(std::cin, "<stdin>");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path, "", "cannot open file; check the path");
  return ReadAtMost(in, path);
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
