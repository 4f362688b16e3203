#include "report/table.h"

#include <gtest/gtest.h>

namespace lmp::report {
namespace {

Table Sample() {
  Table t;
  t.columns = {{"operation", Align::kLeft, 0}, {"kind", Align::kLeft, 3}, {"FLOPs", Align::kRight, 0},
               {"bytes", Align::kRight, 4}, {"bound", Align::kLeft, 1}};
  t.rows = {{{"model.layers.mlp.up_proj"}, {"matmul"}, {"2.00 GFLOP"}, {"1.00 GB"}, {"memory", Tone::kMemory}},
            {{"lm_head"}, {"matmul"}, {"30 FLOP"}, {"0 B", Tone::kDim}, {"compute", Tone::kCompute}}};
  t.total = {{"total"}, {""}, {"2.00 GFLOP"}, {"1.00 GB"}, {""}};
  return t;
}

TEST(TableTest, PadsToTheWidestCellWithRules) {
  EXPECT_EQ(RenderTable(Sample(), TableStyle{}),
            "operation                 kind         FLOPs    bytes  bound\n"
            "--------------------------------------------------------------\n"
            "model.layers.mlp.up_proj  matmul  2.00 GFLOP  1.00 GB  memory\n"
            "lm_head                   matmul     30 FLOP      0 B  compute\n"
            "--------------------------------------------------------------\n"
            "total                             2.00 GFLOP  1.00 GB\n");
}

// Narrower than the table: columns go highest priority number first
// (bytes, then kind, then bound), then the first column is cut from the
// left.
TEST(TableTest, DropsColumnsThenCutsTheFirstToFitTheWidth) {
  EXPECT_EQ(RenderTable(Sample(), TableStyle{45, false}),
            "operation                      FLOPs  bound\n"
            "---------------------------------------------\n"
            "model.layers.mlp.up_proj  2.00 GFLOP  memory\n"
            "lm_head                      30 FLOP  compute\n"
            "---------------------------------------------\n"
            "total                     2.00 GFLOP\n");
  // 30: bound goes too, and 24 columns of names become 18.
  EXPECT_EQ(RenderTable(Sample(), TableStyle{30, false}),
            "operation                FLOPs\n"
            "------------------------------\n"
            "\u2026ayers.mlp.up_proj  2.00 GFLOP\n"
            "lm_head                30 FLOP\n"
            "------------------------------\n"
            "total               2.00 GFLOP\n");
}

TEST(TableTest, ColourOnlyWhenAsked) {
  const std::string plain = RenderTable(Sample(), TableStyle{});
  EXPECT_EQ(plain.find('\x1b'), std::string::npos);
  const std::string colour = RenderTable(Sample(), TableStyle{0, true});
  EXPECT_NE(colour.find("\x1b[36mmemory\x1b[0m"), std::string::npos);
  EXPECT_NE(colour.find("\x1b[33mcompute\x1b[0m"), std::string::npos);
  EXPECT_NE(colour.find("\x1b[1moperation\x1b[0m"), std::string::npos);
}

TEST(TableTest, Markdown) {
  Table t = Sample();
  t.rows[1][0].text = "a|b";
  EXPECT_EQ(RenderMarkdown(t),
            "| operation | kind | FLOPs | bytes | bound |\n"
            "|---|---|---:|---:|---|\n"
            "| model.layers.mlp.up_proj | matmul | 2.00 GFLOP | 1.00 GB | memory |\n"
            "| a\\|b | matmul | 30 FLOP | 0 B | compute |\n"
            "| **total** |  | **2.00 GFLOP** | **1.00 GB** |  |\n");
}

TEST(TableTest, WidthCountsCodePoints) {
  EXPECT_EQ(DisplayWidth("12.30 \u00b5s"), 8u);
  EXPECT_EQ(DisplayWidth("\u2026ab"), 3u);
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"x\""), "\"say \"\"x\"\"\"");
  EXPECT_EQ(CsvField("plain"), "plain");
}

}  // namespace
}  // namespace lmp::report
