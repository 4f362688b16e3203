#ifndef LMP_PYTHON_PY_OPTIONS_H_
#define LMP_PYTHON_PY_OPTIONS_H_

// A call's keyword options (a dict from the lmp package's Python layer)
// read into the request structs of src/api. A value of the wrong type is an
// lmp::Error naming the option, as the library names its own faults.

#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <vector>

#include "api/request.h"

namespace lmp::python {

class Options {
 public:
  // `call` names the function in errors about unknown keys ("lmp.analyze").
  Options(pybind11::dict d, std::string call);

  // Each reads `key` (a string literal) into *out when present and not
  // None; false otherwise.
  bool Get(const char* key, int64_t* out);
  bool Get(const char* key, int* out);
  bool Get(const char* key, bool* out);
  // An int or a float.
  bool Get(const char* key, double* out);
  bool Get(const char* key, std::string* out);
  // A str or a list of str.
  bool Get(const char* key, std::vector<std::string>* out);
  // An int or a list of ints.
  bool Get(const char* key, std::vector<int64_t>* out);
  bool Has(const char* key) const;
  pybind11::object Raw(const char* key) const;

  // Throws for a key no Get read.
  void CheckAllUsed() const;

 private:
  // The value of `key` (borrowed), or null when absent or None; marks the
  // key read.
  PyObject* Find(const char* key);

  pybind11::dict d_;
  std::string call_;
  std::vector<const char*> used_;  // the keys read: string literals
};

// The catalogs loaded once per process and shared by every call that
// layers no file over them (the embedded ones are read-only).
const db::ModuleDb& EmbeddedDb();
const hardware::Catalog& EmbeddedHardware();
const hardware::RuntimeCatalog& EmbeddedRuntimes();

// What analyze, generate and fit share: model, scenario, device, runtime,
// layout and the catalog files (docs/python.md lists the keys).
void ReadModelRequest(Options& o, api::ModelRequest* r);
// Points the sources at the shared catalogs where no file layers over them.
void UseShared(api::Sources* s);
inline void UseSharedCatalogs(api::ModelRequest* r) { UseShared(&r->sources); }

}  // namespace lmp::python

#endif  // LMP_PYTHON_PY_OPTIONS_H_
