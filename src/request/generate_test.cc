#include "request/generate.h"

#include <cmath>

#include <gtest/gtest.h>

#include "analysis/testing.h"
#include "analysis/analyze.h"
#include "hardware/roofline.h"
#include "model/model.h"
#include "util/error.h"

namespace lmp::request {
namespace {

using analysis::Plan;
using analysis::Scenario;
using analysis::Stage;

const db::ModuleDb& Db() { return analysis::testing::EmbeddedDb(); }

const hardware::Device& Device(const std::string& name) {
  static const hardware::Catalog c = hardware::Catalog::Embedded();
  return c.Get(name);
}

Plan PlanFor(const std::string& id) { return analysis::BuildPlan(model::LoadModel(id), Db(), "fused"); }

// The decode sum the slow way: a full evaluation and roofline per step.
double SteppedDecode_s(const Plan& plan, Scenario s, int64_t gen_len, const hardware::Device& d) {
  analysis::Evaluator ev(plan);
  analysis::StageResult st;
  double total = 0;
  for (int64_t x = s.prompt_len + 1; x <= s.prompt_len + gen_len - 1; ++x) {
    s.decode_kv_len = x;
    ev.Run(s, Stage::kDecode, &st);
    total += hardware::Roofline(plan, st, d, s).time_s;
  }
  return total;
}

TEST(GenerateTest, ClosedFormEqualsSteppingEveryStep) {
  const Plan plan = PlanFor("Llama-2-7b-hf");
  Scenario s;
  s.batch_size = 16;  // large enough that some operations change bound as kv_len grows
  s.prompt_len = 100;
  const GenerateResult r = Generate(plan, s, 700, Device("H100-SXM"));
  EXPECT_EQ(r.stepped_ops, 0);
  EXPECT_EQ(r.closed_form_ops, static_cast<int64_t>(plan.ops.size()));
  const double stepped = SteppedDecode_s(plan, s, 700, Device("H100-SXM"));
  EXPECT_NEAR(r.decode_s, stepped, stepped * 1e-12);

  const Plan big = PlanFor("Llama-2-70b-hf");
  Scenario q;
  q.batch_size = 64;
  q.prompt_len = 512;
  q.w_bits = 4;
  q.kv_bits = 8;
  q.w_group_size = 128;
  const GenerateResult rq = Generate(big, q, 300, Device("A100-80GB-SXM"));
  const double stepped_q = SteppedDecode_s(big, q, 300, Device("A100-80GB-SXM"));
  EXPECT_NEAR(rq.decode_s, stepped_q, stepped_q * 1e-12);
}

// MLA (absorbed, latent cache) and the MoE experts' touched-expert
// expectation are affine in kv_len too: DeepSeek-V3's request is closed form.
TEST(GenerateTest, DeepseekMlaIsClosedForm) {
  const Plan plan = PlanFor("deepseek-ai/DeepSeek-V3");
  Scenario s;
  s.batch_size = 64;
  s.prompt_len = 200;
  s.w_bits = 8;
  const GenerateResult r = Generate(plan, s, 400, Device("H200"));
  EXPECT_EQ(r.stepped_ops, 0);
  EXPECT_EQ(r.closed_form_ops, static_cast<int64_t>(plan.ops.size()));
  const double stepped = SteppedDecode_s(plan, s, 400, Device("H200"));
  EXPECT_NEAR(r.decode_s, stepped, stepped * 1e-12);
}

// The flash profile's attention kernel stays affine in kv_len in decode
// (docs/flash.md), so its request is summed in closed form too.
TEST(GenerateTest, FlashProfileIsClosedForm) {
  const Plan plan = analysis::BuildPlan(model::LoadModel("Llama-2-70b-hf"), Db(), "flash");
  Scenario s;
  s.profile = "flash";
  s.batch_size = 32;
  s.prompt_len = 300;
  s = hardware::OnDevice(s, Device("H100-SXM"));
  const GenerateResult r = Generate(plan, s, 500, Device("H100-SXM"));
  EXPECT_EQ(r.stepped_ops, 0);
  EXPECT_EQ(r.closed_form_ops, static_cast<int64_t>(plan.ops.size()));
  const double stepped = SteppedDecode_s(plan, s, 500, Device("H100-SXM"));
  EXPECT_NEAR(r.decode_s, stepped, stepped * 1e-12);
}

TEST(GenerateTest, MemoryBoundDecodeGrowsByTheKvBytesPerStep) {
  const Plan plan = PlanFor("Llama-2-7b-hf");
  Scenario s;
  s.prompt_len = 2048;
  const hardware::Device& h100 = Device("H100-SXM");
  const GenerateResult r = Generate(plan, s, 257, h100);
  EXPECT_EQ(r.decode_steps, 256);
  EXPECT_EQ(r.first_kv_len, 2049);
  EXPECT_EQ(r.last_kv_len, 2304);
  // At batch 1 every decode operation is memory-bound, so a step takes
  // bytes / bandwidth and grows with kv_len by, per layer: K and V rows
  // (2 x 4096 x 2 bytes) plus one score per head written by qk, read and
  // written by softmax, read by sv (4 x 32 x 2 bytes): 16,640 bytes; 32
  // layers: 532,480 bytes per token of context.
  const double per_token_s = 532'480 / 3.35e12;
  EXPECT_NEAR(r.tpot_last_s - r.tpot_first_s, 255 * per_token_s, 1e-15);
  // A linear function's mean is the mean of its ends.
  EXPECT_NEAR(r.tpot_s, (r.tpot_first_s + r.tpot_last_s) / 2, 1e-15);
  // The first step: the roofline of one decode step at kv_len 2049.
  analysis::Evaluator ev(plan);
  analysis::StageResult st;
  Scenario d = s;
  d.decode_kv_len = 2049;
  ev.Run(d, Stage::kDecode, &st);
  EXPECT_DOUBLE_EQ(r.tpot_first_s, hardware::Roofline(plan, st, h100, s).time_s);
  EXPECT_DOUBLE_EQ(r.e2e_s, r.ttft_s + 256 * r.tpot_s);
  EXPECT_DOUBLE_EQ(r.tokens_per_s_per_sequence, 257 / r.e2e_s);
  EXPECT_DOUBLE_EQ(r.tokens_per_s, r.tokens_per_s_per_sequence);
}

TEST(GenerateTest, TtftIsThePrefill) {
  const Plan plan = PlanFor("Llama-2-13b-hf");
  Scenario s;
  s.batch_size = 4;
  s.prompt_len = 1000;
  const hardware::Device& a100 = Device("A100-80GB-SXM");
  const GenerateResult r = Generate(plan, s, 1, a100);
  analysis::Evaluator ev(plan);
  analysis::StageResult st;
  ev.Run(s, Stage::kPrefill, &st);
  EXPECT_DOUBLE_EQ(r.ttft_s, hardware::Roofline(plan, st, a100, s).time_s);
  // One token: no decode step at all.
  EXPECT_EQ(r.decode_steps, 0);
  EXPECT_EQ(r.tpot_s, 0.0);
  EXPECT_EQ(r.e2e_s, r.ttft_s);
  EXPECT_DOUBLE_EQ(r.tokens_per_s, 4 / r.ttft_s);
  EXPECT_EQ(r.request_flops, static_cast<double>(st.totals[db::kFlops]));
}

// A toy model: a Linear, then an attention-like operation whose figures are
// `per_token` in kv_len (a formula over {kv_len}).
Plan ToyPlan(db::ModuleDb& db, const std::string& per_token) {
  db.AddText(R"json({"schema": "lmp.module-db/1", "modules": {"t_Attend": {"full_class_name": "t.Attend",
      "parameters": [{"name": "kv_len", "description": "tokens"}], "parameter_count": 0,
      "operations": [{"name": "attend", "kind": "matmul", "flops": "2 * 4096 * )json" +
                 per_token + R"json(",
                      "reads": {"kv_cache": "4096 * )json" + per_token + R"json( * {kv_bytes}"}}]}}})json",
             "attend.json");
  db.Check();
  const model::Model m = model::ParseModel(R"json({"model_id": "t/attend", "config": {}, "layers": [
      {"name": "proj", "class": "torch.nn.Linear", "parameters": {"N": "{batch_size} * {seq_len}",
       "in_features": 4096, "out_features": 4096}},
      {"name": "attn", "class": "t.Attend", "parameters": {"kv_len": "{kv_len}"}}]})json",
                                           "attend_model.json");
  return analysis::BuildPlan(m, db, "fused");
}

// A sliding window, min(kv_len, 300): affine on each side of the window's
// edge, so the decode range is summed in two closed-form pieces.
TEST(GenerateTest, SlidingWindowsSplitTheRangeAtTheirEdge) {
  db::ModuleDb db = db::ModuleDb::Embedded();
  const Plan plan = ToyPlan(db, "min({kv_len}, 300)");
  Scenario s;
  s.prompt_len = 200;
  const GenerateResult r = Generate(plan, s, 250, Device("H100-SXM"));
  EXPECT_EQ(r.closed_form_ops, 2);
  EXPECT_EQ(r.stepped_ops, 0);
  EXPECT_EQ(r.decode_pieces, 2);  // kv_len 201..300 and 301..449
  const double stepped = SteppedDecode_s(plan, s, 250, Device("H100-SXM"));
  EXPECT_NEAR(r.decode_s, stepped, stepped * 1e-12);
  // Context 201 .. 449; the window caps the reads at 300 from step 100 on.
  double kv_bytes = 0;
  for (int x = 201; x <= 449; ++x) kv_bytes += 4096.0 * 2 * std::min(x, 300);
  const double weights = 4096.0 * 4096 * 2, acts = 2 * 4096.0 * 2;
  EXPECT_DOUBLE_EQ(r.request_bytes - (weights + 200 * acts + 4096.0 * 2 * 200), kv_bytes + 249 * (weights + acts));
  // A window past the whole request never splits it.
  EXPECT_EQ(Generate(plan, s, 50, Device("H100-SXM")).decode_pieces, 1);
}

// Blocks of 64 tokens, ceil_div(kv_len, 64): not affine on any piece, so
// generate evaluates that operation at every step, and agrees with stepping.
TEST(GenerateTest, NonAffineOperationsAreStepped) {
  db::ModuleDb db = db::ModuleDb::Embedded();
  const Plan plan = ToyPlan(db, "ceil_div({kv_len}, 64) * 64");
  Scenario s;
  s.prompt_len = 200;
  const GenerateResult r = Generate(plan, s, 250, Device("H100-SXM"));
  EXPECT_EQ(r.closed_form_ops, 1);
  EXPECT_EQ(r.stepped_ops, 1);
  const double stepped = SteppedDecode_s(plan, s, 250, Device("H100-SXM"));
  EXPECT_NEAR(r.decode_s, stepped, stepped * 1e-12);
}

TEST(GenerateTest, GenMustBePositive) {
  const Plan plan = PlanFor("Llama-2-7b-hf");
  try {
    Generate(plan, Scenario{}, 0, Device("H100-SXM"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(), "gen: must be a positive integer, got 0");
  }
}

}  // namespace
}  // namespace lmp::request
