#include "report/compare_report.h"

#include <fmt/format.h>

#include "report/report.h"

namespace lmp::report {
namespace {

using request::RequestOutcome;

std::string Settings(const RequestOutcome& o) {
  const analysis::Scenario& s = o.scenario;
  std::string text = fmt::format("{} on {}, batch {}, prompt {}, gen {}, w-bits {}, a-bits {}, kv-bits {}", o.model_id,
                                 o.device, s.batch_size, s.prompt_len, o.result.gen_len, s.w_bits, s.a_bits,
                                 s.kv_bits);
  if (s.w_group_size > 0) text += fmt::format(", w-group-size {}", s.w_group_size);
  if (s.compute != "auto") text += ", compute " + s.compute;
  text += ", profile " + s.profile;
  if (s.profile == "flash") text += fmt::format(" (sram-bytes {})", analysis::SramBytes(s));
  text += ", runtime " + o.result.runtime;
  if (!o.layout.Trivial()) {
    text += fmt::format(", {} on {} GPUs of {} (memory per GPU)", parallel::LayoutText(o.layout), o.layout.Gpus(),
                        o.cluster);
  }
  return text;
}

struct Metric {
  const char* name;  // as in the table
  const char* key;   // as in JSON
  double a, b;
  std::string (*human)(double);
};

std::vector<Metric> Metrics(const RequestOutcome& a, const RequestOutcome& b) {
  auto time = [](double v) { return HumanTime(v); };
  auto rate = [](double v) { return fmt::format("{:.1f}", v); };
  auto flops = [](double v) { return Human(v, "FLOP"); };
  auto bytes = [](double v) { return Human(v, "B"); };
  return {
      {"ttft", "ttft_s", a.result.ttft_s, b.result.ttft_s, time},
      {"tpot", "tpot_s", a.result.tpot_s, b.result.tpot_s, time},
      {"e2e", "e2e_s", a.result.e2e_s, b.result.e2e_s, time},
      {"tokens/s", "tokens_per_s", a.result.tokens_per_s, b.result.tokens_per_s, rate},
      {"request FLOPs", "request_flops", a.result.request_flops, b.result.request_flops, flops},
      {"request bytes", "request_bytes", a.result.request_bytes, b.result.request_bytes, bytes},
      {"footprint", "footprint_bytes", static_cast<double>(a.footprint.total_bytes),
       static_cast<double>(b.footprint.total_bytes), bytes},
  };
}

// Under a layout on either side: the throughput per GPU, which a layout
// trades against per-sequence speed.
bool AnyLayout(const RequestOutcome& a, const RequestOutcome& b) { return !a.layout.Trivial() || !b.layout.Trivial(); }
double PerGpu(const RequestOutcome& o) { return o.result.tokens_per_s / static_cast<double>(o.layout.Gpus()); }

Json Side(const RequestOutcome& o) {
  const analysis::Scenario& s = o.scenario;
  return Json{{"model", o.model_id},
              {"device", o.device},
              {"batch", s.batch_size},
              {"prompt", s.prompt_len},
              {"gen", o.result.gen_len},
              {"w_bits", s.w_bits},
              {"a_bits", s.a_bits},
              {"kv_bits", s.kv_bits},
              {"w_group_size", s.w_group_size},
              {"compute", s.compute},
              {"profile", s.profile},
              {"sram_bytes", analysis::SramBytes(s)},
              {"runtime", o.result.runtime},
              {"ttft_s", o.result.ttft_s},
              {"tpot_s", o.result.tpot_s},
              {"e2e_s", o.result.e2e_s},
              {"tokens_per_s", o.result.tokens_per_s},
              {"request_flops", o.result.request_flops},
              {"request_bytes", o.result.request_bytes},
              {"footprint_bytes", o.footprint.total_bytes},
              {"capacity_bytes", o.fit.capacity_bytes},
              {"fits", o.fit.fits}};
}

}  // namespace

std::string CompareText(const RequestOutcome& a, const RequestOutcome& b) {
  std::string text = "A: " + Settings(a) + "\nB: " + Settings(b) + "\n\n";
  text += fmt::format("{:<14} {:>14} {:>14} {:>9}\n", "metric", "A", "B", "B/A");
  for (const Metric& m : Metrics(a, b)) {
    const std::string ratio = m.a == 0 ? "-" : fmt::format("{:.3f}", m.b / m.a);
    text += fmt::format("{:<14} {:>14} {:>14} {:>9}\n", m.name, m.human(m.a), m.human(m.b), ratio);
  }
  if (AnyLayout(a, b)) {
    text += fmt::format("{:<14} {:>14.1f} {:>14.1f} {:>9.3f}\n", "tokens/s/GPU", PerGpu(a), PerGpu(b), PerGpu(b) / PerGpu(a));
  }
  text += fmt::format("{:<14} {:>14} {:>14} {:>9}\n", "fits", a.fit.fits ? "yes" : "no", b.fit.fits ? "yes" : "no",
                      "-");
  return text;
}

Json CompareJson(const RequestOutcome& a, const RequestOutcome& b) {
  Json ratio = Json::object();
  for (const Metric& m : Metrics(a, b)) ratio[m.key] = m.a == 0 ? Json(nullptr) : Json(m.b / m.a);
  Json j{{"schema", "lmp.compare/1"}, {"a", Side(a)}, {"b", Side(b)}, {"ratio_b_over_a", ratio}};
  if (AnyLayout(a, b)) {
    for (const auto& [key, o] : {std::pair{"a", &a}, std::pair{"b", &b}}) {
      j[key]["layout"] = parallel::LayoutText(o->layout);
      j[key]["gpus"] = o->layout.Gpus();
      j[key]["tokens_per_s_per_gpu"] = PerGpu(*o);
      if (!o->cluster.empty()) j[key]["cluster"] = o->cluster;
    }
    j["ratio_b_over_a"]["tokens_per_s_per_gpu"] = PerGpu(b) / PerGpu(a);
  }
  return j;
}

}  // namespace lmp::report
