#ifndef LMP_SWEEP_RUNNER_H_
#define LMP_SWEEP_RUNNER_H_

#include <cstdint>
#include <functional>
#include <string_view>

#include "sweep/frontier.h"
#include "sweep/output.h"
#include "sweep/sweep.h"

namespace lmp::sweep {

struct RunOptions {
  int jobs = 1;  // worker threads
  Format format = Format::kCsv;
  Where where = Where::kAll;
  bool pareto = false;
};

// Runs every scenario and hands the output, in scenario order whatever the
// number of threads, to `write` (CSV starts with its header). Workers take
// chunks of points in turn and format them; the calling thread passes the
// chunks to `write` in order, at most a few chunks per worker ahead, so
// memory stays bounded. `progress(done, total)` counts scenarios after each
// chunk, on the calling thread. With `pareto` the rows are kept until the
// end, then the frontier is written. The first evaluation error stops the
// workers and is rethrown.
void RunSweep(const Sweep& sweep, const RunOptions& options, const std::function<void(std::string_view)>& write,
              const std::function<void(int64_t done, int64_t total)>& progress = {});

}  // namespace lmp::sweep

#endif  // LMP_SWEEP_RUNNER_H_
