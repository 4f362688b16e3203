#include "report/api_report.h"

#include "report/html_report.h"

namespace lmp::report {

Json AnalyzeDocument(const api::AnalyzeResult& a) {
  const analysis::Plan& plan = a.plan();
  Json j = AnalysisJson(plan, a.analysis, a.roofline ? &*a.roofline : nullptr, a.memory ? &*a.memory : nullptr,
                        a.checkpoint ? &*a.checkpoint : nullptr);
  if (a.deployment) j["deployment"] = DeploymentJson(*a.deployment, plan);
  return j;
}

Json GenerateDocument(const api::GenerateResultSet& g) {
  const analysis::Plan& plan = g.plan();
  Json j = GenerateJson(plan, g.parameters(), g.scenario, g.device, g.result, g.memory);
  if (g.deployment) {
    j["deployment"] = DeploymentJson(*g.deployment, plan);
    j["tokens_per_s_per_gpu"] = g.TokensPerSecondPerGpu();
  }
  return j;
}

FitReport FitReportOf(const api::FitResultSet& f) {
  FitReport rep;
  rep.model_id = f.model_id;
  rep.device = &f.device;
  rep.request = f.request;
  rep.result = f.result;
  rep.max_position_embeddings = f.max_position_embeddings;
  return rep;
}

Json FitDocument(const api::FitResultSet& f) {
  Json j = FitJson(FitReportOf(f));
  if (f.deployment) j["deployment"] = DeploymentJson(*f.deployment, *f.limiting_stage);
  return j;
}

std::string AnalyzeHtml(const api::AnalyzeResult& a) {
  return RenderHtml(HtmlFromAnalysis(a.plan(), a.analysis, *a.roofline, *a.memory));
}

std::string GenerateHtml(const api::GenerateResultSet& g) {
  // The page's tables and chart: the prefill and the request's last decode
  // step, the most expensive one (the fullest stage's, one GPU's).
  const api::StepAnalysis s = api::LastSteps(g);
  return RenderHtml(HtmlFromGenerate(g.plan(), s.analysis, s.roofline, g.result, g.memory, g.gen_len));
}

}  // namespace lmp::report
