#include "report/report.h"

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

}  // namespace

Json AnalysisJson(const analysis::Plan& plan, const analysis::Analysis& a) {
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
                   {"profile", s.profile},
                   {"all_logits", s.all_logits}};
  Json stages = Json::object();
  for (const analysis::StageResult& st : a.stages) {
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
      oj["flops"] = st.ops[i][db::kFlops];
      oj["reads"] = Reads(st.ops[i]);
      oj["writes"] = Writes(st.ops[i]);
      ops.push_back(std::move(oj));
    }
    sj["operations"] = std::move(ops);
    sj["totals"] = Figures(st.totals);
    stages[analysis::StageName(st.inputs.stage)] = std::move(sj);
  }
  j["stages"] = std::move(stages);
  return j;
}

Json InspectJson(const analysis::Plan& plan, int64_t parameters) {
  Json layers = Json::array();
  for (const analysis::PlanLayer& l : plan.layers) {
    Json p = Json::object();
    for (const auto& [k, v] : l.parameters) p[k] = v;
    Json lj = {{"path", l.path},   {"name", l.name},           {"class", l.module},
               {"depth", l.depth}, {"repeat", l.repeat},       {"count", l.count},
               {"composite", l.composite}, {"parameters", p}};
    if (l.params_const) lj["parameter_count"] = l.params;
    layers.push_back(std::move(lj));
  }
  return Json{{"schema", "lmp.inspect/1"},
              {"model", {{"id", plan.model_id}, {"parameters", parameters}}},
              {"layers", std::move(layers)}};
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
