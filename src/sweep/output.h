#ifndef LMP_SWEEP_OUTPUT_H_
#define LMP_SWEEP_OUTPUT_H_

#include <string>
#include <string_view>

#include "sweep/sweep.h"

namespace lmp::sweep {

enum class Format { kCsv, kJsonl, kMarkdown };

// Throws lmp::Error naming --format for anything but "csv", "jsonl" and
// "markdown".
Format ParseFormat(std::string_view text);

// The header lines (with their newlines): CSV's column names, Markdown's
// table head; JSONL has none.
// With `layouts` (Sweep::has_layouts), three columns follow: layout, gpus and
// tokens_per_s_per_gpu.
std::string Header(Format format, bool layouts = false);

// Appends one row, newline included. Times in seconds, FLOPs and bytes as
// shortest round-trip decimals (request FLOPs and bytes are sums of doubles;
// the footprint is an exact integer). Names are quoted only when CSV needs it.
class RowWriter {
 public:
  RowWriter(const Sweep& sweep, Format format);
  void Append(const Row& row, std::string* out) const;

 private:
  void AppendBase(const Row& row, std::string* out) const;
  Format format_;
  // Names already quoted or escaped for the format.
  std::vector<std::string> models_, devices_, profiles_, layouts_;
  std::vector<int64_t> gpus_;
  std::string runtime_;
  bool has_layouts_ = false;
};

}  // namespace lmp::sweep

#endif  // LMP_SWEEP_OUTPUT_H_
