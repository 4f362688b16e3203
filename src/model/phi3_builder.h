#ifndef LMP_MODEL_PHI3_BUILDER_H_
#define LMP_MODEL_PHI3_BUILDER_H_

#include <string_view>
#include <vector>

#include "model/config_reader.h"
#include "model/model.h"

namespace lmp::model {

// phi3: the Llama structure with a fused qkv_proj (its K and V parts go to
// the KV cache) and a fused gate_up_proj, sliding_window on every layer
// when set, untied lm_head by default. See docs/models.md.
std::vector<std::string_view> Phi3ModelTypes();

// Builds the layer tree of a phi3 config.json; `c` locates errors.
std::vector<Layer> BuildPhi3(std::string_view model_type, const ConfigReader& c);

}  // namespace lmp::model

#endif  // LMP_MODEL_PHI3_BUILDER_H_
