#include "analysis/footprint.h"

#include <map>

#include <gtest/gtest.h>

#include "model/model.h"
#include "util/error.h"

namespace lmp::analysis {
namespace {

const Plan& PlanFor(const std::string& id) {
  static const db::ModuleDb db = db::ModuleDb::Embedded();
  static std::map<std::string, Plan> plans;
  auto it = plans.find(id);
  if (it == plans.end()) it = plans.emplace(id, BuildPlan(model::LoadModel(id), db, "fused")).first;
  return it->second;
}

TEST(FootprintTest, RequestContextIsPromptPlusGenMinusOne) {
  // Prefill attends 2048 and yields token 1; decode steps feed tokens 1..2047
  // back, the last attending 2048 + 2047 = 4095. Token 2048 is never fed back.
  EXPECT_EQ(RequestContextLen(2048, 2048), 4095);
  EXPECT_EQ(RequestContextLen(2048, 1), 2048);  // prefill only
  EXPECT_EQ(RequestContextLen(1, 1), 1);
  try {
    RequestContextLen(2048, 0);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(), "gen: must be a positive integer, got 0");
  }
  EXPECT_THROW(RequestContextLen(INT64_MAX, 2), Error);
}

TEST(FootprintTest, ScenarioContextIsTheLargerOfPromptAndKvLen) {
  Scenario s;
  s.prompt_len = 512;
  EXPECT_EQ(ScenarioContextLen(s), 512);  // kv_len defaults to the prompt
  s.decode_kv_len = 4096;
  EXPECT_EQ(ScenarioContextLen(s), 4096);
  s.decode_kv_len = 100;
  EXPECT_EQ(ScenarioContextLen(s), 512);
}

// The issue's check: Llama-2-70b (GQA, 8 KV heads of 128) at 4096 tokens in
// fp16 caches K and V for 80 layers: 2 x 80 x 8 x 128 x 4096 x 2 bytes.
TEST(FootprintTest, Llama2_70bKvCacheGqa) {
  const Plan& plan = PlanFor("meta-llama/Llama-2-70b-hf");
  Scenario s;
  s.prompt_len = 4096;
  const Footprint f = MemoryFootprint(plan, s, 4096);
  EXPECT_EQ(f.kv_cache_bytes, 2LL * 80 * 8 * 128 * 4096 * 2);
  EXPECT_EQ(f.kv_cache_bytes, 1'342'177'280);
  // Linear in the batch and in the bits per element.
  s.batch_size = 3;
  EXPECT_EQ(MemoryFootprint(plan, s, 4096).kv_cache_bytes, 3 * 1'342'177'280LL);
  s.batch_size = 1;
  s.kv_bits = 8;
  EXPECT_EQ(MemoryFootprint(plan, s, 4096).kv_cache_bytes, 1'342'177'280 / 2);
  s.kv_bits = 4;
  EXPECT_EQ(MemoryFootprint(plan, s, 4096).kv_cache_bytes, 1'342'177'280 / 4);
  // And in the context: one token is 2 x 80 x 8 x 128 x 2 = 327,680 bytes.
  s.kv_bits = 16;
  EXPECT_EQ(MemoryFootprint(plan, s, 4097).kv_cache_bytes - f.kv_cache_bytes, 327'680);
}

// Llama-2-7b fp16, batch 1, prompt 2048, context 2048:
// - weights: 6,738,415,616 parameters x 2 bytes = 13,476,831,232;
// - KV cache: 2 (K, V) x 32 layers x 32 heads x 128 x 2 bytes = 524,288 bytes
//   per token, x 2048 = 1,073,741,824;
// - activations: the prefill softmax reads and writes the 32 x 2048 x 2048
//   fp16 score matrix: 2 x 268,435,456 = 536,870,912. (The next largest, the
//   prefill MLP act_mul, moves 3 x 2048 x 11008 x 2 = 135,266,304.) One
//   layer's operation, not 32 layers' worth: layers run one after another.
// Total 13,476,831,232 + 1,073,741,824 + 536,870,912 = 15,087,443,968.
TEST(FootprintTest, Llama2_7bPartsHandDerived) {
  const Plan& plan = PlanFor("meta-llama/Llama-2-7b-hf");
  Scenario s;
  const Footprint f = MemoryFootprint(plan, s, 2048);
  EXPECT_EQ(f.context_len, 2048);
  EXPECT_EQ(f.parameters, 6'738'415'616);
  EXPECT_EQ(f.weight_bytes, 13'476'831'232);
  EXPECT_EQ(f.kv_cache_bytes, 1'073'741'824);
  EXPECT_EQ(f.activation_bytes, 536'870'912);
  EXPECT_EQ(f.activation_stage, Stage::kPrefill);
  EXPECT_EQ(f.activation_op, "model.layers.self_attn.softmax");
  EXPECT_EQ(f.total_bytes, 15'087'443'968);
}

// With a 16-token prompt and a 100,000-token context the peak moves to the
// decode softmax: 32 heads x 100,000 scores x 2 bytes, read and written,
// = 12,800,000 bytes. Prefill's largest is its act_mul, 3 x 16 x 11008 x 2 =
// 1,056,768; the decode qk_matmul moves 32 x 128 x 2 + 6,400,000.
TEST(FootprintTest, LongDecodeMovesThePeakToDecode) {
  const Plan& plan = PlanFor("meta-llama/Llama-2-7b-hf");
  Scenario s;
  s.prompt_len = 16;
  const Footprint f = MemoryFootprint(plan, s, 100'000);
  EXPECT_EQ(f.activation_bytes, 12'800'000);
  EXPECT_EQ(f.activation_stage, Stage::kDecode);
  EXPECT_EQ(f.activation_op, "model.layers.self_attn.softmax");
  EXPECT_EQ(f.kv_cache_bytes, 524'288LL * 100'000);
}

// 4-bit weights in groups of 128: each weight takes 4 bits plus its share of
// a 16-bit scale and a 4-bit zero point, (4 x 128 + 16 + 4) / (8 x 128) =
// 532 / 1024 bytes. 6,738,415,616 = 1024 x 6,580,484, so 3,500,817,488.
// Without groups, 4 bits: 3,369,207,808.
TEST(FootprintTest, QuantizedWeightsWithGroupScales) {
  const Plan& plan = PlanFor("meta-llama/Llama-2-7b-hf");
  Scenario s;
  s.w_bits = 4;
  EXPECT_EQ(MemoryFootprint(plan, s, 2048).weight_bytes, 3'369'207'808);
  s.w_group_size = 128;
  EXPECT_EQ(MemoryFootprint(plan, s, 2048).weight_bytes, 3'500'817'488);
  // Rounded up once for the whole model: 3 bits over 6,738,415,616 weights is
  // 2,526,905,856 bytes exactly; groups of 100 add 19/800 bytes per weight,
  // 6,738,415,616 x 319 / 800 = 2,686,943,226.88, rounded up.
  s.w_bits = 3;
  s.w_group_size = 0;
  EXPECT_EQ(MemoryFootprint(plan, s, 2048).weight_bytes, 2'526'905'856);
  s.w_group_size = 100;
  EXPECT_EQ(MemoryFootprint(plan, s, 2048).weight_bytes, 2'686'943'227);
}

TEST(FootprintTest, BadInputsAreErrors) {
  const Plan& plan = PlanFor("meta-llama/Llama-2-7b-hf");
  Scenario s;
  s.batch_size = 0;
  EXPECT_THROW(MemoryFootprint(plan, s, 2048), Error);
  EXPECT_THROW(MemoryFootprint(plan, Scenario{}, 0), Error);
}

TEST(FootprintTest, MaxPositionEmbeddingsFromTheConfig) {
  EXPECT_EQ(MaxPositionEmbeddings(model::LoadModel("meta-llama/Llama-2-70b-hf")), 4096);
  const model::Model m = model::ParseModel(
      R"json({"model_id": "t", "config": {"h": 8}, "layers": [{"name": "l", "class": "torch.nn.Linear",
          "parameters": {"N": "{batch_size}", "in_features": "{h}", "out_features": "{h}"}}]})json",
      "arch.json");
  EXPECT_EQ(MaxPositionEmbeddings(m), 0);
}

}  // namespace
}  // namespace lmp::analysis
