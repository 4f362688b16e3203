// The hardware catalog file, the cluster catalog file and the runtime
// profile file, as --hardware-file, --cluster-file and --runtime-file layer
// them over the embedded catalogs.

#include "fuzz/fuzz_util.h"
#include "hardware/cluster.h"
#include "hardware/hardware.h"
#include "hardware/runtime.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const lmp::hardware::Catalog devices = lmp::hardware::Catalog::Embedded();
  static const lmp::hardware::RuntimeCatalog runtimes = lmp::hardware::RuntimeCatalog::Embedded();
  static const lmp::hardware::ClusterCatalog clusters = lmp::hardware::ClusterCatalog::Embedded();
  const std::string_view text = lmp::fuzz::Text(data, size);
  lmp::fuzz::Guard([&] {
    lmp::hardware::Catalog c = devices;
    c.AddText(text, "hardware.json");
  });
  lmp::fuzz::Guard([&] {
    lmp::hardware::ClusterCatalog c = clusters;
    c.AddText(text, "clusters.json");
    for (const lmp::hardware::Cluster& cluster : c.clusters()) lmp::hardware::ClusterDevice(cluster, devices);
  });
  return lmp::fuzz::Guard([&] {
    lmp::hardware::RuntimeCatalog r = runtimes;
    r.AddText(text, "runtime.json");
  });
}
