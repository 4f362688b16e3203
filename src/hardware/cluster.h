#ifndef LMP_HARDWARE_CLUSTER_H_
#define LMP_HARDWARE_CLUSTER_H_

// The cluster catalog (data/clusters/*.json, lmp.cluster/1): nodes of one
// device, a scale-up fabric inside a node or rack, NICs between nodes.
// docs/parallelism.md says how collectives use it.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hardware/hardware.h"
#include "util/error.h"
#include "util/json_file.h"

namespace lmp::hardware {

// One tier of links, as a collective sees it from one GPU.
struct LinkTier {
  std::string fabric;
  double bandwidth_bytes_per_s = 0;  // per GPU, per direction
  double latency_s = 0;              // per step of a collective algorithm
};

struct Cluster {
  std::string name;
  std::vector<std::string> aliases;
  std::string device;  // a name in the device catalog
  int64_t gpus_per_node = 0;
  // NVLink, Infinity Fabric or PCIe: `domain_gpus` GPUs share it (the node,
  // or the rack for NVL72).
  LinkTier scale_up;
  int64_t domain_gpus = 0;
  // The network between nodes: per-GPU bandwidth is the node's NICs shared
  // by its GPUs (ScaleOutTier).
  std::string scale_out_fabric;
  int64_t nics_per_node = 0;
  double nic_bandwidth_bytes_per_s = 0;  // per NIC, per direction
  double scale_out_latency_s = 0;
  std::string citation;
  std::string notes;
  std::string file;     // where it was loaded from
  std::string pointer;  // its JSON pointer there
};

// The tier a GPU of `c` uses when its group leaves the scale-up domain: the
// node's NIC bandwidth shared by its GPUs, but never more than the scale-up
// link that feeds the NICs.
LinkTier ScaleOutTier(const Cluster& c);

// Layered like the device catalog: a later file's cluster replaces one of
// the same name; any other clash of a name or alias is an error.
class ClusterCatalog {
 public:
  static ClusterCatalog Embedded();
  // Throws lmp::Error naming `file` and the JSON pointer of the first fault.
  void AddText(std::string_view text, const std::string& file);
  void AddFile(const std::string& path);
  // By name or alias, case-insensitively; an unknown name throws at `option`
  // with a did-you-mean.
  const Cluster& Get(std::string_view name, const std::string& option = Opt("cluster")) const;
  const std::vector<Cluster>& clusters() const { return clusters_; }

 private:
  std::vector<Cluster> clusters_;
};

// The first cluster whose device is `device` (by name or alias), or null.
const Cluster* ClusterForDevice(const ClusterCatalog& clusters, const Device& device);

// The cluster's device from `devices`; throws naming the cluster's file and
// pointer when the catalog has no such device.
const Device& ClusterDevice(const Cluster& c, const Catalog& devices);

}  // namespace lmp::hardware

#endif  // LMP_HARDWARE_CLUSTER_H_
