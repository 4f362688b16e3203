// The command-line layer: an argument vector into the subcommand table, as
// lmp's main() hands it over. The input is the arguments after "lmp",
// separated by newlines. Whatever it asks for, lmp must answer with output
// and exit 0, or exit 2 with stderr starting with one "lmp: error: " line;
// anything else (1, an internal error: an exception that is not
// lmp::Error; an exit 2 without that line; an error line with exit 0) is a
// finding, and so is a crash.
//
// Nothing may be written to the file system, and nothing run: arguments
// that could (-o/--output, the database writers add/remove/import, an agent
// or a tracer, and their options) make the input uninteresting, and it is
// skipped. So are sweeps, whose lists have their own target
// (sweep_lists_fuzz) and whose size would only make slow inputs. Run it with
// -close_fd_mask=3: lmp prints to stdout and stderr on every input.

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "cli/cli_main.h"
#include "fuzz/fuzz_util.h"

namespace {

bool Forbidden(std::string_view arg) {
  static constexpr std::string_view kPrefixes[] = {"-o", "--o", "--db-file", "--agent", "--analyze-missing",
                                                   "--python", "--source", "--trace", "--diagnostics", "--jobs",
                                                   "-j"};
  static constexpr std::string_view kWords[] = {"add", "remove", "import", "trace", "analyze-missing", "sweep"};
  for (std::string_view p : kPrefixes) {
    if (arg.substr(0, p.size()) == p) return true;
  }
  for (std::string_view w : kWords) {
    if (arg == w) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> args = {"lmp"};
  std::string_view rest = lmp::fuzz::Text(data, size);
  while (!rest.empty() && args.size() < 32) {
    std::string_view next;
    const std::string_view arg = lmp::fuzz::Split(rest, '\n', &next);
    if (Forbidden(arg) || arg.find('\0') != std::string_view::npos) return 0;
    args.emplace_back(arg);
    rest = next;
  }
  // "module analyze" runs an agent.
  if (args.size() > 2 && args[1] == "module" && args[2] == "analyze") return 0;
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // stderr goes to an in-memory file for this input, then back.
  std::fflush(stderr);
  const int saved = ::dup(2);
  const int capture = ::memfd_create("lmp-stderr", 0);
  if (saved < 0 || capture < 0) return 0;
  ::dup2(capture, 2);
  const int code = lmp::cli::Main(static_cast<int>(args.size()), argv.data());
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::string err(256, '\0');
  const ssize_t n = ::pread(capture, err.data(), err.size(), 0);
  ::close(capture);
  err.resize(n > 0 ? static_cast<size_t>(n) : 0);
  const bool error_line = err.rfind("lmp: error: ", 0) == 0;
  if (code == 2 && !error_line) std::abort();
  if (code == 0 && error_line) std::abort();
  if (code != 0 && code != 2) std::abort();
  return 0;
}
