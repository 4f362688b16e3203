#include <algorithm>

#include <fmt/format.h>

#include "report/report.h"

namespace lmp::report {
namespace {

using analysis::Metrics;

int64_t Reads(const Metrics& m) { return m[db::kReadsWeights] + m[db::kReadsActivations] + m[db::kReadsKvCache]; }
int64_t Writes(const Metrics& m) { return m[db::kWritesActivations] + m[db::kWritesKvCache]; }

// Columns of text, left-aligned first column, right-aligned figures.
std::string Render(const std::vector<std::vector<std::string>>& rows, size_t rule_before_last) {
  std::vector<size_t> width;
  for (const auto& r : rows) {
    width.resize(std::max(width.size(), r.size()));
    for (size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
  }
  std::string out;
  size_t total_width = 0;
  for (size_t w : width) total_width += w + 2;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i == 1 || (rule_before_last && i + 1 == rows.size())) out += std::string(total_width - 2, '-') + "\n";
    std::string line;
    for (size_t c = 0; c < rows[i].size(); ++c) {
      const std::string& cell = rows[i][c];
      const std::string pad(width[c] - cell.size(), ' ');
      line += (c < 2 ? cell + pad : pad + cell);
      if (c + 1 < rows[i].size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

// RFC 4180: a field with a comma, quote or newline is quoted, quotes doubled.
std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string AnalysisTable(const analysis::Plan& plan, const analysis::Analysis& a,
                          const hardware::RooflineAnalysis* roofline, const hardware::MemoryFit* memory,
                          const model::CheckpointComparison* checkpoint) {
  const analysis::Scenario& s = a.scenario;
  std::string out = fmt::format("{}  ({} parameters)\nbatch {}, prompt {}, W{}A{}KV{}{}{}, profile {}\n", a.model_id,
                                Grouped(a.parameters), s.batch_size, s.prompt_len, s.w_bits, s.a_bits, s.kv_bits,
                                s.w_group_size > 0 ? fmt::format(" g{}", s.w_group_size) : "",
                                s.compute != "auto" ? ", compute " + s.compute : "", s.profile);
  // The SRAM sizes only the flash profile's tiles; other profiles leave the
  // header as it always was.
  if (s.profile == "flash") {
    out += fmt::format("attention tiles sized for {} bytes of SRAM per block\n", Grouped(analysis::SramBytes(s)));
  }
  if (roofline != nullptr) {
    const hardware::Device& d = roofline->device;
    out += fmt::format("hardware {}: DRAM {}/s", d.name, Human(d.dram_bandwidth_bytes_per_s, "B"));
    for (const auto& [kind, p] : roofline->peaks_by_kind) {
      out += fmt::format("; {} on {} {} {}/s", kind, p.unit, p.precision, Human(p.flops_per_s, "FLOP"));
    }
    out += "\n";
  }
  for (size_t si = 0; si < a.stages.size(); ++si) {
    const analysis::StageResult& st = a.stages[si];
    const hardware::RooflineStage* rs = roofline != nullptr ? &roofline->stages[si] : nullptr;
    out += fmt::format("\n{}: seq_len {}, kv_len {}\n", analysis::StageName(st.inputs.stage), st.inputs.seq_len,
                       st.inputs.kv_len);
    std::vector<std::vector<std::string>> rows = {
        {"operation", "kind", "count", "FLOPs", "weights rd", "act rd", "kv rd", "act wr", "kv wr"}};
    if (rs != nullptr) rows[0].insert(rows[0].end(), {"FLOP/B", "time", "bound"});
    for (size_t i = 0; i < plan.ops.size(); ++i) {
      const analysis::PlanOp& op = plan.ops[i];
      const Metrics& m = st.ops[i];
      const double n = static_cast<double>(op.count);
      rows.push_back({op.layer + "." + op.op, op.kind, std::to_string(op.count), Human(n * m[db::kFlops], "FLOP"),
                      Human(n * m[db::kReadsWeights], "B"), Human(n * m[db::kReadsActivations], "B"),
                      Human(n * m[db::kReadsKvCache], "B"), Human(n * m[db::kWritesActivations], "B"),
                      Human(n * m[db::kWritesKvCache], "B")});
      if (rs != nullptr) {
        const hardware::RooflineOp& r = rs->ops[i];
        rows.back().insert(rows.back().end(), {fmt::format("{:.1f}", r.intensity_flops_per_byte),
                                               HumanTime(n * r.time_s), hardware::BoundName(r.bound)});
      }
    }
    const Metrics& t = st.totals;
    rows.push_back({"total", "", "", Human(static_cast<double>(t[db::kFlops]), "FLOP"),
                    Human(static_cast<double>(t[db::kReadsWeights]), "B"),
                    Human(static_cast<double>(t[db::kReadsActivations]), "B"),
                    Human(static_cast<double>(t[db::kReadsKvCache]), "B"),
                    Human(static_cast<double>(t[db::kWritesActivations]), "B"),
                    Human(static_cast<double>(t[db::kWritesKvCache]), "B")});
    if (rs != nullptr) rows.back().insert(rows.back().end(), {"", HumanTime(rs->time_s)});
    out += Render(rows, 1);
    out += fmt::format("exact: {} FLOPs, {} bytes read, {} bytes written\n", Grouped(t[db::kFlops]),
                       Grouped(Reads(t)), Grouped(Writes(t)));
    if (rs != nullptr) {
      out += fmt::format("roofline time: {} ({:.6g} s)", HumanTime(rs->time_s), rs->time_s);
      const char* sep = "; ";
      for (const auto& [kind, sec] : rs->time_by_kind_s) {
        out += fmt::format("{}{} {}", sep, kind, HumanTime(sec));
        sep = ", ";
      }
      out += "\n";
    }
  }
  if (memory != nullptr) {
    out += "\n" + MemoryText(*memory, roofline != nullptr ? roofline->device.name : std::string("the device"));
  }
  if (checkpoint != nullptr) out += "\n" + CheckpointText(*checkpoint);
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
  std::vector<std::vector<std::string>> rows = {
      {"op", "kind", "flops", "reads.weights", "reads.activations", "reads.kv_cache", "writes.activations",
       "writes.kv_cache"}};
  auto row = [](const std::string& name, const std::string& kind, const Metrics& m) {
    std::vector<std::string> r = {name, kind};
    for (int64_t v : m) r.push_back(Grouped(v));
    return r;
  };
  for (size_t i = 0; i < e.ops.size(); ++i) rows.push_back(row(e.op_names[i], e.op_kinds[i], e.ops[i]));
  rows.push_back(row("total", "", e.totals));
  return out + Render(rows, 1);
}

}  // namespace lmp::report
