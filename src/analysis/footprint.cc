#include "analysis/footprint.h"

#include <algorithm>

#include "analysis/analyze.h"
#include "util/error.h"

namespace lmp::analysis {
namespace {

__extension__ typedef unsigned __int128 Uint128;

int64_t Add(int64_t a, int64_t b, const char* what) {
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) {
    throw Error("", "", std::string("memory footprint: ") + what + " overflows 64 bits; use a smaller scenario");
  }
  return r;
}

// parameters x (w_bits / 8 + WeightScaleBytes(s)), rounded up, in exact
// integer arithmetic: with groups of g the bytes per weight are
// (w_bits x g + 16 + w_bits) / (8 g), the same sum WeightScaleBytes gives as
// a double.
int64_t WeightBytes(int64_t parameters, const Scenario& s) {
  const Uint128 g = s.w_group_size > 0 ? static_cast<Uint128>(s.w_group_size) : 1;
  const Uint128 num_per_weight = static_cast<Uint128>(s.w_bits) * g + (s.w_group_size > 0 ? 16 + s.w_bits : 0);
  const Uint128 den = 8 * g;
  const Uint128 bytes = (static_cast<Uint128>(parameters) * num_per_weight + den - 1) / den;
  if (bytes > static_cast<Uint128>(INT64_MAX)) {
    throw Error("", "", "memory footprint: weight bytes overflow 64 bits");
  }
  return static_cast<int64_t>(bytes);
}

}  // namespace

int64_t RequestContextLen(int64_t prompt_len, int64_t gen_len) {
  if (gen_len < 1) throw Error::Option("gen", "must be a positive integer, got " + std::to_string(gen_len));
  if (prompt_len < 1) throw Error::Option("prompt", "must be a positive integer, got " + std::to_string(prompt_len));
  int64_t c = 0;
  if (__builtin_add_overflow(prompt_len, gen_len - 1, &c)) {
    throw Error::Option("gen", "prompt plus generated tokens overflow 64 bits");
  }
  return c;
}

int64_t ScenarioContextLen(const Scenario& s) {
  return std::max(s.prompt_len, InputsFor(s, Stage::kDecode).kv_len);
}

Footprint MemoryFootprint(const Plan& plan, const Scenario& s, int64_t context_len) {
  ValidateScenario(s);
  if (context_len < 1) {
    throw Error("", "context_len", "must be a positive integer, got " + std::to_string(context_len));
  }
  Evaluator ev(plan);
  Footprint f;
  f.context_len = context_len;
  f.parameters = ev.Parameters(s);
  f.weight_bytes = WeightBytes(f.parameters, s);

  StageResult prefill, decode;
  ev.Run(s, Stage::kPrefill, &prefill);
  ev.Run(s, StageInputs{Stage::kDecode, 1, context_len, 1}, &decode);
  for (size_t i = 0; i < plan.ops.size(); ++i) {
    if (plan.ops[i].kv_cache_reread) continue;
    int64_t scaled = 0;
    if (__builtin_mul_overflow(decode.ops[i][db::kReadsKvCache], plan.ops[i].count, &scaled)) {
      throw Error(plan.model_file, plan.ops[i].pointer, "memory footprint: the KV cache overflows 64 bits");
    }
    f.kv_cache_bytes = Add(f.kv_cache_bytes, scaled, "the KV cache");
  }

  // Ties go to the first operation met, prefill before decode.
  for (const StageResult* st : {&prefill, &decode}) {
    for (size_t i = 0; i < plan.ops.size(); ++i) {
      const int64_t live =
          Add(st->ops[i][db::kReadsActivations], st->ops[i][db::kWritesActivations], "an operation's activations");
      if (live > f.activation_bytes) {
        f.activation_bytes = live;
        f.activation_stage = st->inputs.stage;
        f.activation_op = plan.ops[i].layer + "." + plan.ops[i].op;
      }
    }
  }
  f.total_bytes = Add(Add(f.weight_bytes, f.kv_cache_bytes, "the total"), f.activation_bytes, "the total");
  return f;
}

int64_t MaxPositionEmbeddings(const model::Model& model) {
  const auto it = model.config.find("max_position_embeddings");
  if (it == model.config.end() || !it->is_number_integer()) return 0;
  return std::max<int64_t>(it->get<int64_t>(), 0);
}

}  // namespace lmp::analysis
