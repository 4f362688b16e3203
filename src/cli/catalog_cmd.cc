#include "cli/catalog_cmd.h"

#include "api/request.h"
#include "cli/model_options.h"
#include "cli/output_options.h"
#include "model/model.h"
#include "report/catalog_report.h"
#include "report/report.h"

namespace lmp::cli {

void SetupModels(CLI::App& cmd, ModelsCmdOptions& o) {
  AddFormatOption(cmd, o.format, {"table", "json"}, "table or json");
}

int RunModels(ModelsCmdOptions& o) {
  o.format == "json" ? PrintJson(report::ModelsJson(model::Catalog())) : Print(report::ModelsText(model::Catalog()));
  return 0;
}

void SetupHardware(CLI::App& cmd, HardwareCmdOptions& o) {
  cmd.require_subcommand(1);
  o.list = cmd.add_subcommand("list", "list the devices in the hardware catalog");
  o.show = cmd.add_subcommand("show", "print a device: memory, bandwidths, peaks, citation");
  o.show->add_option("NAME", o.name, "device name or alias, any case")->required();
  for (CLI::App* sub : {o.list, o.show}) {
    AddHardwareFileOption(*sub, o.hardware_files);
    AddFormatOption(*sub, o.format, {"table", "json"}, "table or json");
  }
}

int RunHardware(HardwareCmdOptions& o) {
  const hardware::Catalog catalog = api::LoadHardware(o.hardware_files);
  if (o.list->parsed()) {
    o.format == "json" ? PrintJson(report::HardwareListJson(catalog)) : Print(report::HardwareListText(catalog));
    return 0;
  }
  const hardware::Device& d = catalog.Get(o.name, "hardware show");
  o.format == "json" ? PrintJson(d.source) : Print(report::DeviceText(d));
  return 0;
}

}  // namespace lmp::cli
