#ifndef LMP_REPORT_REPORT_H_
#define LMP_REPORT_REPORT_H_

#include <cstdint>
#include <string>

#include "analysis/analyze.h"
#include "analysis/module_eval.h"
#include "analysis/plan.h"
#include "hardware/fit.h"
#include "hardware/hardware.h"
#include "hardware/roofline.h"
#include "model/safetensors.h"
#include "report/stage_table.h"
#include "request/deployment.h"
#include "request/generate.h"
#include "util/json_file.h"

namespace lmp::report {

// The lmp.analysis/1 contract (docs/json-output.md). Per-operation figures are
// for one instance; totals are sums of count x figure. Integers are exact.
// With a roofline, times and the device are added, and with `memory` the
// footprint against the device; without them the output is exactly what it
// was before rooflines existed. With `checkpoint` (a model directory with
// safetensors files) a "checkpoint" object is added.
Json AnalysisJson(const analysis::Plan& plan, const analysis::Analysis& a,
                  const hardware::RooflineAnalysis* roofline = nullptr,
                  const hardware::MemoryFit* memory = nullptr,
                  const model::CheckpointComparison* checkpoint = nullptr);

// One row per stage and operation, per-instance figures plus count.
std::string AnalysisCsv(const analysis::Plan& plan, const analysis::Analysis& a,
                        const hardware::RooflineAnalysis* roofline = nullptr);

// Aligned terminal table in human units, figures multiplied by count; rows
// grouped, cut to the most expensive and drawn as `options` says.
std::string AnalysisTable(const analysis::Plan& plan, const analysis::Analysis& a,
                          const hardware::RooflineAnalysis* roofline = nullptr,
                          const hardware::MemoryFit* memory = nullptr,
                          const model::CheckpointComparison* checkpoint = nullptr, const TableOptions& options = {});
// The same as Markdown, a heading and a table per stage, for pasting into
// docs; options.style is ignored.
std::string AnalysisMarkdown(const analysis::Plan& plan, const analysis::Analysis& a,
                             const hardware::RooflineAnalysis* roofline = nullptr,
                             const hardware::MemoryFit* memory = nullptr, const TableOptions& options = {});

// The "checkpoint" object of lmp.analysis/1 and lmp.inspect/2: the
// safetensors files read and not checked, tensors, both parameter counts,
// their difference and the status.
Json CheckpointJson(const model::CheckpointComparison& c);
// The same as a few lines of text, for the tables.
std::string CheckpointText(const model::CheckpointComparison& c);

// The "memory" object of lmp.analysis/1 and lmp.fit/1: the footprint's parts
// and, with a status, the capacity, fits and headroom.
Json MemoryJson(const analysis::Footprint& f, const hardware::FitStatus& status);
// Two lines: the footprint's parts and total, then how it fits on `device`.
std::string MemoryText(const hardware::MemoryFit& m, const std::string& device);

// `lmp fit`: what was solved, the solution, and the footprint at it.
struct FitReport {
  std::string model_id;
  const hardware::Device* device = nullptr;
  hardware::FitRequest request;
  hardware::FitResult result;
  int64_t max_position_embeddings = 0;  // 0: the model config gives none
};
std::string FitText(const FitReport& r);
Json FitJson(const FitReport& r);  // lmp.fit/1

// `lmp generate`: the lmp.generate/1 contract (docs/json-output.md) and a
// short text summary.
// `memory` is the footprint at the request's largest context.
Json GenerateJson(const analysis::Plan& plan, int64_t parameters, const analysis::Scenario& s,
                  const hardware::Device& device, const request::GenerateResult& r, const hardware::MemoryFit& memory);
std::string GenerateText(const analysis::Plan& plan, int64_t parameters, const analysis::Scenario& s,
                         const hardware::Device& device, const request::GenerateResult& r,
                         const hardware::MemoryFit& memory);
// A header and one row: the scenario and every request metric, exact.
std::string GenerateCsv(const analysis::Plan& plan, int64_t parameters, const analysis::Scenario& s,
                        const hardware::Device& device, const request::GenerateResult& r,
                        const hardware::MemoryFit& memory);
// A metric/value table in human units.
std::string GenerateMarkdown(const analysis::Plan& plan, int64_t parameters, const analysis::Scenario& s,
                             const hardware::Device& device, const request::GenerateResult& r,
                             const hardware::MemoryFit& memory);

// One GPU's share of a deployment (request/deployment.h): the layout, the
// GPUs and nodes, the pipeline stage the plan is, and the batch per replica.
// The "deployment" object of lmp.analysis/1 and lmp.generate/1, and a line
// for the tables.
Json DeploymentJson(const request::Deployment& d, const analysis::Plan& plan);
std::string DeploymentText(const request::Deployment& d, const analysis::Plan& plan);

// `lmp hardware list` and `lmp hardware show`.
std::string HardwareListText(const hardware::Catalog& catalog);
Json HardwareListJson(const hardware::Catalog& catalog);
std::string DeviceText(const hardware::Device& d);

// The layer tree: class, repeat, parameters per layer; indented text, or
// the lmp.inspect/2 document with each composite's layers nested in its
// "sub_layers". `checkpoint` as for AnalysisJson.
std::string InspectText(const analysis::Plan& plan, int64_t parameters,
                        const model::CheckpointComparison* checkpoint = nullptr);
Json InspectJson(const analysis::Plan& plan, int64_t parameters,
                 const model::CheckpointComparison* checkpoint = nullptr);

std::string ModuleEvalText(const analysis::ModuleEvaluation& e);
Json ModuleEvalJson(const analysis::ModuleEvaluation& e);

// 1234567 -> "1,234,567".
std::string Grouped(int64_t v);
// Scaled with an SI prefix: (2.5e12, "FLOP") -> "2.50 TFLOP".
std::string Human(double v, const char* unit);
// Seconds in s, ms, µs or ns: 0.0123 -> "12.30 ms".
std::string HumanTime(double seconds);

}  // namespace lmp::report

#endif  // LMP_REPORT_REPORT_H_
