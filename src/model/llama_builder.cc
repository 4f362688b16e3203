#include "model/llama_builder.h"

#include <algorithm>
#include <string>

#include "model/builder.h"

namespace lmp::model {
namespace {

struct Family {
  std::string_view model_type;
  std::string_view module;  // the transformers module holding the classes
  std::string_view prefix;  // class name prefix
  bool qk_norm;             // RMSNorm on each query and key head (qwen3)
};

constexpr Family kFamilies[] = {
    {"llama", "transformers.models.llama.modeling_llama.", "Llama", false},
    {"mistral", "transformers.models.mistral.modeling_mistral.", "Mistral", false},
    {"qwen2", "transformers.models.qwen2.modeling_qwen2.", "Qwen2", false},
    {"qwen3", "transformers.models.qwen3.modeling_qwen3.", "Qwen3", true},
};

const Family* Find(std::string_view model_type) {
  for (const Family& f : kFamilies) {
    if (f.model_type == model_type) return &f;
  }
  return nullptr;
}

// Which decoder layers attend through a sliding window:
// [first_windowed, num_hidden_layers). first_windowed == num_hidden_layers
// means none.
//   mistral: every layer when sliding_window is set (null: none);
//   qwen2, qwen3: layers from max_window_layers on, only when
//   use_sliding_window;
//   llama: none.
int64_t FirstWindowedLayer(const Family& f, const ConfigReader& c, int64_t layers) {
  if (f.model_type == "mistral") {
    return c.OptionalPositiveInt("sliding_window") ? 0 : layers;
  }
  if (f.model_type == "qwen2" || f.model_type == "qwen3") {
    if (!c.OptionalBool("use_sliding_window", false)) return layers;
    if (!c.OptionalPositiveInt("sliding_window")) return layers;
    // max_window_layers may be 0 (every layer windowed); 28 is the default
    // of both Qwen2Config and Qwen3Config.
    return std::min(layers, c.OptionalInt("max_window_layers", 0).value_or(28));
  }
  return layers;
}

}  // namespace

bool IsLlamaLike(std::string_view model_type) { return Find(model_type) != nullptr; }

std::vector<std::string_view> LlamaLikeModelTypes() {
  std::vector<std::string_view> out;
  for (const Family& f : kFamilies) out.push_back(f.model_type);
  return out;
}

std::vector<Layer> BuildLlamaLike(std::string_view model_type, const ConfigReader& c) {
  const Family& f = *Find(model_type);
  const std::string cls = std::string(f.module) + std::string(f.prefix);

  // Required sizes (read here so a missing key names itself).
  const int64_t hidden = c.PositiveInt("hidden_size");
  c.PositiveInt("intermediate_size");
  const int64_t layers = c.PositiveInt("num_hidden_layers");
  const int64_t heads = c.PositiveInt("num_attention_heads");
  c.PositiveInt("vocab_size");
  const bool has_kv_heads = c.OptionalPositiveInt("num_key_value_heads").has_value();
  const bool has_head_dim = c.OptionalPositiveInt("head_dim").has_value();
  RequireWholeHeads(c, hidden, heads, "num_attention_heads", true);
  RequireSilu(c, std::string(f.model_type));

  // Sizes as formulas over the config, so `lmp inspect` shows where they
  // come from. Without head_dim it is hidden_size / num_attention_heads
  // (as transformers derives it); without num_key_value_heads, MHA.
  const std::string head_dim = has_head_dim ? "{head_dim}" : "{hidden_size} / {num_attention_heads}";
  const std::string kv_heads = has_kv_heads ? "{num_key_value_heads}" : "{num_attention_heads}";
  const std::string q_width = has_head_dim ? "{num_attention_heads} * {head_dim}" : "{hidden_size}";
  const std::string kv_width =
      has_head_dim ? kv_heads + " * {head_dim}" : kv_heads + " * {hidden_size} / {num_attention_heads}";

  // Biases: qwen2 has them on q, k and v (not o); llama and qwen3 have
  // attention_bias (q, k, v and o); llama also mlp_bias; mistral has none.
  const bool attention_bias =
      (f.model_type == "llama" || f.model_type == "qwen3") && c.OptionalBool("attention_bias", false);
  const bool qkv_bias = f.model_type == "qwen2" || attention_bias;
  const bool o_bias = attention_bias;
  const bool mlp_bias = f.model_type == "llama" && c.OptionalBool("mlp_bias", false);
  const bool tied = c.OptionalBool("tie_word_embeddings", false);

  const std::string tokens = "{batch_size} * {seq_len}";
  auto linear = [&](const std::string& name, const std::string& in, const std::string& out, bool bias,
                    bool kv_cache_out, bool windowed = false) {
    std::vector<std::pair<std::string, std::string>> p = {{"N", tokens}, {"in_features", in}, {"out_features", out}};
    if (bias) p.emplace_back("bias", "1");
    if (kv_cache_out) p.emplace_back("kv_cache_out", "1");
    if (kv_cache_out && windowed) p.emplace_back("kv_cache_skip_rows", KvCacheSkipRows());
    return MakeLayer(name, "torch.nn.modules.linear.Linear", p);
  };
  auto norm = [&](const std::string& name) {
    return MakeLayer(name, cls + "RMSNorm", {{"num_tokens", tokens}, {"hidden_size", "{hidden_size}"}});
  };
  auto decoder = [&](const std::string& name, const std::string& repeat, bool windowed) {
    std::vector<Layer> attn_subs = {
        linear("q_proj", "{hidden_size}", q_width, qkv_bias, false),
        // K goes to the cache through RoPE (the attention's rope_k); V
        // straight from its projection.
        linear("k_proj", "{hidden_size}", kv_width, qkv_bias, false),
        linear("v_proj", "{hidden_size}", kv_width, qkv_bias, true, windowed),
        linear("o_proj", q_width, "{hidden_size}", o_bias, false),
    };
    if (f.qk_norm) {
      // Qwen3: RMSNorm over head_dim on each query and key head, before
      // RoPE (one row per token and head), as in the qwen3_moe builder.
      attn_subs.push_back(MakeLayer("q_norm", cls + "RMSNorm",
                                    {{"num_tokens", tokens + " * {num_attention_heads}"}, {"hidden_size", head_dim}}));
      attn_subs.push_back(
          MakeLayer("k_norm", cls + "RMSNorm", {{"num_tokens", tokens + " * " + kv_heads}, {"hidden_size", head_dim}}));
    }
    Layer attn = MakeLayer("self_attn", cls + "Attention",
                           AttentionParameters(windowed, "{num_attention_heads}", kv_heads, head_dim),
                           std::move(attn_subs));
    std::vector<Layer> mlp_subs = {
        linear("gate_proj", "{hidden_size}", "{intermediate_size}", mlp_bias, false),
        linear("up_proj", "{hidden_size}", "{intermediate_size}", mlp_bias, false),
        MakeLayer("act_fn", "torch.nn.modules.activation.SiLU",
                  {{"num_elements", "{batch_size} * {seq_len} * {intermediate_size}"}}),
        linear("down_proj", "{intermediate_size}", "{hidden_size}", mlp_bias, false),
    };
    Layer mlp = MakeLayer("mlp", cls + "MLP", {{"num_tokens", tokens}, {"intermediate_size", "{intermediate_size}"}},
                          std::move(mlp_subs));
    return MakeLayer(name, cls + "DecoderLayer", {{"num_tokens", tokens}, {"hidden_size", "{hidden_size}"}},
                     std::vector<Layer>{norm("input_layernorm"), std::move(attn), norm("post_attention_layernorm"),
                                        std::move(mlp)},
                     repeat);
  };

  std::vector<Layer> model_subs;
  model_subs.push_back(MakeLayer("embed_tokens", "torch.nn.modules.sparse.Embedding",
                                 {{"num_indices", tokens},
                                  {"num_embeddings", "{vocab_size}"},
                                  {"embedding_dim", "{hidden_size}"}}));
  model_subs.push_back(MakeLayer("rotary_emb", cls + "RotaryEmbedding", {{"num_tokens", tokens}, {"head_dim", head_dim}}));
  // Full-attention layers first, then the windowed ones (qwen2's
  // max_window_layers); each run of identical layers is one entry.
  const int64_t first_windowed = FirstWindowedLayer(f, c, layers);
  if (first_windowed == layers) {
    model_subs.push_back(decoder("layers", "{num_hidden_layers}", false));
  } else if (first_windowed == 0) {
    model_subs.push_back(decoder("layers", "{num_hidden_layers}", true));
  } else {
    const std::string full = c.Has("max_window_layers") ? "{max_window_layers}" : std::to_string(first_windowed);
    model_subs.push_back(decoder("layers", full, false));
    model_subs.push_back(decoder("sliding_layers", "{num_hidden_layers} - " + full, true));
  }
  model_subs.push_back(norm("norm"));

  return CausalLmRoot(cls, std::move(model_subs), tied);
}

}  // namespace lmp::model
