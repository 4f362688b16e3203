#include "api/request.h"

#include <algorithm>
#include <utility>

#include "analysis/footprint.h"
#include "db/embedded_subset.h"
#include "util/error.h"

namespace lmp::api {

db::ModuleDb LoadDb(const std::vector<std::string>& files) {
  db::ModuleDb db = db::ModuleDb::Embedded();
  if (files.empty()) return db;
  for (const std::string& f : files) db.AddFile(f);
  db.Check();
  return db;
}

hardware::Catalog LoadHardware(const std::vector<std::string>& files, const std::vector<TextSource>& texts) {
  hardware::Catalog c = hardware::Catalog::Embedded();
  for (const std::string& f : files) c.AddFile(f);
  for (const TextSource& t : texts) c.AddText(t.text, t.name);
  return c;
}

model::Model LoadRequestModel(const ModelRequest& r) {
  if (!r.model_text.empty()) return model::LoadModelText(r.model_text, r.model);
  return model::LoadModel(r.model);
}

namespace {

// The request's database, in two steps so that the first fault reported
// stays the same: files layered over the embedded database are loaded (and
// checked) before the model, and without them only the part of the
// embedded one the model reaches is loaded, after it (db/embedded_subset.h).
// A database the caller gave is used as it is.
class RequestDb {
 public:
  explicit RequestDb(const Sources& s) : given_(s.db) {
    if (!given_ && !s.db_files.empty()) storage_.emplace(LoadDb(s.db_files));
  }
  const db::ModuleDb& For(const model::Model& m) {
    if (given_) return *given_;
    if (!storage_) storage_.emplace(db::EmbeddedModulesFor(ClassNames(m)));
    return *storage_;
  }

 private:
  static void Collect(const model::Layer& l, std::vector<std::string>* out) {
    out->push_back(l.class_name);
    for (const model::Layer& s : l.sub_layers) Collect(s, out);
  }
  static std::vector<std::string> ClassNames(const model::Model& m) {
    std::vector<std::string> out;
    for (const model::Layer& l : m.layers) Collect(l, &out);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  const db::ModuleDb* given_;
  std::optional<db::ModuleDb> storage_;
};

const hardware::Catalog& RequestHardware(const Sources& s, std::optional<hardware::Catalog>* storage) {
  if (s.hardware) return *s.hardware;
  return storage->emplace(LoadHardware(s.hardware_files, s.hardware_texts));
}

}  // namespace

hardware::RuntimeCatalog LoadRuntimes(const std::vector<std::string>& files) {
  hardware::RuntimeCatalog c = hardware::RuntimeCatalog::Embedded();
  for (const std::string& f : files) c.AddFile(f);
  return c;
}

hardware::Timing TimingFor(const ModelRequest& r, const hardware::Device& device, analysis::Scenario* s) {
  std::optional<hardware::RuntimeCatalog> loaded;
  const hardware::RuntimeCatalog& runtimes =
      r.sources.runtimes ? *r.sources.runtimes : loaded.emplace(LoadRuntimes(r.sources.runtime_files));
  const hardware::Runtime& runtime = runtimes.GetOrDefault(r.runtime, Opt("runtime"));
  if (!r.profile_given && !runtime.execution_profile.empty()) s->profile = runtime.execution_profile;
  return runtimes.Resolve(runtime, device);
}

std::optional<model::CheckpointComparison> CheckCheckpoint(const model::Model& model, int64_t ours) {
  if (!model.checkpoint) return std::nullopt;
  return model::CompareCheckpoint(*model.checkpoint, ours);
}

namespace {

// Under a layout of more than one GPU, one plan per pipeline stage; else
// the one plan.
std::vector<analysis::Plan> BuildPlans(const model::Model& model, const db::ModuleDb& db, const std::string& profile,
                                       const LayoutSetup& layout) {
  if (layout.layout.Trivial()) return {analysis::BuildPlan(model, db, profile)};
  return request::BuildStagePlans(model, db, profile, layout.rules, layout.layout);
}

// `runtime` or runtime files without a device.
void CheckRuntimeNeedsHardware(const ModelRequest& r) {
  if (!r.hardware.empty()) return;
  if (!r.runtime.empty())
    throw Error::Option("runtime", "times need a device; add " + Opt("hardware") + " NAME, or drop " + Opt("runtime"));
  if (!r.sources.runtime_files.empty()) {
    throw Error::Option("runtime_file",
                        "times need a device; add " + Opt("hardware") + " NAME, or drop " + Opt("runtime_file"));
  }
}

}  // namespace

// ---- analyze ----

AnalyzeResult Analyze(AnalyzeRequest r, const DatabaseHook& hook) {
  analysis::ValidateScenario(r.scenario);
  if ((!r.sources.hardware_files.empty() || !r.sources.hardware_texts.empty()) && r.hardware.empty()) {
    throw Error::Option("hardware_file",
                        "has no effect without " + Opt("hardware") + " NAME; add it, or drop " + Opt("hardware_file"));
  }
  CheckRuntimeNeedsHardware(r);
  AnalyzeResult out;
  hardware::Timing timing;
  if (!r.hardware.empty()) {
    std::optional<hardware::Catalog> loaded;
    out.device = RequestHardware(r.sources, &loaded).Get(r.hardware);
    r.scenario = hardware::OnDevice(r.scenario, *out.device);
    timing = TimingFor(r, *out.device, &r.scenario);
  }
  LayoutSetup layout = SetupLayout(r.layout, out.device ? &*out.device : nullptr);
  layout.deployment.batch = r.scenario.batch_size;
  const bool many = !layout.layout.Trivial();
  if (r.pp_stage < 0 || r.pp_stage >= layout.layout.pp) {
    throw Error::Option("pp_stage", "must be a stage from 0 to " + std::to_string(layout.layout.pp - 1) + ", got " +
                                        std::to_string(r.pp_stage));
  }
  if (layout.cluster) request::SetCommTiers(*layout.cluster, layout.layout, &timing);
  RequestDb request_db(r.sources);
  out.model = LoadRequestModel(r);
  const db::ModuleDb* db = &request_db.For(out.model);
  std::optional<db::ModuleDb> hooked;
  if (hook) db = &hooked.emplace(hook(out.model, *db));
  out.stages = BuildPlans(out.model, *db, r.scenario.profile, layout);
  out.pp_stage = r.pp_stage;
  const analysis::Plan& plan = out.plan();
  out.scenario = many ? request::StageScenario(r.scenario, layout.deployment) : r.scenario;
  out.analysis = analysis::Analyze(plan, out.scenario);
  if (out.device) {
    out.roofline = hardware::RooflineAll(plan, out.analysis, *out.device, timing);
    hardware::MemoryFit m;
    m.footprint =
        request::DeviceFootprint(out.stages, r.scenario, layout.deployment, analysis::ScenarioContextLen(r.scenario));
    m.status = hardware::CheckFit(m.footprint.total_bytes, out.device->dram_bytes);
    out.memory = m;
  }
  out.checkpoint = CheckCheckpoint(out.model, out.analysis.parameters);
  if (many) out.deployment = layout.deployment;
  return out;
}

// ---- generate ----

double GenerateResultSet::TokensPerSecondPerGpu() const {
  const int64_t gpus = deployment ? deployment->layout.Gpus() : 1;
  return result.tokens_per_s / static_cast<double>(gpus);
}

namespace {

void CheckGenLen(int64_t gen_len) {
  if (gen_len < 1) throw Error::Option("gen", "must be a positive integer, got " + std::to_string(gen_len));
}

// What generate and fit share: the checked request, the device, the layout
// and the plans (built for the profile a timed request's runtime sets).
struct Loaded {
  hardware::Device device;
  hardware::Timing timing;
  LayoutSetup layout;
  model::Model model;
  std::vector<analysis::Plan> stages;
};

Loaded Load(ModelRequest& r, bool timed) {
  analysis::ValidateScenario(r.scenario);
  std::optional<hardware::Catalog> catalog;
  Loaded l{RequestHardware(r.sources, &catalog).Get(r.hardware), {}, {}, {}, {}};
  l.layout = SetupLayout(r.layout, &l.device);
  l.layout.deployment.batch = r.scenario.batch_size;
  if (timed) l.timing = TimingFor(r, l.device, &r.scenario);
  RequestDb request_db(r.sources);
  l.model = LoadRequestModel(r);
  l.stages = BuildPlans(l.model, request_db.For(l.model), r.scenario.profile, l.layout);
  if (l.layout.cluster) request::SetCommTiers(*l.layout.cluster, l.layout.layout, &l.timing);
  r.scenario = hardware::OnDevice(r.scenario, l.device);
  return l;
}

}  // namespace

GenerateResultSet Generate(GenerateRequest r) {
  CheckGenLen(r.gen_len);
  Loaded l = Load(r, true);
  GenerateResultSet out;
  out.device = std::move(l.device);
  out.timing = std::move(l.timing);
  out.scenario = r.scenario;
  out.gen_len = r.gen_len;
  out.stages = std::move(l.stages);
  const int64_t context_len = analysis::RequestContextLen(r.scenario.prompt_len, r.gen_len);
  if (l.layout.layout.Trivial()) {
    out.result = request::Generate(out.stages.front(), r.scenario, r.gen_len, out.device, out.timing);
    out.memory.footprint = analysis::MemoryFootprint(out.stages.front(), r.scenario, context_len);
  } else {
    const request::Deployment& d = l.layout.deployment;
    out.result = request::GenerateDeployed(out.stages, r.scenario, r.gen_len, out.device, out.timing, d);
    out.memory.footprint = request::DeviceFootprint(out.stages, r.scenario, d, context_len, &out.stage);
    out.deployment = d;
  }
  out.memory.status = hardware::CheckFit(out.memory.footprint.total_bytes, out.device.dram_bytes);
  return out;
}

StepAnalysis LastSteps(const GenerateResultSet& g) {
  analysis::Scenario steps = g.deployment ? request::StageScenario(g.scenario, *g.deployment) : g.scenario;
  steps.decode_kv_len = g.result.decode_steps > 0 ? g.result.last_kv_len : 0;
  if (g.result.decode_steps == 0) steps.stages = {analysis::Stage::kPrefill};
  StepAnalysis s;
  s.analysis = analysis::Analyze(g.plan(), steps);
  s.roofline = hardware::RooflineAll(g.plan(), s.analysis, g.device, g.timing);
  return s;
}

// ---- fit ----

FitResultSet Fit(FitRequest r) {
  CheckGenLen(r.gen_len);
  Loaded l = Load(r, false);
  FitResultSet out;
  out.model_id = l.stages.front().model_id;
  out.device = std::move(l.device);
  out.request.scenario = r.scenario;
  out.request.gen_len = r.gen_len;
  out.request.capacity_bytes = out.device.dram_bytes;
  out.max_position_embeddings = analysis::MaxPositionEmbeddings(l.model);
  const auto solve = [&](const analysis::Plan& p) {
    return r.solve_prompt ? hardware::LargestPrompt(p, out.request) : hardware::LargestBatch(p, out.request);
  };
  if (l.layout.layout.Trivial()) {
    out.result = solve(l.stages.front());
    return out;
  }
  // Over a layout every GPU must hold its stage's share: the answer is the
  // smallest over the stages, per attention replica (batch figures are per
  // replica); the deployment serves that many on each of its ep x dp.
  request::Deployment d = l.layout.deployment;
  const int64_t replicas = d.layout.ep * d.layout.dp;
  out.request.scenario.batch_size = d.BatchPerReplica();
  size_t stage = 0;
  for (size_t i = 0; i < l.stages.size(); ++i) {
    hardware::FitResult fit = solve(l.stages[i]);
    const int64_t value = r.solve_prompt ? fit.prompt_len : fit.batch_size;
    const int64_t best = r.solve_prompt ? out.result.prompt_len : out.result.batch_size;
    if (i == 0 || value < best || (!fit.fits && out.result.fits)) {
      out.result = std::move(fit);
      stage = i;
    }
  }
  // The figures stay per replica (its GPUs' memory); the deployment's batch
  // is what all replicas serve.
  d.batch = r.solve_prompt ? r.scenario.batch_size : std::max<int64_t>(out.result.batch_size, 1) * replicas;
  out.deployment = d;
  out.limiting_stage = std::move(l.stages[stage]);
  return out;
}

// ---- inspect ----

InspectResult Inspect(const InspectRequest& r) {
  Sources sources;
  sources.db_files = r.db_files;
  RequestDb request_db(sources);
  const model::Model model = model::LoadModel(r.model);
  InspectResult out;
  out.plan = analysis::BuildPlan(model, request_db.For(model), r.profile);
  analysis::Evaluator ev(out.plan);
  out.parameters = ev.Parameters(analysis::Scenario{});
  out.checkpoint = CheckCheckpoint(model, out.parameters);
  return out;
}

}  // namespace lmp::api
