#ifndef LMP_HARDWARE_HARDWARE_H_
#define LMP_HARDWARE_HARDWARE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"
#include "util/json_file.h"
#include "util/schema.h"

namespace lmp::hardware {

// One accelerator as its datasheet describes it. FLOP/s are dense peaks;
// bandwidths are decimal bytes/s; capacities are bytes (see
// data/hardware/SOURCES.md for how each figure was read).
struct Device {
  std::string name;
  std::vector<std::string> aliases;
  std::string vendor;
  int64_t dram_bytes = 0;
  double dram_bandwidth_bytes_per_s = 0;
  int64_t onchip_bytes = 0;  // 0: not known
  // Shared memory per SM (NVIDIA) or LDS per CU (AMD): the on-chip SRAM one
  // thread block can tile into, which sizes FlashAttention's tiles. It is not
  // the L2 (onchip_bytes): a kernel's tiles must fit in one core. 0: not known.
  int64_t sram_per_core_bytes = 0;
  double interconnect_bandwidth_bytes_per_s = 0;  // 0: not known
  // Streaming multiprocessors (NVIDIA) or compute units (AMD): the units a
  // GEMM's tiles are spread over, for wave quantisation. 0: not known.
  int64_t compute_units = 0;
  // Precision ("fp16", "int8", ...) -> FLOP/s (OP/s for integers).
  std::map<std::string, double> tensor_flops_per_s;
  std::map<std::string, double> vector_flops_per_s;
  std::string citation;
  std::string notes;
  std::string file;     // where it was loaded from
  std::string pointer;  // "/devices/<i>" in that file
  Json source;          // the entry as written
};

// Lower case, with '-', '_' and ' ' all read as '-': "nvidia_H100" and
// "NVIDIA-h100" are one name.
std::string NormalizeName(std::string_view name);

// The hardware catalog. Files are layered: a device whose name (normalized)
// is already present replaces the earlier one; any other clash of a name or
// alias with an existing device is an error.
class Catalog {
 public:
  // The embedded catalog (data/hardware/*.json), loaded and validated.
  static Catalog Embedded(SchemaCheck check = SchemaCheck::kTrustEmbedded);

  // Throws lmp::Error naming `file` and the JSON pointer of the first fault.
  void AddText(std::string_view text, const std::string& file, SchemaCheck check = SchemaCheck::kCheck);
  void AddFile(const std::string& path);

  // By name or alias, case-insensitively, '-' '_' ' ' alike. Throws
  // lmp::Error with a did-you-mean when nothing matches, placed at `option`
  // (the command-line argument the name came from).
  const Device& Get(std::string_view name, const std::string& option = Opt("hardware")) const;

  const std::vector<Device>& devices() const { return devices_; }

 private:
  std::vector<Device> devices_;
};

}  // namespace lmp::hardware

#endif  // LMP_HARDWARE_HARDWARE_H_
