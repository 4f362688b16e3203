// The GPT-style builders (GPT-2, GPT-NeoX, OPT, Falcon): counts, fused QKV, multi-query, rotary, errors.
#include <gtest/gtest.h>

#include "analysis/analyze.h"
#include "analysis/footprint.h"
#include "analysis/testing.h"
#include "model/builder.h"
#include "model/testing.h"
#include "util/error.h"

namespace lmp::model {
namespace {

using analysis::Plan;
using analysis::Scenario;
using testing::BuiltPlan;
using testing::Decode;
using testing::EmbeddedConfig;
using testing::Parameters;

constexpr auto Op = analysis::testing::OpFigures;
constexpr auto ErrorOf = testing::BuildError;

// GPT-style families (src/model/gpt_builder.cc). Parameter counts by hand
// from each config.json; h hidden, L layers, V vocab_size.
TEST(BuilderTest, ParameterCountsGpt2) {
  // gpt2: h 768, L 12, V 50257, n_positions 1024, inner 4h; Conv1D weight +
  // bias; tied lm_head. Per layer: ln_1, ln_2 2*2h; c_attn h*3h + 3h;
  // attn c_proj h*h + h; c_fc h*4h + 4h; mlp c_proj 4h*h + h: 12h^2 + 13h.
  //   12 * (12*768^2 + 13*768) + 50257*768 (wte) + 1024*768 (wpe) + 2*768 (ln_f)
  //   = 12 * 7,087,872 + 38,597,376 + 786,432 + 1,536
  EXPECT_EQ(Parameters("openai-community--gpt2"), 124'439'808);
  // gpt2-xl: h 1600, L 48: 48 * (12*1600^2 + 13*1600) + 50257*1600 + 1024*1600 + 3200
  //   = 48 * 30,740,800 + 80,411,200 + 1,638,400 + 3,200
  EXPECT_EQ(Parameters("openai-community--gpt2-xl"), 1'557'611'200);
}

TEST(BuilderTest, ParameterCountsGptNeoxOptFalcon) {
  // pythia-1b: h 2048, I 8192, L 16, V 50304, untied embed_out; biases
  // everywhere. Per layer: 2 LayerNorms 4h; query_key_value h*3h + 3h;
  // dense h*h + h; dense_h_to_4h h*I + I; dense_4h_to_h I*h + h
  //   = 8,192 + 12,589,056 + 4,196,352 + 16,785,408 + 16,779,264 = 50,358,272.
  //   16 * 50,358,272 + 2 * 50304*2048 (embed_in, embed_out) + 2*2048 (final norm)
  EXPECT_EQ(Parameters("EleutherAI--pythia-1b"), 1'011'781'632);
  // opt-6.7b: h 4096, ffn 16384, L 32, V 50272, max_position_embeddings
  // 2048 (+2 rows), tied lm_head, word_embed_proj_dim = h (no projections).
  // Per layer: q, k, v, out 4*(h*h + h); fc1 h*F + F; fc2 F*h + h; 2 norms 4h
  //   = 67,125,248 + 67,125,248 + 67,112,960 + 16,384 = 201,379,840.
  //   32 * 201,379,840 + 50272*4096 + 2050*4096 + 2*4096 (final norm)
  EXPECT_EQ(Parameters("facebook--opt-6.7b"), 6'658'473'984);
  // falcon-7b: h 4544, 71 heads of 64, multi-query (1 KV head), L 32,
  // V 65024, no biases, tied lm_head, ffn 4h = 18176. Per layer:
  // input_layernorm 2h; query_key_value h * (4544 + 2*64); dense h*h;
  // dense_h_to_4h, dense_4h_to_h 2 * h*4h
  //   = 9,088 + 21,229,568 + 20,647,936 + 2*82,591,744 = 207,070,080.
  //   32 * 207,070,080 + 65024*4544 + 2*4544 (ln_f)
  EXPECT_EQ(Parameters("tiiuae--falcon-7b"), 6'921'720'704);
}

TEST(BuilderTest, GptClassPaths) {
  const Model m = LoadModel("gpt2");
  EXPECT_EQ(m.layers[0].class_name, "transformers.models.gpt2.modeling_gpt2.GPT2LMHeadModel");
  const Layer& attn = m.layers[0].sub_layers[0].sub_layers[2].sub_layers[1];
  EXPECT_EQ(attn.class_name, "transformers.models.gpt2.modeling_gpt2.GPT2Attention");
  EXPECT_EQ(attn.sub_layers[0].class_name, "transformers.pytorch_utils.Conv1D");
  EXPECT_EQ(LoadModel("pythia-1b").layers[0].sub_layers[0].sub_layers[2].class_name,
            "transformers.models.gpt_neox.modeling_gpt_neox.GPTNeoXLayer");
  EXPECT_EQ(LoadModel("opt-6.7b").layers[0].sub_layers[0].sub_layers[0].sub_layers[1].class_name,
            "transformers.models.opt.modeling_opt.OPTLearnedPositionalEmbedding");
  EXPECT_EQ(LoadModel("falcon-7b").layers[0].sub_layers[0].sub_layers[2].sub_layers[1].class_name,
            "transformers.models.falcon.modeling_falcon.FalconAttention");
}

// Fused qkv projections write only their K and V columns to the KV cache.
TEST(BuilderTest, FusedQkvWritesKAndVToTheCache) {
  const Plan gpt2 = BuiltPlan("openai-community--gpt2");
  const auto dec = Decode(gpt2, 100);
  const auto c_attn = Op(gpt2, dec, "transformer.h.attn.c_attn", "linear");
  EXPECT_EQ(c_attn[db::kWritesActivations], 768 * 2);      // q
  EXPECT_EQ(c_attn[db::kWritesKvCache], 2 * 768 * 2);      // k, v
  EXPECT_EQ(c_attn[db::kFlops], 2LL * 768 * 2304 + 2304);  // GEMM + bias
  // KV cache per token: 12 layers * 2 (K, V) * 768 * 2 bytes.
  Scenario s;
  EXPECT_EQ(analysis::MemoryFootprint(gpt2, s, 1000).kv_cache_bytes, 1000LL * 12 * 2 * 768 * 2);
  // pythia-1b: 16 layers * 2 * 2048 * 2 bytes per token.
  EXPECT_EQ(analysis::MemoryFootprint(BuiltPlan("EleutherAI--pythia-1b"), s, 1000).kv_cache_bytes,
            1000LL * 16 * 2 * 2048 * 2);
  // opt-6.7b: separate k_proj, v_proj; 32 layers * 2 * 4096 * 2 bytes.
  EXPECT_EQ(analysis::MemoryFootprint(BuiltPlan("facebook--opt-6.7b"), s, 1000).kv_cache_bytes,
            1000LL * 32 * 2 * 4096 * 2);
}

// falcon-7b is multi-query: one K/V head of 64, so a token takes
// 2 (K, V) * 32 layers * 1 head * 64 * 2 bytes at fp16.
TEST(BuilderTest, FalconMultiQueryKvCache) {
  const Plan plan = BuiltPlan("tiiuae--falcon-7b");
  Scenario s;
  EXPECT_EQ(analysis::MemoryFootprint(plan, s, 1).kv_cache_bytes, 2 * 32 * 1 * 64 * 2);
  EXPECT_EQ(analysis::MemoryFootprint(plan, s, 4096).kv_cache_bytes, 4096LL * 2 * 32 * 1 * 64 * 2);
  const auto dec = Decode(plan, 1024);
  const auto qkv = Op(plan, dec, "transformer.h.self_attention.query_key_value", "linear");
  // Q and K to activations, V to the cache; rope_k stores K.
  EXPECT_EQ(qkv[db::kWritesActivations], (4544 + 64) * 2);
  EXPECT_EQ(qkv[db::kWritesKvCache], 64 * 2);
  EXPECT_EQ(Op(plan, dec, "transformer.h.self_attention", "rope_k")[db::kWritesKvCache], 64 * 2);
  // Scores: 71 query heads over one shared K head.
  EXPECT_EQ(Op(plan, dec, "transformer.h.self_attention", "qk_matmul")[db::kFlops], 2LL * 71 * 1024 * 64);
  EXPECT_EQ(Op(plan, dec, "transformer.h.self_attention", "qk_matmul")[db::kReadsKvCache], 1024LL * 64 * 2);
}

// pythia-1b rotates rotary_pct = 0.25 of each head's 256 dims: 64.
TEST(BuilderTest, GptNeoxPartialRotary) {
  const Plan plan = BuiltPlan("EleutherAI--pythia-1b");
  const auto dec = Decode(plan, 512);
  const std::string attn = "gpt_neox.layers.attention";
  EXPECT_EQ(Op(plan, dec, attn, "rope_q")[db::kFlops], 3 * 8 * 64);
  EXPECT_EQ(Op(plan, dec, attn, "rope_k")[db::kFlops], 3 * 8 * 64);
  // rope_k stores the whole new key head, its pass-through part copied.
  EXPECT_EQ(Op(plan, dec, attn, "rope_k")[db::kWritesKvCache], 8 * 256 * 2);
  EXPECT_EQ(Op(plan, dec, attn, "rope_q")[db::kWritesActivations], 8 * 64 * 2);
  EXPECT_EQ(Op(plan, dec, "gpt_neox.rotary_emb", "cos_sin")[db::kWritesActivations], 2 * 64 * 2);
  // The whole head still takes part in the scores.
  EXPECT_EQ(Op(plan, dec, attn, "qk_matmul")[db::kFlops], 2LL * 8 * 512 * 256);
  // Parallel residual: one add of three terms per layer.
  const auto add = Op(plan, dec, "gpt_neox.layers", "residual_add");
  EXPECT_EQ(add[db::kFlops], 2 * 2048);
  EXPECT_EQ(add[db::kReadsActivations], 3 * 2048 * 2);
  EXPECT_EQ(add[db::kWritesActivations], 2048 * 2);
}

TEST(BuilderTest, GptErrorsNameTheKey) {
  Json c = EmbeddedConfig("openai-community--gpt2");
  c.erase("n_embd");
  EXPECT_EQ(ErrorOf(c),
            "config.json: /n_embd: missing required key; a config.json of this model_type needs it "
            "(see docs/models.md)");
  c = EmbeddedConfig("EleutherAI--pythia-1b");
  c["rotary_pct"] = "0.25";
  EXPECT_EQ(ErrorOf(c), "config.json: /rotary_pct: must be a number, got a string \"0.25\"");
  c = EmbeddedConfig("tiiuae--falcon-7b");
  c["new_decoder_architecture"] = true;
  EXPECT_EQ(ErrorOf(c),
            "config.json: /new_decoder_architecture: the falcon builder models new_decoder_architecture "
            "false only; write an architecture JSON (docs/architecture.md)");
  c = EmbeddedConfig("facebook--opt-6.7b");
  c["activation_function"] = "swish";
  EXPECT_EQ(ErrorOf(c),
            "config.json: /activation_function: the builder models gelu_new, gelu and relu, got "
            "\"swish\"; write an architecture JSON (docs/architecture.md)");
}

}  // namespace
}  // namespace lmp::model
