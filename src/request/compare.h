#ifndef LMP_REQUEST_COMPARE_H_
#define LMP_REQUEST_COMPARE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/footprint.h"
#include "analysis/scenario.h"
#include "db/module_db.h"
#include "hardware/fit.h"
#include "hardware/hardware.h"
#include "hardware/runtime.h"
#include "parallel/layout.h"
#include "request/generate.h"

namespace lmp::request {

// One request as `lmp generate` takes it. `lmp compare` builds two: the
// shared options, then --a or --b on top.
struct RequestSpec {
  std::string model;
  std::string hardware;
  std::string runtime;           // "": the runtime catalog's default
  bool profile_given = false;    // else the runtime's execution profile
  analysis::Scenario scenario;
  int64_t gen_len = 256;
  // Over many GPUs (docs/parallelism.md): on the catalog's first cluster of
  // the device; figures are per GPU, tokens/s the deployment's.
  parallel::Layout layout;
  int64_t microbatches = 1;
};

// The keys --a and --b take, named as the command-line options: model,
// hardware, batch, prompt, gen, w-bits, a-bits, kv-bits, w-group-size,
// compute, profile, sram-bytes, runtime, tp, pp, ep, dp, microbatches.
const std::vector<std::string>& SettingKeys();

// Applies "key=value,key=value" to `spec`. Throws lmp::Error naming
// `option` (the caller's place, e.g. Opt("a")) for a malformed item, an unknown key (with a
// did-you-mean), or a value that is not an integer where one is needed.
// Ranges of values are checked when the request is evaluated.
void ApplySettings(std::string_view text, const std::string& option, RequestSpec* spec);

// A request evaluated as `lmp generate` does: its times, FLOPs and bytes,
// and its footprint against the device's memory.
struct RequestOutcome {
  std::string model_id;
  std::string device;
  analysis::Scenario scenario;  // as run: OnDevice's SRAM filled in
  GenerateResult result;
  analysis::Footprint footprint;  // per GPU (the fullest stage) under a layout
  hardware::FitStatus fit;
  parallel::Layout layout;
  std::string cluster;  // under a layout
};

// Throws lmp::Error for a bad scenario, model or device; a model or device
// error is prefixed with `label` ("A: ") so the user knows which side.
RequestOutcome EvaluateRequest(const RequestSpec& spec, const db::ModuleDb& db, const hardware::Catalog& catalog,
                               const hardware::RuntimeCatalog& runtimes, const std::string& label);

}  // namespace lmp::request

#endif  // LMP_REQUEST_COMPARE_H_
