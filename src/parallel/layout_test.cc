#include "parallel/layout.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace lmp::parallel {
namespace {

std::string ErrorOf(std::string_view text) {
  try {
    ParseLayout(text);
  } catch (const Error& e) {
    return e.Line();
  }
  return "(no error)";
}

TEST(LayoutTest, ParsesDegreesInAnyOrder) {
  const Layout l = ParseLayout("ep=8,tp=2,dp=3");
  EXPECT_EQ(l, (Layout{2, 1, 8, 3}));
  EXPECT_EQ(l.Gpus(), 48);
  EXPECT_EQ(LayoutText(l), "tp=2,ep=8,dp=3");
  EXPECT_EQ(LayoutText(Layout{}), "tp=1");
  EXPECT_TRUE(Layout{}.Trivial());
  EXPECT_FALSE(l.Trivial());
}

TEST(LayoutTest, BadTextIsOneLineNamingThePart) {
  EXPECT_EQ(ErrorOf("tp=8,xx=2"),
            "parallel: 'xx=2' is not a degree; write name=N with name tp, pp, ep or dp, e.g. tp=8,ep=8");
  EXPECT_EQ(ErrorOf("tp=0"), "parallel: 'tp=0': tp must be a positive integer of at most 1048576");
  EXPECT_EQ(ErrorOf("tp=2.5"), "parallel: 'tp=2.5': tp must be a positive integer of at most 1048576");
  EXPECT_EQ(ErrorOf("tp=-2"), "parallel: 'tp=-2': tp must be a positive integer of at most 1048576");
  EXPECT_EQ(ErrorOf("tp=2,tp=4"), "parallel: 'tp' is given twice; give it once");
  EXPECT_EQ(ErrorOf(""), "parallel: is empty; write degrees as tp=8,pp=2,ep=1,dp=1");
  EXPECT_EQ(ErrorOf("tp=8,"), "parallel: '' is not a degree; write name=N with name tp, pp, ep or dp, e.g. tp=8,ep=8");
  EXPECT_EQ(ErrorOf("tp=1024,pp=1024,dp=2"), "parallel: tp x pp x ep x dp is more than 1048576 GPUs; use smaller degrees");
}

TEST(LayoutTest, ValidateNamesTheDegree) {
  try {
    ValidateLayout(Layout{1, -3, 1, 1});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(), "pp: must be a positive integer of at most 1048576, got -3");
  }
}

// 80 layers over 3 stages: 27, 27, 26 (the first stages take the extra).
TEST(LayoutTest, StageLayersSplitEvenlyFrontFirst) {
  EXPECT_EQ(StageLayers(80, 3), (std::vector<int64_t>{27, 27, 26}));
  EXPECT_EQ(StageLayers(126, 2), (std::vector<int64_t>{63, 63}));
  EXPECT_EQ(StageLayers(5, 5), (std::vector<int64_t>{1, 1, 1, 1, 1}));
  try {
    StageLayers(4, 5);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(), "pp: asks for 5 pipeline stages but the model has 4 decoder layers; use at most 4");
  }
}

TEST(LayoutTest, BatchPerReplicaIsTheBusiestShare) {
  EXPECT_EQ((Layout{8, 1, 1, 1}).BatchPerReplica(5), 5);  // tp shares the batch
  EXPECT_EQ((Layout{1, 1, 4, 2}).BatchPerReplica(16), 2);
  EXPECT_EQ((Layout{1, 1, 8, 1}).BatchPerReplica(1), 1);  // seven replicas idle
  EXPECT_EQ((Layout{1, 1, 8, 1}).BatchPerReplica(9), 2);
}

}  // namespace
}  // namespace lmp::parallel
