#include "api/commands.h"

#include <optional>
#include <string>
#include <utility>

#include "hardware/roofline.h"
#include "util/error.h"

namespace lmp::api {

namespace {

// The catalogs of a request, each the one Sources points at or loaded.
struct Catalogs {
  std::optional<db::ModuleDb> db_storage;
  std::optional<hardware::Catalog> hardware_storage;
  std::optional<hardware::RuntimeCatalog> runtimes_storage;
  const db::ModuleDb* db = nullptr;
  const hardware::Catalog* hardware = nullptr;
  const hardware::RuntimeCatalog* runtimes = nullptr;
};

}  // namespace

CompareResult Compare(const CompareRequest& r) {
  Catalogs c;
  c.db = r.sources.db ? r.sources.db : &c.db_storage.emplace(LoadDb(r.sources.db_files));
  c.hardware =
      r.sources.hardware ? r.sources.hardware : &c.hardware_storage.emplace(LoadHardware(r.sources.hardware_files));
  c.runtimes =
      r.sources.runtimes ? r.sources.runtimes : &c.runtimes_storage.emplace(LoadRuntimes(r.sources.runtime_files));
  CompareResult out{request::EvaluateRequest(r.a, *c.db, *c.hardware, *c.runtimes, "A: "), {}};
  out.b = request::EvaluateRequest(r.b, *c.db, *c.hardware, *c.runtimes, "B: ");
  return out;
}

std::shared_ptr<const sweep::Sweep> PrepareSweep(SweepRequest r) {
  struct Held {
    Catalogs catalogs;
    std::optional<sweep::Sweep> sweep;
  };
  auto held = std::make_shared<Held>();
  Catalogs& c = held->catalogs;
  c.runtimes =
      r.sources.runtimes ? r.sources.runtimes : &c.runtimes_storage.emplace(LoadRuntimes(r.sources.runtime_files));
  const hardware::Runtime& runtime = c.runtimes->GetOrDefault(r.axes.runtime, Opt("runtime"));
  r.axes.runtime = runtime.name;
  if (r.axes.profiles.empty()) {
    r.axes.profiles = {runtime.execution_profile.empty() ? "fused" : runtime.execution_profile};
  }
  c.db = r.sources.db ? r.sources.db : &c.db_storage.emplace(LoadDb(r.sources.db_files));
  c.hardware = r.sources.hardware
                   ? r.sources.hardware
                   : &c.hardware_storage.emplace(LoadHardware(r.sources.hardware_files, r.sources.hardware_texts));
  held->sweep.emplace(r.axes, *c.db, *c.hardware, *c.runtimes);
  return std::shared_ptr<const sweep::Sweep>(held, &*held->sweep);
}

PlanResultSet Plan(PlanRequest r, const std::function<void(int64_t, int64_t)>& progress) {
  request::PlanSearch& search = r.search;
  if (search.gpus < 1 || search.gpus > parallel::kMaxGpus) {
    throw Error::Option("gpus", "must be a positive integer of at most " + std::to_string(parallel::kMaxGpus) +
                                    ", got " + std::to_string(search.gpus));
  }
  if (search.gen_len < 1)
    throw Error::Option("gen", "must be a positive integer, got " + std::to_string(search.gen_len));
  if (search.max_batch < 1 || search.max_batch > analysis::kMaxScenarioInt) {
    throw Error::Option("max_batch", "must be a positive integer of at most " +
                                         std::to_string(analysis::kMaxScenarioInt) + ", got " +
                                         std::to_string(search.max_batch));
  }
  if (search.jobs < 1) throw Error::Option("jobs", "must be a positive integer, got " + std::to_string(search.jobs));
  analysis::Scenario& s = search.scenario;
  analysis::ValidateScenario(s);
  std::optional<hardware::Catalog> catalog_storage;
  const hardware::Catalog& catalog =
      r.sources.hardware ? *r.sources.hardware
                         : catalog_storage.emplace(LoadHardware(r.sources.hardware_files, r.sources.hardware_texts));
  PlanResultSet out;
  out.device = catalog.Get(r.hardware);
  std::optional<hardware::RuntimeCatalog> runtimes_storage;
  const hardware::RuntimeCatalog& runtimes =
      r.sources.runtimes ? *r.sources.runtimes : runtimes_storage.emplace(LoadRuntimes(r.sources.runtime_files));
  const hardware::Runtime& runtime = runtimes.GetOrDefault(r.runtime, Opt("runtime"));
  s.profile = runtime.execution_profile.empty() ? "fused" : runtime.execution_profile;
  s = hardware::OnDevice(s, out.device);
  LayoutRequest lo;
  lo.tp = 2;  // any layout of several GPUs: SetupLayout then resolves the cluster
  lo.cluster = r.cluster;
  lo.cluster_files = r.cluster_files;
  lo.sharding_files = r.sharding_files;
  const LayoutSetup layout = SetupLayout(lo, &out.device);
  std::optional<db::ModuleDb> db_storage;
  const db::ModuleDb& db = r.sources.db ? *r.sources.db : db_storage.emplace(LoadDb(r.sources.db_files));
  const model::Model model = model::LoadModel(r.model);
  out.result = request::SearchPlans(model, db, layout.rules, out.device, *layout.cluster,
                                    runtimes.Resolve(runtime, out.device), search, progress);
  out.model_id = model.id;
  out.cluster = layout.cluster->name;
  out.runtime = runtime.name;
  out.search = search;
  return out;
}

ValidateResultSet Validate(const ValidateRequest& r, const std::function<void(const Error&)>& other_bad_row) {
  ValidateResultSet out;
  out.dataset = std::make_unique<validate::Dataset>();
  std::vector<Error> bad_rows;
  if (r.datasets.empty()) {
    validate::AddEmbeddedDatasets(out.dataset.get(), &bad_rows);
  } else {
    for (const std::string& f : r.datasets) validate::AddDatasetFile(f, out.dataset.get(), &bad_rows);
  }
  std::optional<hardware::Catalog> catalog_storage;
  const hardware::Catalog& catalog =
      r.sources.hardware ? *r.sources.hardware
                         : catalog_storage.emplace(LoadHardware(r.sources.hardware_files, r.sources.hardware_texts));
  validate::CheckRows(*out.dataset, catalog, &bad_rows);
  if (!bad_rows.empty()) {
    if (other_bad_row) {
      for (size_t i = 0; i + 1 < bad_rows.size(); ++i) other_bad_row(bad_rows[i]);
    }
    throw bad_rows.back();
  }
  std::optional<hardware::RuntimeCatalog> runtimes_storage;
  const hardware::RuntimeCatalog& runtimes =
      r.sources.runtimes ? *r.sources.runtimes : runtimes_storage.emplace(LoadRuntimes(r.sources.runtime_files));
  if (!r.options.runtime.empty()) runtimes.Get(r.options.runtime, Opt("runtime"));
  std::optional<db::ModuleDb> db_storage;
  const db::ModuleDb& db = r.sources.db ? *r.sources.db : db_storage.emplace(LoadDb(r.sources.db_files));
  out.result = validate::Validate(*out.dataset, r.options, db, catalog, runtimes);
  return out;
}

}  // namespace lmp::api
