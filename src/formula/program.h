#ifndef LMP_FORMULA_PROGRAM_H_
#define LMP_FORMULA_PROGRAM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "formula/ast.h"
#include "formula/value.h"
#include "util/error.h"

namespace lmp::formula {

enum class Opcode : uint8_t { kConst, kLoad, kStore, kBinary, kNeg, kFunc };

struct Instr {
  Opcode code;
  BinOp op;
  Func func;
  uint8_t argc;
  uint32_t slot;
  uint32_t origin;  // index into Program::origins, for error traces
  Value value;
};

// Which formula an instruction came from, and where in it.
struct Origin {
  uint32_t frame;
  uint32_t begin, end;
};

// One formula being compiled: a module's metric, a layer's parameter. A
// module call opens a frame whose parent is the caller's.
struct Frame {
  std::string label;
  std::shared_ptr<const Formula> formula;
  int32_t parent;              // -1 at the top
  uint32_t call_begin = 0;     // the call's range in the parent's formula
  uint32_t call_end = 0;
};

// Straight-line stack code over a slot array. Built once by the compiler,
// then run per scenario: inputs are written into their slots, Run stores
// every output into its slot. There are no jumps, so a run costs one pass.
class Program {
 public:
  std::vector<Instr> code;
  std::vector<Origin> origins;
  std::vector<Frame> frames;
  uint32_t max_stack = 0;
  uint32_t num_slots = 0;

  // `slots` holds num_slots values. On failure returns the status and sets
  // *failed_at to the instruction that failed.
  Status Run(Value* slots, uint32_t* failed_at) const;

  // The error for a failed run: the operation, the formula with a caret, and
  // the chain of module calls that led there.
  Error Failure(Status status, uint32_t failed_at) const;
};

}  // namespace lmp::formula

#endif  // LMP_FORMULA_PROGRAM_H_
