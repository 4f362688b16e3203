#include "model/builder.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "analysis/testing.h"
#include "model/testing.h"
#include "analysis/analyze.h"
#include "analysis/footprint.h"
#include "formula/parser.h"
#include "util/embedded.h"
#include "util/error.h"

namespace lmp::model {
namespace {

using analysis::Analysis;
using analysis::Plan;
using analysis::Scenario;
using analysis::Stage;

using testing::BuiltPlan;
using testing::Db;
using testing::Decode;
using testing::EmbeddedConfig;
using testing::Parameters;

constexpr auto Op = analysis::testing::OpFigures;

// Parameter counts, by hand from each config.json. With h hidden_size,
// I intermediate_size, L layers, H heads, K KV heads, d head_dim
// (h / H unless given), V vocab_size:
//   per layer = q h*H*d + k,v 2*h*K*d + o H*d*h + MLP 3*h*I + 2 norms 2*h
//               (+ qwen2 q/k/v biases H*d + 2*K*d)
//   total     = L * per layer + final norm h + embedding V*h + lm_head V*h
//               (lm_head not counted when tie_word_embeddings).
TEST(BuilderTest, ParameterCountsLlama2) {
  // 7b: h 4096, I 11008, L 32, H=K 32, V 32000:
  //   32 * (4*4096^2 + 3*4096*11008 + 2*4096) + 4096 + 2*32000*4096
  EXPECT_EQ(Parameters("meta-llama--Llama-2-7b-hf"), 6'738'415'616);
  // 13b: h 5120, I 13824, L 40, H=K 40, V 32000.
  EXPECT_EQ(Parameters("meta-llama--Llama-2-13b-hf"), 13'015'864'320);
  // 70b: h 8192, I 28672, L 80, H 64, K 8 (k,v 8192*1024 each), V 32000.
  EXPECT_EQ(Parameters("meta-llama--Llama-2-70b-hf"), 68'976'648'192);
}

TEST(BuilderTest, ParameterCountsLlama3) {
  // 8B (3 and 3.1 alike): h 4096, I 14336, L 32, H 32, K 8, V 128256:
  //   32 * (2*4096^2 + 2*4096*1024 + 3*4096*14336 + 2*4096) + 4096 + 2*128256*4096
  EXPECT_EQ(Parameters("meta-llama--Meta-Llama-3-8B"), 8'030'261'248);
  EXPECT_EQ(Parameters("meta-llama--Llama-3.1-8B"), 8'030'261'248);
  // 70B: h 8192, I 28672, L 80, H 64, K 8, V 128256.
  EXPECT_EQ(Parameters("meta-llama--Meta-Llama-3-70B"), 70'553'706'496);
  // 405B: h 16384, I 53248, L 126, H 128, K 8, V 128256.
  EXPECT_EQ(Parameters("meta-llama--Llama-3.1-405B"), 405'853'388'800);
  // 3.2-1B: h 2048, I 8192, L 16, H 32, K 8, d 64 (given), V 128256, tied:
  //   16 * (2*2048*2048 + 2*2048*512 + 3*2048*8192 + 2*2048) + 2048 + 128256*2048
  EXPECT_EQ(Parameters("meta-llama--Llama-3.2-1B"), 1'235'814'400);
}

TEST(BuilderTest, ParameterCountsMistralAndQwen2) {
  // Mistral-7B-v0.1: h 4096, I 14336, L 32, H 32, K 8, V 32000.
  EXPECT_EQ(Parameters("mistralai--Mistral-7B-v0.1"), 7'241'732'096);
  // Qwen2.5-7B: h 3584, I 18944, L 28, H 28, K 4 (d 128), V 152064, biases
  // 3584 + 2*512 per layer:
  //   28 * (2*3584^2 + 2*3584*512 + 3*3584*18944 + 2*3584 + 4608) + 3584 + 2*152064*3584
  EXPECT_EQ(Parameters("Qwen--Qwen2.5-7B"), 7'615'616'512);
  // Qwen2-72B: h 8192, I 29568, L 80, H 64, K 8, V 152064, biases 8192 + 2*1024.
  EXPECT_EQ(Parameters("Qwen--Qwen2-72B"), 72'706'203'648);
}

// Gemma: h 3072, I 24576, L 28, H = K 16, d 256 (given, not h / H),
// V 256000, tied embeddings:
//   per layer = q 3072*4096 + k,v 2*3072*4096 + o 4096*3072 (= 50,331,648)
//               + MLP 3*3072*24576 (= 226,492,416) + 2 norms 2*3072
//             = 276,830,208
//   total     = 28 * 276,830,208 + final norm 3072 + embedding 256000*3072
//             = 7,751,245,824 + 3072 + 786,432,000 = 8,537,680,896
TEST(BuilderTest, ParameterCountsGemma) { EXPECT_EQ(Parameters("google--gemma-7b"), 8'537'680'896); }

// Gemma2-9b: h 3584, I 14336, L 42, H 16, K 8, d 256, V 256000, tied, four
// norms per layer:
//   per layer = q 3584*4096 + k,v 2*3584*2048 + o 4096*3584 (= 44,040,192)
//               + MLP 3*3584*14336 (= 154,140,672) + 4 norms 4*3584
//             = 198,195,200
//   total     = 42 * 198,195,200 + 3584 + 256000*3584
//             = 8,324,198,400 + 3584 + 917,504,000 = 9,241,705,984
TEST(BuilderTest, ParameterCountsGemma2) { EXPECT_EQ(Parameters("google--gemma-2-9b"), 9'241'705'984); }

TEST(BuilderTest, GemmaStructure) {
  const Plan plan = BuiltPlan("google--gemma-7b");
  const auto dec = Decode(plan, 1024);
  // head_dim 256 from the config: q_proj 3072 -> 16 * 256 = 4096.
  EXPECT_EQ(Op(plan, dec, "model.layers.self_attn.q_proj", "linear")[db::kFlops], 2LL * 3072 * 4096);
  EXPECT_EQ(Op(plan, dec, "model.layers.self_attn", "qk_matmul")[db::kFlops], 2LL * 16 * 1024 * 256);
  // GeGLU: 9 FLOPs per element of the gate, then the product with up.
  EXPECT_EQ(Op(plan, dec, "model.layers.mlp.act_fn", "gelu_tanh")[db::kFlops], 9LL * 24576);
  EXPECT_EQ(Op(plan, dec, "model.layers.mlp", "act_mul")[db::kFlops], 24576);
  // Scaled embeddings: one multiply per element; RMSNorm adds 1 to the weight.
  EXPECT_EQ(Op(plan, dec, "model", "embed_scale")[db::kFlops], 3072);
  EXPECT_EQ(Op(plan, dec, "model.norm", "rms_norm")[db::kFlops], 4 * 3072 + 3 + 3072);
  // Tied: lm_head reads the table but owns no parameters.
  for (const auto& l : plan.layers) {
    if (l.path == "lm_head") {
      EXPECT_EQ(l.params, 0);
    }
  }
  EXPECT_EQ(Op(plan, dec, "lm_head", "linear")[db::kReadsWeights], 256000LL * 3072 * 2);
  const Model m = LoadModel("google/gemma-7b");
  EXPECT_EQ(m.layers[0].class_name, "transformers.models.gemma.modeling_gemma.GemmaForCausalLM");
  EXPECT_EQ(m.layers[0].sub_layers[0].sub_layers[2].sub_layers[1].class_name,
            "transformers.models.gemma.modeling_gemma.GemmaAttention");
}

// Gemma2 alternates sliding-window (even index) and global layers: 21 of
// each for 42 layers. Past the window (4096) a sliding layer's attention
// stops growing; a global layer's keeps growing.
TEST(BuilderTest, Gemma2SlidingLayersStopGrowingPastTheWindow) {
  const Plan plan = BuiltPlan("google--gemma-2-9b");
  for (const auto& l : plan.layers) {
    if (l.path == "model.layers" || l.path == "model.sliding_layers") {
      EXPECT_EQ(l.repeat, 21) << l.path;
    }
  }
  const auto at_w = Decode(plan, 4096), at_2w = Decode(plan, 8192);
  const std::string sliding = "model.sliding_layers.self_attn", global = "model.layers.self_attn";
  // 2 * 16 heads * 4096 * 256.
  EXPECT_EQ(Op(plan, at_w, sliding, "qk_matmul")[db::kFlops], 2LL * 16 * 4096 * 256);
  EXPECT_EQ(Op(plan, at_2w, sliding, "qk_matmul")[db::kFlops], Op(plan, at_w, sliding, "qk_matmul")[db::kFlops]);
  EXPECT_EQ(Op(plan, at_2w, sliding, "sv_matmul"), Op(plan, at_w, sliding, "sv_matmul"));
  EXPECT_EQ(Op(plan, at_2w, global, "qk_matmul")[db::kFlops], 2 * Op(plan, at_w, global, "qk_matmul")[db::kFlops]);
  // Soft-capping: 3 FLOPs per score; final soft-capping 3 per logit.
  EXPECT_EQ(Op(plan, at_2w, global, "softcap")[db::kFlops], 3LL * 16 * 8192);
  EXPECT_EQ(Op(plan, at_2w, sliding, "softcap")[db::kFlops], 3LL * 16 * 4096);
  EXPECT_EQ(Op(plan, at_2w, "(root)", "final_softcap")[db::kFlops], 3LL * 256000);
  // Four norms per layer.
  EXPECT_EQ(Op(plan, at_w, "model.layers.pre_feedforward_layernorm", "rms_norm")[db::kFlops], 4 * 3584 + 3 + 3584);
  // KV cache at 8192 tokens: 21 global layers hold 8192 tokens, 21 sliding
  // ones 4096; each 2 (K, V) * 8 heads * 256 * 2 bytes per token.
  EXPECT_EQ(analysis::MemoryFootprint(plan, Scenario{}, 8192).kv_cache_bytes,
            21LL * 2 * 8 * 256 * 2 * (8192 + 4096));
}

// Phi-3-mini-4k: h 3072, I 8192, L 32, H = K 32, d 96, V 32064, untied:
//   per layer = qkv_proj 3072*(3072 + 2*3072) (= 28,311,552) + o 3072*3072
//               (= 9,437,184) + gate_up_proj 3072*2*8192 (= 50,331,648)
//               + down 8192*3072 (= 25,165,824) + 2 norms 2*3072
//             = 113,252,352
//   total     = 32 * 113,252,352 + 3072 + 2 * 32064*3072
//             = 3,624,075,264 + 3072 + 197,001,216 = 3,821,079,552
TEST(BuilderTest, ParameterCountsPhi3) {
  EXPECT_EQ(Parameters("microsoft--Phi-3-mini-4k-instruct"), 3'821'079'552);
}

// phi3's fused qkv_proj: one GEMM to q, k and v; the V columns are written
// to the KV cache, the Q and K columns to activations (rope_k stores K).
TEST(BuilderTest, Phi3FusedProjections) {
  const Plan plan = BuiltPlan("microsoft--Phi-3-mini-4k-instruct");
  Scenario s;
  s.stages = {Stage::kPrefill};
  s.batch_size = 2;
  s.prompt_len = 128;
  const auto pre = Analyze(plan, s).stages[0];
  const int64_t T = 2 * 128, h = 3072, kv = 32 * 96;
  const auto qkv = Op(plan, pre, "model.layers.self_attn.qkv_proj", "linear");
  EXPECT_EQ(qkv[db::kFlops], 2 * T * h * (h + 2 * kv));
  EXPECT_EQ(qkv[db::kWritesKvCache], T * kv * 2);
  EXPECT_EQ(qkv[db::kWritesActivations], T * (h + kv) * 2);
  EXPECT_EQ(Op(plan, pre, "model.layers.self_attn", "rope_k")[db::kWritesKvCache], T * kv * 2);
  const auto gate_up = Op(plan, pre, "model.layers.mlp.gate_up_proj", "linear");
  EXPECT_EQ(gate_up[db::kFlops], 2 * T * h * 2 * 8192);
  EXPECT_EQ(gate_up[db::kWritesKvCache], 0);
  EXPECT_EQ(Op(plan, pre, "model.layers.mlp", "act_mul")[db::kFlops], T * 8192);
  // KV cache per token: 32 layers * 2 (K, V) * 32 heads * 96 * 2 bytes;
  // sliding_window 2047 caps it.
  const int64_t per_token = 32LL * 2 * 32 * 96 * 2;
  EXPECT_EQ(per_token, 393'216);
  EXPECT_EQ(analysis::MemoryFootprint(plan, Scenario{}, 1024).kv_cache_bytes, 1024 * per_token);
  EXPECT_EQ(analysis::MemoryFootprint(plan, Scenario{}, 4096).kv_cache_bytes, 2047 * per_token);
  const Model m = LoadModel("microsoft/Phi-3-mini-4k-instruct");
  EXPECT_EQ(m.layers[0].sub_layers[0].sub_layers[2].sub_layers[1].class_name,
            "transformers.models.phi3.modeling_phi3.Phi3Attention");
}

TEST(BuilderTest, EveryCatalogModelLoadsAndPlans) {
  for (const CatalogEntry& e : Catalog()) {
    EXPECT_NO_THROW(analysis::BuildPlan(LoadModel(e.id), Db(), "fused")) << e.id;
  }
  // Eight llama, one mistral, two qwen2, two gpt2, one each of gpt_neox, opt,
  // falcon, gemma, gemma2, phi3, mixtral, qwen3_moe, deepseek_v2 and
  // deepseek_v3 configs; Llama-2 is served by its hand-written architecture,
  // so three ids are not repeated.
  EXPECT_EQ(Catalog().size(), 23u);
}

TEST(BuilderTest, CatalogPrefersHandWrittenArchitectures) {
  for (const CatalogEntry& e : Catalog()) {
    if (e.id.rfind("meta-llama/Llama-2-", 0) == 0) {
      EXPECT_FALSE(e.built) << e.id;
    }
  }
  EXPECT_TRUE(LoadModel("mistral-7b-v0.1").file.ends_with("configs/mistralai--Mistral-7B-v0.1.json"));
  EXPECT_EQ(LoadModel("QWEN/qwen2.5-7b").id, "Qwen/Qwen2.5-7B");
}

// The builder reproduces the hand-written Llama-2-7b architecture: same
// layers, classes, repeats and parameter formulas, so the same figures.
TEST(BuilderTest, Llama2BuiltEqualsHandWritten) {
  const Plan built = BuiltPlan("meta-llama--Llama-2-7b-hf");
  const Plan hand = analysis::BuildPlan(LoadModel("meta-llama/Llama-2-7b-hf"), Db(), "fused");
  ASSERT_EQ(built.layers.size(), hand.layers.size());
  for (size_t i = 0; i < hand.layers.size(); ++i) {
    EXPECT_EQ(built.layers[i].path, hand.layers[i].path);
    EXPECT_EQ(built.layers[i].module, hand.layers[i].module);
    EXPECT_EQ(built.layers[i].repeat, hand.layers[i].repeat);
    EXPECT_EQ(built.layers[i].parameters, hand.layers[i].parameters) << hand.layers[i].path;
  }
  const Analysis a = Analyze(built, Scenario{}), b = Analyze(hand, Scenario{});
  EXPECT_EQ(a.stages[0].totals, b.stages[0].totals);
  EXPECT_EQ(a.stages[1].totals, b.stages[1].totals);
}

TEST(BuilderTest, RealClassPaths) {
  const Plan plan = BuiltPlan("mistralai--Mistral-7B-v0.1");
  EXPECT_EQ(plan.layers[0].module, "transformers.models.llama.modeling_llama.LlamaForCausalLM");  // the DB entry
  EXPECT_EQ(plan.layers[0].alias, "transformers.models.mistral.modeling_mistral.MistralForCausalLM");
  const Model m = LoadModel("mistralai/Mistral-7B-v0.1");
  EXPECT_EQ(m.layers[0].class_name, "transformers.models.mistral.modeling_mistral.MistralForCausalLM");
  const Layer& attn = m.layers[0].sub_layers[0].sub_layers[2].sub_layers[1];
  EXPECT_EQ(attn.class_name, "transformers.models.mistral.modeling_mistral.MistralAttention");
  EXPECT_EQ(LoadModel("Qwen2.5-7B").layers[0].sub_layers[0].sub_layers[2].class_name,
            "transformers.models.qwen2.modeling_qwen2.Qwen2DecoderLayer");
}

// Mistral-7B attends to at most sliding_window = 4096 tokens: past the
// window a decode step's attention costs no more, and the KV cache holds
// 4096 tokens.
TEST(BuilderTest, MistralSlidingWindowCapsAttention) {
  const Plan plan = BuiltPlan("mistralai--Mistral-7B-v0.1");
  const auto at2k = Decode(plan, 2048), at4k = Decode(plan, 4096), at8k = Decode(plan, 8192);
  const std::string attn = "model.layers.self_attn";
  // 2 * 32 heads * 1 * 4096 * 128.
  EXPECT_EQ(Op(plan, at4k, attn, "qk_matmul")[db::kFlops], 2LL * 32 * 4096 * 128);
  EXPECT_EQ(Op(plan, at8k, attn, "qk_matmul")[db::kFlops], Op(plan, at4k, attn, "qk_matmul")[db::kFlops]);
  EXPECT_EQ(Op(plan, at8k, attn, "sv_matmul"), Op(plan, at4k, attn, "sv_matmul"));
  EXPECT_LT(Op(plan, at2k, attn, "qk_matmul")[db::kFlops], Op(plan, at4k, attn, "qk_matmul")[db::kFlops]);
  // KV cache: 32 layers * 2 (K, V) * 8 heads * 128 * 2 bytes * 4096 tokens.
  Scenario s;
  EXPECT_EQ(analysis::MemoryFootprint(plan, s, 8192).kv_cache_bytes, 32LL * 2 * 8 * 128 * 2 * 4096);
}

TEST(BuilderTest, Qwen2WindowOnlyWhenUsed) {
  // Qwen2.5-7B: use_sliding_window false, so attention grows with kv_len.
  const Plan plan = BuiltPlan("Qwen--Qwen2.5-7B");
  const std::string attn = "model.layers.self_attn";
  EXPECT_EQ(Op(plan, Decode(plan, 8192), attn, "qk_matmul")[db::kFlops],
            2 * Op(plan, Decode(plan, 4096), attn, "qk_matmul")[db::kFlops]);
  // With use_sliding_window, layers from max_window_layers on are windowed.
  Json c = EmbeddedConfig("Qwen--Qwen2.5-7B");
  c["use_sliding_window"] = true;
  c["sliding_window"] = 4096;
  c["max_window_layers"] = 20;
  const Plan windowed = analysis::BuildPlan(BuildFromConfig(c, "c.json", "c"), Db(), "fused");
  const auto at8k = Decode(windowed, 8192);
  EXPECT_EQ(Op(windowed, at8k, "model.sliding_layers.self_attn", "qk_matmul")[db::kFlops],
            2LL * 28 * 4096 * 128);
  EXPECT_EQ(Op(windowed, at8k, "model.layers.self_attn", "qk_matmul")[db::kFlops], 2LL * 28 * 8192 * 128);
  for (const auto& l : windowed.layers) {
    if (l.path == "model.layers") {
      EXPECT_EQ(l.repeat, 20);
    }
    if (l.path == "model.sliding_layers") {
      EXPECT_EQ(l.repeat, 8);
    }
  }
  EXPECT_EQ(analysis::Evaluator(windowed).Parameters(Scenario{}), 7'615'616'512);
}

// qwen2's q/k/v projections have biases (o_proj has none): the bias is read
// (at activation precision) and added.
TEST(BuilderTest, Qwen2QProjReadsItsBias) {
  const Plan plan = BuiltPlan("Qwen--Qwen2.5-7B");
  const auto dec = Decode(plan, 1024);
  // 3584 x 3584 weights at 2 bytes plus 3584 bias values at 2 bytes.
  EXPECT_EQ(Op(plan, dec, "model.layers.self_attn.q_proj", "linear")[db::kReadsWeights],
            3584LL * 3584 * 2 + 3584 * 2);
  EXPECT_EQ(Op(plan, dec, "model.layers.self_attn.q_proj", "linear")[db::kFlops], 2LL * 3584 * 3584 + 3584);
  EXPECT_EQ(Op(plan, dec, "model.layers.self_attn.o_proj", "linear")[db::kReadsWeights], 3584LL * 3584 * 2);
}

// tie_word_embeddings: lm_head reads the shared table but owns no parameters.
TEST(BuilderTest, TiedLmHeadReadsButDoesNotOwnItsWeight) {
  const Plan plan = BuiltPlan("meta-llama--Llama-3.2-1B");
  for (const auto& l : plan.layers) {
    if (l.path == "lm_head") {
      EXPECT_EQ(l.params, 0);
    }
    if (l.path == "model.embed_tokens") {
      EXPECT_EQ(l.params, 128256LL * 2048);
    }
  }
  EXPECT_EQ(Op(plan, Decode(plan, 16), "lm_head", "linear")[db::kReadsWeights], 128256LL * 2048 * 2);
}

TEST(BuilderTest, HeadDimAndKvHeadsDefaults) {
  Json c = {{"model_type", "llama"}, {"hidden_size", 64}, {"intermediate_size", 128},
            {"num_hidden_layers", 2}, {"num_attention_heads", 4}, {"vocab_size", 100}};
  // No num_key_value_heads: MHA; no head_dim: 64 / 4 = 16.
  // 2 * (4*64*64 + 3*64*128 + 2*64) + 64 + 2*100*64
  EXPECT_EQ(analysis::Evaluator(analysis::BuildPlan(BuildFromConfig(c, "c.json", "c"), Db(), "fused"))
                .Parameters(Scenario{}),
            2 * (4 * 64 * 64 + 3 * 64 * 128 + 2 * 64) + 64 + 2 * 100 * 64);
  c["head_dim"] = 8;  // q: 64 -> 32, k,v: 64 -> 32, o: 32 -> 64
  c["num_key_value_heads"] = 2;  // k, v: 64 -> 16
  EXPECT_EQ(analysis::Evaluator(analysis::BuildPlan(BuildFromConfig(c, "c.json", "c"), Db(), "fused"))
                .Parameters(Scenario{}),
            2 * (2 * 64 * 32 + 2 * 64 * 16 + 3 * 64 * 128 + 2 * 64) + 64 + 2 * 100 * 64);
}

constexpr auto ErrorOf = testing::BuildError;

TEST(BuilderTest, ErrorsNameTheFileAndKey) {
  Json c = EmbeddedConfig("meta-llama--Llama-3.1-8B");
  c.erase("num_hidden_layers");
  EXPECT_EQ(ErrorOf(c), "config.json: /num_hidden_layers: missing required key; a config.json of this model_type "
                        "needs it (see docs/models.md)");
  c = EmbeddedConfig("meta-llama--Llama-3.1-8B");
  c["hidden_size"] = "4096";
  EXPECT_EQ(ErrorOf(c), "config.json: /hidden_size: must be a positive integer, got a string \"4096\"");
  c = EmbeddedConfig("meta-llama--Llama-3.1-8B");
  c["tie_word_embeddings"] = 1;
  EXPECT_EQ(ErrorOf(c), "config.json: /tie_word_embeddings: must be true or false, got an integer 1");
  c = EmbeddedConfig("meta-llama--Llama-3.1-8B");
  c["hidden_act"] = "gelu";
  EXPECT_EQ(ErrorOf(c), "config.json: /hidden_act: the llama builder models hidden_act \"silu\" only, got \"gelu\"; "
                        "write an architecture JSON (docs/architecture.md)");
  c["model_type"] = "lama";
  EXPECT_EQ(ErrorOf(c), "config.json: /model_type: no builder for model_type 'lama' (did you mean 'llama'?) "
                        "(supported: deepseek_v2, deepseek_v3, falcon, gemma, gemma2, gpt2, gpt_neox, llama, mistral, mixtral, opt, phi3, qwen2, qwen3, qwen3_moe); write an architecture JSON for this model "
                        "(docs/architecture.md) and pass its path");
}

TEST(BuilderTest, GemmaErrorsAndOptions) {
  Json c = EmbeddedConfig("google--gemma-2-9b");
  c["hidden_activation"] = "gelu";
  EXPECT_EQ(ErrorOf(c), "config.json: /hidden_activation: the gemma2 builder models hidden_activation "
                        "\"gelu_pytorch_tanh\" only, got \"gelu\"; write an architecture JSON (docs/architecture.md)");
  // 3 layers: layers 0 and 2 slide, layer 1 is global.
  c = EmbeddedConfig("google--gemma-2-9b");
  c["num_hidden_layers"] = 3;
  Plan plan = analysis::BuildPlan(BuildFromConfig(c, "c.json", "c"), Db(), "fused");
  for (const auto& l : plan.layers) {
    if (l.path == "model.layers") {
      EXPECT_EQ(l.repeat, 1);
    }
    if (l.path == "model.sliding_layers") {
      EXPECT_EQ(l.repeat, 2);
    }
  }
  // No soft-capping where the caps are null: the operations count nothing.
  c["attn_logit_softcapping"] = nullptr;
  c["final_logit_softcapping"] = nullptr;
  plan = analysis::BuildPlan(BuildFromConfig(c, "c.json", "c"), Db(), "fused");
  const auto dec = Decode(plan, 64);
  EXPECT_EQ(Op(plan, dec, "model.layers.self_attn", "softcap")[db::kFlops], 0);
  EXPECT_EQ(Op(plan, dec, "(root)", "final_softcap")[db::kFlops], 0);
}

TEST(BuilderTest, LoadsADirectoryWithConfigJson) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "lmp_builder_dir";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "config.json") << EmbeddedConfig("mistralai--Mistral-7B-v0.1").dump();
  const Model m = LoadModel(dir.string());
  EXPECT_EQ(m.file, (dir / "config.json").string());
  EXPECT_EQ(analysis::Evaluator(analysis::BuildPlan(m, Db(), "fused")).Parameters(Scenario{}), 7'241'732'096);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lmp::model

namespace lmp::model {
namespace {

// Flash with a sliding window, prompt longer than the window: the layer's
// kv_len (min(4096, 2047)) is below seq_len, the kernel clamps the cached
// prefix to 0 and counts full causal attention over the prompt, exactly as
// the same model without a window would (docs/flash.md, "Sliding windows").
TEST(BuilderTest, FlashIgnoresTheWindowInALongPrefill) {
  Json windowed = EmbeddedConfig("microsoft--Phi-3-mini-4k-instruct");
  Json full = windowed;
  full["sliding_window"] = nullptr;
  Scenario s;
  s.profile = "flash";
  s.prompt_len = 4096;
  s.stages = {Stage::kPrefill};
  const Plan a = analysis::BuildPlan(BuildFromConfig(windowed, "w.json", "w"), Db(), "flash");
  const Plan b = analysis::BuildPlan(BuildFromConfig(full, "f.json", "f"), Db(), "flash");
  const Analysis ra = analysis::Analyze(a, s), rb = analysis::Analyze(b, s);
  const analysis::Metrics fa = Op(a, ra.stages[0], "model.layers.self_attn", "flash_attention");
  EXPECT_GT(fa[db::kFlops], 0);
  EXPECT_EQ(fa, Op(b, rb.stages[0], "model.layers.self_attn", "flash_attention"));
}

}  // namespace
}  // namespace lmp::model

namespace lmp::model {
namespace {

// The head split, shared by every builder: a family that reads head_dim
// accepts any hidden size with it, and says so when it is missing.
TEST(BuilderTest, HiddenSizeMustSplitIntoWholeHeads) {
  Json c = EmbeddedConfig("meta-llama--Llama-3.1-8B");
  c["hidden_size"] = 4097;
  EXPECT_EQ(ErrorOf(c), "config.json: /num_attention_heads: the hidden size 4097 is not a multiple of 32 heads; "
                        "give head_dim");
  c["head_dim"] = 128;
  EXPECT_NO_THROW(BuildFromConfig(c, "config.json", "c"));
  Json g = EmbeddedConfig("openai-community--gpt2");
  g["n_head"] = 7;
  EXPECT_EQ(ErrorOf(g), "config.json: /n_head: the hidden size 768 is not a multiple of 7 heads");
}

}  // namespace
}  // namespace lmp::model

namespace lmp::model {
namespace {

// LoadModel finds catalog ids without parsing the configs (CatalogIndex);
// the listing still names each config's family.
TEST(CatalogTest, ConfigEntriesNameTheirFamily) {
  int built = 0;
  for (const CatalogEntry& e : Catalog()) {
    if (!e.built) continue;
    ++built;
    if (e.id == "mistralai/Mistral-7B-v0.1") {
      EXPECT_EQ(e.description, "mistral config.json (built by the mistral builder)");
    }
    EXPECT_NE(e.description.find(" config.json (built by the "), std::string::npos) << e.id;
    EXPECT_EQ(LoadModel(e.id).id, e.id);
  }
  EXPECT_GE(built, 20);
}

// The index finds architectures by their file's name, not their model_id.
TEST(CatalogTest, ArchitecturesAreNamedByTheirModelId) {
  int n = 0;
  for (const EmbeddedFile& f : EmbeddedFilesUnder("models/")) {
    EXPECT_EQ(Json::parse(f.text)["model_id"].get<std::string>(), CatalogIdOfPath(f.path)) << f.path;
    ++n;
  }
  EXPECT_GE(n, 3);
  EXPECT_EQ(CatalogIdOfPath("configs/meta-llama--Llama-2-7b-hf.json"), "meta-llama/Llama-2-7b-hf");
}

}  // namespace
}  // namespace lmp::model
