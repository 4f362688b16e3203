#include "py_errors.h"

#include <algorithm>
#include <exception>

namespace py = pybind11;

namespace lmp::python {

namespace {

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

ClassedError Classify(const Error& e, const ErrorContext& c) {
  const std::string& f = e.file();
  const auto& dbs = c.db_files;
  if (e.option() == "db" || StartsWith(f, "<embedded>/modules/") || std::find(dbs.begin(), dbs.end(), f) != dbs.end()) {
    return {e, "DatabaseError"};
  }
  if (e.option() == "model" || (!c.model.empty() && StartsWith(f, c.model)) || StartsWith(f, "<embedded>/configs/") ||
      StartsWith(f, "<embedded>/models/")) {
    return {e, "ModelError"};
  }
  return {e, "InputError"};
}

void RegisterErrors(py::module_& m) {
  (void)m;
  py::register_exception_translator([](std::exception_ptr p) {
    auto raise = [](const Error& e, const char* python_class) {
      // Options are named by their field, which is the keyword's name.
      const std::string place = e.option().empty() ? e.where() : e.option();
      const py::object cls = py::module_::import("lmp._errors").attr(python_class);
      const py::object err = cls(e.Line(), e.file(), place, e.option(), e.detail());
      PyErr_SetObject(cls.ptr(), err.ptr());
    };
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ClassedError& c) {
      raise(c.error, c.python_class);
    } catch (const Error& e) {
      // Raised outside Call: reading the options.
      raise(e, "InputError");
    }
  });
}

}  // namespace lmp::python
