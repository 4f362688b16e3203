#include "model/phi3_builder.h"

#include <string>

#include "model/builder.h"

namespace lmp::model {

std::vector<std::string_view> Phi3ModelTypes() { return {"phi3"}; }

std::vector<Layer> BuildPhi3(std::string_view /*model_type*/, const ConfigReader& c) {
  const std::string cls = "transformers.models.phi3.modeling_phi3.Phi3";

  const int64_t hidden = c.PositiveInt("hidden_size");
  c.PositiveInt("intermediate_size");
  c.PositiveInt("num_hidden_layers");
  const int64_t heads = c.PositiveInt("num_attention_heads");
  c.PositiveInt("vocab_size");
  const bool has_kv_heads = c.OptionalPositiveInt("num_key_value_heads").has_value();
  // Phi3Attention: head_dim = hidden_size // num_attention_heads (newer
  // transformers also accept head_dim).
  const bool has_head_dim = c.OptionalPositiveInt("head_dim").has_value();
  RequireWholeHeads(c, hidden, heads, "num_attention_heads", true);
  RequireSilu(c, "phi3");
  if (c.OptionalBool("attention_bias", false)) {
    throw c.At("attention_bias",
               "the phi3 builder models attention_bias false only; write an architecture JSON (docs/architecture.md)");
  }
  const std::string head_dim = has_head_dim ? "{head_dim}" : "{hidden_size} / {num_attention_heads}";
  const std::string kv_heads = has_kv_heads ? "{num_key_value_heads}" : "{num_attention_heads}";
  const std::string q_width = has_head_dim ? "{num_attention_heads} * {head_dim}" : "{hidden_size}";
  const std::string kv_width = kv_heads + " * " + head_dim;
  const bool tied = c.OptionalBool("tie_word_embeddings", false);
  // transformers applies sliding_window to every Phi3 layer (the sliding
  // causal mask; the rolling cache) when it is set.
  const bool windowed = c.OptionalPositiveInt("sliding_window").has_value();

  const std::string tokens = "{batch_size} * {seq_len}";
  auto linear = [&](const std::string& name, const std::string& in, const std::string& out,
                    const std::string& kv_cache_features) {
    std::vector<std::pair<std::string, std::string>> p = {{"N", tokens}, {"in_features", in}, {"out_features", out}};
    if (!kv_cache_features.empty()) p.emplace_back("kv_cache_features", kv_cache_features);
    if (!kv_cache_features.empty() && windowed) p.emplace_back("kv_cache_skip_rows", KvCacheSkipRows());
    return MakeLayer(name, "torch.nn.modules.linear.Linear", p);
  };
  auto norm = [&](const std::string& name) {
    return MakeLayer(name, cls + "RMSNorm", {{"num_tokens", tokens}, {"hidden_size", "{hidden_size}"}});
  };

  // qkv_proj: one GEMM to q, k and v side by side; the V columns
  // (kv_heads * head_dim) go to the KV cache, Q and K to activations (K
  // reaches the cache through RoPE, rope_k). The split is a view.
  std::vector<Layer> attn_subs = {
      linear("qkv_proj", "{hidden_size}", q_width + " + 2 * " + kv_width, kv_width),
      linear("o_proj", q_width, "{hidden_size}", ""),
  };
  Layer attn = MakeLayer("self_attn", cls + "Attention",
                         AttentionParameters(windowed, "{num_attention_heads}", kv_heads, head_dim),
                         std::move(attn_subs));
  // gate_up_proj: one GEMM to 2 * intermediate_size, chunked (a view) into
  // gate and up; then activation_fn(gate) * up and down_proj.
  std::vector<Layer> mlp_subs = {
      linear("gate_up_proj", "{hidden_size}", "2 * {intermediate_size}", ""),
      MakeLayer("activation_fn", "torch.nn.modules.activation.SiLU",
                {{"num_elements", "{batch_size} * {seq_len} * {intermediate_size}"}}),
      linear("down_proj", "{intermediate_size}", "{hidden_size}", ""),
  };
  Layer mlp = MakeLayer("mlp", cls + "MLP", {{"num_tokens", tokens}, {"intermediate_size", "{intermediate_size}"}},
                        std::move(mlp_subs));
  Layer decoder = MakeLayer(
      "layers", cls + "DecoderLayer", {{"num_tokens", tokens}, {"hidden_size", "{hidden_size}"}},
      std::vector<Layer>{norm("input_layernorm"), std::move(attn), norm("post_attention_layernorm"), std::move(mlp)},
      "{num_hidden_layers}");

  std::vector<Layer> model_subs;
  model_subs.push_back(MakeLayer("embed_tokens", "torch.nn.modules.sparse.Embedding",
                                 {{"num_indices", tokens},
                                  {"num_embeddings", "{vocab_size}"},
                                  {"embedding_dim", "{hidden_size}"}}));
  model_subs.push_back(MakeLayer("rotary_emb", cls + "RotaryEmbedding", {{"num_tokens", tokens}, {"head_dim", head_dim}}));
  model_subs.push_back(std::move(decoder));
  model_subs.push_back(norm("norm"));

  return CausalLmRoot(cls, std::move(model_subs), tied);
}

}  // namespace lmp::model
