#ifndef LMP_HARDWARE_ROOFLINE_H_
#define LMP_HARDWARE_ROOFLINE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "analysis/analyze.h"
#include "analysis/plan.h"
#include "analysis/scenario.h"
#include "hardware/hardware.h"
#include "hardware/runtime.h"
#include "hardware/time_model.h"

namespace lmp::hardware {

// "matmul" and "attention": the kinds that run on the tensor units.
bool IsMatrixKind(const std::string& kind);

// One operation's reads plus writes, summed exactly as integers.
int64_t OpBytes(const analysis::Metrics& m);

// The peak an operation kind runs at on a device.
struct Peak {
  std::string unit;       // "tensor" or "vector"
  std::string precision;  // the key in the device's map, e.g. "fp16"
  double flops_per_s = 0;
};

// Matrix kinds ("matmul", "attention") run on the tensor units at the
// precision of their inputs, max(w_bits, a_bits): 16 -> fp16 (else bf16),
// 8 -> int8, 4 -> int4, 32 -> fp32 (tensor if the device lists it, else
// vector). Weight-only quantization (W4A16) therefore computes in fp16; its
// smaller weight reads are already in the byte figures. Every other kind runs
// on the vector units at fp16 (else bf16, else fp32) for a_bits <= 16, fp32
// above. Throws lmp::Error naming the device and precision when none fits.
Peak PeakFor(const Device& device, const std::string& kind, const analysis::Scenario& s);

// The scenario as run on `device`: an unset sram_bytes (0) takes the device's
// shared memory per SM / LDS per CU when the catalog knows it, so the flash
// profile tiles for that device. An explicit sram_bytes (--sram-bytes) wins,
// and a device with no figure leaves the default (analysis::SramBytes).
analysis::Scenario OnDevice(analysis::Scenario s, const Device& device);

// kNetwork: a communication operation, whose memory term is its transfer
// over the link tier (time_model.h).
enum class Bound { kCompute, kMemory, kNetwork };
const char* BoundName(Bound b);

// One operation, one instance. Every kernel reads its inputs from DRAM and
// writes its outputs there, so bytes are all reads plus all writes. Under a
// runtime other than ideal the rates are those the runtime reaches
// (time_model.h) and each kernel adds its fixed overhead.
struct RooflineOp {
  int64_t bytes = 0;
  double intensity_flops_per_byte = 0;  // +inf when bytes == 0
  double compute_time_s = 0;            // flops / peak (x efficiency)
  double memory_time_s = 0;             // bytes / DRAM bandwidth (x efficiency)
  double overhead_s = 0;                // the runtime's fixed cost per kernel; 0 when ideal
  double time_s = 0;                    // max of the two, plus overhead_s
  Bound bound = Bound::kMemory;         // ties count as memory-bound
};

struct RooflineStage {
  std::vector<RooflineOp> ops;  // per instance, parallel to Plan::ops
  double step_overhead_s = 0;   // the runtime's fixed cost per step; 0 when ideal
  // Sum over ops of count x time_s, in plan order, plus step_overhead_s.
  double time_s = 0;
  // Kind -> seconds, kinds in order of first appearance in the plan.
  std::vector<std::pair<std::string, double>> time_by_kind_s;
};

// The stage timed under `timing` (default: the ideal roofline).
RooflineStage Roofline(const analysis::Plan& plan, const analysis::StageResult& stage, const Device& device,
                       const analysis::Scenario& s, const Timing& timing = Timing{});

// Each operation's peak FLOP/s, parallel to Plan::ops, as Roofline picks it
// (PeakFor by kind). For callers that time many stages on one device.
std::vector<double> OpPeaks(const analysis::Plan& plan, const Device& device, const analysis::Scenario& s);

// Roofline(plan, stage, device, s, timing).time_s, bit for bit, without the
// per-operation detail; `op_rates` from OpRates for this stage.
double StageTime_s(const analysis::Plan& plan, const analysis::StageResult& stage, const std::vector<OpRate>& op_rates,
                   double step_overhead_s);

// The roofline of every stage of an analysis, with the peak chosen per kind.
struct RooflineAnalysis {
  Device device;
  Timing timing;
  std::vector<std::pair<std::string, Peak>> peaks_by_kind;  // plan order; communication has none
  std::vector<RooflineStage> stages;                        // parallel to Analysis::stages
};

RooflineAnalysis RooflineAll(const analysis::Plan& plan, const analysis::Analysis& a, const Device& device,
                             const Timing& timing = Timing{});

}  // namespace lmp::hardware

#endif  // LMP_HARDWARE_ROOFLINE_H_
