#ifndef LMP_MODEL_BUILDER_H_
#define LMP_MODEL_BUILDER_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/config_reader.h"
#include "model/model.h"
#include "util/json_file.h"

namespace lmp::model {

// True if `doc` is a Hugging Face config.json rather than an architecture
// JSON: it has "model_type" and no "layers".
bool IsHfConfig(const Json& doc);

// The model_type values a builder exists for, sorted.
std::vector<std::string> SupportedModelTypes();

// Builds the standard model representation from a config.json: the same
// Model/Layer tree an architecture JSON parses to, with the real
// transformers class paths, and `config` kept verbatim. `file` names the
// config in errors; `id` is the model id shown in reports. Throws
// lmp::Error naming the file and the key (JSON pointer) for an unsupported
// model_type, a missing required key or a wrong type.
Model BuildFromConfig(const Json& config, const std::string& file, const std::string& id);

// For builders: one layer with its formulas given as text. `sub_layers`
// present (even empty) makes it composite; an empty `repeat` means 1.
Layer MakeLayer(std::string name, std::string class_name,
                const std::vector<std::pair<std::string, std::string>>& parameters,
                std::optional<std::vector<Layer>> sub_layers = std::nullopt, const std::string& repeat = "");

// The parameters of a Llama-style attention module (batch_size, seq_len,
// kv_len, num_heads, num_kv_heads, head_dim). `windowed`: the layer attends
// at most {sliding_window} tokens, so its kv_len is min({kv_len},
// {sliding_window}); the KV cache it reads, and so the footprint, follow.
std::vector<std::pair<std::string, std::string>> AttentionParameters(bool windowed, const std::string& heads,
                                                                     const std::string& kv_heads,
                                                                     const std::string& head_dim);

// kv_cache_skip_rows for a windowed layer's cache-bound projection (V): a
// ring buffer of {sliding_window} entries stores only the last window of a
// longer prompt, so batch_size * max(0, seq_len - sliding_window) rows stay
// activations. RoPE caps the keys it stores the same way (min(seq_len,
// kv_len), kv_len being capped at the window).
std::string KvCacheSkipRows();

// Throws at /`heads_key` unless `hidden` splits into `heads` whole heads. A
// family that reads "head_dim" from its config passes head_dim_key: a config
// that gives head_dim needs no split, and the error says to give it.
void RequireWholeHeads(const ConfigReader& c, int64_t hidden, int64_t heads, const std::string& heads_key,
                       bool head_dim_key);

// Throws at /hidden_act unless it is "silu" (the default), naming `family`.
void RequireSilu(const ConfigReader& c, const std::string& family);

// The top of a decoder-only model as transformers builds it:
// `<cls>ForCausalLM` holding `model` (`<cls>Model` with `model_subs`) and
// `lm_head` (vocab_size outputs over the logits positions). `tied`:
// tie_word_embeddings, so lm_head reads embed_tokens' table but its
// parameters are counted once, at embed_tokens.
std::vector<Layer> CausalLmRoot(const std::string& cls, std::vector<Layer> model_subs, bool tied);

// Sets every layer's pointer to where it would sit in the equivalent
// architecture JSON ("/layers/0/sub_layers/2"), so an error in a built
// model points into the tree `lmp inspect` shows.
void AssignPointers(std::vector<Layer>& layers, const std::string& prefix = "/layers");

}  // namespace lmp::model

#endif  // LMP_MODEL_BUILDER_H_
