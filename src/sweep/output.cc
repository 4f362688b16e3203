#include "sweep/output.h"

#include <iterator>

#include <fmt/format.h>

#include "report/table.h"
#include "util/error.h"
#include "util/json_file.h"

namespace lmp::sweep {
Format ParseFormat(std::string_view text) {
  if (text == "csv") return Format::kCsv;
  if (text == "jsonl") return Format::kJsonl;
  if (text == "markdown") return Format::kMarkdown;
  throw Error("", "--format", "unknown format '" + std::string(text) + "'; use csv, jsonl or markdown");
}

std::string Header(Format format) {
  constexpr const char* kColumns[] = {"model",  "device", "batch",  "prompt", "gen",    "w_bits",
                                      "a_bits", "kv_bits", "profile", "runtime", "ttft_s", "tpot_s", "e2e_s",
                                      "tokens_per_s", "request_flops", "request_bytes", "footprint_bytes", "fits"};
  std::string out;
  if (format == Format::kCsv) {
    for (const char* c : kColumns) out += (out.empty() ? "" : ",") + std::string(c);
    return out + "\n";
  }
  if (format == Format::kMarkdown) {
    std::string rule = "|";
    out = "|";
    for (const char* c : kColumns) {
      out += " " + std::string(c) + " |";
      rule += std::string(c) == "model" || std::string(c) == "device" || std::string(c) == "profile" ||
                      std::string(c) == "runtime"
                  ? "---|"
                  : "---:|";
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
}

void RowWriter::Append(const Row& r, std::string* out) const {
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
