#include "model/builder.h"

#include <algorithm>

#include "formula/parser.h"
#include "model/config_reader.h"
#include "model/deepseek_builder.h"
#include "model/gemma_builder.h"
#include "model/gpt_builder.h"
#include "model/llama_builder.h"
#include "model/moe_builder.h"
#include "model/phi3_builder.h"
#include "util/error.h"
#include "util/suggest.h"

namespace lmp::model {
namespace {

// One entry per builder file: the model_type values it handles and the
// function that builds them. A new family is one more row.
struct FamilyBuilder {
  std::vector<std::string_view> (*model_types)();
  std::vector<Layer> (*build)(std::string_view model_type, const ConfigReader& config);
};

constexpr FamilyBuilder kBuilders[] = {
    {LlamaLikeModelTypes, BuildLlamaLike},
    {GptLikeModelTypes, BuildGptLike},
    {GemmaModelTypes, BuildGemma},
    {Phi3ModelTypes, BuildPhi3},
    {MoeModelTypes, BuildMoe},
    {DeepseekModelTypes, BuildDeepseek},
};

const FamilyBuilder* BuilderFor(std::string_view model_type) {
  for (const FamilyBuilder& b : kBuilders) {
    for (std::string_view t : b.model_types()) {
      if (t == model_type) return &b;
    }
  }
  return nullptr;
}

}  // namespace

bool IsHfConfig(const Json& doc) { return doc.is_object() && doc.contains("model_type") && !doc.contains("layers"); }

std::vector<std::string> SupportedModelTypes() {
  std::vector<std::string> out;
  for (const FamilyBuilder& b : kBuilders) {
    for (std::string_view t : b.model_types()) out.emplace_back(t);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Model BuildFromConfig(const Json& config, const std::string& file, const std::string& id) {
  const ConfigReader c(config, file);
  const std::string type = c.OptionalString("model_type", "");
  const FamilyBuilder* builder = BuilderFor(type);
  if (builder == nullptr) {
    const std::vector<std::string> types = SupportedModelTypes();
    std::string list;
    for (const std::string& t : types) list += (list.empty() ? "" : ", ") + t;
    throw c.At("model_type", "no builder for model_type '" + type + "'" + DidYouMean(type, types) +
                                 " (supported: " + list +
                                 "); write an architecture JSON for this model (docs/architecture.md) and pass its path");
  }
  Model m;
  m.id = id;
  m.file = file;
  m.description = type + " config.json, built by the " + type + " builder";
  m.config = config;
  m.numeric_config = NumericConfig(config);
  m.layers = builder->build(type, c);
  AssignPointers(m.layers);
  return m;
}

Layer MakeLayer(std::string name, std::string class_name,
                const std::vector<std::pair<std::string, std::string>>& parameters,
                std::optional<std::vector<Layer>> sub_layers, const std::string& repeat) {
  Layer l;
  l.name = std::move(name);
  l.class_name = std::move(class_name);
  if (!repeat.empty()) l.repeat = formula::Parse(repeat);
  for (const auto& [k, v] : parameters) l.parameters.emplace_back(k, formula::Parse(v));
  if (sub_layers) {
    l.composite = true;
    l.sub_layers = std::move(*sub_layers);
  }
  return l;
}

std::vector<std::pair<std::string, std::string>> AttentionParameters(bool windowed, const std::string& heads,
                                                                     const std::string& kv_heads,
                                                                     const std::string& head_dim) {
  return {{"batch_size", "{batch_size}"},
          {"seq_len", "{seq_len}"},
          {"kv_len", windowed ? "min({kv_len}, {sliding_window})" : "{kv_len}"},
          {"num_heads", heads},
          {"num_kv_heads", kv_heads},
          {"head_dim", head_dim}};
}

std::string KvCacheSkipRows() { return "{batch_size} * max(0, {seq_len} - {sliding_window})"; }

void RequireWholeHeads(const ConfigReader& c, int64_t hidden, int64_t heads, const std::string& heads_key,
                       bool head_dim_key) {
  if (head_dim_key && c.Has("head_dim")) return;
  if (hidden % heads != 0) {
    throw c.At(heads_key, "the hidden size " + std::to_string(hidden) + " is not a multiple of " +
                              std::to_string(heads) + " heads" + (head_dim_key ? "; give head_dim" : ""));
  }
}

void RequireSilu(const ConfigReader& c, const std::string& family) {
  if (const std::string act = c.OptionalString("hidden_act", "silu"); act != "silu") {
    throw c.At("hidden_act", "the " + family + " builder models hidden_act \"silu\" only, got \"" + act +
                                 "\"; write an architecture JSON (docs/architecture.md)");
  }
}

std::vector<Layer> CausalLmRoot(const std::string& cls, std::vector<Layer> model_subs, bool tied) {
  std::vector<std::pair<std::string, std::string>> head = {
      {"N", "{batch_size} * {logits_len}"}, {"in_features", "{hidden_size}"}, {"out_features", "{vocab_size}"}};
  if (tied) head.emplace_back("tied_weight", "1");
  std::vector<Layer> root_subs;
  root_subs.push_back(MakeLayer("model", cls + "Model", {}, std::move(model_subs)));
  root_subs.push_back(MakeLayer("lm_head", "torch.nn.modules.linear.Linear", head));
  std::vector<Layer> out;
  out.push_back(MakeLayer("", cls + "ForCausalLM", {}, std::move(root_subs)));
  return out;
}

void AssignPointers(std::vector<Layer>& layers, const std::string& prefix) {
  for (size_t i = 0; i < layers.size(); ++i) {
    layers[i].pointer = prefix + "/" + std::to_string(i);
    AssignPointers(layers[i].sub_layers, layers[i].pointer + "/sub_layers");
  }
}

}  // namespace lmp::model
