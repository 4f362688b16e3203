#ifndef LMP_UTIL_ERROR_H_
#define LMP_UTIL_ERROR_H_

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lmp {

// The one error type the library throws for bad input. The CLI prints
// Line() and exits 2; nothing in the library prints or exits.
//
// `file` names the input ("<embedded>/modules/torch.json" for built-in data),
// `where` the place in it (a JSON pointer, "line:col", or empty), `message`
// what is wrong and what to do. `detail` holds optional extra lines (a
// formula with a caret under the fault, a call trace) shown after the line.
//
// Options of a request are named by their field (batch, w_bits, tp): the
// library knows no front end's spelling of them. Opt(field) marks a
// reference to one, as an error's place or inside its message; Line(name)
// renders each through `name` (the CLI: --batch, --w-bits), and the plain
// accessors and Line() as the field itself.
class Error : public std::runtime_error {
 public:
  Error(std::string file, std::string where, std::string message,
        std::string detail = "");

  // An error about option `field` (the place is the option).
  static Error Option(std::string_view field, std::string message, std::string detail = "");

  const std::string& file() const { return file_; }
  const std::string& where() const { return where_; }
  const std::string& message() const { return message_; }
  const std::string& detail() const { return detail_; }
  // The option the error is about (its field name), or "" when its place
  // is not an option.
  const std::string& option() const { return option_; }

  // "file: where: message", omitting empty parts; always one line.
  std::string Line() const;
  // The same with every option reference rendered by `name`.
  std::string Line(const std::function<std::string(std::string_view field)>& name) const;

  // For errors raised deep down (in a formula) and located by the caller:
  // an error that names no file gets `file`, and `where` is put before its
  // own place ("/modules/x/flops, col 7"). One with a file is kept as is.
  Error Located(const std::string& file, const std::string& where) const;
  Error WithMessagePrefix(const std::string& prefix) const;

 private:
  std::string file_, where_, message_, detail_;
  std::string raw_where_, raw_message_;  // with the option references marked
  std::string option_;
};

// A reference to the request option `field`, for an error's place or
// message (see Error).
std::string Opt(std::string_view field);

// Renders the option references of `text` through `name`.
std::string RenderOptions(std::string_view text, const std::function<std::string(std::string_view field)>& name);

}  // namespace lmp

#endif  // LMP_UTIL_ERROR_H_
