#ifndef LMP_FORMULA_AFFINE_H_
#define LMP_FORMULA_AFFINE_H_

#include <cstdint>
#include <vector>

#include "formula/program.h"
#include "formula/value.h"

namespace lmp::formula {

// A slot's value as a function of one input x: base + slope * x, when the
// program computes it with +, -, unary minus, and * or / by values that do
// not depend on x. Anything else that touches x (a product of two
// x-dependent values, //, %, ^, min, max, ceil, floor, ceil_div) makes the
// slot non-affine. This is a symbolic run, not curve fitting: an affine slot
// is affine for every x.
struct AffineValue {
  bool affine = true;
  Value base;
  Value slope;  // Int(0) when the slot does not depend on x
};

// The integer range of x the analysis may assume, lo <= x <= hi. Within it,
// min and max of affine arguments resolve to the argument that is smallest
// (largest) at both ends, and so over the whole range: two lines that do not
// cross between the ends keep their order. A sliding window's
// min(kv_len, window) is affine on each side of the window.
struct AffineRange {
  int64_t lo = 0;
  int64_t hi = 0;
};

// Runs `program` symbolically. Slots [0, inputs.size()) hold the given input
// values, except `var_slot`, which holds x. The result has one entry per slot;
// slots the program never writes keep their input value (constant) or are
// affine in x (var_slot itself). Faults found along the way (overflow,
// division by zero on constants) mark the affected values non-affine: the
// concrete run reports them.
//
// Without a range, min and max of x-dependent values are non-affine. With
// one, a min or max whose arguments cross inside the range is non-affine,
// and the last x before each crossing is added to `breakpoints` (when
// given): splitting the range there makes it resolvable on each piece.
std::vector<AffineValue> AnalyzeAffine(const Program& program, const std::vector<Value>& inputs, uint32_t var_slot,
                                       const AffineRange* range = nullptr, std::vector<int64_t>* breakpoints = nullptr);

// base + slope * x as an exact integer, when base and slope are whole numbers
// and nothing overflows; false otherwise.
bool EvaluateWhole(const AffineValue& v, int64_t x, int64_t* out);

}  // namespace lmp::formula

#endif  // LMP_FORMULA_AFFINE_H_
