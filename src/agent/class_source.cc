#include "agent/class_source.h"

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <vector>

#include "util/error.h"
#include "util/json_file.h"

namespace lmp::agent {
namespace {

namespace fs = std::filesystem;

size_t Indent(const std::string& line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i;
}

bool IsClassLine(const std::string& line, const std::string& name) {
  const size_t i = Indent(line);
  if (line.compare(i, 6, "class ") != 0) return false;
  size_t j = i + 6;
  while (j < line.size() && line[j] == ' ') ++j;
  if (line.compare(j, name.size(), name) != 0) return false;
  j += name.size();
  while (j < line.size() && line[j] == ' ') ++j;
  return j < line.size() && (line[j] == '(' || line[j] == ':');
}

// The class block, or "" when the class is not defined in `text`.
std::string ClassBlock(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line, block;
  bool inside = false;
  size_t indent = 0;
  while (std::getline(in, line)) {
    if (!inside) {
      if (IsClassLine(line, name)) {
        inside = true;
        indent = Indent(line);
        block = line + "\n";
      }
      continue;
    }
    const bool blank = line.find_first_not_of(" \t\r") == std::string::npos;
    if (!blank && Indent(line) <= indent && line.compare(Indent(line), 1, ")") != 0) break;
    block += line + "\n";
  }
  return block;
}

}  // namespace

ClassSource FindClassSource(const std::string& class_name, const std::string& source_file,
                            const std::string& source_root) {
  const size_t dot = class_name.rfind('.');
  const std::string name = dot == std::string::npos ? class_name : class_name.substr(dot + 1);
  if (!source_file.empty()) {
    const std::string text = ReadFile(source_file);
    const std::string block = ClassBlock(text, name);
    return {source_file, block.empty() ? text : block};
  }
  if (source_root.empty()) return {};
  std::error_code ec;
  if (!fs::is_directory(source_root, ec)) {
    throw Error(source_root, "",
                Opt("source_root") + " is not a directory; give the root of a transformers or torch checkout");
  }
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(source_root, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".py") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  // transformers.models.llama.modeling_llama.LlamaMLP -> ".../transformers/models/llama/modeling_llama.py"
  std::string module_path = dot == std::string::npos ? "" : class_name.substr(0, dot);
  std::replace(module_path.begin(), module_path.end(), '.', '/');
  if (!module_path.empty()) {
    std::stable_partition(files.begin(), files.end(), [&](const fs::path& p) {
      const std::string s = p.generic_string();
      const std::string tail = "/" + module_path + ".py";
      return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
    });
  }
  for (const fs::path& p : files) {
    const std::string text = ReadFile(p.string());
    if (text.find("class " + name) == std::string::npos) continue;
    std::string block = ClassBlock(text, name);
    if (!block.empty()) return {p.string(), block};
  }
  throw Error(source_root, "",
              "no .py file under it defines 'class " + name + "('; check " + Opt("source_root") +
                  ", or give the file with " + Opt("source") + " FILE.py");
}

}  // namespace lmp::agent
