#include "analysis/missing.h"

#include <functional>
#include <set>

namespace lmp::analysis {

std::vector<MissingModule> MissingModules(const model::Model& model, const db::ModuleDb& db) {
  std::vector<MissingModule> out;
  std::set<std::string> seen;
  std::function<void(const model::Layer&)> walk = [&](const model::Layer& layer) {
    const db::Lookup found = db.Find(layer.class_name);
    if (!found.module && found.ambiguous.empty() && seen.insert(layer.class_name).second) {
      MissingModule m{layer.class_name, layer.pointer, {}};
      for (const model::Layer& s : layer.sub_layers) m.sub_layers.emplace_back(s.name, s.class_name);
      out.push_back(std::move(m));
    }
    for (const model::Layer& s : layer.sub_layers) walk(s);
  };
  for (const model::Layer& l : model.layers) walk(l);
  return out;
}

}  // namespace lmp::analysis
