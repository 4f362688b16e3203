#include "util/error.h"

namespace lmp {
namespace {

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

}  // namespace

Error::Error(std::string file, std::string where, std::string message,
             std::string detail)
    : std::runtime_error(Compose(file, where, message)),
      file_(std::move(file)),
      where_(std::move(where)),
      message_(std::move(message)),
      detail_(std::move(detail)) {}

std::string Error::Line() const { return what(); }

Error Error::Located(const std::string& file, const std::string& where) const {
  if (!file_.empty()) return *this;
  std::string joined = where;
  if (!where_.empty()) joined += (joined.empty() ? "" : ", ") + where_;
  return Error(file, joined, message_, detail_);
}

Error Error::WithMessagePrefix(const std::string& prefix) const {
  return Error(file_, where_, prefix + message_, detail_);
}

}  // namespace lmp
