#include "sweep/runner.h"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lmp::sweep {
namespace {

// About this many rows per chunk: large enough that handing chunks over
// costs nothing, small enough that output streams.
constexpr int64_t kRowsPerChunk = 2048;
constexpr int64_t kChunksAheadPerWorker = 4;

struct Chunk {
  bool ready = false;
  std::string text;
  std::vector<Row> rows;  // with --pareto only
};

}  // namespace

void RunSweep(const Sweep& sweep, const RunOptions& options, const std::function<void(std::string_view)>& write,
              const std::function<void(int64_t, int64_t)>& progress) {
  const RowWriter writer(sweep, options.format);
  write(Header(options.format, sweep.has_layouts()));
  const int64_t points = sweep.points();
  const int64_t devices = static_cast<int64_t>(sweep.devices_per_point());
  const int64_t points_per_chunk = std::max<int64_t>(1, kRowsPerChunk / devices);
  const int64_t chunks = (points + points_per_chunk - 1) / points_per_chunk;
  const int jobs = static_cast<int>(std::clamp<int64_t>(options.jobs, 1, std::max<int64_t>(chunks, 1)));
  const int64_t window = kChunksAheadPerWorker * jobs;

  std::vector<Chunk> ring(static_cast<size_t>(window));
  std::mutex mu;
  std::condition_variable cv;
  int64_t next = 0, written = 0;
  bool stop = false;
  std::exception_ptr error;

  auto work = [&] {
    const std::shared_ptr<Sweep::Worker> worker = sweep.NewWorker();
    std::vector<Row> rows;
    std::string text;
    while (true) {
      int64_t c = 0;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return stop || next >= chunks || next < written + window; });
        if (stop || next >= chunks) return;
        c = next++;
      }
      rows.clear();
      text.clear();
      try {
        const int64_t end = std::min(points, (c + 1) * points_per_chunk);
        for (int64_t p = c * points_per_chunk; p < end; ++p) sweep.EvaluatePoint(p, *worker, &rows);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!error) error = std::current_exception();
        stop = true;
        cv.notify_all();
        return;
      }
      rows.erase(std::remove_if(rows.begin(), rows.end(), [&](const Row& r) { return !Keeps(options.where, r); }),
                 rows.end());
      if (!options.pareto) {
        for (const Row& r : rows) writer.Append(r, &text);
      }
      std::lock_guard<std::mutex> lock(mu);
      Chunk& slot = ring[static_cast<size_t>(c % window)];
      slot.text.swap(text);
      slot.rows.swap(rows);
      slot.ready = true;
      cv.notify_all();
    }
  };

  std::vector<std::thread> threads;
  for (int i = 0; i < jobs; ++i) threads.emplace_back(work);
  std::vector<Row> kept;  // with --pareto
  std::string text;
  std::vector<Row> rows;
  for (int64_t c = 0; c < chunks; ++c) {
    {
      std::unique_lock<std::mutex> lock(mu);
      Chunk& slot = ring[static_cast<size_t>(c % window)];
      cv.wait(lock, [&] { return stop || slot.ready; });
      if (stop) break;
      text.swap(slot.text);
      rows.swap(slot.rows);
      slot.ready = false;
      ++written;
      cv.notify_all();
    }
    if (options.pareto) {
      kept.insert(kept.end(), rows.begin(), rows.end());
    } else {
      write(text);
    }
    if (progress) progress(std::min(points, (c + 1) * points_per_chunk) * devices, points * devices);
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    stop = true;
    cv.notify_all();
  }
  for (std::thread& t : threads) t.join();
  if (error) std::rethrow_exception(error);
  if (!options.pareto) return;
  text.clear();
  for (size_t i : ParetoFrontier(kept)) {
    writer.Append(kept[i], &text);
    if (text.size() > (1 << 20)) {
      write(text);
      text.clear();
    }
  }
  write(text);
}

}  // namespace lmp::sweep
