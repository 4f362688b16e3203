#ifndef LMP_PYTHON_PY_ERRORS_H_
#define LMP_PYTHON_PY_ERRORS_H_

// lmp::Error as the package's exceptions (lmp/_errors.py): lmp.Error with
// .file, .place, .option and the CLI's one-line message, as one of
// InputError, ModelError or DatabaseError.

#include <pybind11/pybind11.h>

#include <string>
#include <utility>
#include <vector>

#include "util/error.h"

namespace lmp::python {

// The inputs of a call an error may be about, to class it: an error in a
// module database is a DatabaseError, one in the model's file (or about the
// model option) a ModelError, any other an InputError.
struct ErrorContext {
  std::string model;
  std::vector<std::string> db_files;
};

// An lmp::Error classed; the translator registered by RegisterErrors raises
// it as the Python exception of its class.
struct ClassedError {
  Error error;
  const char* python_class;
};

ClassedError Classify(const Error& e, const ErrorContext& context);

void RegisterErrors(pybind11::module_& m);

// Runs f() with the GIL released; an lmp::Error becomes a ClassedError.
template <class F>
auto Call(const ErrorContext& context, F&& f) -> decltype(f()) {
  try {
    pybind11::gil_scoped_release release;
    return std::forward<F>(f)();
  } catch (const Error& e) {
    throw Classify(e, context);
  }
}

}  // namespace lmp::python

#endif  // LMP_PYTHON_PY_ERRORS_H_
