#include "agent/check_entry.h"


#include <functional>
#include <utility>

#include "analysis/module_eval.h"
#include "db/db_store.h"
#include "db/module_db.h"
#include "formula/ast.h"
#include "util/error.h"
#include "util/suggest.h"

namespace lmp::agent {
namespace {

std::string ShortName(const std::string& full) {
  const size_t dot = full.rfind('.');
  return dot == std::string::npos ? full : full.substr(dot + 1);
}

std::string ErrorText(const Error& e) { return e.detail().empty() ? e.Line() : e.Line() + "\n" + e.detail(); }

db::ModuleDb BaseDb(const std::string& db_file) {
  db::ModuleDb db = db::ModuleDb::Embedded();
  db::AddIfExists(db, db_file);
  return db;
}

// Finds the one entry in the answer; "" on success, else the fault.
std::string Normalize(const Json& answer, CheckedEntry* out) {
  if (answer.contains("full_class_name")) {
    const Json& f = answer["full_class_name"];
    if (!f.is_string()) return "\"full_class_name\" must be a string";
    const std::string full = f.get<std::string>();
    out->key = full.substr(0, full.find('.')) + "_" + ShortName(full);
    out->entry = answer;
    return "";
  }
  const Json* mods = &answer;
  if (answer.contains("modules")) mods = &answer["modules"];
  if (!mods->is_object() || mods->size() != 1 || !mods->begin().value().is_object()) {
    return "expected exactly one module entry: {\"library_ClassName\": {\"full_class_name\": ..., ...}}, "
           "or a whole lmp.module-db/1 document with one entry in \"modules\"";
  }
  out->key = mods->begin().key();
  out->entry = mods->begin().value();
  return "";
}

bool ClassMatches(const std::string& asked, const std::string& given) {
  if (asked.find('.') != std::string::npos) return asked == given;
  return ShortName(given) == asked;
}

void WalkCalls(const formula::Node& n, const std::function<void(const formula::Node&)>& f) {
  if (n.kind == formula::NodeKind::kCall) f(n);
  for (const auto& c : n.children) WalkCalls(*c, f);
}

void CheckComposite(const db::ModuleDb& db, const db::Module& m, const EntryCheckContext& ctx,
                    std::vector<std::string>* errors) {
  for (const db::Operation& op : m.operations) {
    const std::string name = ToLower(op.name);
    for (const SubLayer& s : ctx.sub_layers) {
      if (s.name.size() >= 2 && name.find(ToLower(s.name)) != std::string::npos) {
        errors->push_back(op.pointer + "/name: operation '" + op.name + "' is named after sub-layer '" + s.name +
                          "'; a composite counts only the work between its sub-layers' calls, and " + s.name +
                          " counts its own: remove the operation");
      }
    }
    for (int k = 0; k < db::kNumMetrics; ++k) {
      WalkCalls(*op.metrics[k]->root, [&](const formula::Node& call) {
        const db::Lookup callee = db.Find(call.name);
        for (const SubLayer& s : ctx.sub_layers) {
          if (s.class_name.empty() || !callee.module) continue;
          if (db.Find(s.class_name).module == callee.module) {
            errors->push_back(op.pointer + ": calls ${" + call.name + "}, the class of sub-layer '" + s.name +
                              "'; that work is the sub-layer's: remove the call");
          }
        }
      });
    }
  }
}

// Evaluates the module at both sample points and checks the figures.
void CheckSamples(const db::ModuleDb& db, const db::Module& m, std::vector<std::string>* errors) {
  analysis::ModuleEvaluation at[2];
  for (int i = 0; i < 2; ++i) {
    std::vector<std::pair<std::string, std::string>> pairs;
    std::string where;
    for (const auto& p : m.params) {
      if (p.default_value) continue;
      const std::string v = std::to_string(i == 0 ? kSampleSmall : kSampleLarge);
      pairs.emplace_back(p.name, v);
      where += (where.empty() ? "" : ", ") + p.name + "=" + v;
    }
    try {
      at[i] = analysis::EvaluateModule(db, m, pairs, analysis::Scenario{});
    } catch (const Error& e) {
      errors->push_back("evaluating at " + (where.empty() ? std::string("the defaults") : where) + ": " + ErrorText(e));
      return;
    }
  }
  bool all_zero = at[0].parameters == 0 && at[1].parameters == 0;
  double sum[2] = {0, 0};  // comparison only; the figures at the sample points are far below 2^53
  for (int i = 0; i < 2; ++i) {
    sum[i] += at[i].parameters;
    for (int k = 0; k < db::kNumMetrics; ++k) {
      sum[i] += at[i].totals[k];
      all_zero = all_zero && at[i].totals[k] == 0;
    }
  }
  const std::string sizes = " when every required parameter grows from " + std::to_string(kSampleSmall) + " to " +
                            std::to_string(kSampleLarge);
  if (at[1].parameters < at[0].parameters) errors->push_back("parameter_count shrinks" + sizes);
  for (size_t o = 0; o < at[0].ops.size(); ++o) {
    for (int k = 0; k < db::kNumMetrics; ++k) {
      if (at[1].ops[o][k] < at[0].ops[o][k]) {
        errors->push_back("operation '" + at[0].op_names[o] + "': " + db::MetricName(k) + " shrinks (" +
                          std::to_string(at[0].ops[o][k]) + " -> " + std::to_string(at[1].ops[o][k]) + ")" + sizes);
      }
    }
  }
  if (!all_zero && sum[1] <= sum[0]) {
    errors->push_back("no figure grows" + sizes + "; the formulas must depend on the sizes");
  }
}

}  // namespace

std::vector<SubLayer> ParseSubLayers(const std::string& list) {
  std::vector<SubLayer> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    const std::string item = list.substr(start, end - start);
    if (!item.empty()) {
      const size_t eq = item.find('=');
      out.push_back(eq == std::string::npos ? SubLayer{item, ""} : SubLayer{item.substr(0, eq), item.substr(eq + 1)});
    }
    start = end + 1;
  }
  return out;
}

std::vector<std::string> CheckAgentAnswer(const Json& answer, const EntryCheckContext& ctx, CheckedEntry* out) {
  std::vector<std::string> errors;
  if (std::string why = Normalize(answer, out); !why.empty()) return {why};
  const Json* full = out->entry.contains("full_class_name") ? &out->entry["full_class_name"] : nullptr;
  if (full && !full->is_string()) return {"\"full_class_name\" of '" + out->key + "' must be a string"};
  const std::string given = full ? full->get<std::string>() : "";
  if (!ClassMatches(ctx.class_name, given)) {
    return {"the entry is for '" + given + "', but the class asked for is '" + ctx.class_name +
            "'; set \"full_class_name\" to the class's full Python path"};
  }
  out->entry.erase("provenance");  // lmp writes it
  db::ModuleDb db = BaseDb(ctx.db_file);
  if (const db::Lookup owner = db.Find(out->key); owner.module && owner.module->full_class_name != given) {
    return {"the key '" + out->key + "' already names " + owner.module->full_class_name + "; use the key " +
            given.substr(0, given.find('.')) + "_" + ShortName(given)};
  }
  Json doc = {{"schema", "lmp.module-db/1"}, {"modules", {{out->key, out->entry}}}};
  try {
    db.AddText(doc.dump(2), "<answer>");
    db.Check();
  } catch (const Error& e) {
    return {ErrorText(e)};
  }
  const db::Module& m = db.Get(given);
  if (!ctx.sub_layers.empty()) CheckComposite(db, m, ctx, &errors);
  CheckSamples(db, m, &errors);
  return errors;
}

}  // namespace lmp::agent
