#include "sweep/sweep.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "analysis/footprint.h"
#include "analysis/testing.h"
#include "hardware/fit.h"
#include "hardware/roofline.h"
#include "request/generate.h"
#include "sweep/range.h"
#include "sweep/runner.h"
#include "util/error.h"

namespace lmp::sweep {
namespace {

const hardware::Catalog& Catalog() {
  static const hardware::Catalog c = hardware::Catalog::Embedded();
  return c;
}

void ExpectClose(double got, double want, const char* what) {
  EXPECT_NEAR(got, want, std::abs(want) * 1e-12) << what;
}

// Every row is what `lmp generate` computes for its scenario: the library's
// Generate and MemoryFootprint called directly, one scenario at a time.
TEST(SweepTest, RowsEqualGenerate) {
  Axes axes;
  axes.models = {"meta-llama/Llama-2-7b-hf", "mistralai/Mistral-7B-v0.1"};
  axes.devices = {"h100", "a100-80gb", "mi300x"};
  axes.profiles = {"fused", "flash"};
  axes.batches = {1, 64};
  axes.prompts = {512};
  axes.gens = {1, 5000};  // 5000 crosses Mistral's 4096-token window
  axes.w_bits = {16, 4};
  const Sweep sweep(axes, analysis::testing::EmbeddedDb(), Catalog());
  ASSERT_EQ(sweep.scenarios(), 2 * 3 * 2 * 2 * 2 * 2);
  const auto worker = sweep.NewWorker();
  std::vector<Row> rows;
  for (int64_t p = 0; p < sweep.points(); ++p) sweep.EvaluatePoint(p, *worker, &rows);
  ASSERT_EQ(static_cast<int64_t>(rows.size()), sweep.scenarios());
  for (const Row& r : rows) {
    SCOPED_TRACE(sweep.model_name(r.model) + " " + sweep.device_name(r.device) + " " + sweep.profile_name(r.profile) +
                 " batch " + std::to_string(r.batch_size) + " gen " + std::to_string(r.gen_len) + " w " +
                 std::to_string(r.w_bits));
    const hardware::Device& d = Catalog().Get(sweep.device_name(r.device));
    const analysis::Plan plan = analysis::BuildPlan(model::LoadModel(sweep.model_name(r.model)),
                                                    analysis::testing::EmbeddedDb(), sweep.profile_name(r.profile));
    analysis::Scenario s;
    s.batch_size = r.batch_size;
    s.prompt_len = r.prompt_len;
    s.w_bits = r.w_bits;
    s.profile = sweep.profile_name(r.profile);
    s = hardware::OnDevice(s, d);
    const request::GenerateResult g = request::Generate(plan, s, r.gen_len, d);
    const analysis::Footprint f =
        analysis::MemoryFootprint(plan, s, analysis::RequestContextLen(s.prompt_len, r.gen_len));
    ExpectClose(r.ttft_s, g.ttft_s, "ttft_s");
    ExpectClose(r.tpot_s, g.tpot_s, "tpot_s");
    ExpectClose(r.e2e_s, g.e2e_s, "e2e_s");
    ExpectClose(r.tokens_per_s, g.tokens_per_s, "tokens_per_s");
    ExpectClose(r.request_flops, g.request_flops, "request_flops");
    ExpectClose(r.request_bytes, g.request_bytes, "request_bytes");
    EXPECT_EQ(r.footprint_bytes, f.total_bytes);
    EXPECT_EQ(r.fits, hardware::CheckFit(f.total_bytes, d.dram_bytes).fits);
  }
}

std::string RunToString(const Sweep& sweep, RunOptions options) {
  std::string out;
  RunSweep(sweep, options, [&](std::string_view text) { out += text; });
  return out;
}

TEST(SweepTest, ThreadsDoNotChangeTheOutput) {
  Axes axes;
  axes.models = {"meta-llama/Llama-2-7b-hf"};
  axes.devices = {"h100", "l4"};
  axes.batches = {1, 2, 3, 4, 5, 6, 7, 8};
  axes.prompts = {128};
  axes.gens = ParseIntList("1:300:+1", "--gen");  // 4,800 rows: three chunks
  const Sweep sweep(axes, analysis::testing::EmbeddedDb(), Catalog());
  RunOptions one;
  one.jobs = 1;
  RunOptions two = one;
  two.jobs = 2;
  RunOptions many = one;
  many.jobs = 7;
  const std::string a = RunToString(sweep, one);
  EXPECT_EQ(std::count(a.begin(), a.end(), '\n'), sweep.scenarios() + 1);  // header
  EXPECT_EQ(a, RunToString(sweep, two));
  EXPECT_EQ(a, RunToString(sweep, many));
  one.format = two.format = Format::kJsonl;
  EXPECT_EQ(RunToString(sweep, one), RunToString(sweep, two));
}

TEST(SweepTest, ValidatesBeforeRunning) {
  Axes axes;
  axes.models = {"meta-llama/Llama-2-7b-hf"};
  axes.devices = {"all"};
  axes.w_bits = {8};
  axes.a_bits = {8};
  try {
    Sweep sweep(axes, analysis::testing::EmbeddedDb(), Catalog());
    FAIL() << "V100 has no int8 peak";
  } catch (const Error& e) {
    EXPECT_NE(e.Line().find("device 'V100-SXM2-32GB' lists no tensor peak for int8"), std::string::npos) << e.Line();
  }
  axes.a_bits = {16};
  axes.kv_bits = {16, 65};
  try {
    Sweep sweep(axes, analysis::testing::EmbeddedDb(), Catalog());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(), "kv_bits: must be a bit width from 1 to 64, got 65");
  }
  axes.kv_bits = {16};
  axes.batches.assign(1000, 1);
  axes.prompts.assign(1000, 1);
  axes.gens.assign(1000, 1);
  try {
    Sweep sweep(axes, analysis::testing::EmbeddedDb(), Catalog());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(), "too many scenarios: the lists make 18000000000, more than the limit of 1000000000; shorten them");
  }
}

}  // namespace
}  // namespace lmp::sweep
