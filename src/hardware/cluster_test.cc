#include "hardware/cluster.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace lmp::hardware {
namespace {

const ClusterCatalog& Clusters() {
  static const ClusterCatalog c = ClusterCatalog::Embedded();
  return c;
}

// The issue's list: 8-GPU H100, H200 and A100 nodes, GB200 NVL72, MI300X
// (xGMI), and PCIe-only L40S and RTX 4090 boxes; each names a device of the
// device catalog.
TEST(ClusterTest, CatalogCoversTheIssuesClustersOnKnownDevices) {
  const Catalog devices = Catalog::Embedded();
  for (const char* name : {"HGX-H100-8", "HGX-H200-8", "HGX-A100-8", "GB200-NVL72", "MI300X-8", "L40S-PCIe-8",
                           "RTX4090-PCIe-8"}) {
    const Cluster& c = Clusters().Get(name);
    EXPECT_NO_THROW(ClusterDevice(c, devices)) << name;
    EXPECT_EQ(c.domain_gpus % c.gpus_per_node, 0) << name;
  }
  EXPECT_EQ(Clusters().clusters().size(), 7u);
}

// Per GPU and per direction: NVLink 4's 900 GB/s bidirectional is 450 GB/s;
// 8 NICs of 400 Gb/s for 8 GPUs are 50 GB/s each.
TEST(ClusterTest, H100NodeTiers) {
  const Cluster& c = Clusters().Get("dgx-h100");
  EXPECT_EQ(c.name, "HGX-H100-8");
  EXPECT_DOUBLE_EQ(c.scale_up.bandwidth_bytes_per_s, 450e9);
  EXPECT_EQ(c.domain_gpus, 8);
  EXPECT_DOUBLE_EQ(ScaleOutTier(c).bandwidth_bytes_per_s, 8 * 50e9 / 8);
  // NVL72: one NVLink domain of 72 GPUs over 18 trays of 4; each GPU has
  // its own 400 Gb/s NIC.
  const Cluster& nvl = Clusters().Get("NVL72");
  EXPECT_EQ(nvl.domain_gpus, 72);
  EXPECT_EQ(nvl.gpus_per_node, 4);
  EXPECT_DOUBLE_EQ(nvl.scale_up.bandwidth_bytes_per_s, 900e9);
  EXPECT_DOUBLE_EQ(ScaleOutTier(nvl).bandwidth_bytes_per_s, 50e9);
  // A box with fewer NICs than GPUs shares them: 2 x 25 GB/s over 8 GPUs.
  EXPECT_DOUBLE_EQ(ScaleOutTier(Clusters().Get("l40s-pcie-8")).bandwidth_bytes_per_s, 2 * 25e9 / 8);
}

std::string LoadError(const std::string& text) {
  ClusterCatalog c = ClusterCatalog::Embedded();
  try {
    c.AddText(text, "my.json");
  } catch (const Error& e) {
    return e.Line();
  }
  return "no error";
}

TEST(ClusterTest, UserFilesLayerAndBadOnesAreOneLine) {
  const std::string mine = R"({"schema": "lmp.cluster/1", "clusters": [{"name": "HGX-H100-8", "device": "H100-SXM",
    "gpus_per_node": 8, "scale_up": {"fabric": "NVLink", "domain_gpus": 8, "bandwidth_bytes_per_s": 4e11,
    "latency_s": 2e-6}, "scale_out": {"fabric": "IB", "nics_per_node": 4, "nic_bandwidth_bytes_per_s": 5e10,
    "latency_s": 4e-6}, "citation": "measured here"}]})";
  ClusterCatalog c = ClusterCatalog::Embedded();
  c.AddText(mine, "my.json");
  EXPECT_EQ(c.clusters().size(), 7u);  // replaced, not added
  EXPECT_DOUBLE_EQ(c.Get("HGX-H100-8").scale_up.bandwidth_bytes_per_s, 4e11);
  EXPECT_TRUE(c.Get("HGX-H100-8").aliases.empty());

  std::string odd = mine;
  odd.replace(odd.find("\"domain_gpus\": 8"), 16, "\"domain_gpus\": 12");
  EXPECT_EQ(LoadError(odd),
            "my.json: /clusters/0/scale_up/domain_gpus: a scale-up domain of 12 GPUs is not a whole number of 8-GPU "
            "nodes; make it a multiple of gpus_per_node");
  std::string negative = mine;
  negative.replace(negative.find("4e11"), 4, "-4e11");
  EXPECT_EQ(LoadError(negative).substr(0, 77),
            "my.json: /clusters/0/scale_up/bandwidth_bytes_per_s: does not match the schem");
  std::string taken = mine;
  taken.replace(taken.find("\"HGX-H100-8\""), 12, "\"dgx-h200\"");
  EXPECT_EQ(LoadError(taken),
            "my.json: /clusters/0: name or alias 'dgx-h200' is already used by cluster 'HGX-H200-8' "
            "(<embedded>/clusters/clusters.json /clusters/1); rename it, or give the cluster that name to replace "
            "it");
}

TEST(ClusterTest, UnknownNamesSuggest) {
  try {
    Clusters().Get("hgx-h100-9");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(),
              "cluster: unknown cluster 'hgx-h100-9' (did you mean 'HGX-H100-8'?); 'lmp cluster list' "
              "lists the catalog");
  }
  ClusterCatalog c;
  c.AddText(R"({"schema": "lmp.cluster/1", "clusters": [{"name": "X", "device": "H900", "gpus_per_node": 2,
    "scale_up": {"fabric": "f", "domain_gpus": 2, "bandwidth_bytes_per_s": 1e9, "latency_s": 1e-6},
    "scale_out": {"fabric": "g", "nics_per_node": 1, "nic_bandwidth_bytes_per_s": 1e9, "latency_s": 1e-6},
    "citation": "c"}]})",
            "x.json");
  try {
    ClusterDevice(c.Get("x"), Catalog::Embedded());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(),
              "x.json: /clusters/0/device: cluster 'X' names device 'H900', which the device catalog does "
              "not have; add it with hardware_file, or fix the name");
  }
}

}  // namespace
}  // namespace lmp::hardware
