// The kv_cache columns mean the cache itself (issue 15):
// - per step, bytes written to the KV cache equal the entries the step
//   stores: the cache's growth, except where a sliding-window ring buffer is
//   full and each new entry replaces the oldest;
// - bytes read from it are what attention reads.
// The cache's size comes from MemoryFootprint, which derives it from the
// attention formulas' reads; the writes come from the projection and RoPE
// formulas. The two are written independently, so checking one against the
// other over every catalog model and profile catches a value counted twice
// or not at all.

#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "analysis/footprint.h"
#include "analysis/testing.h"
#include "model/model.h"

namespace lmp::analysis {
namespace {

using testing::EmbeddedDb;

int64_t Total(const Plan& plan, const StageResult& st, int metric) {
  int64_t sum = 0;
  for (size_t i = 0; i < plan.ops.size(); ++i) sum += st.ops[i][metric] * plan.ops[i].count;
  return sum;
}

int64_t KvWrites(const Plan& plan, const Scenario& s, const StageInputs& in) {
  StageResult st;
  Evaluator(plan).Run(s, in, &st);
  return Total(plan, st, db::kWritesKvCache);
}

int64_t KvHeld(const Plan& plan, const Scenario& s, int64_t context_len) {
  return MemoryFootprint(plan, s, context_len).kv_cache_bytes;
}

// Below every catalog model's sliding window (Phi-3-mini's 2047 is the
// smallest), so every layer's cache grows with every token.
constexpr int64_t kPrompt = 1024;

TEST(KvCacheTest, WritesEqualGrowthForEveryCatalogModelAndProfile) {
  for (const model::CatalogEntry& e : model::Catalog()) {
    const model::Model m = model::LoadModel(e.id);
    for (const std::string& profile : ProfileNames()) {
      const Plan plan = BuildPlan(m, EmbeddedDb(), profile);
      Scenario s;
      s.batch_size = 2;
      s.prompt_len = kPrompt;
      s.profile = profile;
      const int64_t held = KvHeld(plan, s, kPrompt);
      EXPECT_GT(held, 0) << e.id << " " << profile;
      EXPECT_EQ(KvWrites(plan, s, InputsFor(s, Stage::kPrefill)), held) << e.id << " " << profile << " prefill";
      const int64_t step = held - KvHeld(plan, s, kPrompt - 1);
      EXPECT_EQ(KvWrites(plan, s, StageInputs{Stage::kDecode, 1, kPrompt, 1}), step)
          << e.id << " " << profile << " decode";
      // Past every window (a ring buffer stores the last window of the
      // prompt) the prefill still writes exactly what the cache holds.
      Scenario longer = s;
      longer.prompt_len = 4 * 4096;
      EXPECT_EQ(KvWrites(plan, longer, InputsFor(longer, Stage::kPrefill)), KvHeld(plan, longer, 4 * 4096))
          << e.id << " " << profile << " prefill past the window";
      // An 8-bit cache halves both.
      s.kv_bits = 8;
      EXPECT_EQ(KvWrites(plan, s, InputsFor(s, Stage::kPrefill)), held / 2) << e.id << " " << profile;
    }
  }
}

// The figure: Llama-2-7b at batch 2 and 1,024 tokens grows its cache
// by 2 (K, V) x 2 x 1024 x 32 heads x 128 x 2 bytes x 32 layers = 1.07 GB,
// and a prefill writes exactly that, in every profile.
TEST(KvCacheTest, Llama2_7bPrefillWritesTheCacheOnce) {
  const model::Model m = model::LoadModel("meta-llama/Llama-2-7b-hf");
  for (const std::string& profile : ProfileNames()) {
    const Plan plan = BuildPlan(m, EmbeddedDb(), profile);
    Scenario s;
    s.batch_size = 2;
    s.prompt_len = 1024;
    s.profile = profile;
    EXPECT_EQ(KvWrites(plan, s, InputsFor(s, Stage::kPrefill)), 2LL * 2 * 1024 * 32 * 128 * 2 * 32) << profile;
    EXPECT_EQ(KvWrites(plan, s, InputsFor(s, Stage::kPrefill)), 1'073'741'824) << profile;
  }
}

// Reads are attention's: a fused decode step at kv_len L reads K and V once
// each, L tokens of every layer, and nothing else reads the cache.
TEST(KvCacheTest, Llama2_7bDecodeReadsWhatAttentionReads) {
  const Plan plan = BuildPlan(model::LoadModel("meta-llama/Llama-2-7b-hf"), EmbeddedDb(), "fused");
  Scenario s;
  StageResult st;
  Evaluator(plan).Run(s, StageInputs{Stage::kDecode, 1, 4096, 1}, &st);
  EXPECT_EQ(Total(plan, st, db::kReadsKvCache), 2LL * 4096 * 32 * 128 * 2 * 32);
  EXPECT_EQ(Total(plan, st, db::kWritesKvCache), 2LL * 32 * 128 * 2 * 32);
}

// DeepSeek-V3's MLA caches one latent (kv_lora_rank 512) and one shared
// rotary key (qk_rope_head_dim 64) per token and layer: 61 layers x 576
// values x 2 bytes per token.
TEST(KvCacheTest, MlaWritesTheLatentCache) {
  const Plan plan = BuildPlan(model::LoadModel("deepseek-ai/DeepSeek-V3"), EmbeddedDb(), "fused");
  Scenario s;
  s.prompt_len = 100;
  EXPECT_EQ(KvWrites(plan, s, InputsFor(s, Stage::kPrefill)), 100LL * 61 * (512 + 64) * 2);
  EXPECT_EQ(KvHeld(plan, s, 100), 100LL * 61 * (512 + 64) * 2);
}

// Mistral-7B's 32 layers all use a 4096-token window. A ring buffer holds the
// last 4096 tokens: an 8192-token prompt stores 4096 per layer, and past the
// window a decode step still writes one token per layer, overwriting the
// oldest, so the cache stops growing.
TEST(KvCacheTest, SlidingWindowRingBufferStopsGrowing) {
  const model::Model m = model::LoadModel("mistralai/Mistral-7B-v0.1");
  for (const std::string& profile : ProfileNames()) {
    const Plan plan = BuildPlan(m, EmbeddedDb(), profile);
    Scenario s;
    s.prompt_len = 8192;
    s.profile = profile;
    const int64_t per_token = 2LL * 32 * 8 * 128 * 2;  // K and V, 32 layers, 8 KV heads of 128
    EXPECT_EQ(KvHeld(plan, s, 8192), 4096 * per_token) << profile;
    EXPECT_EQ(KvWrites(plan, s, InputsFor(s, Stage::kPrefill)), 4096 * per_token) << profile;
    EXPECT_EQ(KvHeld(plan, s, 8193), KvHeld(plan, s, 8192)) << profile;
    EXPECT_EQ(KvWrites(plan, s, StageInputs{Stage::kDecode, 1, 8193, 1}), per_token) << profile;
  }
}

}  // namespace
}  // namespace lmp::analysis
