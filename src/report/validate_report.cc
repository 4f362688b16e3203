#include "report/validate_report.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "report/html_report.h"
#include "report/report.h"

namespace lmp::report {
namespace {

using validate::Prediction;
using validate::Summary;
using validate::ValidationResult;

// A figure in its own unit: seconds as a time, throughputs as tokens/s.
std::string Value(const Prediction& p, double v) {
  if (validate::IsThroughput(p.row->metric)) return fmt::format("{:.1f} tok/s", v);
  return HumanTime(v);
}

std::string Percent(double fraction) { return fmt::format("{:.1f}%", 100 * fraction); }

void AddSummaryRows(const std::vector<Summary>& list, const std::string& kind, Table* t) {
  for (const Summary& s : list) {
    t->rows.push_back({{kind + " " + s.group},
                       {std::to_string(s.cases)},
                       {Percent(s.median_abs_error)},
                       {Percent(s.p90_abs_error)},
                       {fmt::format("{:.3f}", s.geomean_ratio)},
                       {fmt::format("{:.2f}x", s.worst_factor)}});
  }
}

Table SummaryTable(const ValidationResult& r) {
  Table t;
  t.columns = {{"group", Align::kLeft}, {"cases"}, {"median |err|"}, {"p90 |err|"}, {"geomean ratio"}, {"worst"}};
  AddSummaryRows({r.overall}, "", &t);
  t.rows.back()[0].text = "all";
  AddSummaryRows(r.by_split, "split", &t);
  AddSummaryRows(r.by_device, "gpu", &t);
  AddSummaryRows(r.by_metric, "metric", &t);
  AddSummaryRows(r.by_gpus, "gpus", &t);
  return t;
}

Json SummaryJson(const Summary& s) {
  return Json{{"group", s.group},
              {"cases", s.cases},
              {"median_abs_error", s.median_abs_error},
              {"p90_abs_error", s.p90_abs_error},
              {"geomean_ratio", s.geomean_ratio},
              {"worst_factor", s.worst_factor}};
}

// Measured and predicted as times (a throughput as seconds per token), for
// the scatter.
std::pair<double, double> AsTimes(const Prediction& p) {
  if (validate::IsThroughput(p.row->metric)) return {1 / p.row->value, 1 / p.predicted};
  return {p.row->value, p.predicted};
}

std::string Scatter(const ValidationResult& r) {
  double lo = 1e300, hi = 0;
  for (const Prediction& p : r.predictions) {
    if (p.skipped) continue;
    const auto [m, q] = AsTimes(p);
    lo = std::min({lo, m, q});
    hi = std::max({hi, m, q});
  }
  if (hi <= 0) return "<p>No case was predicted.</p>\n";
  const double l0 = std::floor(std::log10(lo)), l1 = std::ceil(std::log10(hi));
  const double size = 520, pad = 50;
  auto pos = [&](double v) { return pad + (std::log10(v) - l0) / (l1 - l0) * (size - 2 * pad); };
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{0}\" role=\"img\" "
      "aria-label=\"predicted against measured, log-log\">\n",
      size);
  for (double e = l0; e <= l1; e += 1) {
    const double x = pos(std::pow(10, e));
    svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#ddd\"/>"
                       "<line x1=\"{1}\" y1=\"{3:.1f}\" x2=\"{2}\" y2=\"{3:.1f}\" stroke=\"#ddd\"/>"
                       "<text x=\"{0:.1f}\" y=\"{4}\" font-size=\"10\" text-anchor=\"middle\">1e{5:.0f}</text>"
                       "<text x=\"{6}\" y=\"{3:.1f}\" font-size=\"10\" text-anchor=\"end\">1e{5:.0f}</text>\n",
                       x, pad, size - pad, size - x, size - pad + 14, e, pad - 4);
  }
  svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{1}\" y2=\"{0}\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>\n",
                     pad, size - pad);
  for (const Prediction& p : r.predictions) {
    if (p.skipped) continue;
    const auto [m, q] = AsTimes(p);
    svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\" fill-opacity=\"0.75\">"
                       "<title>{}: measured {}, predicted {}</title></circle>\n",
                       pos(m), size - pos(q), p.row->fit ? "#f28e2b" : "#4e79a7", HtmlEscape(p.row->id),
                       HtmlEscape(Value(p, p.row->value)), HtmlEscape(Value(p, p.predicted)));
  }
  svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\">measured (s; throughput as "
                     "s per token)</text>\n",
                     size / 2, size - 12);
  svg += fmt::format("<text x=\"14\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\" "
                     "transform=\"rotate(-90 14 {})\">predicted</text>\n</svg>\n",
                     size / 2, size / 2);
  return svg;
}

std::string HtmlTable(const Table& t) {
  std::string out = "<table>\n<tr>";
  for (const Column& c : t.columns) out += "<th>" + HtmlEscape(c.header) + "</th>";
  out += "</tr>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (const Cell& c : row) out += "<td>" + HtmlEscape(c.text) + "</td>";
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

Table CaseTable(const ValidationResult& r) {
  Table t;
  t.columns = {{"case", Align::kLeft}, {"split", Align::kLeft, 3}, {"gpu", Align::kLeft, 2},
               {"runtime", Align::kLeft, 4}, {"metric", Align::kLeft, 1}, {"measured"}, {"predicted"}, {"ratio"}};
  for (const Prediction& p : r.predictions) {
    if (p.skipped) continue;
    const Tone tone = p.time_ratio > 1.15 || p.time_ratio < 1 / 1.15 ? Tone::kCompute : Tone::kPlain;
    t.rows.push_back({{p.row->id},
                      {p.row->fit ? "fit" : "held_out"},
                      {p.device},
                      {p.runtime},
                      {validate::MetricName(p.row->metric)},
                      {Value(p, p.row->value)},
                      {Value(p, p.predicted)},
                      {fmt::format("{:.3f}", p.time_ratio), tone}});
  }
  return t;
}

}  // namespace

std::string ValidateText(const ValidationResult& r, const TableStyle& style) {
  std::string out = RenderTable(CaseTable(r), style);
  if (r.skipped > 0) {
    out += fmt::format("\nskipped {} case{}:\n", r.skipped, r.skipped == 1 ? "" : "s");
    for (const Prediction& p : r.predictions) {
      if (p.skipped) out += fmt::format("  {}: {}\n", p.row->id, p.reason);
    }
  }
  out += "\nratio: predicted time over measured (throughput: measured over predicted); below 1 is optimistic\n\n";
  out += RenderTable(SummaryTable(r), style);
  out += fmt::format("{} predicted, {} skipped; median |error| {}, p90 {}, geomean ratio {:.3f}, worst {:.2f}x\n",
                     r.overall.cases, r.skipped, Percent(r.overall.median_abs_error),
                     Percent(r.overall.p90_abs_error), r.overall.geomean_ratio, r.overall.worst_factor);
  return out;
}

Json ValidateJson(const ValidationResult& r) {
  Json cases = Json::array();
  for (const Prediction& p : r.predictions) {
    Json c = {{"id", p.row->id},
              {"split", p.row->fit ? "fit" : "held_out"},
              {"model", p.row->model},
              {"hardware", p.device.empty() ? p.row->hardware : p.device},
              {"framework", p.row->framework},
              {"metric", validate::MetricName(p.row->metric)},
              {"measured", p.row->value},
              {"source", p.row->source}};
    if (p.skipped) {
      c["skipped"] = p.reason;
    } else {
      c["runtime"] = p.runtime;
      c["predicted"] = p.predicted;
      c["time_ratio"] = p.time_ratio;
    }
    cases.push_back(std::move(c));
  }
  Json j = {{"schema", "lmp.validate/1"}, {"summary", SummaryJson(r.overall)}, {"skipped", r.skipped}};
  for (const auto& [key, list] : {std::pair{"by_split", &r.by_split}, std::pair{"by_device", &r.by_device},
                                  std::pair{"by_metric", &r.by_metric}, std::pair{"by_gpus", &r.by_gpus}}) {
    Json a = Json::array();
    for (const Summary& s : *list) a.push_back(SummaryJson(s));
    j[key] = std::move(a);
  }
  j["cases"] = std::move(cases);
  return j;
}

std::string ValidateHtml(const ValidationResult& r) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>lmp validate</title>\n"
      "<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;"
      "font-size:13px;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
      "td:first-child,th:first-child{text-align:left}</style>\n</head>\n<body>\n<h1>lmp validate</h1>\n";
  out += fmt::format("<p>{} cases predicted, {} skipped. Ratio: predicted time over measured time (throughputs: "
                     "measured over predicted); below 1 the prediction is optimistic.</p>\n",
                     r.overall.cases, r.skipped);
  out += "<h2>Predicted against measured</h2>\n<p>Orange: fitted cases; blue: held out. The dashed line is "
         "equality.</p>\n" +
         Scatter(r);
  out += "<h2>Summary</h2>\n" + HtmlTable(SummaryTable(r));
  out += "<h2>Cases</h2>\n" + HtmlTable(CaseTable(r));
  if (r.skipped > 0) {
    out += "<h2>Skipped</h2>\n<ul>\n";
    for (const Prediction& p : r.predictions) {
      if (p.skipped) out += "<li>" + HtmlEscape(p.row->id) + ": " + HtmlEscape(p.reason) + "</li>\n";
    }
    out += "</ul>\n";
  }
  return out + "<footer>Generated by lmp (LM-Predictor).</footer>\n</body>\n</html>\n";
}

}  // namespace lmp::report
