// config.json -> builder -> plan -> analysis, for every family: the input is
// a config.json; the seed corpus holds the catalog's and the shared real
// ones, and config.dict lists their keys and model_type values.

#include "analysis/analyze.h"
#include "analysis/footprint.h"
#include "analysis/plan.h"
#include "fuzz/fuzz_util.h"
#include "model/builder.h"
#include "util/json_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const lmp::db::ModuleDb db = lmp::db::ModuleDb::Embedded();
  return lmp::fuzz::Guard([&] {
    const lmp::Json config = lmp::ParseJson(lmp::fuzz::Text(data, size), "config.json");
    const lmp::model::Model m = lmp::model::BuildFromConfig(config, "config.json", "fuzz");
    // Small sizes keep an execution fast; the shapes, not the sizes, are
    // what varies. Every profile builds, the default one runs.
    for (const char* profile : {"fused", "flash", "eager"}) {
      const lmp::analysis::Plan plan = lmp::analysis::BuildPlan(m, db, profile);
      lmp::analysis::Scenario s;
      s.profile = profile;
      s.prompt_len = 17;
      s.decode_kv_len = 33;
      lmp::analysis::Analyze(plan, s);
      lmp::analysis::MemoryFootprint(plan, s, 33);
    }
  });
}
