#include <cmath>

#include <fmt/format.h>

#include "report/report.h"

namespace lmp::report {

std::string Grouped(int64_t v) {
  // Magnitude in unsigned arithmetic, so INT64_MIN has one too.
  const uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  const std::string digits = std::to_string(mag);
  std::string out;
  const int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    out += digits[i];
    if ((n - 1 - i) % 3 == 0 && i != n - 1) out += ',';
  }
  return v < 0 ? "-" + out : out;
}

std::string Human(double v, const char* unit) {
  static const char* const kPrefixes[] = {"", "K", "M", "G", "T", "P", "E"};
  int p = 0;
  double x = v;
  while (std::fabs(x) >= 1000.0 && p < 6) {
    x /= 1000.0;
    ++p;
  }
  if (p == 0) return fmt::format("{:.0f} {}", x, unit);
  return fmt::format("{:.2f} {}{}", x, kPrefixes[p], unit);
}

std::string HumanTime(double seconds) {
  if (seconds >= 1.0) return fmt::format("{:.2f} s", seconds);
  if (seconds >= 1e-3) return fmt::format("{:.2f} ms", seconds * 1e3);
  if (seconds >= 1e-6) return fmt::format("{:.2f} \u00b5s", seconds * 1e6);
  return fmt::format("{:.2f} ns", seconds * 1e9);
}

}  // namespace lmp::report
