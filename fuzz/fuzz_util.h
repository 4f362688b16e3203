#ifndef LMP_FUZZ_FUZZ_UTIL_H_
#define LMP_FUZZ_FUZZ_UTIL_H_

// Shared by the libFuzzer targets (fuzz/*_fuzz.cc). A target feeds its input
// to one input surface of the library and accepts exactly one outcome
// besides success: an lmp::Error, which the CLI prints as a one-line error
// with exit code 2. Anything else (another exception type escaping, a
// sanitizer report, a crash, a hang) is a finding.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "util/error.h"

namespace lmp::fuzz {

inline std::string_view Text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Splits `text` at the first `sep`: the part before, and (through `rest`)
// the part after; without a `sep` the whole text and "".
inline std::string_view Split(std::string_view text, char sep, std::string_view* rest) {
  const size_t at = text.find(sep);
  if (at == std::string_view::npos) {
    *rest = {};
    return text;
  }
  *rest = text.substr(at + 1);
  return text.substr(0, at);
}

// Runs `f`; an lmp::Error is the expected outcome for bad input. With
// LMP_FUZZ_VERBOSE set, the error's line goes to stderr (to see what a seed
// input reaches).
template <typename F>
int Guard(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    static const bool verbose = std::getenv("LMP_FUZZ_VERBOSE") != nullptr;
    if (verbose) std::fprintf(stderr, "lmp::Error: %s\n", e.Line().c_str());
  }
  return 0;
}

}  // namespace lmp::fuzz

#endif  // LMP_FUZZ_FUZZ_UTIL_H_
