#ifndef LMP_MODEL_MODEL_H_
#define LMP_MODEL_MODEL_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "formula/ast.h"
#include "model/safetensors.h"
#include "util/json_file.h"

namespace lmp::model {

// One entry of the standard model representation. A layer with sub_layers is
// composite: its module's operations are only the work between its
// sub-layers' calls; the sub-layers count their own.
struct Layer {
  std::string name;        // "" is allowed for the root; paths skip it
  std::string class_name;  // module lookup key (full class path)
  std::shared_ptr<const formula::Formula> repeat;  // null: 1; over config only
  // Module parameter -> formula over config values and scenario variables.
  std::vector<std::pair<std::string, std::shared_ptr<const formula::Formula>>> parameters;
  std::vector<Layer> sub_layers;
  bool composite = false;
  std::string pointer;  // JSON pointer in the source file
};

struct Model {
  std::string id;
  std::string file;  // where it came from, for errors
  std::string description;
  Json config;       // as written
  // Numeric config values (booleans as 0/1), usable as {name} in formulas.
  std::vector<std::pair<std::string, formula::Value>> numeric_config;
  std::vector<Layer> layers;
  // A model directory's safetensors headers, read at load time; empty for
  // any other MODEL, or a directory without safetensors files.
  std::optional<CheckpointSummary> checkpoint;
};

// Parses an architecture JSON; throws lmp::Error naming `file` and the place.
Model ParseModel(std::string_view text, const std::string& file);

// Parses an already-read architecture JSON document.
Model ParseModelDoc(const Json& doc, const std::string& file);

// The numeric config values (integers, doubles, booleans as 0/1) usable as
// {name} in formulas; strings, nulls, arrays and objects are left out.
std::vector<std::pair<std::string, formula::Value>> NumericConfig(const Json& config);

// MODEL as the CLI takes it:
//   - a path to an architecture JSON (it has "layers") or to a Hugging Face
//     config.json (it has "model_type"), built by the builder for its
//     model_type (model/builder.h);
//   - a directory holding config.json; its safetensors headers, if any, are
//     read into Model::checkpoint (model/safetensors.h), never the weights;
//   - else a catalog id (case-insensitive; the part after '/' alone also
//     matches).
Model LoadModel(std::string_view spec);

// The catalog id of an embedded file: "configs/org--name.json" is
// "org/name" (as is "models/org--name.json", whose model_id must match).
std::string CatalogIdOfPath(std::string_view path);

// A config.json's or an architecture JSON's text, told apart as LoadModel
// tells files apart; `name` stands for the file in errors and is the id.
Model LoadModelText(std::string_view text, const std::string& name);

struct CatalogEntry {
  std::string id;
  std::string description;
  std::string path;  // embedded data path
  bool built = false;  // a config.json (configs/), built on load; else an architecture JSON (models/)
};

// The embedded catalog: the hand-written architectures (data/models/), then
// the config.json files (data/configs/, named org--name.json after the
// Hugging Face id) whose id no architecture already has.
const std::vector<CatalogEntry>& Catalog();

}  // namespace lmp::model

#endif  // LMP_MODEL_MODEL_H_
