#include "sweep/frontier.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace lmp::sweep {
namespace {

Row R(uint32_t model, double e2e_s, double tokens_per_s, bool fits = true) {
  Row r;
  r.model = model;
  r.e2e_s = e2e_s;
  r.tokens_per_s = tokens_per_s;
  r.fits = fits;
  return r;
}

TEST(FrontierTest, Where) {
  EXPECT_EQ(ParseWhere(""), Where::kAll);
  EXPECT_TRUE(Keeps(ParseWhere("fits"), R(0, 1, 1, true)));
  EXPECT_FALSE(Keeps(ParseWhere("fits"), R(0, 1, 1, false)));
  EXPECT_TRUE(Keeps(ParseWhere("!fits"), R(0, 1, 1, false)));
  EXPECT_FALSE(Keeps(ParseWhere("!fits"), R(0, 1, 1, true)));
  try {
    ParseWhere("fit");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(), "where: unknown condition 'fit'; use fits or !fits");
  }
}

TEST(FrontierTest, ParetoPerModel) {
  const std::vector<Row> rows = {
      R(0, 1.0, 100),  // 0: fastest: kept
      R(0, 2.0, 300),  // 1: kept
      R(0, 2.0, 200),  // 2: as slow as 1, less throughput: dropped
      R(0, 3.0, 300),  // 3: slower than 1, same throughput: dropped
      R(0, 4.0, 500),  // 4: kept
      R(0, 0.5, 50),   // 5: fastest of all: kept
      R(0, 4.0, 500),  // 6: equal to 4 in both: kept with it
      R(1, 9.0, 10),   // 7: another model's only row: kept whatever model 0 has
      R(0, 5.0, 400),  // 8: dropped by 4
  };
  EXPECT_EQ(ParetoFrontier(rows), (std::vector<size_t>{0, 1, 4, 5, 6, 7}));
  EXPECT_TRUE(ParetoFrontier({}).empty());
}

}  // namespace
}  // namespace lmp::sweep
