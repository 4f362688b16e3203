#include <fmt/format.h>

#include "report/report.h"
#include "report/table.h"

namespace lmp::report {

Json GenerateJson(const analysis::Plan& plan, int64_t parameters, const analysis::Scenario& s,
                  const hardware::Device& device, const request::GenerateResult& r, const hardware::MemoryFit& memory) {
  Json j = Json::object();
  j["schema"] = "lmp.generate/1";
  j["model"] = {{"id", plan.model_id}, {"parameters", parameters}};
  j["scenario"] = {{"batch_size", s.batch_size},   {"prompt_len", s.prompt_len}, {"gen_len", r.gen_len},
                   {"w_bits", s.w_bits},           {"a_bits", s.a_bits},         {"kv_bits", s.kv_bits},
                   {"w_group_size", s.w_group_size}, {"compute", s.compute},     {"profile", s.profile},
                   {"runtime", r.runtime}};
  j["hardware"] = {{"name", device.name},
                   {"dram_bytes", device.dram_bytes},
                   {"dram_bandwidth_bytes_per_s", device.dram_bandwidth_bytes_per_s}};
  j["ttft_s"] = r.ttft_s;
  j["tpot_s"] = r.tpot_s;
  j["tpot_first_s"] = r.tpot_first_s;
  j["tpot_last_s"] = r.tpot_last_s;
  j["e2e_s"] = r.e2e_s;
  j["tokens_per_s"] = r.tokens_per_s;
  j["tokens_per_s_per_sequence"] = r.tokens_per_s_per_sequence;
  j["decode"] = {{"steps", r.decode_steps},
                 {"first_kv_len", r.first_kv_len},
                 {"last_kv_len", r.last_kv_len},
                 {"time_s", r.decode_s},
                 {"closed_form_ops", r.closed_form_ops},
                 {"stepped_ops", r.stepped_ops},
                 {"pieces", r.decode_pieces}};
  j["request_flops"] = r.request_flops;
  j["request_bytes"] = r.request_bytes;
  j["memory"] = MemoryJson(memory.footprint, memory.status);
  return j;
}

std::string GenerateText(const analysis::Plan& plan, int64_t parameters, const analysis::Scenario& s,
                         const hardware::Device& device, const request::GenerateResult& r, const hardware::MemoryFit& memory) {
  std::string out = fmt::format(
      "{}  ({} parameters) on {}\nbatch {}, prompt {}, generate {}, W{}A{}KV{}{}{}, profile {}, runtime {}\n\n",
      plan.model_id, Grouped(parameters), device.name, s.batch_size, s.prompt_len, r.gen_len, s.w_bits, s.a_bits,
      s.kv_bits, s.w_group_size > 0 ? fmt::format(" g{}", s.w_group_size) : "",
      s.compute != "auto" ? ", compute " + s.compute : "", s.profile, r.runtime);
  out += fmt::format("  TTFT (prefill)         {:>12}\n", HumanTime(r.ttft_s));
  if (r.decode_steps > 0) {
    out += fmt::format("  TPOT mean              {:>12}   over {} decode steps, kv_len {} to {}\n",
                       HumanTime(r.tpot_s), r.decode_steps, r.first_kv_len, r.last_kv_len);
    out += fmt::format("  TPOT first / last      {:>12} / {}\n", HumanTime(r.tpot_first_s), HumanTime(r.tpot_last_s));
  } else {
    out += "  TPOT                            -   (one token: no decode step)\n";
  }
  out += fmt::format("  end-to-end             {:>12}\n", HumanTime(r.e2e_s));
  out += fmt::format("  tokens/s per sequence  {:>12.1f}\n", r.tokens_per_s_per_sequence);
  out += fmt::format("  tokens/s aggregate     {:>12.1f}   ({} sequences)\n", r.tokens_per_s, s.batch_size);
  out += fmt::format("  request work           {} , {} moved\n", Human(r.request_flops, "FLOP"),
                     Human(r.request_bytes, "B"));
  out += '\n';
  out += MemoryText(memory, device.name);
  return out;
}

std::string GenerateCsv(const analysis::Plan& plan, int64_t parameters, const analysis::Scenario& s,
                        const hardware::Device& device, const request::GenerateResult& r,
                        const hardware::MemoryFit& memory) {
  std::string out =
      "model,parameters,hardware,batch_size,prompt_len,gen_len,w_bits,a_bits,kv_bits,w_group_size,compute,profile,"
      "runtime,ttft_s,tpot_s,tpot_first_s,tpot_last_s,e2e_s,tokens_per_s,tokens_per_s_per_sequence,request_flops,"
      "request_bytes,memory_bytes,capacity_bytes,fits\n";
  out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", CsvField(plan.model_id),
                     parameters, CsvField(device.name), s.batch_size, s.prompt_len, r.gen_len, s.w_bits, s.a_bits,
                     s.kv_bits, s.w_group_size, CsvField(s.compute), CsvField(s.profile), CsvField(r.runtime), r.ttft_s, r.tpot_s,
                     r.tpot_first_s, r.tpot_last_s, r.e2e_s, r.tokens_per_s, r.tokens_per_s_per_sequence,
                     r.request_flops, r.request_bytes, memory.footprint.total_bytes, device.dram_bytes,
                     memory.status.fits ? "true" : "false");
  return out;
}

std::string GenerateMarkdown(const analysis::Plan& plan, int64_t parameters, const analysis::Scenario& s,
                             const hardware::Device& device, const request::GenerateResult& r,
                             const hardware::MemoryFit& memory) {
  std::string out = fmt::format(
      "## {} on {}\n\n- {} parameters\n- batch {}, prompt {}, generate {}, W{}A{}KV{}{}{}, profile {}, runtime {}\n\n",
      plan.model_id, device.name, Grouped(parameters), s.batch_size, s.prompt_len, r.gen_len, s.w_bits, s.a_bits,
      s.kv_bits, s.w_group_size > 0 ? fmt::format(" g{}", s.w_group_size) : "",
      s.compute != "auto" ? ", compute " + s.compute : "", s.profile, r.runtime);
  Table t;
  t.columns = {{"metric", Align::kLeft}, {"value"}};
  t.rows = {{{"TTFT (prefill)"}, {HumanTime(r.ttft_s)}},
            {{"TPOT mean"}, {r.decode_steps > 0 ? HumanTime(r.tpot_s) : "-"}},
            {{"TPOT first / last"},
             {r.decode_steps > 0 ? HumanTime(r.tpot_first_s) + " / " + HumanTime(r.tpot_last_s) : "-"}},
            {{"end-to-end"}, {HumanTime(r.e2e_s)}},
            {{"tokens/s per sequence"}, {fmt::format("{:.1f}", r.tokens_per_s_per_sequence)}},
            {{"tokens/s aggregate"}, {fmt::format("{:.1f}", r.tokens_per_s)}},
            {{"request FLOPs"}, {Human(r.request_flops, "FLOP")}},
            {{"request bytes"}, {Human(r.request_bytes, "B")}},
            {{"memory footprint"}, {Human(static_cast<double>(memory.footprint.total_bytes), "B")}},
            {{"capacity"}, {Human(static_cast<double>(device.dram_bytes), "B")}},
            {{"fits"}, {memory.status.fits ? "yes" : "no"}}};
  return out + RenderMarkdown(t);
}

}  // namespace lmp::report
