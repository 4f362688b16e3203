// lmp sweep's list and range parsing (--batch 1:64:x2,100) and --where.

#include "fuzz/fuzz_util.h"
#include "sweep/frontier.h"
#include "sweep/range.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = lmp::fuzz::Text(data, size);
  lmp::fuzz::Guard([&] { lmp::sweep::ParseIntList(text, "--batch"); });
  lmp::fuzz::Guard([&] { lmp::sweep::ParseNameList(text, "--model"); });
  return lmp::fuzz::Guard([&] { lmp::sweep::ParseWhere(text); });
}
