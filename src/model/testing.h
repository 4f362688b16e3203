#ifndef LMP_MODEL_TESTING_H_
#define LMP_MODEL_TESTING_H_

// Helpers shared by the builder test files (included only from *_test.cc).

#include <string>

#include <gtest/gtest.h>

#include "analysis/analyze.h"
#include "analysis/testing.h"
#include "model/builder.h"
#include "util/embedded.h"
#include "util/error.h"

namespace lmp::model::testing {

// An embedded config.json (data/configs/NAME.json), parsed.
inline Json EmbeddedConfig(const std::string& name) {
  for (const EmbeddedFile& f : EmbeddedFiles()) {
    if (f.path == "configs/" + name + ".json") return Json::parse(f.text);
  }
  ADD_FAILURE() << "no embedded config " << name;
  return Json::object();
}

// The one-line error building `config` (as file "config.json") gives, or
// "no error".
inline std::string BuildError(const Json& config) {
  try {
    BuildFromConfig(config, "config.json", "x");
  } catch (const Error& e) {
    return e.Line();
  }
  return "no error";
}

inline const db::ModuleDb& Db() { return analysis::testing::EmbeddedDb(); }

// Built straight from the embedded config.json, even where the catalog
// prefers a hand-written architecture (Llama-2).
inline analysis::Plan BuiltPlan(const std::string& name) {
  return analysis::BuildPlan(BuildFromConfig(EmbeddedConfig(name), name, name), Db(), "fused");
}

inline int64_t Parameters(const std::string& name) {
  return analysis::Evaluator(BuiltPlan(name)).Parameters(analysis::Scenario{});
}

inline analysis::StageResult Decode(const analysis::Plan& plan, int64_t kv_len) {
  analysis::Scenario s;
  s.stages = {analysis::Stage::kDecode};
  s.decode_kv_len = kv_len;
  return analysis::Analyze(plan, s).stages[0];
}

}  // namespace lmp::model::testing

#endif  // LMP_MODEL_TESTING_H_
