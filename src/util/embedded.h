#ifndef LMP_UTIL_EMBEDDED_H_
#define LMP_UTIL_EMBEDDED_H_

#include <string_view>
#include <vector>

namespace lmp {

// A file from data/, compiled into the binary so lmp works with no files.
struct EmbeddedFile {
  std::string_view path;  // relative to data/, e.g. "modules/torch.json"
  std::string_view text;
};

const std::vector<EmbeddedFile>& EmbeddedFiles();

// Embedded files whose path starts with `prefix`, in path order.
std::vector<EmbeddedFile> EmbeddedFilesUnder(std::string_view prefix);

}  // namespace lmp

#endif  // LMP_UTIL_EMBEDDED_H_
