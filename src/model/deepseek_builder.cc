#include "model/deepseek_builder.h"

#include <algorithm>
#include <string>

#include "model/builder.h"

namespace lmp::model {

std::vector<std::string_view> DeepseekModelTypes() { return {"deepseek_v2", "deepseek_v3"}; }

std::vector<Layer> BuildDeepseek(std::string_view model_type, const ConfigReader& c) {
  const bool v3 = model_type == "deepseek_v3";
  const std::string module = v3 ? "deepseek_v3" : "deepseek_v2";
  const std::string cls = "transformers.models." + module + ".modeling_" + module + (v3 ? ".DeepseekV3" : ".DeepseekV2");
  const std::string type(model_type);

  const int64_t layers = c.PositiveInt("num_hidden_layers");
  c.PositiveInt("hidden_size");
  c.PositiveInt("num_attention_heads");
  c.PositiveInt("vocab_size");
  c.PositiveInt("intermediate_size");
  c.PositiveInt("kv_lora_rank");
  c.PositiveInt("qk_nope_head_dim");
  c.PositiveInt("qk_rope_head_dim");
  c.PositiveInt("v_head_dim");
  const bool q_lora = c.OptionalPositiveInt("q_lora_rank").has_value();  // null: a plain q_proj
  RequireSilu(c, type);
  const bool bias = c.OptionalBool("attention_bias", false);
  const bool tied = c.OptionalBool("tie_word_embeddings", false);

  // n_routed_experts null makes every layer dense (DeepseekV2Config allows it).
  const bool moe = c.OptionalPositiveInt("n_routed_experts").has_value();
  int64_t first_dense = layers;
  if (moe) {
    c.PositiveInt("moe_intermediate_size");
    const int64_t experts = c.PositiveInt("n_routed_experts");
    const int64_t top_k = c.PositiveInt("num_experts_per_tok");
    if (top_k > experts) {
      throw c.At("num_experts_per_tok", "routes each token to " + std::to_string(top_k) +
                                            " experts but n_routed_experts is " + std::to_string(experts));
    }
    if (c.OptionalInt("moe_layer_freq", 1).value_or(1) != 1) {
      throw c.At("moe_layer_freq", "the " + type +
                                       " builder models an MoE block in every layer after first_k_dense_replace "
                                       "(moe_layer_freq 1) only; write an architecture JSON (docs/architecture.md)");
    }
    first_dense = std::min(layers, c.OptionalInt("first_k_dense_replace", 0).value_or(0));
  }
  const bool shared = moe && c.OptionalPositiveInt("n_shared_experts").has_value();

  const std::string tokens = "{batch_size} * {seq_len}";
  const std::string q_width = "{num_attention_heads} * ({qk_nope_head_dim} + {qk_rope_head_dim})";
  auto linear = [&](const std::string& name, const std::string& in, const std::string& out, bool b,
                    const std::string& kv_cache_features) {
    std::vector<std::pair<std::string, std::string>> p = {{"N", tokens}, {"in_features", in}, {"out_features", out}};
    if (b) p.emplace_back("bias", "1");
    if (!kv_cache_features.empty()) p.emplace_back("kv_cache_features", kv_cache_features);
    return MakeLayer(name, "torch.nn.modules.linear.Linear", p);
  };
  auto norm = [&](const std::string& name, const std::string& width) {
    return MakeLayer(name, cls + "RMSNorm", {{"num_tokens", tokens}, {"hidden_size", width}});
  };
  auto mlp = [&](const std::string& name, const std::string& width) {
    return MakeLayer(name, cls + "MLP", {{"num_tokens", tokens}, {"intermediate_size", width}},
                     std::vector<Layer>{linear("gate_proj", "{hidden_size}", width, false, ""),
                                        linear("up_proj", "{hidden_size}", width, false, ""),
                                        MakeLayer("act_fn", "torch.nn.modules.activation.SiLU",
                                                  {{"num_elements", tokens + " * " + width}}),
                                        linear("down_proj", width, "{hidden_size}", false, "")});
  };

  // The query path, then the compressed KV path whose output is the cache
  // entry: the latent columns go straight to the cache, the shared RoPE key
  // through rope_k. kv_b_proj lives in the attention entry.
  std::vector<Layer> attn_subs;
  if (q_lora) {
    attn_subs.push_back(linear("q_a_proj", "{hidden_size}", "{q_lora_rank}", bias, ""));
    attn_subs.push_back(norm("q_a_layernorm", "{q_lora_rank}"));
    attn_subs.push_back(linear("q_b_proj", "{q_lora_rank}", q_width, false, ""));
  } else {
    attn_subs.push_back(linear("q_proj", "{hidden_size}", q_width, false, ""));
  }
  attn_subs.push_back(
      linear("kv_a_proj_with_mqa", "{hidden_size}", "{kv_lora_rank} + {qk_rope_head_dim}", bias, "{kv_lora_rank}"));
  attn_subs.push_back(norm("kv_a_layernorm", "{kv_lora_rank}"));
  attn_subs.push_back(linear("o_proj", "{num_attention_heads} * {v_head_dim}", "{hidden_size}", bias, ""));
  const Layer attn = MakeLayer("self_attn", cls + "Attention",
                               {{"batch_size", "{batch_size}"},
                                {"seq_len", "{seq_len}"},
                                {"kv_len", "{kv_len}"},
                                {"num_heads", "{num_attention_heads}"},
                                {"kv_lora_rank", "{kv_lora_rank}"},
                                {"qk_nope_head_dim", "{qk_nope_head_dim}"},
                                {"qk_rope_head_dim", "{qk_rope_head_dim}"},
                                {"v_head_dim", "{v_head_dim}"}},
                               std::move(attn_subs));

  // DeepSeek-V2's routing (DeepseekV2Moe.route_tokens_to_experts): greedy
  // top-k, or group-limited, which needs n_group and topk_group.
  const bool group_limited = [&] {
    if (v3 || !moe) return false;
    const std::string method = c.OptionalString("topk_method", "greedy");
    if (method == "greedy") return false;
    if (method != "group_limited_greedy") {
      throw c.At("topk_method", "'" + method +
                                    "' is not a DeepSeek-V2 routing; DeepseekV2Moe knows greedy and "
                                    "group_limited_greedy");
    }
    const int64_t groups = c.PositiveInt("n_group");
    const int64_t experts = c.PositiveInt("n_routed_experts");
    if (experts % groups != 0) {
      throw c.At("n_group", std::to_string(groups) + " groups do not divide n_routed_experts " +
                                std::to_string(experts) + " into equal groups");
    }
    if (c.PositiveInt("topk_group") > groups) {
      throw c.At("topk_group", "keeps more groups than n_group " + std::to_string(groups));
    }
    return true;
  }();

  auto moe_block = [&]() {
    const std::string E = "{n_routed_experts}", k = "{num_experts_per_tok}";
    std::vector<Layer> subs;
    if (v3) {
      const std::string groups = c.OptionalPositiveInt("n_group") ? "{n_group}" : "1";
      subs.push_back(MakeLayer("gate", cls + "TopkRouter",
                               {{"num_tokens", tokens},
                                {"hidden_size", "{hidden_size}"},
                                {"num_experts", E},
                                {"top_k", k},
                                {"n_group", groups},
                                {"topk_group", c.OptionalPositiveInt("topk_group") ? "{topk_group}" : groups},
                                {"norm_topk_prob", c.OptionalBool("norm_topk_prob", false) ? "1" : "0"}}));
    }
    // V2's gate is an nn.Linear whose weight the block uses in F.linear: its
    // GEMM and parameters are the block's (data/modules/deepseek.json).
    subs.push_back(MakeLayer("experts", cls + (v3 ? "NaiveMoe" : "Experts"),
                             {{"num_tokens", tokens},
                              {"hidden_size", "{hidden_size}"},
                              {"intermediate_size", "{moe_intermediate_size}"},
                              {"num_experts", E},
                              {"top_k", k}}));
    if (shared) subs.push_back(mlp("shared_experts", "{moe_intermediate_size} * {n_shared_experts}"));
    std::vector<std::pair<std::string, std::string>> params = {
        {"num_tokens", tokens},
        {"hidden_size", "{hidden_size}"},
        {"top_k", k},
        {"has_shared_experts", shared ? "1" : "0"},
        {"num_experts", E}};
    if (group_limited) {
      params.emplace_back("group_limited", "1");
      params.emplace_back("n_group", "{n_group}");
      params.emplace_back("topk_group", "{topk_group}");
    }
    return MakeLayer("mlp", cls + (v3 ? "MoE" : "Moe"), params, std::move(subs));
  };
  auto decoder = [&](const std::string& name, const std::string& repeat, bool sparse) {
    return MakeLayer(name, cls + "DecoderLayer", {{"num_tokens", tokens}, {"hidden_size", "{hidden_size}"}},
                     std::vector<Layer>{norm("input_layernorm", "{hidden_size}"), attn,
                                        norm("post_attention_layernorm", "{hidden_size}"),
                                        sparse ? moe_block() : mlp("mlp", "{intermediate_size}")},
                     repeat);
  };

  std::vector<Layer> model_subs;
  model_subs.push_back(MakeLayer("embed_tokens", "torch.nn.modules.sparse.Embedding",
                                 {{"num_indices", tokens},
                                  {"num_embeddings", "{vocab_size}"},
                                  {"embedding_dim", "{hidden_size}"}}));
  model_subs.push_back(
      MakeLayer("rotary_emb", cls + "RotaryEmbedding", {{"num_tokens", tokens}, {"head_dim", "{qk_rope_head_dim}"}}));
  // The dense layers, then the MoE ones; each run of identical layers is one
  // entry. The multi-token-prediction layers (num_nextn_predict_layers) are
  // not part of the forward pass and are not built.
  if (first_dense > 0) {
    const std::string n = first_dense == layers ? "{num_hidden_layers}" : "{first_k_dense_replace}";
    model_subs.push_back(decoder(first_dense == layers ? "layers" : "dense_layers", n, false));
  }
  if (first_dense < layers) {
    const std::string n = first_dense == 0 ? "{num_hidden_layers}" : "{num_hidden_layers} - {first_k_dense_replace}";
    model_subs.push_back(decoder(first_dense == 0 ? "layers" : "moe_layers", n, true));
  }
  model_subs.push_back(norm("norm", "{hidden_size}"));
  return CausalLmRoot(cls, std::move(model_subs), tied);
}

}  // namespace lmp::model
