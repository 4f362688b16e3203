#ifndef LMP_REQUEST_GENERATE_H_
#define LMP_REQUEST_GENERATE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/analyze.h"
#include "analysis/plan.h"
#include "analysis/scenario.h"
#include "hardware/hardware.h"
#include "hardware/runtime.h"

namespace lmp::request {

// One whole request on one device: a prefill of the prompt, then
// gen_len - 1 decode steps. The prefill yields the first token; decode step i
// (1 <= i < gen_len) feeds token i back and attends to prompt_len + i
// positions, so kv_len runs from prompt_len + 1 to prompt_len + gen_len - 1.
// The last token is never fed back. Every sequence of the batch has the same
// lengths and the steps run one after another (no overlap, no batching of
// prefill with decode).
struct GenerateResult {
  std::string runtime = "ideal";  // the runtime profile the steps were timed under
  int64_t gen_len = 0;
  int64_t decode_steps = 0;       // gen_len - 1
  int64_t first_kv_len = 0;       // kv_len of the first and last decode
  int64_t last_kv_len = 0;        // steps (0 when there are none)
  double ttft_s = 0;              // the prefill
  double tpot_s = 0;              // mean over the decode steps (0 if none)
  double tpot_first_s = 0;
  double tpot_last_s = 0;
  double decode_s = 0;            // sum over the decode steps
  double e2e_s = 0;               // ttft_s + decode_s
  double tokens_per_s_per_sequence = 0;  // gen_len / e2e_s
  double tokens_per_s = 0;               // batch_size * gen_len / e2e_s
  // FLOPs and bytes (reads plus writes) of the whole request, every step.
  double request_flops = 0;
  double request_bytes = 0;
  // How the decode sum was taken: operations whose figures are affine in
  // kv_len are summed in closed form; the rest are evaluated step by step.
  int64_t closed_form_ops = 0;
  int64_t stepped_ops = 0;   // stepped on at least one piece
  // Pieces the decode range was split into at the edges of min/max over
  // kv_len (sliding windows); 1 for a model without any.
  int64_t decode_pieces = 0;
};

// Throws lmp::Error for a bad scenario (gen_len below 1 included: option "gen") or a fault
// in the model's formulas at any step.
// Generate(plan, s, g, d, t) is TimeRequest(plan, PrepareRequest(plan, s, g),
// s, d, hardware::OpPeaks(plan, d, s), t). Every step is timed under `timing`
// (default: the ideal roofline), its fixed per-step cost included.
GenerateResult Generate(const analysis::Plan& plan, const analysis::Scenario& s, int64_t gen_len,
                        const hardware::Device& device, const hardware::Timing& timing = hardware::Timing{});

// The part of a request that does not depend on the device: every step's
// FLOPs and bytes, and the decode range in closed form. A sweep prepares a
// request once and times it on many devices. (The scenario's sram_bytes,
// which the flash profile tiles by, does enter; hardware::OnDevice sets it.)
struct RequestFigures {
  int64_t gen_len = 0;
  int64_t decode_steps = 0;
  int64_t first_kv_len = 0, last_kv_len = 0;
  analysis::StageResult prefill, first, last;  // first and last: decode steps
  double request_flops = 0;
  double request_bytes = 0;
  // One operation on one piece of the decode range, in closed form: its
  // FLOPs and bytes at kv_len x are base + slope x.
  struct ClosedOp {
    uint32_t op = 0;  // index into Plan::ops
    double flops_base = 0, flops_slope = 0;
    double bytes_base = 0, bytes_slope = 0;
  };
  // One operation at one step, for operations not in closed form.
  struct SteppedOp {
    uint32_t op = 0;
    double flops = 0, bytes = 0;
  };
  // Pieces in the order they are summed; a piece's closed operations come
  // before its stepped ones, which are listed step by step.
  struct Piece {
    int64_t lo = 0, hi = 0;
    std::vector<ClosedOp> closed;
    std::vector<SteppedOp> stepped;
  };
  std::vector<Piece> pieces;
  int64_t closed_form_ops = 0;
  int64_t stepped_ops = 0;
};

// Throws as Generate does, except for the device's faults (a missing peak).
RequestFigures PrepareRequest(const analysis::Plan& plan, const analysis::Scenario& s, int64_t gen_len);
// The same into `out`, reusing its buffers, with `ev` (an Evaluator of
// `plan`) so that a caller preparing many requests allocates little.
void PrepareRequest(const analysis::Plan& plan, const analysis::Scenario& s, int64_t gen_len,
                    analysis::Evaluator& ev, RequestFigures* out);

// The request's times on `device` under `timing`; `op_peaks_flops_per_s` is
// hardware::OpPeaks(plan, device, s). Allocates nothing but the result
// (rate buffers are kept per thread).
GenerateResult TimeRequest(const analysis::Plan& plan, const RequestFigures& f, const analysis::Scenario& s,
                           const hardware::Device& device, const std::vector<double>& op_peaks_flops_per_s,
                           const hardware::Timing& timing = hardware::Timing{});

}  // namespace lmp::request

#endif  // LMP_REQUEST_GENERATE_H_
