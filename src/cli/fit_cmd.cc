#include "cli/fit_cmd.h"

#include "cli/layout_option.h"
#include "cli/output_options.h"
#include "report/api_report.h"
#include "util/error.h"

namespace lmp::cli {

void SetupFit(CLI::App& cmd, FitCmdOptions& o) {
  api::FitRequest& r = o.request;
  AddModelArgument(cmd, r.model);
  cmd.add_option("--hardware", r.hardware, "device whose DRAM must hold the request (see 'lmp hardware list')")
      ->required();
  AddHardwareFileOption(cmd, r.sources.hardware_files);
  o.prompt =
      cmd.add_option("--prompt,--seq", r.scenario.prompt_len, "prompt tokens per sequence")->capture_default_str();
  cmd.add_option("--gen", r.gen_len, "tokens generated per sequence")->capture_default_str();
  o.batch = cmd.add_option("--batch", r.scenario.batch_size,
                           "sequences per batch: solve for the largest prompt instead of the largest batch");
  AddLayoutOptions(cmd, r.layout, false);
  AddBitsOptions(cmd, r.scenario);
  AddProfileOptions(cmd, r.scenario, o.flags);
  AddDbOption(cmd, r.sources.db_files);
  AddFormatOption(cmd, o.format, {"table", "json"}, "table or json");
}

int RunFit(FitCmdOptions& o) {
  api::FitRequest& req = o.request;
  req.solve_prompt = o.batch->count() > 0;
  if (req.solve_prompt && o.prompt->count() > 0) {
    throw Error("", "--prompt", "is what 'lmp fit' solves for when --batch is given; drop one of them");
  }
  CheckSramOption(o.flags, req.scenario);
  req.profile_given = ProfileGiven(o.flags);
  api::FitResultSet f;
  f = api::Fit(req);
  const report::FitReport rep = report::FitReportOf(f);
  if (o.format == "json") {
    PrintJson(report::FitDocument(f));
  } else {
    Print((f.deployment ? report::DeploymentText(*f.deployment, *f.limiting_stage) + "\n" : std::string()) +
          report::FitText(rep));
  }
  return 0;
}

}  // namespace lmp::cli
