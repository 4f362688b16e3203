#ifndef LMP_PYTHON_PY_JSON_H_
#define LMP_PYTHON_PY_JSON_H_

// nlohmann::json to Python objects and back: the package's results are the
// CLI's JSON documents (docs/json-output.md) as dicts and lists.

#include <pybind11/pybind11.h>

#include "util/json_file.h"

namespace lmp::python {

// Objects become dicts (in the document's key order), arrays lists,
// integers ints (exact), doubles floats.
pybind11::object ToPython(const Json& j);

// A dict, list, str, int, float, bool or None (nested) as JSON; anything
// else throws lmp::Error naming `option` ("model must be JSON-like: ...").
Json FromPython(const pybind11::handle& o, const std::string& option);

}  // namespace lmp::python

#endif  // LMP_PYTHON_PY_JSON_H_
