#ifndef LMP_REPORT_PLAN_REPORT_H_
#define LMP_REPORT_PLAN_REPORT_H_

// `lmp plan`: the frontier, the best layout within the limits and every
// rejected layout with its reason, as a table, the lmp.plan/1 JSON, CSV of
// every point, or an HTML page with the frontier plot.

#include <string>

#include "hardware/hardware.h"
#include "request/planner.h"
#include "util/json_file.h"

namespace lmp::report {

// What was searched, for the headers.
struct PlanContext {
  std::string model_id;
  const hardware::Device* device = nullptr;
  std::string cluster;
  std::string runtime;
  request::PlanSearch search;
};

std::string PlanText(const PlanContext& c, const request::PlanResult& r);
Json PlanJson(const PlanContext& c, const request::PlanResult& r);
// A header and one row per (layout, batch) point, frontier and best marked.
std::string PlanCsv(const PlanContext& c, const request::PlanResult& r);
// A self-contained page: every point against the frontier, best marked.
std::string PlanHtml(const PlanContext& c, const request::PlanResult& r);

}  // namespace lmp::report

#endif  // LMP_REPORT_PLAN_REPORT_H_
