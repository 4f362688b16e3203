// The MoE builders (Mixtral, Qwen3-MoE, DeepSeek): counts, routed figures, class paths, errors.
#include <gtest/gtest.h>

#include "analysis/analyze.h"
#include "analysis/testing.h"
#include "formula/parser.h"
#include "model/builder.h"
#include "model/testing.h"
#include "util/error.h"

namespace lmp::model {
namespace {

using analysis::Plan;
using analysis::Scenario;
using analysis::Stage;
using testing::BuiltPlan;
using testing::Db;
using testing::Decode;
using testing::EmbeddedConfig;
using testing::Parameters;

constexpr auto Op = analysis::testing::OpFigures;
constexpr auto ErrorOf = testing::BuildError;

// MoE parameter counts include every expert, the routers and (qwen3_moe)
// q_norm/k_norm. With E experts of MLP width I and the rest as above:
//   per layer = attention + 2*h (norms) + h*E (router) + E*3*h*I (experts)
//               (+ qwen3_moe q_norm, k_norm: 2*d)
TEST(BuilderTest, ParameterCountsMoe) {
  // Mixtral-8x7B-v0.1: h 4096, I 14336, L 32, H 32, K 8 (d 128), E 8, V 32000:
  //   32 * (2*4096^2 + 2*4096*1024 + 2*4096 + 4096*8 + 8*3*4096*14336)
  //   + 4096 + 2*32000*4096
  EXPECT_EQ(Parameters("mistralai--Mixtral-8x7B-v0.1"),
            32LL * (2 * 4096 * 4096 + 2 * 4096 * 1024 + 2 * 4096 + 4096 * 8 + 8LL * 3 * 4096 * 14336) + 4096 +
                2LL * 32000 * 4096);
  EXPECT_EQ(Parameters("mistralai--Mixtral-8x7B-v0.1"), 46'702'792'704);
  // Qwen3-30B-A3B: h 2048, L 48, H 32, K 4, d 128 (given), E 128 of width
  // moe_intermediate_size 768, V 151936, untied:
  //   attention 2048*4096 + 2*2048*512 + 4096*2048 = 18,874,368
  //   q_norm + k_norm 2*128, norms 2*2048, router 2048*128 = 262,144
  //   experts 128*3*2048*768 = 603,979,776; per layer 623,120,640
  //   48 * 623,120,640 + 2048 + 2*151936*2048 = 30,532,122,624
  EXPECT_EQ(Parameters("Qwen--Qwen3-30B-A3B"),
            48LL * (2 * 2048 * 4096 + 2 * 2048 * 512 + 2 * 128 + 2 * 2048 + 2048 * 128 + 128LL * 3 * 2048 * 768) +
                2048 + 2LL * 151936 * 2048);
  EXPECT_EQ(Parameters("Qwen--Qwen3-30B-A3B"), 30'532'122'624);
}

analysis::StageResult DecodeBatch(const Plan& plan, int64_t batch) {
  Scenario s;
  s.stages = {Stage::kDecode};
  s.batch_size = batch;
  s.decode_kv_len = 1024;
  return Analyze(plan, s).stages[0];
}

// Decode weight reads of the routed experts follow the distinct experts
// touched, E * (1 - (1 - k/E)^T) with T = batch_size * seq_len tokens;
// FLOPs follow T * k.
TEST(BuilderTest, MixtralExpertWeightReadsGrowWithBatch) {
  const Plan plan = BuiltPlan("mistralai--Mixtral-8x7B-v0.1");
  const std::string experts = "model.layers.block_sparse_moe.experts";
  const int64_t one = 4096LL * 14336 * 2;  // one expert's w1 at 2 bytes
  // T = 1: 8 * (1 - 3/4) = 2 experts.
  EXPECT_EQ(Op(plan, DecodeBatch(plan, 1), experts, "w1")[db::kReadsWeights], 2 * one);
  // T = 2: 8 * (1 - (3/4)^2) = 8 * 7/16 = 3.5 experts: the expectation is
  // kept, 3.5 * 117,440,512 bytes = 411,041,792 (whole, so nothing to round).
  EXPECT_EQ(Op(plan, DecodeBatch(plan, 2), experts, "w1")[db::kReadsWeights], 7 * one / 2);
  // T = 3: 8 * (1 - 27/64) = 4.625 experts = 543,162,368 bytes.
  EXPECT_EQ(Op(plan, DecodeBatch(plan, 3), experts, "w1")[db::kReadsWeights], 37 * one / 8);
  // T = 64: 8 * (1 - 0.75^64) = 8 - 8.07e-8 experts: 939,524,096 - 9.48 =
  // 939,524,086.52 bytes, a fraction rounded up (ToCount) to 939,524,087.
  EXPECT_EQ(Op(plan, DecodeBatch(plan, 64), experts, "w1")[db::kReadsWeights], 939'524'087);
  // T = 1024: 0.75^1024 underflows against 1: all 8 experts.
  EXPECT_EQ(Op(plan, DecodeBatch(plan, 1024), experts, "w1")[db::kReadsWeights], 8 * one);
  // w2 (down) reads the same bytes; FLOPs are T * k * 2 * h * I.
  for (const int64_t t : {1, 2, 64}) {
    const auto r = DecodeBatch(plan, t);
    EXPECT_EQ(Op(plan, r, experts, "w2")[db::kReadsWeights], Op(plan, r, experts, "w1")[db::kReadsWeights]);
    EXPECT_EQ(Op(plan, r, experts, "w1")[db::kFlops], t * 2 * 2LL * 4096 * 14336);
    // Activations follow T * k rows too.
    EXPECT_EQ(Op(plan, r, experts, "w1")[db::kReadsActivations], t * 2 * 4096LL * 2);
  }
}

// experts_touched is a layer parameter of the experts entry: a model (an
// architecture JSON, or a built tree edited like this) may give it, e.g.
// every expert read each step regardless of batch.
TEST(BuilderTest, ExpertsTouchedCanBeOverridden) {
  Model m = BuildFromConfig(EmbeddedConfig("mistralai--Mixtral-8x7B-v0.1"), "m.json", "m");
  Layer& experts = m.layers[0].sub_layers[0].sub_layers[2].sub_layers[3].sub_layers[1];
  ASSERT_EQ(experts.name, "experts");
  experts.parameters.emplace_back("experts_touched", formula::Parse("{num_local_experts}"));
  const Plan plan = analysis::BuildPlan(m, Db(), "fused");
  EXPECT_EQ(Op(plan, DecodeBatch(plan, 1), "model.layers.block_sparse_moe.experts", "w1")[db::kReadsWeights],
            8 * 4096LL * 14336 * 2);
}

// Routed FLOPs are tokens * k times one expert MLP's, which is the dense
// Llama-style MLP of the same widths: gate, up, down 3 * 2*h*I, SiLU 4*I,
// act_fn(gate) * up I.
TEST(BuilderTest, RoutedFlopsAreTokensTimesKExpertMlps) {
  const Plan plan = BuiltPlan("Qwen--Qwen3-30B-A3B");
  const std::string experts = "model.layers.mlp.experts";
  const int64_t h = 2048, I = 768, k = 8;
  const int64_t per_token_mlp = 3 * 2 * h * I + 4 * I + I;
  for (const int64_t t : {1, 4, 100}) {
    const auto r = DecodeBatch(plan, t);
    int64_t flops = 0;
    for (const char* op : {"gate_proj", "up_proj", "act_fn", "act_mul", "down_proj"}) {
      flops += Op(plan, r, experts, op)[db::kFlops];
    }
    EXPECT_EQ(flops, t * k * per_token_mlp) << t;
  }
  // One token, k = 8 of E = 128: 128 * (1 - (1 - 1/16)) = 8 experts' weights.
  EXPECT_EQ(Op(plan, DecodeBatch(plan, 1), experts, "gate_proj")[db::kReadsWeights], 8 * h * I * 2);
  // The router is a Linear hidden -> 128 over every token.
  EXPECT_EQ(Op(plan, DecodeBatch(plan, 1), "model.layers.mlp.gate", "linear")[db::kFlops], 2 * h * 128);
  // q_norm / k_norm: RMSNorm over head_dim for each of 32 query / 4 key heads.
  EXPECT_EQ(Op(plan, DecodeBatch(plan, 1), "model.layers.self_attn.q_norm", "rms_norm")[db::kFlops],
            4 * 32 * 128 + 3 * 32);
  EXPECT_EQ(Op(plan, DecodeBatch(plan, 1), "model.layers.self_attn.k_norm", "rms_norm")[db::kFlops],
            4 * 4 * 128 + 3 * 4);
}

TEST(BuilderTest, MoeClassPaths) {
  const Model m = LoadModel("mistralai/Mixtral-8x7B-v0.1");
  const Layer& layer = m.layers[0].sub_layers[0].sub_layers[2];
  EXPECT_EQ(layer.class_name, "transformers.models.mixtral.modeling_mixtral.MixtralDecoderLayer");
  EXPECT_EQ(layer.sub_layers[3].class_name, "transformers.models.mixtral.modeling_mixtral.MixtralSparseMoeBlock");
  EXPECT_EQ(layer.sub_layers[3].sub_layers[1].class_name,
            "transformers.models.mixtral.modeling_mixtral.MixtralBlockSparseTop2MLP");
  const Model q = LoadModel("qwen3-30b-a3b");
  const Layer& ql = q.layers[0].sub_layers[0].sub_layers[2];
  EXPECT_EQ(ql.sub_layers[1].class_name, "transformers.models.qwen3_moe.modeling_qwen3_moe.Qwen3MoeAttention");
  EXPECT_EQ(ql.sub_layers[1].sub_layers[4].class_name,
            "transformers.models.qwen3_moe.modeling_qwen3_moe.Qwen3MoeRMSNorm");
  EXPECT_EQ(ql.sub_layers[3].sub_layers[1].class_name,
            "transformers.models.qwen3_moe.modeling_qwen3_moe.Qwen3MoeExperts");
}

TEST(BuilderTest, MoeConfigErrors) {
  Json c = EmbeddedConfig("Qwen--Qwen3-30B-A3B");
  c["num_experts_per_tok"] = 200;
  EXPECT_EQ(ErrorOf(c), "config.json: /num_experts_per_tok: routes each token to 200 experts but num_experts is 128");
  c = EmbeddedConfig("Qwen--Qwen3-30B-A3B");
  c["mlp_only_layers"] = {0, 1};
  EXPECT_EQ(ErrorOf(c),
            "config.json: /mlp_only_layers: the qwen3_moe builder does not model dense layers (a "
            "non-empty mlp_only_layers); write an architecture JSON (docs/architecture.md)");
  c = EmbeddedConfig("mistralai--Mixtral-8x7B-v0.1");
  c.erase("num_local_experts");
  EXPECT_EQ(ErrorOf(c),
            "config.json: /num_local_experts: missing required key; a config.json of this model_type "
            "needs it (see docs/models.md)");
}

}  // namespace
}  // namespace lmp::model
