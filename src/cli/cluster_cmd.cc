#include "cli/cluster_cmd.h"

#include <fmt/format.h>

#include <cstdio>

#include "api/request.h"
#include "cli/common.h"
#include "hardware/cluster.h"
#include "report/report.h"

namespace lmp::cli {

void SetupCluster(CLI::App& cmd, ClusterOptions& o) {
  cmd.require_subcommand(1);
  o.list = cmd.add_subcommand("list", "list the clusters in the catalog");
  CLI::App* show = cmd.add_subcommand("show", "print a cluster: device, nodes, fabrics, citation");
  show->add_option("NAME", o.name, "cluster name or alias, any case")->required();
  for (CLI::App* sub : {o.list, show}) {
    AddRepeatableFileOption(*sub, "--cluster-file", o.cluster_files,
                            "a cluster catalog file (lmp.cluster/1) layered over the embedded one; repeatable");
    AddRepeatableFileOption(*sub, "--hardware-file", o.hardware_files,
                            "a hardware file layered over the device catalog; repeatable");
  }
}

int RunCluster(const ClusterOptions& o) {
  hardware::ClusterCatalog clusters = hardware::ClusterCatalog::Embedded();
  for (const std::string& f : o.cluster_files) clusters.AddFile(f);
  const hardware::Catalog devices = api::LoadHardware(o.hardware_files);
  std::string text;
  if (o.list->parsed()) {
    text = fmt::format("{:<16} {:<16} {:>9} {:>7}  {:>14}  {:>14}\n", "name", "device", "GPUs/node", "domain",
                       "scale-up/GPU", "scale-out/GPU");
    for (const hardware::Cluster& c : clusters.clusters()) {
      hardware::ClusterDevice(c, devices);
      text += fmt::format("{:<16} {:<16} {:>9} {:>7}  {:>14}  {:>14}\n", c.name, c.device, c.gpus_per_node,
                          c.domain_gpus,
                          report::Human(c.scale_up.bandwidth_bytes_per_s, "B/s"),
                          report::Human(hardware::ScaleOutTier(c).bandwidth_bytes_per_s, "B/s"));
    }
    text += "bandwidths are per GPU and per direction; 'lmp cluster show NAME' gives the fabrics and sources\n";
  } else {
    const hardware::Cluster& c = clusters.Get(o.name, "cluster show");
    const hardware::Device& d = hardware::ClusterDevice(c, devices);
    const hardware::LinkTier out = hardware::ScaleOutTier(c);
    text = fmt::format("{}: nodes of {} x {}\n", c.name, c.gpus_per_node, d.name);
    text += fmt::format("scale-up   {}: {} GPUs, {} per GPU each way, {} per step\n", c.scale_up.fabric,
                        c.domain_gpus, report::Human(c.scale_up.bandwidth_bytes_per_s, "B/s"),
                        report::HumanTime(c.scale_up.latency_s));
    text += fmt::format("scale-out  {}: {} NICs of {} each way per node, {} per GPU, {} per step\n",
                        c.scale_out_fabric, c.nics_per_node, report::Human(c.nic_bandwidth_bytes_per_s, "B/s"),
                        report::Human(out.bandwidth_bytes_per_s, "B/s"), report::HumanTime(out.latency_s));
    text += "source: " + c.citation + "\n";
    if (!c.notes.empty()) text += "notes: " + c.notes + "\n";
  }
  std::fputs(text.c_str(), stdout);
  return 0;
}

}  // namespace lmp::cli
