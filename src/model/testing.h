#ifndef LMP_MODEL_TESTING_H_
#define LMP_MODEL_TESTING_H_

// Helpers shared by the builder test files (included only from *_test.cc).

#include <string>

#include <gtest/gtest.h>

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

}  // namespace lmp::model::testing

#endif  // LMP_MODEL_TESTING_H_
