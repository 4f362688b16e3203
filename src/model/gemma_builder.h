#ifndef LMP_MODEL_GEMMA_BUILDER_H_
#define LMP_MODEL_GEMMA_BUILDER_H_

#include <string_view>
#include <vector>

#include "model/config_reader.h"
#include "model/model.h"

namespace lmp::model {

// The Gemma families: gemma (GeGLU MLP, head_dim from the config, tied and
// scaled embeddings, RMSNorm with (1 + weight)) and gemma2 (as gemma, plus
// four norms per layer, sliding-window attention on every other layer,
// attention and final logit soft-capping). See docs/models.md.
std::vector<std::string_view> GemmaModelTypes();

// Builds the layer tree of a gemma or gemma2 config.json; `c` locates errors.
std::vector<Layer> BuildGemma(std::string_view model_type, const ConfigReader& c);

}  // namespace lmp::model

#endif  // LMP_MODEL_GEMMA_BUILDER_H_
