#include "hardware/fit.h"

#include <map>

#include <gtest/gtest.h>

#include "hardware/hardware.h"
#include "model/model.h"
#include "util/error.h"

namespace lmp::hardware {
namespace {

using analysis::Plan;
using analysis::Scenario;
using analysis::Stage;

const Plan& PlanFor(const std::string& id) {
  static const db::ModuleDb db = db::ModuleDb::Embedded();
  static std::map<std::string, Plan> plans;
  auto it = plans.find(id);
  if (it == plans.end()) it = plans.emplace(id, analysis::BuildPlan(model::LoadModel(id), db, "fused")).first;
  return it->second;
}

const Device& Get(const std::string& name) {
  static const Catalog c = Catalog::Embedded();
  return c.Get(name);
}

FitRequest Request(int64_t prompt_len, int64_t gen_len, int64_t capacity_bytes) {
  FitRequest q;
  q.scenario.prompt_len = prompt_len;
  q.gen_len = gen_len;
  q.capacity_bytes = capacity_bytes;
  return q;
}

TEST(CheckFitTest, FitsAndHeadroom) {
  const FitStatus yes = CheckFit(60, 100);
  EXPECT_TRUE(yes.fits);
  EXPECT_EQ(yes.headroom_bytes, 40);
  EXPECT_TRUE(CheckFit(100, 100).fits);  // exactly full fits
  const FitStatus no = CheckFit(101, 100);
  EXPECT_FALSE(no.fits);
  EXPECT_EQ(no.headroom_bytes, -1);
  EXPECT_EQ(no.capacity_bytes, 100);
  EXPECT_EQ(no.total_bytes, 101);
}

// Llama-2-70b in fp16 does not fit one 80 GiB H100: its weights alone are
// 68,976,648,192 x 2 = 137,953,296,384 bytes against 85,899,345,920. At
// batch 1, prompt 2048, 256 generated (context 2303): KV cache 2 x 80 x 8 x
// 128 x 2 = 327,680 bytes per token x 2303 = 754,647,040; activations the
// prefill softmax, 64 heads x 2048 x 2048 x 2 bytes x 2 = 1,073,741,824.
// Total 139,781,685,248: 53,882,339,328 bytes short.
TEST(FitTest, Llama2_70bFp16DoesNotFitOneH100) {
  const int64_t capacity = Get("H100-SXM").dram_bytes;
  ASSERT_EQ(capacity, 85'899'345'920);
  const FitResult r = LargestBatch(PlanFor("meta-llama/Llama-2-70b-hf"), Request(2048, 256, capacity));
  EXPECT_FALSE(r.fits);
  EXPECT_EQ(r.batch_size, 0);
  EXPECT_EQ(r.footprint.weight_bytes, 137'953'296'384);
  EXPECT_EQ(r.footprint.kv_cache_bytes, 754'647'040);
  EXPECT_EQ(r.footprint.activation_bytes, 1'073'741'824);
  EXPECT_EQ(r.footprint.total_bytes, 139'781'685'248);
  EXPECT_FALSE(r.status.fits);
  EXPECT_EQ(r.status.headroom_bytes, -53'882'339'328);
  EXPECT_FALSE(r.next.has_value());
}

// Llama-2-70b at 4 bits in groups of 128 fits: weights 68,976,648,192 x
// 532 / 1024 = 35,835,524,256. Each sequence adds 754,647,040 (KV) +
// 1,073,741,824 (its share of the prefill softmax) = 1,828,388,864, so
// B <= (85,899,345,920 - 35,835,524,256) / 1,828,388,864 = 27.38: batch 27,
// total 85,202,023,584; batch 28 would need 87,030,412,448.
TEST(FitTest, Llama2_70bW4FitsOneH100AtBatch27) {
  FitRequest q = Request(2048, 256, 85'899'345'920);
  q.scenario.w_bits = 4;
  q.scenario.w_group_size = 128;
  const FitResult r = LargestBatch(PlanFor("meta-llama/Llama-2-70b-hf"), q);
  ASSERT_TRUE(r.fits);
  EXPECT_EQ(r.batch_size, 27);
  EXPECT_EQ(r.footprint.weight_bytes, 35'835'524'256);
  EXPECT_EQ(r.footprint.total_bytes, 85'202'023'584);
  EXPECT_EQ(r.limit, FitLimit::kMemory);
  ASSERT_TRUE(r.next.has_value());
  EXPECT_EQ(r.next->total_bytes, 87'030'412'448);
}

// Llama-2-7b fp16 on an A100-80GB (85,899,345,920 bytes), prompt 2048,
// generating 2048: context 2048 + 2048 - 1 = 4095.
//   weights      6,738,415,616 x 2                     = 13,476,831,232
//   per sequence KV  2 x 32 layers x 32 heads x 128 x 2 = 524,288 B/token
//                    x 4095                            =  2,146,959,360
//                activations: prefill softmax, 32 x 2048 x 2048 x 2 x 2
//                                                      =    536,870,912
//                                                        = 2,683,830,272
//   B <= (85,899,345,920 - 13,476,831,232) / 2,683,830,272
//      = 72,422,514,688 / 2,683,830,272 = 26.98...  -> B = 26:
//   total 13,476,831,232 + 26 x 2,683,830,272 = 83,256,418,304 (2,642,927,616
//   free); at 27: 85,940,248,576, 40,902,656 over.
TEST(FitTest, Llama2_7bLargestBatchOnA100_80GB) {
  const int64_t capacity = Get("A100-80GB-SXM").dram_bytes;
  ASSERT_EQ(capacity, 85'899'345'920);
  const FitResult r = LargestBatch(PlanFor("meta-llama/Llama-2-7b-hf"), Request(2048, 2048, capacity));
  ASSERT_TRUE(r.fits);
  EXPECT_EQ(r.target, FitTarget::kBatchSize);
  EXPECT_EQ(r.batch_size, 26);
  EXPECT_EQ(r.prompt_len, 2048);
  EXPECT_EQ(r.context_len, 4095);
  EXPECT_EQ(r.footprint.weight_bytes, 13'476'831'232);
  EXPECT_EQ(r.footprint.kv_cache_bytes, 26 * 2'146'959'360LL);
  EXPECT_EQ(r.footprint.activation_bytes, 26 * 536'870'912LL);
  EXPECT_EQ(r.footprint.total_bytes, 83'256'418'304);
  EXPECT_TRUE(r.status.fits);
  EXPECT_EQ(r.status.headroom_bytes, 2'642'927'616);
  EXPECT_EQ(r.limit, FitLimit::kMemory);
  ASSERT_TRUE(r.next.has_value());
  EXPECT_EQ(r.next->total_bytes, 85'940'248'576);
}

// With --batch 8 and 256 generated, solve for the prompt P (context P + 255):
//   total(P) = 13,476,831,232 + 8 x 524,288 x (P + 255) + 8 x 128 P^2
// (the last term the prefill softmax, 32 heads x P x P x 2 bytes, read and
// written, per sequence). At P = 6547: 4,194,304 x 6802 = 28,529,655,808 and
// 1024 x 6547^2 = 43,891,926,016, total 85,898,413,056 <= 85,899,345,920;
// at P = 6548: 28,533,850,112 + 43,905,335,296 + weights = 85,916,016,640.
TEST(FitTest, Llama2_7bLargestPromptAtBatch8) {
  FitRequest q = Request(2048, 256, 85'899'345'920);
  q.scenario.batch_size = 8;
  const FitResult r = LargestPrompt(PlanFor("meta-llama/Llama-2-7b-hf"), q);
  ASSERT_TRUE(r.fits);
  EXPECT_EQ(r.target, FitTarget::kPromptLen);
  EXPECT_EQ(r.batch_size, 8);
  EXPECT_EQ(r.prompt_len, 6547);
  EXPECT_EQ(r.context_len, 6802);
  EXPECT_EQ(r.footprint.kv_cache_bytes, 28'529'655'808);
  EXPECT_EQ(r.footprint.activation_bytes, 43'891'926'016);
  EXPECT_EQ(r.footprint.total_bytes, 85'898'413'056);
  ASSERT_TRUE(r.next.has_value());
  EXPECT_EQ(r.next->total_bytes, 85'916'016'640);
}

// Not even a one-token prompt: 70b fp16 weights exceed the H100.
TEST(FitTest, NoPromptFits) {
  const FitResult r = LargestPrompt(PlanFor("meta-llama/Llama-2-70b-hf"), Request(2048, 256, 85'899'345'920));
  EXPECT_FALSE(r.fits);
  EXPECT_EQ(r.prompt_len, 0);
  EXPECT_EQ(r.context_len, 0);
  EXPECT_EQ(r.footprint.context_len, 256);  // the footprint at P = 1
}

// tiny_model (2 x Linear 64 -> 256 with bias) has no KV cache; at prompt 16
// its footprint is 66,560 + 640 x 16 x B, so with unlimited memory the batch
// search runs to its cap and says so.
TEST(FitTest, SearchStopsAtTheCap) {
  static const db::ModuleDb db = db::ModuleDb::Embedded();
  const Plan plan = analysis::BuildPlan(model::LoadModel(LMP_SOURCE_DIR "/tests/data/tiny_model.json"), db, "fused");
  const FitResult r = LargestBatch(plan, Request(16, 1, INT64_MAX));
  ASSERT_TRUE(r.fits);
  EXPECT_EQ(r.batch_size, kFitSearchCap);
  EXPECT_EQ(r.limit, FitLimit::kSearchCap);
  EXPECT_EQ(r.footprint.total_bytes, 66'560 + 640LL * 16 * kFitSearchCap);
  EXPECT_FALSE(r.next.has_value());
}

// Llama-2-7b's prefill at 2048 tokens is 28,754,414,934,016 FLOPs per
// sequence, every term proportional to the batch; the stage total overflows
// 64 bits above 9,223,372,036,854,775,807 / 28,754,414,934,016 = 320,763
// sequences, long before the footprint nears INT64_MAX. The search stops
// there and says why, instead of failing.
TEST(FitTest, OverflowEndsTheSearch) {
  const FitResult r = LargestBatch(PlanFor("meta-llama/Llama-2-7b-hf"), Request(2048, 1, INT64_MAX));
  ASSERT_TRUE(r.fits);
  EXPECT_EQ(r.batch_size, 320'763);
  EXPECT_EQ(r.limit, FitLimit::kOverflow);
  EXPECT_FALSE(r.next.has_value());
}

TEST(FitTest, ErrorsAtOneAreThrown) {
  EXPECT_THROW(LargestBatch(PlanFor("meta-llama/Llama-2-7b-hf"), Request(2048, 0, 1)), Error);
  FitRequest q = Request(2048, 1, 1);
  q.scenario.kv_bits = 0;
  EXPECT_THROW(LargestBatch(PlanFor("meta-llama/Llama-2-7b-hf"), q), Error);
}

TEST(FitTest, Names) {
  EXPECT_STREQ(FitTargetName(FitTarget::kBatchSize), "batch_size");
  EXPECT_STREQ(FitTargetName(FitTarget::kPromptLen), "prompt_len");
  EXPECT_STREQ(FitLimitName(FitLimit::kMemory), "memory");
  EXPECT_STREQ(FitLimitName(FitLimit::kSearchCap), "search_cap");
  EXPECT_STREQ(FitLimitName(FitLimit::kOverflow), "overflow");
}

}  // namespace
}  // namespace lmp::hardware
