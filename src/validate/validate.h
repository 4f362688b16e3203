#ifndef LMP_VALIDATE_VALIDATE_H_
#define LMP_VALIDATE_VALIDATE_H_

#include <optional>
#include <string>
#include <vector>

#include "db/module_db.h"
#include "hardware/hardware.h"
#include "hardware/runtime.h"
#include "validate/dataset.h"

namespace lmp::validate {

// Which rows a run predicts and summarises.
enum class Split { kAll, kFit, kHeldOut };

// Which rows by their GPU count: every row, those on one GPU, or those
// over several (a tensor- or pipeline-parallel layout).
enum class Gpus { kAll, kSingle, kMulti };

struct ValidateOptions {
  std::string runtime;  // "": each row's runtime by its framework, else the default
  Split split = Split::kAll;
  Gpus gpus = Gpus::kAll;
};

// One row predicted, or skipped with the reason.
struct Prediction {
  const Measurement* row = nullptr;
  std::string device;   // catalog name
  std::string runtime;  // the runtime it was predicted under
  bool skipped = false;
  std::string reason;   // why skipped
  double predicted = 0;
  // Predicted time over measured time: for a throughput metric,
  // measured / predicted. Below 1 the prediction is optimistic.
  double time_ratio = 0;
};

// Median and 90th percentile of |time_ratio - 1|, the geometric mean of
// time_ratio (the bias), and the worst ratio (furthest from 1 either way,
// as max(r, 1/r)).
struct Summary {
  std::string group;  // "all", a device, a metric, "fit", "held_out"
  int64_t cases = 0;
  double median_abs_error = 0;
  double p90_abs_error = 0;
  double geomean_ratio = 0;
  double worst_factor = 0;
};

struct ValidationResult {
  std::vector<Prediction> predictions;  // every row of the chosen split, in dataset order
  Summary overall;
  std::vector<Summary> by_split, by_device, by_metric;
  std::vector<Summary> by_gpus;  // "1 GPU" and "2+ GPUs" (tensor/pipeline-parallel rows)
  int64_t skipped = 0;
};

// Predicts every row of `dataset` in the chosen split that lmp can express;
// the rest are listed as skipped with the reason (a layout the model cannot
// take or no catalog cluster for the device, a metric that needs a decode
// step with output_len 1, or a row CheckRows would reject). Rows over
// several GPUs run as tp x pp with the remaining GPUs as data-parallel
// replicas, on the catalog's first cluster of their device. Never throws
// for a row.
ValidationResult Validate(const Dataset& dataset, const ValidateOptions& options, const db::ModuleDb& db,
                          const hardware::Catalog& catalog, const hardware::RuntimeCatalog& runtimes);

// Rows whose model does not load or whose device is not in `catalog`: one
// error each, naming the row's file and the JSON pointer of the field.
void CheckRows(const Dataset& dataset, const hardware::Catalog& catalog, std::vector<Error>* errors);

// The summary statistics of a set of ratios (exposed for tests).
Summary Summarize(const std::string& group, std::vector<double> ratios);

}  // namespace lmp::validate

#endif  // LMP_VALIDATE_VALIDATE_H_
