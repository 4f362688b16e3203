#include "hardware/time_model.h"

#include <gtest/gtest.h>

#include "analysis/testing.h"
#include "hardware/roofline.h"
#include "model/model.h"
#include "request/generate.h"
#include "util/error.h"

namespace lmp::hardware {
namespace {

using analysis::Plan;
using analysis::Scenario;
using analysis::Stage;

const Catalog& Devices() {
  static const Catalog c = Catalog::Embedded();
  return c;
}

const RuntimeCatalog& Runtimes() {
  static const RuntimeCatalog c = RuntimeCatalog::Embedded();
  return c;
}

// The roofline written out independently: count x max(flops / peak, bytes /
// bandwidth), summed in plan order.
double RooflineSum(const Plan& plan, const analysis::StageResult& st, const Device& d, const Scenario& s) {
  double t = 0;
  for (size_t i = 0; i < plan.ops.size(); ++i) {
    const double peak = PeakFor(d, plan.ops[i].kind, s).flops_per_s;
    t += static_cast<double>(plan.ops[i].count) *
         std::max(static_cast<double>(st.ops[i][db::kFlops]) / peak,
                  static_cast<double>(OpBytes(st.ops[i])) / d.dram_bandwidth_bytes_per_s);
  }
  return t;
}

// --runtime ideal is today's roofline exactly, on several models, devices,
// profiles and bit widths.
TEST(TimeModelTest, IdealIsTheRooflineExactly) {
  struct Case {
    const char* model;
    const char* device;
    const char* profile;
    int w_bits;
  };
  for (const Case& c : {Case{"meta-llama/Llama-2-7b-hf", "h100", "fused", 16},
                        Case{"mistralai/Mixtral-8x7B-v0.1", "mi300x", "flash", 16},
                        Case{"openai-community/gpt2", "a100-80gb", "eager", 16},
                        Case{"deepseek-ai/DeepSeek-V2-Lite", "l40s", "fused", 4},
                        Case{"google/gemma-2-9b", "rtx-4090", "flash", 8}}) {
    SCOPED_TRACE(std::string(c.model) + " on " + c.device);
    const Plan plan = analysis::BuildPlan(model::LoadModel(c.model), analysis::testing::EmbeddedDb(), c.profile);
    const Device& d = Devices().Get(c.device);
    const Timing ideal = Runtimes().Resolve(Runtimes().Get("ideal"), d);
    EXPECT_TRUE(ideal.ideal);
    Scenario s;
    s.profile = c.profile;
    s.batch_size = 4;
    s.prompt_len = 300;
    s.w_bits = c.w_bits;
    s = OnDevice(s, d);
    const analysis::Analysis a = analysis::Analyze(plan, s);
    for (const analysis::StageResult& st : a.stages) {
      const RooflineStage r = Roofline(plan, st, d, s, ideal);
      EXPECT_EQ(r.time_s, RooflineSum(plan, st, d, s));
      EXPECT_EQ(r.step_overhead_s, 0.0);
    }
    const request::GenerateResult g = request::Generate(plan, s, 40, d, ideal);
    const request::GenerateResult plain = request::Generate(plan, s, 40, d);
    EXPECT_EQ(g.ttft_s, RooflineSum(plan, a.stages[0], d, s));
    EXPECT_EQ(g.e2e_s, plain.e2e_s);
    EXPECT_EQ(g.runtime, "ideal");
  }
}

// Figures from ShapeOf's rule: a linear [M, K] x [K, N] reads M K and writes
// M N activation elements and does 2 M N K FLOPs.
TEST(TimeModelTest, GemmShapeFromFigures) {
  Scenario s;  // 16-bit: 2 bytes an element
  analysis::Metrics m{};
  m[db::kFlops] = 2LL * 8 * 4096 * 11008;
  m[db::kReadsActivations] = 8LL * 4096 * 2;
  m[db::kWritesActivations] = 8LL * 11008 * 2;
  const GemmShape g = ShapeOf(m, s);
  EXPECT_TRUE(g.known);
  EXPECT_DOUBLE_EQ(g.m, 8);
  EXPECT_DOUBLE_EQ(g.k, 4096);
  EXPECT_DOUBLE_EQ(g.n, 11008);
  EXPECT_FALSE(ShapeOf(analysis::Metrics{}, s).known);
  EXPECT_EQ(ShapeEfficiency(GemmShape{}, 64, 128, 132), 1.0);
}

// M = 1, N = K = 4096, 64 x 128 tiles on 132 units: 32 tiles, each 1/64
// full; split 4 ways along K (floor(132 / 32)) into 128 units, one wave of
// 132: (1 / 64) x (128 / 132).
TEST(TimeModelTest, TileAndWaveQuantisation) {
  GemmShape g{true, 1, 4096, 4096};
  EXPECT_DOUBLE_EQ(ShapeEfficiency(g, 64, 128, 132), (1.0 / 64) * (128.0 / 132));
  // Without compute units only the tile rounding counts.
  EXPECT_DOUBLE_EQ(ShapeEfficiency(g, 64, 128, 0), 1.0 / 64);
  // M = 4096, N = 4096: 64 x 32 = 2048 tiles, no split, 16 waves of 132
  // (2112 slots): 2048 / 2112.
  g.m = 4096;
  EXPECT_DOUBLE_EQ(ShapeEfficiency(g, 64, 128, 132), 2048.0 / 2112);
}

// A hand-made runtime on the tiny model (tests/data/tiny_model.json, two
// Linear(64 -> 256) at 16 tokens) and Toy-1 (1 TB/s, 100 TFLOP/s): each
// linear moves 43,520 bytes at half the bandwidth (87.04 ns) plus 1 us, and
// the step costs 10 us: 2 x 1.08704 us + 10 us.
TEST(TimeModelTest, HandDerivedRuntime) {
  Catalog devices = Catalog::Embedded();
  devices.AddFile(std::string(LMP_SOURCE_DIR) + "/tests/data/my_hardware.json");
  const Device& d = devices.Get("toy");
  RuntimeCatalog runtimes;
  runtimes.AddText(R"({"schema": "lmp.runtimes/1",
    "devices": [{"device": "*", "bandwidth_fraction": {"value": 0.5, "provenance": "test"}}],
    "runtimes": [{"name": "half", "description": "test",
      "kernel_overhead_s": {"value": 1e-6, "provenance": "test"},
      "prefill_step_overhead_s": {"value": 1e-5, "provenance": "test"},
      "decode_step_overhead_s": {"value": 2e-5, "provenance": "test"},
      "attention_flops_fraction": {"value": 1, "provenance": "test"},
      "attention_bandwidth_fraction": {"value": 1, "provenance": "test"},
      "weight_only_bandwidth_fraction": {}, "weight_only_tensor_fraction": {},
      "gemm_tile_m": {"value": 1, "provenance": "test"}, "gemm_tile_n": {"value": 1, "provenance": "test"}}]})",
                   "half.json");
  const Timing t = runtimes.Resolve(runtimes.Get("half"), d);
  const Plan plan = analysis::BuildPlan(model::LoadModel(std::string(LMP_SOURCE_DIR) + "/tests/data/tiny_model.json"),
                                        analysis::testing::EmbeddedDb(), "fused");
  Scenario s;
  s.prompt_len = 16;
  s.stages = {Stage::kPrefill};
  const analysis::Analysis a = analysis::Analyze(plan, s);
  const RooflineStage r = Roofline(plan, a.stages[0], d, s, t);
  EXPECT_DOUBLE_EQ(r.time_s, 2 * (43520 / 0.5e12 + 1e-6) + 1e-5);
  EXPECT_DOUBLE_EQ(r.ops[0].memory_time_s, 43520 / 0.5e12);
  EXPECT_DOUBLE_EQ(r.ops[0].overhead_s, 1e-6);
  EXPECT_EQ(r.step_overhead_s, 1e-5);
}

// A runtime layered from a file comes after the embedded ones, yet the
// pattern found earliest in the description still picks it.
TEST(TimeModelTest, FrameworkMatchedByEarliestPattern) {
  RuntimeCatalog c = RuntimeCatalog::Embedded();
  c.AddText(R"({"schema": "lmp.runtimes/1", "runtimes": [{"name": "mine", "description": "d", "ideal": true,
    "frameworks": ["myengine"]}]})",
            "mine.json");
  EXPECT_EQ(c.ForFramework("MyEngine 2 (on HF transformers)")->name, "mine");
  EXPECT_EQ(c.ForFramework("HF transformers (MyEngine inside)")->name, "eager");
}

std::string RuntimeError(const std::string& text) {
  RuntimeCatalog c;
  try {
    c.AddText(text, "rt.json");
  } catch (const Error& e) {
    return e.Line();
  }
  return "no error";
}

TEST(TimeModelTest, BadRuntimeFiles) {
  EXPECT_EQ(RuntimeError(R"({"schema": "lmp.runtimes/1", "runtimes": [{"name": "x", "description": "d"}]})"),
            "rt.json: /runtimes/0: runtime 'x' lacks 'kernel_overhead_s'; a runtime that is not ideal sets every "
            "parameter (see docs/calibration.md)");
  EXPECT_EQ(RuntimeError(R"({"schema": "lmp.runtimes/1", "runtimes": [{"name": "x", "description": "d",
              "ideal": true, "kernel_overhead_s": {"value": 0, "provenance": "p"}}]})"),
            "rt.json: /runtimes/0/kernel_overhead_s: an ideal runtime takes no parameters; remove it, or set "
            "\"ideal\": false (see docs/calibration.md)");
  EXPECT_EQ(RuntimeError(R"({"schema": "lmp.runtimes/1",
              "devices": [{"device": "*", "bandwidth_fraction": {"value": -0.5, "provenance": "p"}}]})"),
            "rt.json: /devices/0/bandwidth_fraction/value: does not match the schema "
            "(schema/runtimes.schema.json): expected number greater than 0.000000; see docs/calibration.md");
  EXPECT_EQ(RuntimeError(R"({"schema": "lmp.runtimes/1", "default_runtime": "fast"})"),
            "rt.json: /default_runtime: unknown runtime 'fast'; 'lmp runtime list' lists them");
  try {
    Runtimes().Get("servng");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(), "runtime: unknown runtime 'servng' (did you mean 'serving'?); 'lmp runtime list' lists them");
  }
}

TEST(TimeModelTest, EmbeddedRuntimes) {
  EXPECT_EQ(Runtimes().default_runtime(), "serving");
  EXPECT_EQ(Runtimes().ForFramework("TensorRT-LLM v0.9.0")->name, "serving");
  EXPECT_EQ(Runtimes().ForFramework("gpt-fast (PyTorch nightly)")->name, "compiled");
  EXPECT_EQ(Runtimes().ForFramework("HF Transformers 4.46")->name, "eager");
  // AutoAWQ runs inside transformers: the framework named first wins.
  EXPECT_EQ(Runtimes().ForFramework("AutoAWQ 0.1.6 (fused modules, HF transformers)")->name, "autoawq");
  EXPECT_EQ(Runtimes().ForFramework("something else"), nullptr);
  // Every realistic runtime is slower than the bound, never faster.
  const Device& d = Devices().Get("h100");
  const Plan plan = analysis::BuildPlan(model::LoadModel("meta-llama/Llama-2-7b-hf"),
                                        analysis::testing::EmbeddedDb(), "flash");
  Scenario s = OnDevice(Scenario{}, d);
  s.profile = "flash";
  const double bound = request::Generate(plan, s, 64, d).e2e_s;
  for (const char* name : {"serving", "compiled", "eager"}) {
    const Timing t = Runtimes().Resolve(Runtimes().Get(name), d);
    EXPECT_FALSE(t.ideal);
    EXPECT_GT(request::Generate(plan, s, 64, d, t).e2e_s, bound) << name;
  }
}

}  // namespace
}  // namespace lmp::hardware
