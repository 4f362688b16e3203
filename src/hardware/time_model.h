#ifndef LMP_HARDWARE_TIME_MODEL_H_
#define LMP_HARDWARE_TIME_MODEL_H_

#include <algorithm>
#include <vector>

#include "analysis/analyze.h"
#include "analysis/plan.h"
#include "analysis/scenario.h"
#include "hardware/hardware.h"
#include "hardware/runtime.h"

namespace lmp::hardware {

// The rates one operation runs at under a runtime on a device (docs/calibration.md):
//
//   time_s = max(flops / compute_flops_per_s, bytes / memory_bytes_per_s) + overhead_s
//
// Under the ideal runtime the rates are the datasheet peak and bandwidth and
// the overhead is 0, which is the roofline bit for bit. Otherwise:
// - memory_bytes_per_s is the device's streaming bandwidth (datasheet x its
//   bandwidth_fraction), further scaled for attention kernels and for
//   weight-only quantised GEMMs that dequantise as they read
//   (weight_only_bandwidth_fraction);
// - compute_flops_per_s for a GEMM is the tensor peak x the device's
//   tensor_fraction for that precision x the tile and wave efficiency of its
//   shape (x weight_only_tensor_fraction when it dequantises); attention kernels run at attention_flops_fraction of that ceiling;
//   vector kinds run at the vector peak (they are memory-bound in practice);
// - overhead_s is the runtime's fixed cost per kernel (launch, ramp-up,
//   tail). It also makes small transfers fall short of the plateau: a kernel
//   moving b bytes reaches b / (b / bandwidth + overhead_s).
// A communication operation (analysis::PlanOp::collective) is timed as its
// collective over the group's link tier (Timing::comm_tiers): the message's
// transfer, factor(n) x S / (B x collective_bandwidth_fraction), is its memory term (its reads plus writes are
// 2 S, streamed at 2 B / factor(n)) and the latency steps x alpha join the
// kernel overhead. Throws lmp::Error at place "cluster" when the timing has
// no tier for its group.
struct OpRate {
  double compute_flops_per_s = 0;
  double memory_bytes_per_s = 0;
  double overhead_s = 0;
};

inline double OpTime_s(const OpRate& r, double flops, double bytes) {
  return std::max(flops / r.compute_flops_per_s, bytes / r.memory_bytes_per_s) + r.overhead_s;
}

// The GEMM shape an operation's figures imply, and its efficiency. For a
// matmul reading an [M, K] activation and writing [M, N] (flops = 2MNK):
// M = in * out / (flops / 2), K = in / M, N = out / M, where in and out are
// the elements it reads from and writes to activations and the KV cache.
// Batched matmuls (attention scores) come out as one GEMM with the batch in
// M, which understates their per-head padding; they are memory-bound in
// decode, where that matters.
struct GemmShape {
  bool known = false;  // false: the figures imply no shape (nothing read or written)
  double m = 1, n = 1, k = 1;
};
GemmShape ShapeOf(const analysis::Metrics& m, const analysis::Scenario& s);

// Tile quantisation (M and N rounded up to the tile) times wave
// quantisation: tiles, split along K to fill the device when there are fewer
// tiles than compute units (as split-K and stream-K kernels do), spread over
// `compute_units` in whole waves. Without compute_units (0: not known) only
// tile quantisation; 1 for a shape that is not known.
double ShapeEfficiency(const GemmShape& g, int64_t tile_m, int64_t tile_n, int64_t compute_units);

// Every operation's rates for one stage, parallel to Plan::ops; `stage`
// gives the shapes (GEMM M follows the batch and, in prefill, the prompt).
// `op_peaks_flops_per_s` is OpPeaks(plan, device, s).
void OpRates(const analysis::Plan& plan, const analysis::StageResult& stage, const Device& device,
             const analysis::Scenario& s, const Timing& timing, const std::vector<double>& op_peaks_flops_per_s,
             std::vector<OpRate>* out);

// The runtime's fixed cost per step outside the kernels.
double StepOverhead_s(const Timing& timing, analysis::Stage stage);

}  // namespace lmp::hardware

#endif  // LMP_HARDWARE_TIME_MODEL_H_
