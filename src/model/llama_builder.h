#ifndef LMP_MODEL_LLAMA_BUILDER_H_
#define LMP_MODEL_LLAMA_BUILDER_H_

#include <string_view>
#include <vector>

#include "model/config_reader.h"
#include "model/model.h"

namespace lmp::model {

// The llama-like decoder families: llama, mistral and qwen2 share one
// structure (RMSNorm, RoPE, GQA attention with q/k/v/o projections, gated
// SiLU MLP) and differ in class paths, projection biases and sliding
// windows. See docs/models.md.
bool IsLlamaLike(std::string_view model_type);
std::vector<std::string_view> LlamaLikeModelTypes();

// Builds the layer tree of a llama-like config.json; `c` locates errors.
std::vector<Layer> BuildLlamaLike(std::string_view model_type, const ConfigReader& c);

}  // namespace lmp::model

#endif  // LMP_MODEL_LLAMA_BUILDER_H_
