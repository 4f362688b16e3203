#include "model/moe_builder.h"

#include <string>

#include "model/builder.h"

namespace lmp::model {
namespace {

struct Family {
  std::string_view model_type;
  std::string_view module;   // the transformers module holding the classes
  std::string_view prefix;   // class name prefix
  std::string_view experts;  // the routed-experts class (docs/models.md#moe)
  std::string_view num_experts_key;
  std::string_view intermediate_key;  // one expert's MLP width
  bool qk_norm;
};

constexpr Family kFamilies[] = {
    // Classic (transformers 4.36 to 4.56) class names: the experts are a
    // ModuleList of MixtralBlockSparseTop2MLP (later fused as MixtralExperts,
    // an alias of the same entry).
    {"mixtral", "transformers.models.mixtral.modeling_mixtral.", "Mixtral",
     "transformers.models.mixtral.modeling_mixtral.MixtralBlockSparseTop2MLP", "num_local_experts",
     "intermediate_size", false},
    // Qwen3MoeMLP is also the dense MLP class, so the expert bank is named
    // after the fused Qwen3MoeExperts of later transformers versions.
    {"qwen3_moe", "transformers.models.qwen3_moe.modeling_qwen3_moe.", "Qwen3Moe",
     "transformers.models.qwen3_moe.modeling_qwen3_moe.Qwen3MoeExperts", "num_experts", "moe_intermediate_size", true},
};

const Family& Find(std::string_view model_type) {
  for (const Family& f : kFamilies) {
    if (f.model_type == model_type) return f;
  }
  return kFamilies[0];  // unreachable: the registry only dispatches listed types
}

}  // namespace

std::vector<std::string_view> MoeModelTypes() {
  std::vector<std::string_view> out;
  for (const Family& f : kFamilies) out.push_back(f.model_type);
  return out;
}

std::vector<Layer> BuildMoe(std::string_view model_type, const ConfigReader& c) {
  const Family& f = Find(model_type);
  const std::string cls = std::string(f.module) + std::string(f.prefix);
  const std::string type(f.model_type);
  const std::string num_experts_key(f.num_experts_key), inter_key(f.intermediate_key);

  const int64_t hidden = c.PositiveInt("hidden_size");
  c.PositiveInt("num_hidden_layers");
  const int64_t heads = c.PositiveInt("num_attention_heads");
  c.PositiveInt("vocab_size");
  c.PositiveInt(inter_key);
  const int64_t experts = c.PositiveInt(num_experts_key);
  const int64_t top_k = c.PositiveInt("num_experts_per_tok");
  if (top_k > experts) {
    throw c.At("num_experts_per_tok", "routes each token to " + std::to_string(top_k) + " experts but " +
                                          num_experts_key + " is " + std::to_string(experts));
  }
  const bool has_kv_heads = c.OptionalPositiveInt("num_key_value_heads").has_value();
  const bool has_head_dim = c.OptionalPositiveInt("head_dim").has_value();
  RequireWholeHeads(c, hidden, heads, "num_attention_heads", true);
  RequireSilu(c, type);
  // Not modelled (none of the catalog configs uses them): dense layers
  // among the MoE ones, qwen3_moe attention bias and sliding windows.
  auto unsupported = [&](const std::string& key, const std::string& what) {
    return c.At(key, "the " + type + " builder does not model " + what +
                         "; write an architecture JSON (docs/architecture.md)");
  };
  if (f.qk_norm) {
    if (c.OptionalInt("decoder_sparse_step", 1).value_or(1) != 1) {
      throw unsupported("decoder_sparse_step", "dense layers between MoE layers (decoder_sparse_step other than 1)");
    }
    if (c.Has("mlp_only_layers") &&
        !(c.doc()["mlp_only_layers"].is_array() && c.doc()["mlp_only_layers"].empty())) {
      throw unsupported("mlp_only_layers", "dense layers (a non-empty mlp_only_layers)");
    }
    if (c.OptionalBool("attention_bias", false)) throw unsupported("attention_bias", "attention biases");
    if (c.OptionalBool("use_sliding_window", false)) throw unsupported("use_sliding_window", "sliding windows");
  }
  // mixtral: every layer windowed when sliding_window is set (as mistral).
  const bool windowed = !f.qk_norm && c.OptionalPositiveInt("sliding_window").has_value();
  const bool tied = c.OptionalBool("tie_word_embeddings", false);

  const std::string head_dim = has_head_dim ? "{head_dim}" : "{hidden_size} / {num_attention_heads}";
  const std::string kv_heads = has_kv_heads ? "{num_key_value_heads}" : "{num_attention_heads}";
  const std::string q_width = has_head_dim ? "{num_attention_heads} * {head_dim}" : "{hidden_size}";
  const std::string kv_width =
      has_head_dim ? kv_heads + " * {head_dim}" : kv_heads + " * {hidden_size} / {num_attention_heads}";

  const std::string tokens = "{batch_size} * {seq_len}";
  auto linear = [&](const std::string& name, const std::string& in, const std::string& out, bool kv_cache_out) {
    std::vector<std::pair<std::string, std::string>> p = {{"N", tokens}, {"in_features", in}, {"out_features", out}};
    if (kv_cache_out) p.emplace_back("kv_cache_out", "1");
    if (kv_cache_out && windowed) p.emplace_back("kv_cache_skip_rows", KvCacheSkipRows());
    return MakeLayer(name, "torch.nn.modules.linear.Linear", p);
  };
  auto norm = [&](const std::string& name, const std::string& rows, const std::string& width) {
    return MakeLayer(name, cls + "RMSNorm", {{"num_tokens", rows}, {"hidden_size", width}});
  };

  std::vector<Layer> attn_subs = {
      linear("q_proj", "{hidden_size}", q_width, false),
      // K goes to the cache through RoPE (rope_k), V straight.
      linear("k_proj", "{hidden_size}", kv_width, false),
      linear("v_proj", "{hidden_size}", kv_width, true),
      linear("o_proj", q_width, "{hidden_size}", false),
  };
  if (f.qk_norm) {
    // Qwen3: RMSNorm over head_dim on each query and key head, before RoPE
    // (one row per token and head). The new keys' cache write stays at
    // k_proj, as in the Llama entries.
    attn_subs.push_back(norm("q_norm", tokens + " * {num_attention_heads}", head_dim));
    attn_subs.push_back(norm("k_norm", tokens + " * " + kv_heads, head_dim));
  }
  Layer attn = MakeLayer("self_attn", cls + "Attention",
                         AttentionParameters(windowed, "{num_attention_heads}", kv_heads, head_dim),
                         std::move(attn_subs));

  const std::string E = "{" + num_experts_key + "}", I = "{" + inter_key + "}";
  std::vector<std::pair<std::string, std::string>> block_params = {
      {"num_tokens", tokens}, {"hidden_size", "{hidden_size}"}, {"num_experts", E}, {"top_k", "{num_experts_per_tok}"}};
  if (f.qk_norm) block_params.emplace_back("norm_topk_prob", c.OptionalBool("norm_topk_prob", false) ? "1" : "0");
  // experts_touched is left to the entry's default, E * (1 - (1 - k/E)^T);
  // an architecture JSON may give it (docs/models.md#moe).
  Layer moe = MakeLayer("block_sparse_moe", cls + "SparseMoeBlock", block_params,
                        std::vector<Layer>{linear("gate", "{hidden_size}", E, false),
                                           MakeLayer("experts", std::string(f.experts),
                                                     {{"num_tokens", tokens},
                                                      {"hidden_size", "{hidden_size}"},
                                                      {"intermediate_size", I},
                                                      {"num_experts", E},
                                                      {"top_k", "{num_experts_per_tok}"}})});
  if (f.qk_norm) moe.name = "mlp";  // Qwen3MoeDecoderLayer.mlp; MixtralDecoderLayer.block_sparse_moe

  Layer decoder = MakeLayer("layers", cls + "DecoderLayer", {{"num_tokens", tokens}, {"hidden_size", "{hidden_size}"}},
                            std::vector<Layer>{norm("input_layernorm", tokens, "{hidden_size}"), std::move(attn),
                                               norm("post_attention_layernorm", tokens, "{hidden_size}"),
                                               std::move(moe)},
                            "{num_hidden_layers}");

  std::vector<Layer> model_subs;
  model_subs.push_back(MakeLayer("embed_tokens", "torch.nn.modules.sparse.Embedding",
                                 {{"num_indices", tokens}, {"num_embeddings", "{vocab_size}"}, {"embedding_dim", "{hidden_size}"}}));
  model_subs.push_back(MakeLayer("rotary_emb", cls + "RotaryEmbedding", {{"num_tokens", tokens}, {"head_dim", head_dim}}));
  model_subs.push_back(std::move(decoder));
  model_subs.push_back(norm("norm", tokens, "{hidden_size}"));

  return CausalLmRoot(cls, std::move(model_subs), tied);
}

}  // namespace lmp::model
