#ifndef LMP_UTIL_DURATION_H_
#define LMP_UTIL_DURATION_H_

#include <string>
#include <string_view>

namespace lmp {

// "50ms", "2s", "800us", or a bare number of seconds, as seconds. Throws
// lmp::Error at place `option` for anything else, and for a value that is
// not a finite positive number.
double ParseDuration(std::string_view text, const std::string& option);

}  // namespace lmp

#endif  // LMP_UTIL_DURATION_H_
