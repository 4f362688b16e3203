#ifndef LMP_MODEL_DEEPSEEK_BUILDER_H_
#define LMP_MODEL_DEEPSEEK_BUILDER_H_

#include <string_view>
#include <vector>

#include "model/config_reader.h"
#include "model/model.h"

namespace lmp::model {

// DeepSeek-V2 and V3: multi-head latent attention (MLA) in every layer, the
// first `first_k_dense_replace` layers with a dense SwiGLU MLP, the rest a
// DeepSeekMoE block (router, routed experts, shared experts). The attention
// follows DeepSeek's absorbed inference, so the KV cache holds kv_lora_rank
// + qk_rope_head_dim values per token and layer. docs/models.md#mla.
std::vector<std::string_view> DeepseekModelTypes();

// Builds the layer tree of a deepseek_v2 or deepseek_v3 config.json; `c`
// locates errors.
std::vector<Layer> BuildDeepseek(std::string_view model_type, const ConfigReader& c);

}  // namespace lmp::model

#endif  // LMP_MODEL_DEEPSEEK_BUILDER_H_
