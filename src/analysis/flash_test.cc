// The flash execution profile: lmp.kernels.FlashAttention called by the Llama
// attention modules. Every figure below is worked by hand from the model in
// docs/flash.md:
//   Bc = max(1, floor(sram / (4 d a_bytes))), Br = min(Bc, d),
//   t = max(1, floor(Br / group)) query positions per tile,
//   n = ceil(S / t) tiles, r = S - (n - 1) t in the last, P = L - S cached,
//   keys per (sequence, KV head)   = n P + t n (n - 1) / 2 + S,
//   pairs per (sequence, Q head)   = S P + t^2 n (n - 1) / 2 + r S,
//   flops = B H pairs (4 d + 5), reads.kv_cache = 2 B Hkv keys d kv_bytes,
//   reads.activations = writes.activations = B S H d a_bytes (Q in, O out).
#include <gtest/gtest.h>

#include "analysis/testing.h"
#include "analysis/analyze.h"
#include "analysis/module_eval.h"
#include "model/model.h"

namespace lmp::analysis {
namespace {

using db::kFlops;
using db::kReadsActivations;
using db::kReadsKvCache;
using db::kReadsWeights;
using db::kWritesActivations;
using db::kWritesKvCache;

const db::ModuleDb& Db() { return analysis::testing::EmbeddedDb(); }

Plan PlanFor(const std::string& id, const std::string& profile) {
  return BuildPlan(model::LoadModel(id), Db(), profile);
}

Scenario Flash(int64_t batch, int64_t prompt, int64_t sram_bytes) {
  Scenario s;
  s.profile = "flash";
  s.batch_size = batch;
  s.prompt_len = prompt;
  s.sram_bytes = sram_bytes;
  return s;
}

const PlanOp* FindOp(const Plan& plan, const std::string& layer, const std::string& op) {
  for (const PlanOp& o : plan.ops) {
    if (o.layer == layer && o.op == op) return &o;
  }
  return nullptr;
}

Metrics Attention(const Plan& plan, const StageResult& st) {
  for (size_t i = 0; i < plan.ops.size(); ++i) {
    if (plan.ops[i].layer == "model.layers.self_attn" && plan.ops[i].op == "flash_attention") return st.ops[i];
  }
  ADD_FAILURE() << "no flash_attention operation";
  return {};
}

std::vector<std::string> AttentionOps(const Plan& plan) {
  std::vector<std::string> ops;
  for (const PlanOp& op : plan.ops) {
    if (op.layer == "model.layers.self_attn") ops.push_back(op.op);
  }
  return ops;
}

TEST(FlashProfileTest, OneAttentionOperationReplacesTheFusedThree) {
  const Plan flash = PlanFor("Llama-2-7b-hf", "flash");
  EXPECT_EQ(AttentionOps(flash), (std::vector<std::string>{"rope_q", "rope_k", "flash_attention"}));
  const PlanOp* op = FindOp(flash, "model.layers.self_attn", "flash_attention");
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->kind, "attention");
  EXPECT_EQ(op->count, 32);
  const Plan fused = PlanFor("Llama-2-7b-hf", "fused");
  EXPECT_EQ(AttentionOps(fused), (std::vector<std::string>{"rope_q", "rope_k", "qk_matmul", "softmax", "sv_matmul"}));
  // Everything outside attention is the same in both profiles.
  EXPECT_EQ(flash.ops.size() + 2, fused.ops.size());
}

// Llama-2-7b (H = Hkv = 32, d = 128, fp16) prefill at 2048 on 128 KiB:
// Bc = 131072 / (4 * 128 * 2) = 128, Br = 128, t = 128, n = 16, r = 128, P = 0.
//   keys  = 0 + 128 * 16 * 15 / 2 + 2048 = 17,408
//   kv    = 2 * 32 * 17,408 * 128 * 2 = 285,212,672 bytes
//   pairs = 0 + 128^2 * 16 * 15 / 2 + 128 * 2048 = 1,966,080 + 262,144 = 2,228,224
//   flops = 32 * 2,228,224 * 517 = 36,863,737,856
// Against the fused profile's 2 * 16,777,216 bytes of K/V, flash reads K/V
// (n + 1) / 2 = 8.5 times, and computes 17/32 of the full 2048^2 score matrix.
TEST(FlashProfileTest, Llama2_7bPrefillOn128KiB) {
  const Plan plan = PlanFor("Llama-2-7b-hf", "flash");
  Scenario s = Flash(1, 2048, 131'072);
  s.stages = {Stage::kPrefill};
  const Metrics m = Attention(plan, Analyze(plan, s).stages[0]);
  EXPECT_EQ(m[kFlops], 36'863'737'856);
  EXPECT_EQ(m[kReadsKvCache], 285'212'672);
  EXPECT_EQ(m[kReadsActivations], 16'777'216);  // Q once: 2048 * 32 * 128 * 2
  EXPECT_EQ(m[kWritesActivations], 16'777'216);  // O once; no scores in memory
  EXPECT_EQ(m[kReadsWeights], 0);
  EXPECT_EQ(m[kWritesKvCache], 0);
  // The default SRAM is 128 KiB, so an unset sram_bytes gives the same.
  s.sram_bytes = 0;
  EXPECT_EQ(Attention(plan, Analyze(plan, s).stages[0]), m);
}

// 64 KiB (AMD LDS): Bc = 64, Br = 64, t = 64, n = 32, r = 64.
//   keys  = 64 * 32 * 31 / 2 + 2048 = 33,792; kv = 64 * 33,792 * 256 = 553,648,128
//   pairs = 64^2 * 32 * 31 / 2 + 64 * 2048 = 2,031,616 + 131,072 = 2,162,688
//   flops = 32 * 2,162,688 * 517 = 35,779,510,272
// Smaller tiles: more K/V re-reads, fewer masked pairs computed.
TEST(FlashProfileTest, SmallerSramMeansSmallerTilesAndMoreKvTraffic) {
  const Plan plan = PlanFor("Llama-2-7b-hf", "flash");
  Scenario s = Flash(1, 2048, 65'536);
  s.stages = {Stage::kPrefill};
  const Metrics m = Attention(plan, Analyze(plan, s).stages[0]);
  EXPECT_EQ(m[kFlops], 35'779'510'272);
  EXPECT_EQ(m[kReadsKvCache], 553'648'128);
}

// One-row tiles (Bc = Br = t = 1 below 2 KiB at d = 128): pairs per head are
// exactly the causal triangle S (S + 1) / 2 = 2,098,176, and every query row
// reads its own prefix: keys = 2048 * 2047 / 2 + 2048 = 2,098,176 too.
TEST(FlashProfileTest, OneRowTilesCountTheExactCausalTriangle) {
  const Plan plan = PlanFor("Llama-2-7b-hf", "flash");
  Scenario s = Flash(1, 2048, 1'024);
  s.stages = {Stage::kPrefill};
  const Metrics m = Attention(plan, Analyze(plan, s).stages[0]);
  EXPECT_EQ(m[kFlops], 32LL * 2'098'176 * 517);
  EXPECT_EQ(m[kReadsKvCache], 2LL * 32 * 2'098'176 * 128 * 2);
}

// Llama-2-70b (H = 64, Hkv = 8, group 8, d = 128) decode at kv_len 4096,
// batch 8: one query tile per KV head (group 8 <= Br), so K and V are read
// exactly once: 2 * 8 * 4096 * 8 * 128 * 2 bytes, what the fused qk and sv
// matmuls read together. FLOPs: 8 * 64 * 4096 * 517.
TEST(FlashProfileTest, Llama2_70bDecodeReadsEachKvHeadOnce) {
  const Plan plan = PlanFor("Llama-2-70b-hf", "flash");
  Scenario s = Flash(8, 512, 0);
  s.decode_kv_len = 4096;
  s.stages = {Stage::kDecode};
  const Metrics m = Attention(plan, Analyze(plan, s).stages[0]);
  EXPECT_EQ(m[kReadsKvCache], 2LL * 8 * 4096 * 8 * 128 * 2);
  EXPECT_EQ(m[kReadsKvCache], 134'217'728);
  EXPECT_EQ(m[kFlops], 8LL * 64 * 4096 * 517);
  EXPECT_EQ(m[kReadsActivations], 8LL * 64 * 128 * 2);
  EXPECT_EQ(m[kWritesActivations], 8LL * 64 * 128 * 2);
  // Decode does not depend on the tiles: a tile holds at least one position
  // with its whole query group (here Bc = Br = 8, t = 1).
  s.sram_bytes = 8 * 1024;
  EXPECT_EQ(Attention(plan, Analyze(plan, s).stages[0]), m);
}

// Decode in the flash profile costs what the fused profile's three attention
// operations cost, less the score matrix's trips through memory.
TEST(FlashProfileTest, DecodeMatchesFusedWithoutTheScores) {
  Scenario fs;
  fs.decode_kv_len = 3000;
  fs.batch_size = 4;
  fs.stages = {Stage::kDecode};
  const Plan fused = PlanFor("Llama-2-70b-hf", "fused");
  const StageResult f = Analyze(fused, fs).stages[0];
  Metrics sum{};
  for (size_t i = 0; i < fused.ops.size(); ++i) {
    const std::string& op = fused.ops[i].op;
    if (fused.ops[i].layer != "model.layers.self_attn" || op.rfind("rope", 0) == 0) continue;
    for (int k = 0; k < db::kNumMetrics; ++k) sum[k] += f.ops[i][k];
  }
  Scenario s = fs;
  s.profile = "flash";
  const Plan flash = PlanFor("Llama-2-70b-hf", "flash");
  const Metrics m = Attention(flash, Analyze(flash, s).stages[0]);
  EXPECT_EQ(m[kFlops], sum[kFlops]);
  EXPECT_EQ(m[kReadsKvCache], sum[kReadsKvCache]);
  const int64_t scores_bytes = 4LL * 64 * 3000 * 2;  // B * H * 1 * L at 2 bytes
  // Fused: qk reads Q, writes scores; softmax reads and writes them; sv reads them, writes O.
  EXPECT_EQ(sum[kReadsActivations], m[kReadsActivations] + 2 * scores_bytes);
  EXPECT_EQ(sum[kWritesActivations], m[kWritesActivations] + 2 * scores_bytes);
}

// `lmp generate` sums decode steps in closed form, which needs every decode
// figure to be affine in kv_len: f(L) = f(1) + (L - 1) (f(2) - f(1)).
TEST(FlashProfileTest, DecodeIsAffineInKvLen) {
  const Plan plan = PlanFor("Llama-2-70b-hf", "flash");
  auto at = [&](int64_t kv_len) {
    Scenario s = Flash(3, 512, 100'000);
    s.decode_kv_len = kv_len;
    s.stages = {Stage::kDecode};
    return Attention(plan, Analyze(plan, s).stages[0]);
  };
  const Metrics f1 = at(1), f2 = at(2);
  for (int64_t kv_len : {3, 127, 128, 129, 4097, 100'003}) {
    const Metrics f = at(kv_len);
    for (int k = 0; k < db::kNumMetrics; ++k) {
      EXPECT_EQ(f[k], f1[k] + (kv_len - 1) * (f2[k] - f1[k])) << db::MetricName(k) << " at kv_len " << kv_len;
    }
  }
}

// Llama-2-70b prefill at 512: group 8, Br = 128, so a tile holds t = 16
// positions of all 8 query heads; n = 32, r = 16.
//   keys  = 16 * 32 * 31 / 2 + 512 = 8,448; kv = 2 * 8 * 8,448 * 256 = 34,603,008
//   pairs = 16^2 * 32 * 31 / 2 + 16 * 512 = 126,976 + 8,192 = 135,168
//   flops = 64 * 135,168 * 517 = 4,472,438,784
TEST(FlashProfileTest, Llama2_70bPrefillPacksTheQueryGroup) {
  const Plan plan = PlanFor("Llama-2-70b-hf", "flash");
  Scenario s = Flash(1, 512, 0);
  s.stages = {Stage::kPrefill};
  const Metrics m = Attention(plan, Analyze(plan, s).stages[0]);
  EXPECT_EQ(m[kReadsKvCache], 34'603'008);
  EXPECT_EQ(m[kFlops], 4'472'438'784);
}

// A chunk of 256 queries after 1024 cached tokens (P = 1024), on 128 KiB:
// t = 128, n = 2, r = 128.
//   keys  = 2 * 1024 + 128 * 2 * 1 / 2 + 256 = 2,432; kv = 2 * 32 * 2,432 * 256 = 39,845,888
//   pairs = 256 * 1024 + 128^2 * 2 * 1 / 2 + 128 * 256 = 311,296
//   flops = 32 * 311,296 * 517 = 5,150,081,024
TEST(FlashProfileTest, KernelWithACachedPrefix) {
  const db::Module& m = Db().Get("lmp.kernels.FlashAttention");
  Scenario s;
  const ModuleEvaluation e =
      EvaluateModule(Db(), m,
                     {{"batch_size", "1"}, {"seq_len", "256"}, {"kv_len", "1280"}, {"num_heads", "32"},
                      {"num_kv_heads", "32"}, {"head_dim", "128"}},
                     s);
  ASSERT_EQ(e.ops.size(), 1u);
  EXPECT_EQ(e.op_kinds[0], "attention");
  EXPECT_EQ(e.ops[0][kReadsKvCache], 39'845'888);
  EXPECT_EQ(e.ops[0][kFlops], 5'150'081'024);
  EXPECT_EQ(e.parameters, 0);
}

}  // namespace
}  // namespace lmp::analysis
