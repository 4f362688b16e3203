#include "util/error.h"

#include <gtest/gtest.h>

namespace lmp {
namespace {

std::string Flag(std::string_view field) {
  std::string f = "--" + std::string(field);
  for (char& c : f) c = c == '_' ? '-' : c;
  return f;
}

TEST(ErrorTest, AnOptionErrorNamesItsField) {
  const Error e =
      Error::Option("w_group_size", "applies to quantized weights only; add " + Opt("w_bits") + " below 16");
  EXPECT_EQ(e.option(), "w_group_size");
  EXPECT_EQ(e.where(), "w_group_size");
  EXPECT_EQ(e.message(), "applies to quantized weights only; add w_bits below 16");
  EXPECT_EQ(e.Line(), "w_group_size: applies to quantized weights only; add w_bits below 16");
  EXPECT_EQ(e.Line(Flag), "--w-group-size: applies to quantized weights only; add --w-bits below 16");
}

TEST(ErrorTest, APlaceThatIsNoOptionHasNoField) {
  const Error e("x.json", "/a/b", "bad; see " + Opt("db"));
  EXPECT_EQ(e.option(), "");
  EXPECT_EQ(e.Line(Flag), "x.json: /a/b: bad; see --db");
  // Two references in one place are not one option.
  EXPECT_EQ(Error("", Opt("w_bits") + "/" + Opt("a_bits"), "m").option(), "");
}

TEST(ErrorTest, LocatingKeepsTheReferences) {
  const Error e = Error::Option("batch", "must be positive; lower " + Opt("seq")).Located("m.json", "/layers/0");
  EXPECT_EQ(e.Line(Flag), "m.json: /layers/0, --batch: must be positive; lower --seq");
  EXPECT_EQ(Error::Option("gen", "x").WithMessagePrefix(Opt("a") + ": ").Line(Flag), "--gen: --a: x");
}

// Text from the user may hold the marker bytes; an unmatched one is kept.
TEST(ErrorTest, UnmatchedMarkersAreLeftAlone) {
  EXPECT_EQ(RenderOptions("a\x01"
                          "b",
                          Flag),
            "a\x01"
            "b");
  EXPECT_EQ(RenderOptions("\x02x", Flag), "\x02x");
}

}  // namespace
}  // namespace lmp
