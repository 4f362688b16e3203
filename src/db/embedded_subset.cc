#include "db/embedded_subset.h"

#include <string.h>

#include <algorithm>
#include <functional>
#include <set>
#include <string_view>

#include "formula/ast.h"
#include "util/embedded.h"

namespace lmp::db {

namespace {

// Whether `text` holds `name` as a JSON string, or as the last part of a
// dotted one.
bool Contains(std::string_view text, const std::string& needle) {
  return memmem(text.data(), text.size(), needle.data(), needle.size()) != nullptr;
}

bool Mentions(std::string_view text, const std::string& name) {
  return Contains(text, "\"" + name + "\"") || Contains(text, "." + name + "\"");
}

// Appends the NAME of every ${NAME} in `text`.
void AppendCalls(std::string_view text, std::vector<std::string>* out) {
  for (size_t at = text.find("${"); at != std::string_view::npos; at = text.find("${", at + 2)) {
    const size_t end = text.find('}', at + 2);
    if (end == std::string_view::npos) return;
    out->emplace_back(text.substr(at + 2, end - at - 2));
  }
}

}  // namespace

std::vector<std::string> CalledNames(const Module& m) {
  std::vector<std::string> out;
  std::function<void(const formula::Node&)> walk = [&](const formula::Node& n) {
    if (n.kind == formula::NodeKind::kCall && std::find(out.begin(), out.end(), n.name) == out.end()) {
      out.push_back(n.name);
    }
    for (const auto& c : n.children) walk(*c);
  };
  for (const formula::ParamDecl& p : m.params) {
    if (p.default_value) walk(*p.default_value->root);
  }
  if (m.parameter_count) walk(*m.parameter_count->root);
  for (const Operation& op : m.operations) {
    for (const auto& f : op.metrics) {
      if (f) walk(*f->root);
    }
  }
  return out;
}

ModuleDb EmbeddedModulesFor(const std::vector<std::string>& names) {
  const std::vector<EmbeddedFile> files = EmbeddedFilesUnder("modules/");
  std::vector<bool> chosen(files.size(), false);
  std::set<std::string> asked;
  std::vector<std::string> pending = names;
  // The files to load, to a fixed point: the files defining each name, then
  // the ${Name} calls in their text (read from the text, not parsed: a call
  // that is not one only loads a file more).
  while (!pending.empty()) {
    std::vector<std::string> next;
    for (const std::string& name : pending) {
      if (!asked.insert(name).second) continue;
      bool anywhere = false;
      for (size_t i = 0; i < files.size(); ++i) {
        if (!Mentions(files[i].text, name)) continue;
        anywhere = true;
        if (chosen[i]) continue;
        chosen[i] = true;
        AppendCalls(files[i].text, &next);
      }
      if (!anywhere) return ModuleDb::Embedded();
    }
    pending = std::move(next);
  }
  ModuleDb db;
  for (size_t i = 0; i < files.size(); ++i) {
    if (chosen[i]) db.AddText(files[i].text, "<embedded>/" + std::string(files[i].path), SchemaCheck::kTrustEmbedded);
  }
  // A name mentioned but not defined (only in a description, say), or a
  // call the text scan missed: the whole database, for the usual errors.
  for (const std::string& name : asked) {
    const Lookup l = db.Find(name);
    if (!l.module && l.ambiguous.empty()) return ModuleDb::Embedded();
  }
  for (const auto& m : db.modules()) {
    for (const std::string& called : CalledNames(*m)) {
      if (!asked.count(called)) return ModuleDb::Embedded();
    }
  }
  return db;
}

}  // namespace lmp::db
