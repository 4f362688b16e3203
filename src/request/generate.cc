#include "request/generate.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "analysis/analyze.h"
#include "formula/affine.h"
#include "hardware/roofline.h"
#include "hardware/time_model.h"
#include "util/error.h"

namespace lmp::request {
namespace {

using analysis::Metrics;
using analysis::Scenario;
using analysis::Stage;
using analysis::StageResult;
using formula::AffineValue;

// Enough for every window edge of a model; past it, the rest is stepped.
constexpr int64_t kMaxPieces = 64;

constexpr std::array<int, 5> kByteMetrics = {db::kReadsWeights, db::kReadsActivations, db::kReadsKvCache,
                                             db::kWritesActivations, db::kWritesKvCache};

double Bytes(const Metrics& m) {
  double sum = 0;
  for (int k : kByteMetrics) sum += static_cast<double>(m[k]);
  return sum;
}

// Sum over x = x0 .. x1 of max(a1 + b1 x, a2 + b2 x): the second line, plus
// the part of the first that lies above it. The lines cross at most once, so
// that part is one arithmetic series on one side of the crossing.
double SumOfMax(double a1, double b1, double a2, double b2, int64_t x0, int64_t x1) {
  const double n = static_cast<double>(x1 - x0 + 1);
  const double sum_x = (static_cast<double>(x0) + static_cast<double>(x1)) * n / 2;
  double total = a2 * n + b2 * sum_x;
  const double c = a1 - a2, e = b1 - b2;  // the excess c + e x
  double lo = static_cast<double>(x0), hi = static_cast<double>(x1);
  if (e == 0) {
    return total + (c > 0 ? c * n : 0.0);
  }
  const double root = -c / e;  // excess is zero here
  if (e > 0) {
    lo = std::max(lo, std::floor(root) + 1);
  } else {
    hi = std::min(hi, std::ceil(root) - 1);
  }
  if (hi >= lo) {
    const double m = hi - lo + 1;
    total += c * m + e * (lo + hi) * m / 2;
  }
  return total;
}

struct OpForm {
  bool closed = false;
  int64_t flops_base = 0, flops_slope = 0;
  int64_t bytes_base = 0, bytes_slope = 0;
};

// The closed form of one operation, if all six figures are affine in kv_len
// with whole coefficients and match the concrete runs at both ends.
OpForm FormOf(const std::vector<AffineValue>& slots, uint32_t out_slot, int64_t x0, const Metrics& at_x0, int64_t x1,
              const Metrics& at_x1) {
  OpForm f;
  std::array<int64_t, db::kNumMetrics> base{}, slope{};
  for (int k = 0; k < db::kNumMetrics; ++k) {
    const AffineValue& v = slots[out_slot + k];
    int64_t b0 = 0, got0 = 0, got1 = 0;
    if (v.affine && v.slope.AsDouble() == 0.0 && formula::ToCount(v.base, &b0) == formula::Status::kOk) {
      // Constant in kv_len but fractional (an MoE layer's expected experts
      // touched): every step counts it rounded as the concrete run does.
      if (b0 != at_x0[k] || b0 != at_x1[k]) return f;
      base[k] = b0;
      slope[k] = 0;
      continue;
    }
    if (!formula::EvaluateWhole(v, 0, &b0) || !formula::EvaluateWhole(v, x0, &got0) ||
        !formula::EvaluateWhole(v, x1, &got1) || got0 != at_x0[k] || got1 != at_x1[k]) {
      return f;
    }
    base[k] = b0;
    formula::EvaluateWhole(v, 1, &slope[k]);
    slope[k] -= b0;
  }
  f.closed = true;
  f.flops_base = base[db::kFlops];
  f.flops_slope = slope[db::kFlops];
  for (int k : kByteMetrics) {
    f.bytes_base += base[k];
    f.bytes_slope += slope[k];
  }
  return f;
}

}  // namespace

RequestFigures PrepareRequest(const analysis::Plan& plan, const Scenario& s, int64_t gen_len) {
  analysis::Evaluator ev(plan);
  RequestFigures r;
  PrepareRequest(plan, s, gen_len, ev, &r);
  return r;
}

void PrepareRequest(const analysis::Plan& plan, const Scenario& s, int64_t gen_len, analysis::Evaluator& ev,
                    RequestFigures* out) {
  RequestFigures& r = *out;
  analysis::ValidateScenario(s);
  if (gen_len < 1) throw Error::Option("gen", "must be a positive integer, got " + std::to_string(gen_len));
  int64_t last_kv_len = 0;
  if (__builtin_add_overflow(s.prompt_len, gen_len - 1, &last_kv_len)) {
    throw Error::Option("gen", "prompt plus generated tokens overflows 64 bits; use smaller lengths");
  }
  r.gen_len = gen_len;
  r.decode_steps = gen_len - 1;
  r.first_kv_len = r.last_kv_len = 0;
  r.pieces.clear();
  r.closed_form_ops = r.stepped_ops = 0;

  ev.Run(s, Stage::kPrefill, &r.prefill);
  r.request_flops = static_cast<double>(r.prefill.totals[db::kFlops]);
  r.request_bytes = Bytes(r.prefill.totals);
  if (r.decode_steps == 0) return;

  const int64_t x0 = s.prompt_len + 1, x1 = last_kv_len;
  r.first_kv_len = x0;
  r.last_kv_len = x1;
  Scenario d = s;
  d.decode_kv_len = x0;
  ev.Run(d, Stage::kDecode, &r.first);
  d.decode_kv_len = x1;
  ev.Run(d, Stage::kDecode, &r.last);

  // The decode range is summed piece by piece. A piece is split where a
  // min or max over kv_len changes sides (a sliding window's edge), so
  // that on each piece every such min or max is one affine argument.
  std::vector<formula::Value> inputs(analysis::kNumInputs);
  analysis::LoadInputs(d, analysis::InputsFor(d, Stage::kDecode), inputs.data());
  std::vector<bool> stepped(plan.ops.size(), false);
  std::vector<OpForm> forms(plan.ops.size());
  std::vector<formula::AffineRange> todo = {{x0, x1}};
  std::vector<int64_t> breaks;
  StageResult at_lo, at_hi, step;
  while (!todo.empty()) {
    const formula::AffineRange piece = todo.back();
    todo.pop_back();
    // The whole range's ends were run for TPOT first and last already.
    const StageResult* lo_run = &r.first;
    const StageResult* hi_run = &r.last;
    if (piece.lo != x0) {
      d.decode_kv_len = piece.lo;
      ev.Run(d, Stage::kDecode, &at_lo);
      lo_run = &at_lo;
    }
    if (piece.hi != x1) {
      d.decode_kv_len = piece.hi;
      ev.Run(d, Stage::kDecode, &at_hi);
      hi_run = &at_hi;
    }
    breaks.clear();
    const std::vector<AffineValue> slots =
        formula::AnalyzeAffine(plan.program, inputs, analysis::kKvLen, &piece, &breaks);
    bool all_closed = true;
    for (size_t i = 0; i < plan.ops.size(); ++i) {
      forms[i] = FormOf(slots, plan.ops[i].out_slot, piece.lo, lo_run->ops[i], piece.hi, hi_run->ops[i]);
      all_closed = all_closed && forms[i].closed;
    }
    if (!all_closed && !breaks.empty() &&
        static_cast<int64_t>(r.pieces.size() + todo.size()) < kMaxPieces) {
      std::sort(breaks.begin(), breaks.end());
      breaks.erase(std::unique(breaks.begin(), breaks.end()), breaks.end());
      int64_t lo = piece.lo;
      for (int64_t b : breaks) {
        todo.push_back({lo, b});
        lo = b + 1;
      }
      todo.push_back({lo, piece.hi});
      continue;
    }
    RequestFigures::Piece& out = r.pieces.emplace_back();
    out.lo = piece.lo;
    out.hi = piece.hi;
    const double steps = static_cast<double>(piece.hi - piece.lo + 1);
    const double sum_x = (static_cast<double>(piece.lo) + static_cast<double>(piece.hi)) * steps / 2;
    std::vector<uint32_t> step_ops;
    for (size_t i = 0; i < plan.ops.size(); ++i) {
      const OpForm& f = forms[i];
      if (!f.closed) {
        step_ops.push_back(static_cast<uint32_t>(i));
        stepped[i] = true;
        continue;
      }
      const double count = static_cast<double>(plan.ops[i].count);
      const RequestFigures::ClosedOp c{static_cast<uint32_t>(i), static_cast<double>(f.flops_base),
                                       static_cast<double>(f.flops_slope), static_cast<double>(f.bytes_base),
                                       static_cast<double>(f.bytes_slope)};
      out.closed.push_back(c);
      r.request_flops += count * (c.flops_base * steps + c.flops_slope * sum_x);
      r.request_bytes += count * (c.bytes_base * steps + c.bytes_slope * sum_x);
    }
    // Operations still not in closed form (a ceil_div over kv_len, say) are
    // evaluated at every step of the piece: exact, one program run a step.
    if (step_ops.empty()) continue;
    for (int64_t x = piece.lo; x <= piece.hi; ++x) {
      d.decode_kv_len = x;
      ev.Run(d, Stage::kDecode, &step);
      for (uint32_t i : step_ops) {
        const double count = static_cast<double>(plan.ops[i].count);
        const RequestFigures::SteppedOp o{i, static_cast<double>(step.ops[i][db::kFlops]), Bytes(step.ops[i])};
        out.stepped.push_back(o);
        r.request_flops += count * o.flops;
        r.request_bytes += count * o.bytes;
      }
    }
  }
  r.stepped_ops = std::count(stepped.begin(), stepped.end(), true);
  r.closed_form_ops = static_cast<int64_t>(plan.ops.size()) - r.stepped_ops;
}

GenerateResult TimeRequest(const analysis::Plan& plan, const RequestFigures& f, const Scenario& s,
                           const hardware::Device& device, const std::vector<double>& op_peaks_flops_per_s,
                           const hardware::Timing& timing) {
  // Rates per operation: the prefill's from its own shapes; every decode
  // step's from the first step's (GEMM shapes follow the batch, not kv_len).
  thread_local std::vector<hardware::OpRate> prefill_rates, decode_rates;
  GenerateResult r;
  r.runtime = timing.runtime;
  r.gen_len = f.gen_len;
  r.decode_steps = f.decode_steps;
  r.first_kv_len = f.first_kv_len;
  r.last_kv_len = f.last_kv_len;
  r.request_flops = f.request_flops;
  r.request_bytes = f.request_bytes;
  r.closed_form_ops = f.closed_form_ops;
  r.stepped_ops = f.stepped_ops;
  r.decode_pieces = static_cast<int64_t>(f.pieces.size());
  hardware::OpRates(plan, f.prefill, device, s, timing, op_peaks_flops_per_s, &prefill_rates);
  r.ttft_s = hardware::StageTime_s(plan, f.prefill, prefill_rates, hardware::StepOverhead_s(timing, Stage::kPrefill));
  if (f.decode_steps > 0) {
    const double step_overhead_s = hardware::StepOverhead_s(timing, Stage::kDecode);
    hardware::OpRates(plan, f.first, device, s, timing, op_peaks_flops_per_s, &decode_rates);
    r.tpot_first_s = hardware::StageTime_s(plan, f.first, decode_rates, step_overhead_s);
    r.tpot_last_s = hardware::StageTime_s(plan, f.last, decode_rates, step_overhead_s);
    for (const RequestFigures::Piece& piece : f.pieces) {
      const double steps = static_cast<double>(piece.hi - piece.lo + 1);
      for (const RequestFigures::ClosedOp& c : piece.closed) {
        const double count = static_cast<double>(plan.ops[c.op].count);
        const hardware::OpRate& rate = decode_rates[c.op];
        const double peak = rate.compute_flops_per_s, bandwidth = rate.memory_bytes_per_s;
        r.decode_s += count * (SumOfMax(c.flops_base / peak, c.flops_slope / peak, c.bytes_base / bandwidth,
                                        c.bytes_slope / bandwidth, piece.lo, piece.hi) +
                               rate.overhead_s * steps);
      }
      for (const RequestFigures::SteppedOp& o : piece.stepped) {
        r.decode_s += static_cast<double>(plan.ops[o.op].count) * hardware::OpTime_s(decode_rates[o.op], o.flops, o.bytes);
      }
    }
    r.decode_s += step_overhead_s * static_cast<double>(f.decode_steps);
    r.tpot_s = r.decode_s / static_cast<double>(f.decode_steps);
  }
  r.e2e_s = r.ttft_s + r.decode_s;
  r.tokens_per_s_per_sequence = static_cast<double>(f.gen_len) / r.e2e_s;
  r.tokens_per_s = static_cast<double>(s.batch_size) * r.tokens_per_s_per_sequence;
  return r;
}

GenerateResult Generate(const analysis::Plan& plan, const Scenario& s, int64_t gen_len,
                        const hardware::Device& device, const hardware::Timing& timing) {
  const RequestFigures f = PrepareRequest(plan, s, gen_len);
  return TimeRequest(plan, f, s, device, hardware::OpPeaks(plan, device, s), timing);
}

}  // namespace lmp::request
