#include "hardware/roofline.h"

#include <algorithm>
#include <limits>

#include "util/error.h"

namespace lmp::hardware {
namespace {


// The first precision of `wanted` the map lists, or null.
const std::pair<const std::string, double>* Find(const std::map<std::string, double>& peaks,
                                                 std::initializer_list<const char*> wanted) {
  for (const char* p : wanted) {
    auto it = peaks.find(p);
    if (it != peaks.end()) return &*it;
  }
  return nullptr;
}

[[noreturn]] void NoPeak(const Device& d, const char* unit, const std::string& precision, const std::string& kind,
                         const std::string& option = Opt("w_bits") + "/" + Opt("a_bits")) {
  throw Error(d.file, d.pointer,
              "device '" + d.name + "' lists no " + unit + " peak for " + precision + ", needed by " + kind +
                  " operations; choose another " + option + " or another device, or add the figure in a " +
                  Opt("hardware_file"));
}

}  // namespace

bool IsMatrixKind(const std::string& kind) { return kind == "matmul" || kind == "attention"; }

int64_t OpBytes(const analysis::Metrics& m) {
  return m[db::kReadsWeights] + m[db::kReadsActivations] + m[db::kReadsKvCache] + m[db::kWritesActivations] +
         m[db::kWritesKvCache];
}

analysis::Scenario OnDevice(analysis::Scenario s, const Device& device) {
  if (s.sram_bytes == 0 && device.sram_per_core_bytes > 0) s.sram_bytes = device.sram_per_core_bytes;
  return s;
}

const char* BoundName(Bound b) {
  return b == Bound::kCompute ? "compute" : b == Bound::kMemory ? "memory" : "network";
}

Peak PeakFor(const Device& d, const std::string& kind, const analysis::Scenario& s) {
  if (IsMatrixKind(kind)) {
    const int bits = std::max(s.w_bits, s.a_bits);
    std::string precision;
    const std::pair<const std::string, double>* hit = nullptr;
    if (s.compute != "auto" && s.compute != "fp32") {
      precision = s.compute;
      hit = Find(d.tensor_flops_per_s, {s.compute.c_str()});
      if (hit == nullptr) NoPeak(d, "tensor", precision, kind, Opt("compute"));
    } else if (bits <= 4 && s.compute == "auto") {
      precision = "int4";
      hit = Find(d.tensor_flops_per_s, {"int4"});
    } else if (bits <= 8 && s.compute == "auto") {
      precision = "int8";
      hit = Find(d.tensor_flops_per_s, {"int8"});
    } else if (bits <= 16 && s.compute == "auto") {
      precision = "fp16";
      hit = Find(d.tensor_flops_per_s, {"fp16", "bf16"});
    } else {
      precision = "fp32";
      hit = Find(d.tensor_flops_per_s, {"fp32"});
      if (hit == nullptr) {
        hit = Find(d.vector_flops_per_s, {"fp32"});
        if (hit == nullptr) NoPeak(d, "tensor or vector", precision, kind);
        return {"vector", hit->first, hit->second};
      }
    }
    if (hit == nullptr) NoPeak(d, "tensor", precision, kind);
    return {"tensor", hit->first, hit->second};
  }
  if (s.a_bits <= 16) {
    const auto* hit = Find(d.vector_flops_per_s, {"fp16", "bf16", "fp32"});
    if (hit == nullptr) NoPeak(d, "vector", "fp16", kind);
    return {"vector", hit->first, hit->second};
  }
  const auto* hit = Find(d.vector_flops_per_s, {"fp32"});
  if (hit == nullptr) NoPeak(d, "vector", "fp32", kind);
  return {"vector", hit->first, hit->second};
}

RooflineStage Roofline(const analysis::Plan& plan, const analysis::StageResult& stage, const Device& device,
                       const analysis::Scenario& s, const Timing& timing) {
  RooflineStage out;
  out.ops.resize(plan.ops.size());
  std::vector<OpRate> rates;
  OpRates(plan, stage, device, s, timing, OpPeaks(plan, device, s), &rates);
  for (size_t i = 0; i < plan.ops.size(); ++i) {
    const analysis::PlanOp& op = plan.ops[i];
    auto k = std::find_if(out.time_by_kind_s.begin(), out.time_by_kind_s.end(),
                          [&](const auto& e) { return e.first == op.kind; });
    if (k == out.time_by_kind_s.end()) {
      out.time_by_kind_s.emplace_back(op.kind, 0.0);
      k = out.time_by_kind_s.end() - 1;
    }
    const analysis::Metrics& m = stage.ops[i];
    RooflineOp& r = out.ops[i];
    r.bytes = OpBytes(m);
    const double flops = static_cast<double>(m[db::kFlops]);
    const double bytes = static_cast<double>(r.bytes);
    r.intensity_flops_per_byte = r.bytes == 0 ? std::numeric_limits<double>::infinity() : flops / bytes;
    r.compute_time_s = flops / rates[i].compute_flops_per_s;
    r.memory_time_s = bytes / rates[i].memory_bytes_per_s;
    r.overhead_s = rates[i].overhead_s;
    r.bound = !op.collective.empty()                   ? Bound::kNetwork
              : r.compute_time_s > r.memory_time_s ? Bound::kCompute
                                                   : Bound::kMemory;
    r.time_s = std::max(r.compute_time_s, r.memory_time_s) + r.overhead_s;
    const double total = static_cast<double>(op.count) * r.time_s;
    out.time_s += total;
    k->second += total;
  }
  out.step_overhead_s = StepOverhead_s(timing, stage.inputs.stage);
  out.time_s += out.step_overhead_s;
  return out;
}

std::vector<double> OpPeaks(const analysis::Plan& plan, const Device& device, const analysis::Scenario& s) {
  std::vector<double> out(plan.ops.size());
  std::vector<std::pair<std::string, double>> by_kind;
  for (size_t i = 0; i < plan.ops.size(); ++i) {
    const std::string& kind = plan.ops[i].kind;
    auto p = std::find_if(by_kind.begin(), by_kind.end(), [&](const auto& e) { return e.first == kind; });
    if (p == by_kind.end()) {
      by_kind.emplace_back(kind, PeakFor(device, kind, s).flops_per_s);
      p = by_kind.end() - 1;
    }
    out[i] = p->second;
  }
  return out;
}

double StageTime_s(const analysis::Plan& plan, const analysis::StageResult& stage, const std::vector<OpRate>& op_rates,
                   double step_overhead_s) {
  // The same operations in the same order as Roofline, so the sum rounds the
  // same way.
  double time_s = 0;
  for (size_t i = 0; i < plan.ops.size(); ++i) {
    const analysis::Metrics& m = stage.ops[i];
    time_s += static_cast<double>(plan.ops[i].count) *
              OpTime_s(op_rates[i], static_cast<double>(m[db::kFlops]), static_cast<double>(OpBytes(m)));
  }
  return time_s + step_overhead_s;
}

RooflineAnalysis RooflineAll(const analysis::Plan& plan, const analysis::Analysis& a, const Device& device,
                             const Timing& timing) {
  RooflineAnalysis out;
  out.device = device;
  out.timing = timing;
  for (const analysis::PlanOp& op : plan.ops) {
    if (!op.collective.empty()) continue;  // timed on the links, at no FLOP peak
    const bool seen = std::any_of(out.peaks_by_kind.begin(), out.peaks_by_kind.end(),
                                  [&](const auto& e) { return e.first == op.kind; });
    if (!seen) out.peaks_by_kind.emplace_back(op.kind, PeakFor(device, op.kind, a.scenario));
  }
  for (const analysis::StageResult& st : a.stages) {
    out.stages.push_back(Roofline(plan, st, device, a.scenario, timing));
  }
  return out;
}

}  // namespace lmp::hardware
