#include "model/deepseek_builder.h"

#include <gtest/gtest.h>

#include "analysis/analyze.h"
#include "analysis/footprint.h"
#include "analysis/testing.h"
#include "model/testing.h"
#include "model/builder.h"
#include "util/embedded.h"
#include "util/error.h"

namespace lmp::model {
namespace {

using analysis::Plan;
using analysis::Scenario;
using analysis::Stage;

constexpr auto Op = analysis::testing::OpFigures;

constexpr auto EmbeddedConfig = testing::EmbeddedConfig;

Plan PlanOf(const Json& config, const std::string& profile = "fused") {
  return analysis::BuildPlan(BuildFromConfig(config, "config.json", "m"), analysis::testing::EmbeddedDb(), profile);
}

int64_t Parameters(const Json& config) { return analysis::Evaluator(PlanOf(config)).Parameters(Scenario{}); }

analysis::StageResult Decode(const Plan& plan, int64_t batch, int64_t kv_len) {
  Scenario s;
  s.profile = plan.profile;
  s.stages = {Stage::kDecode};
  s.batch_size = batch;
  s.decode_kv_len = kv_len;
  return analysis::Analyze(plan, s).stages[0];
}

constexpr auto ErrorOf = testing::BuildError;

// DeepSeek-V3: h 7168, V 129280, H 128, q_lora 1536, kv_lora c 512,
// qk_nope 128, qk_rope r 64, v_head 128, 61 layers of which the first 3 are
// dense (I 18432) and 58 MoE (256 routed experts and 1 shared of width
// 2048), untied.
//   attention = q_a 7168*1536 (11,010,048) + q_a_layernorm 1536
//             + q_b 1536*128*192 (37,748,736) + kv_a 7168*576 (4,128,768)
//             + kv_a_layernorm 512 + kv_b 512*128*256 (16,777,216)
//             + o 128*128*7168 (117,440,512)                = 187,107,328
//   dense layer = attention + 2 norms 14,336 + MLP 3*7168*18432 (396,361,728)
//               = 583,483,392
//   MoE layer   = attention + 14,336 + experts 256*3*7168*2048 (11,274,289,152)
//               + shared 3*7168*2048 (44,040,192) + router 256*7168 + 256
//                 correction biases (1,835,264)               = 11,507,286,272
//   total = 3 * 583,483,392 + 58 * 11,507,286,272 + final norm 7168
//         + embedding and lm_head 2*129280*7168 = 671,026,419,200,
// the published figure without the multi-token-prediction layer.
TEST(DeepseekBuilderTest, ParameterCountV3) {
  const int64_t attention = 7168LL * 1536 + 1536 + 1536LL * 128 * 192 + 7168LL * 576 + 512 + 512LL * 128 * 256 +
                            128LL * 128 * 7168;
  EXPECT_EQ(attention, 187'107'328);
  const int64_t dense = attention + 2 * 7168 + 3LL * 7168 * 18432;
  const int64_t moe = attention + 2 * 7168 + 256LL * 3 * 7168 * 2048 + 3LL * 7168 * 2048 + 256LL * 7168 + 256;
  EXPECT_EQ(3 * dense + 58 * moe + 7168 + 2LL * 129280 * 7168, 671'026'419'200);
  EXPECT_EQ(Parameters(EmbeddedConfig("deepseek-ai--DeepSeek-V3")), 671'026'419'200);
}

// DeepSeek-V2-Lite: h 2048, V 102400, H 16, no q_lora (a plain q_proj
// 2048 -> 16*192), c 512, 27 layers: 1 dense (I 10944) and 26 MoE (64
// routed experts of width 1408, 2 shared: one MLP of width 2816; the
// router's weight 64 * 2048, counted in the DeepseekV2Moe block).
//   attention = q 2048*3072 + kv_a 2048*576 + 512 + kv_b 512*16*256 + o 2048*2048
//             = 13,763,072
//   total = (attention + 4096 + 3*2048*10944)
//         + 26 * (attention + 4096 + 64*3*2048*1408 + 3*2048*2816 + 64*2048)
//         + 2048 + 2*102400*2048 = 15,706,484,224 (the published 15.7B).
TEST(DeepseekBuilderTest, ParameterCountV2Lite) {
  const int64_t attention = 2048LL * 3072 + 2048LL * 576 + 512 + 512LL * 16 * 256 + 2048LL * 2048;
  EXPECT_EQ(attention, 13'763'072);
  const int64_t total = (attention + 4096 + 3LL * 2048 * 10944) +
                        26 * (attention + 4096 + 64LL * 3 * 2048 * 1408 + 3LL * 2048 * 2816 + 64LL * 2048) + 2048 +
                        2LL * 102400 * 2048;
  EXPECT_EQ(total, 15'706'484'224);
  EXPECT_EQ(Parameters(EmbeddedConfig("deepseek-ai--DeepSeek-V2-Lite")), 15'706'484'224);
}

TEST(DeepseekBuilderTest, StructureAndClassPaths) {
  const Model m = LoadModel("deepseek-ai/DeepSeek-V3");
  const Layer& model = m.layers[0].sub_layers[0];
  ASSERT_EQ(model.sub_layers.size(), 5u);  // embed_tokens, rotary_emb, dense_layers, moe_layers, norm
  const Layer& dense = model.sub_layers[2];
  const Layer& moe = model.sub_layers[3];
  EXPECT_EQ(dense.name, "dense_layers");
  EXPECT_EQ(moe.name, "moe_layers");
  const std::string p = "transformers.models.deepseek_v3.modeling_deepseek_v3.";
  EXPECT_EQ(dense.class_name, p + "DeepseekV3DecoderLayer");
  EXPECT_EQ(dense.sub_layers[1].class_name, p + "DeepseekV3Attention");
  EXPECT_EQ(dense.sub_layers[1].sub_layers[0].name, "q_a_proj");
  EXPECT_EQ(dense.sub_layers[1].sub_layers[3].name, "kv_a_proj_with_mqa");
  EXPECT_EQ(dense.sub_layers[3].class_name, p + "DeepseekV3MLP");
  EXPECT_EQ(moe.sub_layers[3].class_name, p + "DeepseekV3MoE");
  EXPECT_EQ(moe.sub_layers[3].sub_layers[0].class_name, p + "DeepseekV3TopkRouter");
  EXPECT_EQ(moe.sub_layers[3].sub_layers[1].class_name, p + "DeepseekV3NaiveMoe");
  EXPECT_EQ(moe.sub_layers[3].sub_layers[2].name, "shared_experts");

  const Model lite = LoadModel("deepseek-ai/deepseek-v2-lite");  // ids match case-insensitively
  const Layer& attn = lite.layers[0].sub_layers[0].sub_layers[2].sub_layers[1];
  EXPECT_EQ(attn.class_name, "transformers.models.deepseek_v2.modeling_deepseek_v2.DeepseekV2Attention");
  EXPECT_EQ(attn.sub_layers[0].name, "q_proj");  // q_lora_rank null
  const Layer& block = lite.layers[0].sub_layers[0].sub_layers[3].sub_layers[3];
  EXPECT_EQ(block.class_name, "transformers.models.deepseek_v2.modeling_deepseek_v2.DeepseekV2Moe");
  ASSERT_EQ(block.sub_layers.size(), 2u);  // the gate is the block's own (V2MoeBlockRunsItsOwnRouter)
  EXPECT_EQ(block.sub_layers[0].class_name, "transformers.models.deepseek_v2.modeling_deepseek_v2.DeepseekV2Experts");
  EXPECT_EQ(block.sub_layers[1].name, "shared_experts");
}

// DeepSeek-V2's gate is an nn.Linear whose weight DeepseekV2Moe.forward
// casts to float32 and multiplies itself (F.linear), so the router's GEMM
// is the block's operation, not a Linear sub-layer's. V2-Lite: h 2048, 64
// routed experts, 6 per token, greedy routing; 3 tokens in one decode step.
TEST(DeepseekBuilderTest, V2MoeBlockRunsItsOwnRouter) {
  const Json lite = EmbeddedConfig("deepseek-ai--DeepSeek-V2-Lite");
  const Model m = BuildFromConfig(lite, "config.json", "m");
  const Layer& block = m.layers[0].sub_layers[0].sub_layers[3].sub_layers[3];
  ASSERT_EQ(block.name, "mlp");
  for (const Layer& sub : block.sub_layers) EXPECT_NE(sub.name, "gate");
  const std::string b = "model.moe_layers.mlp";
  const int64_t t = 3;

  const Plan eager = PlanOf(lite, "eager");
  const auto e = Decode(eager, t, 100);
  // The float32 copies of the hidden states and of the weight, then their
  // product, 2 * T * h * E.
  EXPECT_EQ(Op(eager, e, b, "hidden_to_float32")[db::kWritesActivations], t * 2048 * 4);
  EXPECT_EQ(Op(eager, e, b, "weight_to_float32")[db::kReadsWeights], 64 * 2048 * 2);
  EXPECT_EQ(Op(eager, e, b, "router_mm")[db::kFlops], t * 2 * 2048 * 64);
  EXPECT_EQ(Op(eager, e, b, "router_mm")[db::kReadsActivations], t * 2048 * 4 + 64 * 2048 * 4);
  EXPECT_EQ(Op(eager, e, b, "router_mm")[db::kReadsWeights], 0);
  EXPECT_EQ(Op(eager, e, b, "router_softmax_eager")[db::kFlops], 5 * t * 64);
  EXPECT_EQ(Op(eager, e, b, "expert_topk")[db::kWritesActivations], t * 6 * (4 + 8));
  EXPECT_EQ(Op(eager, e, b, "group_max")[db::kFlops], 0);  // greedy: no group kernels
  EXPECT_EQ(Op(eager, e, b, "scale")[db::kFlops], t * 6);

  // Fused: one GEMM with the figures the Linear sub-layer had, the weight
  // read whole at w_bytes.
  const Plan fused = PlanOf(lite);
  const auto f = Decode(fused, t, 100);
  EXPECT_EQ(Op(fused, f, b, "router_linear")[db::kFlops], t * 2 * 2048 * 64);
  EXPECT_EQ(Op(fused, f, b, "router_linear")[db::kReadsWeights], 64 * 2048 * 2);
  EXPECT_EQ(Op(fused, f, b, "router_linear")[db::kWritesActivations], t * 64 * 2);
}

// topk_method group_limited_greedy (DeepSeek-V2's: 8 groups, the best 3
// kept; here over V2-Lite's 64 experts) runs the group kernels; other
// methods are errors, as are groups that do not split the experts evenly.
TEST(DeepseekBuilderTest, V2GroupLimitedRouting) {
  Json c = EmbeddedConfig("deepseek-ai--DeepSeek-V2-Lite");
  c["topk_method"] = "group_limited_greedy";
  c["n_group"] = 8;
  c["topk_group"] = 3;
  const Plan eager = PlanOf(c, "eager");
  const auto e = Decode(eager, 2, 100);
  const std::string b = "model.moe_layers.mlp";
  EXPECT_EQ(Op(eager, e, b, "group_max")[db::kWritesActivations], 2 * 8 * (4 + 8));
  EXPECT_EQ(Op(eager, e, b, "group_topk")[db::kWritesActivations], 2 * 3 * (4 + 8));
  EXPECT_EQ(Op(eager, e, b, "score_mask_copy")[db::kWritesActivations], 2 * 64 * 4);
  const Plan fused = PlanOf(c);
  EXPECT_EQ(Op(fused, Decode(fused, 2, 100), b, "topk")[db::kFlops], 2 * 64 + 2 * 2 * (8 - 1));

  c["topk_method"] = "noaux_tc";
  EXPECT_EQ(ErrorOf(c), "config.json: /topk_method: 'noaux_tc' is not a DeepSeek-V2 routing; DeepseekV2Moe knows "
                        "greedy and group_limited_greedy");
  c["topk_method"] = "group_limited_greedy";
  c["n_group"] = 5;
  EXPECT_EQ(ErrorOf(c), "config.json: /n_group: 5 groups do not divide n_routed_experts 64 into equal groups");
  c["n_group"] = 2;
  EXPECT_EQ(ErrorOf(c), "config.json: /topk_group: keeps more groups than n_group 2");
}

// The KV cache holds the normalised latent and the shared RoPE key:
// (kv_lora_rank + qk_rope_head_dim) = (512 + 64) values per token in each
// of the 61 layers, so at 16 bits a sequence of L tokens holds
// 576 * 61 * L * 2 bytes; the value pass re-reads the latent
// (kv_cache_reread) but holds nothing more.
TEST(DeepseekBuilderTest, V3KvCacheIsLatentPlusRopeKeyPerTokenPerLayer) {
  const Plan plan = PlanOf(EmbeddedConfig("deepseek-ai--DeepSeek-V3"));
  Scenario s;
  s.prompt_len = 1024;
  for (const int64_t context : {1024, 4096}) {
    const analysis::Footprint f = analysis::MemoryFootprint(plan, s, context);
    EXPECT_EQ(f.kv_cache_bytes, (512 + 64) * 61LL * context * 2) << context;
  }
  s.batch_size = 8;
  s.kv_bits = 8;
  EXPECT_EQ(analysis::MemoryFootprint(plan, s, 4096).kv_cache_bytes, 8LL * (512 + 64) * 61 * 4096);
}

// One decode step at kv_len L, batch 1, H 128, c 512, r 64, qk_nope 128,
// v_head 128, 16 bits throughout (absorbed MLA, DeepSeek's inference code).
TEST(DeepseekBuilderTest, V3AbsorbedAttentionFigures) {
  const Plan plan = PlanOf(EmbeddedConfig("deepseek-ai--DeepSeek-V3"));
  const int64_t L = 1000;
  const auto r = Decode(plan, 1, L);
  const std::string attn = "model.moe_layers.self_attn";
  // q_nope times the key half of kv_b_proj: 2 * H * 128 * 512, reading
  // that half (128 * 128 * 512 weights).
  EXPECT_EQ(Op(plan, r, attn, "q_absorb")[db::kFlops], 2LL * 128 * 128 * 512);
  EXPECT_EQ(Op(plan, r, attn, "q_absorb")[db::kReadsWeights], 128LL * 128 * 512 * 2);
  // Scores against the latent and RoPE key: 2 * H * L * 576; the cache read once.
  EXPECT_EQ(Op(plan, r, attn, "qk_matmul")[db::kFlops], 2LL * 128 * L * 576);
  EXPECT_EQ(Op(plan, r, attn, "qk_matmul")[db::kReadsKvCache], L * 576 * 2);
  EXPECT_EQ(Op(plan, r, attn, "softmax")[db::kFlops], 5LL * 128 * L);
  // Values are the latent: 2 * H * L * 512, re-reading it.
  EXPECT_EQ(Op(plan, r, attn, "sv_matmul")[db::kFlops], 2LL * 128 * L * 512);
  EXPECT_EQ(Op(plan, r, attn, "sv_matmul")[db::kReadsKvCache], L * 512 * 2);
  // The value half of kv_b_proj: 2 * H * 512 * 128.
  EXPECT_EQ(Op(plan, r, attn, "v_up")[db::kFlops], 2LL * 128 * 512 * 128);
  // The new token's cache entry, 576 values: kv_a_proj_with_mqa writes the
  // 512 of the latent, rope_k the 64 of the rotated shared key.
  EXPECT_EQ(Op(plan, r, attn + ".kv_a_proj_with_mqa", "linear")[db::kWritesKvCache], 512 * 2);
  EXPECT_EQ(Op(plan, r, attn + ".kv_a_proj_with_mqa", "linear")[db::kWritesActivations], 64 * 2);
  EXPECT_EQ(Op(plan, r, attn, "rope_k")[db::kWritesKvCache], 64 * 2);
  // Dense layers come first and use the same attention.
  EXPECT_EQ(Op(plan, r, "model.dense_layers.self_attn", "qk_matmul")[db::kFlops], 2LL * 128 * L * 576);
  EXPECT_EQ(Op(plan, r, "model.dense_layers.mlp.gate_proj", "linear")[db::kFlops], 2LL * 7168 * 18432);
}

// Routed-expert weight reads follow the distinct experts touched,
// E * (1 - (1 - k/E)^T), E 256, k 8; the shared expert is read whole every
// step; routed FLOPs follow T * k.
TEST(DeepseekBuilderTest, V3MoeDecodeWeightReadsGrowWithBatch) {
  const Plan plan = PlanOf(EmbeddedConfig("deepseek-ai--DeepSeek-V3"));
  const std::string block = "model.moe_layers.mlp";
  const int64_t one = 7168LL * 2048 * 2;  // one expert's gate_proj at 2 bytes
  // T = 1: 8 experts. T = 2: 256 * (1 - (31/32)^2) = 15.75 experts.
  EXPECT_EQ(Op(plan, Decode(plan, 1, 100), block + ".experts", "gate_proj")[db::kReadsWeights], 8 * one);
  EXPECT_EQ(Op(plan, Decode(plan, 2, 100), block + ".experts", "gate_proj")[db::kReadsWeights], 63 * one / 4);
  int64_t last = 0;
  for (const int64_t t : {1, 4, 16, 64, 256}) {
    const auto r = Decode(plan, t, 100);
    const int64_t reads = Op(plan, r, block + ".experts", "gate_proj")[db::kReadsWeights];
    EXPECT_GT(reads, last) << t;
    EXPECT_LE(reads, 256 * one) << t;
    last = reads;
    EXPECT_EQ(Op(plan, r, block + ".experts", "gate_proj")[db::kFlops], t * 8 * 2LL * 7168 * 2048);
    EXPECT_EQ(Op(plan, r, block + ".shared_experts.gate_proj", "linear")[db::kReadsWeights], one);
    EXPECT_EQ(Op(plan, r, block + ".gate", "router_linear")[db::kFlops], t * 2LL * 7168 * 256);
  }
}

// The eager MoE block's one-hot expert mask is [T * k, E] int64, and the
// router keeps topk_group of n_group groups: the builder passes both from
// the config (n_routed_experts 256, num_experts_per_tok 8, topk_group 4).
TEST(DeepseekBuilderTest, V3EagerRoutingTakesExpertsAndGroupsFromTheConfig) {
  const Plan plan = PlanOf(EmbeddedConfig("deepseek-ai--DeepSeek-V3"), "eager");
  const std::string block = "model.moe_layers.mlp";
  const auto r = Decode(plan, 3, 100);
  EXPECT_EQ(Op(plan, r, block, "one_hot_zeros")[db::kWritesActivations], 3 * 8 * 256 * 8);
  // The 4 kept groups per token: fp32 values and int64 indices.
  EXPECT_EQ(Op(plan, r, block + ".gate", "group_topk")[db::kWritesActivations], 3 * 4 * (4 + 8));
}

TEST(DeepseekBuilderTest, ConfigErrors) {
  Json c = EmbeddedConfig("deepseek-ai--DeepSeek-V3");
  c["moe_layer_freq"] = 2;
  EXPECT_EQ(ErrorOf(c), "config.json: /moe_layer_freq: the deepseek_v3 builder models an MoE block in every layer "
                        "after first_k_dense_replace (moe_layer_freq 1) only; write an architecture JSON "
                        "(docs/architecture.md)");
  c = EmbeddedConfig("deepseek-ai--DeepSeek-V3");
  c["num_experts_per_tok"] = 300;
  EXPECT_EQ(ErrorOf(c),
            "config.json: /num_experts_per_tok: routes each token to 300 experts but n_routed_experts is 256");
  c = EmbeddedConfig("deepseek-ai--DeepSeek-V2-Lite");
  c.erase("kv_lora_rank");
  EXPECT_EQ(ErrorOf(c), "config.json: /kv_lora_rank: missing required key; a config.json of this model_type needs it "
                        "(see docs/models.md)");
  c = EmbeddedConfig("deepseek-ai--DeepSeek-V2-Lite");
  c["qk_rope_head_dim"] = "64";
  EXPECT_NE(ErrorOf(c).find("config.json: /qk_rope_head_dim: "), std::string::npos) << ErrorOf(c);
}

// Without n_routed_experts every layer is dense.
TEST(DeepseekBuilderTest, NoRoutedExpertsIsDense) {
  Json c = EmbeddedConfig("deepseek-ai--DeepSeek-V2-Lite");
  c["n_routed_experts"] = nullptr;
  const Model m = BuildFromConfig(c, "config.json", "m");
  const Layer& model = m.layers[0].sub_layers[0];
  ASSERT_EQ(model.sub_layers.size(), 4u);
  EXPECT_EQ(model.sub_layers[2].name, "layers");
  EXPECT_EQ(model.sub_layers[2].sub_layers[3].name, "mlp");
  EXPECT_EQ(model.sub_layers[2].sub_layers[3].sub_layers.size(), 4u);  // gate, up, act, down
}

// Qwen3 (dense): Llama's structure plus q_norm / k_norm, an RMSNorm over
// head_dim on each query and key head. Qwen3-8B's config.json values (from
// its model card page); not in the catalog, whose configs come from
// ../shared/hf-configs.
Json Qwen3Config(int64_t hidden, int64_t inter, int64_t layers, int64_t heads, bool tied) {
  return Json{{"architectures", {"Qwen3ForCausalLM"}},
              {"attention_bias", false},
              {"head_dim", 128},
              {"hidden_act", "silu"},
              {"hidden_size", hidden},
              {"intermediate_size", inter},
              {"max_position_embeddings", 40960},
              {"max_window_layers", layers},
              {"model_type", "qwen3"},
              {"num_attention_heads", heads},
              {"num_hidden_layers", layers},
              {"num_key_value_heads", 8},
              {"rms_norm_eps", 1e-6},
              {"sliding_window", nullptr},
              {"tie_word_embeddings", tied},
              {"use_sliding_window", false},
              {"vocab_size", 151936}};
}

// Qwen3-8B: h 4096, I 12288, L 36, H 32, K 8, d 128, V 151936, untied:
//   per layer = q 4096*4096 + k,v 2*4096*1024 + o 4096*4096 + q/k norms 2*128
//             + MLP 3*4096*12288 + 2 norms 2*4096 = 192,946,432
//   total = 36 * 192,946,432 + 4096 + 2*151936*4096 = 8,190,735,360
//   (the card's 8.2B; non-embedding 6.95B).
// Qwen3-0.6B: h 1024, I 3072, L 28, H 16, tied: 28 * 15,730,944 + 1024 +
//   151936*1024 = 596,049,920 (its checkpoint stores lm_head as well:
//   751,632,384 tensors' elements).
TEST(DeepseekBuilderTest, Qwen3DenseParameterCountsAndQkNorm) {
  EXPECT_EQ(Parameters(Qwen3Config(4096, 12288, 36, 32, false)), 8'190'735'360);
  EXPECT_EQ(Parameters(Qwen3Config(1024, 3072, 28, 16, true)), 596'049'920);
  const Plan plan = PlanOf(Qwen3Config(4096, 12288, 36, 32, false));
  const auto r = Decode(plan, 1, 100);
  EXPECT_EQ(Op(plan, r, "model.layers.self_attn.q_norm", "rms_norm")[db::kFlops], 4 * 32 * 128 + 3 * 32);
  EXPECT_EQ(Op(plan, r, "model.layers.self_attn.k_norm", "rms_norm")[db::kFlops], 4 * 8 * 128 + 3 * 8);
  const Model m = BuildFromConfig(Qwen3Config(4096, 12288, 36, 32, false), "config.json", "m");
  EXPECT_EQ(m.layers[0].class_name, "transformers.models.qwen3.modeling_qwen3.Qwen3ForCausalLM");
  EXPECT_EQ(m.layers[0].sub_layers[0].sub_layers[2].sub_layers[1].sub_layers[4].class_name,
            "transformers.models.qwen3.modeling_qwen3.Qwen3RMSNorm");
  // attention_bias puts a bias on q, k, v and o: 4096 + 2*1024 + 4096 per layer.
  Json biased = Qwen3Config(4096, 12288, 36, 32, false);
  biased["attention_bias"] = true;
  EXPECT_EQ(Parameters(biased), 8'190'735'360 + 36LL * (4096 + 2 * 1024 + 4096));
}

}  // namespace
}  // namespace lmp::model
