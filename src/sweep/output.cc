#include "sweep/output.h"

#include <iterator>

#include <fmt/format.h>

#include "parallel/layout.h"
#include "report/table.h"
#include "util/error.h"
#include "util/json_file.h"

namespace lmp::sweep {
Format ParseFormat(std::string_view text) {
  if (text == "csv") return Format::kCsv;
  if (text == "jsonl") return Format::kJsonl;
  if (text == "markdown") return Format::kMarkdown;
  throw Error::Option("format", "unknown format '" + std::string(text) + "'; use csv, jsonl or markdown");
}

std::string Header(Format format, bool layouts) {
  std::vector<std::string> kColumns = {"model",  "device", "batch",  "prompt", "gen",    "w_bits",
                                       "a_bits", "kv_bits", "profile", "runtime", "ttft_s", "tpot_s", "e2e_s",
                                       "tokens_per_s", "request_flops", "request_bytes", "footprint_bytes", "fits"};
  if (layouts) kColumns.insert(kColumns.end(), {"layout", "gpus", "tokens_per_s_per_gpu"});
  std::string out;
  if (format == Format::kCsv) {
    for (const std::string& c : kColumns) out += (out.empty() ? "" : ",") + c;
    return out + "\n";
  }
  if (format == Format::kMarkdown) {
    std::string rule = "|";
    out = "|";
    for (const std::string& c : kColumns) {
      out += " " + c + " |";
      rule += c == "model" || c == "device" || c == "profile" || c == "runtime" || c == "layout" ? "---|" : "---:|";
    }
    return out + "\n" + rule + "\n";
  }
  return out;
}

RowWriter::RowWriter(const Sweep& sweep, Format format) : format_(format) {
  auto name = [format](const std::string& s) {
    if (format == Format::kCsv) return report::CsvField(s);
    if (format == Format::kJsonl) return Json(s).dump();
    std::string md;  // Markdown: a | inside a cell is escaped
    for (char c : s) md += c == '|' ? std::string("\\|") : std::string(1, c);
    return md;
  };
  for (uint32_t i = 0; i < sweep.num_models(); ++i) models_.push_back(name(sweep.model_name(i)));
  for (uint32_t i = 0; i < sweep.num_devices(); ++i) devices_.push_back(name(sweep.device_name(i)));
  for (uint32_t i = 0; i < sweep.num_profiles(); ++i) profiles_.push_back(name(sweep.profile_name(i)));
  runtime_ = name(sweep.runtime_name());
  has_layouts_ = sweep.has_layouts();
  if (has_layouts_) {
    for (uint32_t i = 0; i < sweep.num_layouts(); ++i) {
      layouts_.push_back(name(parallel::LayoutText(sweep.layout(i))));
      gpus_.push_back(sweep.layout(i).Gpus());
    }
  }
}

void RowWriter::Append(const Row& r, std::string* out) const {
  AppendBase(r, out);
  if (!has_layouts_) return;
  // The layout's columns go before the row's end: "\n", " |\n" or "}\n".
  const double per_gpu = r.tokens_per_s / static_cast<double>(gpus_[r.layout]);
  const size_t cut = out->size() - (format_ == Format::kCsv ? 1 : 2);
  std::string extra;
  if (format_ == Format::kCsv) {
    extra = fmt::format(",{},{},{}", layouts_[r.layout], gpus_[r.layout], per_gpu);
  } else if (format_ == Format::kMarkdown) {
    extra = fmt::format(" | {} | {} | {}", layouts_[r.layout], gpus_[r.layout], per_gpu);
  } else {
    extra = fmt::format(",\"layout\":{},\"gpus\":{},\"tokens_per_s_per_gpu\":{}", layouts_[r.layout], gpus_[r.layout],
                        per_gpu);
  }
  out->insert(cut, extra);
}

void RowWriter::AppendBase(const Row& r, std::string* out) const {
  auto it = std::back_inserter(*out);
  const char* fits = r.fits ? "true" : "false";
  if (format_ == Format::kCsv) {
    fmt::format_to(it, "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", models_[r.model], devices_[r.device],
                   r.batch_size, r.prompt_len, r.gen_len, r.w_bits, r.a_bits, r.kv_bits, profiles_[r.profile], runtime_,
                   r.ttft_s, r.tpot_s, r.e2e_s, r.tokens_per_s, r.request_flops, r.request_bytes, r.footprint_bytes,
                   fits);
    return;
  }
  if (format_ == Format::kMarkdown) {
    fmt::format_to(it, "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                   models_[r.model], devices_[r.device], r.batch_size, r.prompt_len, r.gen_len, r.w_bits, r.a_bits,
                   r.kv_bits, profiles_[r.profile], runtime_, r.ttft_s, r.tpot_s, r.e2e_s, r.tokens_per_s, r.request_flops,
                   r.request_bytes, r.footprint_bytes, fits);
    return;
  }
  fmt::format_to(it,
                 "{{\"model\":{},\"device\":{},\"batch\":{},\"prompt\":{},\"gen\":{},\"w_bits\":{},\"a_bits\":{},"
                 "\"kv_bits\":{},\"profile\":{},\"runtime\":{},\"ttft_s\":{},\"tpot_s\":{},\"e2e_s\":{},\"tokens_per_s\":{},"
                 "\"request_flops\":{},\"request_bytes\":{},\"footprint_bytes\":{},\"fits\":{}}}\n",
                 models_[r.model], devices_[r.device], r.batch_size, r.prompt_len, r.gen_len, r.w_bits, r.a_bits,
                 r.kv_bits, profiles_[r.profile], runtime_, r.ttft_s, r.tpot_s, r.e2e_s, r.tokens_per_s,
                 r.request_flops, r.request_bytes, r.footprint_bytes, fits);
}

}  // namespace lmp::sweep
