#include "cli/common.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "util/error.h"

namespace lmp::cli {

db::ModuleDb LoadDb(const std::vector<std::string>& files) {
  db::ModuleDb db = db::ModuleDb::Embedded();
  if (files.empty()) return db;
  for (const std::string& f : files) db.AddFile(f);
  db.Check();
  return db;
}

hardware::Catalog LoadHardware(const std::vector<std::string>& files) {
  hardware::Catalog c = hardware::Catalog::Embedded();
  for (const std::string& f : files) c.AddFile(f);
  return c;
}

void AddFileOptions(CLI::App& cmd, std::vector<std::string>& db_files, std::vector<std::string>& hardware_files) {
  // expected(1) and no extra args: a vector option would otherwise swallow
  // the positional arguments that follow it.
  cmd.add_option("--db", db_files, "module database file layered over the embedded one (repeatable)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd.add_option("--hardware-file", hardware_files, "hardware catalog file layered over the embedded one (repeatable)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

Output::Output(const std::string& path) : path_(path) {
  if (path.empty() || path == "-") {
    file_ = stdout;
    return;
  }
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) throw Error(path, "", std::string("cannot open for writing: ") + std::strerror(errno));
  // Large writes: the sweep hands over chunks of a few hundred KiB.
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
}

Output::~Output() {
  if (file_ != nullptr && file_ != stdout) std::fclose(file_);
}

void Output::Write(std::string_view text) {
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) {
    throw Error(path_.empty() ? "<stdout>" : path_, "", std::string("write failed: ") + std::strerror(errno));
  }
}

void Output::Close() {
  const bool failed = std::fflush(file_) != 0 || std::ferror(file_);
  if (file_ != stdout) std::fclose(file_);
  file_ = nullptr;
  if (failed) throw Error(path_.empty() ? "<stdout>" : path_, "", "write failed");
}

}  // namespace lmp::cli
