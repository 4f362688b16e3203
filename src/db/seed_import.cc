#include "db/seed_import.h"

#include <algorithm>
#include <regex>
#include <set>

#include "db/module_db.h"
#include "util/error.h"

namespace lmp::db {
namespace {

// ${name} not followed by '(' is a legacy parameter; ${module}( is a call.
std::string CanonicalFormula(const Json& v) {
  static const std::regex legacy(R"(\$\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\s*\())");
  const std::string text = v.is_string() ? v.get<std::string>() : v.dump();
  return std::regex_replace(text, legacy, "{$1}");
}

// Parameters a canonical formula uses: {name} not preceded by '$'.
void CollectParams(const std::string& f, std::vector<std::string>* names) {
  static const std::regex param(R"((^|[^$])\{([A-Za-z_][A-Za-z0-9_]*)\})");
  for (std::sregex_iterator it(f.begin(), f.end(), param), end; it != end; ++it) {
    const std::string n = (*it)[2];
    if (std::find(names->begin(), names->end(), n) == names->end()) names->push_back(n);
  }
}

// The scenario element size a seed dtype parameter stands for, or "".
std::string DtypeDefault(const std::string& name) {
  if (name == "dtype_bytes" || name == "a_dtype_bytes" || name == "act_dtype_bytes") return "{a_bytes}";
  if (name == "w_dtype_bytes" || name == "weight_dtype_bytes") return "{w_bytes}";
  if (name == "kv_dtype_bytes") return "{kv_bytes}";
  if (name == "index_dtype_bytes") return "8";
  return "";
}

// The seed format has no operation kinds; guess one from the class name.
std::string KindFor(const std::string& full_class_name) {
  const std::string s = full_class_name.substr(full_class_name.rfind('.') + 1);
  if (s.find("Linear") != std::string::npos || s.find("Conv") != std::string::npos) return "matmul";
  if (s.find("Embedding") != std::string::npos && s.find("Rotary") == std::string::npos) return "gather";
  if (s.find("Norm") != std::string::npos) return "norm";
  if (s.find("Softmax") != std::string::npos) return "softmax";
  return "elementwise";
}

const Json* Field(const Json& obj, std::initializer_list<const char*> names) {
  if (!obj.is_object()) return nullptr;
  for (const char* n : names) {
    if (obj.contains(n)) return &obj[n];
  }
  return nullptr;
}

bool IsZero(const std::string& f) { return f == "0" || f.empty(); }

// Converts one entry; throws a message string on failure.
Json Convert(const std::string& key, const Json& e, const std::string& file) {
  if (!e.is_object()) throw std::string("the entry is not an object");
  const Json* full = Field(e, {"full_class_name"});
  if (!full || !full->is_string()) throw std::string("no \"full_class_name\" string");
  const std::string full_class_name = full->get<std::string>();
  const Json* flop = Field(e, {"flop_analysis"});
  const Json* flops = flop ? Field(*flop, {"calculation_formula"}) : nullptr;
  if (!flops || !(flops->is_string() || flops->is_number())) {
    throw std::string("no \"flop_analysis.calculation_formula\"");
  }
  const Json* mem = Field(e, {"memory_analysis"});
  const Json* reads = mem ? Field(*mem, {"reads_calculation_formula", "reads"}) : nullptr;
  const Json* writes = mem ? Field(*mem, {"writes_calculation_formula", "writes"}) : nullptr;
  const Json* inter = mem ? Field(*mem, {"intermediates_calculation_formula", "intermediates"}) : nullptr;

  const std::string f_flops = CanonicalFormula(*flops);
  const std::string f_reads = reads ? CanonicalFormula(*reads) : "0";
  const std::string f_writes = writes ? CanonicalFormula(*writes) : "0";
  const std::string f_inter = inter ? CanonicalFormula(*inter) : "0";

  // Declared parameters first (flop_analysis.parameters or parameters, as a
  // list of {name, type, description} or an object name -> type), then any
  // the formulas use without declaring.
  Json params = Json::array();
  std::set<std::string> declared;
  auto declare = [&](const std::string& name, const std::string& type, const std::string& description) {
    if (!declared.insert(name).second) return;
    Json p = {{"name", name}, {"description", description}};
    if (type == "int" || type == "float") p["type"] = type;
    if (const std::string d = DtypeDefault(name); !d.empty()) p["default"] = d;
    params.push_back(p);
  };
  const Json* decl = flop ? Field(*flop, {"parameters"}) : nullptr;
  if (!decl) decl = Field(e, {"parameters"});
  if (decl && decl->is_array()) {
    for (const Json& p : *decl) {
      if (p.is_object() && p.contains("name") && p["name"].is_string()) {
        declare(p["name"], p.value("type", ""), p.value("description", "imported from the seed format"));
      }
    }
  } else if (decl && decl->is_object()) {
    for (const auto& [n, t] : decl->items()) declare(n, t.is_string() ? t.get<std::string>() : "", "imported from the seed format");
  }
  std::vector<std::string> used;
  for (const std::string* f : {&f_flops, &f_reads, &f_writes, &f_inter}) CollectParams(*f, &used);
  for (const std::string& n : used) {
    declare(n, "", DtypeDefault(n).empty() ? "used by the seed formulas, not declared there"
                                           : "element size in bytes (defaults to the scenario's)");
  }
  // Only the parameters a formula uses: an unused seed declaration would be a
  // required argument nothing can supply meaningfully.
  Json kept = Json::array();
  for (const Json& p : params) {
    if (std::find(used.begin(), used.end(), p["name"].get<std::string>()) != used.end()) kept.push_back(p);
  }

  Json ops = Json::array();
  ops.push_back({{"name", "forward"},
                 {"kind", KindFor(full_class_name)},
                 {"description", "the seed entry's whole forward(); the seed format does not split reads into weights and activations"},
                 {"flops", f_flops},
                 {"reads", {{"activations", f_reads}}},
                 {"writes", {{"activations", f_writes}}}});
  if (!IsZero(f_inter)) {
    ops.push_back({{"name", "intermediates"},
                   {"kind", "copy"},
                   {"description", "the seed's intermediates, written once and read back once"},
                   {"flops", 0},
                   {"reads", {{"activations", f_inter}}},
                   {"writes", {{"activations", f_inter}}}});
  }
  Json provenance = {{"author", "seed import"}, {"source", file}, {"seed_key", key}};
  for (const char* k : {"generated_file_name", "generated_class_name", "code_location"}) {
    if (e.contains(k)) provenance[k] = e[k];
  }
  if (flop && flop->contains("thinking_process")) provenance["thinking_process"] = (*flop)["thinking_process"];
  Json out = {{"full_class_name", full_class_name}};
  out["description"] = e.value("description", std::string("Imported from the seed format. ")) +
                       "The seed format has no parameter count: parameter_count is 0.";
  out["parameters"] = kept;
  out["parameter_count"] = 0;
  out["operations"] = ops;
  out["provenance"] = provenance;
  return out;
}

// The entry key named by an error's JSON pointer "/modules/KEY/...", or "".
std::string KeyOf(const Error& e) {
  const std::string& w = e.where();
  if (w.rfind("/modules/", 0) != 0) return "";
  const size_t end = w.find_first_of("/,", 9);
  std::string token = w.substr(9, end == std::string::npos ? std::string::npos : end - 9);
  std::string key;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size()) {
      key += token[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      key += token[i];
    }
  }
  return key;
}

}  // namespace

SeedImport ImportSeedDb(const Json& seed, const std::string& file) {
  const Json* entries = &seed;
  if (seed.is_object() && seed.contains("modules") && seed["modules"].is_object()) entries = &seed["modules"];
  if (!entries->is_object()) {
    throw Error(file, "", "not a seed module database: expected an object of entries keyed library_ClassName");
  }
  SeedImport r;
  Json modules = Json::object();
  for (const auto& [key, e] : entries->items()) {
    try {
      modules[key] = Convert(key, e, file);
    } catch (const std::string& why) {
      r.problems.push_back("/" + PointerToken(key) + ": " + why);
    }
  }
  // Check the converted entries together (one may call another); drop the
  // entry each fault names and check again.
  while (!modules.empty()) {
    const Json doc = {{"schema", "lmp.module-db/1"}, {"modules", modules}};
    try {
      ModuleDb db = ModuleDb::Embedded();
      db.AddText(doc.dump(), file);
      db.Check();
      break;
    } catch (const Error& e) {
      const std::string key = KeyOf(e);
      if (key.empty() || !modules.contains(key)) throw;
      r.problems.push_back(e.where().substr(8) + ": " + e.message());
      modules.erase(key);
    }
  }
  for (const auto& [key, e] : modules.items()) r.converted.push_back(key);
  r.doc = {{"schema", "lmp.module-db/1"}, {"description", "imported from " + file}, {"modules", modules}};
  return r;
}

}  // namespace lmp::db
