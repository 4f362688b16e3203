#ifndef LMP_AGENT_TRACE_MODULE_H_
#define LMP_AGENT_TRACE_MODULE_H_

#include <string>
#include <vector>

namespace lmp::agent {

struct TraceOptions {
  std::string class_name;               // importable path, e.g. torch.nn.GELU
  std::string config_file;              // lmp.trace-config/1 (docs/conventions.md#trace-configs)
  std::vector<std::string> init;        // KEY=VALUE constructor arguments over the config's
  std::vector<std::string> sub_layers;  // a composite's sub-modules, or {"all"}: their ops are not counted
  std::string python;                   // "": $LMP_PYTHON, else python3
  std::string db_file;                  // the user database the entry is stored in
  bool force = false;                   // trace even when the database has the class
  double timeout_s = 600;
};

struct TraceResult {
  bool cached = false;   // the database already had the class; nothing ran
  std::string found_in;  // cached: the file of the entry
  std::string key;
  std::string full_class_name;
  size_t operations = 0;
  std::string torch_version;
};

// Cache-first trace analysis of one module class: unless `force`, a class
// the embedded database or `db_file` already has is not traced. Otherwise
// the embedded tools/trace package runs in the user's python
// (`python -m lmp_trace derive`): it builds the class from the config at two
// sets of prime sizes, derives symbolic formulas from the first trace and
// checks them exactly against the second. The entry is checked as loading
// checks it, on top of the database, then stored in `db_file` (db_store:
// locked, atomic). Throws lmp::Error with the tracer's one-line message when
// it fails, and when python or torch is missing.
TraceResult TraceModule(const TraceOptions& o);

}  // namespace lmp::agent

#endif  // LMP_AGENT_TRACE_MODULE_H_
