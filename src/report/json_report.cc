#include "report/report.h"

#include <cmath>

namespace lmp::report {
namespace {

using analysis::Metrics;

Json Reads(const Metrics& m) {
  Json r = Json::object();
  r["weights"] = m[db::kReadsWeights];
  r["activations"] = m[db::kReadsActivations];
  r["kv_cache"] = m[db::kReadsKvCache];
  return r;
}

Json Writes(const Metrics& m) {
  Json w = Json::object();
  w["activations"] = m[db::kWritesActivations];
  w["kv_cache"] = m[db::kWritesKvCache];
  return w;
}

Json Figures(const Metrics& m) {
  Json j = Json::object();
  j["flops"] = m[db::kFlops];
  j["reads"] = Reads(m);
  j["writes"] = Writes(m);
  return j;
}

Json HardwareJson(const hardware::RooflineAnalysis& r) {
  const hardware::Device& d = r.device;
  Json peaks = Json::object();
  for (const auto& [kind, p] : r.peaks_by_kind) {
    peaks[kind] = {{"unit", p.unit}, {"precision", p.precision}, {"flops_per_s", p.flops_per_s}};
  }
  return Json{{"name", d.name},
              {"vendor", d.vendor},
              {"runtime", r.timing.runtime},
              {"dram_bytes", d.dram_bytes},
              {"dram_bandwidth_bytes_per_s", d.dram_bandwidth_bytes_per_s},
              {"peak_by_kind", std::move(peaks)}};
}

}  // namespace

Json AnalysisJson(const analysis::Plan& plan, const analysis::Analysis& a,
                  const hardware::RooflineAnalysis* roofline, const hardware::MemoryFit* memory,
                  const model::CheckpointComparison* checkpoint) {
  Json j = Json::object();
  j["schema"] = "lmp.analysis/1";
  j["model"] = {{"id", a.model_id}, {"parameters", a.parameters}};
  const analysis::Scenario& s = a.scenario;
  j["scenario"] = {{"batch_size", s.batch_size},
                   {"seq_len", s.prompt_len},
                   {"kv_len", analysis::InputsFor(s, analysis::Stage::kDecode).kv_len},
                   {"w_bits", s.w_bits},
                   {"a_bits", s.a_bits},
                   {"kv_bits", s.kv_bits},
                   {"w_group_size", s.w_group_size},
                   {"compute", s.compute},
                   {"profile", s.profile},
                   {"all_logits", s.all_logits}};
  // Only the flash profile depends on the SRAM, so only it reports it: the
  // fused output stays exactly what it was.
  if (s.profile == "flash") j["scenario"]["sram_bytes"] = analysis::SramBytes(s);
  if (roofline != nullptr) j["hardware"] = HardwareJson(*roofline);
  if (memory != nullptr) j["memory"] = MemoryJson(memory->footprint, memory->status);
  if (checkpoint != nullptr) j["checkpoint"] = CheckpointJson(*checkpoint);
  Json stages = Json::object();
  for (size_t si = 0; si < a.stages.size(); ++si) {
    const analysis::StageResult& st = a.stages[si];
    const hardware::RooflineStage* rs = roofline != nullptr ? &roofline->stages[si] : nullptr;
    Json sj = Json::object();
    sj["seq_len"] = st.inputs.seq_len;
    sj["kv_len"] = st.inputs.kv_len;
    sj["logits_len"] = st.inputs.logits_len;
    Json ops = Json::array();
    for (size_t i = 0; i < plan.ops.size(); ++i) {
      const analysis::PlanOp& op = plan.ops[i];
      Json oj = Json::object();
      oj["layer"] = op.layer;
      oj["op"] = op.op;
      oj["module"] = op.module;
      oj["kind"] = op.kind;
      oj["count"] = op.count;
      // Under a layout (docs/parallelism.md): the collective of a
      // communication operation, and the operations every GPU of the
      // tensor-parallel group runs whole.
      if (!op.collective.empty()) {
        oj["collective"] = op.collective;
        oj["group"] = op.group;
        oj["group_size"] = op.group_size;
      }
      if (op.replicated) oj["replicated"] = true;
      oj["flops"] = st.ops[i][db::kFlops];
      oj["reads"] = Reads(st.ops[i]);
      oj["writes"] = Writes(st.ops[i]);
      if (rs != nullptr) {
        const hardware::RooflineOp& r = rs->ops[i];
        oj["time_s"] = r.time_s;
        oj["bound"] = hardware::BoundName(r.bound);
        // JSON has no infinity: an operation that moves no bytes has null.
        oj["intensity"] = std::isinf(r.intensity_flops_per_byte) ? Json() : Json(r.intensity_flops_per_byte);
      }
      ops.push_back(std::move(oj));
    }
    sj["operations"] = std::move(ops);
    sj["totals"] = Figures(st.totals);
    if (rs != nullptr) {
      sj["totals"]["time_s"] = rs->time_s;
      sj["totals"]["step_overhead_s"] = rs->step_overhead_s;
      Json by_kind = Json::object();
      for (const auto& [kind, t] : rs->time_by_kind_s) by_kind[kind] = t;
      sj["totals"]["time_by_kind_s"] = std::move(by_kind);
    }
    stages[analysis::StageName(st.inputs.stage)] = std::move(sj);
  }
  j["stages"] = std::move(stages);
  return j;
}

namespace {

// One layer of lmp.inspect/2 and, for a composite, its sub-layers.
// plan.layers is depth first, parents before children, so the layers after
// `i` that are deeper than it are its descendants; `i` moves past them.
Json InspectLayer(const std::vector<analysis::PlanLayer>& layers, size_t& i) {
  const analysis::PlanLayer& l = layers[i++];
  Json p = Json::object();
  for (const auto& [k, v] : l.parameters) p[k] = v;
  Json lj = {{"path", l.path}, {"name", l.name}, {"class", l.module}};
  if (!l.alias.empty()) lj["alias"] = l.alias;
  lj["repeat"] = l.repeat;
  lj["count"] = l.count;
  lj["composite"] = l.composite;
  lj["parameters"] = std::move(p);
  if (l.params_const) lj["parameter_count"] = l.params;
  if (l.composite) {
    Json subs = Json::array();
    while (i < layers.size() && layers[i].depth > l.depth) subs.push_back(InspectLayer(layers, i));
    lj["sub_layers"] = std::move(subs);
  }
  return lj;
}

}  // namespace

Json InspectJson(const analysis::Plan& plan, int64_t parameters, const model::CheckpointComparison* checkpoint) {
  Json layers = Json::array();
  for (size_t i = 0; i < plan.layers.size();) layers.push_back(InspectLayer(plan.layers, i));
  Json j = {{"schema", "lmp.inspect/2"}, {"model", {{"id", plan.model_id}, {"parameters", parameters}}}};
  if (checkpoint != nullptr) j["checkpoint"] = CheckpointJson(*checkpoint);
  j["layers"] = std::move(layers);
  return j;
}

Json CheckpointJson(const model::CheckpointComparison& c) {
  return Json{{"format", "safetensors"},
              {"files_read", c.checkpoint.files_read},
              {"files_not_checked", c.checkpoint.files_missing},
              {"tensors", c.checkpoint.tensors},
              {"checkpoint_parameters", c.checkpoint.parameters},
              {"our_parameters", c.our_parameters},
              {"difference", c.difference},
              {"status", model::CheckpointStatusName(c.status)}};
}

Json ModuleEvalJson(const analysis::ModuleEvaluation& e) {
  Json ops = Json::array();
  for (size_t i = 0; i < e.ops.size(); ++i) {
    Json o = Figures(e.ops[i]);
    o["op"] = e.op_names[i];
    o["kind"] = e.op_kinds[i];
    ops.push_back(std::move(o));
  }
  return Json{{"module", e.module}, {"parameters", e.parameters}, {"operations", ops}, {"totals", Figures(e.totals)}};
}

}  // namespace lmp::report
