#include "cli/common.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "util/error.h"

namespace lmp::cli {

std::string FlagName(std::string_view field) {
  std::string flag = "--" + std::string(field);
  for (char& c : flag) {
    if (c == '_') c = '-';
  }
  return flag;
}

std::string ErrorLine(const Error& e) { return e.Line(FlagName); }

CLI::Option* AddRepeatableFileOption(CLI::App& cmd, const std::string& name, std::vector<std::string>& files,
                                     const std::string& help) {
  return cmd.add_option(name, files, help)
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

void AddRuntimeFileOption(CLI::App& cmd, std::vector<std::string>& runtime_files) {
  AddRepeatableFileOption(cmd, "--runtime-file", runtime_files,
                          "runtime profiles and device efficiencies layered over the embedded ones (repeatable)");
}

void AddFileOptions(CLI::App& cmd, std::vector<std::string>& db_files, std::vector<std::string>& hardware_files) {
  AddRepeatableFileOption(cmd, "--db", db_files, "module database file layered over the embedded one (repeatable)");
  AddRepeatableFileOption(cmd, "--hardware-file", hardware_files,
                          "hardware catalog file layered over the embedded one (repeatable)");
}

Output::Output(const std::string& path) : path_(path) {
  if (path.empty() || path == "-") {
    file_ = stdout;
    return;
  }
  tmp_path_ = path + ".tmp";
  file_ = std::fopen(tmp_path_.c_str(), "wb");
  if (file_ == nullptr) {
    throw Error(path, "", std::string("cannot open '") + tmp_path_ + "' for writing: " + std::strerror(errno) +
                              "; check the directory");
  }
  // Large writes: the sweep hands over chunks of a few hundred KiB.
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
}

Output::~Output() {
  if (file_ != nullptr && file_ != stdout) {
    std::fclose(file_);
    std::remove(tmp_path_.c_str());
  }
}

void Output::Write(std::string_view text) {
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) {
    throw Error(path_.empty() ? "<stdout>" : path_, "", std::string("write failed: ") + std::strerror(errno));
  }
}

void Output::Close() {
  bool failed = std::fflush(file_) != 0 || std::ferror(file_);
  if (file_ != stdout) {
    failed = std::fclose(file_) != 0 || failed;
    file_ = nullptr;
    if (failed || std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
      const std::string why = std::strerror(errno);
      std::remove(tmp_path_.c_str());
      throw Error(path_, "", "write failed: " + why);
    }
    return;
  }
  file_ = nullptr;
  if (failed) throw Error("<stdout>", "", "write failed");
}

}  // namespace lmp::cli
