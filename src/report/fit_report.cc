// The memory footprint in `analyze --hardware` and the `lmp fit` output.
#include <algorithm>

#include <fmt/format.h>

#include "report/report.h"

namespace lmp::report {
namespace {

std::string Bytes(int64_t v) { return Human(static_cast<double>(v), "B"); }

std::string Where(const analysis::Footprint& f) {
  return f.activation_op.empty() ? std::string("none")
                                 : fmt::format("{} {}", analysis::StageName(f.activation_stage), f.activation_op);
}

// One aligned line per part: exact bytes, then SI units and a note.
std::string Breakdown(const analysis::Footprint& f, const hardware::FitStatus& st) {
  const std::vector<std::pair<std::string, int64_t>> rows = {
      {"weights", f.weight_bytes},         {"KV cache", f.kv_cache_bytes}, {"activations", f.activation_bytes},
      {"total", f.total_bytes},            {"capacity", st.capacity_bytes}, {"headroom", st.headroom_bytes}};
  const std::vector<std::string> notes = {fmt::format("{} parameters", Grouped(f.parameters)),
                                          fmt::format("context {} tokens", f.context_len),
                                          Where(f),
                                          st.fits ? "fits" : "does not fit",
                                          "",
                                          st.headroom_bytes < 0 ? "short" : ""};
  size_t width = 0;
  for (const auto& [name, v] : rows) width = std::max(width, Grouped(v).size());
  std::string out;
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string human = Bytes(rows[i].second);
    out += fmt::format("  {:<13}{:>{}} B  {:>10}{}\n", rows[i].first, Grouped(rows[i].second), width, human,
                       notes[i].empty() ? "" : "  " + notes[i]);
  }
  return out;
}

std::string Bits(const analysis::Scenario& s) {
  return fmt::format("W{}A{}KV{}{}", s.w_bits, s.a_bits, s.kv_bits,
                     s.w_group_size > 0 ? fmt::format(" g{}", s.w_group_size) : "");
}

}  // namespace

Json MemoryJson(const analysis::Footprint& f, const hardware::FitStatus& status) {
  return Json{{"context_len", f.context_len},
              {"weight_bytes", f.weight_bytes},
              {"kv_cache_bytes", f.kv_cache_bytes},
              {"activation_bytes", f.activation_bytes},
              {"activation_stage", analysis::StageName(f.activation_stage)},
              {"activation_op", f.activation_op},
              {"total_bytes", f.total_bytes},
              {"capacity_bytes", status.capacity_bytes},
              {"fits", status.fits},
              {"headroom_bytes", status.headroom_bytes}};
}

std::string MemoryText(const hardware::MemoryFit& m, const std::string& device) {
  const analysis::Footprint& f = m.footprint;
  const hardware::FitStatus& st = m.status;
  std::string out = fmt::format("memory at context {}: weights {} + KV cache {} + activations {} ({}) = {}\n",
                                f.context_len, Bytes(f.weight_bytes), Bytes(f.kv_cache_bytes),
                                Bytes(f.activation_bytes), Where(f), Bytes(f.total_bytes));
  out += fmt::format("{} on {}: {} of {} bytes, {} {}\n", st.fits ? "fits" : "does not fit", device,
                     Grouped(st.total_bytes), Grouped(st.capacity_bytes),
                     Bytes(st.headroom_bytes < 0 ? -st.headroom_bytes : st.headroom_bytes),
                     st.fits ? "free" : "over");
  return out;
}

std::string FitText(const FitReport& rep) {
  const hardware::FitRequest& q = rep.request;
  const hardware::FitResult& r = rep.result;
  const bool batch = r.target == hardware::FitTarget::kBatchSize;
  std::string out = fmt::format("{} on {} ({} bytes of DRAM), {}\n", rep.model_id, rep.device->name,
                                Grouped(q.capacity_bytes), Bits(q.scenario));
  if (batch) {
    out += fmt::format("prompt {} + gen {} tokens: context {} tokens per sequence\n", q.scenario.prompt_len,
                       q.gen_len, r.footprint.context_len);
  } else {
    out += fmt::format("batch {}, gen {} tokens\n", q.scenario.batch_size, q.gen_len);
  }
  const char* what = batch ? "batch" : "prompt";
  if (!r.fits) {
    out += fmt::format("does not fit: even {} 1 needs {}, {} more than the device has\n", what,
                       Bytes(r.status.total_bytes), Bytes(-r.status.headroom_bytes));
    out += fmt::format("\nat {} 1:\n", what);
    return out + Breakdown(r.footprint, r.status);
  }
  if (batch) {
    out += fmt::format("largest batch that fits: {}\n", r.batch_size);
  } else {
    out += fmt::format("largest prompt that fits: {} tokens (context {})\n", r.prompt_len, r.context_len);
  }
  if (r.limit == hardware::FitLimit::kSearchCap) {
    out += fmt::format("(the search stops at {}; larger may fit too)\n", Grouped(hardware::kFitSearchCap));
  } else if (r.limit == hardware::FitLimit::kOverflow) {
    out += fmt::format("(one more overflows 64 bits in some figure; the search stops there)\n");
  }
  if (rep.max_position_embeddings > 0 && r.context_len > rep.max_position_embeddings) {
    out += fmt::format("note: context {} exceeds the model's max_position_embeddings ({})\n", r.context_len,
                       rep.max_position_embeddings);
  }
  out += fmt::format("\nat {} {}:\n", what, batch ? r.batch_size : r.prompt_len);
  out += Breakdown(r.footprint, r.status);
  if (r.next) {
    const hardware::FitStatus next = hardware::CheckFit(r.next->total_bytes, q.capacity_bytes);
    out += fmt::format("at {} {}: total {} bytes, {} over\n", what, (batch ? r.batch_size : r.prompt_len) + 1,
                       Grouped(next.total_bytes), Bytes(-next.headroom_bytes));
  }
  return out;
}

Json FitJson(const FitReport& rep) {
  const hardware::FitRequest& q = rep.request;
  const hardware::FitResult& r = rep.result;
  const bool batch = r.target == hardware::FitTarget::kBatchSize;
  Json j = Json::object();
  j["schema"] = "lmp.fit/1";
  j["model"] = {{"id", rep.model_id}, {"parameters", r.footprint.parameters}};
  j["hardware"] = {{"name", rep.device->name}, {"dram_bytes", rep.device->dram_bytes}};
  j["request"] = {{"batch_size", batch ? Json() : Json(q.scenario.batch_size)},
                  {"prompt_len", batch ? Json(q.scenario.prompt_len) : Json()},
                  {"gen_len", q.gen_len},
                  {"w_bits", q.scenario.w_bits},
                  {"a_bits", q.scenario.a_bits},
                  {"kv_bits", q.scenario.kv_bits},
                  {"w_group_size", q.scenario.w_group_size}};
  j["solve"] = hardware::FitTargetName(r.target);
  j["fits"] = r.fits;
  j["batch_size"] = r.batch_size;
  j["prompt_len"] = r.prompt_len;
  j["context_len"] = r.context_len;
  j["limit"] = r.fits ? Json(hardware::FitLimitName(r.limit)) : Json();
  j["memory"] = MemoryJson(r.footprint, r.status);
  j["next"] = r.next ? MemoryJson(*r.next, hardware::CheckFit(r.next->total_bytes, q.capacity_bytes)) : Json();
  j["max_position_embeddings"] = rep.max_position_embeddings > 0 ? Json(rep.max_position_embeddings) : Json();
  j["exceeds_max_position_embeddings"] =
      rep.max_position_embeddings > 0 && r.fits && r.context_len > rep.max_position_embeddings;
  return j;
}

}  // namespace lmp::report
