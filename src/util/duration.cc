#include "util/duration.h"

#include <charconv>
#include <cmath>

#include "util/error.h"

namespace lmp {

double ParseDuration(std::string_view text, const std::string& option) {
  static const std::pair<std::string_view, double> kUnits[] = {{"ms", 1e-3}, {"us", 1e-6}, {"s", 1.0}};
  double scale = 1;
  std::string_view number = text;
  for (const auto& [unit, factor] : kUnits) {
    if (text.size() > unit.size() && text.substr(text.size() - unit.size()) == unit) {
      number = text.substr(0, text.size() - unit.size());
      scale = factor;
      break;
    }
  }
  double v = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
  if (number.empty() || ec != std::errc() || end != number.data() + number.size() || !std::isfinite(v) || v <= 0 ||
      !std::isfinite(v * scale)) {
    throw Error("", option, "'" + std::string(text) + "' is not a positive duration; write e.g. 50ms, 2s or 0.05 (seconds)");
  }
  return v * scale;
}

}  // namespace lmp
