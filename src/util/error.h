#ifndef LMP_UTIL_ERROR_H_
#define LMP_UTIL_ERROR_H_

#include <stdexcept>
#include <string>

namespace lmp {

// The one error type the library throws for bad input. The CLI prints
// Line() and exits 2; nothing in the library prints or exits.
//
// `file` names the input ("<embedded>/modules/torch.json" for built-in data),
// `where` the place in it (a JSON pointer, "line:col", or empty), `message`
// what is wrong and what to do. `detail` holds optional extra lines (a
// formula with a caret under the fault, a call trace) shown after the line.
class Error : public std::runtime_error {
 public:
  Error(std::string file, std::string where, std::string message,
        std::string detail = "");

  const std::string& file() const { return file_; }
  const std::string& where() const { return where_; }
  const std::string& message() const { return message_; }
  const std::string& detail() const { return detail_; }

  // "file: where: message", omitting empty parts; always one line.
  std::string Line() const;

  // For errors raised deep down (in a formula) and located by the caller:
  // an error that names no file gets `file`, and `where` is put before its
  // own place ("/modules/x/flops, col 7"). One with a file is kept as is.
  Error Located(const std::string& file, const std::string& where) const;
  Error WithMessagePrefix(const std::string& prefix) const;

 private:
  std::string file_, where_, message_, detail_;
};

}  // namespace lmp

#endif  // LMP_UTIL_ERROR_H_
