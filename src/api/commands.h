#ifndef LMP_API_COMMANDS_H_
#define LMP_API_COMMANDS_H_

// The request API's calls over many requests: `lmp compare`, `sweep`, `plan`
// and `validate`, as plain functions over plain structs (docs/api.md). As
// in api/request.h, catalogs are the embedded ones with Sources' files
// layered over them (or the ones Sources points at), and errors name options
// by their field.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/request.h"
#include "request/compare.h"
#include "request/planner.h"
#include "sweep/sweep.h"
#include "validate/dataset.h"
#include "validate/validate.h"

namespace lmp::api {

// ---- compare ----

struct CompareRequest {
  request::RequestSpec a, b;
  Sources sources;  // db_files, hardware_files, runtime_files (or shared catalogs)
};

struct CompareResult {
  request::RequestOutcome a, b;
};

// Errors about one side's model or device start "A: " or "B: ".
CompareResult Compare(const CompareRequest& r);

// ---- sweep ----

struct SweepRequest {
  // axes.runtime "" is the runtime catalog's default; axes.profiles empty is
  // the runtime's execution profile (fused when it has none).
  sweep::Axes axes;
  Sources sources;
};

// The sweep, ready to run (sweep/runner.h, or Sweep::EvaluatePoint); it
// owns the catalogs it points into.
std::shared_ptr<const sweep::Sweep> PrepareSweep(SweepRequest r);

// ---- plan ----

struct PlanRequest {
  std::string model;
  std::string hardware;
  std::string runtime;  // "": the catalog's default
  std::string cluster;  // "": the first catalog cluster of the device
  // gpus, gen_len, max_batch, limits, jobs, and the scenario's prompt and
  // bits; its profile comes from the runtime.
  request::PlanSearch search;
  Sources sources;
  std::vector<std::string> cluster_files, sharding_files;
};

struct PlanResultSet {
  std::string model_id;
  hardware::Device device;
  std::string cluster;
  std::string runtime;
  request::PlanSearch search;  // as searched: the scenario on the device
  request::PlanResult result;
};

// `progress(done, total)` counts layouts, on the calling thread.
PlanResultSet Plan(PlanRequest r, const std::function<void(int64_t, int64_t)>& progress = {});

// ---- validate ----

struct ValidateRequest {
  std::vector<std::string> datasets;  // lmp.measurements/1 files; none: the embedded data/measurements/
  validate::ValidateOptions options;
  Sources sources;
};

struct ValidateResultSet {
  std::unique_ptr<validate::Dataset> dataset;  // the predictions point into it
  validate::ValidationResult result;
};

// Every bad dataset row is an error: all but the last go to `other_bad_row`
// (when given), then the last is thrown, so a front end can report them all.
ValidateResultSet Validate(const ValidateRequest& r, const std::function<void(const Error&)>& other_bad_row = {});

}  // namespace lmp::api

#endif  // LMP_API_COMMANDS_H_
