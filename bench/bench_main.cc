// Google Benchmark targets; figures are recorded in docs/BENCHMARKS.md.
#include <benchmark/benchmark.h>

#include <functional>

#include "analysis/analyze.h"
#include "analysis/plan.h"
#include "db/embedded_subset.h"
#include "db/module_db.h"
#include "hardware/cluster.h"
#include "hardware/hardware.h"
#include "hardware/roofline.h"
#include "hardware/runtime.h"
#include "model/model.h"
#include "parallel/sharding.h"
#include "request/deployment.h"
#include "request/generate.h"
#include "request/planner.h"
#include "sweep/output.h"
#include "sweep/sweep.h"

namespace {

using namespace lmp;

const db::ModuleDb& Db() {
  static const db::ModuleDb db = db::ModuleDb::Embedded();
  return db;
}

// Parse, schema-validate, parse every formula and check the whole embedded
// module database.
void BM_LoadEmbeddedDb(benchmark::State& state) {
  for (auto _ : state) {
    db::ModuleDb db = db::ModuleDb::Embedded();
    benchmark::DoNotOptimize(db);
  }
}
BENCHMARK(BM_LoadEmbeddedDb)->Unit(benchmark::kMicrosecond);

// What a request on Llama-2-7b loads since issue 16: the embedded module
// files its classes reach (db/embedded_subset.h), found by text search.
void BM_LoadEmbeddedModulesForLlama(benchmark::State& state) {
  const model::Model m = model::LoadModel("meta-llama/Llama-2-7b-hf");
  std::vector<std::string> names;
  std::function<void(const model::Layer&)> walk = [&](const model::Layer& l) {
    names.push_back(l.class_name);
    for (const model::Layer& s : l.sub_layers) walk(s);
  };
  for (const model::Layer& l : m.layers) walk(l);
  for (auto _ : state) {
    db::ModuleDb db = db::EmbeddedModulesFor(names);
    benchmark::DoNotOptimize(db);
  }
}
BENCHMARK(BM_LoadEmbeddedModulesForLlama)->Unit(benchmark::kMicrosecond);

void BM_LoadModel(benchmark::State& state) {
  for (auto _ : state) {
    model::Model m = model::LoadModel("meta-llama/Llama-2-7b-hf");
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_LoadModel)->Unit(benchmark::kMicrosecond);

// Flatten, bind and compile Llama-2-7b into one program.
void BM_BuildPlan(benchmark::State& state) {
  const model::Model m = model::LoadModel("meta-llama/Llama-2-7b-hf");
  for (auto _ : state) {
    analysis::Plan p = analysis::BuildPlan(m, Db(), "fused");
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_BuildPlan)->Unit(benchmark::kMicrosecond);

// One full analysis after load: prefill and decode of Llama-2-7b, every
// operation's six figures and the stage totals.
// Prefill and decode of `plan` per iteration, the batch varied so that
// nothing is hoisted.
void RunBothStages(benchmark::State& state, const analysis::Plan& plan) {
  analysis::Evaluator ev(plan);
  analysis::Scenario s;
  analysis::StageResult prefill, decode;
  int64_t batch = 1;
  for (auto _ : state) {
    s.batch_size = batch;
    batch = batch % 64 + 1;
    ev.Run(s, analysis::Stage::kPrefill, &prefill);
    ev.Run(s, analysis::Stage::kDecode, &decode);
    benchmark::DoNotOptimize(prefill.totals);
    benchmark::DoNotOptimize(decode.totals);
  }
}

void BM_AnalyzeLlama2_7bBothStages(benchmark::State& state) {
  RunBothStages(state, analysis::BuildPlan(model::LoadModel("meta-llama/Llama-2-7b-hf"), Db(), "fused"));
}
BENCHMARK(BM_AnalyzeLlama2_7bBothStages)->Unit(benchmark::kMicrosecond);

// The convenience entry point, which also validates the scenario, counts
// parameters and allocates fresh results.
void BM_AnalyzeConvenience(benchmark::State& state) {
  const analysis::Plan plan = analysis::BuildPlan(model::LoadModel("meta-llama/Llama-2-7b-hf"), Db(), "fused");
  analysis::Scenario s;
  for (auto _ : state) {
    analysis::Analysis a = analysis::Analyze(plan, s);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_AnalyzeConvenience)->Unit(benchmark::kMicrosecond);

// A whole request: prefill of 2048 tokens, then G - 1 decode steps with
// kv_len growing, on an H100 (issue 3 target: under 50 us at G = 4096).
// Second argument: 0 the fused profile, 1 flash.
void BM_GenerateLlama2_7b(benchmark::State& state) {
  const char* profile = state.range(1) == 0 ? "fused" : "flash";
  const analysis::Plan plan = analysis::BuildPlan(model::LoadModel("meta-llama/Llama-2-7b-hf"), Db(), profile);
  const hardware::Catalog catalog = hardware::Catalog::Embedded();
  const hardware::Device& h100 = catalog.Get("H100-SXM");
  analysis::Scenario s;
  s.profile = profile;
  s.sram_bytes = h100.sram_per_core_bytes;
  int64_t batch = 1;
  for (auto _ : state) {
    s.batch_size = batch;
    batch = batch % 64 + 1;
    request::GenerateResult r = request::Generate(plan, s, state.range(0), h100);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_GenerateLlama2_7b)->Args({4096, 0})->Args({256, 0})->Args({4096, 1})->Unit(benchmark::kMicrosecond);

// A sliding-window model (Mistral-7B, window 4096) at G = 4096 from a
// 2048-token prompt: the decode range splits at the window's edge into two
// closed-form pieces.
void BM_GenerateMistral7bWindow(benchmark::State& state) {
  const analysis::Plan plan = analysis::BuildPlan(model::LoadModel("mistralai/Mistral-7B-v0.1"), Db(), "fused");
  const hardware::Catalog catalog = hardware::Catalog::Embedded();
  const hardware::Device& h100 = catalog.Get("H100-SXM");
  analysis::Scenario s;
  for (auto _ : state) {
    request::GenerateResult r = request::Generate(plan, s, state.range(0), h100);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_GenerateMistral7bWindow)->Arg(4096)->Unit(benchmark::kMicrosecond);

// The same request summed the slow way, one evaluation per decode step, to
// show what the closed form saves.
void BM_GenerateSteppedBaseline(benchmark::State& state) {
  const analysis::Plan plan = analysis::BuildPlan(model::LoadModel("meta-llama/Llama-2-7b-hf"), Db(), "fused");
  analysis::Evaluator ev(plan);
  analysis::Scenario s;
  analysis::StageResult st;
  for (auto _ : state) {
    double total_flops = 0;
    for (int64_t x = s.prompt_len + 1; x < s.prompt_len + state.range(0); ++x) {
      s.decode_kv_len = x;
      ev.Run(s, analysis::Stage::kDecode, &st);
      total_flops += static_cast<double>(st.totals[db::kFlops]);
    }
    benchmark::DoNotOptimize(total_flops);
  }
}
BENCHMARK(BM_GenerateSteppedBaseline)->Arg(4096)->Unit(benchmark::kMicrosecond);

// `lmp sweep`'s cost per scenario: one point (a request less its device)
// evaluated on all 18 catalog devices and formatted as CSV, as a sweep
// worker does it. The device-independent figures are computed once per
// point (per SRAM size under flash), the roofline once per device.
// Argument: 0 fused, 1 flash. items_per_second counts scenarios (rows).
void BM_SweepPointAllDevices(benchmark::State& state) {
  sweep::Axes axes;
  axes.models = {"meta-llama/Llama-2-7b-hf"};
  axes.devices = {"all"};
  axes.profiles = {state.range(0) == 0 ? "fused" : "flash"};
  for (int64_t b = 1; b <= 64; ++b) axes.batches.push_back(b);
  axes.prompts = {2048};
  axes.gens = {256};
  const hardware::Catalog catalog = hardware::Catalog::Embedded();
  const sweep::Sweep sw(axes, Db(), catalog);
  const sweep::RowWriter writer(sw, sweep::Format::kCsv);
  const auto worker = sw.NewWorker();
  std::vector<sweep::Row> rows;
  std::string text;
  int64_t point = 0;
  for (auto _ : state) {
    rows.clear();
    text.clear();
    sw.EvaluatePoint(point, *worker, &rows);
    point = (point + 1) % sw.points();  // vary the batch so nothing is hoisted
    for (const sweep::Row& r : rows) writer.Append(r, &text);
    benchmark::DoNotOptimize(text.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(sw.devices_per_point()));
}
BENCHMARK(BM_SweepPointAllDevices)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// One GPU's share of Llama-2-70b under tp=8 (Arg 1) against the whole model
// (Arg 0): building the plan, and one analysis of both stages. Issue 14 asks
// that an analysis with a layout cost at most twice one without.
analysis::Plan Llama70Plan(bool sharded) {
  static const parallel::ShardingRules rules = parallel::ShardingRules::Embedded();
  const model::Model m = model::LoadModel("meta-llama/Llama-2-70b-hf");
  if (!sharded) return analysis::BuildPlan(m, Db(), "fused");
  return request::BuildStagePlans(m, Db(), "fused", rules, parallel::Layout{8, 1, 1, 1}).front();
}

void BM_BuildPlanLayout(benchmark::State& state) {
  for (auto _ : state) {
    analysis::Plan p = Llama70Plan(state.range(0) != 0);
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_BuildPlanLayout)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_AnalyzeLayout(benchmark::State& state) { RunBothStages(state, Llama70Plan(state.range(0) != 0)); }
BENCHMARK(BM_AnalyzeLayout)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// lmp plan's search for Llama-3.1-405B on up to 64 H100s: 210 layouts, every
// batch from 1 to 1024 that fits, on Arg worker threads.
void BM_Plan405bOn64(benchmark::State& state) {
  const model::Model m = model::LoadModel("meta-llama/Llama-3.1-405B");
  const parallel::ShardingRules rules = parallel::ShardingRules::Embedded();
  const hardware::Catalog devices = hardware::Catalog::Embedded();
  const hardware::ClusterCatalog clusters = hardware::ClusterCatalog::Embedded();
  const hardware::RuntimeCatalog runtimes = hardware::RuntimeCatalog::Embedded();
  const hardware::Device& h100 = devices.Get("h100");
  request::PlanSearch search;
  search.gpus = 64;
  search.max_tpot_s = 0.05;
  search.jobs = static_cast<int>(state.range(0));
  search.scenario.profile = "flash";
  search.scenario = hardware::OnDevice(search.scenario, h100);
  for (auto _ : state) {
    request::PlanResult r = request::SearchPlans(m, Db(), rules, h100, clusters.Get("HGX-H100-8"),
                                                 runtimes.Resolve(runtimes.Get("serving"), h100), search);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Plan405bOn64)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
