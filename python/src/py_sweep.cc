// lmp.sweep: the Cartesian product of `lmp sweep`, evaluated on worker
// threads with the GIL released and returned column-wise, as numpy arrays,
// for the Python layer to make a pandas DataFrame of without a Python loop
// per row.

#include <pybind11/numpy.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "api/commands.h"
#include "py_errors.h"
#include "py_options.h"
#include "py_requests.h"
#include "sweep/sweep.h"
#include "util/error.h"

namespace py = pybind11;

namespace lmp::python {

namespace {

sweep::Axes ReadAxes(Options& o) {
  sweep::Axes axes;
  if (!o.Get("model", &axes.models)) throw Error::Option("model", "is required: a catalog id or path, or a list");
  if (!o.Get("hardware", &axes.devices)) throw Error::Option("hardware", "is required: a device name, or a list");
  axes.runtime.clear();  // the catalog's default, as `lmp sweep`'s
  o.Get("runtime", &axes.runtime);
  axes.profiles.clear();
  o.Get("profile", &axes.profiles);
  o.Get("batch", &axes.batches);
  o.Get("prompt", &axes.prompts);
  o.Get("gen", &axes.gens);
  o.Get("w_bits", &axes.w_bits);
  o.Get("a_bits", &axes.a_bits);
  o.Get("kv_bits", &axes.kv_bits);
  o.Get("w_group_size", &axes.w_group_size);
  o.Get("compute", &axes.compute);
  std::vector<int64_t> tps = {1}, pps = {1}, eps = {1}, dps = {1};
  o.Get("tp", &tps);
  o.Get("pp", &pps);
  o.Get("ep", &eps);
  o.Get("dp", &dps);
  axes.layouts.clear();
  for (int64_t tp : tps) {
    for (int64_t pp : pps) {
      for (int64_t ep : eps) {
        for (int64_t dp : dps) axes.layouts.push_back({tp, pp, ep, dp});
      }
    }
  }
  return axes;
}

// Evaluates every point on `jobs` threads, in chunks; the rows come back in
// scenario order. The calling thread (holding the GIL) waits, polling for
// KeyboardInterrupt, which stops the workers.
std::vector<sweep::Row> Evaluate(const sweep::Sweep& sw, int jobs) {
  constexpr int64_t kPointsPerChunk = 2048;
  const int64_t points = sw.points();
  const int64_t chunks = (points + kPointsPerChunk - 1) / kPointsPerChunk;
  std::vector<std::vector<sweep::Row>> out(static_cast<size_t>(chunks));
  std::atomic<int64_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::condition_variable cv;
  int running = 0;
  std::exception_ptr failure;
  const int threads = static_cast<int>(std::clamp<int64_t>(jobs, 1, std::max<int64_t>(chunks, 1)));
  std::vector<std::thread> pool;
  running = threads;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      try {
        std::shared_ptr<sweep::Sweep::Worker> worker = sw.NewWorker();
        for (int64_t c = next++; c < chunks && !stop; c = next++) {
          std::vector<sweep::Row>& rows = out[static_cast<size_t>(c)];
          const int64_t end = std::min(points, (c + 1) * kPointsPerChunk);
          for (int64_t p = c * kPointsPerChunk; p < end; ++p) sw.EvaluatePoint(p, *worker, &rows);
        }
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!failure) failure = std::current_exception();
        stop = true;
      }
      std::lock_guard<std::mutex> lock(mu);
      --running;
      cv.notify_all();
    });
  }
  bool interrupted = false;
  for (;;) {
    bool done = false;
    {
      py::gil_scoped_release release;
      std::unique_lock<std::mutex> lock(mu);
      done = cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return running == 0; });
    }
    if (done) break;
    if (!interrupted && PyErr_CheckSignals() != 0) {
      interrupted = true;
      stop = true;
    }
  }
  for (std::thread& t : pool) t.join();
  if (interrupted) throw py::error_already_set();
  if (failure) std::rethrow_exception(failure);
  std::vector<sweep::Row> rows;
  size_t n = 0;
  for (const auto& c : out) n += c.size();
  rows.reserve(n);
  for (auto& c : out) rows.insert(rows.end(), c.begin(), c.end());
  return rows;
}

template <class T, class F>
py::array_t<T> Column(const std::vector<sweep::Row>& rows, F get) {
  py::array_t<T> a(static_cast<py::ssize_t>(rows.size()));
  T* p = a.mutable_data();
  for (const sweep::Row& r : rows) *p++ = get(r);
  return a;
}

py::dict SweepColumns(py::dict opts) {
  Options o(std::move(opts), "lmp.sweep");
  api::Sources src;
  o.Get("db", &src.db_files);
  o.Get("hardware_file", &src.hardware_files);
  o.Get("runtime_file", &src.runtime_files);
  int64_t jobs = 0;
  o.Get("jobs", &jobs);
  if (jobs < 0) throw Error::Option("jobs", "must be a positive integer, got " + std::to_string(jobs));
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  const ErrorContext context{"", src.db_files};
  api::SweepRequest req;
  req.axes = ReadAxes(o);
  o.CheckAllUsed();
  req.sources = src;
  UseShared(&req.sources);
  const std::shared_ptr<const sweep::Sweep> sw = Call(context, [&] { return api::PrepareSweep(std::move(req)); });
  std::vector<sweep::Row> rows;
  try {
    rows = Evaluate(*sw, static_cast<int>(jobs));
  } catch (const Error& e) {
    throw Classify(e, context);
  }
  py::dict cols;
  py::dict categories;
  py::list models, devices, profiles, layouts;
  for (uint32_t i = 0; i < sw->num_models(); ++i) models.append(sw->model_name(i));
  for (uint32_t i = 0; i < sw->num_devices(); ++i) devices.append(sw->device_name(i));
  for (uint32_t i = 0; i < sw->num_profiles(); ++i) profiles.append(sw->profile_name(i));
  categories["model"] = models;
  categories["device"] = devices;
  categories["profile"] = profiles;
  categories["runtime"] = py::make_tuple(sw->runtime_name());
  cols["model"] = Column<uint32_t>(rows, [](const sweep::Row& r) { return r.model; });
  cols["device"] = Column<uint32_t>(rows, [](const sweep::Row& r) { return r.device; });
  cols["batch"] = Column<int64_t>(rows, [](const sweep::Row& r) { return r.batch_size; });
  cols["prompt"] = Column<int64_t>(rows, [](const sweep::Row& r) { return r.prompt_len; });
  cols["gen"] = Column<int64_t>(rows, [](const sweep::Row& r) { return r.gen_len; });
  cols["w_bits"] = Column<int64_t>(rows, [](const sweep::Row& r) { return r.w_bits; });
  cols["a_bits"] = Column<int64_t>(rows, [](const sweep::Row& r) { return r.a_bits; });
  cols["kv_bits"] = Column<int64_t>(rows, [](const sweep::Row& r) { return r.kv_bits; });
  cols["profile"] = Column<uint32_t>(rows, [](const sweep::Row& r) { return r.profile; });
  cols["runtime"] = Column<uint32_t>(rows, [](const sweep::Row&) { return 0u; });
  cols["ttft_s"] = Column<double>(rows, [](const sweep::Row& r) { return r.ttft_s; });
  cols["tpot_s"] = Column<double>(rows, [](const sweep::Row& r) { return r.tpot_s; });
  cols["e2e_s"] = Column<double>(rows, [](const sweep::Row& r) { return r.e2e_s; });
  cols["tokens_per_s"] = Column<double>(rows, [](const sweep::Row& r) { return r.tokens_per_s; });
  cols["request_flops"] = Column<double>(rows, [](const sweep::Row& r) { return r.request_flops; });
  cols["request_bytes"] = Column<double>(rows, [](const sweep::Row& r) { return r.request_bytes; });
  cols["footprint_bytes"] = Column<int64_t>(rows, [](const sweep::Row& r) { return r.footprint_bytes; });
  cols["fits"] = Column<bool>(rows, [](const sweep::Row& r) { return r.fits; });
  if (sw->has_layouts()) {
    std::vector<int64_t> gpus;
    for (uint32_t i = 0; i < sw->num_layouts(); ++i) {
      layouts.append(parallel::LayoutText(sw->layout(i)));
      gpus.push_back(sw->layout(i).Gpus());
    }
    categories["layout"] = layouts;
    cols["layout"] = Column<uint32_t>(rows, [](const sweep::Row& r) { return r.layout; });
    cols["gpus"] = Column<int64_t>(rows, [&](const sweep::Row& r) { return gpus[r.layout]; });
    cols["tokens_per_s_per_gpu"] =
        Column<double>(rows, [&](const sweep::Row& r) { return r.tokens_per_s / static_cast<double>(gpus[r.layout]); });
  }
  py::list skipped;
  for (const sweep::Sweep::Skipped& k : sw->skipped()) {
    skipped.append(py::make_tuple(k.model, parallel::LayoutText(k.layout), k.reason));
  }
  py::dict out;
  out["columns"] = cols;
  out["categories"] = categories;
  out["skipped"] = skipped;
  return out;
}

}  // namespace

void RegisterSweep(py::module_& m) { m.def("sweep", &SweepColumns, py::arg("options")); }

}  // namespace lmp::python
