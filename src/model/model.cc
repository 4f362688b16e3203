#include "model/model.h"

#include <algorithm>
#include <filesystem>

#include "formula/parser.h"
#include "model/builder.h"
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

std::vector<std::pair<std::string, formula::Value>> NumericConfig(const Json& config) {
  std::vector<std::pair<std::string, formula::Value>> out;
  for (const auto& [k, v] : config.items()) {
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      // Beyond int64: kept as the number it is, never wrapped negative.
      out.emplace_back(k, formula::Value::Real(static_cast<double>(v.get<uint64_t>())));
    } else if (v.is_number_integer()) {
      out.emplace_back(k, formula::Value::Int(v.get<int64_t>()));
    } else if (v.is_number_float()) {
      out.emplace_back(k, formula::Value::Real(v.get<double>()));
    } else if (v.is_boolean()) {
      out.emplace_back(k, formula::Value::Int(v.get<bool>() ? 1 : 0));
    }
  }
  return out;
}

Model ParseModel(std::string_view text, const std::string& file) { return ParseModelDoc(ParseJson(text, file), file); }

Model ParseModelDoc(const Json& doc, const std::string& file) {
  ValidateAgainstSchema(doc, "schema/architecture.schema.json", file, "docs/architecture.md");
  Model m;
  m.file = file;
  m.id = doc["model_id"].get<std::string>();
  m.description = doc.value("description", "");
  m.config = doc["config"];
  m.numeric_config = NumericConfig(m.config);
  const Json& layers = doc["layers"];
  for (size_t i = 0; i < layers.size(); ++i) {
    m.layers.push_back(ParseLayer(layers[i], file, "/layers/" + std::to_string(i)));
  }
  return m;
}

std::string CatalogIdOfPath(std::string_view path) {
  // models/org--name.json and configs/org--name.json hold Hugging Face org/name.
  std::string id(path.substr(path.find('/') + 1));
  id = id.substr(0, id.size() - std::string_view(".json").size());
  if (const size_t sep = id.find("--"); sep != std::string::npos) {
    std::string org_slash_name = id.substr(0, sep);
    org_slash_name += '/';
    org_slash_name.append(id, sep + 2);
    id = std::move(org_slash_name);
  }
  return id;
}

namespace {

// The catalog's ids and files, without descriptions: finding a model by id
// parses no file (an architecture's model_id equals its file's name, as a
// test checks).
const std::vector<CatalogEntry>& CatalogIndex() {
  static const std::vector<CatalogEntry> entries = [] {
    std::vector<CatalogEntry> out;
    std::vector<std::string> seen;
    for (const EmbeddedFile& f : EmbeddedFilesUnder("models/")) {
      out.push_back({CatalogIdOfPath(f.path), "", std::string(f.path), false});
      seen.push_back(ToLower(out.back().id));
    }
    for (const EmbeddedFile& f : EmbeddedFilesUnder("configs/")) {
      std::string id = CatalogIdOfPath(f.path);
      if (std::find(seen.begin(), seen.end(), ToLower(id)) != seen.end()) continue;
      out.push_back({std::move(id), "", std::string(f.path), true});
    }
    return out;
  }();
  return entries;
}

}  // namespace

const std::vector<CatalogEntry>& Catalog() {
  static const std::vector<CatalogEntry> entries = [] {
    std::vector<CatalogEntry> out = CatalogIndex();
    for (CatalogEntry& e : out) {
      for (const EmbeddedFile& f : EmbeddedFiles()) {
        if (f.path != e.path) continue;
        const Json doc = Json::parse(f.text);
        const std::string type = doc.value("model_type", "");
        e.description =
            e.built ? type + " config.json (built by the " + type + " builder)" : doc.value("description", "");
      }
    }
    return out;
  }();
  return entries;
}

namespace {

// `path` "-" is standard input, named "<stdin>" in errors.
Model FromDoc(const Json& doc, const std::string& name, const std::string& id) {
  if (IsHfConfig(doc)) return BuildFromConfig(doc, name, id);
  return ParseModelDoc(doc, name);
}

Model LoadFile(const std::string& path, const std::string& id) {
  const std::string name = path == "-" ? "<stdin>" : path;
  return FromDoc(ParseJson(ReadFile(path), name), name, id);
}

}  // namespace

Model LoadModelText(std::string_view text, const std::string& name) {
  return FromDoc(ParseJson(text, name), name, name);
}

Model LoadModel(std::string_view spec) {
  const std::string s(spec);
  std::error_code ec;
  if (std::filesystem::is_directory(s, ec)) {
    const std::string config = (std::filesystem::path(s) / "config.json").string();
    if (!std::filesystem::is_regular_file(config, ec)) {
      throw Error(s, "", "a directory without config.json; give a model directory, a config.json, an architecture "
                         "JSON or a catalog id ('lmp models')");
    }
    Model m = LoadFile(config, s);
    m.checkpoint = CheckCheckpointDirectory(s);
    return m;
  }
  // A pipe (<(cmd), /dev/stdin) reads like a file; "-" is standard input.
  if (s == "-") return LoadFile(s, "<stdin>");
  if (std::filesystem::exists(s, ec)) return LoadFile(s, s);
  const std::string want = ToLower(spec);
  std::vector<std::string> ids;
  for (const CatalogEntry& e : CatalogIndex()) {
    const std::string id = ToLower(e.id);
    const size_t slash = id.find('/');
    if (id == want || (slash != std::string::npos && id.substr(slash + 1) == want)) {
      for (const EmbeddedFile& f : EmbeddedFiles()) {
        if (f.path != e.path) continue;
        const std::string file = "<embedded>/" + e.path;
        if (e.built) return BuildFromConfig(ParseJson(f.text, file), file, e.id);
        return ParseModel(f.text, file);
      }
    }
    ids.push_back(e.id);
    if (slash != std::string::npos) ids.push_back(e.id.substr(slash + 1));
  }
  throw Error(s, "", "no such file, and no catalog model has this id" + DidYouMean(spec, ids) +
                         "; 'lmp models' lists the catalog");
}

}  // namespace lmp::model
