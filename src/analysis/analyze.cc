#include "analysis/analyze.h"

#include <stdexcept>

#include "util/error.h"

namespace lmp::analysis {
using formula::Value;

Evaluator::Evaluator(const Plan& plan) : plan_(plan), slots_(plan.program.num_slots) {}

void LoadInputs(const Scenario& s, const StageInputs& in, Value* slots) {
  slots[kBatchSize] = Value::Int(s.batch_size);
  slots[kSeqLen] = Value::Int(in.seq_len);
  slots[kKvLen] = Value::Int(in.kv_len);
  slots[kLogitsLen] = Value::Int(in.logits_len);
  slots[kWBits] = Value::Int(s.w_bits);
  slots[kABits] = Value::Int(s.a_bits);
  slots[kKvBits] = Value::Int(s.kv_bits);
  // Whole bytes stay integers; sub-byte sizes (4-bit: 0.5) become exact
  // binary fractions, so products with even element counts stay exact.
  auto bytes = [](int bits) { return bits % 8 == 0 ? Value::Int(bits / 8) : Value::Real(bits / 8.0); };
  slots[kWBytes] = bytes(s.w_bits);
  slots[kABytes] = bytes(s.a_bits);
  slots[kKvBytes] = bytes(s.kv_bits);
  // Integer 0 without groups keeps every weight figure an exact integer.
  const double scale_bytes = WeightScaleBytes(s);
  slots[kWScaleBytes] = scale_bytes == 0.0 ? Value::Int(0) : Value::Real(scale_bytes);
  slots[kSramBytes] = Value::Int(SramBytes(s));
}

void Evaluator::Run(const Scenario& s, Stage stage, StageResult* out) { Run(s, InputsFor(s, stage), out); }

void Evaluator::Run(const Scenario& s, const StageInputs& in, StageResult* out) {
  out->inputs = in;
  LoadInputs(s, out->inputs, slots_.data());
  RunPlanProgram(plan_, slots_.data());
  out->ops.resize(plan_.ops.size());
  out->totals.fill(0);
  for (size_t i = 0; i < plan_.ops.size(); ++i) {
    const PlanOp& op = plan_.ops[i];
    for (int k = 0; k < db::kNumMetrics; ++k) {
      int64_t v = 0;
      const formula::Status st = formula::ToCount(slots_[op.out_slot + k], &v);
      if (st != formula::Status::kOk || v < 0) {
        throw Error(plan_.model_file, op.pointer, op.layer + ": " + op.module + " op " + op.op + " " + db::MetricName(k) +
                                (st != formula::Status::kOk ? std::string(": ") + formula::StatusText(st)
                                                            : " is negative (" + std::to_string(v) + ")") +
                                "; check the module's formula and the layer's parameters");
      }
      out->ops[i][k] = v;
      int64_t scaled = 0;
      if (__builtin_mul_overflow(v, op.count, &scaled) ||
          __builtin_add_overflow(out->totals[k], scaled, &out->totals[k])) {
        throw Error("", "", std::string("total ") + db::MetricName(k) + " of the " + StageName(in.stage) +
                                " stage overflows 64 bits; use a smaller scenario");
      }
    }
  }
}

int64_t Evaluator::Parameters(const Scenario& s) {
  LoadInputs(s, InputsFor(s, Stage::kPrefill), slots_.data());
  bool need_run = false;
  for (const PlanLayer& l : plan_.layers) need_run = need_run || !l.params_const;
  if (need_run) RunPlanProgram(plan_, slots_.data());
  int64_t total = 0;
  for (const PlanLayer& l : plan_.layers) {
    int64_t v = l.params;
    if (!l.params_const && formula::ToCount(slots_[l.params_slot], &v) != formula::Status::kOk) {
      throw Error("", "", l.path + ": parameter count overflows 64 bits");
    }
    if (v < 0) throw Error("", "", l.path + ": parameter count is negative (" + std::to_string(v) + ")");
    int64_t scaled = 0;
    if (__builtin_mul_overflow(v, l.count, &scaled) || __builtin_add_overflow(total, scaled, &total)) {
      throw Error("", "", "parameter count overflows 64 bits");
    }
  }
  return total;
}

Analysis Analyze(const Plan& plan, const Scenario& s) {
  ValidateScenario(s);
  // The report names s.profile; a plan compiled for another one would be
  // mislabelled. A caller's bug, not bad input.
  if (plan.profile != s.profile) {
    throw std::invalid_argument("plan compiled for profile '" + plan.profile + "' analysed as '" + s.profile + "'");
  }
  Analysis a;
  a.model_id = plan.model_id;
  a.scenario = s;
  Evaluator ev(plan);
  a.parameters = ev.Parameters(s);
  for (Stage st : s.stages) {
    a.stages.emplace_back();
    ev.Run(s, st, &a.stages.back());
  }
  return a;
}

}  // namespace lmp::analysis
