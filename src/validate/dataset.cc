#include "validate/dataset.h"

#include <array>
#include <set>

#include "util/embedded.h"
#include "util/json_file.h"
#include "util/schema.h"

namespace lmp::validate {
namespace {

constexpr const char* kSchema = "schema/measurements.schema.json";
constexpr const char* kDocs = "docs/validation.md";

constexpr std::array<std::pair<Metric, const char*>, 8> kMetrics = {{
    {Metric::kTtft, "ttft_s"},
    {Metric::kTpot, "tpot_s"},
    {Metric::kE2e, "e2e_s"},
    {Metric::kOutputTokensPerS, "output_tokens_per_s"},
    {Metric::kOutputTokensPerSPerGpu, "output_tokens_per_s_per_gpu"},
    {Metric::kOutputTokensPerSPerUser, "output_tokens_per_s_per_user"},
    {Metric::kPrefillStep, "prefill_step_s"},
    {Metric::kDecodeStep, "decode_step_s"},
}};

Metric ParseMetric(const std::string& name) {
  for (const auto& [m, n] : kMetrics) {
    if (name == n) return m;
  }
  return Metric::kTtft;  // unreachable: the schema admits only the names above
}

// The directory part of `file`, with its slash; "" for none or embedded data.
std::string DirOf(const std::string& file) {
  if (file.rfind("<embedded>", 0) == 0) return "";
  const size_t slash = file.rfind('/');
  return slash == std::string::npos ? "" : file.substr(0, slash + 1);
}

Measurement ParseRow(const Json& j, const std::string& file, const std::string& ptr) {
  Measurement m;
  m.id = j["id"].get<std::string>();
  m.model = j["model"].get<std::string>();
  // A model given as a path is read relative to the dataset file.
  if (m.model.size() > 5 && m.model.compare(m.model.size() - 5, 5, ".json") == 0 && m.model[0] != '/') {
    m.model = DirOf(file) + m.model;
  }
  m.hardware = j["hardware"].get<std::string>();
  m.gpus = j.value("gpus", int64_t{1});
  m.tp = j.value("tp", int64_t{1});
  m.pp = j.value("pp", int64_t{1});
  m.w_bits = j.value("w_bits", 16);
  m.a_bits = j.value("a_bits", 16);
  m.kv_bits = j.value("kv_bits", 16);
  m.w_group_size = j.value("w_group_size", int64_t{0});
  m.compute = j.value("compute", "auto");
  m.batch = j["batch"].get<int64_t>();
  m.input_len = j["input_len"].get<int64_t>();
  m.output_len = j["output_len"].get<int64_t>();
  m.kv_len = j.value("kv_len", int64_t{0});
  m.framework = j["framework"].get<std::string>();
  m.metric = ParseMetric(j["metric"].get<std::string>());
  m.value = j["value"].get<double>();
  m.fit = j["split"].get<std::string>() == "fit";
  const Json& src = j["source"];
  m.source = src["title"].get<std::string>() + ", " + src["locator"].get<std::string>();
  m.file = file;
  m.pointer = ptr;
  return m;
}

}  // namespace

const char* MetricName(Metric m) {
  for (const auto& [metric, name] : kMetrics) {
    if (metric == m) return name;
  }
  return "?";
}

bool IsThroughput(Metric m) {
  return m == Metric::kOutputTokensPerS || m == Metric::kOutputTokensPerSPerGpu ||
         m == Metric::kOutputTokensPerSPerUser;
}

void AddDatasetText(std::string_view text, const std::string& file, Dataset* out, std::vector<Error>* row_errors) {
  const Json doc = ParseJson(text, file);
  // The top level first, with the rows left out: a fault there is the whole
  // file's. Then each row on its own, so one bad row hides no other.
  Json top = doc;
  if (top.is_object() && top.contains("measurements") && top["measurements"].is_array()) {
    top["measurements"] = Json::array();
  }
  ValidateAgainstSchema(top, kSchema, file, kDocs);
  const Json& rows = doc["measurements"];
  std::set<std::string> ids;
  for (const Measurement& m : out->rows) {
    if (m.file == file) ids.insert(m.id);
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string ptr = "/measurements/" + std::to_string(i);
    Json one = top;
    one["measurements"] = Json::array({rows[i]});
    try {
      ValidateAgainstSchema(one, kSchema, file, kDocs);
    } catch (const Error& e) {
      // Put the row's own index back in the pointer ("/measurements/0/...").
      std::string where = e.where();
      if (where.rfind("/measurements/0", 0) == 0) where = ptr + where.substr(15);
      row_errors->emplace_back(file, where, e.message());
      continue;
    }
    Measurement m = ParseRow(rows[i], file, ptr);
    if (!ids.insert(m.id).second) {
      row_errors->emplace_back(file, ptr + "/id", "id '" + m.id + "' is used by an earlier row; make it unique");
      continue;
    }
    if (m.tp * m.pp > m.gpus && rows[i].contains("gpus")) {
      row_errors->emplace_back(file, ptr + "/gpus",
                               "tp x pp is " + std::to_string(m.tp * m.pp) + " but gpus is " + std::to_string(m.gpus) +
                                   "; give the number of GPUs the layout uses");
      continue;
    }
    if (!rows[i].contains("gpus")) m.gpus = m.tp * m.pp;
    out->rows.push_back(std::move(m));
  }
}

void AddDatasetFile(const std::string& path, Dataset* out, std::vector<Error>* row_errors) {
  AddDatasetText(ReadFile(path), path, out, row_errors);
}

void AddEmbeddedDatasets(Dataset* out, std::vector<Error>* row_errors) {
  for (const EmbeddedFile& f : EmbeddedFilesUnder("measurements/")) {
    AddDatasetText(f.text, "<embedded>/" + std::string(f.path), out, row_errors);
  }
}

}  // namespace lmp::validate
