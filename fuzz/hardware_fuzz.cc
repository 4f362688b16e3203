// The hardware catalog file, the cluster catalog file, the runtime profile
// file and the sharding rules file, as --hardware-file, --cluster-file,
// --runtime-file and --sharding-file layer them over the embedded ones; rules
// that load are applied: a dense and an MoE model are built over a layout
// (tp, pp and ep of 2) and evaluated.

#include "fuzz/fuzz_util.h"
#include "hardware/cluster.h"
#include "hardware/hardware.h"
#include "hardware/runtime.h"
#include "model/model.h"
#include "parallel/sharding.h"
#include "request/deployment.h"

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
  lmp::fuzz::Guard([&] {
    lmp::hardware::RuntimeCatalog r = runtimes;
    r.AddText(text, "runtime.json");
  });
  static const lmp::db::ModuleDb db = lmp::db::ModuleDb::Embedded();
  static const lmp::parallel::ShardingRules rules = lmp::parallel::ShardingRules::Embedded();
  static const lmp::model::Model dense = lmp::model::LoadModel("meta-llama/Llama-3.2-1B");
  static const lmp::model::Model moe = lmp::model::LoadModel("mistralai/Mixtral-8x7B-v0.1");
  return lmp::fuzz::Guard([&] {
    lmp::parallel::ShardingRules r = rules;
    r.AddText(text, "sharding.json");
    for (const auto& [m, layout] : {std::pair{&dense, lmp::parallel::Layout{2, 2, 1, 1}},
                                    std::pair{&moe, lmp::parallel::Layout{2, 1, 2, 1}}}) {
      for (const lmp::analysis::Plan& p : lmp::request::BuildStagePlans(*m, db, "fused", r, layout)) {
        lmp::analysis::Analyze(p, lmp::analysis::Scenario{});
      }
    }
  });
}
