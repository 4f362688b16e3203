#ifndef LMP_PYTHON_PY_REQUESTS_H_
#define LMP_PYTHON_PY_REQUESTS_H_

#include <pybind11/pybind11.h>

namespace lmp::python {

// analyze, generate, fit, compare, models, hardware, module_eval and their
// result classes, into `m`.
void RegisterRequests(pybind11::module_& m);

// sweep, into `m` (py_sweep.cc).
void RegisterSweep(pybind11::module_& m);

}  // namespace lmp::python

#endif  // LMP_PYTHON_PY_REQUESTS_H_
