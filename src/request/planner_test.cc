// lmp plan's search (issue 14): the candidate layouts, points that are the
// deployment's own figures, a frontier nothing dominates, the best within the
// limits, and a reason for every rejected layout.

#include "request/planner.h"

#include <cstdio>

#include <gtest/gtest.h>

#include "analysis/footprint.h"
#include "analysis/testing.h"
#include "hardware/roofline.h"
#include "request/deployment.h"

namespace lmp::request {
namespace {

using analysis::testing::EmbeddedDb;

// tp x pp x ep x dp over {1, 2, 4, 8} with a product of at most 8: the
// exponents (a, b, c, d) with a + b + c + d <= 3, C(7, 4) = 35 of them.
TEST(PlannerTest, CandidateLayoutsUseAtMostTheGpus) {
  const std::vector<parallel::Layout> eight = CandidateLayouts(8);
  EXPECT_EQ(eight.size(), 35u);
  EXPECT_EQ(eight.front(), (parallel::Layout{1, 1, 1, 1}));
  for (const parallel::Layout& l : eight) EXPECT_LE(l.Gpus(), 8);
  // 6 GPUs: degrees from {1, 2, 3, 6}; 2 x 2 = 4 GPUs of the 6 is a layout too.
  const std::vector<parallel::Layout> six = CandidateLayouts(6);
  EXPECT_NE(std::find(six.begin(), six.end(), parallel::Layout{2, 2, 1, 1}), six.end());
  EXPECT_EQ(std::find(six.begin(), six.end(), parallel::Layout{4, 1, 1, 1}), six.end());
  EXPECT_EQ(CandidateLayouts(1).size(), 1u);
}

struct Searched {
  hardware::Catalog devices = hardware::Catalog::Embedded();
  hardware::ClusterCatalog clusters = hardware::ClusterCatalog::Embedded();
  parallel::ShardingRules rules = parallel::ShardingRules::Embedded();
  hardware::RuntimeCatalog runtimes = hardware::RuntimeCatalog::Embedded();
  model::Model model;
  PlanSearch search;
  PlanResult Run(const char* device) {
    const hardware::Device& d = devices.Get(device);
    search.scenario = hardware::OnDevice(search.scenario, d);
    const hardware::Cluster* c = hardware::ClusterForDevice(clusters, d);
    if (c == nullptr) ADD_FAILURE() << "no cluster for " << device;
    return SearchPlans(model, EmbeddedDb(), rules, d, *c,
                       runtimes.Resolve(runtimes.Get("serving"), d), search);
  }
};

TEST(PlannerTest, PointsAreTheDeploymentsFiguresAndTheFrontierIsUndominated) {
  Searched p;
  p.model = model::LoadModel("meta-llama/Llama-2-13b-hf");
  p.search.gpus = 4;
  p.search.gen_len = 64;
  p.search.max_batch = 64;
  p.search.max_tpot_s = 0.02;
  p.search.scenario.prompt_len = 512;
  p.search.scenario.profile = "flash";
  const PlanResult r = p.Run("A100-80GB-SXM");
  ASSERT_FALSE(r.points.empty());
  // One point recomputed through the deployment directly: tp=2 at batch 8.
  const hardware::Device& a100 = p.devices.Get("A100-80GB-SXM");
  const parallel::Layout tp2{2, 1, 1, 1};
  const std::vector<analysis::Plan> stages = BuildStagePlans(p.model, EmbeddedDb(), "flash", p.rules, tp2);
  hardware::Timing t = p.runtimes.Resolve(p.runtimes.Get("serving"), a100);
  SetCommTiers(p.clusters.Get("HGX-A100-8"), tp2, &t);
  Deployment d;
  d.layout = tp2;
  d.batch = 8;
  analysis::Scenario s = p.search.scenario;
  s.batch_size = 8;
  const GenerateResult g = GenerateDeployed(stages, s, 64, a100, t, d);
  bool found = false;
  for (const PlanPoint& pt : r.points) {
    if (pt.layout != tp2 || pt.batch != 8) continue;
    found = true;
    EXPECT_DOUBLE_EQ(pt.tpot_s, g.tpot_s);
    EXPECT_DOUBLE_EQ(pt.tokens_per_s_per_gpu, g.tokens_per_s / 2);
    EXPECT_DOUBLE_EQ(pt.tokens_per_s_per_user, 1 / g.tpot_s);
    EXPECT_EQ(pt.meets_limits, g.tpot_s <= 0.02);
  }
  EXPECT_TRUE(found);
  // Nothing beats a frontier point on both axes; every other point is beaten.
  std::vector<bool> on(r.points.size(), false);
  for (size_t i : r.frontier) on[i] = true;
  for (size_t i = 0; i < r.points.size(); ++i) {
    bool beaten = false;
    for (const PlanPoint& q : r.points) {
      beaten = beaten || (q.tokens_per_s_per_gpu >= r.points[i].tokens_per_s_per_gpu &&
                          q.tokens_per_s_per_user >= r.points[i].tokens_per_s_per_user &&
                          (q.tokens_per_s_per_gpu > r.points[i].tokens_per_s_per_gpu ||
                           q.tokens_per_s_per_user > r.points[i].tokens_per_s_per_user));
    }
    EXPECT_NE(on[i], beaten) << parallel::LayoutText(r.points[i].layout) << " batch " << r.points[i].batch;
  }
  // The best: the most tokens/s per GPU of the points within the limits.
  ASSERT_TRUE(r.best.has_value());
  for (const PlanPoint& q : r.points) {
    if (q.meets_limits) EXPECT_LE(q.tokens_per_s_per_gpu, r.points[*r.best].tokens_per_s_per_gpu);
  }
  EXPECT_GT(r.points[*r.best].memory_bytes, 0);
  // Threads change nothing.
  p.search.jobs = 2;
  const PlanResult r2 = p.Run("A100-80GB-SXM");
  ASSERT_EQ(r2.points.size(), r.points.size());
  EXPECT_EQ(r2.frontier, r.frontier);
  EXPECT_EQ(r2.best, r.best);
}

TEST(PlannerTest, EveryRejectedLayoutSaysWhy) {
  Searched p;
  p.model = model::LoadModel("meta-llama/Llama-2-70b-hf");
  p.search.gpus = 2;
  p.search.max_batch = 8;
  p.search.max_tpot_s = 1e-6;  // no layout is that fast
  p.search.scenario.profile = "flash";
  const PlanResult r = p.Run("h100");
  ASSERT_EQ(r.layouts.size(), 5u);  // tp=1, tp=2, pp=2, ep=2, dp=2
  EXPECT_FALSE(r.best.has_value());
  for (const LayoutVerdict& v : r.layouts) {
    EXPECT_NE(v.status, LayoutStatus::kOk) << parallel::LayoutText(v.layout);
    EXPECT_FALSE(v.reason.empty());
  }
  EXPECT_EQ(r.layouts[0].status, LayoutStatus::kDoesNotFit);
  // One GPU holds the whole model: 68,976,648,192 x 2 bytes of weights, the
  // cache of one 2,303-token sequence and the activations.
  analysis::Scenario one = p.search.scenario;
  one.batch_size = 1;
  const analysis::Footprint f = analysis::MemoryFootprint(
      analysis::BuildPlan(p.model, EmbeddedDb(), "flash"), one, analysis::RequestContextLen(2048, 256));
  EXPECT_EQ(f.weight_bytes, int64_t{68976648192} * 2);
  EXPECT_EQ(r.layouts[0].memory_bytes, f.total_bytes);
  char expected[128];
  std::snprintf(expected, sizeof expected, "needs %.2f GB per GPU at one sequence per replica; H100-SXM has 85.90 GB",
                static_cast<double>(f.total_bytes) / 1e9);
  EXPECT_EQ(r.layouts[0].reason, expected);
  for (const LayoutVerdict& v : r.layouts) {
    if (v.layout == parallel::Layout{1, 1, 2, 1}) {
      EXPECT_EQ(v.status, LayoutStatus::kInvalid);
      EXPECT_EQ(v.reason, "meta-llama/Llama-2-70b-hf has no routed experts to split; use ep=1 (dp replicates a dense "
                          "model)");
    }
    if (v.layout == parallel::Layout{2, 1, 1, 1}) {
      EXPECT_EQ(v.status, LayoutStatus::kMissesLimits);
      EXPECT_EQ(v.reason.rfind("at one sequence per replica TPOT is ", 0), 0u) << v.reason;
    }
  }
}

}  // namespace
}  // namespace lmp::request
