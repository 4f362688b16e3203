#ifndef LMP_DB_DB_STORE_H_
#define LMP_DB_DB_STORE_H_

#include <functional>
#include <string>
#include <vector>

#include "util/json_file.h"

namespace lmp::db {

class ModuleDb;

// A user module database (lmp.module-db/1) changed only through this file.
// Every change is:
//   1. an exclusive flock on the sibling file "DB.lock", so that concurrent
//      writers (processes or threads) apply their changes one after another;
//   2. a fresh read of DB under the lock (a missing file is an empty
//      database), then the change;
//   3. the whole result validated as loading validates it: schema, formula
//      parse, and the static check with the embedded database underneath;
//   4. "DB.tmp" written in the same directory and fsynced; the previous
//      version copied to "DB.bak" (via "DB.bak.tmp" and a rename); "DB.tmp"
//      renamed over DB; the directory fsynced.
// A writer killed at any moment leaves DB as either the old or the new
// version, never a mix: rename is atomic, and the lock dies with the process.
// A leftover "DB.tmp" or "DB.bak.tmp" is harmless; the next writer truncates it.

// Loads `text` as a database named `file` on top of the embedded one and runs
// the load-time check. Throws lmp::Error at the first fault.
void ValidateDbText(const std::string& text, const std::string& file);

// Writes `text` to `path` by steps 4 above (without the lock: callers hold
// it, or own the path). `keep_backup`: copy the existing file to PATH.bak.
void WriteFileAtomically(const std::string& path, const std::string& text, bool keep_backup);

// Runs `change` on the current document of the database at `path` under
// the lock, validates and writes the result. `change` may throw lmp::Error to
// abort: the file is then untouched. A change that leaves the document equal
// to what was read writes nothing.
void UpdateDbFile(const std::string& path, const std::function<void(Json& doc)>& change);

// Adds the entries of `modules` (key -> entry) to the database at `path`,
// each replacing an entry with the same key or full_class_name. Returns the
// keys of replaced entries.
std::vector<std::string> AddEntries(const std::string& path, const Json& modules);

// Removes the entry whose key, full_class_name or alias is `name`. Throws
// lmp::Error when there is none.
void RemoveEntry(const std::string& path, const std::string& name);

// An empty lmp.module-db/1 document.
Json EmptyDb();

// Layers the user database at `path` over `db` when the file exists (a user
// database that was never written is empty, not an error). Returns whether
// it did; the caller checks the result (ModuleDb::Check) when it needs to.
bool AddIfExists(ModuleDb& db, const std::string& path);

}  // namespace lmp::db

#endif  // LMP_DB_DB_STORE_H_
