#include "report/op_rows.h"

#include <algorithm>
#include <limits>
#include <map>

namespace lmp::report {

std::optional<GroupBy> ParseGroupBy(std::string_view name) {
  if (name == "op") return GroupBy::kOp;
  if (name == "layer") return GroupBy::kLayer;
  if (name == "kind") return GroupBy::kKind;
  return std::nullopt;
}

int64_t OpRow::Bytes() const {
  return metrics[db::kReadsWeights] + metrics[db::kReadsActivations] + metrics[db::kReadsKvCache] +
         metrics[db::kWritesActivations] + metrics[db::kWritesKvCache];
}

double OpRow::Intensity() const {
  const int64_t b = Bytes();
  return b == 0 ? std::numeric_limits<double>::infinity()
                : static_cast<double>(metrics[db::kFlops]) / static_cast<double>(b);
}

std::vector<OpRow> StageRows(const analysis::Plan& plan, const analysis::StageResult& stage,
                             const hardware::RooflineStage* roofline, GroupBy by) {
  std::vector<OpRow> rows;
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < plan.ops.size(); ++i) {
    const analysis::PlanOp& op = plan.ops[i];
    const std::string key = by == GroupBy::kOp ? op.layer + "." + op.op : by == GroupBy::kLayer ? op.layer : op.kind;
    auto [it, added] = index.emplace(key, rows.size());
    if (added) {
      rows.emplace_back();
      rows.back().name = key;
      rows.back().kind = op.kind;
      rows.back().has_time = roofline != nullptr;
    }
    OpRow& r = rows[it->second];
    if (r.kind != op.kind) r.kind = "mixed";
    r.count += op.count;
    // Totals of the stage were checked for overflow, and every row sums a
    // subset of them.
    for (int k = 0; k < db::kNumMetrics; ++k) r.metrics[k] += stage.ops[i][k] * op.count;
    if (roofline != nullptr) {
      const hardware::RooflineOp& ro = roofline->ops[i];
      r.time_s += static_cast<double>(op.count) * ro.time_s;
      const std::string bound = hardware::BoundName(ro.bound);
      r.bound = added ? bound : (r.bound == bound ? bound : "mixed");
    }
  }
  return rows;
}

void KeepTop(std::vector<OpRow>* rows, size_t n) {
  std::stable_sort(rows->begin(), rows->end(), [](const OpRow& a, const OpRow& b) {
    if (a.has_time && a.time_s != b.time_s) return a.time_s > b.time_s;
    if (a.metrics[db::kFlops] != b.metrics[db::kFlops]) return a.metrics[db::kFlops] > b.metrics[db::kFlops];
    return a.Bytes() > b.Bytes();
  });
  if (rows->size() > n) rows->resize(n);
}

}  // namespace lmp::report
