#include "db/db_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "db/module_db.h"
#include "util/error.h"

namespace lmp::db {
namespace {

std::string SystemError(const std::string& what) { return what + ": " + std::strerror(errno); }

// A file descriptor closed on scope exit (which also drops its flock).
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int Release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

void WriteAll(int fd, const std::string& text, const std::string& path) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(path, "", SystemError("cannot write"));
    }
    done += static_cast<size_t>(n);
  }
}

// Writes `text` to `path` (created or truncated) and fsyncs it.
void WriteSynced(const std::string& path, const std::string& text) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) throw Error(path, "", SystemError("cannot create file; check the directory's permissions"));
  WriteAll(fd.get(), text, path);
  if (::fsync(fd.get()) != 0) throw Error(path, "", SystemError("fsync failed"));
  if (::close(fd.Release()) != 0) throw Error(path, "", SystemError("close failed"));
}

void SyncDirectory(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) throw Error(dir, "", SystemError("cannot open directory to sync it"));
  if (::fsync(fd.get()) != 0) throw Error(dir, "", SystemError("fsync of the directory failed"));
}

// Holds an exclusive flock on PATH.lock for its lifetime.
class FileLock {
 public:
  explicit FileLock(const std::string& path) : fd_(::open((path + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
    if (fd_.get() < 0) throw Error(path + ".lock", "", SystemError("cannot create the lock file"));
    while (::flock(fd_.get(), LOCK_EX) != 0) {
      if (errno != EINTR) throw Error(path + ".lock", "", SystemError("cannot lock"));
    }
  }

 private:
  Fd fd_;
};

// The current text of the database, or "" when the file does not exist.
bool ReadIfExists(const std::string& path, std::string* text) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return false;
    throw Error(path, "", SystemError("cannot stat"));
  }
  *text = ReadFile(path);
  return true;
}

bool Matches(const std::string& key, const Json& entry, const std::string& name) {
  if (key == name || entry.value("full_class_name", "") == name) return true;
  if (entry.contains("aliases") && entry["aliases"].is_array()) {
    for (const Json& a : entry["aliases"]) {
      if (a.is_string() && a.get<std::string>() == name) return true;
    }
  }
  return false;
}

}  // namespace

Json EmptyDb() { return Json{{"schema", "lmp.module-db/1"}, {"modules", Json::object()}}; }

void ValidateDbText(const std::string& text, const std::string& file) {
  ModuleDb db = ModuleDb::Embedded();
  db.AddText(text, file);
  db.Check();
}

void WriteFileAtomically(const std::string& path, const std::string& text, bool keep_backup) {
  const std::string tmp = path + ".tmp";
  WriteSynced(tmp, text);
  std::string old;
  if (keep_backup && ReadIfExists(path, &old)) {
    WriteSynced(path + ".bak.tmp", old);
    if (::rename((path + ".bak.tmp").c_str(), (path + ".bak").c_str()) != 0) {
      throw Error(path + ".bak", "", SystemError("cannot rename the backup into place"));
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    throw Error(path, "", SystemError("cannot rename " + tmp + " over the file"));
  }
  SyncDirectory(path);
}

void UpdateDbFile(const std::string& path, const std::function<void(Json& doc)>& change) {
  FileLock lock(path);
  std::string text;
  Json doc = ReadIfExists(path, &text) ? ParseJson(text, path) : EmptyDb();
  if (!text.empty()) ValidateDbText(text, path);  // refuse to build on a broken file
  const Json before = doc;
  change(doc);
  if (doc == before && !text.empty()) return;
  const std::string out = doc.dump(2) + "\n";
  ValidateDbText(out, path);
  WriteFileAtomically(path, out, /*keep_backup=*/true);
}

std::vector<std::string> AddEntries(const std::string& path, const Json& modules) {
  std::vector<std::string> replaced;
  UpdateDbFile(path, [&](Json& doc) {
    Json& mods = doc["modules"];
    for (const auto& [key, entry] : modules.items()) {
      const std::string full = entry.value("full_class_name", "");
      Json kept = Json::object();
      for (const auto& [k, e] : mods.items()) {
        if (k == key || (!full.empty() && e.value("full_class_name", "") == full)) {
          replaced.push_back(k);
        } else {
          kept[k] = e;
        }
      }
      kept[key] = entry;
      mods = std::move(kept);
    }
  });
  return replaced;
}

void RemoveEntry(const std::string& path, const std::string& name) {
  UpdateDbFile(path, [&](Json& doc) {
    Json& mods = doc["modules"];
    Json kept = Json::object();
    std::vector<std::string> names;
    bool found = false;
    for (const auto& [k, e] : mods.items()) {
      names.push_back(k);
      if (Matches(k, e, name)) {
        found = true;
      } else {
        kept[k] = e;
      }
    }
    if (!found) {
      throw Error(path, "",
                  "no entry '" + name +
                      "' to remove; give an entry key, full class name or alias (see 'lmp module list " + Opt("db") +
                      " " + path + "')");
    }
    mods = std::move(kept);
  });
}

bool AddIfExists(ModuleDb& db, const std::string& path) {
  struct stat st;
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return false;
  db.AddFile(path);
  return true;
}

}  // namespace lmp::db
