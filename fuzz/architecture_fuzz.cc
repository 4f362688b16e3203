// The architecture JSON loader (lmp.architecture), then plan and analysis.

#include "analysis/analyze.h"
#include "analysis/plan.h"
#include "fuzz/fuzz_util.h"
#include "model/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const lmp::db::ModuleDb db = lmp::db::ModuleDb::Embedded();
  return lmp::fuzz::Guard([&] {
    const lmp::model::Model m = lmp::model::ParseModel(lmp::fuzz::Text(data, size), "model.json");
    const lmp::analysis::Plan plan = lmp::analysis::BuildPlan(m, db, "fused");
    lmp::analysis::Scenario s;
    s.prompt_len = 17;
    s.decode_kv_len = 33;
    lmp::analysis::Analyze(plan, s);
  });
}
