#include "py_json.h"

#include <string>

#include "util/error.h"

namespace py = pybind11;

namespace lmp::python {

namespace {

// Python's own recursion limit is far below this; a deeper object is
// refused rather than overflowing the C++ stack.
constexpr int kMaxDepth = 512;

Json FromPythonAt(const py::handle& o, const std::string& option, int depth) {
  if (depth > kMaxDepth) {
    throw Error::Option(option, "is nested more than " + std::to_string(kMaxDepth) + " levels deep; flatten it");
  }
  if (o.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(o)) return o.cast<bool>();
  if (py::isinstance<py::int_>(o)) {
    try {
      return o.cast<int64_t>();
    } catch (const py::cast_error&) {
      throw Error::Option(option, "holds an integer beyond 64 bits: " + std::string(py::repr(o)));
    }
  }
  if (py::isinstance<py::float_>(o)) return o.cast<double>();
  if (py::isinstance<py::str>(o)) return o.cast<std::string>();
  if (py::isinstance<py::dict>(o)) {
    Json out = Json::object();
    for (auto item : o.cast<py::dict>()) {
      if (!py::isinstance<py::str>(item.first)) {
        throw Error::Option(option, "has a key that is not a string: " + std::string(py::repr(item.first)));
      }
      out[item.first.cast<std::string>()] = FromPythonAt(item.second, option, depth + 1);
    }
    return out;
  }
  if (py::isinstance<py::list>(o) || py::isinstance<py::tuple>(o)) {
    Json out = Json::array();
    for (py::handle v : o) out.push_back(FromPythonAt(v, option, depth + 1));
    return out;
  }
  throw Error::Option(option, "must hold only dicts, lists, strings, numbers, booleans and None; got " +
                                  std::string(py::str(o.get_type().attr("__name__"))));
}

}  // namespace

py::object ToPython(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return py::none();
    case Json::value_t::boolean:
      return py::bool_(j.get<bool>());
    case Json::value_t::number_integer:
      return py::int_(j.get<int64_t>());
    case Json::value_t::number_unsigned:
      return py::int_(j.get<uint64_t>());
    case Json::value_t::number_float:
      return py::float_(j.get<double>());
    case Json::value_t::string:
      return py::str(j.get_ref<const std::string&>());
    case Json::value_t::array: {
      py::list out(j.size());
      size_t i = 0;
      for (const Json& v : j) out[i++] = ToPython(v);
      return out;
    }
    case Json::value_t::object: {
      py::dict out;
      for (auto it = j.begin(); it != j.end(); ++it) out[py::str(it.key())] = ToPython(it.value());
      return out;
    }
    default:
      return py::none();
  }
}

Json FromPython(const py::handle& o, const std::string& option) { return FromPythonAt(o, option, 0); }

}  // namespace lmp::python
