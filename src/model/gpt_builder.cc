#include "model/gpt_builder.h"

#include <string>
#include <utility>

#include "model/builder.h"

namespace lmp::model {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

const std::string kTokens = "{batch_size} * {seq_len}";
constexpr std::string_view kLinear = "torch.nn.modules.linear.Linear";

// A projection of class `cls` (torch Linear or a subclass with the same
// parameters). `kv_features`: how many output columns are K and V, written
// straight into the KV cache ("" for none).
Layer Linear(const std::string& name, const std::string& in, const std::string& out, bool bias,
             const std::string& kv_features = "", std::string_view cls = kLinear) {
  Params p = {{"N", kTokens}, {"in_features", in}, {"out_features", out}};
  if (bias) p.emplace_back("bias", "1");
  if (!kv_features.empty()) p.emplace_back("kv_cache_features", kv_features);
  return MakeLayer(name, std::string(cls), p);
}

Layer LayerNorm(const std::string& name, const std::string& hidden) {
  return MakeLayer(name, "torch.nn.modules.normalization.LayerNorm", {{"num_tokens", kTokens}, {"hidden_size", hidden}});
}

Layer Embedding(const std::string& name, const std::string& rows, const std::string& dim) {
  return MakeLayer(name, "torch.nn.modules.sparse.Embedding",
                   {{"num_indices", kTokens}, {"num_embeddings", rows}, {"embedding_dim", dim}});
}

// The activation module for a transformers ACT2FN name.
Layer Activation(const ConfigReader& c, const std::string& key, const std::string& fallback, const std::string& name,
                 const std::string& width) {
  const std::string act = c.OptionalString(key, fallback);
  std::string cls;
  if (act == "gelu_new") {
    cls = "transformers.activations.NewGELUActivation";
  } else if (act == "gelu") {
    cls = "transformers.activations.GELUActivation";
  } else if (act == "relu") {
    cls = "torch.nn.modules.activation.ReLU";
  } else {
    throw c.At(key, "the builder models gelu_new, gelu and relu, got \"" + act +
                        "\"; write an architecture JSON (docs/architecture.md)");
  }
  return MakeLayer(name, cls, {{"num_elements", kTokens + " * " + width}});
}

// lm_head: tied (parameters counted at the embedding) or its own weight.
Layer LmHead(const std::string& name, const std::string& in, const std::string& vocab, bool tied) {
  Params head = {{"N", "{batch_size} * {logits_len}"}, {"in_features", in}, {"out_features", vocab}};
  if (tied) head.emplace_back("tied_weight", "1");
  return MakeLayer(name, std::string(kLinear), head);
}

// GPT2LMHeadModel. Keys: n_embd, n_layer, n_head, vocab_size, n_positions;
// n_inner (null: 4 * n_embd), activation_function (gelu_new),
// tie_word_embeddings (true).
std::vector<Layer> BuildGpt2(const ConfigReader& c) {
  const std::string m = "transformers.models.gpt2.modeling_gpt2.";
  const int64_t hidden = c.PositiveInt("n_embd");
  c.PositiveInt("n_layer");
  const int64_t heads = c.PositiveInt("n_head");
  c.PositiveInt("vocab_size");
  c.PositiveInt("n_positions");
  RequireWholeHeads(c, hidden, heads, "n_head", false);
  const std::string inner = c.OptionalPositiveInt("n_inner") ? "{n_inner}" : "4 * {n_embd}";
  const bool tied = c.OptionalBool("tie_word_embeddings", true);

  auto conv1d = [](const std::string& name, const std::string& nx, const std::string& nf,
                   const std::string& kv_features = "") {
    Params p = {{"N", kTokens}, {"nx", nx}, {"nf", nf}};
    if (!kv_features.empty()) p.emplace_back("kv_cache_features", kv_features);
    return MakeLayer(name, "transformers.pytorch_utils.Conv1D", p);
  };
  // c_attn is Conv1D(3 * n_embd, n_embd): q, k, v side by side; k and v
  // (2 * n_embd columns) go to the KV cache.
  Layer attn = MakeLayer("attn", m + "GPT2Attention",
                         AttentionParameters(false, "{n_head}", "{n_head}", "{n_embd} / {n_head}"),
                         std::vector<Layer>{conv1d("c_attn", "{n_embd}", "3 * {n_embd}", "2 * {n_embd}"),
                                            conv1d("c_proj", "{n_embd}", "{n_embd}")});
  Layer mlp = MakeLayer("mlp", m + "GPT2MLP", {},
                        std::vector<Layer>{conv1d("c_fc", "{n_embd}", inner),
                                           Activation(c, "activation_function", "gelu_new", "act", inner),
                                           conv1d("c_proj", inner, "{n_embd}")});
  Layer block = MakeLayer("h", m + "GPT2Block", {{"num_tokens", kTokens}, {"hidden_size", "{n_embd}"}},
                          std::vector<Layer>{LayerNorm("ln_1", "{n_embd}"), std::move(attn),
                                             LayerNorm("ln_2", "{n_embd}"), std::move(mlp)},
                          "{n_layer}");
  Layer model = MakeLayer("transformer", m + "GPT2Model", {{"num_tokens", kTokens}, {"hidden_size", "{n_embd}"}},
                          std::vector<Layer>{Embedding("wte", "{vocab_size}", "{n_embd}"),
                                             Embedding("wpe", "{n_positions}", "{n_embd}"), std::move(block),
                                             LayerNorm("ln_f", "{n_embd}")});
  std::vector<Layer> out;
  out.push_back(MakeLayer("", m + "GPT2LMHeadModel", {},
                          std::vector<Layer>{std::move(model), LmHead("lm_head", "{n_embd}", "{vocab_size}", tied)}));
  return out;
}

// GPTNeoXForCausalLM. Keys: hidden_size, intermediate_size,
// num_hidden_layers, num_attention_heads, vocab_size; rotary_pct (0.25),
// use_parallel_residual (true), attention_bias (true), hidden_act (gelu),
// tie_word_embeddings (false).
std::vector<Layer> BuildGptNeox(const ConfigReader& c) {
  const std::string m = "transformers.models.gpt_neox.modeling_gpt_neox.";
  const int64_t hidden = c.PositiveInt("hidden_size");
  c.PositiveInt("intermediate_size");
  c.PositiveInt("num_hidden_layers");
  const int64_t heads = c.PositiveInt("num_attention_heads");
  c.PositiveInt("vocab_size");
  RequireWholeHeads(c, hidden, heads, "num_attention_heads", false);
  const double pct = c.OptionalNumber("rotary_pct", 0.25);
  if (pct <= 0 || pct > 1) throw c.At("rotary_pct", "must be in (0, 1], got " + std::to_string(pct));
  const bool parallel = c.OptionalBool("use_parallel_residual", true);
  const bool bias = c.OptionalBool("attention_bias", true);
  const bool tied = c.OptionalBool("tie_word_embeddings", false);

  const std::string head_dim = "{hidden_size} / {num_attention_heads}";
  // rotary_ndims = int(head_size * rotary_pct): only these dims are rotated.
  const std::string rotary_dim = c.Has("rotary_pct") ? "floor(" + head_dim + " * {rotary_pct})"
                                                     : "floor(" + head_dim + " * 0.25)";
  Params attn_params = AttentionParameters(false, "{num_attention_heads}", "{num_attention_heads}", head_dim);
  attn_params.emplace_back("rotary_dim", rotary_dim);
  // query_key_value: Linear(h, 3h) with q, k, v per head; the v columns (h)
  // go to the KV cache, k reaches it through RoPE (rope_k).
  Layer attn = MakeLayer("attention", m + "GPTNeoXAttention", attn_params,
                         std::vector<Layer>{Linear("query_key_value", "{hidden_size}", "3 * {hidden_size}", bias,
                                                   "{hidden_size}"),
                                            Linear("dense", "{hidden_size}", "{hidden_size}", bias)});
  Layer mlp = MakeLayer("mlp", m + "GPTNeoXMLP", {},
                        std::vector<Layer>{Linear("dense_h_to_4h", "{hidden_size}", "{intermediate_size}", true),
                                           Activation(c, "hidden_act", "gelu", "act", "{intermediate_size}"),
                                           Linear("dense_4h_to_h", "{intermediate_size}", "{hidden_size}", true)});
  Layer layer = MakeLayer("layers", m + "GPTNeoXLayer",
                          {{"num_tokens", kTokens}, {"hidden_size", "{hidden_size}"},
                           {"parallel_residual", parallel ? "1" : "0"}},
                          std::vector<Layer>{LayerNorm("input_layernorm", "{hidden_size}"), std::move(attn),
                                             LayerNorm("post_attention_layernorm", "{hidden_size}"), std::move(mlp)},
                          "{num_hidden_layers}");
  Layer model = MakeLayer(
      "gpt_neox", m + "GPTNeoXModel", {},
      std::vector<Layer>{Embedding("embed_in", "{vocab_size}", "{hidden_size}"),
                         MakeLayer("rotary_emb", m + "GPTNeoXRotaryEmbedding",
                                   {{"num_tokens", kTokens}, {"rotary_dim", rotary_dim}}),
                         std::move(layer), LayerNorm("final_layer_norm", "{hidden_size}")});
  std::vector<Layer> out;
  out.push_back(MakeLayer("", m + "GPTNeoXForCausalLM", {},
                          std::vector<Layer>{std::move(model),
                                             LmHead("embed_out", "{hidden_size}", "{vocab_size}", tied)}));
  return out;
}

// OPTForCausalLM. Keys: hidden_size, ffn_dim, num_hidden_layers,
// num_attention_heads, vocab_size, max_position_embeddings;
// word_embed_proj_dim (hidden_size), do_layer_norm_before (true),
// _remove_final_layer_norm (false), enable_bias (true),
// activation_function (relu), tie_word_embeddings (true).
std::vector<Layer> BuildOpt(const ConfigReader& c) {
  const std::string m = "transformers.models.opt.modeling_opt.";
  const int64_t hidden = c.PositiveInt("hidden_size");
  c.PositiveInt("ffn_dim");
  c.PositiveInt("num_hidden_layers");
  const int64_t heads = c.PositiveInt("num_attention_heads");
  c.PositiveInt("vocab_size");
  c.PositiveInt("max_position_embeddings");
  RequireWholeHeads(c, hidden, heads, "num_attention_heads", false);
  const std::optional<int64_t> proj = c.OptionalPositiveInt("word_embed_proj_dim");
  const bool project = proj && *proj != hidden;
  const std::string embed_dim = proj ? "{word_embed_proj_dim}" : "{hidden_size}";
  const bool pre_ln = c.OptionalBool("do_layer_norm_before", true);
  const bool final_ln = pre_ln && !c.OptionalBool("_remove_final_layer_norm", false);
  const bool bias = c.OptionalBool("enable_bias", true);
  const bool tied = c.OptionalBool("tie_word_embeddings", true);

  const std::string h = "{hidden_size}";
  Layer attn = MakeLayer("self_attn", m + "OPTAttention",
                         AttentionParameters(false, "{num_attention_heads}", "{num_attention_heads}",
                                         "{hidden_size} / {num_attention_heads}"),
                         std::vector<Layer>{Linear("k_proj", h, h, bias, h), Linear("v_proj", h, h, bias, h),
                                            Linear("q_proj", h, h, bias), Linear("out_proj", h, h, bias)});
  std::vector<Layer> subs;
  // do_layer_norm_before: pre-LN (norm, sublayer, add); else post-LN
  // (sublayer, add, norm). The same work either way.
  if (pre_ln) subs.push_back(LayerNorm("self_attn_layer_norm", h));
  subs.push_back(std::move(attn));
  if (!pre_ln) subs.push_back(LayerNorm("self_attn_layer_norm", h));
  if (pre_ln) subs.push_back(LayerNorm("final_layer_norm", h));
  subs.push_back(Linear("fc1", h, "{ffn_dim}", bias));
  subs.push_back(Activation(c, "activation_function", "relu", "activation_fn", "{ffn_dim}"));
  subs.push_back(Linear("fc2", "{ffn_dim}", h, bias));
  if (!pre_ln) subs.push_back(LayerNorm("final_layer_norm", h));
  Layer layer = MakeLayer("layers", m + "OPTDecoderLayer", {{"num_tokens", kTokens}, {"hidden_size", h}},
                          std::move(subs), "{num_hidden_layers}");

  std::vector<Layer> dec;
  dec.push_back(Embedding("embed_tokens", "{vocab_size}", embed_dim));
  // OPTLearnedPositionalEmbedding keeps 2 extra rows (positions offset by 2).
  dec.push_back(MakeLayer("embed_positions", m + "OPTLearnedPositionalEmbedding",
                          {{"num_indices", kTokens},
                           {"num_embeddings", "{max_position_embeddings} + 2"},
                           {"embedding_dim", h}}));
  if (project) dec.push_back(Linear("project_in", embed_dim, h, false));
  dec.push_back(std::move(layer));
  if (final_ln) dec.push_back(LayerNorm("final_layer_norm", h));
  if (project) dec.push_back(Linear("project_out", h, embed_dim, false));
  Layer decoder = MakeLayer("decoder", m + "OPTDecoder", {{"num_tokens", kTokens}, {"hidden_size", h}}, std::move(dec));
  Layer model = MakeLayer("model", m + "OPTModel", {}, std::vector<Layer>{std::move(decoder)});
  std::vector<Layer> out;
  out.push_back(MakeLayer("", m + "OPTForCausalLM", {},
                          std::vector<Layer>{std::move(model), LmHead("lm_head", embed_dim, "{vocab_size}", tied)}));
  return out;
}

// FalconForCausalLM (transformers-native; new_decoder_architecture false).
// Keys: hidden_size, num_hidden_layers, num_attention_heads, vocab_size;
// multi_query (true), parallel_attn (true), bias (false), ffn_hidden_size
// (4 * hidden_size), activation (gelu), tie_word_embeddings (true); alibi
// and new_decoder_architecture must be false.
std::vector<Layer> BuildFalcon(const ConfigReader& c) {
  const std::string m = "transformers.models.falcon.modeling_falcon.";
  const std::string falcon_linear = m + "FalconLinear";
  const int64_t hidden = c.PositiveInt("hidden_size");
  c.PositiveInt("num_hidden_layers");
  const int64_t heads = c.PositiveInt("num_attention_heads");
  c.PositiveInt("vocab_size");
  RequireWholeHeads(c, hidden, heads, "num_attention_heads", false);
  for (const char* key : {"new_decoder_architecture", "alibi"}) {
    if (c.OptionalBool(key, false)) {
      throw c.At(key, std::string("the falcon builder models ") + key +
                          " false only; write an architecture JSON (docs/architecture.md)");
    }
  }
  const bool multi_query = c.OptionalBool("multi_query", true);
  const bool parallel = c.OptionalBool("parallel_attn", true);
  const bool bias = c.OptionalBool("bias", false);
  const bool tied = c.OptionalBool("tie_word_embeddings", true);
  const std::string ffn = c.OptionalPositiveInt("ffn_hidden_size") ? "{ffn_hidden_size}" : "4 * {hidden_size}";

  // Without new_decoder_architecture: multi_query gives one K/V head, else
  // MHA. query_key_value outputs (num_heads + 2 * kv_heads) * head_dim; the
  // V part, kv_heads * head_dim, goes to the KV cache, K through RoPE.
  const std::string head_dim = "{hidden_size} / {num_attention_heads}";
  const std::string kv_heads = multi_query ? "1" : "{num_attention_heads}";
  const std::string qkv_out = multi_query ? "{hidden_size} + 2 * " + head_dim : "3 * {hidden_size}";
  const std::string kv_out = multi_query ? head_dim : "{hidden_size}";
  Params attn_params = AttentionParameters(false, "{num_attention_heads}", kv_heads, head_dim);
  attn_params.emplace_back("rotary_dim", head_dim);
  Layer attn = MakeLayer("self_attention", m + "FalconAttention", attn_params,
                         std::vector<Layer>{Linear("query_key_value", "{hidden_size}", qkv_out, bias, kv_out, falcon_linear),
                                            Linear("dense", "{hidden_size}", "{hidden_size}", bias, "", falcon_linear)});
  Layer mlp = MakeLayer("mlp", m + "FalconMLP", {},
                        std::vector<Layer>{Linear("dense_h_to_4h", "{hidden_size}", ffn, bias, "", falcon_linear),
                                           Activation(c, "activation", "gelu", "act", ffn),
                                           Linear("dense_4h_to_h", ffn, "{hidden_size}", bias, "", falcon_linear)});
  std::vector<Layer> subs;
  subs.push_back(LayerNorm("input_layernorm", "{hidden_size}"));
  subs.push_back(std::move(attn));
  // parallel_attn: the MLP reads input_layernorm's output too; else it has
  // its own post_attention_layernorm.
  if (!parallel) subs.push_back(LayerNorm("post_attention_layernorm", "{hidden_size}"));
  subs.push_back(std::move(mlp));
  Layer layer = MakeLayer("h", m + "FalconDecoderLayer",
                          {{"num_tokens", kTokens}, {"hidden_size", "{hidden_size}"},
                           {"parallel_residual", parallel ? "1" : "0"}},
                          std::move(subs), "{num_hidden_layers}");
  Layer model = MakeLayer("transformer", m + "FalconModel", {},
                          std::vector<Layer>{Embedding("word_embeddings", "{vocab_size}", "{hidden_size}"),
                                             MakeLayer("rotary_emb", m + "FalconRotaryEmbedding",
                                                       {{"num_tokens", kTokens}, {"rotary_dim", head_dim}}),
                                             std::move(layer), LayerNorm("ln_f", "{hidden_size}")});
  std::vector<Layer> out;
  out.push_back(MakeLayer("", m + "FalconForCausalLM", {},
                          std::vector<Layer>{std::move(model), LmHead("lm_head", "{hidden_size}", "{vocab_size}", tied)}));
  return out;
}

}  // namespace

std::vector<std::string_view> GptLikeModelTypes() { return {"gpt2", "gpt_neox", "opt", "falcon"}; }

std::vector<Layer> BuildGptLike(std::string_view model_type, const ConfigReader& c) {
  if (model_type == "gpt2") return BuildGpt2(c);
  if (model_type == "gpt_neox") return BuildGptNeox(c);
  if (model_type == "opt") return BuildOpt(c);
  return BuildFalcon(c);
}

}  // namespace lmp::model
