#ifndef LMP_REPORT_COMPARE_REPORT_H_
#define LMP_REPORT_COMPARE_REPORT_H_

#include <string>

#include "request/compare.h"
#include "util/json_file.h"

namespace lmp::report {

// `lmp compare`: one line per request saying what it is, then a table of
// metric, A, B and B/A (ttft, tpot, e2e, tokens/s, request FLOPs and bytes,
// footprint, fits).
std::string CompareText(const request::RequestOutcome& a, const request::RequestOutcome& b);
// lmp.compare/1: both requests' settings and figures, and the ratios B/A
// (null where A is 0).
Json CompareJson(const request::RequestOutcome& a, const request::RequestOutcome& b);

}  // namespace lmp::report

#endif  // LMP_REPORT_COMPARE_REPORT_H_
