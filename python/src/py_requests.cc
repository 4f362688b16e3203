#include "py_requests.h"

#include <pybind11/stl.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>
#include <vector>

#include "analysis/module_eval.h"
#include "api/commands.h"
#include "api/request.h"
#include "py_errors.h"
#include "py_json.h"
#include "py_options.h"
#include "report/api_report.h"
#include "report/catalog_report.h"
#include "report/compare_report.h"
#include "report/plan_report.h"
#include "report/report.h"
#include "report/validate_report.h"
#include "request/compare.h"
#include "util/duration.h"
#include "util/error.h"

namespace py = pybind11;

namespace lmp::python {

namespace {

ErrorContext ContextOf(const api::ModelRequest& r) { return {r.model, r.sources.db_files}; }

void ReadStage(Options& o, analysis::Scenario* s) {
  std::string stage = "both";
  o.Get("stage", &stage);
  using analysis::Stage;
  if (stage == "prefill") {
    s->stages = {Stage::kPrefill};
  } else if (stage == "decode") {
    s->stages = {Stage::kDecode};
  } else if (stage != "both") {
    throw Error::Option("stage", "must be prefill, decode or both, got '" + stage + "'");
  }
}

// A request of type R on `model`: the keys every model request takes, then
// the call's own (read by `extra`), every key checked, the shared catalogs
// used where no file layers over them.
template <class R, class Extra>
R ReadRequest(const std::string& model, py::dict opts, const char* call, Extra extra) {
  R r;
  r.model = model;
  Options o(std::move(opts), call);
  ReadModelRequest(o, &r);
  extra(o, r);
  o.CheckAllUsed();
  UseSharedCatalogs(&r);
  return r;
}

api::AnalyzeRequest ReadAnalyze(const std::string& model, py::dict opts) {
  return ReadRequest<api::AnalyzeRequest>(model, std::move(opts), "lmp.analyze",
                                          [](Options& o, api::AnalyzeRequest& r) {
                                            o.Get("kv_len", &r.scenario.decode_kv_len);
                                            o.Get("all_logits", &r.scenario.all_logits);
                                            o.Get("pp_stage", &r.pp_stage);
                                            ReadStage(o, &r.scenario);
                                          });
}

api::AnalyzeResult Analyze(const std::string& model, py::dict opts) {
  const api::AnalyzeRequest r = ReadAnalyze(model, std::move(opts));
  return Call(ContextOf(r), [&] { return api::Analyze(r); });
}

api::GenerateResultSet Generate(const std::string& model, py::dict opts) {
  const auto r = ReadRequest<api::GenerateRequest>(
      model, std::move(opts), "lmp.generate", [](Options& o, api::GenerateRequest& g) { o.Get("gen", &g.gen_len); });
  return Call(ContextOf(r), [&] { return api::Generate(r); });
}

py::object Fit(const std::string& model, py::dict opts) {
  const auto r = ReadRequest<api::FitRequest>(model, std::move(opts), "lmp.fit", [](Options& o, api::FitRequest& f) {
    o.Get("gen", &f.gen_len);
    f.solve_prompt = o.Has("batch");
    if (f.solve_prompt && o.Has("prompt")) {
      throw Error::Option("prompt", "is what lmp.fit solves for when batch is given; drop one of them");
    }
  });
  const Json doc = Call(ContextOf(r), [&] { return report::FitDocument(api::Fit(r)); });
  return ToPython(doc);
}

// One side of lmp.compare: every key of `opts` as lmp.generate takes it.
request::RequestSpec SpecOf(py::dict opts, const std::string& side) {
  Options o(std::move(opts), "lmp.compare (" + side + ")");
  api::GenerateRequest r;
  o.Get("model", &r.model);
  ReadModelRequest(o, &r);
  o.Get("gen", &r.gen_len);
  o.CheckAllUsed();
  if (!r.model_text.empty()) {
    throw Error::Option("model", "lmp.compare takes catalog ids and paths; use lmp.generate for a dict");
  }
  request::RequestSpec spec;
  spec.model = r.model;
  spec.hardware = r.hardware;
  spec.runtime = r.runtime;
  spec.profile_given = r.profile_given;
  spec.scenario = r.scenario;
  spec.gen_len = r.gen_len;
  if (!r.layout.parallel.empty() || !r.layout.cluster.empty() || r.layout.nodes != 0 ||
      !r.layout.cluster_files.empty() || !r.layout.sharding_files.empty() || !r.sources.hardware_texts.empty()) {
    throw Error::Option("parallel",
                        "lmp.compare takes tp, pp, ep, dp and microbatches; parallel, cluster, nodes, cluster_file, "
                        "sharding_file and hardware dicts are lmp.generate's");
  }
  spec.layout = {r.layout.tp, r.layout.pp, r.layout.ep, r.layout.dp};
  spec.microbatches = r.layout.microbatches;
  return spec;
}

py::object Compare(py::dict a_opts, py::dict b_opts, py::dict files) {
  const request::RequestSpec a = SpecOf(std::move(a_opts), "a"), b = SpecOf(std::move(b_opts), "b");
  Options o(std::move(files), "lmp.compare");
  api::Sources s;
  o.Get("db", &s.db_files);
  o.Get("hardware_file", &s.hardware_files);
  o.Get("runtime_file", &s.runtime_files);
  o.CheckAllUsed();
  UseShared(&s);
  const Json doc = Call({a.model, s.db_files}, [&] {
    const api::CompareResult r = api::Compare({a, b, s});
    return report::CompareJson(r.a, r.b);
  });
  return ToPython(doc);
}

py::object Models() {
  const Json doc = Call({}, [] { return report::ModelsJson(model::Catalog()); });
  return ToPython(doc);
}

py::object Hardware(py::object name, py::dict opts) {
  Options o(std::move(opts), "lmp.hardware");
  std::vector<std::string> files;
  o.Get("hardware_file", &files);
  o.CheckAllUsed();
  const std::string device = name.is_none() ? "" : name.cast<std::string>();
  const Json doc = Call({}, [&] {
    const hardware::Catalog catalog = files.empty() ? hardware::Catalog() : api::LoadHardware(files);
    const hardware::Catalog& use = files.empty() ? EmbeddedHardware() : catalog;
    if (device.empty()) return report::HardwareListJson(use);
    return Json(use.Get(device).source);
  });
  return ToPython(doc);
}

py::object ModuleEval(const std::string& name, py::dict assignments, py::dict opts) {
  Options o(std::move(opts), "lmp.module_eval");
  analysis::Scenario s;
  o.Get("w_bits", &s.w_bits);
  o.Get("a_bits", &s.a_bits);
  o.Get("kv_bits", &s.kv_bits);
  o.Get("w_group_size", &s.w_group_size);
  o.Get("profile", &s.profile);
  o.Get("sram_bytes", &s.sram_bytes);
  std::vector<std::string> db_files;
  o.Get("db", &db_files);
  o.CheckAllUsed();
  std::vector<std::pair<std::string, std::string>> pairs;
  for (auto item : assignments) {
    const py::handle v = item.second;
    if (!py::isinstance<py::str>(v) && (!py::isinstance<py::int_>(v) || py::isinstance<py::bool_>(v))) {
      throw Error::Option("params", "the value of " + std::string(py::str(item.first)) +
                                        " must be an integer or a formula string, got " + std::string(py::repr(v)));
    }
    pairs.emplace_back(py::str(item.first), py::str(v));
  }
  const Json doc = Call({"", db_files}, [&] {
    const db::ModuleDb loaded = db_files.empty() ? db::ModuleDb() : api::LoadDb(db_files);
    const db::ModuleDb& db = db_files.empty() ? EmbeddedDb() : loaded;
    return report::ModuleEvalJson(analysis::EvaluateModule(db, db.Get(name), pairs, s));
  });
  return ToPython(doc);
}

// A duration option: seconds as a number, or text as the CLI takes it ("50ms");
// 0 when not given.
double DurationOf(Options& o, const char* key) {
  if (py::isinstance<py::str>(o.Raw(key))) {
    std::string text;
    o.Get(key, &text);
    return ParseDuration(text, Opt(key));
  }
  double seconds = 0;
  o.Get(key, &seconds);
  if (seconds < 0) throw Error::Option(key, "must not be negative, got " + std::to_string(seconds));
  return seconds;
}

py::object Plan(const std::string& model, py::dict opts) {
  Options o(std::move(opts), "lmp.plan");
  api::PlanRequest r;
  r.model = model;
  request::PlanSearch& search = r.search;
  o.Get("hardware", &r.hardware);
  o.Get("gpus", &search.gpus);
  o.Get("prompt", &search.scenario.prompt_len);
  o.Get("gen", &search.gen_len);
  o.Get("max_batch", &search.max_batch);
  o.Get("w_bits", &search.scenario.w_bits);
  o.Get("a_bits", &search.scenario.a_bits);
  o.Get("kv_bits", &search.scenario.kv_bits);
  o.Get("runtime", &r.runtime);
  o.Get("cluster", &r.cluster);
  int64_t jobs = 0;
  o.Get("jobs", &jobs);
  search.jobs = jobs > 0 ? static_cast<int>(jobs) : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  search.max_tpot_s = DurationOf(o, "max_tpot");
  search.max_ttft_s = DurationOf(o, "max_ttft");
  o.Get("db", &r.sources.db_files);
  o.Get("hardware_file", &r.sources.hardware_files);
  o.Get("runtime_file", &r.sources.runtime_files);
  o.Get("cluster_file", &r.cluster_files);
  o.Get("sharding_file", &r.sharding_files);
  o.CheckAllUsed();
  UseShared(&r.sources);
  const Json doc = Call({model, r.sources.db_files}, [&] {
    const api::PlanResultSet p = api::Plan(r);
    const report::PlanContext c{p.model_id, &p.device, p.cluster, p.runtime, p.search};
    return report::PlanJson(c, p.result);
  });
  return ToPython(doc);
}

py::object Validate(py::dict opts) {
  Options o(std::move(opts), "lmp.validate");
  api::ValidateRequest r;
  o.Get("dataset", &r.datasets);
  o.Get("runtime", &r.options.runtime);
  std::string split = "all", gpus = "all";
  o.Get("split", &split);
  o.Get("gpus", &gpus);
  if (split == "fit") {
    r.options.split = validate::Split::kFit;
  } else if (split == "held_out") {
    r.options.split = validate::Split::kHeldOut;
  } else if (split != "all") {
    throw Error::Option("split", "must be all, fit or held_out, got '" + split + "'");
  }
  if (gpus == "single") {
    r.options.gpus = validate::Gpus::kSingle;
  } else if (gpus == "multi") {
    r.options.gpus = validate::Gpus::kMulti;
  } else if (gpus != "all") {
    throw Error::Option("gpus", "must be all, single or multi, got '" + gpus + "'");
  }
  o.Get("db", &r.sources.db_files);
  o.Get("hardware_file", &r.sources.hardware_files);
  o.Get("runtime_file", &r.sources.runtime_files);
  o.CheckAllUsed();
  UseShared(&r.sources);
  const Json doc = Call({"", r.sources.db_files}, [&] { return report::ValidateJson(api::Validate(r).result); });
  return ToPython(doc);
}

// For bench/python_overhead.py: the seconds each of `reps` calls of
// api::Analyze takes (its result destroyed) for the request
// lmp.analyze(model, **opts) makes, timed in C++; the difference from
// lmp.analyze timed in Python is what the package adds.
std::vector<double> BenchAnalyze(const std::string& model, py::dict opts, int reps) {
  const api::AnalyzeRequest r = ReadAnalyze(model, std::move(opts));
  return Call(ContextOf(r), [&] {
    std::vector<double> times;
    for (int i = 0; i < reps; ++i) {
      // The result's destruction is timed too, as a Python caller pays it.
      const auto start = std::chrono::steady_clock::now();
      { const api::AnalyzeResult a = api::Analyze(r); }
      times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return times;
  });
}

}  // namespace

void RegisterRequests(py::module_& m) {
  py::class_<api::AnalyzeResult>(m, "Analysis")
      .def("document", [](const api::AnalyzeResult& a) { return ToPython(report::AnalyzeDocument(a)); })
      .def("csv",
           [](const api::AnalyzeResult& a) {
             return report::AnalysisCsv(a.plan(), a.analysis, a.roofline ? &*a.roofline : nullptr);
           })
      .def("table",
           [](const api::AnalyzeResult& a) {
             std::string out = a.deployment ? report::DeploymentText(*a.deployment, a.plan()) + "\n" : "";
             return out + report::AnalysisTable(a.plan(), a.analysis, a.roofline ? &*a.roofline : nullptr,
                                                a.memory ? &*a.memory : nullptr,
                                                a.checkpoint ? &*a.checkpoint : nullptr);
           })
      .def("html",
           [](const api::AnalyzeResult& a) -> py::object {
             if (!a.roofline) return py::none();
             return py::str(report::AnalyzeHtml(a));
           })
      .def_property_readonly("parameters", [](const api::AnalyzeResult& a) { return a.analysis.parameters; })
      .def_property_readonly("model_id", [](const api::AnalyzeResult& a) { return a.plan().model_id; });
  py::class_<api::GenerateResultSet>(m, "Generation")
      .def("document", [](const api::GenerateResultSet& g) { return ToPython(report::GenerateDocument(g)); })
      .def("text",
           [](const api::GenerateResultSet& g) {
             return report::GenerateText(g.plan(), g.parameters(), g.scenario, g.device, g.result, g.memory);
           })
      .def("html", [](const api::GenerateResultSet& g) { return report::GenerateHtml(g); });
  m.def("analyze", &Analyze, py::arg("model"), py::arg("options"));
  m.def("generate", &Generate, py::arg("model"), py::arg("options"));
  m.def("fit", &Fit, py::arg("model"), py::arg("options"));
  m.def("compare", &Compare, py::arg("a"), py::arg("b"), py::arg("files"));
  m.def("models", &Models);
  m.def("hardware", &Hardware, py::arg("name"), py::arg("options"));
  m.def("plan", &Plan, py::arg("model"), py::arg("options"));
  m.def("validate", &Validate, py::arg("options"));
  m.def("_bench_analyze", &BenchAnalyze, py::arg("model"), py::arg("options"), py::arg("reps"));
  m.def("module_eval", &ModuleEval, py::arg("name"), py::arg("params"), py::arg("options"));
}

}  // namespace lmp::python
