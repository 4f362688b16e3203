#include "agent/extract_json.h"

#include <gtest/gtest.h>

#include "agent/check_entry.h"

namespace lmp::agent {
namespace {

TEST(ExtractJsonTest, WholeFencedAndEmbedded) {
  EXPECT_EQ((*ExtractJsonObject(R"({"a": 1})", nullptr))["a"], 1);
  EXPECT_EQ((*ExtractJsonObject("Sure.\n```json\n{\"a\": 2}\n```\nDone.", nullptr))["a"], 2);
  // A brace inside a string does not end the object; prose braces are skipped.
  EXPECT_EQ((*ExtractJsonObject(R"(see {this}: {"a": "}", "b": 3} ok)", nullptr))["b"], 3);
}

TEST(ExtractJsonTest, NothingParses) {
  std::string why;
  EXPECT_FALSE(ExtractJsonObject("no json here", &why));
  EXPECT_NE(why.find("no JSON object"), std::string::npos);
  EXPECT_FALSE(ExtractJsonObject("{a: 1,}", &why));
  EXPECT_NE(why.find("parses as JSON"), std::string::npos);
}

TEST(ParseSubLayersTest, NamesAndClasses) {
  const auto s = ParseSubLayers("q_proj=torch.nn.Linear,act_fn,,o_proj=torch.nn.Linear");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].name, "q_proj");
  EXPECT_EQ(s[0].class_name, "torch.nn.Linear");
  EXPECT_EQ(s[1].name, "act_fn");
  EXPECT_EQ(s[1].class_name, "");
}

}  // namespace
}  // namespace lmp::agent
