#ifndef LMP_TESTS_CLI_TESTING_H_
#define LMP_TESTS_CLI_TESTING_H_

// Running the real lmp binary from the test files (included only from
// tests/*_test.cc, which define LMP_BINARY and LMP_SOURCE_DIR).

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace lmp::testing {

struct Result {
  int exit_code;
  std::string out;
  std::string err;
};

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `lmp ARGS` in tests/data, so error messages show short paths, with
// standard input from `input` (a path relative to tests/data).
inline Result Lmp(const std::string& args, const std::string& input = "/dev/null") {
  const std::string dir = ::testing::TempDir();
  // Per-process names: ctest runs tests in parallel processes.
  const std::string tag = std::to_string(::getpid());
  const std::string out = dir + "/lmp_out_" + tag + ".txt", err = dir + "/lmp_err_" + tag + ".txt";
  const std::string cmd = std::string("cd '") + LMP_SOURCE_DIR + "/tests/data' && '" + LMP_BINARY + "' " + args +
                          " > '" + out + "' 2> '" + err + "' < '" + input + "'";
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(out), Slurp(err)};
}

inline std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

}  // namespace lmp::testing

#endif  // LMP_TESTS_CLI_TESTING_H_
