#ifndef LMP_PARALLEL_COLLECTIVE_H_
#define LMP_PARALLEL_COLLECTIVE_H_

// The alpha-beta cost of the collectives a parallel layout needs
// (docs/parallelism.md gives every formula and its source). A collective
// over n GPUs on a link tier of latency alpha (per step) and bandwidth B
// (per GPU, per direction) takes
//   steps(n) * alpha + factor(n) * bytes / B.
// Assumptions and limits:
// - Links are full duplex and each GPU's link is the bottleneck (an
//   NVSwitch or a non-blocking network: no congestion inside the fabric).
// - A group that stays inside one scale-up domain uses that fabric; one that
//   spans domains uses the network, at the node's NIC bandwidth shared by
//   its GPUs, for the whole collective (a flat ring; hierarchical
//   algorithms that keep most traffic inside a node are not modelled).
// - B is a peak: what NCCL achieves below it belongs to the runtime
//   profiles, as kernel efficiencies do.

#include <cstdint>
#include <string>
#include <string_view>

#include "hardware/cluster.h"

namespace lmp::parallel {

enum class Collective {
  kAllReduce,      // bytes: the buffer every GPU holds, in and out
  kAllGather,      // bytes: the gathered output on each GPU
  kReduceScatter,  // bytes: the input on each GPU
  kAllToAll,       // bytes: what each GPU sends in all (to n - 1 peers and itself)
  kSendRecv,       // bytes: what one GPU sends to the next (pipeline stages)
};
const char* CollectiveName(Collective c);  // "all_reduce", ...
// The inverse of CollectiveName; false for an unknown name.
bool CollectiveFromName(std::string_view name, Collective* out);

enum class Algorithm { kRing, kTree, kPairwise, kPointToPoint };
const char* AlgorithmName(Algorithm a);  // "ring", ...

struct CollectiveCost {
  Algorithm algorithm = Algorithm::kRing;
  int64_t steps = 0;              // latency terms paid in sequence
  double bus_factor = 0;          // bytes each GPU sends per byte of `bytes`
  double bytes_per_gpu = 0;       // bus_factor * bytes: what each GPU sends
  double time_s = 0;
};

// The cost of `c` on `bytes` over `n` GPUs of one tier. n == 1 costs
// nothing. For all-reduce the cheaper of the ring (2(n-1) steps, factor
// 2(n-1)/n) and the double binary tree (2 ceil(log2 n) steps, factor 2: the
// whole buffer up the tree and back down) is taken, so small messages go by
// tree and large ones by ring; all-gather and reduce-scatter are rings ((n-1) steps, factor
// (n-1)/n); all-to-all is a pairwise exchange ((n-1) steps, factor (n-1)/n);
// send/recv is one step of factor 1. Throws lmp::Error for n < 1 or
// negative bytes.
CollectiveCost Cost(Collective c, double bytes, int64_t n, const hardware::LinkTier& tier);

// The tier a group of `n` GPUs uses on `cluster`: the scale-up fabric when
// the group fits one scale-up domain (its GPUs placed together), else the
// scale-out network (hardware::ScaleOutTier).
hardware::LinkTier TierFor(const hardware::Cluster& cluster, int64_t n);

}  // namespace lmp::parallel

#endif  // LMP_PARALLEL_COLLECTIVE_H_
