#include "py_options.h"

#include <algorithm>
#include <utility>

#include "util/error.h"
#include "util/suggest.h"

namespace py = pybind11;

namespace lmp::python {

Options::Options(py::dict d, std::string call) : d_(std::move(d)), call_(std::move(call)) {}

bool Options::Has(const char* key) const {
  PyObject* v = PyDict_GetItemString(d_.ptr(), key);
  return v != nullptr && v != Py_None;
}

py::object Options::Raw(const char* key) const { return d_.contains(key) ? py::object(d_[key]) : py::none(); }

PyObject* Options::Find(const char* key) {
  used_.push_back(key);
  PyObject* v = PyDict_GetItemString(d_.ptr(), key);
  return v == Py_None ? nullptr : v;
}

namespace {

std::string TypeName(const py::handle& v) { return py::str(v.get_type().attr("__name__")); }

int64_t AsInt(const py::handle& v, const char* key) {
  // bool is an int to Python, but batch=True is a mistake, not 1.
  if (py::isinstance<py::bool_>(v) || !py::isinstance<py::int_>(v)) {
    throw Error::Option(key, "must be an integer, got " + TypeName(v) + " " + std::string(py::repr(v)));
  }
  try {
    return v.cast<int64_t>();
  } catch (const py::cast_error&) {
    throw Error::Option(key, "must fit in 64 bits, got " + std::string(py::repr(v)));
  }
}

std::string AsString(const py::handle& v, const char* key) {
  if (!py::isinstance<py::str>(v)) throw Error::Option(key, "must be a string, got " + TypeName(v));
  return v.cast<std::string>();
}

}  // namespace

bool Options::Get(const char* key, int64_t* out) {
  PyObject* v = Find(key);
  if (!v) return false;
  *out = AsInt(v, key);
  return true;
}

bool Options::Get(const char* key, int* out) {
  int64_t v = 0;
  if (!Get(key, &v)) return false;
  if (v < INT32_MIN || v > INT32_MAX) throw Error::Option(key, "is out of range: " + std::to_string(v));
  *out = static_cast<int>(v);
  return true;
}

bool Options::Get(const char* key, bool* out) {
  PyObject* v = Find(key);
  if (!v) return false;
  if (!PyBool_Check(v)) throw Error::Option(key, "must be True or False, got " + TypeName(v));
  *out = v == Py_True;
  return true;
}

bool Options::Get(const char* key, double* out) {
  const py::handle v = Find(key);
  if (!v) return false;
  if (py::isinstance<py::bool_>(v) || (!py::isinstance<py::int_>(v) && !py::isinstance<py::float_>(v))) {
    throw Error::Option(key, "must be a number, got " + TypeName(v) + " " + std::string(py::repr(v)));
  }
  *out = v.cast<double>();
  return true;
}

bool Options::Get(const char* key, std::string* out) {
  PyObject* v = Find(key);
  if (!v) return false;
  *out = AsString(v, key);
  return true;
}

bool Options::Get(const char* key, std::vector<std::string>* out) {
  const py::handle v = Find(key);
  if (!v) return false;
  out->clear();
  if (py::isinstance<py::str>(v)) {
    out->push_back(v.cast<std::string>());
    return true;
  }
  if (!py::isinstance<py::list>(v) && !py::isinstance<py::tuple>(v)) {
    throw Error::Option(key, "must be a string or a list of strings, got " + TypeName(v));
  }
  for (py::handle item : v) out->push_back(AsString(item, key));
  return true;
}

bool Options::Get(const char* key, std::vector<int64_t>* out) {
  const py::handle v = Find(key);
  if (!v) return false;
  out->clear();
  if (py::isinstance<py::int_>(v) && !py::isinstance<py::bool_>(v)) {
    out->push_back(AsInt(v, key));
    return true;
  }
  if (py::isinstance<py::str>(v) || !py::hasattr(v, "__iter__")) {
    throw Error::Option(key, "must be an integer or a list of integers, got " + TypeName(v));
  }
  for (py::handle item : v) out->push_back(AsInt(item, key));
  if (out->empty()) throw Error::Option(key, "is an empty list; give at least one value");
  return true;
}

void Options::CheckAllUsed() const {
  for (auto item : d_) {
    const std::string key = py::str(item.first);
    const bool used = std::any_of(used_.begin(), used_.end(), [&](const char* u) { return key == u; });
    if (used) continue;
    throw Error::Option(
        key, "is not an option of " + call_ + DidYouMean(key, std::vector<std::string>(used_.begin(), used_.end())));
  }
}

const db::ModuleDb& EmbeddedDb() {
  static const db::ModuleDb db = db::ModuleDb::Embedded();
  return db;
}

const hardware::Catalog& EmbeddedHardware() {
  static const hardware::Catalog c = hardware::Catalog::Embedded();
  return c;
}

const hardware::RuntimeCatalog& EmbeddedRuntimes() {
  static const hardware::RuntimeCatalog c = hardware::RuntimeCatalog::Embedded();
  return c;
}

void ReadModelRequest(Options& o, api::ModelRequest* r) {
  analysis::Scenario& s = r->scenario;
  o.Get("model_text", &r->model_text);
  o.Get("batch", &s.batch_size);
  o.Get("prompt", &s.prompt_len);
  o.Get("w_bits", &s.w_bits);
  o.Get("a_bits", &s.a_bits);
  o.Get("kv_bits", &s.kv_bits);
  o.Get("w_group_size", &s.w_group_size);
  o.Get("compute", &s.compute);
  r->profile_given = o.Get("profile", &s.profile);
  if (o.Get("sram_bytes", &s.sram_bytes) && s.sram_bytes < 1) {
    throw Error::Option("sram_bytes", "must be a positive integer, got " + std::to_string(s.sram_bytes));
  }
  o.Get("hardware", &r->hardware);
  o.Get("runtime", &r->runtime);
  api::LayoutRequest& l = r->layout;
  o.Get("tp", &l.tp);
  o.Get("pp", &l.pp);
  o.Get("ep", &l.ep);
  o.Get("dp", &l.dp);
  o.Get("parallel", &l.parallel);
  o.Get("cluster", &l.cluster);
  o.Get("nodes", &l.nodes);
  o.Get("microbatches", &l.microbatches);
  o.Get("cluster_file", &l.cluster_files);
  o.Get("sharding_file", &l.sharding_files);
  api::Sources& src = r->sources;
  o.Get("db", &src.db_files);
  o.Get("hardware_file", &src.hardware_files);
  o.Get("runtime_file", &src.runtime_files);
  std::string hardware_text;
  if (o.Get("hardware_text", &hardware_text)) src.hardware_texts.push_back({"<hardware dict>", hardware_text});
}

void UseShared(api::Sources* s) {
  if (s->db_files.empty()) s->db = &EmbeddedDb();
  if (s->hardware_files.empty() && s->hardware_texts.empty()) s->hardware = &EmbeddedHardware();
  if (s->runtime_files.empty()) s->runtimes = &EmbeddedRuntimes();
}

}  // namespace lmp::python
