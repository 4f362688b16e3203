#include "sweep/range.h"

#include <charconv>

#include "util/error.h"

namespace lmp::sweep {
namespace {

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t begin = 0;
  while (true) {
    const size_t end = text.find(sep, begin);
    parts.push_back(text.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin));
    if (end == std::string_view::npos) return parts;
    begin = end + 1;
  }
}

// A whole positive integer, the full text and nothing else.
int64_t Positive(std::string_view text, const std::string& option, std::string_view item, const char* what) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  const std::string in = text == item ? "" : " in '" + std::string(item) + "'";
  const std::string subject = *what == '\0' ? "" : std::string(what) + " ";
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    throw Error("", option, subject + "'" + std::string(text) + "'" + in + " is not an integer");
  }
  if (v < 1) throw Error("", option, subject + "must be a positive integer, got " + std::to_string(v) + in);
  return v;
}

[[noreturn]] void TooMany(const std::string& option, std::string_view item) {
  throw Error("", option,
              "'" + std::string(item) + "' gives more than " + std::to_string(kMaxListValues) +
                  " values; use a coarser step");
}

void ExpandRange(std::string_view item, const std::string& option, std::vector<int64_t>* out) {
  const std::vector<std::string_view> parts = Split(item, ':');
  if (parts.size() != 3) {
    throw Error("", option,
                "bad range '" + std::string(item) + "'; write START:STOP:xFACTOR (e.g. 128:8192:x2) or "
                "START:STOP:+STEP (e.g. 1:64:+8)");
  }
  const int64_t start = Positive(parts[0], option, item, "start");
  const int64_t stop = Positive(parts[1], option, item, "stop");
  if (stop < start) {
    throw Error("", option,
                "stop " + std::to_string(stop) + " is below start " + std::to_string(start) + " in '" +
                    std::string(item) + "'");
  }
  const std::string_view step = parts[2];
  if (step.empty() || (step[0] != 'x' && step[0] != '+')) {
    throw Error("", option,
                "bad step '" + std::string(step) + "' in '" + std::string(item) +
                    "'; write xFACTOR (e.g. x2) or +STEP (e.g. +8)");
  }
  const bool geometric = step[0] == 'x';
  const int64_t by = Positive(step.substr(1), option, item, geometric ? "factor" : "step");
  if (geometric && by < 2) {
    throw Error("", option, "factor must be at least 2, got x1 in '" + std::string(item) + "'");
  }
  const size_t first = out->size();
  for (int64_t v = start;;) {
    if (static_cast<int64_t>(out->size() - first) >= kMaxListValues) TooMany(option, item);
    out->push_back(v);
    int64_t next = 0;
    const bool overflow = geometric ? __builtin_mul_overflow(v, by, &next) : __builtin_add_overflow(v, by, &next);
    if (overflow || next > stop) return;
    v = next;
  }
}

}  // namespace

std::vector<int64_t> ParseIntList(std::string_view text, const std::string& option) {
  std::vector<int64_t> values;
  for (std::string_view item : Split(text, ',')) {
    if (item.empty()) throw Error("", option, "empty item in '" + std::string(text) + "'");
    if (item.find(':') != std::string_view::npos) {
      ExpandRange(item, option, &values);
    } else {
      values.push_back(Positive(item, option, item, ""));
    }
    if (static_cast<int64_t>(values.size()) > kMaxListValues) TooMany(option, text);
  }
  return values;
}

std::vector<std::string> ParseNameList(std::string_view text, const std::string& option) {
  std::vector<std::string> names;
  for (std::string_view item : Split(text, ',')) {
    if (item.empty()) throw Error("", option, "empty item in '" + std::string(text) + "'");
    names.emplace_back(item);
  }
  return names;
}

}  // namespace lmp::sweep
