#ifndef LMP_VALIDATE_DATASET_H_
#define LMP_VALIDATE_DATASET_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace lmp::validate {

// What a measured figure measures (data/schema/measurements.schema.json).
enum class Metric {
  kTtft,
  kTpot,
  kE2e,
  kOutputTokensPerS,
  kOutputTokensPerSPerGpu,
  kOutputTokensPerSPerUser,
  kPrefillStep,
  kDecodeStep,
};
const char* MetricName(Metric m);
// Throughput metrics grow as time shrinks.
bool IsThroughput(Metric m);

// One measured figure, as the dataset file records it.
struct Measurement {
  std::string id;
  std::string model;  // a catalog id, or a path (resolved against the file's directory)
  std::string hardware;
  int64_t gpus = 1, tp = 1, pp = 1;
  int w_bits = 16, a_bits = 16, kv_bits = 16;
  int64_t w_group_size = 0;
  std::string compute = "auto";
  int64_t batch = 1, input_len = 1, output_len = 1;
  int64_t kv_len = 0;  // decode_step_s: 0 means input_len + 1
  std::string framework;
  Metric metric = Metric::kTtft;
  double value = 0;
  bool fit = false;  // split: "fit" (used to fit the time model) or "held_out"
  std::string source;  // title and locator, for reports
  std::string file, pointer;
};

struct Dataset {
  std::vector<Measurement> rows;
};

// Loads one dataset file into `out`. A file that is not JSON, or whose top
// level breaks the schema, throws lmp::Error. A bad row does not stop the
// load: each is appended to `row_errors` (file, JSON pointer, what to do)
// and skipped, so that every bad row is reported at once.
void AddDatasetText(std::string_view text, const std::string& file, Dataset* out, std::vector<Error>* row_errors);
void AddDatasetFile(const std::string& path, Dataset* out, std::vector<Error>* row_errors);
// Every embedded file under data/measurements/.
void AddEmbeddedDatasets(Dataset* out, std::vector<Error>* row_errors);

}  // namespace lmp::validate

#endif  // LMP_VALIDATE_DATASET_H_
