#include "agent/check_entry.h"

#include <gtest/gtest.h>

namespace lmp::agent {
namespace {

EntryCheckContext Context() {
  EntryCheckContext ctx;
  ctx.class_name = "my.nn.Block";
  ctx.db_file = "/nonexistent/lmp-check-entry-test.json";
  return ctx;
}

// Found by agent_answer_fuzz: a non-string class name inside a one-entry
// document escaped as a JSON type error instead of a fault to fix.
TEST(CheckAgentAnswer, NonStringClassNameInsideModulesIsAFault) {
  CheckedEntry out;
  const auto faults = CheckAgentAnswer(Json::parse(R"({"modules": {"my_Block": {"full_class_name": 7}}})"), Context(), &out);
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults[0], "\"full_class_name\" of 'my_Block' must be a string");
}

TEST(CheckAgentAnswer, NonStringClassNameAtTopIsAFault) {
  CheckedEntry out;
  const auto faults = CheckAgentAnswer(Json::parse(R"({"full_class_name": [1]})"), Context(), &out);
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults[0], "\"full_class_name\" must be a string");
}

TEST(CheckAgentAnswer, MissingClassNameIsAMismatch) {
  CheckedEntry out;
  const auto faults = CheckAgentAnswer(Json::parse(R"({"my_Block": {"parameters": []}})"), Context(), &out);
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults[0],
            "the entry is for '', but the class asked for is 'my.nn.Block'; set \"full_class_name\" to the class's "
            "full Python path");
}

}  // namespace
}  // namespace lmp::agent
