#include "sweep/frontier.h"

#include <algorithm>
#include <limits>
#include <string>

#include "util/error.h"

namespace lmp::sweep {

Where ParseWhere(std::string_view text) {
  if (text.empty()) return Where::kAll;
  if (text == "fits") return Where::kFits;
  if (text == "!fits") return Where::kNotFits;
  throw Error::Option("where", "unknown condition '" + std::string(text) + "'; use fits or !fits");
}

bool Keeps(Where where, const Row& row) {
  switch (where) {
    case Where::kAll:
      return true;
    case Where::kFits:
      return row.fits;
    case Where::kNotFits:
      return !row.fits;
  }
  return true;
}

std::vector<size_t> ParetoFrontier(const std::vector<Row>& rows) {
  std::vector<size_t> order(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) order[i] = i;
  // By model, then fastest first and, at equal latency, highest throughput
  // first: a row is on the frontier when its throughput beats every row
  // before it of its model, or equals the last kept row in both figures.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const Row& x = rows[a];
    const Row& y = rows[b];
    if (x.model != y.model) return x.model < y.model;
    if (x.e2e_s != y.e2e_s) return x.e2e_s < y.e2e_s;
    return x.tokens_per_s > y.tokens_per_s;
  });
  std::vector<size_t> kept;
  const Row* last = nullptr;
  double best_tokens_per_s = -std::numeric_limits<double>::infinity();
  for (size_t i : order) {
    const Row& r = rows[i];
    if (last == nullptr || last->model != r.model) {
      best_tokens_per_s = -std::numeric_limits<double>::infinity();
      last = nullptr;
    }
    const bool ties_last = last != nullptr && r.e2e_s == last->e2e_s && r.tokens_per_s == last->tokens_per_s;
    if (r.tokens_per_s > best_tokens_per_s || ties_last) {
      kept.push_back(i);
      best_tokens_per_s = std::max(best_tokens_per_s, r.tokens_per_s);
      last = &r;
    }
  }
  std::sort(kept.begin(), kept.end());
  return kept;
}

}  // namespace lmp::sweep
