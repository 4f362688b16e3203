#ifndef LMP_REPORT_OP_ROWS_H_
#define LMP_REPORT_OP_ROWS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/analyze.h"
#include "analysis/plan.h"
#include "hardware/roofline.h"

namespace lmp::report {

// What one row of a per-operation report stands for.
enum class GroupBy {
  kOp,     // one operation of one layer: "model.layers.self_attn.qk_matmul"
  kLayer,  // every operation of one layer: "model.layers.self_attn"
  kKind,   // every operation of one kind: "matmul"
};

// "op", "layer" or "kind"; nullopt for anything else.
std::optional<GroupBy> ParseGroupBy(std::string_view name);

// A stage's figures for one row, repeats multiplied in (count x per
// instance), summed over the row's operations.
struct OpRow {
  std::string name;
  std::string kind;   // the operations' kind, or "mixed"
  int64_t count = 0;  // operation instances in the row
  analysis::Metrics metrics{};
  bool has_time = false;  // a roofline was given
  double time_s = 0;
  std::string bound;  // "compute", "memory", or "mixed" when the operations differ

  int64_t Bytes() const;
  // FLOPs per byte moved; +inf when nothing is moved.
  double Intensity() const;
};

// The rows of one stage in plan order (a group where its first operation
// is). `roofline` may be null.
std::vector<OpRow> StageRows(const analysis::Plan& plan, const analysis::StageResult& stage,
                             const hardware::RooflineStage* roofline, GroupBy by);

// Keeps the `n` most expensive rows, most expensive first: by time when the
// rows have one, else by FLOPs, then bytes. Ties keep plan order.
void KeepTop(std::vector<OpRow>* rows, size_t n);

}  // namespace lmp::report

#endif  // LMP_REPORT_OP_ROWS_H_
