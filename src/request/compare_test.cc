#include "request/compare.h"

#include <gtest/gtest.h>

#include "analysis/testing.h"
#include "hardware/roofline.h"
#include "model/model.h"
#include "util/error.h"

namespace lmp::request {
namespace {

std::string ErrorOf(const std::string& text) {
  RequestSpec spec;
  try {
    ApplySettings(text, "--a", &spec);
  } catch (const Error& e) {
    return e.Line();
  }
  return "no error";
}

TEST(CompareTest, Settings) {
  RequestSpec spec;
  ApplySettings("hardware=a100-80gb,w-bits=4,kv-bits=8,batch=16,prompt=100,gen=7,profile=flash,sram-bytes=1024", "--a",
                &spec);
  EXPECT_EQ(spec.hardware, "a100-80gb");
  EXPECT_EQ(spec.scenario.w_bits, 4);
  EXPECT_EQ(spec.scenario.kv_bits, 8);
  EXPECT_EQ(spec.scenario.batch_size, 16);
  EXPECT_EQ(spec.scenario.prompt_len, 100);
  EXPECT_EQ(spec.gen_len, 7);
  EXPECT_EQ(spec.scenario.profile, "flash");
  EXPECT_EQ(spec.scenario.sram_bytes, 1024);
  EXPECT_EQ(ErrorOf("w-bit=4"),
            "--a: unknown key 'w-bit' (did you mean 'w-bits'?); keys: model, hardware, batch, prompt, gen, w-bits, "
            "a-bits, kv-bits, w-group-size, compute, profile, sram-bytes, runtime, tp, pp, ep, dp, microbatches");
  EXPECT_EQ(ErrorOf("batch=many"), "--a: batch=many: 'many' is not an integer");
  EXPECT_EQ(ErrorOf("hardware"), "--a: expected KEY=VALUE, got 'hardware' (e.g. hardware=h100, w-bits=4)");
  EXPECT_EQ(ErrorOf("w-bits=4,"), "--a: expected KEY=VALUE, got '' (e.g. hardware=h100, w-bits=4)");
  EXPECT_EQ(ErrorOf("sram-bytes=0"), "--a: sram-bytes must be a positive integer, got 0");
}

TEST(CompareTest, EvaluatesAsGenerate) {
  static const hardware::Catalog catalog = hardware::Catalog::Embedded();
  RequestSpec spec;
  spec.model = "meta-llama/Llama-2-7b-hf";
  spec.hardware = "h100";
  spec.scenario.batch_size = 4;
  spec.gen_len = 100;
  spec.runtime = "ideal";
  static const hardware::RuntimeCatalog runtimes = hardware::RuntimeCatalog::Embedded();
  const RequestOutcome o = EvaluateRequest(spec, analysis::testing::EmbeddedDb(), catalog, runtimes, "A: ");
  const analysis::Plan plan =
      analysis::BuildPlan(model::LoadModel(spec.model), analysis::testing::EmbeddedDb(), "fused");
  const hardware::Device& d = catalog.Get("h100");
  const GenerateResult g = Generate(plan, hardware::OnDevice(spec.scenario, d), 100, d);
  EXPECT_EQ(o.result.e2e_s, g.e2e_s);
  EXPECT_EQ(o.result.request_flops, g.request_flops);
  EXPECT_EQ(o.device, "H100-SXM");
  EXPECT_TRUE(o.fit.fits);
  spec.scenario.batch_size = 0;
  try {
    EvaluateRequest(spec, analysis::testing::EmbeddedDb(), catalog, runtimes, "B: ");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(), "batch: B: must be a positive integer, got 0");
  }
}

}  // namespace
}  // namespace lmp::request
