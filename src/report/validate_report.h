#ifndef LMP_REPORT_VALIDATE_REPORT_H_
#define LMP_REPORT_VALIDATE_REPORT_H_

#include <string>

#include "report/table.h"
#include "util/json_file.h"
#include "validate/validate.h"

namespace lmp::report {

// `lmp validate`: every case measured vs predicted with the time ratio
// (predicted time over measured; below 1 is optimistic), the skipped cases
// with their reasons, and the summaries (overall, by split, device, metric).
std::string ValidateText(const validate::ValidationResult& r, const TableStyle& style);
Json ValidateJson(const validate::ValidationResult& r);  // schema lmp.validate/1
// A page with the summaries, the cases, and a log-log scatter of predicted
// against measured time (throughputs as time per token).
std::string ValidateHtml(const validate::ValidationResult& r);

}  // namespace lmp::report

#endif  // LMP_REPORT_VALIDATE_REPORT_H_
