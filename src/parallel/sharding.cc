#include "parallel/sharding.h"

#include <algorithm>

#include "formula/parser.h"
#include "util/embedded.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/schema.h"

namespace lmp::parallel {
namespace {

FormulaPtr ParseAt(const Json& v, const std::string& file, const std::string& pointer) {
  try {
    return formula::Parse(v.get<std::string>());
  } catch (const Error& e) {
    throw e.Located(file, pointer);
  }
}

std::vector<CommRule> ParseComm(const Json& list, const std::string& file, const std::string& ptr) {
  std::vector<CommRule> out;
  for (size_t i = 0; i < list.size(); ++i) {
    const Json& c = list[i];
    const std::string p = ptr + "/" + std::to_string(i);
    CommRule r;
    r.name = c["name"].get<std::string>();
    r.collective = c["collective"].get<std::string>();
    r.group = c["group"].get<std::string>();
    r.before = c.value("at", "after") == "before";
    r.bytes = ParseAt(c["bytes"], file, p + "/bytes");
    r.pointer = p;
    out.push_back(std::move(r));
  }
  return out;
}

LayerRule ParseLayerRule(const Json& j, const std::string& file, const std::string& ptr) {
  LayerRule r;
  if (j.contains("parameters")) {
    for (const auto& [name, f] : j["parameters"].items()) {
      const std::string p = ptr + "/parameters/" + PointerToken(name);
      r.parameters.emplace_back(name, ParseAt(f, file, p));
      r.parameter_pointers.push_back(p);
    }
  }
  if (j.contains("communication")) r.communication = ParseComm(j["communication"], file, ptr + "/communication");
  return r;
}

ClassRule ParseClass(const std::string& name, const Json& j, const std::string& file, const std::string& ptr) {
  ClassRule c;
  c.class_name = name;
  c.source = j["source"].get<std::string>();
  c.file = file;
  c.pointer = ptr;
  if (j.contains("requires")) {
    const Json& list = j["requires"];
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string p = ptr + "/requires/" + std::to_string(i);
      Requirement q;
      q.value = ParseAt(list[i]["value"], file, p + "/value");
      q.divisible_by = list[i]["divisible_by"].get<std::string>();
      q.or_divides = list[i].value("or_divides", false);
      q.what = list[i]["what"].get<std::string>();
      q.pointer = p;
      c.requirements.push_back(std::move(q));
    }
  }
  c.self = ParseLayerRule(j, file, ptr);
  if (j.contains("sub_layers")) {
    for (const auto& [child, rule] : j["sub_layers"].items()) {
      c.sub_layers.emplace_back(child, ParseLayerRule(rule, file, ptr + "/sub_layers/" + PointerToken(child)));
    }
  }
  if (j.contains("pipeline")) {
    const Json& p = j["pipeline"];
    const std::string pp = ptr + "/pipeline";
    c.pipeline.pointer = pp;
    if (p.contains("stacks")) c.pipeline.stacks = p["stacks"].get<std::vector<std::string>>();
    c.pipeline.interleaved = p.value("interleaved", false);
    c.pipeline.self_stage = p.value("self", "");
    if (p.contains("sub_layers")) {
      for (const auto& [child, stage] : p["sub_layers"].items()) {
        c.pipeline.sub_layer_stages.emplace_back(child, stage.get<std::string>());
      }
    }
    if (p.contains("send_bytes")) c.pipeline.send_bytes = ParseAt(p["send_bytes"], file, pp + "/send_bytes");
    if (!c.pipeline.stacks.empty() && !c.pipeline.send_bytes) {
      throw Error(file, pp, "a class with pipeline stacks needs \"send_bytes\": what one stage sends the next");
    }
  }
  return c;
}

}  // namespace

const LayerRule* ClassRule::SubLayer(std::string_view name) const {
  for (const auto& [child, rule] : sub_layers) {
    if (child == name) return &rule;
  }
  return nullptr;
}

std::string_view ClassRule::StageOf(std::string_view child) const {
  for (const auto& [name, stage] : pipeline.sub_layer_stages) {
    if (name == child) return stage;
  }
  return {};
}

bool ClassRule::IsStack(std::string_view child) const {
  return std::find(pipeline.stacks.begin(), pipeline.stacks.end(), child) != pipeline.stacks.end();
}

ShardingRules ShardingRules::Embedded() {
  ShardingRules r;
  for (const EmbeddedFile& f : EmbeddedFilesUnder("parallel/")) r.AddText(f.text, "<embedded>/" + std::string(f.path));
  return r;
}

void ShardingRules::AddFile(const std::string& path) { AddText(ReadFile(path), path); }

void ShardingRules::AddText(std::string_view text, const std::string& file) {
  const Json doc = ParseJson(text, file);
  ValidateAgainstSchema(doc, "schema/sharding.schema.json", file, "docs/parallelism.md");
  for (const auto& [name, j] : doc["classes"].items()) {
    ClassRule c = ParseClass(name, j, file, "/classes/" + PointerToken(name));
    auto same = std::find_if(classes_.begin(), classes_.end(),
                             [&](const ClassRule& e) { return e.class_name == c.class_name; });
    if (same != classes_.end()) {
      *same = std::move(c);
    } else {
      classes_.push_back(std::move(c));
    }
  }
}

const ClassRule* ShardingRules::Find(std::string_view full_class_name) const {
  for (const ClassRule& c : classes_) {
    if (c.class_name == full_class_name) return &c;
  }
  return nullptr;
}

}  // namespace lmp::parallel
