#include "cli/inspect_cmd.h"

#include "cli/model_options.h"
#include "cli/output_options.h"
#include "report/report.h"

namespace lmp::cli {

void SetupInspect(CLI::App& cmd, InspectCmdOptions& o) {
  cmd.add_option("MODEL", o.request.model, "catalog id or architecture JSON path")->required();
  AddDbOption(cmd, o.request.db_files);
  AddFormatOption(cmd, o.format, {"table", "json"}, "table or json");
}

int RunInspect(InspectCmdOptions& o) {
  const api::InspectResult r = api::Inspect(o.request);
  WarnCheckpoint(r.checkpoint, r.parameters);
  const model::CheckpointComparison* ck = r.checkpoint ? &*r.checkpoint : nullptr;
  if (o.format == "json") {
    PrintJson(report::InspectJson(r.plan, r.parameters, ck));
  } else {
    Print(report::InspectText(r.plan, r.parameters, ck));
  }
  return 0;
}

}  // namespace lmp::cli
