// The build's check of the embedded data (CMakeLists.txt runs it before lmp
// is built): every embedded module database, device catalog and runtime file
// against its schema, the database's formulas and calls, the catalogs'
// cross-references, every catalog model's architecture or config.json.
// lmp trusts these at run time (util/schema.h); a broken one fails the build
// here with the usual one-line error naming the file and place.
#include <cstdio>

#include "db/module_db.h"
#include "hardware/cluster.h"
#include "hardware/hardware.h"
#include "hardware/runtime.h"
#include "model/model.h"
#include "parallel/sharding.h"
#include "util/error.h"

int main() {
  try {
    const lmp::db::ModuleDb db = lmp::db::ModuleDb::Embedded(lmp::SchemaCheck::kCheck);
    const lmp::hardware::Catalog devices = lmp::hardware::Catalog::Embedded(lmp::SchemaCheck::kCheck);
    const lmp::hardware::RuntimeCatalog runtimes = lmp::hardware::RuntimeCatalog::Embedded(lmp::SchemaCheck::kCheck);
    const lmp::hardware::ClusterCatalog clusters = lmp::hardware::ClusterCatalog::Embedded();
    for (const lmp::hardware::Cluster& c : clusters.clusters()) lmp::hardware::ClusterDevice(c, devices);
    for (const lmp::hardware::Device& d : devices.devices()) runtimes.Resolve(runtimes.GetOrDefault(""), d);
    lmp::parallel::ShardingRules::Embedded();
    for (const lmp::model::CatalogEntry& e : lmp::model::Catalog()) {
      const lmp::model::Model m = lmp::model::LoadModel(e.id);
      // The catalog finds an architecture by its file's name (model.h).
      if (!e.built && m.id != e.id) {
        throw lmp::Error("<embedded>/" + e.path, "/model_id",
                         "is '" + m.id + "', but the file's name says '" + e.id + "'; rename the file or fix the id");
      }
    }
  } catch (const lmp::Error& e) {
    std::fprintf(stderr, "lmp_datacheck: error: %s\n", e.Line().c_str());
    return 1;
  }
  return 0;
}
