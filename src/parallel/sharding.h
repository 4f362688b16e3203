#ifndef LMP_PARALLEL_SHARDING_H_
#define LMP_PARALLEL_SHARDING_H_

// The sharding rules (data/parallel/sharding.json, lmp.sharding/1): how a
// module class's layers split over a parallel layout (layout.h). Rules are
// data, keyed by the module database's class name, so a family is sharded
// by writing JSON, not code. docs/parallelism.md describes the format.
//
// A rule rewrites a layer's parameters with formulas over its unsharded
// parameters ({p}), its parent's ({parent_p}), the degrees ({tp}, {ep}),
// config keys and scenario variables; every operation of the layer then
// sees the per-GPU values. A layer no rule touches is replicated over the
// tensor-parallel group. Communication rules add collectives to the
// per-operation list; pipeline rules say which layers are the decoder stacks
// split into stages and which belong to the first or last stage only.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "formula/ast.h"

namespace lmp::parallel {

using FormulaPtr = std::shared_ptr<const formula::Formula>;

// A collective after (or before) a layer's own operations.
struct CommRule {
  std::string name;        // the operation's name in reports
  std::string collective;  // "all_reduce", "all_gather", "reduce_scatter", "all_to_all"
  std::string group;       // "tp" or "ep": the GPUs taking part
  bool before = false;
  FormulaPtr bytes;        // the message, as collective.h defines it per collective
  std::string pointer;     // in the rules file
};

struct LayerRule {
  std::vector<std::pair<std::string, FormulaPtr>> parameters;
  std::vector<std::string> parameter_pointers;  // parallel to parameters
  std::vector<CommRule> communication;
  bool empty() const { return parameters.empty() && communication.empty(); }
};

// "A degree must divide a value": tp must divide the attention heads. With
// or_divides, a value that divides the degree is allowed too (key/value
// heads fewer than tp are replicated).
struct Requirement {
  FormulaPtr value;
  std::string divisible_by;  // "tp" or "ep"
  bool or_divides = false;
  std::string what;          // "attention heads", for errors
  std::string pointer;
};

struct PipelineRule {
  // Children that are decoder-layer stacks, in the order their layers run
  // (a stack the model lacks is skipped). Interleaved stacks alternate layer
  // by layer (Gemma 2's sliding and global layers) instead.
  std::vector<std::string> stacks;
  bool interleaved = false;
  std::string self_stage;  // "", "first" or "last": where the layer's own operations run
  std::vector<std::pair<std::string, std::string>> sub_layer_stages;  // child -> "first" / "last"
  FormulaPtr send_bytes;   // what a stage sends the next; null: no pipeline rule
  std::string pointer;
};

struct ClassRule {
  std::string class_name;
  std::string source;
  std::vector<Requirement> requirements;
  LayerRule self;
  std::vector<std::pair<std::string, LayerRule>> sub_layers;
  PipelineRule pipeline;
  std::string file;
  std::string pointer;

  const LayerRule* SubLayer(std::string_view name) const;
  // "first", "last" or "" for a child of this class under pipeline rules.
  std::string_view StageOf(std::string_view child) const;
  bool IsStack(std::string_view child) const;
};

class ShardingRules {
 public:
  // data/parallel/*.json, as embedded.
  static ShardingRules Embedded();
  // Throws lmp::Error naming `file` and the JSON pointer of the first fault
  // (schema, or a formula that does not parse). A class already present is
  // replaced.
  void AddText(std::string_view text, const std::string& file);
  void AddFile(const std::string& path);
  const ClassRule* Find(std::string_view full_class_name) const;
  const std::vector<ClassRule>& classes() const { return classes_; }

 private:
  std::vector<ClassRule> classes_;
};

}  // namespace lmp::parallel

#endif  // LMP_PARALLEL_SHARDING_H_
