#ifndef LMP_HARDWARE_FIT_H_
#define LMP_HARDWARE_FIT_H_

#include <cstdint>
#include <optional>

#include "analysis/footprint.h"
#include "analysis/plan.h"
#include "analysis/scenario.h"

namespace lmp::hardware {

// A footprint against one device's memory. Capacity is the device's whole
// DRAM: nothing is held back for the runtime, the CUDA context or allocator
// slack, which take one to a few GiB in practice (docs/memory.md).
// Not fitting is a result, not an error.
struct FitStatus {
  int64_t capacity_bytes = 0;
  int64_t total_bytes = 0;
  bool fits = false;           // total_bytes <= capacity_bytes
  int64_t headroom_bytes = 0;  // capacity - total; negative when it does not fit
};

FitStatus CheckFit(int64_t total_bytes, int64_t capacity_bytes);

// A footprint and how it fits, as `analyze --hardware` reports it.
struct MemoryFit {
  analysis::Footprint footprint;
  FitStatus status;
};

// What `lmp fit` solves for.
enum class FitTarget { kBatchSize, kPromptLen };
const char* FitTargetName(FitTarget t);  // "batch_size", "prompt_len"

// What ended the search.
enum class FitLimit {
  kMemory,     // the next value up does not fit in memory
  kSearchCap,  // the answer reached kFitSearchCap and still fits
  kOverflow,   // the next value up overflows 64 bits in some figure (not
               // necessarily a footprint one: prefill FLOPs overflow first)
};
const char* FitLimitName(FitLimit l);  // "memory", "search_cap", "overflow"

// Searches stop here: 2^31 sequences or tokens is beyond any device.
inline constexpr int64_t kFitSearchCap = int64_t{1} << 31;

// A request: `scenario` gives the bit widths (and all_logits) and, for the
// value not solved for, the batch size or the prompt length; `gen_len` the
// tokens generated per sequence.
struct FitRequest {
  analysis::Scenario scenario;
  int64_t gen_len = 1;
  int64_t capacity_bytes = 0;
};

struct FitResult {
  FitTarget target = FitTarget::kBatchSize;
  // False: even 1 (one sequence, or a one-token prompt) does not fit. The
  // solved value and context_len are then 0, and footprint and status are
  // those at 1.
  bool fits = false;
  int64_t batch_size = 0;
  int64_t prompt_len = 0;
  int64_t context_len = 0;  // RequestContextLen(prompt_len, gen_len)
  analysis::Footprint footprint;  // at the solution
  FitStatus status;
  FitLimit limit = FitLimit::kMemory;
  // The footprint one above the solution, the first that does not fit; only
  // when fits and limit == kMemory.
  std::optional<analysis::Footprint> next;
};

// The largest batch (from 1 to kFitSearchCap) whose footprint at
// request.scenario.prompt_len and context prompt + gen - 1 fits.
// The search doubles until a batch does not fit, then bisects; it relies on
// the footprint never shrinking as the batch grows. An evaluation error at
// batch 1 is thrown; above 1 it is read as "does not fit" (limit kOverflow):
// there the formulas already evaluated cleanly at 1, so the error is in
// practice 64-bit overflow, which comes far beyond any device's memory. (A
// formula that faults only at some larger size, say a division by
// (4096 - seq_len), would also end the search there.)
FitResult LargestBatch(const analysis::Plan& plan, const FitRequest& request);

// The largest prompt length (from 1 to kFitSearchCap) at
// request.scenario.batch_size, with gen_len tokens generated after it, that
// fits; searched the same way, relying on the footprint never shrinking as
// the prompt grows.
FitResult LargestPrompt(const analysis::Plan& plan, const FitRequest& request);

}  // namespace lmp::hardware

#endif  // LMP_HARDWARE_FIT_H_
