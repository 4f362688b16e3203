#ifndef LMP_REPORT_STAGE_TABLE_H_
#define LMP_REPORT_STAGE_TABLE_H_

#include <cstddef>
#include <string>

#include "analysis/analyze.h"
#include "analysis/plan.h"
#include "hardware/roofline.h"
#include "report/op_rows.h"
#include "report/table.h"

namespace lmp::report {

// Which rows a per-operation report shows, and how it is drawn.
struct TableOptions {
  GroupBy by = GroupBy::kOp;
  size_t top = 0;  // 0: every row, in plan order
  TableStyle style;
};

// One stage as a table in human units: a row per operation (or group),
// figures multiplied by count, and the stage total. With a roofline:
// intensity, time, share of the stage time and bound.
Table StageTable(const analysis::Plan& plan, const analysis::StageResult& stage,
                 const hardware::RooflineStage* roofline, const TableOptions& options);

// "" when every row is shown, else "top N of M rows by time" (or FLOPs).
std::string TopNote(const analysis::Plan& plan, const analysis::StageResult& stage, bool has_time,
                    const TableOptions& options);

}  // namespace lmp::report

#endif  // LMP_REPORT_STAGE_TABLE_H_
