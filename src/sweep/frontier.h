#ifndef LMP_SWEEP_FRONTIER_H_
#define LMP_SWEEP_FRONTIER_H_

#include <cstddef>
#include <string_view>
#include <vector>

#include "sweep/sweep.h"

namespace lmp::sweep {

// `--where`: which rows to keep.
enum class Where { kAll, kFits, kNotFits };

// "fits" or "!fits"; "" is kAll. Throws lmp::Error naming --where otherwise.
Where ParseWhere(std::string_view text);
bool Keeps(Where where, const Row& row);

// `--pareto`: the indices, ascending, of the rows no other row of the same
// model beats on both latency and throughput: a row is dropped when another
// has e2e_s no larger and tokens_per_s no smaller, one of them strictly.
// Rows equal in both are all kept. e2e_s (not tpot_s) is the latency because
// it is defined for every request, gen = 1 included, and counts the prefill.
std::vector<size_t> ParetoFrontier(const std::vector<Row>& rows);

}  // namespace lmp::sweep

#endif  // LMP_SWEEP_FRONTIER_H_
