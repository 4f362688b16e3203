#include "hardware/fit.h"

#include <algorithm>
#include <map>

#include "util/error.h"

namespace lmp::hardware {

using analysis::Footprint;

FitStatus CheckFit(int64_t total_bytes, int64_t capacity_bytes) {
  FitStatus st;
  st.capacity_bytes = capacity_bytes;
  st.total_bytes = total_bytes;
  st.fits = total_bytes <= capacity_bytes;
  // Both are non-negative, so the difference cannot overflow.
  st.headroom_bytes = capacity_bytes - total_bytes;
  return st;
}

const char* FitTargetName(FitTarget t) { return t == FitTarget::kBatchSize ? "batch_size" : "prompt_len"; }

const char* FitLimitName(FitLimit l) {
  switch (l) {
    case FitLimit::kMemory:
      return "memory";
    case FitLimit::kSearchCap:
      return "search_cap";
    case FitLimit::kOverflow:
      return "overflow";
  }
  return "memory";
}

namespace {

// Solves for the largest n in [1, kFitSearchCap] whose footprint fits, n
// being the batch size or the prompt length (ScenarioAt). Every probe is
// kept, so the solution and the one above it are not evaluated twice.
class Solver {
 public:
  Solver(const analysis::Plan& plan, const FitRequest& req, FitTarget target)
      : plan_(plan), req_(req), target_(target) {}

  FitResult Solve() {
    if (req_.capacity_bytes < 0) throw Error("", "capacity", "must not be negative");
    FitResult r;
    r.target = target_;
    // At 1 an error is the user's to see (bad formula, bad option).
    const Footprint first = Evaluate(1);
    memo_[1] = first;
    if (first.total_bytes > req_.capacity_bytes) {
      Fill(1, first, &r);
      r.fits = false;
      (target_ == FitTarget::kBatchSize ? r.batch_size : r.prompt_len) = 0;
      r.context_len = 0;
      return r;
    }
    // Doubling: lo fits; hi, once found, does not.
    int64_t lo = 1, hi = 0;
    while (hi == 0 && lo < kFitSearchCap) {
      const int64_t n = std::min(lo * 2, kFitSearchCap);
      (Fits(n) ? lo : hi) = n;
    }
    if (hi == 0) {
      Fill(lo, *memo_[lo], &r);
      r.limit = FitLimit::kSearchCap;
      return r;
    }
    while (hi - lo > 1) {
      const int64_t mid = lo + (hi - lo) / 2;
      (Fits(mid) ? lo : hi) = mid;
    }
    Fill(lo, *memo_[lo], &r);
    // hi == lo + 1 was probed: either it overflowed or it did not fit.
    const std::optional<Footprint>& next = memo_[hi];
    r.limit = next ? FitLimit::kMemory : FitLimit::kOverflow;
    r.next = next;
    return r;
  }

 private:
  analysis::Scenario ScenarioAt(int64_t n) const {
    analysis::Scenario s = req_.scenario;
    (target_ == FitTarget::kBatchSize ? s.batch_size : s.prompt_len) = n;
    return s;
  }

  Footprint Evaluate(int64_t n) const {
    const analysis::Scenario s = ScenarioAt(n);
    return analysis::MemoryFootprint(plan_, s, analysis::RequestContextLen(s.prompt_len, req_.gen_len));
  }

  bool Fits(int64_t n) {
    std::optional<Footprint> f;
    try {
      f = Evaluate(n);
    } catch (const Error&) {
      // Past 1, an evaluation error is overflow in practice (see fit.h).
    }
    memo_[n] = f;
    return f && f->total_bytes <= req_.capacity_bytes;
  }

  void Fill(int64_t n, const Footprint& f, FitResult* r) const {
    const analysis::Scenario s = ScenarioAt(n);
    r->fits = true;
    r->batch_size = s.batch_size;
    r->prompt_len = s.prompt_len;
    r->context_len = f.context_len;
    r->footprint = f;
    r->status = CheckFit(f.total_bytes, req_.capacity_bytes);
  }

  const analysis::Plan& plan_;
  const FitRequest& req_;
  FitTarget target_;
  std::map<int64_t, std::optional<Footprint>> memo_;  // n -> footprint, or none on error
};

}  // namespace

FitResult LargestBatch(const analysis::Plan& plan, const FitRequest& request) {
  return Solver(plan, request, FitTarget::kBatchSize).Solve();
}

FitResult LargestPrompt(const analysis::Plan& plan, const FitRequest& request) {
  return Solver(plan, request, FitTarget::kPromptLen).Solve();
}

}  // namespace lmp::hardware
