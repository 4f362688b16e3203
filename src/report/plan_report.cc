#include "report/plan_report.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "report/report.h"

namespace lmp::report {
namespace {

using request::LayoutStatus;
using request::PlanPoint;
using request::PlanResult;

constexpr size_t kFrontierRows = 24;

std::string Limits(const request::PlanSearch& s) {
  std::string out;
  if (s.max_tpot_s > 0) out += "TPOT <= " + HumanTime(s.max_tpot_s);
  if (s.max_ttft_s > 0) out += (out.empty() ? "" : ", ") + std::string("TTFT <= ") + HumanTime(s.max_ttft_s);
  return out.empty() ? "none" : out;
}

std::string Header(const PlanContext& c) {
  const analysis::Scenario& s = c.search.scenario;
  return fmt::format(
      "{} on up to {} x {} ({}), prompt {}, generate {}, W{}A{}KV{}, profile {}, runtime {}\nlatency limits: {}; "
      "batches 1 to {}\n",
      c.model_id, c.search.gpus, c.device->name, c.cluster, s.prompt_len, c.search.gen_len, s.w_bits, s.a_bits,
      s.kv_bits, s.profile, c.runtime, Limits(c.search), c.search.max_batch);
}

std::string PointRow(const PlanPoint& p) {
  return fmt::format("{:<18} {:>5} {:>6} {:>11.1f} {:>10.1f} {:>10} {:>10} {:>11}  {}", parallel::LayoutText(p.layout),
                     p.layout.Gpus(), p.batch, p.tokens_per_s_per_gpu, p.tokens_per_s_per_user, HumanTime(p.tpot_s),
                     HumanTime(p.ttft_s), Human(static_cast<double>(p.memory_bytes), "B"),
                     p.meets_limits ? "yes" : "no");
}

Json PointJson(const PlanPoint& p) {
  return {{"layout", parallel::LayoutText(p.layout)},
          {"tp", p.layout.tp},
          {"pp", p.layout.pp},
          {"ep", p.layout.ep},
          {"dp", p.layout.dp},
          {"gpus", p.layout.Gpus()},
          {"batch_size", p.batch},
          {"microbatches", p.microbatches},
          {"ttft_s", p.ttft_s},
          {"tpot_s", p.tpot_s},
          {"e2e_s", p.e2e_s},
          {"tokens_per_s", p.tokens_per_s},
          {"tokens_per_s_per_gpu", p.tokens_per_s_per_gpu},
          {"tokens_per_s_per_user", p.tokens_per_s_per_user},
          {"memory_bytes_per_gpu", p.memory_bytes},
          {"meets_limits", p.meets_limits}};
}

}  // namespace

std::string PlanText(const PlanContext& c, const PlanResult& r) {
  std::string out = Header(c);
  int counts[4] = {0, 0, 0, 0};
  for (const request::LayoutVerdict& v : r.layouts) ++counts[static_cast<int>(v.status)];
  out += fmt::format("searched {} layouts: {} ok, {} invalid for the model, {} do not fit, {} miss the limits; {} "
                     "(layout, batch) points\n\n",
                     r.layouts.size(), counts[0], counts[1], counts[2], counts[3], Grouped(static_cast<int64_t>(r.points.size())));
  if (r.best) {
    const PlanPoint& b = r.points[*r.best];
    out += fmt::format("best within the limits: {} at batch {}: {:.1f} tokens/s per GPU, {:.1f} tokens/s per user "
                       "(TPOT {}, TTFT {}), {} per GPU\n\n",
                       parallel::LayoutText(b.layout), b.batch, b.tokens_per_s_per_gpu, b.tokens_per_s_per_user,
                       HumanTime(b.tpot_s), HumanTime(b.ttft_s), Human(static_cast<double>(b.memory_bytes), "B"));
  } else {
    out += "no layout and batch meets the limits\n\n";
  }
  if (!r.frontier.empty()) {
    out += "frontier: no other point has both more tokens/s per GPU and more tokens/s per user\n";
    const std::string head = fmt::format("{:<18} {:>5} {:>6} {:>11} {:>10} {:>10} {:>10} {:>11}  {}", "layout", "GPUs",
                                         "batch", "tok/s/GPU", "tok/s/user", "TPOT", "TTFT", "memory/GPU", "limits");
    out += head + "\n" + std::string(head.size(), '-') + "\n";
    // A long frontier (one point per batch) is shown at evenly spaced ranks,
    // its ends included; CSV and JSON carry every point.
    const size_t n = r.frontier.size();
    const size_t shown = std::min(n, kFrontierRows);
    for (size_t j = 0; j < shown; ++j) {
      const size_t rank = shown == 1 ? 0 : j * (n - 1) / (shown - 1);
      out += PointRow(r.points[r.frontier[rank]]) + "\n";
    }
    if (shown < n)
      out += fmt::format("({} of {} frontier points; the csv and json formats list every one)\n", shown, n);
    out += "\n";
  }
  bool any_rejected = false;
  for (const request::LayoutVerdict& v : r.layouts) {
    if (v.status == LayoutStatus::kOk) continue;
    if (!any_rejected) out += "rejected layouts\n";
    any_rejected = true;
    out += fmt::format("  {:<18} {}: {}\n", parallel::LayoutText(v.layout), request::LayoutStatusName(v.status), v.reason);
  }
  return out;
}

Json PlanJson(const PlanContext& c, const PlanResult& r) {
  const analysis::Scenario& s = c.search.scenario;
  Json j = Json::object();
  j["schema"] = "lmp.plan/1";
  j["model"] = c.model_id;
  j["hardware"] = c.device->name;
  j["cluster"] = c.cluster;
  j["runtime"] = c.runtime;
  j["search"] = {{"gpus", c.search.gpus},     {"prompt_len", s.prompt_len},    {"gen_len", c.search.gen_len},
                 {"w_bits", s.w_bits},        {"a_bits", s.a_bits},            {"kv_bits", s.kv_bits},
                 {"profile", s.profile},      {"max_batch", c.search.max_batch},
                 {"max_tpot_s", c.search.max_tpot_s > 0 ? Json(c.search.max_tpot_s) : Json()},
                 {"max_ttft_s", c.search.max_ttft_s > 0 ? Json(c.search.max_ttft_s) : Json()}};
  j["best"] = r.best ? PointJson(r.points[*r.best]) : Json();
  Json frontier = Json::array();
  for (size_t i : r.frontier) frontier.push_back(PointJson(r.points[i]));
  j["frontier"] = frontier;
  Json layouts = Json::array();
  for (const request::LayoutVerdict& v : r.layouts) {
    layouts.push_back({{"layout", parallel::LayoutText(v.layout)},
                       {"gpus", v.layout.Gpus()},
                       {"status", request::LayoutStatusName(v.status)},
                       {"reason", v.reason},
                       {"max_batch", v.max_batch},
                       {"memory_bytes_per_gpu_at_batch_1", v.memory_bytes}});
  }
  j["layouts"] = layouts;
  j["points"] = static_cast<int64_t>(r.points.size());
  return j;
}

std::string PlanCsv(const PlanContext& c, const PlanResult& r) {
  (void)c;
  std::string out =
      "layout,tp,pp,ep,dp,gpus,batch_size,microbatches,ttft_s,tpot_s,e2e_s,tokens_per_s,tokens_per_s_per_gpu,"
      "tokens_per_s_per_user,memory_bytes_per_gpu,meets_limits,frontier,best\n";
  std::vector<bool> on(r.points.size(), false);
  for (size_t i : r.frontier) on[i] = true;
  for (size_t i = 0; i < r.points.size(); ++i) {
    const PlanPoint& p = r.points[i];
    out += fmt::format("{},{},{},{},{},{},{},{},{:.9g},{:.9g},{:.9g},{:.9g},{:.9g},{:.9g},{},{},{},{}\n",
                       parallel::LayoutText(p.layout), p.layout.tp, p.layout.pp, p.layout.ep, p.layout.dp,
                       p.layout.Gpus(), p.batch, p.microbatches, p.ttft_s, p.tpot_s, p.e2e_s, p.tokens_per_s,
                       p.tokens_per_s_per_gpu, p.tokens_per_s_per_user, p.memory_bytes, p.meets_limits ? 1 : 0,
                       on[i] ? 1 : 0, r.best && *r.best == i ? 1 : 0);
  }
  return out;
}

std::string PlanHtml(const PlanContext& c, const PlanResult& r) {
  // Log-log axes: tokens/s per user (x) against tokens/s per GPU (y).
  constexpr double kW = 720, kH = 440, kLeft = 70, kBottom = 50, kTop = 20, kRight = 20;
  double xmin = 1e300, xmax = 0, ymin = 1e300, ymax = 0;
  for (const PlanPoint& p : r.points) {
    xmin = std::min(xmin, p.tokens_per_s_per_user);
    xmax = std::max(xmax, p.tokens_per_s_per_user);
    ymin = std::min(ymin, p.tokens_per_s_per_gpu);
    ymax = std::max(ymax, p.tokens_per_s_per_gpu);
  }
  if (r.points.empty()) xmin = ymin = 1, xmax = ymax = 10;
  const double lx0 = std::floor(std::log10(xmin)), lx1 = std::max(lx0 + 1, std::ceil(std::log10(xmax)));
  const double ly0 = std::floor(std::log10(ymin)), ly1 = std::max(ly0 + 1, std::ceil(std::log10(ymax)));
  const auto X = [&](double v) { return kLeft + (std::log10(v) - lx0) / (lx1 - lx0) * (kW - kLeft - kRight); };
  const auto Y = [&](double v) { return kH - kBottom - (std::log10(v) - ly0) / (ly1 - ly0) * (kH - kBottom - kTop); };
  std::string svg = fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\">\n", kW, kH);
  for (double e = lx0; e <= lx1; ++e) {
    svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#ddd\"/><text x=\"{0:.1f}\" "
                       "y=\"{3}\" font-size=\"11\" text-anchor=\"middle\">{4:g}</text>\n",
                       X(std::pow(10, e)), kTop, kH - kBottom, kH - kBottom + 15, std::pow(10, e));
  }
  for (double e = ly0; e <= ly1; ++e) {
    svg += fmt::format("<line x1=\"{1}\" y1=\"{0:.1f}\" x2=\"{2}\" y2=\"{0:.1f}\" stroke=\"#ddd\"/><text x=\"{3}\" "
                       "y=\"{0:.1f}\" font-size=\"11\" text-anchor=\"end\">{4:g}</text>\n",
                       Y(std::pow(10, e)), kLeft, kW - kRight, kLeft - 5, std::pow(10, e));
  }
  svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\">tokens/s per user</text>\n",
                     (kW + kLeft) / 2, kH - 10);
  svg += fmt::format("<text x=\"14\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 14 {})\">"
                     "tokens/s per GPU</text>\n",
                     (kH - kBottom) / 2, (kH - kBottom) / 2);
  for (const PlanPoint& p : r.points) {
    svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2\" fill=\"{}\"><title>{} batch {}</title></circle>\n",
                       X(p.tokens_per_s_per_user), Y(p.tokens_per_s_per_gpu), p.meets_limits ? "#9ab" : "#ccc",
                       parallel::LayoutText(p.layout), p.batch);
  }
  std::string line;
  for (size_t i : r.frontier) {
    line += fmt::format("{}{:.1f},{:.1f}", line.empty() ? "" : " ", X(r.points[i].tokens_per_s_per_user),
                        Y(r.points[i].tokens_per_s_per_gpu));
  }
  svg += "<polyline fill=\"none\" stroke=\"#c33\" stroke-width=\"2\" points=\"" + line + "\"/>\n";
  if (r.best) {
    const PlanPoint& b = r.points[*r.best];
    svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"6\" fill=\"none\" stroke=\"#06c\" stroke-width=\"2\"/>\n",
                       X(b.tokens_per_s_per_user), Y(b.tokens_per_s_per_gpu));
  }
  svg += "</svg>\n";
  std::string text = PlanText(c, r);
  std::string escaped;
  for (char ch : text) {
    if (ch == '<') escaped += "&lt;";
    else if (ch == '>') escaped += "&gt;";
    else if (ch == '&') escaped += "&amp;";
    else escaped += ch;
  }
  return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>lmp plan " + c.model_id +
         "</title></head>\n<body>\n<h1>lmp plan</h1>\n<p>Every point is a layout at a batch; red: the frontier; blue "
         "ring: the best within the limits; grey: outside the limits.</p>\n" +
         svg + "<pre>" + escaped + "</pre>\n</body></html>\n";
}

}  // namespace lmp::report
