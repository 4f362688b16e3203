// lmp sweep's list and range parsing (--batch 1:64:x2,100) and --where,
// --parallel's layout text (tp=8,ep=8) and lmp plan's durations (50ms).

#include "fuzz/fuzz_util.h"
#include "sweep/frontier.h"
#include "parallel/layout.h"
#include "sweep/range.h"
#include "util/duration.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = lmp::fuzz::Text(data, size);
  lmp::fuzz::Guard([&] { lmp::sweep::ParseIntList(text, "--batch"); });
  lmp::fuzz::Guard([&] { lmp::sweep::ParseNameList(text, "--model"); });
  lmp::fuzz::Guard([&] { lmp::parallel::ParseLayout(text); });
  lmp::fuzz::Guard([&] { lmp::ParseDuration(text, "--max-tpot"); });
  return lmp::fuzz::Guard([&] { lmp::sweep::ParseWhere(text); });
}
