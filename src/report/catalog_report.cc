#include "report/catalog_report.h"

#include <fmt/format.h>

namespace lmp::report {

std::string ModelsText(const std::vector<model::CatalogEntry>& catalog) {
  std::string text;
  for (const auto& e : catalog) text += e.id + "\n";
  return text;
}

Json ModelsJson(const std::vector<model::CatalogEntry>& catalog) {
  Json list = Json::array();
  for (const auto& e : catalog) list.push_back({{"id", e.id}, {"description", e.description}});
  return list;
}

std::string ModuleListText(const db::ModuleDb& db) {
  std::string text;
  for (const auto& m : db.modules()) {
    text +=
        fmt::format("{:<64} {} op{}\n", m->full_class_name, m->operations.size(), m->operations.size() == 1 ? "" : "s");
  }
  return text;
}

Json ModuleListJson(const db::ModuleDb& db) {
  Json list = Json::array();
  for (const auto& m : db.modules()) {
    list.push_back({{"full_class_name", m->full_class_name},
                    {"key", m->key},
                    {"operations", m->operations.size()},
                    {"file", m->file}});
  }
  return list;
}

std::string ModuleShowText(const db::Module& m) {
  std::string text = fmt::format("{}  (key {}, from {})\n", m.full_class_name, m.key, m.file);
  if (!m.description.empty()) text += "  " + m.description + "\n";
  text += "parameters:\n";
  for (size_t i = 0; i < m.params.size(); ++i) {
    text += fmt::format("  {:<18} {}{}\n", m.params[i].name, m.param_descriptions[i],
                        m.params[i].default_value ? " (default " + m.params[i].default_value->text + ")" : "");
  }
  text += "parameter_count: " + m.parameter_count->text + "\n";
  for (const auto& op : m.operations) {
    std::string profiles;
    for (const std::string& p : op.profiles) profiles += (profiles.empty() ? "; profiles: " : ", ") + p;
    text += fmt::format("operation {} ({}{}):\n", op.name, op.kind, profiles);
    for (int k = 0; k < db::kNumMetrics; ++k)
      text += fmt::format("  {:<19} {}\n", db::MetricName(k), op.metrics[k]->text);
  }
  return text;
}

Json ModuleShowJson(const db::Module& m) { return Json{{m.key, m.source}}; }

}  // namespace lmp::report
