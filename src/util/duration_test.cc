#include "util/duration.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace lmp {
namespace {

TEST(DurationTest, UnitsAndBareSeconds) {
  EXPECT_DOUBLE_EQ(ParseDuration("50ms", "--max-tpot"), 0.05);
  EXPECT_DOUBLE_EQ(ParseDuration("2s", "--max-tpot"), 2.0);
  EXPECT_DOUBLE_EQ(ParseDuration("800us", "--max-tpot"), 800e-6);
  EXPECT_DOUBLE_EQ(ParseDuration("0.05", "--max-tpot"), 0.05);
}

TEST(DurationTest, AnythingElseNamesTheOption) {
  for (const char* bad : {"", "ms", "fast", "-1s", "0", "1e999", "nan", "5 ms", "5min", "1e400ms"}) {
    try {
      ParseDuration(bad, "--max-ttft");
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.Line(), "--max-ttft: '" + std::string(bad) +
                              "' is not a positive duration; write e.g. 50ms, 2s or 0.05 (seconds)");
    }
  }
}

}  // namespace
}  // namespace lmp
