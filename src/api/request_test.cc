#include "api/request.h"

#include <gtest/gtest.h>

#include "analysis/footprint.h"
#include "analysis/testing.h"
#include "util/error.h"
#include "util/json_file.h"

namespace lmp::api {
namespace {

constexpr const char* kLlama7b = "meta-llama/Llama-2-7b-hf";

const hardware::Device& H100() {
  static const hardware::Catalog c = hardware::Catalog::Embedded();
  return c.Get("h100");
}

// The field an error names, or "<no error>".
template <typename F>
std::string OptionOf(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.option().empty() ? "<not an option: " + e.Line() + ">" : e.option();
  }
  return "<no error>";
}

TEST(ApiAnalyzeTest, WithoutDeviceIsTheLibraryPipeline) {
  AnalyzeRequest r;
  r.model = kLlama7b;
  r.scenario.batch_size = 2;
  r.scenario.prompt_len = 512;
  const AnalyzeResult a = Analyze(r);
  ASSERT_EQ(a.stages.size(), 1u);
  EXPECT_EQ(a.analysis.parameters, 6'738'415'616);
  EXPECT_FALSE(a.device || a.roofline || a.memory || a.deployment || a.checkpoint);
  const analysis::Plan plan =
      analysis::BuildPlan(model::LoadModel(kLlama7b), analysis::testing::EmbeddedDb(), "fused");
  const analysis::Analysis direct = analysis::Analyze(plan, r.scenario);
  ASSERT_EQ(a.analysis.stages.size(), direct.stages.size());
  for (size_t i = 0; i < direct.stages.size(); ++i) {
    EXPECT_EQ(a.analysis.stages[i].totals, direct.stages[i].totals);
  }
}

TEST(ApiAnalyzeTest, WithDeviceAddsRooflineAndMemoryAtTheRuntimesProfile) {
  AnalyzeRequest r;
  r.model = kLlama7b;
  r.hardware = "h100";
  r.runtime = "ideal";
  const AnalyzeResult a = Analyze(r);
  ASSERT_TRUE(a.roofline && a.memory && a.device);
  EXPECT_EQ(a.device->name, H100().name);
  EXPECT_EQ(a.memory->footprint.parameters, 6'738'415'616);
  // The KV cache at the scenario's context: 2 x 32 layers x 4096 x 2 bytes per token.
  EXPECT_EQ(a.memory->footprint.kv_cache_bytes, int64_t{2} * 32 * 4096 * 2 * 2048);
}

TEST(ApiAnalyzeTest, TensorParallelHalvesTheWeights) {
  AnalyzeRequest r;
  r.model = kLlama7b;
  r.hardware = "h100";
  r.layout.tp = 2;
  const AnalyzeResult a = Analyze(r);
  ASSERT_TRUE(a.deployment && a.memory);
  EXPECT_EQ(a.deployment->layout.tp, 2);
  // Embedding, LM head, attention and MLP split in two; only the norms are replicated.
  EXPECT_LT(a.memory->footprint.parameters, 6'738'415'616 / 2 + 1'000'000);
  EXPECT_GT(a.memory->footprint.parameters, 6'738'415'616 / 2);
}

TEST(ApiAnalyzeTest, TheHookSuppliesTheDatabase) {
  AnalyzeRequest r;
  r.model = kLlama7b;
  int calls = 0;
  const AnalyzeResult a = Analyze(r, [&](const model::Model& m, const db::ModuleDb& given) {
    ++calls;
    EXPECT_EQ(m.id, kLlama7b);
    EXPECT_FALSE(given.modules().empty());
    return LoadDb({});
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(a.analysis.parameters, 6'738'415'616);
}

// The Python package passes a dict's text and shares the catalogs it loaded
// once: the same figures as the path and the catalogs loaded per request.
TEST(ApiAnalyzeTest, ModelTextAndSharedCatalogsGiveTheSameAnalysis) {
  AnalyzeRequest by_id;
  by_id.model = kLlama7b;
  by_id.hardware = "h100";
  AnalyzeRequest by_text = by_id;
  by_text.model = "<dict>";
  by_text.model_text = ReadFile(std::string(LMP_SOURCE_DIR) + "/data/configs/meta-llama--Llama-2-7b-hf.json");
  const db::ModuleDb db = LoadDb({});
  const hardware::Catalog catalog = LoadHardware({});
  const hardware::RuntimeCatalog runtimes = LoadRuntimes({});
  by_text.sources.db = &db;
  by_text.sources.hardware = &catalog;
  by_text.sources.runtimes = &runtimes;
  const AnalyzeResult a = Analyze(by_id), b = Analyze(by_text);
  EXPECT_EQ(b.analysis.parameters, 6'738'415'616);
  EXPECT_EQ(a.analysis.stages[1].totals, b.analysis.stages[1].totals);
  EXPECT_EQ(a.roofline->stages[1].time_s, b.roofline->stages[1].time_s);
  EXPECT_EQ(b.plan().model_id, "<dict>");
}

TEST(ApiAnalyzeTest, AModelTextFaultNamesItsNameAndPlace) {
  AnalyzeRequest r;
  r.model = "<dict>";
  r.model_text = R"({"model_type": "llama", "hidden_size": "x"})";
  try {
    Analyze(r);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), "<dict>");
  }
}

TEST(ApiAnalyzeTest, AHardwareTextIsADevice) {
  AnalyzeRequest r;
  r.model = kLlama7b;
  r.hardware = "my-gpu";
  r.scenario.stages = {analysis::Stage::kDecode};
  Json device = LoadHardware({}).Get("h100").source;
  device["name"] = "my-gpu";
  device["aliases"] = Json::array();
  r.sources.hardware_texts.push_back(
      {"<hardware dict>", Json{{"schema", "lmp.hardware/1"}, {"devices", {device}}}.dump()});
  const AnalyzeResult a = Analyze(r);
  EXPECT_EQ(a.device->name, "my-gpu");
  AnalyzeRequest h100 = r;
  h100.hardware = "h100";
  h100.sources.hardware_texts.clear();
  EXPECT_EQ(Analyze(h100).roofline->stages[0].time_s, a.roofline->stages[0].time_s);
}

TEST(ApiAnalyzeTest, BadOptionsAreNamedByTheirField) {
  AnalyzeRequest r;
  r.model = kLlama7b;
  EXPECT_EQ(OptionOf([&] {
              AnalyzeRequest b = r;
              b.scenario.batch_size = 0;
              Analyze(b);
            }),
            "batch");
  EXPECT_EQ(OptionOf([&] {
              AnalyzeRequest b = r;
              b.sources.hardware_files = {"x.json"};
              Analyze(b);
            }),
            "hardware_file");
  EXPECT_EQ(OptionOf([&] {
              AnalyzeRequest b = r;
              b.runtime = "serving";
              Analyze(b);
            }),
            "runtime");
  EXPECT_EQ(OptionOf([&] {
              AnalyzeRequest b = r;
              b.layout.tp = 3;
              Analyze(b);
            }),
            "tp");
  EXPECT_EQ(OptionOf([&] {
              AnalyzeRequest b = r;
              b.pp_stage = 1;
              Analyze(b);
            }),
            "pp_stage");
}

TEST(ApiGenerateTest, IsTheLibrarysGenerate) {
  GenerateRequest r;
  r.model = kLlama7b;
  r.hardware = "h100";
  r.runtime = "ideal";
  r.scenario.prompt_len = 128;
  r.gen_len = 64;
  const GenerateResultSet g = Generate(r);
  const analysis::Plan plan =
      analysis::BuildPlan(model::LoadModel(kLlama7b), analysis::testing::EmbeddedDb(), "fused");
  const hardware::RuntimeCatalog runtimes = hardware::RuntimeCatalog::Embedded();
  const hardware::Timing timing = runtimes.Resolve(runtimes.Get("ideal"), H100());
  const request::GenerateResult direct =
      request::Generate(plan, hardware::OnDevice(r.scenario, H100()), 64, H100(), timing);
  EXPECT_DOUBLE_EQ(g.result.ttft_s, direct.ttft_s);
  EXPECT_DOUBLE_EQ(g.result.e2e_s, direct.e2e_s);
  EXPECT_EQ(g.parameters(), 6'738'415'616);
  EXPECT_DOUBLE_EQ(g.TokensPerSecondPerGpu(), g.result.tokens_per_s);
  EXPECT_EQ(OptionOf([&] {
              GenerateRequest b = r;
              b.gen_len = 0;
              Generate(b);
            }),
            "gen");
}

TEST(ApiFitTest, LargestBatchAndPerReplicaUnderALayout) {
  FitRequest r;
  r.model = kLlama7b;
  r.hardware = "h100";
  r.scenario.prompt_len = 2048;
  r.gen_len = 256;
  const FitResultSet one = Fit(r);
  EXPECT_TRUE(one.result.fits);
  EXPECT_FALSE(one.deployment);
  // The footprint at the answer fits the device; the next batch's is larger.
  EXPECT_LE(one.result.footprint.total_bytes, H100().dram_bytes);
  ASSERT_TRUE(one.result.next);
  EXPECT_GT(one.result.next->total_bytes, one.result.footprint.total_bytes);
  FitRequest dp = r;
  dp.layout.dp = 2;
  const FitResultSet two = Fit(dp);
  ASSERT_TRUE(two.deployment && two.limiting_stage);
  EXPECT_EQ(two.result.batch_size, one.result.batch_size);  // per replica: the same GPU
  EXPECT_EQ(two.deployment->batch, 2 * one.result.batch_size);
}

}  // namespace
}  // namespace lmp::api
