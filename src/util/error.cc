#include "util/error.h"

namespace lmp {
namespace {

// An option reference: kOptBegin, the field, kOptEnd. Text holding a begin
// without an end is left as it is.
constexpr char kOptBegin = '\x01';
constexpr char kOptEnd = '\x02';

std::string Compose(const std::string& file, const std::string& where,
                    const std::string& message) {
  std::string line;
  if (!file.empty()) line += file + ": ";
  if (!where.empty()) line += where + ": ";
  line += message;
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return line;
}

std::string FieldName(std::string_view field) { return std::string(field); }

// The field when `where` is exactly one option reference.
std::string OptionOf(const std::string& where) {
  if (where.size() < 2 || where.front() != kOptBegin || where.back() != kOptEnd) return "";
  const std::string field = where.substr(1, where.size() - 2);
  return field.find_first_of({kOptBegin, kOptEnd}) == std::string::npos ? field : "";
}

}  // namespace

std::string Opt(std::string_view field) { return kOptBegin + std::string(field) + kOptEnd; }

std::string RenderOptions(std::string_view text, const std::function<std::string(std::string_view field)>& name) {
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    const size_t begin = text.find(kOptBegin, at);
    const size_t end = begin == std::string_view::npos ? begin : text.find(kOptEnd, begin + 1);
    if (end == std::string_view::npos) break;
    out += text.substr(at, begin - at);
    out += name(text.substr(begin + 1, end - begin - 1));
    at = end + 1;
  }
  out += text.substr(at);
  return out;
}

Error::Error(std::string file, std::string where, std::string message, std::string detail)
    : std::runtime_error(Compose(file, RenderOptions(where, FieldName), RenderOptions(message, FieldName))),
      file_(std::move(file)),
      where_(RenderOptions(where, FieldName)),
      message_(RenderOptions(message, FieldName)),
      detail_(std::move(detail)),
      raw_where_(std::move(where)),
      raw_message_(std::move(message)),
      option_(OptionOf(raw_where_)) {}

Error Error::Option(std::string_view field, std::string message, std::string detail) {
  return Error("", Opt(field), std::move(message), std::move(detail));
}

std::string Error::Line() const { return what(); }

std::string Error::Line(const std::function<std::string(std::string_view field)>& name) const {
  return Compose(file_, RenderOptions(raw_where_, name), RenderOptions(raw_message_, name));
}

Error Error::Located(const std::string& file, const std::string& where) const {
  if (!file_.empty()) return *this;
  std::string joined = where;
  if (!raw_where_.empty()) joined += (joined.empty() ? "" : ", ") + raw_where_;
  return Error(file, joined, raw_message_, detail_);
}

Error Error::WithMessagePrefix(const std::string& prefix) const {
  return Error(file_, raw_where_, prefix + raw_message_, detail_);
}

}  // namespace lmp
