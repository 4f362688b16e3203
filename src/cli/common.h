#ifndef LMP_CLI_COMMON_H_
#define LMP_CLI_COMMON_H_

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace lmp::cli {

// The flag of a request option named by its field (lmp::Opt): "w_bits" is
// --w-bits.
std::string FlagName(std::string_view field);

// An error's line with its options named by their flags.
std::string ErrorLine(const Error& e);

// An option taking one file per use, repeatable; a vector option would
// otherwise swallow the positional arguments that follow it.
CLI::Option* AddRepeatableFileOption(CLI::App& cmd, const std::string& name, std::vector<std::string>& files,
                                     const std::string& help);

// --runtime-file FILE: runtime profiles layered over the embedded ones.
void AddRuntimeFileOption(CLI::App& cmd, std::vector<std::string>& runtime_files);

// --db FILE and --hardware-file FILE: one file per use, repeatable.
void AddFileOptions(CLI::App& cmd, std::vector<std::string>& db_files, std::vector<std::string>& hardware_files);

// Writes to stdout, or to a file: the text goes to FILE.tmp beside it and
// Close renames that over FILE, so a failed or interrupted run never leaves
// half a report under FILE's name (an Output destroyed without Close
// removes its FILE.tmp). Throws lmp::Error naming the file when it cannot
// be opened, written or renamed.
class Output {
 public:
  explicit Output(const std::string& path);  // "" or "-": stdout
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  void Write(std::string_view text);
  void Close();  // flushes; throws on a write error

 private:
  std::string path_;
  std::string tmp_path_;  // path_ + ".tmp"; "" for stdout
  std::FILE* file_ = nullptr;
};

}  // namespace lmp::cli

#endif  // LMP_CLI_COMMON_H_
