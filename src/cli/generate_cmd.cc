#include "cli/generate_cmd.h"

#include <fmt/format.h>

#include "cli/layout_option.h"
#include "report/api_report.h"
#include "report/report.h"

namespace lmp::cli {

void SetupGenerate(CLI::App& cmd, GenerateCmdOptions& o) {
  api::GenerateRequest& r = o.request;
  AddModelArgument(cmd, r.model);
  cmd.add_option("--batch", r.scenario.batch_size, "sequences per batch")->capture_default_str();
  cmd.add_option("--prompt,--seq", r.scenario.prompt_len, "prompt tokens per sequence")->capture_default_str();
  cmd.add_option("--gen", r.gen_len, "tokens generated per sequence (the first comes from the prefill)")
      ->capture_default_str();
  cmd.add_option("--hardware", r.hardware, "device (see 'lmp hardware list')")->required();
  AddHardwareFileOption(cmd, r.sources.hardware_files);
  AddRuntimeOptions(cmd, r);
  AddLayoutOptions(cmd, r.layout, true);
  AddBitsOptions(cmd, r.scenario);
  AddComputeOption(cmd, r.scenario);
  AddProfileOptions(cmd, r.scenario, o.flags);
  AddDbOption(cmd, r.sources.db_files);
  AddFormatOption(cmd, o.out.format, {"table", "json", "csv", "markdown", "html"},
                  "table, json, csv, markdown or html (use with -o)");
  AddOutputOption(cmd, o.out);
}

namespace {

// Over a layout: the deployment line first, and the throughput per GPU.
std::string DeployedReport(const api::GenerateResultSet& g, const std::string& format) {
  const analysis::Plan& plan = g.plan();
  const request::Deployment& d = *g.deployment;
  const int64_t params = g.parameters();
  const double per_gpu = g.TokensPerSecondPerGpu();
  if (format == "json") return report::GenerateDocument(g).dump(2) + "\n";
  if (format == "table") {
    return report::DeploymentText(d, plan) + "\n" +
           report::GenerateText(plan, params, g.scenario, g.device, g.result, g.memory) +
           fmt::format("  tokens/s per GPU       {:>12.2f}\n", per_gpu);
  }
  if (format == "markdown") {
    return "- " + report::DeploymentText(d, plan) + "\n\n" +
           report::GenerateMarkdown(plan, params, g.scenario, g.device, g.result, g.memory);
  }
  // csv: the request's row with the layout's columns after it.
  const std::string csv = report::GenerateCsv(plan, params, g.scenario, g.device, g.result, g.memory);
  const size_t eol = csv.find('\n');
  return csv.substr(0, eol) + ",layout,gpus,tokens_per_s_per_gpu\n" + csv.substr(eol + 1, csv.size() - eol - 2) +
         fmt::format(",{},{},{:.9g}\n", parallel::LayoutText(d.layout), d.layout.Gpus(), per_gpu);
}

}  // namespace

int RunGenerate(GenerateCmdOptions& o) {
  api::GenerateRequest& req = o.request;
  CheckSramOption(o.flags, req.scenario);
  req.profile_given = ProfileGiven(o.flags);
  api::GenerateResultSet g;
  g = api::Generate(req);
  const std::string& format = o.out.format;
  if (format == "html") {
    Emit(o.out, report::GenerateHtml(g));
    return 0;
  }
  if (g.deployment) {
    Emit(o.out, DeployedReport(g, format));
    return 0;
  }
  const analysis::Plan& plan = g.plan();
  const int64_t params = g.parameters();
  if (format == "json") {
    Emit(o.out, report::GenerateDocument(g).dump(2) + "\n");
  } else if (format == "csv") {
    Emit(o.out, report::GenerateCsv(plan, params, g.scenario, g.device, g.result, g.memory));
  } else if (format == "markdown") {
    Emit(o.out, report::GenerateMarkdown(plan, params, g.scenario, g.device, g.result, g.memory));
  } else {
    Emit(o.out, report::GenerateText(plan, params, g.scenario, g.device, g.result, g.memory));
  }
  return 0;
}

}  // namespace lmp::cli
