#ifndef LMP_ANALYSIS_MISSING_H_
#define LMP_ANALYSIS_MISSING_H_

#include <string>
#include <vector>

#include "db/module_db.h"
#include "model/model.h"

namespace lmp::analysis {

// A layer class the database does not know, with what an analyzer needs.
struct MissingModule {
  std::string class_name;
  std::string pointer;  // the first layer with it, in the model file
  // For a composite layer: "name=class" of each sub-layer.
  std::vector<std::pair<std::string, std::string>> sub_layers;
};

// Every class of the model's layers that `db` cannot find (unknown, not
// ambiguous), once each, in tree order (parents before their sub-layers).
std::vector<MissingModule> MissingModules(const model::Model& model, const db::ModuleDb& db);

}  // namespace lmp::analysis

#endif  // LMP_ANALYSIS_MISSING_H_
