#include "agent/trace_module.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string_view>

#include "agent/subprocess.h"
#include "db/db_store.h"
#include "db/module_db.h"
#include "util/embedded.h"
#include "util/error.h"
#include "util/json_file.h"

namespace lmp::agent {
namespace {

constexpr std::string_view kPackagePrefix = "trace/";

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// The embedded lmp_trace package, written out for one run and removed after.
class PackageDir {
 public:
  PackageDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/lmp-trace-XXXXXX";
    if (mkdtemp(templ.data()) == nullptr) {
      throw Error(templ, "", "cannot create a temporary directory for the tracer; check TMPDIR");
    }
    root_ = templ;
    for (const EmbeddedFile& f : EmbeddedFilesUnder(kPackagePrefix)) {
      const std::string rel(f.path.substr(kPackagePrefix.size()));
      const size_t slash = rel.rfind('/');
      if (slash != std::string::npos) {
        const std::string dir = root_ + "/" + rel.substr(0, slash);
        if (mkdir(dir.c_str(), 0700) == 0) dirs_.push_back(dir);
      }
      const std::string path = root_ + "/" + rel;
      std::ofstream out(path, std::ios::binary);
      out.write(f.text.data(), static_cast<std::streamsize>(f.text.size()));
      if (!out) throw Error(path, "", "cannot write the tracer's files; check TMPDIR");
      files_.push_back(path);
    }
  }
  // The tracer runs with PYTHONDONTWRITEBYTECODE, so the files written here
  // are all there is to remove.
  ~PackageDir() {
    for (const std::string& f : files_) std::remove(f.c_str());
    for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) rmdir(it->c_str());
    rmdir(root_.c_str());
  }
  PackageDir(const PackageDir&) = delete;
  PackageDir& operator=(const PackageDir&) = delete;
  const std::string& root() const { return root_; }

 private:
  std::string root_;
  std::vector<std::string> dirs_;
  std::vector<std::string> files_;
};

std::string LastLine(const std::string& text) {
  size_t end = text.find_last_not_of("\n\r ");
  if (end == std::string::npos) return "";
  const size_t newline = text.rfind('\n', end);
  const size_t start = newline == std::string::npos ? 0 : newline + 1;
  return text.substr(start, end + 1 - start);
}

db::ModuleDb DatabaseWith(const std::string& db_file) {
  db::ModuleDb db = db::ModuleDb::Embedded();
  if (db::AddIfExists(db, db_file)) db.Check();
  return db;
}

}  // namespace

TraceResult TraceModule(const TraceOptions& o) {
  TraceResult r;
  if (!o.force) {
    const db::ModuleDb db = DatabaseWith(o.db_file);
    if (const db::Lookup hit = db.Find(o.class_name); hit.module != nullptr) {
      r.cached = true;
      r.found_in = hit.module->file;
      r.key = hit.module->key;
      r.full_class_name = hit.module->full_class_name;
      r.operations = hit.module->operations.size();
      return r;
    }
  }
  std::string python = o.python;
  if (python.empty()) {
    const char* env = std::getenv("LMP_PYTHON");
    python = env && *env ? env : "python3";
  }
  const PackageDir package;
  std::string cmd = "PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=" + ShellQuote(package.root()) +
                    "${PYTHONPATH:+:$PYTHONPATH} " + ShellQuote(python) + " -m lmp_trace derive " +
                    ShellQuote(o.class_name) + " --config " + ShellQuote(o.config_file);
  for (const std::string& i : o.init) cmd += " --init " + ShellQuote(i);
  std::string subs;
  for (const std::string& s : o.sub_layers) subs += (subs.empty() ? "" : ",") + s;
  if (!subs.empty()) cmd += " --sub-layers " + ShellQuote(subs);
  const CommandResult run = RunShellCommand(cmd, "", o.timeout_s);
  if (run.timed_out) {
    throw Error::Option("timeout", "the tracer ran longer than " + std::to_string(static_cast<int>(o.timeout_s)) +
                                       " s and was killed; raise " + Opt("timeout") + " or use smaller sizes");
  }
  if (run.exit_code != 0) {
    const std::string line = LastLine(run.err);
    constexpr std::string_view kPrefix = "lmp_trace: error: ";
    if (run.exit_code == 2 && line.rfind(kPrefix, 0) == 0) throw Error("", "", line.substr(kPrefix.size()));
    throw Error::Option("python",
                        python + " could not run the tracer (exit " + std::to_string(run.exit_code) +
                            "): " + (line.empty() ? "no message" : line) +
                            "; it needs PyTorch (Debian: apt-get install python3-torch); choose the interpreter with " +
                            Opt("python") + " or LMP_PYTHON");
  }
  const std::string source = "<trace of " + o.class_name + ">";
  const Json doc = ParseJson(run.out, source);
  {
    db::ModuleDb check = DatabaseWith(o.db_file);
    check.AddText(run.out, source);
    check.Check();
  }
  const Json& modules = doc["modules"];
  const auto first = modules.begin();
  const Json& entry = first.value();
  r.key = first.key();
  r.full_class_name = entry["full_class_name"].get<std::string>();
  r.operations = entry["operations"].size();
  r.torch_version = entry["provenance"]["torch"].get<std::string>();
  db::AddEntries(o.db_file, modules);
  return r;
}

}  // namespace lmp::agent
