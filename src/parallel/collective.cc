#include "parallel/collective.h"

#include <cmath>

#include "util/error.h"

namespace lmp::parallel {
namespace {

int64_t CeilLog2(int64_t n) {
  int64_t steps = 0;
  for (int64_t span = 1; span < n; span *= 2) ++steps;
  return steps;
}

CollectiveCost Make(Algorithm a, int64_t steps, double factor, double bytes, const hardware::LinkTier& tier) {
  CollectiveCost c;
  c.algorithm = a;
  c.steps = steps;
  c.bus_factor = factor;
  c.bytes_per_gpu = factor * bytes;
  c.time_s = static_cast<double>(steps) * tier.latency_s + c.bytes_per_gpu / tier.bandwidth_bytes_per_s;
  return c;
}

}  // namespace

const char* CollectiveName(Collective c) {
  switch (c) {
    case Collective::kAllReduce: return "all_reduce";
    case Collective::kAllGather: return "all_gather";
    case Collective::kReduceScatter: return "reduce_scatter";
    case Collective::kAllToAll: return "all_to_all";
    case Collective::kSendRecv: return "send_recv";
  }
  return "?";
}

bool CollectiveFromName(std::string_view name, Collective* out) {
  for (Collective c : {Collective::kAllReduce, Collective::kAllGather, Collective::kReduceScatter,
                       Collective::kAllToAll, Collective::kSendRecv}) {
    if (name == CollectiveName(c)) {
      *out = c;
      return true;
    }
  }
  return false;
}

const char* AlgorithmName(Algorithm a) {
  switch (a) {
    case Algorithm::kRing: return "ring";
    case Algorithm::kTree: return "tree";
    case Algorithm::kPairwise: return "pairwise";
    case Algorithm::kPointToPoint: return "point_to_point";
  }
  return "?";
}

CollectiveCost Cost(Collective c, double bytes, int64_t n, const hardware::LinkTier& tier) {
  if (n < 1) throw Error("", "", "a collective needs at least 1 GPU, got " + std::to_string(n));
  if (!(bytes >= 0) || !std::isfinite(bytes)) throw Error("", "", "a collective's bytes must be finite and >= 0");
  if (!(tier.bandwidth_bytes_per_s > 0)) throw Error("", "", "link tier '" + tier.fabric + "' has no bandwidth");
  if (n == 1) return Make(Algorithm::kPointToPoint, 0, 0, bytes, tier);  // nothing to exchange
  const double share = static_cast<double>(n - 1) / static_cast<double>(n);
  switch (c) {
    case Collective::kAllReduce: {
      const CollectiveCost ring = Make(Algorithm::kRing, 2 * (n - 1), 2 * share, bytes, tier);
      // Each GPU passes the whole buffer up its tree and back down.
      const CollectiveCost tree = Make(Algorithm::kTree, 2 * CeilLog2(n), 2, bytes, tier);
      return tree.time_s < ring.time_s ? tree : ring;
    }
    case Collective::kAllGather:
    case Collective::kReduceScatter:
      return Make(Algorithm::kRing, n - 1, share, bytes, tier);
    case Collective::kAllToAll:
      return Make(Algorithm::kPairwise, n - 1, share, bytes, tier);
    case Collective::kSendRecv:
      return Make(Algorithm::kPointToPoint, 1, 1, bytes, tier);
  }
  return {};
}

hardware::LinkTier TierFor(const hardware::Cluster& cluster, int64_t n) {
  return n <= cluster.domain_gpus ? cluster.scale_up : hardware::ScaleOutTier(cluster);
}

}  // namespace lmp::parallel
