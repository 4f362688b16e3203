#include "db/module_db.h"

#include <algorithm>
#include <functional>
#include <set>

#include "formula/parser.h"
#include "util/embedded.h"
#include "util/error.h"
#include "util/schema.h"
#include "util/suggest.h"

namespace lmp::db {
namespace {

using formula::Formula;
using formula::Node;
using formula::NodeKind;

constexpr const char* kMetricNames[kNumMetrics] = {
    "flops", "reads.weights", "reads.activations", "reads.kv_cache", "writes.activations", "writes.kv_cache",
};
// Where each metric sits in an operation's JSON.
constexpr const char* kMetricPaths[kNumMetrics][2] = {
    {"flops", nullptr},          {"reads", "weights"},       {"reads", "activations"},
    {"reads", "kv_cache"},       {"writes", "activations"}, {"writes", "kv_cache"},
};

std::string FormulaText(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::shared_ptr<const Formula> ParseAt(const Json& v, const std::string& file, const std::string& pointer) {
  try {
    return formula::Parse(FormulaText(v));
  } catch (const Error& e) {
    throw e.Located(file, pointer);
  }
}

std::string ShortName(std::string_view full) {
  const size_t dot = full.rfind('.');
  return std::string(dot == std::string_view::npos ? full : full.substr(dot + 1));
}

// One formula of one module, as the checker walks it.
struct FormulaSite {
  const Module* module;
  const Formula* formula;
  std::string pointer;
};

struct CallEdge {
  const Module* to;
  FormulaSite site;
  const Node* node;
};

[[noreturn]] void FailAt(const FormulaSite& site, const Node& n, uint32_t begin, const std::string& msg) {
  throw formula::FormulaError(site.formula->text, begin, n.end, msg).Located(site.module->file, site.pointer);
}

}  // namespace

const char* MetricName(int metric) { return kMetricNames[metric]; }

const std::vector<std::string>& ScenarioGlobalNames() {
  static const std::vector<std::string> names = {"w_bits",  "a_bits",   "kv_bits",       "w_bytes",
                                                 "a_bytes", "kv_bytes", "w_scale_bytes", "sram_bytes"};
  return names;
}

bool Operation::RunsIn(std::string_view profile) const {
  return profiles.empty() || std::find(profiles.begin(), profiles.end(), profile) != profiles.end();
}

std::unique_ptr<Module> ParseModule(const std::string& key, const Json& entry, const std::string& file) {
  auto m = std::make_unique<Module>();
  m->key = key;
  m->file = file;
  m->pointer = "/modules/" + PointerToken(key);
  m->source = entry;
  m->full_class_name = entry.at("full_class_name").get<std::string>();
  if (entry.contains("aliases")) m->aliases = entry["aliases"].get<std::vector<std::string>>();
  m->description = entry.value("description", "");
  std::set<std::string> seen;
  const Json& params = entry.at("parameters");
  for (size_t i = 0; i < params.size(); ++i) {
    const Json& p = params[i];
    const std::string ptr = m->pointer + "/parameters/" + std::to_string(i);
    formula::ParamDecl d;
    d.name = p.at("name").get<std::string>();
    if (!seen.insert(d.name).second) {
      throw Error(file, ptr + "/name", "parameter '" + d.name + "' is declared twice; remove one");
    }
    if (p.contains("default")) d.default_value = ParseAt(p["default"], file, ptr + "/default");
    m->params.push_back(d);
    m->param_descriptions.push_back(p.value("description", ""));
  }
  m->parameter_count = ParseAt(entry.at("parameter_count"), file, m->pointer + "/parameter_count");
  const Json& ops = entry.at("operations");
  std::set<std::string> op_names;
  for (size_t i = 0; i < ops.size(); ++i) {
    const Json& o = ops[i];
    Operation op;
    op.pointer = m->pointer + "/operations/" + std::to_string(i);
    op.name = o.at("name").get<std::string>();
    if (!op_names.insert(op.name).second) {
      throw Error(file, op.pointer + "/name", "operation '" + op.name + "' appears twice in " + m->full_class_name +
                                                  "; give each operation its own name");
    }
    op.kind = o.at("kind").get<std::string>();
    op.description = o.value("description", "");
    if (o.contains("profiles")) op.profiles = o["profiles"].get<std::vector<std::string>>();
    op.kv_cache_reread = o.value("kv_cache_reread", false);
    for (int k = 0; k < kNumMetrics; ++k) {
      const char* group = kMetricPaths[k][0];
      const char* field = kMetricPaths[k][1];
      const Json* v = nullptr;
      if (!field) {
        v = &o.at(group);
      } else if (o.contains(group) && o[group].contains(field)) {
        v = &o[group][field];
      }
      std::string ptr = op.pointer + "/" + group + (field ? std::string("/") + field : "");
      op.metrics[k] = v ? ParseAt(*v, file, ptr) : formula::Parse("0");
    }
    m->operations.push_back(std::move(op));
  }
  return m;
}

ModuleDb ModuleDb::Embedded(SchemaCheck check) {
  ModuleDb db;
  for (const EmbeddedFile& f : EmbeddedFilesUnder("modules/")) {
    db.AddText(f.text, "<embedded>/" + std::string(f.path), check);
  }
  db.Check();
  return db;
}

void ModuleDb::AddFile(const std::string& path) { AddText(ReadFile(path), path); }

void ModuleDb::AddText(std::string_view text, const std::string& file, SchemaCheck check) {
  const Json doc = check == SchemaCheck::kTrustEmbedded ? ParseTrustedJson(text) : ParseJson(text, file);
  if (check == SchemaCheck::kCheck) {
    ValidateAgainstSchema(doc, "schema/module-db.schema.json", file, "docs/module-db.md");
  }
  for (const auto& [key, entry] : doc["modules"].items()) Add(ParseModule(key, entry, file));
  Reindex();
}

void ModuleDb::Add(std::unique_ptr<Module> m) {
  for (auto& existing : modules_) {
    if (existing->full_class_name == m->full_class_name || existing->key == m->key) {
      existing = std::move(m);
      return;
    }
  }
  modules_.push_back(std::move(m));
}

void ModuleDb::Reindex() {
  exact_.clear();
  short_.clear();
  for (const auto& m : modules_) {
    exact_[m->full_class_name] = m.get();
    exact_.emplace(m->key, m.get());
    for (const std::string& a : m->aliases) exact_.emplace(a, m.get());
    std::set<std::string> shorts = {ShortName(m->full_class_name)};
    for (const std::string& a : m->aliases) shorts.insert(ShortName(a));
    for (const std::string& s : shorts) short_[s].push_back(m.get());
  }
}

Lookup ModuleDb::Find(std::string_view name) const {
  Lookup r;
  if (auto it = exact_.find(name); it != exact_.end()) {
    r.module = it->second;
    return r;
  }
  if (auto it = short_.find(name); it != short_.end()) {
    if (it->second.size() == 1) {
      r.module = it->second[0];
    } else {
      r.ambiguous = it->second;
    }
  }
  return r;
}

std::vector<std::string> ModuleDb::AllNames() const {
  std::vector<std::string> names;
  for (const auto& [n, m] : exact_) names.push_back(n);
  for (const auto& [n, m] : short_) names.push_back(n);
  return names;
}

const Module& ModuleDb::Get(std::string_view name) const {
  const Lookup r = Find(name);
  if (r.module) return *r.module;
  if (!r.ambiguous.empty()) {
    std::string list;
    for (const Module* m : r.ambiguous) list += (list.empty() ? "" : ", ") + m->full_class_name;
    throw Error("", "", "module name '" + std::string(name) + "' is ambiguous: " + list +
                            "; use the full class name");
  }
  throw Error("", "",
              "unknown module '" + std::string(name) + "'" + DidYouMean(name, AllNames()) +
                  "; list modules with 'lmp module list', or add one with " + Opt("db") + " FILE");
}

void ModuleDb::Check() const {
  const std::vector<std::string>& globals = ScenarioGlobalNames();
  std::map<const Module*, std::vector<CallEdge>> edges;

  // `visible` is how many of the module's parameters a formula may use:
  // all of them, except in a default, which sees only earlier ones.
  size_t visible = 0;
  std::function<void(const FormulaSite&, const Node&)> walk = [&](const FormulaSite& site, const Node& n) {
    const Module& m = *site.module;
    if (n.kind == NodeKind::kParam) {
      const auto seen_end = m.params.begin() + static_cast<std::ptrdiff_t>(visible);
      const bool declared = std::any_of(m.params.begin(), seen_end,
                                        [&](const formula::ParamDecl& p) { return p.name == n.name; });
      const bool later = !declared && std::any_of(seen_end, m.params.end(), [&](const formula::ParamDecl& p) {
        return p.name == n.name;
      });
      if (later) {
        FailAt(site, n, n.begin,
               "a default may only use parameters declared before it; move {" + n.name + "} earlier");
      }
      if (!declared && std::find(globals.begin(), globals.end(), n.name) == globals.end()) {
        std::vector<std::string> names = globals;
        for (const auto& p : m.params) names.push_back(p.name);
        const std::string hint = ClosestMatch(n.name, names);
        FailAt(site, n, n.begin,
               "unknown parameter {" + n.name + "}" + (hint.empty() ? "" : " (did you mean {" + hint + "}?)") +
                   "; declare it in \"parameters\" or fix the name");
      }
    }
    if (n.kind == NodeKind::kCall) {
      const Lookup r = Find(n.name);
      if (!r.module) {
        if (!r.ambiguous.empty()) {
          std::string list;
          for (const Module* c : r.ambiguous) list += (list.empty() ? "" : ", ") + c->full_class_name;
          FailAt(site, n, n.begin, "module name '" + n.name + "' is ambiguous: " + list + "; use the full class name");
        }
        FailAt(site, n, n.begin,
               "unknown module ${" + n.name + "}" + DidYouMean(n.name, AllNames()) + "; add it, or fix the name");
      }
      const Module& callee = *r.module;
      const formula::ArgumentMatch match = formula::MatchArguments(n, callee.params, callee.full_class_name);
      if (match.fault) FailAt(site, *match.fault, match.fault->begin, match.message);
      edges[&m].push_back({&callee, site, &n});
    }
    for (const auto& c : n.children) walk(site, *c);
  };

  for (const auto& mp : modules_) {
    const Module& m = *mp;
    for (size_t i = 0; i < m.params.size(); ++i) {
      visible = i;
      if (m.params[i].default_value) {
        walk({&m, m.params[i].default_value.get(), m.pointer + "/parameters/" + std::to_string(i) + "/default"},
             *m.params[i].default_value->root);
      }
    }
    visible = m.params.size();
    walk({&m, m.parameter_count.get(), m.pointer + "/parameter_count"}, *m.parameter_count->root);
    for (const Operation& op : m.operations) {
      for (int k = 0; k < kNumMetrics; ++k) {
        const char* group = kMetricPaths[k][0];
        const char* field = kMetricPaths[k][1];
        walk({&m, op.metrics[k].get(), op.pointer + "/" + group + (field ? std::string("/") + field : "")},
             *op.metrics[k]->root);
      }
    }
  }

  // Cycle check: depth-first, reporting the call that closes the cycle.
  enum class Mark { kNone, kActive, kDone };
  std::map<const Module*, Mark> mark;
  std::vector<const Module*> path;
  std::function<void(const Module*)> visit = [&](const Module* m) {
    mark[m] = Mark::kActive;
    path.push_back(m);
    for (const CallEdge& e : edges[m]) {
      if (mark[e.to] == Mark::kActive) {
        std::string cycle;
        const auto start = std::find(path.begin(), path.end(), e.to);
        for (auto it = start; it != path.end(); ++it) cycle += (*it)->full_class_name + " -> ";
        cycle += e.to->full_class_name;
        FailAt(e.site, *e.node, e.node->begin, "module call cycle: " + cycle + "; a module can't call itself");
      }
      if (mark[e.to] == Mark::kNone) visit(e.to);
    }
    path.pop_back();
    mark[m] = Mark::kDone;
  };
  for (const auto& m : modules_) {
    if (mark[m.get()] == Mark::kNone) visit(m.get());
  }
}

}  // namespace lmp::db
