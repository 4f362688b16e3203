#include "analysis/analyze.h"

#include <gtest/gtest.h>

#include "analysis/testing.h"
#include "analysis/module_eval.h"
#include "model/model.h"
#include "util/error.h"

namespace lmp::analysis {
namespace {

using db::kFlops;
using db::kReadsActivations;
using db::kReadsKvCache;
using db::kReadsWeights;
using db::kWritesActivations;
using db::kWritesKvCache;

const db::ModuleDb& Db() { return analysis::testing::EmbeddedDb(); }

Plan PlanFor(const std::string& id) { return BuildPlan(model::LoadModel(id), Db(), "fused"); }

constexpr auto Op = analysis::testing::OpFigures;

int64_t Count(const Plan& plan, const std::string& layer, const std::string& op) {
  for (const PlanOp& o : plan.ops) {
    if (o.layer == layer && o.op == op) return o.count;
  }
  return 0;
}

TEST(AnalyzeTest, Llama2_7bPrefillHandDerived) {
  const Plan plan = PlanFor("meta-llama/Llama-2-7b-hf");
  Scenario s;
  s.prompt_len = 2048;
  const Analysis a = Analyze(plan, s);
  const StageResult& pre = a.stages[0];
  ASSERT_EQ(pre.inputs.stage, Stage::kPrefill);
  // q_proj: 2 * 2048 * 4096 * 4096.
  EXPECT_EQ(Op(plan, pre, "model.layers.self_attn.q_proj", "linear")[kFlops], 68'719'476'736);
  EXPECT_EQ(Count(plan, "model.layers.self_attn.q_proj", "linear"), 32);
  // qk_matmul: 2 * 32 heads * 2048 * 2048 * 128.
  EXPECT_EQ(Op(plan, pre, "model.layers.self_attn", "qk_matmul")[kFlops], 34'359'738'368);
  // The score matrix (32 * 2048 * 2048 fp16) is written by qk and read by softmax.
  EXPECT_EQ(Op(plan, pre, "model.layers.self_attn", "qk_matmul")[kWritesActivations], 268'435'456);
  EXPECT_EQ(Op(plan, pre, "model.layers.self_attn", "softmax")[kReadsActivations], 268'435'456);
  // K reaches the cache once, through RoPE: k_proj writes activations and
  // rope_k stores the rotated keys, 2048 tokens * 4096 * 2 bytes. v_proj
  // writes the cache directly.
  EXPECT_EQ(Op(plan, pre, "model.layers.self_attn.k_proj", "linear")[kWritesKvCache], 0);
  EXPECT_EQ(Op(plan, pre, "model.layers.self_attn.k_proj", "linear")[kWritesActivations], 16'777'216);
  EXPECT_EQ(Op(plan, pre, "model.layers.self_attn", "rope_k")[kWritesKvCache], 16'777'216);
  EXPECT_EQ(Op(plan, pre, "model.layers.self_attn", "rope_k")[kReadsKvCache], 0);
  EXPECT_EQ(Op(plan, pre, "model.layers.self_attn.v_proj", "linear")[kWritesKvCache], 16'777'216);
  EXPECT_EQ(Op(plan, pre, "model.layers.self_attn.v_proj", "linear")[kWritesActivations], 0);
  // lm_head runs on the last position only: 2 * 1 * 4096 * 32000.
  EXPECT_EQ(Op(plan, pre, "lm_head", "linear")[kFlops], 262'144'000);
  EXPECT_EQ(a.parameters, 6'738'415'616);
}

TEST(AnalyzeTest, Llama2_7bPrefillTotalEqualsAHandSum) {
  const Plan plan = PlanFor("meta-llama/Llama-2-7b-hf");
  const Analysis a = Analyze(plan, Scenario{});
  const int64_t T = 2048, h = 4096, I = 11008, H = 32, D = 128, V = 32000, S = 2048, L = 32;
  const int64_t linears = 2 * T * (4 * h * h + 3 * h * I);
  const int64_t attention = 3 * T * h * 2 + 2 * (2 * H * S * S * D) + 5 * H * S * S;
  const int64_t norms = 2 * (4 * T * h + 3 * T), residuals = 2 * T * h, mlp = T * I + 4 * T * I;
  // Rotary: freqs, a K = 1 matmul (2 FLOPs per product, T * D / 2 products),
  // then cos and sin over T * D each.
  const int64_t expected = L * (linears + attention + norms + residuals + mlp) + (T * D + 2 * T * D) +
                           (4 * T * h + 3 * T) + 2 * h * V;
  EXPECT_EQ(a.stages[0].totals[kFlops], expected);
  EXPECT_EQ(expected, 28'754'415'065'088);
}

TEST(AnalyzeTest, Llama2_7bDecodeHandDerived) {
  const Plan plan = PlanFor("meta-llama/Llama-2-7b-hf");
  Scenario s;
  s.stages = {Stage::kDecode};
  s.decode_kv_len = 2048;
  const Analysis a = Analyze(plan, s);
  const StageResult& dec = a.stages[0];
  EXPECT_EQ(dec.inputs.seq_len, 1);
  // 2 * 32 heads * 1 * 2048 * 128.
  EXPECT_EQ(Op(plan, dec, "model.layers.self_attn", "qk_matmul")[kFlops], 16'777'216);
  // K cache read once per layer: 2048 tokens * 32 heads * 128 * 2 bytes.
  EXPECT_EQ(Op(plan, dec, "model.layers.self_attn", "qk_matmul")[kReadsKvCache], 16'777'216);
  // A decode step reads every weight of the linear layers once: 2 bytes each.
  int64_t weights = 0;
  for (size_t i = 0; i < plan.ops.size(); ++i) {
    if (plan.ops[i].module == "torch.nn.modules.linear.Linear") weights += plan.ops[i].count * dec.ops[i][kReadsWeights];
  }
  EXPECT_EQ(weights, 2 * (32LL * (4 * 4096LL * 4096 + 3 * 4096LL * 11008) + 4096LL * 32000));
}

TEST(AnalyzeTest, GqaReadsEachKvHeadOnce) {
  const Plan plan = PlanFor("meta-llama/Llama-2-70b-hf");
  Scenario s;
  s.stages = {Stage::kDecode};
  s.decode_kv_len = 4096;
  const Analysis a = Analyze(plan, s);
  // 70b: 8 KV heads of 128; K and V each read once per layer per step.
  const Metrics qk = Op(plan, a.stages[0], "model.layers.self_attn", "qk_matmul");
  EXPECT_EQ(qk[kReadsKvCache], 4096LL * 8 * 128 * 2);
  EXPECT_EQ(qk[kFlops], 2LL * 64 * 4096 * 128);
  // k_proj output width is 8 * 128 = 1024.
  EXPECT_EQ(Op(plan, a.stages[0], "model.layers.self_attn.k_proj", "linear")[kFlops], 2LL * 8192 * 1024);
}

TEST(AnalyzeTest, ParameterCountsOfLlama2) {
  Scenario s;
  EXPECT_EQ(Evaluator(PlanFor("meta-llama/Llama-2-7b-hf")).Parameters(s), 6'738'415'616);
  EXPECT_EQ(Evaluator(PlanFor("meta-llama/Llama-2-13b-hf")).Parameters(s), 13'015'864'320);
  EXPECT_EQ(Evaluator(PlanFor("meta-llama/Llama-2-70b-hf")).Parameters(s), 68'976'648'192);
}

TEST(AnalyzeTest, BatchScalesActivationsNotWeights) {
  const Plan plan = PlanFor("Llama-2-7b-hf");
  Scenario one, four;
  four.batch_size = 4;
  const Analysis a1 = Analyze(plan, one), a4 = Analyze(plan, four);
  const Metrics q1 = Op(plan, a1.stages[1], "model.layers.self_attn.q_proj", "linear");
  const Metrics q4 = Op(plan, a4.stages[1], "model.layers.self_attn.q_proj", "linear");
  EXPECT_EQ(q4[kFlops], 4 * q1[kFlops]);
  EXPECT_EQ(q4[kReadsWeights], q1[kReadsWeights]);
  EXPECT_EQ(q4[kReadsActivations], 4 * q1[kReadsActivations]);
}

TEST(AnalyzeTest, BitsSetBytesPerElement) {
  const Plan plan = PlanFor("Llama-2-7b-hf");
  Scenario s;
  s.w_bits = 4;
  s.kv_bits = 8;
  s.stages = {Stage::kDecode};
  const Analysis a = Analyze(plan, s);
  const Metrics q = Op(plan, a.stages[0], "model.layers.self_attn.q_proj", "linear");
  EXPECT_EQ(q[kReadsWeights], 4096LL * 4096 / 2);
  EXPECT_EQ(q[kReadsActivations], 4096 * 2);
  EXPECT_EQ(Op(plan, a.stages[0], "model.layers.self_attn", "qk_matmul")[kReadsKvCache], 2048LL * 4096);
  // Norm weights stay at activation precision under weight quantization.
  EXPECT_EQ(Op(plan, a.stages[0], "model.layers.input_layernorm", "rms_norm")[kReadsWeights], 4096 * 2);
}

TEST(AnalyzeTest, GroupScalesAddToWeightReads) {
  const Plan plan = PlanFor("Llama-2-7b-hf");
  Scenario s;
  s.w_bits = 4;
  s.w_group_size = 128;
  s.stages = {Stage::kDecode};
  const Analysis a = Analyze(plan, s);
  // 4096 x 4096 weights at 0.5 bytes, plus one 2-byte scale and one 0.5-byte
  // zero point per 128 weights: 16,777,216 x (0.5 + 2.5 / 128).
  EXPECT_EQ(Op(plan, a.stages[0], "model.layers.self_attn.q_proj", "linear")[kReadsWeights], 8'388'608 + 327'680);
  // The embedding rows carry their scales too: 4096 x (0.5 + 2.5 / 128).
  EXPECT_EQ(Op(plan, a.stages[0], "model.embed_tokens", "embedding")[kReadsWeights], 2048 + 80);
  // Norm weights are not quantized, so no scales.
  EXPECT_EQ(Op(plan, a.stages[0], "model.layers.input_layernorm", "rms_norm")[kReadsWeights], 4096 * 2);
  EXPECT_DOUBLE_EQ(WeightScaleBytes(s), 2.5 / 128);
  s.w_group_size = 0;
  EXPECT_EQ(WeightScaleBytes(s), 0.0);
}

TEST(AnalyzeTest, GroupSizeNeedsQuantizedWeights) {
  Scenario s;
  s.w_group_size = 128;
  try {
    ValidateScenario(s);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(), "w_group_size: applies to quantized weights only; add w_bits below 16 (e.g. 4), or drop it");
  }
  s.w_bits = 4;
  s.w_group_size = -1;
  EXPECT_THROW(ValidateScenario(s), Error);
}

TEST(AnalyzeTest, AllLogitsOption) {
  const Plan plan = PlanFor("Llama-2-7b-hf");
  Scenario s;
  s.prompt_len = 128;
  s.all_logits = true;
  s.stages = {Stage::kPrefill};
  EXPECT_EQ(Op(plan, Analyze(plan, s).stages[0], "lm_head", "linear")[kFlops], 2LL * 128 * 4096 * 32000);
}

TEST(AnalyzeTest, TotalsAreCountTimesFigure) {
  const Plan plan = PlanFor("Llama-2-13b-hf");
  const Analysis a = Analyze(plan, Scenario{});
  for (const StageResult& st : a.stages) {
    for (int k = 0; k < db::kNumMetrics; ++k) {
      int64_t sum = 0;
      for (size_t i = 0; i < plan.ops.size(); ++i) sum += plan.ops[i].count * st.ops[i][k];
      EXPECT_EQ(st.totals[k], sum);
    }
  }
}

TEST(AnalyzeTest, CompositeLayersCountOnlyTheirOwnOperations) {
  const Plan plan = PlanFor("Llama-2-7b-hf");
  std::vector<std::string> attention_ops;
  for (const PlanOp& op : plan.ops) {
    if (op.layer == "model.layers.self_attn") attention_ops.push_back(op.op);
  }
  EXPECT_EQ(attention_ops, (std::vector<std::string>{"rope_q", "rope_k", "qk_matmul", "softmax", "sv_matmul"}));
}

TEST(AnalyzeTest, OverflowIsAnErrorWithATrace) {
  const Plan plan = PlanFor("Llama-2-7b-hf");
  Scenario s;
  s.batch_size = 100'000'000;
  s.prompt_len = 100'000'000;
  try {
    Analyze(plan, s);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(),
              "<embedded>/models/meta-llama--Llama-2-7b-hf.json: /layers/0/sub_layers/0/sub_layers/0: "
              "64-bit integer overflow in '{num_indices} * {embedding_dim}' (model.embed_tokens: "
              "torch.nn.modules.sparse.Embedding op embedding reads.weights, col 1); check the sizes and the formulas");
  }
}

TEST(AnalyzeTest, ModuleCallsInAnArchitectureAreRejected) {
  try {
    model::ParseModel(R"json({"model_id": "t", "config": {}, "layers": [{"name": "l", "class": "torch.nn.Linear",
        "parameters": {"N": "${torch.nn.Linear}(N = 1, in_features = 2, out_features = 3)"}}]})json",
                      "arch.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(), "arch.json: /layers/0/parameters/N, col 1: module calls are not allowed in an architecture; "
                        "call modules from module formulas, or make this a sub-layer");
  }
}

TEST(AnalyzeTest, RunTimeFaultNamesTheModelFileAndLayer) {
  const model::Model m = model::ParseModel(
      R"json({"model_id": "t", "config": {"h": 8}, "layers": [{"name": "l", "class": "torch.nn.Linear",
          "parameters": {"N": "{batch_size} // ({seq_len} - 4)", "in_features": "{h}", "out_features": "{h}"}}]})json",
      "arch.json");
  const Plan plan = BuildPlan(m, Db(), "fused");
  Scenario s;
  s.prompt_len = 4;
  try {
    Analyze(plan, s);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(), "arch.json: /layers/0: division by zero in '{batch_size} // ({seq_len} - 4)' (l parameter N, "
                        "col 1); check the sizes and the formulas");
  }
}

TEST(AnalyzeTest, InvalidScenariosAreRejected) {
  const Plan plan = PlanFor("Llama-2-7b-hf");
  auto error = [&](Scenario s) {
    try {
      Analyze(plan, s);
    } catch (const Error& e) {
      return e.Line();
    }
    return std::string("no error");
  };
  Scenario s;
  s.batch_size = 0;
  EXPECT_EQ(error(s), "batch: must be a positive integer, got 0");
  s = Scenario{};
  s.prompt_len = -5;
  EXPECT_EQ(error(s), "seq: must be a positive integer, got -5");
  s = Scenario{};
  s.w_bits = 0;
  EXPECT_EQ(error(s), "w_bits: must be a bit width from 1 to 64, got 0");
  s = Scenario{};
  s.sram_bytes = -1;
  EXPECT_EQ(error(s), "sram_bytes: must be a positive integer, got -1");
  s = Scenario{};
  s.profile = "flsh";
  EXPECT_EQ(error(s), "profile: unknown profile 'flsh' (did you mean 'flash'?); choose fused, flash or eager");
  s.profile = "eagre";
  EXPECT_EQ(error(s), "profile: unknown profile 'eagre' (did you mean 'eager'?); choose fused, flash or eager");
}

TEST(AnalyzeTest, SramBytesDefaultsTo128KiB) {
  Scenario s;
  EXPECT_EQ(SramBytes(s), 131'072);
  s.sram_bytes = 233'472;
  EXPECT_EQ(SramBytes(s), 233'472);
}

// Module formulas see {sram_bytes} as a scenario global, like {a_bytes}.
TEST(ModuleEvalTest, SramBytesIsAModuleGlobal) {
  db::ModuleDb db = db::ModuleDb::Embedded();
  db.AddText(R"json({"schema": "lmp.module-db/1", "modules": {"t_Tile": {"full_class_name": "t.Tile",
      "parameters": [{"name": "d", "description": "width"},
                     {"name": "rows", "description": "rows per tile", "default": "{sram_bytes} // ({d} * {a_bytes})"}],
      "parameter_count": 0,
      "operations": [{"name": "op", "kind": "elementwise", "flops": "{rows}"}]}}})json",
             "tile.json");
  db.Check();
  Scenario s;
  EXPECT_EQ(EvaluateModule(db, db.Get("t.Tile"), {{"d", "128"}}, s).ops[0][kFlops], 131'072 / 256);
  s.sram_bytes = 1'000;
  EXPECT_EQ(EvaluateModule(db, db.Get("t.Tile"), {{"d", "100"}}, s).ops[0][kFlops], 5);
}

TEST(AnalyzeTest, PlanAndScenarioMustNameTheSameProfile) {
  const Plan plan = PlanFor("Llama-2-7b-hf");
  Scenario s;
  s.profile = "flash";
  EXPECT_THROW(Analyze(plan, s), std::invalid_argument);
}

TEST(ModuleEvalTest, LinearAsTheSeedsComputeIt) {
  Scenario s;
  const ModuleEvaluation e = EvaluateModule(
      Db(), Db().Get("torch.nn.Linear"), {{"N", "2048"}, {"in_features", "4096"}, {"out_features", "11008"}}, s);
  ASSERT_EQ(e.ops.size(), 1u);
  EXPECT_EQ(e.ops[0][kFlops], 2LL * 2048 * 4096 * 11008);
  EXPECT_EQ(e.ops[0][kReadsWeights], 2LL * 4096 * 11008);
  EXPECT_EQ(e.ops[0][kReadsActivations], 2LL * 2048 * 4096);
  EXPECT_EQ(e.ops[0][kWritesActivations], 2LL * 2048 * 11008);
  EXPECT_EQ(e.parameters, 4096LL * 11008);
}

TEST(ModuleEvalTest, NegativeFiguresAreRejected) {
  Scenario s;
  try {
    EvaluateModule(Db(), Db().Get("Linear"), {{"N", "-2"}, {"in_features", "4"}, {"out_features", "4"}}, s);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(), "torch.nn.modules.linear.Linear linear flops is negative (-64); check the parameter values");
  }
}

TEST(ModuleEvalTest, MissingAndUnknownParameters) {
  Scenario s;
  try {
    EvaluateModule(Db(), Db().Get("Linear"), {{"N", "1"}}, s);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(), "torch.nn.modules.linear.Linear needs parameter(s): in_features, out_features; pass them as "
                        "NAME=VALUE");
  }
  try {
    EvaluateModule(Db(), Db().Get("Linear"), {{"NN", "1"}}, s);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(), "NN: torch.nn.modules.linear.Linear has no parameter 'NN' (did you mean 'N'?); 'lmp module "
                        "show torch.nn.modules.linear.Linear' lists its parameters");
  }
}

}  // namespace
}  // namespace lmp::analysis
