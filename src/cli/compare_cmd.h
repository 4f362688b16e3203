#ifndef LMP_CLI_COMPARE_CMD_H_
#define LMP_CLI_COMPARE_CMD_H_

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "request/compare.h"

namespace lmp::cli {

// `lmp compare`: the shared request, and the changes A and B make to it.
struct CompareOptions {
  request::RequestSpec shared;
  std::string a, b;
  std::string format = "table";
  std::vector<std::string> db_files, hardware_files, runtime_files;
  CLI::Option* profile_option = nullptr;
};

void SetupCompare(CLI::App& cmd, CompareOptions& o);
int RunCompare(const CompareOptions& o);

}  // namespace lmp::cli

#endif  // LMP_CLI_COMPARE_CMD_H_
