#include <algorithm>

#include <fmt/format.h>

#include "report/report.h"
#include "report/table.h"

namespace lmp::report {
namespace {

using analysis::Metrics;

int64_t Reads(const Metrics& m) { return m[db::kReadsWeights] + m[db::kReadsActivations] + m[db::kReadsKvCache]; }
int64_t Writes(const Metrics& m) { return m[db::kWritesActivations] + m[db::kWritesKvCache]; }

// The lines above the tables: model, scenario, SRAM (flash only) and the
// device's ceilings. `bullet` prefixes each line (Markdown list items).
std::string AnalysisHeader(const analysis::Analysis& a, const hardware::RooflineAnalysis* roofline,
                           const std::string& bullet) {
  const analysis::Scenario& s = a.scenario;
  std::string out = fmt::format("{}{}  ({} parameters)\n{}batch {}, prompt {}, W{}A{}KV{}{}{}, profile {}\n", bullet,
                                a.model_id, Grouped(a.parameters), bullet, s.batch_size, s.prompt_len, s.w_bits,
                                s.a_bits, s.kv_bits, s.w_group_size > 0 ? fmt::format(" g{}", s.w_group_size) : "",
                                s.compute != "auto" ? ", compute " + s.compute : "", s.profile);
  // The SRAM sizes only the flash profile's tiles; other profiles leave the
  // header as it always was.
  if (s.profile == "flash") {
    out += fmt::format("{}attention tiles sized for {} bytes of SRAM per block\n", bullet,
                       Grouped(analysis::SramBytes(s)));
  }
  if (roofline != nullptr) {
    const hardware::Device& d = roofline->device;
    out += fmt::format("{}hardware {} (runtime {}): DRAM {}/s", bullet, d.name, roofline->timing.runtime,
                       Human(d.dram_bandwidth_bytes_per_s, "B"));
    for (const auto& [kind, p] : roofline->peaks_by_kind) {
      out += fmt::format("; {} on {} {} {}/s", kind, p.unit, p.precision, Human(p.flops_per_s, "FLOP"));
    }
    out += "\n";
  }
  return out;
}

// Under each stage's table: exact totals, the roofline time and its split by kind.
std::string StageFooter(const analysis::StageResult& st, const hardware::RooflineStage* rs, const std::string& bullet) {
  const Metrics& t = st.totals;
  std::string out = fmt::format("{}exact: {} FLOPs, {} bytes read, {} bytes written\n", bullet, Grouped(t[db::kFlops]),
                                Grouped(Reads(t)), Grouped(Writes(t)));
  if (rs != nullptr) {
    out += fmt::format("{}roofline time: {} ({:.6g} s)", bullet, HumanTime(rs->time_s), rs->time_s);
    const char* sep = "; ";
    for (const auto& [kind, sec] : rs->time_by_kind_s) {
      out += fmt::format("{}{} {}", sep, kind, HumanTime(sec));
      sep = ", ";
    }
    out += "\n";
  }
  return out;
}

}  // namespace

std::string AnalysisTable(const analysis::Plan& plan, const analysis::Analysis& a,
                          const hardware::RooflineAnalysis* roofline, const hardware::MemoryFit* memory,
                          const model::CheckpointComparison* checkpoint, const TableOptions& options) {
  std::string out = AnalysisHeader(a, roofline, "");
  for (size_t si = 0; si < a.stages.size(); ++si) {
    const analysis::StageResult& st = a.stages[si];
    const hardware::RooflineStage* rs = roofline != nullptr ? &roofline->stages[si] : nullptr;
    out += fmt::format("\n{}: seq_len {}, kv_len {}\n", analysis::StageName(st.inputs.stage), st.inputs.seq_len,
                       st.inputs.kv_len);
    if (const std::string note = TopNote(plan, st, rs != nullptr, options); !note.empty()) out += "(" + note + ")\n";
    out += RenderTable(StageTable(plan, st, rs, options), options.style);
    out += StageFooter(st, rs, "");
  }
  if (memory != nullptr) {
    out += "\n" + MemoryText(*memory, roofline != nullptr ? roofline->device.name : std::string("the device"));
  }
  if (checkpoint != nullptr) out += "\n" + CheckpointText(*checkpoint);
  return out;
}

std::string AnalysisMarkdown(const analysis::Plan& plan, const analysis::Analysis& a,
                             const hardware::RooflineAnalysis* roofline, const hardware::MemoryFit* memory,
                             const TableOptions& options) {
  std::string out = "## " + a.model_id + "\n\n" + AnalysisHeader(a, roofline, "- ");
  for (size_t si = 0; si < a.stages.size(); ++si) {
    const analysis::StageResult& st = a.stages[si];
    const hardware::RooflineStage* rs = roofline != nullptr ? &roofline->stages[si] : nullptr;
    out += fmt::format("\n### {} (seq_len {}, kv_len {})\n\n", analysis::StageName(st.inputs.stage),
                       st.inputs.seq_len, st.inputs.kv_len);
    if (const std::string note = TopNote(plan, st, rs != nullptr, options); !note.empty()) out += note + ".\n\n";
    out += RenderMarkdown(StageTable(plan, st, rs, options));
    out += "\n" + StageFooter(st, rs, "- ");
  }
  if (memory != nullptr) {
    out += "\n### memory\n\n";
    const std::string text = MemoryText(*memory, roofline != nullptr ? roofline->device.name : std::string("the device"));
    size_t pos = 0;
    while (pos < text.size()) {
      const size_t nl = text.find('\n', pos);
      const std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
      if (!line.empty()) out += "- " + line + "\n";
      pos = nl == std::string::npos ? text.size() : nl + 1;
    }
  }
  return out;
}

std::string AnalysisCsv(const analysis::Plan& plan, const analysis::Analysis& a,
                        const hardware::RooflineAnalysis* roofline) {
  std::string out =
      "stage,layer,op,module,kind,count,flops,reads_weights,reads_activations,reads_kv_cache,"
      "writes_activations,writes_kv_cache";
  out += roofline != nullptr ? ",time_s,bound,intensity\n" : "\n";
  for (size_t si = 0; si < a.stages.size(); ++si) {
    const analysis::StageResult& st = a.stages[si];
    for (size_t i = 0; i < plan.ops.size(); ++i) {
      const analysis::PlanOp& op = plan.ops[i];
      const Metrics& m = st.ops[i];
      out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}", analysis::StageName(st.inputs.stage),
                         CsvField(op.layer), CsvField(op.op), CsvField(op.module), CsvField(op.kind), op.count, m[0],
                         m[1], m[2], m[3], m[4], m[5]);
      if (roofline != nullptr) {
        const hardware::RooflineOp& r = roofline->stages[si].ops[i];
        out += fmt::format(",{},{},{}", r.time_s, hardware::BoundName(r.bound), r.intensity_flops_per_byte);
      }
      out += "\n";
    }
  }
  return out;
}

std::string CheckpointText(const model::CheckpointComparison& c) {
  const model::CheckpointSummary& k = c.checkpoint;
  std::string out = fmt::format("checkpoint (safetensors headers): {} file{} read, {} tensors\n", k.files_read.size(),
                                k.files_read.size() == 1 ? "" : "s", k.tensors);
  if (!k.files_missing.empty()) {
    std::string names;
    for (const std::string& f : k.files_missing) names += (names.empty() ? "" : ", ") + f;
    out += fmt::format("  not checked (not found locally): {}\n", names);
  }
  std::string why;
  if (c.status == model::CheckpointStatus::kPartial) why = "  (the checkpoint figure counts only the files read)";
  if (c.status == model::CheckpointStatus::kMismatch) why = "  (known causes: docs/models.md)";
  const std::vector<std::vector<std::string>> rows = {
      {"checkpoint parameters", Grouped(k.parameters)},
      {"ours", Grouped(c.our_parameters)},
      {"difference", Grouped(c.difference), std::string(model::CheckpointStatusName(c.status)) + why}};
  size_t width = 0;
  for (const auto& r : rows) width = std::max(width, r[1].size());
  for (const auto& r : rows) {
    out += fmt::format("  {:<21}  {:>{}}", r[0], r[1], width);
    if (r.size() > 2) out += "  " + r[2];
    out += "\n";
  }
  return out;
}

std::string InspectText(const analysis::Plan& plan, int64_t parameters,
                        const model::CheckpointComparison* checkpoint) {
  std::string out = fmt::format("{}  ({} parameters)\n", plan.model_id, Grouped(parameters));
  for (const analysis::PlanLayer& l : plan.layers) {
    const std::string indent(2 * l.depth, ' ');
    out += fmt::format("{}{} : {}", indent, l.name.empty() ? "(root)" : l.name, l.alias.empty() ? l.module : l.alias);
    if (!l.alias.empty()) out += fmt::format("  (counted as {})", l.module);
    if (l.repeat > 1) out += fmt::format("  x{}", l.repeat);
    if (l.params_const && l.params > 0) out += fmt::format("  [{} params each]", Grouped(l.params));
    out += "\n";
    for (const auto& [k, v] : l.parameters) out += fmt::format("{}    {} = {}\n", indent, k, v);
  }
  if (checkpoint != nullptr) out += "\n" + CheckpointText(*checkpoint);
  return out;
}

std::string ModuleEvalText(const analysis::ModuleEvaluation& e) {
  std::string out = fmt::format("{}  (parameters: {})\n", e.module, Grouped(e.parameters));
  Table t;
  t.columns = {{"op", Align::kLeft},        {"kind", Align::kLeft},          {"flops"},
               {"reads.weights"},           {"reads.activations"},           {"reads.kv_cache"},
               {"writes.activations"},      {"writes.kv_cache"}};
  auto row = [](const std::string& name, const std::string& kind, const Metrics& m) {
    std::vector<Cell> r = {{name}, {kind}};
    for (int64_t v : m) r.push_back({Grouped(v)});
    return r;
  };
  for (size_t i = 0; i < e.ops.size(); ++i) t.rows.push_back(row(e.op_names[i], e.op_kinds[i], e.ops[i]));
  t.total = row("total", "", e.totals);
  return out + RenderTable(t, TableStyle{});
}

}  // namespace lmp::report
