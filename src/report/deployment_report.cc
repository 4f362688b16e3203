#include <fmt/format.h>

#include "report/report.h"

namespace lmp::report {

Json DeploymentJson(const request::Deployment& d, const analysis::Plan& plan) {
  const parallel::Layout& l = d.layout;
  Json j = {{"layout", parallel::LayoutText(l)},
            {"tp", l.tp},
            {"pp", l.pp},
            {"ep", l.ep},
            {"dp", l.dp},
            {"gpus", l.Gpus()},
            {"batch_size", d.batch},
            {"batch_per_replica", d.BatchPerReplica()},
            {"microbatches", d.microbatches},
            {"stage", plan.stage},
            {"stage_layers", plan.stage_layers}};
  if (!d.cluster.empty()) {
    j["cluster"] = d.cluster;
    j["nodes"] = d.nodes;
  }
  return j;
}

std::string DeploymentText(const request::Deployment& d, const analysis::Plan& plan) {
  const parallel::Layout& l = d.layout;
  std::string s = fmt::format("deployment {} on {} GPU{}", parallel::LayoutText(l), l.Gpus(), l.Gpus() == 1 ? "" : "s");
  if (!d.cluster.empty()) s += fmt::format(" ({} node{} of {})", d.nodes, d.nodes == 1 ? "" : "s", d.cluster);
  s += "; figures are per GPU";
  if (l.pp > 1) {
    s += fmt::format(", pipeline stage {} of 0 to {} ({} decoder layers)", plan.stage, l.pp - 1, plan.stage_layers);
  }
  s += fmt::format("; batch {} per replica of {}", d.BatchPerReplica(), d.batch);
  if (d.microbatches > 1) s += fmt::format(" in {} microbatches of {}", d.microbatches, d.BatchPerMicrobatch());
  return s;
}

}  // namespace lmp::report
