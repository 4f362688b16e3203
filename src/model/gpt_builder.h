#ifndef LMP_MODEL_GPT_BUILDER_H_
#define LMP_MODEL_GPT_BUILDER_H_

#include <string_view>
#include <vector>

#include "model/config_reader.h"
#include "model/model.h"

namespace lmp::model {

// The GPT-style decoder families with LayerNorm, GELU/ReLU MLPs and biases:
//   gpt2     Conv1D projections (fused c_attn), learned positions, tied lm_head;
//   gpt_neox fused query_key_value, partial rotary, parallel residual;
//   opt      learned positions with an offset of 2, ReLU, tied lm_head;
//   falcon   fused query_key_value, multi-query attention, parallel attn/MLP.
// See docs/models.md.
std::vector<std::string_view> GptLikeModelTypes();

// Builds the layer tree of one of these config.json files; `c` locates errors.
std::vector<Layer> BuildGptLike(std::string_view model_type, const ConfigReader& c);

}  // namespace lmp::model

#endif  // LMP_MODEL_GPT_BUILDER_H_
