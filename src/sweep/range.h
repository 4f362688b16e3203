#ifndef LMP_SWEEP_RANGE_H_
#define LMP_SWEEP_RANGE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lmp::sweep {

// The most values one list may expand to; a sweep's whole product has its
// own limit (kMaxScenarios).
inline constexpr int64_t kMaxListValues = 1'000'000;

// A comma-separated list of positive integers and ranges, as `lmp sweep`
// options take them:
//   1,8,64          the values as written, in that order
//   128:8192:x2     geometric: 128, 256, ..., 8192 (start:stop:xFACTOR)
//   1:64:+8         arithmetic: 1, 9, ..., 57 (start:stop:+STEP)
// A range includes stop when a step lands on it exactly, and never goes past
// it. Throws lmp::Error naming `option` (the caller's place, e.g. the CLI's flag) for a bad item: not a
// positive integer, a bad step, stop below start, or more than
// kMaxListValues values.
std::vector<int64_t> ParseIntList(std::string_view text, const std::string& option);

// A comma-separated list of names ("fused,flash"); empty items are errors.
std::vector<std::string> ParseNameList(std::string_view text, const std::string& option);

}  // namespace lmp::sweep

#endif  // LMP_SWEEP_RANGE_H_
