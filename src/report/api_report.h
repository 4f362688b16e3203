#ifndef LMP_REPORT_API_REPORT_H_
#define LMP_REPORT_API_REPORT_H_

// The documents of the request API's results (src/api), as `lmp analyze`,
// `generate` and `fit` print them with --format json and html, and as the
// Python package returns them: one place builds each, so the two agree.

#include <string>

#include "api/request.h"
#include "report/report.h"

namespace lmp::report {

// lmp.analysis/1, with "deployment" under a layout of several GPUs.
Json AnalyzeDocument(const api::AnalyzeResult& a);
// lmp.generate/1, with "deployment" and "tokens_per_s_per_gpu" under a layout.
Json GenerateDocument(const api::GenerateResultSet& g);
// lmp.fit/1, with "deployment" under a layout.
Json FitDocument(const api::FitResultSet& f);
FitReport FitReportOf(const api::FitResultSet& f);

// The HTML pages: an analysis needs its device (a.device); a request's page
// shows its prefill and last decode step.
std::string AnalyzeHtml(const api::AnalyzeResult& a);
std::string GenerateHtml(const api::GenerateResultSet& g);

}  // namespace lmp::report

#endif  // LMP_REPORT_API_REPORT_H_
