#include "model/gemma_builder.h"

#include <string>

#include "model/builder.h"

namespace lmp::model {

std::vector<std::string_view> GemmaModelTypes() { return {"gemma", "gemma2"}; }

std::vector<Layer> BuildGemma(std::string_view model_type, const ConfigReader& c) {
  const bool v2 = model_type == "gemma2";
  const std::string cls =
      v2 ? "transformers.models.gemma2.modeling_gemma2.Gemma2" : "transformers.models.gemma.modeling_gemma.Gemma";

  // Required sizes (read here so a missing key names itself).
  c.PositiveInt("hidden_size");
  c.PositiveInt("intermediate_size");
  const int64_t layers = c.PositiveInt("num_hidden_layers");
  c.PositiveInt("num_attention_heads");
  c.PositiveInt("vocab_size");
  const bool has_kv_heads = c.OptionalPositiveInt("num_key_value_heads").has_value();
  // GemmaConfig and Gemma2Config default head_dim to 256, not hidden / heads.
  const bool has_head_dim = c.OptionalPositiveInt("head_dim").has_value();
  const std::string head_dim = has_head_dim ? "{head_dim}" : "256";
  const std::string kv_heads = has_kv_heads ? "{num_key_value_heads}" : "{num_attention_heads}";
  const std::string q_width = "{num_attention_heads} * " + head_dim;
  const std::string kv_width = kv_heads + " * " + head_dim;

  // The MLP activation. GemmaMLP (transformers >= 4.38.2) uses
  // hidden_activation and, where it is unset, gelu_pytorch_tanh (with a
  // warning, ignoring a legacy hidden_act "gelu"); Gemma2MLP uses
  // hidden_activation, default gelu_pytorch_tanh.
  if (const std::string act = c.OptionalString("hidden_activation", "gelu_pytorch_tanh"); act != "gelu_pytorch_tanh") {
    throw c.At("hidden_activation", "the " + std::string(model_type) +
                                        " builder models hidden_activation \"gelu_pytorch_tanh\" only, got \"" + act +
                                        "\"; write an architecture JSON (docs/architecture.md)");
  }
  if (c.OptionalBool("attention_bias", false)) {
    throw c.At("attention_bias", "the " + std::string(model_type) +
                                     " builder models attention_bias false only; write an architecture JSON "
                                     "(docs/architecture.md)");
  }
  // Gemma ties lm_head to embed_tokens by default.
  const bool tied = c.OptionalBool("tie_word_embeddings", true);
  // gemma2: soft-capping where the cap is set (null switches it off);
  // sliding windows where sliding_window is set.
  const bool attn_softcap = v2 && c.Has("attn_logit_softcapping");
  const bool final_softcap = v2 && c.Has("final_logit_softcapping");
  const bool windowed = v2 && c.OptionalPositiveInt("sliding_window").has_value();

  const std::string tokens = "{batch_size} * {seq_len}";
  auto linear = [&](const std::string& name, const std::string& in, const std::string& out, bool kv_cache_out,
                    bool sliding = false) {
    std::vector<std::pair<std::string, std::string>> p = {{"N", tokens}, {"in_features", in}, {"out_features", out}};
    if (kv_cache_out) p.emplace_back("kv_cache_out", "1");
    if (kv_cache_out && sliding) p.emplace_back("kv_cache_skip_rows", KvCacheSkipRows());
    return MakeLayer(name, "torch.nn.modules.linear.Linear", p);
  };
  auto norm = [&](const std::string& name) {
    return MakeLayer(name, cls + "RMSNorm", {{"num_tokens", tokens}, {"hidden_size", "{hidden_size}"}});
  };
  auto decoder = [&](const std::string& name, const std::string& repeat, bool sliding) {
    std::vector<Layer> attn_subs = {
        linear("q_proj", "{hidden_size}", q_width, false),
        // K goes to the cache through RoPE (rope_k), V straight.
        linear("k_proj", "{hidden_size}", kv_width, false),
        linear("v_proj", "{hidden_size}", kv_width, true, sliding),
        linear("o_proj", q_width, "{hidden_size}", false),
    };
    std::vector<std::pair<std::string, std::string>> attn_params = AttentionParameters(sliding, "{num_attention_heads}", kv_heads, head_dim);
    if (v2) attn_params.emplace_back("softcap", attn_softcap ? "1" : "0");
    Layer attn = MakeLayer("self_attn", cls + "Attention", attn_params, std::move(attn_subs));
    std::vector<Layer> mlp_subs = {
        linear("gate_proj", "{hidden_size}", "{intermediate_size}", false),
        linear("up_proj", "{hidden_size}", "{intermediate_size}", false),
        MakeLayer("act_fn", "transformers.activations.PytorchGELUTanh",
                  {{"num_elements", "{batch_size} * {seq_len} * {intermediate_size}"}}),
        linear("down_proj", "{intermediate_size}", "{hidden_size}", false),
    };
    Layer mlp = MakeLayer("mlp", cls + "MLP", {{"num_tokens", tokens}, {"intermediate_size", "{intermediate_size}"}},
                          std::move(mlp_subs));
    std::vector<Layer> subs;
    subs.push_back(norm("input_layernorm"));
    subs.push_back(std::move(attn));
    subs.push_back(norm("post_attention_layernorm"));
    if (v2) subs.push_back(norm("pre_feedforward_layernorm"));
    subs.push_back(std::move(mlp));
    if (v2) subs.push_back(norm("post_feedforward_layernorm"));
    return MakeLayer(name, cls + "DecoderLayer", {{"num_tokens", tokens}, {"hidden_size", "{hidden_size}"}},
                     std::move(subs), repeat);
  };

  std::vector<Layer> model_subs;
  model_subs.push_back(MakeLayer("embed_tokens", "torch.nn.modules.sparse.Embedding",
                                 {{"num_indices", tokens},
                                  {"num_embeddings", "{vocab_size}"},
                                  {"embedding_dim", "{hidden_size}"}}));
  model_subs.push_back(MakeLayer("rotary_emb", cls + "RotaryEmbedding", {{"num_tokens", tokens}, {"head_dim", head_dim}}));
  if (windowed) {
    // Gemma2DecoderLayer i is sliding when i is even (layer 0 is): of L
    // layers, L // 2 attend globally and (L + 1) // 2 through the window.
    if (layers >= 2) model_subs.push_back(decoder("layers", "{num_hidden_layers} // 2", false));
    model_subs.push_back(decoder("sliding_layers", "({num_hidden_layers} + 1) // 2", true));
  } else {
    model_subs.push_back(decoder("layers", "{num_hidden_layers}", false));
  }
  model_subs.push_back(norm("norm"));

  std::vector<std::pair<std::string, std::string>> head = {
      {"N", "{batch_size} * {logits_len}"}, {"in_features", "{hidden_size}"}, {"out_features", "{vocab_size}"}};
  // tie_word_embeddings: lm_head multiplies by embed_tokens' table. It still
  // reads the weight, but the parameters are counted once, at embed_tokens.
  if (tied) head.emplace_back("tied_weight", "1");

  std::vector<Layer> root_subs;
  // GemmaModel multiplies the embeddings by sqrt(hidden_size).
  root_subs.push_back(MakeLayer("model", cls + "Model", {{"num_tokens", tokens}, {"hidden_size", "{hidden_size}"}},
                                std::move(model_subs)));
  root_subs.push_back(MakeLayer("lm_head", "torch.nn.modules.linear.Linear", head));
  std::vector<std::pair<std::string, std::string>> root_params;
  if (v2) {
    root_params = {{"num_tokens", "{batch_size} * {logits_len}"},
                   {"vocab_size", "{vocab_size}"},
                   {"softcap", final_softcap ? "1" : "0"}};
  }
  std::vector<Layer> out;
  out.push_back(MakeLayer("", cls + "ForCausalLM", root_params, std::move(root_subs)));
  return out;
}

}  // namespace lmp::model
