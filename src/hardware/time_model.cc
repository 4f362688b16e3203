#include "hardware/time_model.h"

#include <cmath>
#include <limits>

#include "hardware/roofline.h"
#include "parallel/collective.h"
#include "util/error.h"

namespace lmp::hardware {

GemmShape ShapeOf(const analysis::Metrics& m, const analysis::Scenario& s) {
  GemmShape g;
  const double a_bytes = s.a_bits / 8.0, kv_bytes = s.kv_bits / 8.0;
  const double in = static_cast<double>(m[db::kReadsActivations]) / a_bytes;
  const double out = static_cast<double>(m[db::kWritesActivations]) / a_bytes +
                     static_cast<double>(m[db::kWritesKvCache]) / kv_bytes;
  const double mnk = static_cast<double>(m[db::kFlops]) / 2;
  if (in <= 0 || out <= 0 || mnk <= 0) return g;
  g.known = true;
  g.m = std::max(1.0, std::round(in * out / mnk));
  g.k = std::max(1.0, in / g.m);
  g.n = std::max(1.0, out / g.m);
  return g;
}

double ShapeEfficiency(const GemmShape& g, int64_t tile_m, int64_t tile_n, int64_t compute_units) {
  if (!g.known) return 1;
  const double tm = static_cast<double>(tile_m), tn = static_cast<double>(tile_n);
  const double tiles_m = std::ceil(g.m / tm), tiles_n = std::ceil(g.n / tn);
  const double tile_eff = (g.m * g.n) / (tiles_m * tm * tiles_n * tn);
  if (compute_units <= 0) return tile_eff;
  const double cu = static_cast<double>(compute_units);
  const double tiles = tiles_m * tiles_n;
  // Split along K while that fills more units, but not below one tile-deep
  // (tile_n) slice of K per split.
  const double split = std::max(1.0, std::min(std::floor(cu / tiles), std::floor(g.k / tn)));
  const double units = tiles * split;
  const double waves = std::ceil(units / cu);
  return tile_eff * units / (waves * cu);
}

namespace {

// A collective's alpha-beta time as an OpRate (see time_model.h).
OpRate CommRate(const analysis::PlanOp& op, const analysis::Metrics& m, const Timing& t) {
  parallel::Collective c{};
  if (!parallel::CollectiveFromName(op.collective, &c)) {
    throw Error("", "", "internal: unknown collective '" + op.collective + "' in operation " + op.layer + "." + op.op);
  }
  const auto tier = t.comm_tiers.find(op.group);
  if (tier == t.comm_tiers.end()) {
    throw Error::Option("cluster", "the layout's " + op.group +
                                       " communication needs a cluster to time it; name one (" +
                                       "'lmp cluster list') or give the node count");
  }
  const double bytes = static_cast<double>(m[db::kReadsActivations]);
  const parallel::CollectiveCost cost = parallel::Cost(c, bytes, op.group_size, tier->second);
  OpRate r;
  r.compute_flops_per_s = std::numeric_limits<double>::infinity();
  const double transfer_s = cost.bytes_per_gpu / (tier->second.bandwidth_bytes_per_s * t.collective_bandwidth_fraction);
  r.memory_bytes_per_s = transfer_s > 0 ? 2 * bytes / transfer_s : std::numeric_limits<double>::infinity();
  r.overhead_s = static_cast<double>(cost.steps) * tier->second.latency_s + (bytes > 0 ? t.kernel_overhead_s : 0.0);
  return r;
}

}  // namespace

void OpRates(const analysis::Plan& plan, const analysis::StageResult& stage, const Device& device,
             const analysis::Scenario& s, const Timing& t, const std::vector<double>& op_peaks_flops_per_s,
             std::vector<OpRate>* out) {
  out->resize(plan.ops.size());
  const double bandwidth = device.dram_bandwidth_bytes_per_s;
  if (t.ideal) {
    for (size_t i = 0; i < plan.ops.size(); ++i) {
      (*out)[i] = plan.ops[i].collective.empty() ? OpRate{op_peaks_flops_per_s[i], bandwidth, 0.0}
                                                 : CommRate(plan.ops[i], stage.ops[i], t);
    }
    return;
  }
  const double streaming = bandwidth * t.bandwidth_fraction;
  // Weight-only quantisation: weights narrower than the activations, with
  // the matrix units at a precision of 16 bits or more (auto picks the
  // activations'), so every weight is dequantised on its way in.
  const bool weight_only = s.w_bits < s.a_bits && (s.compute == "auto" || s.compute == "fp16" || s.compute == "bf16" ||
                                                   s.compute == "tf32" || s.compute == "fp32");
  double weight_only_bandwidth = 1, weight_only_tensor = 1;
  if (weight_only) {
    const int bits = s.w_bits <= 4 ? 4 : 8;
    if (auto it = t.weight_only_bandwidth_fraction.find(bits); it != t.weight_only_bandwidth_fraction.end()) {
      weight_only_bandwidth = it->second;
    }
    if (auto it = t.weight_only_tensor_fraction.find(bits); it != t.weight_only_tensor_fraction.end()) {
      weight_only_tensor = it->second;
    }
  }
  // The tensor fraction by kind, looked up once per kind.
  std::vector<std::pair<const std::string*, double>> by_kind;
  for (size_t i = 0; i < plan.ops.size(); ++i) {
    const analysis::PlanOp& op = plan.ops[i];
    const analysis::Metrics& m = stage.ops[i];
    OpRate& r = (*out)[i];
    const bool works = m[db::kFlops] > 0 || OpBytes(m) > 0;
    r.overhead_s = works ? t.kernel_overhead_s : 0.0;
    r.memory_bytes_per_s = streaming;
    r.compute_flops_per_s = op_peaks_flops_per_s[i];
    if (!op.collective.empty()) {
      r = CommRate(op, m, t);
      continue;
    }
    if (!IsMatrixKind(op.kind)) continue;
    auto k = std::find_if(by_kind.begin(), by_kind.end(), [&](const auto& e) { return *e.first == op.kind; });
    if (k == by_kind.end()) {
      const Peak p = PeakFor(device, op.kind, s);
      double fraction = 1;
      if (p.unit == "tensor") {
        auto f = t.tensor_fraction.find(p.precision);
        if (f != t.tensor_fraction.end()) fraction = f->second;
      }
      by_kind.emplace_back(&op.kind, fraction);
      k = by_kind.end() - 1;
    }
    const double ceiling = op_peaks_flops_per_s[i] * k->second;
    if (op.kind == "attention") {
      r.compute_flops_per_s = ceiling * t.attention_flops_fraction;
      r.memory_bytes_per_s = streaming * t.attention_bandwidth_fraction;
      continue;
    }
    r.compute_flops_per_s =
        ceiling * ShapeEfficiency(ShapeOf(m, s), t.gemm_tile_m, t.gemm_tile_n, t.compute_units);
    if (weight_only && m[db::kReadsWeights] > 0) {
      r.memory_bytes_per_s = streaming * weight_only_bandwidth;
      r.compute_flops_per_s *= weight_only_tensor;
    }
  }
}

double StepOverhead_s(const Timing& t, analysis::Stage stage) {
  return stage == analysis::Stage::kPrefill ? t.prefill_step_overhead_s : t.decode_step_overhead_s;
}

}  // namespace lmp::hardware
