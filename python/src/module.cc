// The lmp._lmp extension module: the request API of src/api and the sweep,
// for the pure-Python layer in python/lmp (docs/python.md).

#include <pybind11/pybind11.h>

#include "py_errors.h"
#include "py_requests.h"

PYBIND11_MODULE(_lmp, m) {
  m.doc() = "lmp's C++ core; use the lmp package, not this module";
  m.attr("__version__") = LMP_VERSION;
  lmp::python::RegisterErrors(m);
  lmp::python::RegisterRequests(m);
  lmp::python::RegisterSweep(m);
}
