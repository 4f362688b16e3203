// Property tests (issue 15): random valid configs of every family, within
// the ranges of published models, drawn from a fixed seed so that a failure
// reproduces. For each config and profile:
// - the stage totals equal the sum of the per-operation figures times their
//   counts, and no figure is negative;
// - the parameter count equals an independent count of the weight shapes,
//   written here from the transformers classes (ParamsOf), not from the
//   module formulas;
// - a prefill of S tokens writes exactly the KV cache that S tokens take
//   (MemoryFootprint, which reads it off attention's reads).
// Figures are 64-bit integers, so "not NaN" holds by type; an overflow is
// an lmp::Error, which fails the test.

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "analysis/analyze.h"
#include "analysis/footprint.h"
#include "analysis/plan.h"
#include "analysis/testing.h"
#include "model/builder.h"
#include "model/testing.h"

namespace lmp::model {
namespace {

using Rng = std::mt19937_64;

int64_t Pick(Rng& rng, std::initializer_list<int64_t> values) {
  std::uniform_int_distribution<size_t> d(0, values.size() - 1);
  return *(values.begin() + d(rng));
}
int64_t Between(Rng& rng, int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); }
bool Coin(Rng& rng) { return Between(rng, 0, 1) == 1; }

// Heads, KV heads (a divisor), head width and hidden size as published
// models pair them.
struct Shape {
  int64_t heads, kv_heads, head_dim, hidden;
};
Shape DrawShape(Rng& rng) {
  Shape s;
  s.heads = Pick(rng, {4, 8, 12, 16, 20, 24, 32, 40, 48, 64, 96, 128});
  s.head_dim = Pick(rng, {64, 80, 96, 128});
  s.hidden = s.heads * s.head_dim;
  std::vector<int64_t> divisors;
  for (int64_t k : {1, 2, 4, 8, 16}) {
    if (s.heads % k == 0) divisors.push_back(s.heads / k);
  }
  s.kv_heads = divisors[Between(rng, 0, static_cast<int64_t>(divisors.size()) - 1)];
  return s;
}
int64_t Ffn(Rng& rng, int64_t hidden) { return Between(rng, hidden / 64, 4 * hidden / 64) * 64; }

struct Family {
  const char* name;
  std::function<Json(Rng&)> draw;
  std::function<int64_t(const Json&)> params;  // from the weight shapes
};

// Llama-style attention: q, k, v, o with their biases.
int64_t AttentionParams(int64_t h, int64_t heads, int64_t kv_heads, int64_t d, bool qkv_bias, bool o_bias) {
  return h * heads * d + 2 * h * kv_heads * d + heads * d * h +
         (qkv_bias ? heads * d + 2 * kv_heads * d : 0) + (o_bias ? h : 0);
}
int64_t I(const Json& c, const char* key) { return c.at(key).get<int64_t>(); }

Json LlamaLike(Rng& rng, const std::string& type) {
  const Shape s = DrawShape(rng);
  Json c = {{"model_type", type},
            {"hidden_size", s.hidden},
            {"num_attention_heads", s.heads},
            {"num_key_value_heads", s.kv_heads},
            {"num_hidden_layers", Between(rng, 1, 96)},
            {"intermediate_size", Ffn(rng, s.hidden)},
            {"vocab_size", Between(rng, 1000, 256000)},
            {"tie_word_embeddings", Coin(rng)}};
  if (type == "llama" || type == "qwen3") c["attention_bias"] = Coin(rng);
  if (type == "llama") c["mlp_bias"] = Coin(rng);
  if (type == "mistral" && Coin(rng)) c["sliding_window"] = Pick(rng, {2048, 4096});
  return c;
}
int64_t LlamaLikeParams(const Json& c) {
  const std::string type = c["model_type"];
  const int64_t h = I(c, "hidden_size"), H = I(c, "num_attention_heads"), kv = I(c, "num_key_value_heads");
  const int64_t d = h / H, ffn = I(c, "intermediate_size"), V = I(c, "vocab_size");
  const bool attention_bias = c.value("attention_bias", false), mlp_bias = c.value("mlp_bias", false);
  const bool qkv_bias = type == "qwen2" || attention_bias;
  int64_t layer = AttentionParams(h, H, kv, d, qkv_bias, attention_bias) + 3 * h * ffn + (mlp_bias ? 2 * ffn + h : 0) +
                  2 * h;
  if (type == "qwen3") layer += 2 * d;  // q_norm, k_norm
  return V * h * (c["tie_word_embeddings"].get<bool>() ? 1 : 2) + I(c, "num_hidden_layers") * layer + h;
}

Json Gemma(Rng& rng, bool v2) {
  const Shape s = DrawShape(rng);
  Json c = {{"model_type", v2 ? "gemma2" : "gemma"},
            {"hidden_size", s.hidden + 64 * Between(rng, 0, 8)},  // gemma's hidden need not be heads x head_dim
            {"num_attention_heads", s.heads},
            {"num_key_value_heads", s.kv_heads},
            {"head_dim", Pick(rng, {128, 256})},
            {"num_hidden_layers", Between(rng, 1, 64)},
            {"intermediate_size", Ffn(rng, s.hidden)},
            {"vocab_size", Between(rng, 1000, 256000)}};
  if (v2) c["sliding_window"] = 4096;
  return c;
}
int64_t GemmaParams(const Json& c) {
  const int64_t h = I(c, "hidden_size"), H = I(c, "num_attention_heads"), kv = I(c, "num_key_value_heads");
  const int64_t d = I(c, "head_dim"), ffn = I(c, "intermediate_size");
  const int64_t norms = c["model_type"] == "gemma2" ? 4 : 2;
  // Tied by default: embed_tokens only.
  return I(c, "vocab_size") * h +
         I(c, "num_hidden_layers") * (AttentionParams(h, H, kv, d, false, false) + 3 * h * ffn + norms * h) + h;
}

Json Phi3(Rng& rng) {
  Json c = LlamaLike(rng, "phi3");
  c["sliding_window"] = Pick(rng, {2047, 4095});
  c.erase("tie_word_embeddings");
  return c;
}
int64_t Phi3Params(const Json& c) {
  Json llama = c;
  llama["model_type"] = "mistral";
  llama["tie_word_embeddings"] = false;
  return LlamaLikeParams(llama);  // the fused projections hold the same weights
}

Json Gpt2(Rng& rng) {
  const Shape s = DrawShape(rng);
  Json c = {{"model_type", "gpt2"},         {"n_embd", s.hidden},
            {"n_head", s.heads},            {"n_layer", Between(rng, 1, 48)},
            {"vocab_size", Between(rng, 1000, 100000)}, {"n_positions", Pick(rng, {1024, 2048})}};
  if (Coin(rng)) c["n_inner"] = Ffn(rng, s.hidden);
  return c;
}
int64_t Gpt2Params(const Json& c) {
  const int64_t h = I(c, "n_embd"), ffn = c.contains("n_inner") ? I(c, "n_inner") : 4 * h;
  const int64_t layer = 2 * h + (h * 3 * h + 3 * h) + (h * h + h) + 2 * h + (h * ffn + ffn) + (ffn * h + h);
  return I(c, "vocab_size") * h + I(c, "n_positions") * h + I(c, "n_layer") * layer + 2 * h;
}

Json Neox(Rng& rng) {
  const Shape s = DrawShape(rng);
  return {{"model_type", "gpt_neox"},
          {"hidden_size", s.hidden},
          {"num_attention_heads", s.heads},
          {"num_hidden_layers", Between(rng, 1, 48)},
          {"intermediate_size", Ffn(rng, s.hidden)},
          {"vocab_size", Between(rng, 1000, 100000)},
          {"rotary_pct", Pick(rng, {25, 50, 100}) / 100.0},
          {"hidden_act", "gelu"}};
}
int64_t NeoxParams(const Json& c) {
  const int64_t h = I(c, "hidden_size"), ffn = I(c, "intermediate_size");
  const int64_t layer = 4 * h + (h * 3 * h + 3 * h) + (h * h + h) + (h * ffn + ffn) + (ffn * h + h);
  return 2 * I(c, "vocab_size") * h + I(c, "num_hidden_layers") * layer + 2 * h;  // embed_in, embed_out untied
}

Json Opt(Rng& rng) {
  const Shape s = DrawShape(rng);
  return {{"model_type", "opt"},
          {"hidden_size", s.hidden},
          {"word_embed_proj_dim", s.hidden},
          {"num_attention_heads", s.heads},
          {"num_hidden_layers", Between(rng, 1, 48)},
          {"ffn_dim", Ffn(rng, s.hidden)},
          {"vocab_size", Between(rng, 1000, 100000)},
          {"max_position_embeddings", Pick(rng, {2048, 4096})},
          {"do_layer_norm_before", true}};
}
int64_t OptParams(const Json& c) {
  const int64_t h = I(c, "hidden_size"), ffn = I(c, "ffn_dim");
  const int64_t layer = 4 * (h * h + h) + 2 * h + (h * ffn + ffn) + (ffn * h + h) + 2 * h;
  // Learned positions carry an offset of 2 rows; lm_head is tied.
  return I(c, "vocab_size") * h + (I(c, "max_position_embeddings") + 2) * h + I(c, "num_hidden_layers") * layer +
         2 * h;
}

Json Falcon(Rng& rng) {
  const Shape s = DrawShape(rng);
  return {{"model_type", "falcon"},         {"hidden_size", s.hidden},
          {"num_attention_heads", s.heads}, {"num_hidden_layers", Between(rng, 1, 60)},
          {"vocab_size", Between(rng, 1000, 100000)}, {"multi_query", Coin(rng)},
          {"parallel_attn", true},          {"new_decoder_architecture", false},
          {"bias", false}};
}
int64_t FalconParams(const Json& c) {
  const int64_t h = I(c, "hidden_size"), d = h / I(c, "num_attention_heads");
  const int64_t qkv = c["multi_query"].get<bool>() ? h + 2 * d : 3 * h;
  const int64_t layer = 2 * h + h * qkv + h * h + h * 4 * h + 4 * h * h;  // one LayerNorm (parallel attention)
  return I(c, "vocab_size") * h + I(c, "num_hidden_layers") * layer + 2 * h;  // tied lm_head
}

Json Mixtral(Rng& rng) {
  Json c = LlamaLike(rng, "mixtral");
  c.erase("tie_word_embeddings");
  c["num_local_experts"] = Pick(rng, {4, 8, 16});
  c["num_experts_per_tok"] = Pick(rng, {1, 2});
  return c;
}
int64_t MixtralParams(const Json& c) {
  const int64_t h = I(c, "hidden_size"), H = I(c, "num_attention_heads"), kv = I(c, "num_key_value_heads");
  const int64_t E = I(c, "num_local_experts"), ffn = I(c, "intermediate_size");
  const int64_t layer = AttentionParams(h, H, kv, h / H, false, false) + h * E + E * 3 * h * ffn + 2 * h;
  return 2 * I(c, "vocab_size") * h + I(c, "num_hidden_layers") * layer + h;
}

Json Qwen3Moe(Rng& rng) {
  Json c = LlamaLike(rng, "qwen3_moe");
  c.erase("mlp_bias");
  c["head_dim"] = I(c, "hidden_size") / I(c, "num_attention_heads");
  c["num_experts"] = Pick(rng, {8, 16, 64, 128});
  c["num_experts_per_tok"] = Pick(rng, {2, 4, 8});
  c["moe_intermediate_size"] = Between(rng, 4, 32) * 64;
  return c;
}
int64_t Qwen3MoeParams(const Json& c) {
  const int64_t h = I(c, "hidden_size"), H = I(c, "num_attention_heads"), kv = I(c, "num_key_value_heads");
  const int64_t d = I(c, "head_dim"), E = I(c, "num_experts"), ffn = I(c, "moe_intermediate_size");
  const bool bias = c.value("attention_bias", false);
  const int64_t layer = AttentionParams(h, H, kv, d, bias, bias) + 2 * d + h * E + E * 3 * h * ffn + 2 * h;
  return I(c, "vocab_size") * h * (c["tie_word_embeddings"].get<bool>() ? 1 : 2) + I(c, "num_hidden_layers") * layer +
         h;
}

Json Deepseek(Rng& rng, bool v3) {
  const int64_t heads = Pick(rng, {16, 32, 64, 128});
  const int64_t hidden = Pick(rng, {2048, 4096, 5120, 7168});
  const int64_t layers = Between(rng, 2, 61);
  const int64_t experts = Pick(rng, {16, 64, 160, 256});
  Json c = {{"model_type", v3 ? "deepseek_v3" : "deepseek_v2"},
            {"hidden_size", hidden},
            {"num_attention_heads", heads},
            {"num_key_value_heads", heads},
            {"num_hidden_layers", layers},
            {"intermediate_size", Ffn(rng, hidden)},
            {"moe_intermediate_size", Between(rng, 4, 32) * 64},
            {"vocab_size", Between(rng, 1000, 160000)},
            {"kv_lora_rank", Pick(rng, {256, 512})},
            {"q_lora_rank", Coin(rng) ? Json(Pick(rng, {768, 1536})) : Json(nullptr)},
            {"qk_nope_head_dim", 128},
            {"qk_rope_head_dim", 64},
            {"v_head_dim", 128},
            {"n_routed_experts", experts},
            {"num_experts_per_tok", Pick(rng, {2, 6, 8})},
            {"n_shared_experts", Pick(rng, {1, 2})},
            {"first_k_dense_replace", Between(rng, 0, layers - 1)},
            {"moe_layer_freq", 1},
            {"tie_word_embeddings", false}};
  if (v3) {
    c["n_group"] = 8;
    c["topk_group"] = 4;
  }
  return c;
}
int64_t DeepseekParams(const Json& c) {
  const int64_t h = I(c, "hidden_size"), H = I(c, "num_attention_heads"), kv_lora = I(c, "kv_lora_rank");
  const int64_t nope = I(c, "qk_nope_head_dim"), rope = I(c, "qk_rope_head_dim"), v = I(c, "v_head_dim");
  const int64_t E = I(c, "n_routed_experts"), moe = I(c, "moe_intermediate_size");
  const int64_t shared = I(c, "n_shared_experts"), dense = I(c, "first_k_dense_replace");
  const int64_t layers = I(c, "num_hidden_layers");
  const bool v3 = c["model_type"] == "deepseek_v3";
  int64_t attn = h * (kv_lora + rope) + kv_lora + kv_lora * H * (nope + v) + H * v * h;
  if (c["q_lora_rank"].is_null()) {
    attn += h * H * (nope + rope);
  } else {
    const int64_t q = I(c, "q_lora_rank");
    attn += h * q + q + q * H * (nope + rope);
  }
  const int64_t dense_mlp = 3 * h * I(c, "intermediate_size");
  // The router: a weight E x h, and under V3 E correction biases.
  const int64_t moe_mlp = E * h + (v3 ? E : 0) + E * 3 * h * moe + 3 * h * moe * shared;
  return 2 * I(c, "vocab_size") * h + layers * (attn + 2 * h) + dense * dense_mlp + (layers - dense) * moe_mlp + h;
}

const std::vector<Family>& Families() {
  static const std::vector<Family> f = {
      {"llama", [](Rng& r) { return LlamaLike(r, "llama"); }, LlamaLikeParams},
      {"mistral", [](Rng& r) { return LlamaLike(r, "mistral"); }, LlamaLikeParams},
      {"qwen2", [](Rng& r) { return LlamaLike(r, "qwen2"); }, LlamaLikeParams},
      {"qwen3", [](Rng& r) { return LlamaLike(r, "qwen3"); }, LlamaLikeParams},
      {"gemma", [](Rng& r) { return Gemma(r, false); }, GemmaParams},
      {"gemma2", [](Rng& r) { return Gemma(r, true); }, GemmaParams},
      {"phi3", Phi3, Phi3Params},
      {"gpt2", Gpt2, Gpt2Params},
      {"gpt_neox", Neox, NeoxParams},
      {"opt", Opt, OptParams},
      {"falcon", Falcon, FalconParams},
      {"mixtral", Mixtral, MixtralParams},
      {"qwen3_moe", Qwen3Moe, Qwen3MoeParams},
      {"deepseek_v2", [](Rng& r) { return Deepseek(r, false); }, DeepseekParams},
      {"deepseek_v3", [](Rng& r) { return Deepseek(r, true); }, DeepseekParams},
  };
  return f;
}

constexpr int kConfigsPerFamily = 40;

TEST(FamilyPropertyTest, RandomConfigsOfEveryFamily) {
  Rng rng(20261205);
  int checked = 0;
  for (const Family& family : Families()) {
    for (int i = 0; i < kConfigsPerFamily; ++i) {
      const Json config = family.draw(rng);
      SCOPED_TRACE(std::string(family.name) + " #" + std::to_string(i) + ": " + config.dump());
      const Model m = BuildFromConfig(config, "config.json", family.name);
      analysis::Scenario s;
      s.batch_size = Between(rng, 1, 8);
      s.prompt_len = Between(rng, 1, 4096);
      s.decode_kv_len = s.prompt_len + Between(rng, 0, 4096);
      for (const std::string& profile : analysis::ProfileNames()) {
        s.profile = profile;
        const analysis::Plan plan = analysis::BuildPlan(m, analysis::testing::EmbeddedDb(), profile);
        const analysis::Analysis a = analysis::Analyze(plan, s);
        EXPECT_EQ(a.parameters, family.params(config)) << profile;
        for (const analysis::StageResult& st : a.stages) {
          for (int metric = 0; metric < db::kNumMetrics; ++metric) {
            int64_t sum = 0;
            for (size_t op = 0; op < plan.ops.size(); ++op) {
              ASSERT_GE(st.ops[op][metric], 0) << plan.ops[op].layer << "." << plan.ops[op].op << " "
                                               << db::MetricName(metric) << " " << profile;
              sum += st.ops[op][metric] * plan.ops[op].count;
            }
            EXPECT_EQ(st.totals[metric], sum) << db::MetricName(metric) << " " << profile;
          }
        }
        // A prefill of S tokens with kv_len S stores S tokens' worth of KV.
        EXPECT_EQ(a.stages[0].totals[db::kWritesKvCache],
                  analysis::MemoryFootprint(plan, s, s.prompt_len).kv_cache_bytes)
            << profile;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 15 * kConfigsPerFamily * 3);
}

// The independent counts agree with the published and catalog models they
// were written from, so a disagreement above is lmp's, not the counter's.
TEST(FamilyPropertyTest, IndependentCountsMatchCatalogConfigs) {
  const std::pair<const char*, std::function<int64_t(const Json&)>> cases[] = {
      {"meta-llama--Meta-Llama-3-8B", LlamaLikeParams}, {"Qwen--Qwen2.5-7B", LlamaLikeParams},
      {"google--gemma-7b", GemmaParams},                {"google--gemma-2-9b", GemmaParams},
      {"openai-community--gpt2", Gpt2Params},           {"EleutherAI--pythia-1b", NeoxParams},
      {"facebook--opt-6.7b", OptParams},                {"tiiuae--falcon-7b", FalconParams},
      {"mistralai--Mixtral-8x7B-v0.1", MixtralParams},  {"deepseek-ai--DeepSeek-V3", DeepseekParams},
  };
  for (const auto& [name, count] : cases) {
    const Json c = testing::EmbeddedConfig(name);
    const analysis::Plan plan =
        analysis::BuildPlan(BuildFromConfig(c, "config.json", name), analysis::testing::EmbeddedDb(), "fused");
    EXPECT_EQ(analysis::Evaluator(plan).Parameters(analysis::Scenario{}), count(c)) << name;
  }
}

}  // namespace
}  // namespace lmp::model
