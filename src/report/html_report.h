#ifndef LMP_REPORT_HTML_REPORT_H_
#define LMP_REPORT_HTML_REPORT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "analysis/analyze.h"
#include "analysis/plan.h"
#include "hardware/fit.h"
#include "hardware/roofline.h"
#include "report/op_rows.h"
#include "request/generate.h"

namespace lmp::report {

// One stage of the HTML report: its operations (one row each) and time.
struct HtmlStage {
  std::string name;    // "prefill", "decode"
  std::string detail;  // "seq_len 2048, kv_len 2048"
  std::vector<OpRow> rows;
  double time_s = 0;
  std::vector<std::pair<std::string, double>> time_by_kind_s;
};

// Everything the page shows, already computed: the renderer only draws.
struct HtmlReport {
  std::string model_id;
  int64_t parameters = 0;
  std::string scenario;  // one line: batch, lengths, bits, profile
  hardware::Device device;
  std::vector<std::pair<std::string, hardware::Peak>> peaks_by_kind;
  double ttft_s = 0;
  std::string ttft_note;  // what the TTFT card stands for
  double tpot_s = 0;
  std::string tpot_note;
  hardware::MemoryFit memory;
  std::vector<HtmlStage> stages;
};

// From `lmp analyze --hardware`: TTFT is the prefill stage's time and TPOT
// the decode step's (a stage not run shows "-").
HtmlReport HtmlFromAnalysis(const analysis::Plan& plan, const analysis::Analysis& a,
                            const hardware::RooflineAnalysis& roofline, const hardware::MemoryFit& memory);

// From `lmp generate`: the request's TTFT and mean TPOT; the operation
// tables and chart show the prefill and the last decode step (`steps`, run
// by the caller, whose roofline is `roofline`).
HtmlReport HtmlFromGenerate(const analysis::Plan& plan, const analysis::Analysis& steps,
                            const hardware::RooflineAnalysis& roofline, const request::GenerateResult& r,
                            const hardware::MemoryFit& memory, int64_t gen_len);

// One self-contained HTML file: inline CSS, inline SVG charts drawn here,
// and a little inline script for sorting the tables. No network, no
// external files. When the script has run, <body> carries data-ready="1",
// and data-points the number of operations plotted on the roofline.
std::string RenderHtml(const HtmlReport& r);

// Text made safe inside HTML elements and quoted attributes.
std::string HtmlEscape(const std::string& s);

}  // namespace lmp::report

#endif  // LMP_REPORT_HTML_REPORT_H_
