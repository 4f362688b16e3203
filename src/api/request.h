#ifndef LMP_API_REQUEST_H_
#define LMP_API_REQUEST_H_

// The request API: what `lmp analyze`, `generate`, `fit` and `inspect` do,
// as plain functions over plain structs, shared by the CLI (src/cli) and
// the Python package. Each loads the model and the catalogs (files layered
// over the embedded ones), checks the request, builds the plans (one per
// pipeline stage under a layout) and evaluates them; rendering is
// src/report's. Errors are lmp::Error; a bad option is named by its field
// (docs/api.md).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/analyze.h"
#include "analysis/plan.h"
#include "analysis/scenario.h"
#include "api/layout.h"
#include "db/module_db.h"
#include "hardware/fit.h"
#include "hardware/hardware.h"
#include "hardware/roofline.h"
#include "hardware/runtime.h"
#include "model/model.h"
#include "model/safetensors.h"
#include "request/deployment.h"
#include "request/generate.h"

namespace lmp::api {

// A catalog file given as its text (the Python package's dicts); `name`
// stands for the file in errors.
struct TextSource {
  std::string name;
  std::string text;
};

// Files layered over the embedded catalogs, in order; the texts go after
// the files.
struct Sources {
  std::vector<std::string> db_files;
  std::vector<std::string> hardware_files;
  std::vector<TextSource> hardware_texts;
  std::vector<std::string> runtime_files;
  // Given, the catalogs to use instead of loading the files above over the
  // embedded ones: a caller that makes many requests loads them once. Not
  // owned; each must outlive the request.
  const db::ModuleDb* db = nullptr;
  const hardware::Catalog* hardware = nullptr;
  const hardware::RuntimeCatalog* runtimes = nullptr;
};

db::ModuleDb LoadDb(const std::vector<std::string>& files);
hardware::Catalog LoadHardware(const std::vector<std::string>& files, const std::vector<TextSource>& texts = {});
hardware::RuntimeCatalog LoadRuntimes(const std::vector<std::string>& files);

// What every request on a model shares.
struct ModelRequest {
  std::string model;  // catalog id, config.json, model directory or architecture JSON
  // Non-empty: the model's document itself (a config.json's or an
  // architecture JSON's text), and `model` only names it in errors.
  std::string model_text;
  analysis::Scenario scenario;
  // scenario.profile was chosen by the caller; otherwise a timed request
  // takes its runtime's execution profile.
  bool profile_given = false;
  std::string hardware;  // device name; "" (analyze only): no device
  std::string runtime;   // "": the runtime catalog's default
  LayoutRequest layout;
  Sources sources;
};

// The request's model: model_text when given, else what `model` names.
model::Model LoadRequestModel(const ModelRequest& r);

// The runtime `runtime` names (or the default) resolved for `device`; sets
// s->profile from it unless `profile_given`.
hardware::Timing TimingFor(const ModelRequest& r, const hardware::Device& device, analysis::Scenario* s);

// A model directory's safetensors parameter count against ours; nullopt
// for a model without a checkpoint. A mismatch is a result, not an error.
std::optional<model::CheckpointComparison> CheckCheckpoint(const model::Model& model, int64_t ours);

// Called, when given, with the model and the database before the plans are
// built; returns the database to use (the CLI fills the classes the
// database lacks through an agent or the tracer).
using DatabaseHook = std::function<db::ModuleDb(const model::Model&, const db::ModuleDb&)>;

// ---- analyze ----

struct AnalyzeRequest : ModelRequest {
  int64_t pp_stage = 0;  // under pp > 1: the pipeline stage to analyse
};

struct AnalyzeResult {
  model::Model model;
  std::vector<analysis::Plan> stages;  // one per pipeline stage (one without a layout)
  int64_t pp_stage = 0;
  analysis::Scenario scenario;  // as analysed: one GPU's share under a layout
  analysis::Analysis analysis;
  std::optional<hardware::Device> device;
  std::optional<hardware::RooflineAnalysis> roofline;  // with a device
  std::optional<hardware::MemoryFit> memory;           // with a device: the fullest GPU's
  std::optional<model::CheckpointComparison> checkpoint;
  std::optional<request::Deployment> deployment;  // a layout of more than one GPU
  const analysis::Plan& plan() const { return stages[static_cast<size_t>(pp_stage)]; }
};

AnalyzeResult Analyze(AnalyzeRequest r, const DatabaseHook& hook = {});

// ---- generate ----

struct GenerateRequest : ModelRequest {
  int64_t gen_len = 256;
};

struct GenerateResultSet {
  std::vector<analysis::Plan> stages;  // one per pipeline stage
  int64_t stage = 0;                   // the stage the memory figures are of (the fullest GPU's)
  hardware::Device device;
  hardware::Timing timing;
  analysis::Scenario scenario;  // on the device; the whole deployment's batch
  int64_t gen_len = 0;
  request::GenerateResult result;
  hardware::MemoryFit memory;
  std::optional<request::Deployment> deployment;
  const analysis::Plan& plan() const { return stages[static_cast<size_t>(stage)]; }
  int64_t parameters() const { return memory.footprint.parameters; }
  double TokensPerSecondPerGpu() const;
};

GenerateResultSet Generate(GenerateRequest r);

// The request's prefill and its last (most expensive) decode step, one
// GPU's, with their roofline: the HTML report's tables.
struct StepAnalysis {
  analysis::Analysis analysis;
  hardware::RooflineAnalysis roofline;
};
StepAnalysis LastSteps(const GenerateResultSet& g);

// ---- fit ----

struct FitRequest : ModelRequest {
  int64_t gen_len = 256;
  // Solve for the largest prompt at scenario.batch_size, instead of the
  // largest batch at scenario.prompt_len.
  bool solve_prompt = false;
};

struct FitResultSet {
  std::string model_id;
  hardware::Device device;
  hardware::FitRequest request;  // per attention replica under a layout
  hardware::FitResult result;
  int64_t max_position_embeddings = 0;  // 0: the config gives none
  // Under a layout: the deployment (its batch: what all replicas serve) and
  // the stage that limits it.
  std::optional<request::Deployment> deployment;
  std::optional<analysis::Plan> limiting_stage;
};

FitResultSet Fit(FitRequest r);

// ---- inspect ----

struct InspectRequest {
  std::string model;
  std::string profile = "fused";
  std::vector<std::string> db_files;
};

struct InspectResult {
  analysis::Plan plan;
  int64_t parameters = 0;
  std::optional<model::CheckpointComparison> checkpoint;
};

InspectResult Inspect(const InspectRequest& r);

}  // namespace lmp::api

#endif  // LMP_API_REQUEST_H_
