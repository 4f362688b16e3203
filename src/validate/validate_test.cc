#include "validate/validate.h"

#include <gtest/gtest.h>

#include "analysis/testing.h"
#include "hardware/cluster.h"
#include "hardware/roofline.h"
#include "model/model.h"
#include "parallel/layout.h"
#include "parallel/sharding.h"
#include "request/deployment.h"
#include "request/generate.h"
#include "validate/dataset.h"

namespace lmp::validate {
namespace {

std::string Row(const std::string& id, const std::string& extra) {
  return R"({"id": ")" + id + R"(", "model": "meta-llama/Llama-2-7b-hf", "hardware": "h100", "batch": 1,
    "input_len": 128, "output_len": 64, "framework": "vLLM 0.6", "split": "held_out",
    "source": {"title": "t", "url": "u", "locator": "l"})" + extra + "}";
}

std::string File(const std::vector<std::string>& rows) {
  std::string out = R"({"schema": "lmp.measurements/1", "measurements": [)";
  for (size_t i = 0; i < rows.size(); ++i) out += (i ? "," : "") + rows[i];
  return out + "]}";
}

// A bad row does not stop the load: each is reported with its pointer, and
// the good rows load.
TEST(DatasetTest, ReportsEveryBadRow) {
  Dataset d;
  std::vector<Error> errors;
  AddDatasetText(File({Row("a", R"(, "metric": "tpot_s", "value": 0.01)"),
                       Row("b", R"(, "metric": "latency", "value": 0.01)"),
                       Row("c", R"(, "metric": "ttft_s", "value": -1)"),
                       Row("a", R"(, "metric": "ttft_s", "value": 0.02)")}),
                 "m.json", &d, &errors);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].file(), "m.json");
  EXPECT_EQ(errors[0].where(), "/measurements/1/metric");
  EXPECT_EQ(errors[1].where(), "/measurements/2/value");
  EXPECT_EQ(errors[2].Line(), "m.json: /measurements/3/id: id 'a' is used by an earlier row; make it unique");
  ASSERT_EQ(d.rows.size(), 1u);
  EXPECT_EQ(d.rows[0].metric, Metric::kTpot);
}

TEST(DatasetTest, BrokenTopLevelIsAnError) {
  Dataset d;
  std::vector<Error> errors;
  try {
    AddDatasetText(R"({"schema": "lmp.measurements/2", "measurements": []})", "m.json", &d, &errors);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "/schema");
  }
}

// median of |r - 1| over {0.5, 0.9, 1.2, 2.0} = (0.2 + 0.5) / 2; p90 is the
// 4th of 4 (ceil(3.6)); geomean = (0.5 x 0.9 x 1.2 x 2)^(1/4); worst 2.
TEST(ValidateTest, Summary) {
  const Summary s = Summarize("x", {0.5, 0.9, 1.2, 2.0});
  EXPECT_EQ(s.cases, 4);
  EXPECT_DOUBLE_EQ(s.median_abs_error, 0.35);
  EXPECT_DOUBLE_EQ(s.p90_abs_error, 1.0);
  EXPECT_NEAR(s.geomean_ratio, std::pow(0.5 * 0.9 * 1.2 * 2.0, 0.25), 1e-12);
  EXPECT_DOUBLE_EQ(s.worst_factor, 2.0);
}

// A row is predicted as lmp generate would; a row over several GPUs as
// the deployment (tp x pp on the device's catalog cluster) would, and one
// whose GPUs are no whole number of replicas is skipped with the reason.
TEST(ValidateTest, PredictsAsGenerateAndDeploysLayouts) {
  Dataset d;
  std::vector<Error> errors;
  AddDatasetText(File({Row("tpot", R"(, "metric": "tpot_s", "value": 0.01)"),
                       Row("tp2", R"(, "tp": 2, "metric": "ttft_s", "value": 0.02)"),
                       Row("tput", R"(, "metric": "output_tokens_per_s_per_user", "value": 100)"),
                       Row("odd", R"(, "tp": 2, "gpus": 3, "metric": "ttft_s", "value": 0.02)")}),
                 "m.json", &d, &errors);
  ASSERT_TRUE(errors.empty());
  const hardware::Catalog catalog = hardware::Catalog::Embedded();
  const hardware::RuntimeCatalog runtimes = hardware::RuntimeCatalog::Embedded();
  ValidateOptions o;
  o.runtime = "ideal";
  const ValidationResult r = Validate(d, o, analysis::testing::EmbeddedDb(), catalog, runtimes);
  ASSERT_EQ(r.predictions.size(), 4u);
  const hardware::Device& h100 = catalog.Get("h100");
  const model::Model m = model::LoadModel("meta-llama/Llama-2-7b-hf");
  const analysis::Plan plan = analysis::BuildPlan(m, analysis::testing::EmbeddedDb(), "fused");
  analysis::Scenario s;
  s.prompt_len = 128;
  s = hardware::OnDevice(s, h100);
  const request::GenerateResult g = request::Generate(plan, s, 64, h100);
  EXPECT_EQ(r.predictions[0].predicted, g.tpot_s);
  EXPECT_EQ(r.predictions[0].time_ratio, g.tpot_s / 0.01);
  // tp=2 on an HGX H100 node, the all-reduces over NVLink.
  request::Deployment dep;
  dep.layout = parallel::Layout{2, 1, 1, 1};
  const std::vector<analysis::Plan> stages = request::BuildStagePlans(
      m, analysis::testing::EmbeddedDb(), "fused", parallel::ShardingRules::Embedded(), dep.layout);
  hardware::Timing t;
  request::SetCommTiers(hardware::ClusterCatalog::Embedded().Get("HGX-H100-8"), dep.layout, &t);
  EXPECT_FALSE(r.predictions[1].skipped) << r.predictions[1].reason;
  EXPECT_EQ(r.predictions[1].predicted, request::GenerateDeployed(stages, s, 1, h100, t, dep).ttft_s);
  EXPECT_LT(r.predictions[1].predicted, request::Generate(plan, s, 1, h100).ttft_s);
  EXPECT_EQ(r.predictions[2].time_ratio, 100 / g.tokens_per_s_per_sequence);
  EXPECT_TRUE(r.predictions[3].skipped);
  EXPECT_EQ(r.predictions[3].reason, "3 GPUs are not a whole number of tp x pp = 2 replicas");
  EXPECT_EQ(r.overall.cases, 3);
  EXPECT_EQ(r.skipped, 1);
  // Without --runtime, the framework picks it: vLLM is the serving engine.
  const ValidationResult by_framework = Validate(d, ValidateOptions{}, analysis::testing::EmbeddedDb(), catalog, runtimes);
  EXPECT_EQ(by_framework.predictions[0].runtime, "serving");
}

}  // namespace
}  // namespace lmp::validate
