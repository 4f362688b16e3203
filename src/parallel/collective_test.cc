#include "parallel/collective.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace lmp::parallel {
namespace {

const hardware::LinkTier kNvlink = {"NVLink 4", 450e9, 1e-6};

// A ring all-reduce of S bytes over n GPUs: 2(n-1) steps, each GPU sending
// 2(n-1)/n S. 16 MiB over 8 GPUs at 450 GB/s and 1 us per step:
// 14 us + 1.75 x 16,777,216 / 450e9 s = 14 us + 65.2447 us.
TEST(CollectiveTest, RingAllReduceHandDerived) {
  const double s = 16777216;
  const CollectiveCost c = Cost(Collective::kAllReduce, s, 8, kNvlink);
  EXPECT_EQ(c.algorithm, Algorithm::kRing);
  EXPECT_EQ(c.steps, 14);
  EXPECT_DOUBLE_EQ(c.bus_factor, 1.75);
  EXPECT_DOUBLE_EQ(c.bytes_per_gpu, 29360128);
  EXPECT_DOUBLE_EQ(c.time_s, 14e-6 + 29360128 / 450e9);
  EXPECT_NEAR(c.time_s, 79.2447e-6, 1e-10);
}

// Small messages go by the tree: 64 KiB over 8 GPUs, ring 14 us + 0.255 us
// against tree 2 x 3 = 6 steps + 2 x 65,536 / 450e9 = 6.291 us.
TEST(CollectiveTest, SmallAllReduceTakesTheTree) {
  const CollectiveCost c = Cost(Collective::kAllReduce, 65536, 8, kNvlink);
  EXPECT_EQ(c.algorithm, Algorithm::kTree);
  EXPECT_EQ(c.steps, 6);
  EXPECT_DOUBLE_EQ(c.time_s, 6e-6 + 2 * 65536 / 450e9);
}

// All-gather, reduce-scatter and all-to-all: (n-1) steps, (n-1)/n S each.
TEST(CollectiveTest, GatherScatterAllToAllAndSendRecv) {
  for (Collective k : {Collective::kAllGather, Collective::kReduceScatter, Collective::kAllToAll}) {
    const CollectiveCost c = Cost(k, 8e6, 4, kNvlink);
    EXPECT_EQ(c.steps, 3) << CollectiveName(k);
    EXPECT_DOUBLE_EQ(c.bytes_per_gpu, 6e6) << CollectiveName(k);
    EXPECT_DOUBLE_EQ(c.time_s, 3e-6 + 6e6 / 450e9) << CollectiveName(k);
  }
  EXPECT_EQ(Cost(Collective::kAllToAll, 1, 4, kNvlink).algorithm, Algorithm::kPairwise);
  // Pipeline stages: one hop of the whole activation.
  const CollectiveCost p2p = Cost(Collective::kSendRecv, 4e6, 2, kNvlink);
  EXPECT_EQ(p2p.steps, 1);
  EXPECT_DOUBLE_EQ(p2p.time_s, 1e-6 + 4e6 / 450e9);
  // One GPU exchanges nothing.
  for (Collective k : {Collective::kAllReduce, Collective::kAllGather, Collective::kAllToAll, Collective::kSendRecv}) {
    EXPECT_EQ(Cost(k, 1e9, 1, kNvlink).time_s, 0) << CollectiveName(k);
  }
}

// Two HGX-H100 nodes: a 16-GPU group leaves the NVLink domain, so it runs at
// the NICs' 50 GB/s per GPU and 5 us per step. 16 MiB: ring 30 x 5 us +
// 1.875 x 16,777,216 / 50e9 = 779.15 us; tree 8 x 5 us + 2 x 16,777,216 /
// 50e9 = 711.09 us.
TEST(CollectiveTest, TierFollowsTheScaleUpDomain) {
  hardware::Cluster c;
  c.name = "two-nodes";
  c.gpus_per_node = 8;
  c.domain_gpus = 8;
  c.scale_up = kNvlink;
  c.scale_out_fabric = "IB NDR";
  c.nics_per_node = 8;
  c.nic_bandwidth_bytes_per_s = 50e9;
  c.scale_out_latency_s = 5e-6;
  EXPECT_EQ(TierFor(c, 8).fabric, "NVLink 4");
  const hardware::LinkTier out = TierFor(c, 16);
  EXPECT_EQ(out.fabric, "IB NDR");
  EXPECT_DOUBLE_EQ(out.bandwidth_bytes_per_s, 50e9);
  const CollectiveCost ar = Cost(Collective::kAllReduce, 16777216, 16, out);
  EXPECT_EQ(ar.algorithm, Algorithm::kTree);
  EXPECT_DOUBLE_EQ(ar.time_s, 40e-6 + 2 * 16777216 / 50e9);
  EXPECT_NEAR(ar.time_s, 711.0886e-6, 1e-9);
}

TEST(CollectiveTest, BadArguments) {
  EXPECT_THROW(Cost(Collective::kAllReduce, 1, 0, kNvlink), Error);
  EXPECT_THROW(Cost(Collective::kAllReduce, -1, 2, kNvlink), Error);
  EXPECT_THROW(Cost(Collective::kAllReduce, 1, 2, hardware::LinkTier{"none", 0, 0}), Error);
}

}  // namespace
}  // namespace lmp::parallel
