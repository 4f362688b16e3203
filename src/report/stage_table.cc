#include "report/stage_table.h"

#include <cmath>

#include <fmt/format.h>

#include "report/report.h"

namespace lmp::report {

Table StageTable(const analysis::Plan& plan, const analysis::StageResult& stage,
                 const hardware::RooflineStage* roofline, const TableOptions& options) {
  std::vector<OpRow> rows = StageRows(plan, stage, roofline, options.by);
  if (options.top > 0) KeepTop(&rows, options.top);
  const char* first = options.by == GroupBy::kOp ? "operation" : options.by == GroupBy::kLayer ? "layer" : "kind";
  Table t;
  t.columns = {{first, Align::kLeft, 0},       {"kind", Align::kLeft, 3},   {"count", Align::kRight, 2},
               {"FLOPs", Align::kRight, 0},     {"weights rd", Align::kRight, 4}, {"act rd", Align::kRight, 4},
               {"kv rd", Align::kRight, 4},     {"act wr", Align::kRight, 4},     {"kv wr", Align::kRight, 4}};
  if (roofline != nullptr) {
    t.columns.insert(t.columns.end(), {{"FLOP/B", Align::kRight, 3},
                                       {"time", Align::kRight, 0},
                                       {"share", Align::kRight, 2},
                                       {"bound", Align::kLeft, 1}});
  }
  auto bytes = [](int64_t v) { return Cell{Human(static_cast<double>(v), "B"), v == 0 ? Tone::kDim : Tone::kPlain}; };
  for (const OpRow& r : rows) {
    std::vector<Cell> cells = {{r.name},
                               {options.by == GroupBy::kKind ? "" : r.kind},
                               {std::to_string(r.count)},
                               {Human(static_cast<double>(r.metrics[db::kFlops]), "FLOP")},
                               bytes(r.metrics[db::kReadsWeights]),
                               bytes(r.metrics[db::kReadsActivations]),
                               bytes(r.metrics[db::kReadsKvCache]),
                               bytes(r.metrics[db::kWritesActivations]),
                               bytes(r.metrics[db::kWritesKvCache])};
    if (roofline != nullptr) {
      const double share = roofline->time_s > 0 ? 100.0 * r.time_s / roofline->time_s : 0.0;
      const Tone tone = r.bound == "compute" ? Tone::kCompute : r.bound == "memory" ? Tone::kMemory : Tone::kPlain;
      cells.insert(cells.end(), {{std::isinf(r.Intensity()) ? "inf" : fmt::format("{:.1f}", r.Intensity())},
                                 {HumanTime(r.time_s)},
                                 {fmt::format("{:.1f}%", share)},
                                 {r.bound, tone}});
    }
    t.rows.push_back(std::move(cells));
  }
  const analysis::Metrics& m = stage.totals;
  t.total = {{"total"},
             {""},
             {""},
             {Human(static_cast<double>(m[db::kFlops]), "FLOP")},
             {Human(static_cast<double>(m[db::kReadsWeights]), "B")},
             {Human(static_cast<double>(m[db::kReadsActivations]), "B")},
             {Human(static_cast<double>(m[db::kReadsKvCache]), "B")},
             {Human(static_cast<double>(m[db::kWritesActivations]), "B")},
             {Human(static_cast<double>(m[db::kWritesKvCache]), "B")}};
  if (roofline != nullptr) t.total.insert(t.total.end(), {{""}, {HumanTime(roofline->time_s)}, {"100.0%"}, {""}});
  return t;
}

std::string TopNote(const analysis::Plan& plan, const analysis::StageResult& stage, bool has_time,
                    const TableOptions& options) {
  if (options.top == 0) return "";
  const size_t all = StageRows(plan, stage, nullptr, options.by).size();
  if (options.top >= all) return fmt::format("every row, by {}", has_time ? "time" : "FLOPs");
  return fmt::format("top {} of {} rows by {}; the total is of every row", options.top, all,
                     has_time ? "time" : "FLOPs");
}

}  // namespace lmp::report
