#ifndef LMP_PARALLEL_LAYOUT_H_
#define LMP_PARALLEL_LAYOUT_H_

// A parallel layout: how many GPUs split a model, and how
// (docs/parallelism.md). The deployment has tp x pp x ep x dp GPUs:
// - pp pipeline stages, each a contiguous run of decoder layers;
// - in each stage, tp x ep x dp GPUs. Attention and dense layers are
//   tensor-parallel over tp and data-parallel over ep x dp (each of those
//   groups serves its own share of the batch); routed experts are split
//   over ep (num_experts / ep per GPU), each expert tensor-parallel over tp.
//   ep > 1 is thus "data-parallel attention with expert parallelism", the
//   layout DeepSeek-V3 is served with; for a dense model ep must be 1.
// GPUs are numbered tp fastest, then ep, then dp, then pp, so a tp group
// is tp adjacent GPUs and an ep group spans tp x ep of them.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lmp::parallel {

struct Layout {
  int64_t tp = 1;
  int64_t pp = 1;
  int64_t ep = 1;
  int64_t dp = 1;

  int64_t Gpus() const { return tp * pp * ep * dp; }
  bool Trivial() const { return Gpus() == 1; }
  // Sequences one attention replica serves when the deployment's batch is
  // `batch`: ceil(batch / (ep x dp)), the busiest replica's share.
  int64_t BatchPerReplica(int64_t batch) const;
  // GPUs a group spans in the numbering above: tp for a tp group, tp x ep
  // for an ep group.
  int64_t TpSpan() const { return tp; }
  int64_t EpSpan() const { return tp * ep; }
  // GPUs in one pipeline stage.
  int64_t StageGpus() const { return tp * ep * dp; }
  bool operator==(const Layout&) const = default;
};

// The most GPUs a layout may use, and so the largest degree: 2^20.
inline constexpr int64_t kMaxGpus = int64_t{1} << 20;

// "tp=8,pp=2,ep=1,dp=1" with the degrees that are not 1 ("tp=1" when none).
std::string LayoutText(const Layout& l);

// Parses "tp=8,ep=8" (any order, each name at most once; missing names are
// 1). Throws lmp::Error at place "parallel" naming the bad part.
Layout ParseLayout(std::string_view text);

// Each degree is a positive integer and the product at most kMaxGpus;
// throws lmp::Error at place "tp", "pp", "ep", "dp" or "parallel".
void ValidateLayout(const Layout& l);

// Decoder layers per pipeline stage: `layers` split over `pp` stages as
// evenly as possible, the first layers % pp stages taking one more (the
// last stage also holds the final norm and the LM head). Throws lmp::Error
// at place "pp" when there are more stages than layers.
std::vector<int64_t> StageLayers(int64_t layers, int64_t pp);

}  // namespace lmp::parallel

#endif  // LMP_PARALLEL_LAYOUT_H_
