#include "db/module_db.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace lmp::db {
namespace {

// The first line of the error a database text raises (after checking).
std::string LoadError(const std::string& text) {
  try {
    ModuleDb db = ModuleDb::Embedded();
    db.AddText(text, "test.json");
    db.Check();
  } catch (const Error& e) {
    return e.Line();
  }
  return "no error";
}

std::string Entry(const std::string& key, const std::string& cls, const std::string& params,
                  const std::string& flops) {
  return "\"" + key + "\": {\"full_class_name\": \"" + cls + "\", \"parameters\": [" + params +
         "], \"parameter_count\": 0, \"operations\": [{\"name\": \"op\", \"kind\": \"elementwise\", \"flops\": \"" +
         flops + "\"}]}";
}

std::string Db(const std::string& entries) {
  return "{\"schema\": \"lmp.module-db/1\", \"modules\": {" + entries + "}}";
}

const char* kN = R"({"name": "n", "description": "elements"})";

TEST(ModuleDbTest, EmbeddedDatabaseLoadsAndChecks) {
  const ModuleDb db = ModuleDb::Embedded();
  EXPECT_GE(db.modules().size(), 11u);
  EXPECT_EQ(db.Get("torch.nn.modules.linear.Linear").key, "torch_Linear");
}

TEST(ModuleDbTest, LookupByFullNameAliasKeyAndShortName) {
  const ModuleDb db = ModuleDb::Embedded();
  const Module* linear = &db.Get("torch.nn.modules.linear.Linear");
  EXPECT_EQ(&db.Get("torch.nn.Linear"), linear);
  EXPECT_EQ(&db.Get("torch_Linear"), linear);
  EXPECT_EQ(&db.Get("Linear"), linear);
  EXPECT_EQ(db.Get("LlamaRMSNorm").full_class_name, "transformers.models.llama.modeling_llama.LlamaRMSNorm");
}

TEST(ModuleDbTest, AmbiguousShortNameListsCandidates) {
  ModuleDb db = ModuleDb::Embedded();
  db.AddText(Db(Entry("other_Linear", "other.lib.Linear", kN, "{n}")), "test.json");
  db.Check();
  try {
    db.Get("Linear");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(),
              "module name 'Linear' is ambiguous: torch.nn.modules.linear.Linear, other.lib.Linear; use the full "
              "class name");
  }
}

TEST(ModuleDbTest, UnknownModuleSuggests) {
  const ModuleDb db = ModuleDb::Embedded();
  try {
    db.Get("LlamaRMSNrom");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(),
              "unknown module 'LlamaRMSNrom' (did you mean 'LlamaRMSNorm'?); list modules with 'lmp module list', "
              "or add one with db FILE");
  }
}

TEST(ModuleDbTest, LaterFilesOverrideEarlierEntries) {
  ModuleDb db = ModuleDb::Embedded();
  const size_t before = db.modules().size();
  db.AddText(Db(Entry("torch_SiLU", "torch.nn.modules.activation.SiLU", kN, "7 * {n}")), "mine.json");
  db.Check();
  EXPECT_EQ(db.modules().size(), before);
  EXPECT_EQ(db.Get("SiLU").file, "mine.json");
  EXPECT_EQ(db.Get("SiLU").operations[0].metrics[kFlops]->text, "7 * {n}");
}

TEST(ModuleDbTest, BrokenJsonNamesLineAndColumn) {
  EXPECT_EQ(LoadError("{\"schema\": \"lmp.module-db/1\",\n  \"modules\": {,}}"),
            "test.json: 2:15: invalid JSON: syntax error while parsing object key - unexpected ','; expected string "
            "literal; fix the syntax at this place");
}

TEST(ModuleDbTest, SchemaViolationNamesThePointer) {
  EXPECT_EQ(LoadError(Db(R"("a_B": {"full_class_name": "a.B", "parameters": [], "parameter_count": 0,
      "operations": [{"name": "x", "kind": "elementwize", "flops": 1}]})")),
            "test.json: /modules/a_B/operations/0/kind: does not match the schema (schema/module-db.schema.json): "
            "failed to match against any enum values; see docs/module-db.md");
}

TEST(ModuleDbTest, FormulaTypoIsRejectedAtLoadWithColumn) {
  EXPECT_EQ(LoadError(Db(Entry("a_B", "a.B", kN, "2 * {m}"))),
            "test.json: /modules/a_B/operations/0/flops, col 5: unknown parameter {m} (did you mean {n}?); declare "
            "it in \"parameters\" or fix the name");
  EXPECT_EQ(LoadError(Db(Entry("a_B", "a.B", kN, "2 * ({n} + 1"))),
            "test.json: /modules/a_B/operations/0/flops, col 5: unclosed '('");
}

TEST(ModuleDbTest, CallChecks) {
  EXPECT_EQ(LoadError(Db(Entry("a_B", "a.B", kN, "${torch.nn.Linaer}(N = {n})"))),
            "test.json: /modules/a_B/operations/0/flops, col 1: unknown module ${torch.nn.Linaer} (did you mean "
            "'torch.nn.Linear'?); add it, or fix the name");
  EXPECT_EQ(LoadError(Db(Entry("a_B", "a.B", kN, "${torch.nn.Linear}(N = {n}, in_features = 4)"))),
            "test.json: /modules/a_B/operations/0/flops, col 1: call to torch.nn.modules.linear.Linear lacks "
            "argument(s): out_features");
  EXPECT_EQ(LoadError(Db(Entry("a_B", "a.B", kN, "${torch.nn.Linear}(N = {n}, in_features = 4, out_features = 4, "
                                                 "biass = 1)"))),
            "test.json: /modules/a_B/operations/0/flops, col 72: torch.nn.modules.linear.Linear has no parameter "
            "'biass' (did you mean 'bias'?)");
}

TEST(ModuleDbTest, DuplicateAndSurplusArguments) {
  EXPECT_EQ(LoadError(Db(Entry("a_B", "a.B", kN, "${torch.nn.Linear}(N = {n}, N = 1, in_features = 4, out_features = 4)"))),
            "test.json: /modules/a_B/operations/0/flops, col 33: argument 'N' is given twice");
  EXPECT_EQ(LoadError(Db(Entry("a_B", "a.B", kN, "${torch.nn.SiLU}(1, 2)"))),
            "test.json: /modules/a_B/operations/0/flops, col 21: too many arguments: "
            "torch.nn.modules.activation.SiLU takes 1");
}

TEST(ModuleDbTest, CallCycleIsRejected) {
  EXPECT_EQ(LoadError(Db(Entry("m_A", "m.A", kN, "${m.B}(n = {n})") + "," +
                         Entry("m_B", "m.B", kN, "1 + ${m.A}(n = {n})"))),
            "test.json: /modules/m_B/operations/0/flops, col 5: module call cycle: m.A -> m.B -> m.A; a module can't "
            "call itself");
  EXPECT_EQ(LoadError(Db(Entry("m_A", "m.A", kN, "${m.A}(n = {n})"))),
            "test.json: /modules/m_A/operations/0/flops, col 1: module call cycle: m.A -> m.A; a module can't call "
            "itself");
}

TEST(ModuleDbTest, DefaultsMayUseOnlyEarlierParameters) {
  EXPECT_EQ(LoadError(Db(Entry("a_B", "a.B", R"({"name": "x", "description": "d", "default": "{y} * 2"},
                                                {"name": "y", "description": "d"})", "{x}"))),
            "test.json: /modules/a_B/parameters/0/default, col 1: a default may only use parameters declared before "
            "it; move {y} earlier");
  EXPECT_EQ(LoadError(Db(Entry("a_B", "a.B", R"({"name": "y", "description": "d"},
                                                {"name": "x", "description": "d", "default": "{y} * 2"})", "{x}"))),
            "no error");
}

TEST(ModuleDbTest, DuplicateNamesAreRejected) {
  EXPECT_EQ(LoadError(Db(Entry("a_B", "a.B", std::string(kN) + "," + kN, "{n}"))),
            "test.json: /modules/a_B/parameters/1/name: parameter 'n' is declared twice; remove one");
}

}  // namespace
}  // namespace lmp::db

namespace lmp::db {
namespace {

// Embedded data is checked against its schema by the build (lmp_datacheck),
// so the run-time load may trust it; a user's file is always checked. A
// document the schema rejects (an unknown top-level key) but the loader can
// read shows the difference.
TEST(ModuleDbTest, SchemaCheckIsSkippedOnlyWhenTrusted) {
  const std::string text =
      R"({"schema": "lmp.module-db/1", "extra": 1, "modules": {"x_Id": {"full_class_name": "x.Id", )"
      R"("parameters": [], "parameter_count": 0, "operations": []}}})";
  ModuleDb checked;
  try {
    checked.AddText(text, "user.json");
    FAIL() << "the schema check was skipped";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), "user.json");
    EXPECT_EQ(e.where(), "/");
  }
  ModuleDb trusted;
  trusted.AddText(text, "<embedded>/x.json", SchemaCheck::kTrustEmbedded);
  EXPECT_NE(trusted.Find("x.Id").module, nullptr);
  // The embedded database is the same either way.
  EXPECT_EQ(ModuleDb::Embedded().modules().size(), ModuleDb::Embedded(SchemaCheck::kCheck).modules().size());
}

}  // namespace
}  // namespace lmp::db
