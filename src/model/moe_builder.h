#ifndef LMP_MODEL_MOE_BUILDER_H_
#define LMP_MODEL_MOE_BUILDER_H_

#include <string_view>
#include <vector>

#include "model/config_reader.h"
#include "model/model.h"

namespace lmp::model {

// The llama-like sparse mixture-of-experts families: mixtral and qwen3_moe.
// Attention, norms and embeddings as in the llama builder (qwen3_moe adds
// q_norm/k_norm, an RMSNorm over head_dim per head before RoPE); each
// decoder layer's MLP is a sparse MoE block: a router (gate, Linear
// hidden -> num_experts) and the routed experts as one layer whose FLOPs
// follow tokens x top_k and whose weight reads follow the distinct experts
// touched. Neither family has shared experts. See docs/models.md#moe.
std::vector<std::string_view> MoeModelTypes();

// Builds the layer tree of a mixtral or qwen3_moe config.json; `c` locates errors.
std::vector<Layer> BuildMoe(std::string_view model_type, const ConfigReader& c);

}  // namespace lmp::model

#endif  // LMP_MODEL_MOE_BUILDER_H_
