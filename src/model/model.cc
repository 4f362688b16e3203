#include "model/model.h"

#include <filesystem>

#include "formula/parser.h"
#include "util/embedded.h"
#include "util/error.h"
#include "util/schema.h"
#include "util/suggest.h"

namespace lmp::model {
namespace {

std::shared_ptr<const formula::Formula> ParseAt(const Json& v, const std::string& file, const std::string& ptr) {
  std::shared_ptr<const formula::Formula> f;
  try {
    f = formula::Parse(v.is_string() ? v.get<std::string>() : v.dump());
  } catch (const Error& e) {
    throw e.Located(file, ptr);
  }
  if (const formula::Node* call = formula::FindCall(*f->root)) {
    throw formula::FormulaError(f->text, call->begin, call->end,
                                "module calls are not allowed in an architecture; call modules from module "
                                "formulas, or make this a sub-layer")
        .Located(file, ptr);
  }
  return f;
}

Layer ParseLayer(const Json& j, const std::string& file, const std::string& ptr) {
  Layer l;
  l.pointer = ptr;
  l.name = j.at("name").get<std::string>();
  l.class_name = j.at("class").get<std::string>();
  if (j.contains("repeat")) l.repeat = ParseAt(j["repeat"], file, ptr + "/repeat");
  if (j.contains("parameters")) {
    for (const auto& [k, v] : j["parameters"].items()) {
      l.parameters.emplace_back(k, ParseAt(v, file, ptr + "/parameters/" + PointerToken(k)));
    }
  }
  if (j.contains("sub_layers")) {
    l.composite = true;
    const Json& subs = j["sub_layers"];
    for (size_t i = 0; i < subs.size(); ++i) {
      l.sub_layers.push_back(ParseLayer(subs[i], file, ptr + "/sub_layers/" + std::to_string(i)));
    }
  }
  return l;
}

}  // namespace

Model ParseModel(std::string_view text, const std::string& file) {
  const Json doc = ParseJson(text, file);
  ValidateAgainstSchema(doc, "schema/architecture.schema.json", file, "docs/architecture.md");
  Model m;
  m.file = file;
  m.id = doc["model_id"].get<std::string>();
  m.description = doc.value("description", "");
  m.config = doc["config"];
  for (const auto& [k, v] : m.config.items()) {
    if (v.is_number_integer()) {
      m.numeric_config.emplace_back(k, formula::Value::Int(v.get<int64_t>()));
    } else if (v.is_number_float()) {
      m.numeric_config.emplace_back(k, formula::Value::Real(v.get<double>()));
    } else if (v.is_boolean()) {
      m.numeric_config.emplace_back(k, formula::Value::Int(v.get<bool>() ? 1 : 0));
    }
  }
  const Json& layers = doc["layers"];
  for (size_t i = 0; i < layers.size(); ++i) {
    m.layers.push_back(ParseLayer(layers[i], file, "/layers/" + std::to_string(i)));
  }
  return m;
}

const std::vector<CatalogEntry>& Catalog() {
  static const std::vector<CatalogEntry> entries = [] {
    std::vector<CatalogEntry> out;
    for (const EmbeddedFile& f : EmbeddedFilesUnder("models/")) {
      const Json doc = Json::parse(f.text);
      out.push_back({doc["model_id"].get<std::string>(), doc.value("description", ""), std::string(f.path)});
    }
    return out;
  }();
  return entries;
}

Model LoadModel(std::string_view spec) {
  const std::string s(spec);
  std::error_code ec;
  if (std::filesystem::is_regular_file(s, ec)) return ParseModel(ReadFile(s), s);
  const std::string want = ToLower(spec);
  std::vector<std::string> ids;
  for (const CatalogEntry& e : Catalog()) {
    const std::string id = ToLower(e.id);
    const size_t slash = id.find('/');
    if (id == want || (slash != std::string::npos && id.substr(slash + 1) == want)) {
      for (const EmbeddedFile& f : EmbeddedFiles()) {
        if (f.path == e.path) return ParseModel(f.text, "<embedded>/" + e.path);
      }
    }
    ids.push_back(e.id);
    if (slash != std::string::npos) ids.push_back(e.id.substr(slash + 1));
  }
  throw Error(s, "", "no such file, and no catalog model has this id" + DidYouMean(spec, ids) +
                         "; 'lmp models' lists the catalog");
}

}  // namespace lmp::model
