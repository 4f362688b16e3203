#include "report/op_rows.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "analysis/testing.h"
#include "hardware/roofline.h"
#include "model/model.h"

namespace lmp::report {
namespace {

struct Fixture {
  analysis::Plan plan =
      analysis::BuildPlan(model::LoadModel("Llama-2-7b-hf"), analysis::testing::EmbeddedDb(), "fused");
  analysis::Analysis a = analysis::Analyze(plan, analysis::Scenario{});
  hardware::Catalog catalog = hardware::Catalog::Embedded();
  hardware::RooflineAnalysis roof = hardware::RooflineAll(plan, a, catalog.Get("H100-SXM"));
};

// However the rows are grouped, they add up to the stage totals.
TEST(OpRowsTest, GroupsSumToTheStageTotals) {
  const Fixture f;
  for (const GroupBy by : {GroupBy::kOp, GroupBy::kLayer, GroupBy::kKind}) {
    for (size_t si = 0; si < f.a.stages.size(); ++si) {
      const auto rows = StageRows(f.plan, f.a.stages[si], &f.roof.stages[si], by);
      analysis::Metrics sum{};
      double time_s = 0;
      for (const OpRow& r : rows) {
        for (int k = 0; k < db::kNumMetrics; ++k) sum[k] += r.metrics[k];
        time_s += r.time_s;
      }
      EXPECT_EQ(sum, f.a.stages[si].totals);
      EXPECT_NEAR(time_s, f.roof.stages[si].time_s, f.roof.stages[si].time_s * 1e-12);
    }
  }
  // 23 operations; 5 kinds (gather, elementwise, norm, matmul, softmax).
  EXPECT_EQ(StageRows(f.plan, f.a.stages[0], nullptr, GroupBy::kOp).size(), 23u);
  EXPECT_EQ(StageRows(f.plan, f.a.stages[0], nullptr, GroupBy::kKind).size(), 5u);
  // self_attn's own operations form one layer row of mixed kinds: rope_q,
  // rope_k, qk_matmul, softmax, sv_matmul, each x32.
  const auto layers = StageRows(f.plan, f.a.stages[0], &f.roof.stages[0], GroupBy::kLayer);
  const auto attn = std::find_if(layers.begin(), layers.end(),
                                 [](const OpRow& r) { return r.name == "model.layers.self_attn"; });
  ASSERT_NE(attn, layers.end());
  EXPECT_EQ(attn->kind, "mixed");
  EXPECT_EQ(attn->count, 5 * 32);
}

// Decode at batch 1 is memory-bound throughout: the three MLP projections
// (2.89 GB of weights each over 32 layers) lead; gate_proj first, ties in
// plan order.
TEST(OpRowsTest, KeepTopSortsByTime) {
  const Fixture f;
  auto rows = StageRows(f.plan, f.a.stages[1], &f.roof.stages[1], GroupBy::kOp);
  KeepTop(&rows, 3);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].name, "model.layers.mlp.gate_proj.linear");
  EXPECT_EQ(rows[1].name, "model.layers.mlp.up_proj.linear");
  EXPECT_EQ(rows[2].name, "model.layers.mlp.down_proj.linear");
  EXPECT_EQ(rows[0].bound, "memory");
  // Without times, by FLOPs: prefill's MLP projections (5.91 TFLOP each).
  auto flops = StageRows(f.plan, f.a.stages[0], nullptr, GroupBy::kOp);
  KeepTop(&flops, 1);
  EXPECT_EQ(flops[0].name, "model.layers.mlp.gate_proj.linear");
  EXPECT_EQ(flops[0].metrics[db::kFlops], 32LL * 2 * 2048 * 4096 * 11008);
  EXPECT_FALSE(flops[0].has_time);
}

TEST(OpRowsTest, ParseGroupBy) {
  EXPECT_EQ(ParseGroupBy("layer"), GroupBy::kLayer);
  EXPECT_EQ(ParseGroupBy("kind"), GroupBy::kKind);
  EXPECT_EQ(ParseGroupBy("op"), GroupBy::kOp);
  EXPECT_FALSE(ParseGroupBy("module").has_value());
}

}  // namespace
}  // namespace lmp::report
