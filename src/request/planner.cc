#include "request/planner.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <map>
#include <tuple>

#include "analysis/footprint.h"
#include "request/deployment.h"
#include "util/error.h"

namespace lmp::request {
namespace {

std::vector<int64_t> Divisors(int64_t n) {
  std::vector<int64_t> out;
  for (int64_t d = 1; d <= n; ++d) {
    if (n % d == 0) out.push_back(d);
  }
  return out;
}

std::string Bytes(int64_t b) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f GB", static_cast<double>(b) / 1e9);
  return buf;
}

std::string Ms(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f ms", s * 1e3);
  return buf;
}

}  // namespace

const char* LayoutStatusName(LayoutStatus s) {
  switch (s) {
    case LayoutStatus::kOk: return "ok";
    case LayoutStatus::kInvalid: return "invalid";
    case LayoutStatus::kDoesNotFit: return "does_not_fit";
    case LayoutStatus::kMissesLimits: return "misses_limits";
  }
  return "?";
}

std::vector<parallel::Layout> CandidateLayouts(int64_t gpus) {
  std::vector<parallel::Layout> out;
  const std::vector<int64_t> d = Divisors(gpus);
  // Each partial product stays at most gpus, so none overflows.
  for (int64_t dp : d) {
    for (int64_t ep : d) {
      if (ep > gpus / dp) break;
      for (int64_t pp : d) {
        if (pp > gpus / (dp * ep)) break;
        for (int64_t tp : d) {
          if (tp > gpus / (dp * ep * pp)) break;
          out.push_back({tp, pp, ep, dp});
        }
      }
    }
  }
  // Fewest GPUs first, then tp, pp, ep, dp ascending: a stable, readable order.
  std::stable_sort(out.begin(), out.end(), [](const parallel::Layout& a, const parallel::Layout& b) {
    return std::make_tuple(a.Gpus(), a.tp, a.pp, a.ep, a.dp) < std::make_tuple(b.Gpus(), b.tp, b.pp, b.ep, b.dp);
  });
  return out;
}

PlanResult SearchPlans(const model::Model& model, const db::ModuleDb& db, const parallel::ShardingRules& rules,
                       const hardware::Device& device, const hardware::Cluster& cluster,
                       const hardware::Timing& timing, const PlanSearch& search,
                       const std::function<void(int64_t, int64_t)>& progress) {
  if (search.gpus < 1 || search.gpus > parallel::kMaxGpus) {
    throw Error::Option("gpus", "must be a positive integer of at most " + std::to_string(parallel::kMaxGpus) +
                                    ", got " + std::to_string(search.gpus));
  }
  if (search.max_batch < 1 || search.max_batch > analysis::kMaxScenarioInt) {
    throw Error::Option("max_batch", "must be a positive integer of at most " +
                                         std::to_string(analysis::kMaxScenarioInt) + ", got " +
                                         std::to_string(search.max_batch));
  }
  PlanResult out;
  const std::vector<parallel::Layout> layouts = CandidateLayouts(search.gpus);
  // Data-parallel replicas share their plans: one set per (tp, pp, ep),
  // built first, on this thread.
  std::map<std::tuple<int64_t, int64_t, int64_t>, std::vector<analysis::Plan>> plans;
  std::map<std::tuple<int64_t, int64_t, int64_t>, std::string> invalid;
  for (const parallel::Layout& l : layouts) {
    const auto key = std::make_tuple(l.tp, l.pp, l.ep);
    if (plans.count(key) || invalid.count(key)) continue;
    try {
      plans[key] = BuildStagePlans(model, db, search.scenario.profile, rules, parallel::Layout{l.tp, l.pp, l.ep, 1});
    } catch (const Error& e) {
      if (!e.file().empty() || (e.where() != "tp" && e.where() != "ep" && e.where() != "pp")) throw;
      invalid[key] = e.message();
    }
  }
  const int64_t context = analysis::RequestContextLen(search.scenario.prompt_len, search.gen_len);
  // Then every layout on its own, on `jobs` threads; results kept in layout order.
  std::vector<LayoutVerdict> verdicts(layouts.size());
  std::vector<std::vector<PlanPoint>> points(layouts.size());
  const auto evaluate = [&](size_t i) {
    const parallel::Layout& l = layouts[i];
    LayoutVerdict& v = verdicts[i];
    v.layout = l;
    const auto key = std::make_tuple(l.tp, l.pp, l.ep);
    const int64_t replicas = l.ep * l.dp;
    if (const auto bad = invalid.find(key); bad != invalid.end()) {
      v.status = LayoutStatus::kInvalid;
      v.reason = bad->second;
      return;
    }
    if (replicas > search.max_batch) {
      v.status = LayoutStatus::kInvalid;
      v.reason = "its " + std::to_string(replicas) + " replicas need a batch of at least " + std::to_string(replicas) +
                 ", above the largest searched, " + std::to_string(search.max_batch);
      return;
    }
    const std::vector<analysis::Plan>& stages = plans.at(key);
    Deployment d;
    d.layout = l;
    d.cluster = cluster.name;
    d.nodes = NodesFor(cluster, l, 0);
    hardware::Timing t = timing;
    SetCommTiers(cluster, l, &t);
    analysis::Scenario s = search.scenario;
    // Sequences per replica k: the deployment serves k x replicas.
    const auto footprint = [&](int64_t k) {
      d.batch = k * replicas;
      s.batch_size = d.batch;
      return DeviceFootprint(stages, s, d, context).total_bytes;
    };
    v.memory_bytes = footprint(1);
    if (v.memory_bytes > device.dram_bytes) {
      v.status = LayoutStatus::kDoesNotFit;
      v.reason = "needs " + Bytes(v.memory_bytes) + " per GPU at one sequence per replica; " + device.name +
                 " has " + Bytes(device.dram_bytes);
      return;
    }
    // The footprint grows with the batch: the largest k that fits, by bisection.
    int64_t lo = 1, hi = search.max_batch / replicas;
    while (lo < hi) {
      const int64_t mid = lo + (hi - lo + 1) / 2;
      if (footprint(mid) <= device.dram_bytes) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    v.max_batch = lo * replicas;
    bool any = false;
    DeploymentScratch scratch;  // one layout, one device, one set of bit widths
    for (int64_t k = 1; k <= lo; ++k) {
      d.batch = k * replicas;
      d.microbatches = std::min(l.pp, k);
      s.batch_size = d.batch;
      const GenerateResult r = GenerateDeployed(stages, s, search.gen_len, device, t, d, &scratch);
      PlanPoint p;
      p.layout = l;
      p.batch = d.batch;
      p.microbatches = d.microbatches;
      p.ttft_s = r.ttft_s;
      p.tpot_s = r.tpot_s;
      p.e2e_s = r.e2e_s;
      p.tokens_per_s = r.tokens_per_s;
      p.tokens_per_s_per_gpu = r.tokens_per_s / static_cast<double>(l.Gpus());
      p.tokens_per_s_per_user = r.tpot_s > 0 ? 1 / r.tpot_s : r.tokens_per_s_per_sequence;
      p.meets_limits = (search.max_tpot_s <= 0 || p.tpot_s <= search.max_tpot_s) &&
                       (search.max_ttft_s <= 0 || p.ttft_s <= search.max_ttft_s);
      any = any || p.meets_limits;
      points[i].push_back(p);
    }
    if (!any) {
      const PlanPoint& fastest = points[i].front();
      v.status = LayoutStatus::kMissesLimits;
      v.reason = "at one sequence per replica TPOT is " + Ms(fastest.tpot_s) + " and TTFT " + Ms(fastest.ttft_s) +
                 (search.max_tpot_s > 0 ? ", limit TPOT " + Ms(search.max_tpot_s) : std::string()) +
                 (search.max_ttft_s > 0 ? ", limit TTFT " + Ms(search.max_ttft_s) : std::string());
    }
  };
  std::atomic<size_t> next{0};
  std::atomic<int64_t> done{0};
  std::mutex progress_mutex;
  std::exception_ptr failure;
  const auto worker = [&] {
    for (size_t i = next++; i < layouts.size(); i = next++) {
      try {
        evaluate(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        if (!failure) failure = std::current_exception();
        next = layouts.size();
        return;
      }
      const int64_t n = ++done;
      if (progress) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        progress(n, static_cast<int64_t>(layouts.size()));
      }
    }
  };
  const int jobs = std::max(1, std::min<int>(search.jobs, static_cast<int>(layouts.size())));
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (std::thread& th : threads) th.join();
  if (failure) std::rethrow_exception(failure);
  for (size_t i = 0; i < layouts.size(); ++i) {
    out.layouts.push_back(std::move(verdicts[i]));
    for (const PlanPoint& p : points[i]) {
      if (p.meets_limits && (!out.best || p.tokens_per_s_per_gpu > out.points[*out.best].tokens_per_s_per_gpu)) {
        out.best = out.points.size();
      }
      out.points.push_back(p);
    }
  }
  // The frontier: by per-user speed descending (ties: per-GPU descending), a
  // point stays when it beats every faster one on throughput per GPU.
  // Memory per GPU for the points a report shows (the frontier and the best):
  // a footprint per point would cost as much as the search.
  const auto fill_memory = [&](PlanPoint& p) {
    const auto key = std::make_tuple(p.layout.tp, p.layout.pp, p.layout.ep);
    Deployment d;
    d.layout = p.layout;
    d.batch = p.batch;
    analysis::Scenario s = search.scenario;
    s.batch_size = p.batch;
    p.memory_bytes = DeviceFootprint(plans.at(key), s, d, context).total_bytes;
  };
  std::vector<size_t> order(out.points.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const PlanPoint &x = out.points[a], &y = out.points[b];
    if (x.tokens_per_s_per_user != y.tokens_per_s_per_user) return x.tokens_per_s_per_user > y.tokens_per_s_per_user;
    if (x.tokens_per_s_per_gpu != y.tokens_per_s_per_gpu) return x.tokens_per_s_per_gpu > y.tokens_per_s_per_gpu;
    return a < b;
  });
  double best_gpu = -1;
  for (size_t i : order) {
    if (out.points[i].tokens_per_s_per_gpu > best_gpu) {
      out.frontier.push_back(i);
      best_gpu = out.points[i].tokens_per_s_per_gpu;
      fill_memory(out.points[i]);
    }
  }
  if (out.best) fill_memory(out.points[*out.best]);
  return out;
}

}  // namespace lmp::request
