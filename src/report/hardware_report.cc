#include <fmt/format.h>

#include "report/report.h"

namespace lmp::report {
namespace {

std::string PeakList(const std::map<std::string, double>& peaks) {
  std::string out;
  for (const auto& [precision, v] : peaks) {
    out += fmt::format("{}{} {}/s", out.empty() ? "" : ", ", precision, Human(v, "FLOP"));
  }
  return out.empty() ? "(none published)" : out;
}

std::string Gib(int64_t bytes) { return fmt::format("{:.0f} GiB", static_cast<double>(bytes) / (1 << 30)); }

}  // namespace

std::string HardwareListText(const hardware::Catalog& catalog) {
  std::string out = fmt::format("{:<16} {:<8} {:>8} {:>12} {:>16}\n", "name", "vendor", "DRAM", "bandwidth",
                                "tensor 16-bit");
  for (const hardware::Device& d : catalog.devices()) {
    auto it = d.tensor_flops_per_s.find("fp16");
    if (it == d.tensor_flops_per_s.end()) it = d.tensor_flops_per_s.find("bf16");
    const std::string tensor = it == d.tensor_flops_per_s.end() ? "-" : Human(it->second, "FLOP") + "/s";
    out += fmt::format("{:<16} {:<8} {:>8} {:>12} {:>16}\n", d.name, d.vendor, Gib(d.dram_bytes),
                       Human(d.dram_bandwidth_bytes_per_s, "B") + "/s", tensor);
  }
  return out;
}

Json HardwareListJson(const hardware::Catalog& catalog) {
  Json list = Json::array();
  for (const hardware::Device& d : catalog.devices()) {
    list.push_back({{"name", d.name}, {"aliases", d.aliases}, {"vendor", d.vendor}, {"file", d.file}});
  }
  return list;
}

std::string DeviceText(const hardware::Device& d) {
  std::string out = fmt::format("{}  ({}, from {})\n", d.name, d.vendor.empty() ? "no vendor" : d.vendor, d.file);
  std::string aliases;
  for (const std::string& a : d.aliases) aliases += (aliases.empty() ? "" : ", ") + a;
  out += fmt::format("  aliases:      {}\n", aliases.empty() ? "(none)" : aliases);
  out += fmt::format("  DRAM:         {} ({} bytes), {}/s\n", Gib(d.dram_bytes), Grouped(d.dram_bytes),
                     Human(d.dram_bandwidth_bytes_per_s, "B"));
  out += fmt::format("  on-chip:      {}\n", d.onchip_bytes > 0 ? Grouped(d.onchip_bytes) + " bytes" : "unknown");
  out += fmt::format("  SRAM/core:    {}\n",
                     d.sram_per_core_bytes > 0 ? Grouped(d.sram_per_core_bytes) + " bytes per SM/CU" : "unknown");
  out += fmt::format("  interconnect: {}\n", d.interconnect_bandwidth_bytes_per_s > 0
                                                 ? Human(d.interconnect_bandwidth_bytes_per_s, "B") + "/s"
                                                 : "unknown");
  out += fmt::format("  tensor:       {}\n", PeakList(d.tensor_flops_per_s));
  out += fmt::format("  vector:       {}\n", PeakList(d.vector_flops_per_s));
  out += fmt::format("  citation:     {}\n", d.citation);
  if (!d.notes.empty()) out += fmt::format("  notes:        {}\n", d.notes);
  return out;
}

}  // namespace lmp::report
