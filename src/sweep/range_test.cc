#include "sweep/range.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace lmp::sweep {
namespace {

using V = std::vector<int64_t>;

std::string ErrorOf(const std::string& text) {
  try {
    ParseIntList(text, "--prompt");
  } catch (const Error& e) {
    return e.Line();
  }
  return "no error";
}

TEST(RangeTest, ListsAndRanges) {
  EXPECT_EQ(ParseIntList("1,8,64", "--batch"), (V{1, 8, 64}));
  EXPECT_EQ(ParseIntList("128:8192:x2", "--prompt"), (V{128, 256, 512, 1024, 2048, 4096, 8192}));
  EXPECT_EQ(ParseIntList("1:64:+8", "--batch"), (V{1, 9, 17, 25, 33, 41, 49, 57}));
  EXPECT_EQ(ParseIntList("1:25:+8", "--batch"), (V{1, 9, 17, 25}));  // stop hit exactly
  EXPECT_EQ(ParseIntList("3:3:x2", "--batch"), (V{3}));
  EXPECT_EQ(ParseIntList("100:1000:x3,7", "--batch"), (V{100, 300, 900, 7}));
  EXPECT_EQ(ParseIntList("4611686018427387904:9223372036854775807:x2", "--batch"), (V{4611686018427387904}));
}

TEST(RangeTest, ExactErrors) {
  EXPECT_EQ(ErrorOf("1.5"), "--prompt: '1.5' is not an integer");
  EXPECT_EQ(ErrorOf("0"), "--prompt: must be a positive integer, got 0");
  EXPECT_EQ(ErrorOf("1,,2"), "--prompt: empty item in '1,,2'");
  EXPECT_EQ(ErrorOf("128:64:x2"), "--prompt: stop 64 is below start 128 in '128:64:x2'");
  EXPECT_EQ(ErrorOf("1:64:*2"), "--prompt: bad step '*2' in '1:64:*2'; write xFACTOR (e.g. x2) or +STEP (e.g. +8)");
  EXPECT_EQ(ErrorOf("1:64:x0"), "--prompt: factor must be a positive integer, got 0 in '1:64:x0'");
  EXPECT_EQ(ErrorOf("1:64:x1"), "--prompt: factor must be at least 2, got x1 in '1:64:x1'");
  EXPECT_EQ(ErrorOf("1:64:+0"), "--prompt: step must be a positive integer, got 0 in '1:64:+0'");
  EXPECT_EQ(ErrorOf("1:64:x2.5"), "--prompt: factor '2.5' in '1:64:x2.5' is not an integer");
  EXPECT_EQ(ErrorOf("a:64:x2"), "--prompt: start 'a' in 'a:64:x2' is not an integer");
  EXPECT_EQ(ErrorOf("1:64"),
            "--prompt: bad range '1:64'; write START:STOP:xFACTOR (e.g. 128:8192:x2) or START:STOP:+STEP (e.g. "
            "1:64:+8)");
  EXPECT_EQ(ErrorOf("1:2000000:+1"), "--prompt: '1:2000000:+1' gives more than 1000000 values; use a coarser step");
  EXPECT_EQ(ErrorOf("99999999999999999999"), "--prompt: '99999999999999999999' is not an integer");
}

TEST(RangeTest, Names) {
  EXPECT_EQ(ParseNameList("fused,flash", "--profile"), (std::vector<std::string>{"fused", "flash"}));
  try {
    ParseNameList("a,", "--model");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(), "--model: empty item in 'a,'");
  }
}

}  // namespace
}  // namespace lmp::sweep
