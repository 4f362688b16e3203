// The sharding rules file (--sharding-file): the embedded rules load, a user
// file layers over them, and every fault in one is a one-line error naming
// the file and the JSON pointer.

#include "parallel/sharding.h"

#include <gtest/gtest.h>

#include "analysis/testing.h"
#include "model/model.h"
#include "request/deployment.h"
#include "util/error.h"

namespace lmp::parallel {
namespace {

using analysis::testing::EmbeddedDb;

constexpr const char* kLlamaMlp = "transformers.models.llama.modeling_llama.LlamaMLP";

std::string Doc(const std::string& cls) {
  return R"({"schema": "lmp.sharding/1", "classes": {")" + std::string(kLlamaMlp) + R"(": )" + cls + "}}";
}

// The error of loading `text` over the embedded rules, then (when it loads)
// of sharding Llama-3.2-1B at tp=2.
std::string ErrorOf(const std::string& text) {
  try {
    ShardingRules r = ShardingRules::Embedded();
    r.AddText(text, "rules.json");
    request::BuildStagePlans(model::LoadModel("meta-llama/Llama-3.2-1B"), EmbeddedDb(), "fused", r, Layout{2, 1, 1, 1});
  } catch (const Error& e) {
    return e.Line();
  }
  return "(no error)";
}

TEST(ShardingTest, EmbeddedRulesCoverTheCatalogsAttention) {
  const ShardingRules r = ShardingRules::Embedded();
  for (const char* cls : {"transformers.models.llama.modeling_llama.LlamaAttention",
                          "transformers.models.deepseek_v3.modeling_deepseek_v3.DeepseekV3Attention",
                          "transformers.models.gpt2.modeling_gpt2.GPT2Attention", kLlamaMlp}) {
    const ClassRule* c = r.Find(cls);
    ASSERT_NE(c, nullptr) << cls;
    EXPECT_FALSE(c->source.empty()) << cls;
  }
  EXPECT_EQ(r.Find("torch.nn.modules.linear.Linear"), nullptr);  // a child's rule lives with its parent
}

// A user file replaces a class's rule: an MLP left unsharded keeps its whole
// intermediate size on every GPU.
TEST(ShardingTest, AUserFileReplacesAClass) {
  ShardingRules r = ShardingRules::Embedded();
  r.AddText(Doc(R"({"source": "test: MLP replicated"})"), "rules.json");
  const model::Model m = model::LoadModel("meta-llama/Llama-3.2-1B");
  const std::vector<analysis::Plan> stages =
      request::BuildStagePlans(m, EmbeddedDb(), "fused", r, Layout{2, 1, 1, 1});
  for (const analysis::PlanOp& op : stages[0].ops) {
    if (op.layer == "model.layers.mlp.down_proj") EXPECT_EQ(op.collective, "") << op.op;  // no all-reduce left
    if (op.layer == "model.layers.mlp.gate_proj") EXPECT_TRUE(op.replicated);
  }
}

TEST(ShardingTest, FaultsInARulesFileAreOneLine) {
  EXPECT_EQ(ErrorOf("{"), "rules.json: 1:2: invalid JSON: syntax error while parsing object key - unexpected "
                          "end of input; expected string literal; fix the syntax at this place");
  EXPECT_EQ(ErrorOf(Doc(R"({"source": "x", "parameters": {"intermediate_size": 7}})")),
            "rules.json: /classes/transformers.models.llama.modeling_llama.LlamaMLP/parameters/intermediate_size: "
            "does not match the schema (schema/sharding.schema.json): value type not permitted by 'type' "
            "constraint; see docs/parallelism.md");
  const std::string typo = ErrorOf(Doc(R"({"source": "x", "parameters": {"intermediate_size": "{intermediate_size} / "}})"));
  EXPECT_EQ(typo.substr(0, 109),
            "rules.json: /classes/transformers.models.llama.modeling_llama.LlamaMLP/parameters/intermediate_size, col 23: ")
      << typo;
  EXPECT_EQ(ErrorOf(Doc(R"({"source": "x", "parameters": {"hidden": "{hidden} / {tp}"}})")),
            "rules.json: /classes/transformers.models.llama.modeling_llama.LlamaMLP/parameters/hidden: "
            "transformers.models.llama.modeling_llama.LlamaMLP (layer 'model.layers.mlp') has no parameter 'hidden'");
  EXPECT_EQ(ErrorOf(Doc(R"({"source": "x", "parameters": {"intermediate_size": "{intermediate_size} / 3"}})")),
            "rules.json: /classes/transformers.models.llama.modeling_llama.LlamaMLP/parameters/intermediate_size: "
            "gives 2730.6666666666665 for parameter intermediate_size of layer 'model.layers.mlp' under tp=2, not a "
            "whole number; fix the rule");
  EXPECT_EQ(ErrorOf(Doc(R"({"source": "x", "requires": [{"value": "{num_tokens}", "divisible_by": "tp", "what": "tokens"}]})")),
            "rules.json: /classes/transformers.models.llama.modeling_llama.LlamaMLP/requires/0/value: must be a "
            "positive integer over config values for layer 'model.layers.mlp', got a scenario-dependent value");
  EXPECT_EQ(ErrorOf(Doc(R"({"source": "x", "pipeline": {"stacks": ["layers"]}})")),
            "rules.json: /classes/transformers.models.llama.modeling_llama.LlamaMLP/pipeline: a class with pipeline "
            "stacks needs \"send_bytes\": what one stage sends the next");
}

}  // namespace
}  // namespace lmp::parallel
