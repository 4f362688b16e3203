#ifndef LMP_AGENT_CHECK_ENTRY_H_
#define LMP_AGENT_CHECK_ENTRY_H_

#include <string>
#include <vector>

#include "util/json_file.h"

namespace lmp::agent {

// A sub-layer of a composite module: its attribute name (q_proj) and, when
// known, its class (torch.nn.Linear).
struct SubLayer {
  std::string name;
  std::string class_name;
};

// Parses "q_proj=torch.nn.Linear,k_proj,..." (the class part is optional).
std::vector<SubLayer> ParseSubLayers(const std::string& list);

struct EntryCheckContext {
  std::string class_name;            // the class asked for, full or short
  std::vector<SubLayer> sub_layers;  // empty: a basic module
  std::string db_file;               // the user database the entry goes to; may not exist yet
};

struct CheckedEntry {
  std::string key;
  Json entry;
};

// The sizes every required parameter takes at the two sample points.
constexpr int64_t kSampleSmall = 32;
constexpr int64_t kSampleLarge = 64;

// Checks one agent answer (a JSON object: a whole lmp.module-db/1 document
// with one module, {"key": entry}, or a bare entry). Returns the faults, one
// message each, saying what to fix; empty means `out` holds a valid entry.
// The checks (docs/agents.md#validation):
//  - one entry, for the class asked for, under a key no other module uses;
//  - the schema and every formula, as loading checks them, on top of the
//    embedded database and `db_file`;
//  - evaluated with every required parameter at kSampleSmall and then at
//    kSampleLarge: every figure finite, a non-negative whole number, none
//    smaller at the larger point, and the sum of all figures strictly larger
//    (unless every figure is 0 at both points: a pure container);
//  - for a composite: no operation named after a sub-layer, and no formula
//    that calls a sub-layer's class (that work is the sub-layer's).
std::vector<std::string> CheckAgentAnswer(const Json& answer, const EntryCheckContext& ctx, CheckedEntry* out);

}  // namespace lmp::agent

#endif  // LMP_AGENT_CHECK_ENTRY_H_
