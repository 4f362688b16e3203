#ifndef LMP_HARDWARE_RUNTIME_H_
#define LMP_HARDWARE_RUNTIME_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "hardware/cluster.h"
#include "hardware/hardware.h"
#include "util/error.h"
#include "util/schema.h"

namespace lmp::hardware {

// A parameter of the time model with where its value comes from.
struct Sourced {
  double value = 0;
  std::string provenance;
};

// What a device reaches of its datasheet figures, whatever software runs on
// it (data/runtimes/runtimes.json, "devices"). The entry named "*" holds the
// values for devices without their own; a device entry may set only some
// fields, the rest come from "*".
struct DeviceEfficiency {
  std::string device;  // catalog name, or "*"
  bool has_bandwidth = false;
  Sourced bandwidth_fraction;                     // large streaming kernels
  std::map<std::string, Sourced> tensor_fraction;  // precision -> large GEMMs
  std::string file, pointer;
};

// A runtime profile: how a class of software (a serving engine, a PyTorch
// loop) runs the kernels. `ideal` is the pure roofline: every operation at
// the datasheet peaks, no fixed costs.
struct Runtime {
  std::string name;
  std::vector<std::string> aliases;
  std::string description;
  bool ideal = false;
  std::vector<std::string> frameworks;  // lower case
  std::string execution_profile;        // "" = the scenario's
  Sourced kernel_overhead_s;
  Sourced prefill_step_overhead_s;
  Sourced decode_step_overhead_s;
  Sourced attention_flops_fraction;
  Sourced attention_bandwidth_fraction;
  std::map<int, Sourced> weight_only_bandwidth_fraction;  // by w_bits
  std::map<int, Sourced> weight_only_tensor_fraction;     // by w_bits
  Sourced gemm_tile_m, gemm_tile_n;
  // Optional: the bus bandwidth collectives reach over the link peak.
  Sourced collective_bandwidth_fraction{1.0, "not given: the link peak"};
  std::string file, pointer;
};

// Everything the time model needs for one runtime on one device, resolved
// to plain numbers. Default-constructed it is the ideal roofline.
struct Timing {
  std::string runtime = "ideal";
  bool ideal = true;
  double bandwidth_fraction = 1;
  std::map<std::string, double> tensor_fraction;  // precision -> fraction; absent: 1
  double kernel_overhead_s = 0;
  double prefill_step_overhead_s = 0;
  double decode_step_overhead_s = 0;
  double attention_flops_fraction = 1;
  double attention_bandwidth_fraction = 1;
  std::map<int, double> weight_only_bandwidth_fraction;  // w_bits -> fraction; absent: 1
  std::map<int, double> weight_only_tensor_fraction;     // w_bits -> fraction; absent: 1
  int64_t gemm_tile_m = 1, gemm_tile_n = 1;
  int64_t compute_units = 0;  // the device's SMs/CUs; 0: no wave quantisation
  double collective_bandwidth_fraction = 1;  // of each link tier's peak
  // The link tier each communication group of a parallel layout runs on
  // ("tp", "ep", "pp"), from the cluster (parallel::TierFor); empty on one
  // GPU. A communication operation takes its collective's alpha-beta time
  // over its group's tier, plus kernel_overhead_s.
  std::map<std::string, LinkTier> comm_tiers;
};

// The runtime profiles and device efficiencies, layered like the hardware
// catalog: a later file's runtime replaces one of the same name, a later
// device entry replaces the fields it sets.
class RuntimeCatalog {
 public:
  static RuntimeCatalog Embedded(SchemaCheck check = SchemaCheck::kTrustEmbedded);

  // Throws lmp::Error naming `file` and the JSON pointer of the fault.
  void AddText(std::string_view text, const std::string& file, SchemaCheck check = SchemaCheck::kCheck);
  void AddFile(const std::string& path);

  // By name or alias (case-insensitive, '-' '_' ' ' alike); an unknown name
  // throws lmp::Error at `option` with a did-you-mean.
  const Runtime& Get(std::string_view name, const std::string& option = Opt("runtime")) const;
  // Get(name), or for an empty name the default runtime (ideal when the
  // catalog names none).
  const Runtime& GetOrDefault(std::string_view name, const std::string& option = Opt("runtime")) const;
  // The runtime whose `frameworks` match `framework` (a case-insensitive
  // substring), or null. A description names its framework first and what it
  // runs on after ("AutoAWQ 0.1.6 (fused modules, HF transformers)"), so the
  // pattern found earliest in it wins, whatever the catalog's order (a runtime
  // layered from a file comes last); on a tie, the catalog's first.
  const Runtime* ForFramework(std::string_view framework) const;
  const std::string& default_runtime() const { return default_runtime_; }

  // `runtime` on `device`: the device's efficiencies (its entry over "*")
  // and the runtime's kernel behaviour. Ideal runtimes give Timing{}.
  Timing Resolve(const Runtime& runtime, const Device& device) const;

  const std::vector<Runtime>& runtimes() const { return runtimes_; }
  const std::vector<DeviceEfficiency>& devices() const { return devices_; }

 private:
  std::vector<Runtime> runtimes_;
  std::vector<DeviceEfficiency> devices_;
  std::string default_runtime_;
};

}  // namespace lmp::hardware

#endif  // LMP_HARDWARE_RUNTIME_H_
