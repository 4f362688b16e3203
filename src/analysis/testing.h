#ifndef LMP_ANALYSIS_TESTING_H_
#define LMP_ANALYSIS_TESTING_H_

// Helpers shared by the test files (included only from *_test.cc).

#include <string>

#include <gtest/gtest.h>

#include "analysis/analyze.h"
#include "analysis/plan.h"
#include "db/module_db.h"

namespace lmp::analysis::testing {

// The embedded module database, loaded once per test binary.
inline const db::ModuleDb& EmbeddedDb() {
  static const db::ModuleDb db = db::ModuleDb::Embedded();
  return db;
}

// The per-instance figures of one operation in one stage; a test failure
// when the plan has no such operation.
inline Metrics OpFigures(const Plan& plan, const StageResult& st, const std::string& layer, const std::string& op) {
  for (size_t i = 0; i < plan.ops.size(); ++i) {
    if (plan.ops[i].layer == layer && plan.ops[i].op == op) return st.ops[i];
  }
  ADD_FAILURE() << "no operation " << layer << "." << op;
  return {};
}

}  // namespace lmp::analysis::testing

#endif  // LMP_ANALYSIS_TESTING_H_
