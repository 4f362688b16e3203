#include "agent/request.h"

#include "db/module_db.h"
#include "util/embedded.h"

namespace lmp::agent {
namespace {

Json EntrySchema() {
  for (const EmbeddedFile& f : EmbeddedFiles()) {
    if (f.path == "schema/module-db.schema.json") return Json::parse(f.text);
  }
  return Json::object();
}

Json Examples(bool composite) {
  static const db::ModuleDb db = db::ModuleDb::Embedded();
  Json out = Json::object();
  const char* basic[] = {"torch.nn.modules.linear.Linear", "torch.nn.modules.activation.SiLU"};
  for (const char* name : basic) {
    const db::Module& m = db.Get(name);
    out[m.key] = m.source;
  }
  if (composite) {
    const db::Module& m = db.Get("transformers.models.llama.modeling_llama.LlamaMLP");
    out[m.key] = m.source;
  }
  return out;
}

const char* kConventions[] = {
    "A multiply and an add are two FLOPs: a matmul [M,K]x[K,N] costs 2*M*N*K.",
    "Elementwise ops count FLOPs per element: add, multiply, compare 1; SiLU 4; GELU 5; exp 1; a softmax 5 per "
    "element (max, subtract, exp, sum, divide); normalisations count each arithmetic step per element.",
    "Bytes are counted per kernel: each operation reads its inputs from memory and writes its outputs to memory, so "
    "an intermediate costs a write and a later read.",
    "Element sizes are never parameters: use {w_bytes} for weights, {a_bytes} for activations, {kv_bytes} for the "
    "KV cache (they may be fractional, e.g. 0.5 for 4-bit). Reads of learned weights go to reads.weights; inputs and "
    "outputs to activations; cache traffic to kv_cache.",
    "Each formula is for ONE execution of the operation in ONE instance of the module; the caller multiplies by "
    "repeats. Modules do not see batch_size or seq_len: declare the sizes you need (e.g. N = rows, tokens times "
    "batch) as parameters with descriptions.",
    "parameter_count counts the learned parameters the module owns directly (not its sub-layers').",
};

std::string Instructions(const RequestInput& in) {
  std::string s =
      "You are writing one entry of the LM-Predictor module database (lmp.module-db/1) for the PyTorch module class " +
      in.class_name +
      ". The entry gives formulas for the FLOPs and bytes of every atomic operation its forward() runs, and a "
      "formula for its parameter count. Formulas are strings over declared parameters written {name}, the element "
      "sizes {w_bytes} {a_bytes} {kv_bytes}, numbers, + - * / // % ^ ( ), min max ceil floor ceil_div, and calls "
      "${other.module.Class}(name = value, ...) that give another module's same figure. Follow \"conventions\". The "
      "field \"schema\" is the JSON Schema of a whole database file; your entry is one value of its \"modules\" "
      "object. \"examples\" are real entries. ";
  if (in.sub_layers.empty()) {
    s += "This module is BASIC: its operations are all of its work. ";
  } else {
    s += "This module is COMPOSITE: its sub-layers (\"composite.sub_layers\") count their own work. List ONLY the "
         "operations that run between the sub-layers' calls (residual adds, score matmuls, softmax, RoPE, "
         "act(gate)*up products); do not name an operation after a sub-layer and do not call a sub-layer's class. "
         "Set parameter_count to the parameters the module owns directly (often 0). ";
  }
  s += "Answer with ONE JSON object and nothing else: {\"library_ClassName\": {entry}}, where the key is the "
       "library (first component of the class path) and the class name joined by '_'. lmp checks the schema, every "
       "formula, and evaluates it with every required parameter at " +
       std::to_string(kSampleSmall) + " and " + std::to_string(kSampleLarge) +
       ": figures must be non-negative and must not shrink as sizes grow.";
  if (!in.errors.empty()) {
    s += " This is repair round " + std::to_string(in.round) + " of " + std::to_string(in.max_rounds) +
         ": your previous answer (\"previous_answer\") was rejected for the reasons in \"errors\". Fix them and "
         "answer again with the whole entry.";
  }
  return s;
}

}  // namespace

Json BuildRequest(const RequestInput& in) {
  Json r = Json::object();
  r["protocol"] = "lmp.agent-request/1";
  r["instructions"] = Instructions(in);
  r["class"] = in.class_name;
  r["round"] = in.round;
  r["max_rounds"] = in.max_rounds;
  r["source"] = {{"file", in.source.file}, {"text", in.source.text}};
  if (in.sub_layers.empty()) {
    r["composite"] = nullptr;
  } else {
    Json subs = Json::array();
    for (const SubLayer& s : in.sub_layers) subs.push_back({{"name", s.name}, {"class", s.class_name}});
    r["composite"] = {{"sub_layers", subs},
                      {"rule", "count only the operations that run between the sub-layers' calls"}};
  }
  r["conventions"] = Json::array();
  for (const char* c : kConventions) r["conventions"].push_back(c);
  r["examples"] = Examples(!in.sub_layers.empty());
  r["schema"] = EntrySchema();
  if (!in.errors.empty()) {
    r["previous_answer"] = in.previous_answer;
    r["errors"] = in.errors;
  }
  return r;
}

}  // namespace lmp::agent
