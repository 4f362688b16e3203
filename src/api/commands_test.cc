#include "api/commands.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "analysis/testing.h"
#include "util/error.h"

namespace lmp::api {
namespace {

constexpr const char* kLlama7b = "meta-llama/Llama-2-7b-hf";

template <class F>
std::string OptionOf(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.option();
  }
  return "(no error)";
}

TEST(ApiCompareTest, EachSideIsTheRequestEvaluatedAlone) {
  CompareRequest r;
  r.a.model = r.b.model = kLlama7b;
  r.a.hardware = r.b.hardware = "h100";
  r.b.scenario.w_bits = 4;
  const CompareResult c = Compare(r);
  const db::ModuleDb db = LoadDb({});
  const hardware::Catalog catalog = LoadHardware({});
  const hardware::RuntimeCatalog runtimes = LoadRuntimes({});
  const request::RequestOutcome b = request::EvaluateRequest(r.b, db, catalog, runtimes, "B: ");
  EXPECT_EQ(c.b.result.e2e_s, b.result.e2e_s);
  EXPECT_EQ(c.b.footprint.total_bytes, b.footprint.total_bytes);
  // 4-bit weights: the weights' bytes are a quarter (group scales aside, none here).
  EXPECT_EQ(c.a.footprint.weight_bytes, 4 * c.b.footprint.weight_bytes);
  CompareRequest bad = r;
  bad.b.hardware = "h1000";
  try {
    Compare(bad);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.message().rfind("B: ", 0), 0u) << e.Line();
  }
}

TEST(ApiSweepTest, TheSweepOwnsItsCatalogsAndTakesTheDefaultRuntime) {
  SweepRequest r;
  r.axes.models = {kLlama7b};
  r.axes.devices = {"h100", "a100-80gb"};
  r.axes.runtime = "";
  r.axes.profiles.clear();
  r.axes.batches = {1, 8};
  std::shared_ptr<const sweep::Sweep> sw = PrepareSweep(r);
  const hardware::RuntimeCatalog runtimes = LoadRuntimes({});
  EXPECT_EQ(sw->runtime_name(), runtimes.default_runtime());
  const std::string& profile = runtimes.Get(runtimes.default_runtime()).execution_profile;
  EXPECT_EQ(sw->profile_name(0), profile.empty() ? "fused" : profile);
  EXPECT_EQ(sw->scenarios(), 4);
  std::vector<sweep::Row> rows;
  auto worker = sw->NewWorker();
  for (int64_t p = 0; p < sw->points(); ++p) sw->EvaluatePoint(p, *worker, &rows);
  ASSERT_EQ(rows.size(), 4u);
  // Row 2 is batch 8 on h100 (devices vary fastest): its TTFT is the
  // generate request's.
  GenerateRequest g;
  g.model = kLlama7b;
  g.hardware = "h100";
  g.scenario.batch_size = 8;
  const GenerateResultSet one = Generate(g);
  EXPECT_EQ(rows[2].batch_size, 8);
  EXPECT_DOUBLE_EQ(rows[2].ttft_s, one.result.ttft_s);
  SweepRequest bad = r;
  bad.axes.runtime = "servng";
  EXPECT_EQ(OptionOf([&] { PrepareSweep(bad); }), "runtime");
}

TEST(ApiPlanTest, BadOptionsAreNamedByTheirField) {
  PlanRequest r;
  r.model = "meta-llama/Llama-2-13b-hf";
  r.hardware = "h100";
  r.search.gpus = 0;
  EXPECT_EQ(OptionOf([&] { Plan(r); }), "gpus");
  r.search.gpus = 2;
  r.search.max_batch = 0;
  EXPECT_EQ(OptionOf([&] { Plan(r); }), "max_batch");
  r.search.max_batch = 4;
  r.search.gen_len = 0;
  EXPECT_EQ(OptionOf([&] { Plan(r); }), "gen");
}

TEST(ApiPlanTest, EveryPointFitsAndTheBestMeetsTheLimit) {
  PlanRequest r;
  r.model = "meta-llama/Llama-2-13b-hf";
  r.hardware = "h100";
  r.search.gpus = 2;
  r.search.max_batch = 16;
  r.search.max_tpot_s = 0.05;
  const PlanResultSet p = Plan(r);
  EXPECT_EQ(p.model_id, "meta-llama/Llama-2-13b-hf");
  EXPECT_EQ(p.device.name, "H100-SXM");
  ASSERT_FALSE(p.result.points.empty());
  for (const request::PlanPoint& pt : p.result.points) {
    EXPECT_LE(pt.layout.Gpus(), 2);
    EXPECT_LE(pt.batch, 16);
  }
  ASSERT_TRUE(p.result.best.has_value());
  EXPECT_LE(p.result.points[*p.result.best].tpot_s, 0.05);
}

TEST(ApiValidateTest, EveryBadRowIsReportedAndTheLastThrown) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "lmp_api_validate_test";
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "bad.json").string();
  std::ofstream(file) << R"({"schema": "lmp.measurements/1", "measurements": [
    {"id": "a", "model": "meta-llama/Llama-2-7b-hf", "hardware": "H9000", "batch": 1, "input_len": 128,
     "output_len": 128, "framework": "x", "metric": "ttft_s", "value": 0.1, "split": "fit",
     "source": {"title": "t", "url": "u", "locator": "l", "quote": "q", "retrieved": "2026-12-06"}},
    {"id": "b", "model": "meta-llama/Llama-2-7b-hf", "hardware": "H8000", "batch": 1, "input_len": 128,
     "output_len": 128, "framework": "x", "metric": "ttft_s", "value": 0.1, "split": "fit",
     "source": {"title": "t", "url": "u", "locator": "l", "quote": "q", "retrieved": "2026-12-06"}}]})";
  ValidateRequest r;
  r.datasets = {file};
  std::vector<std::string> reported;
  try {
    Validate(r, [&](const Error& e) { reported.push_back(e.Line()); });
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(e.Line().find("H8000"), std::string::npos) << e.Line();
  }
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_NE(reported[0].find("H9000"), std::string::npos) << reported[0];
  std::filesystem::remove_all(dir);
}

TEST(ApiValidateTest, TheEmbeddedHeldOutSplitIsPredicted) {
  ValidateRequest r;
  r.options.split = validate::Split::kHeldOut;
  const ValidateResultSet v = Validate(r);
  EXPECT_GT(v.result.overall.cases, 0);
  for (const validate::Prediction& p : v.result.predictions) {
    ASSERT_NE(p.row, nullptr);
    EXPECT_FALSE(p.row->fit);
  }
}

}  // namespace
}  // namespace lmp::api
