#ifndef LMP_ANALYSIS_SCENARIO_H_
#define LMP_ANALYSIS_SCENARIO_H_

#include <cstdint>
#include <string>
#include <vector>

namespace lmp::analysis {

enum class Stage { kPrefill, kDecode };
const char* StageName(Stage s);

// What is being run. Prefill processes the prompt: seq_len = prompt_len,
// kv_len = prompt_len. Decode processes one token per sequence attending to
// decode_kv_len tokens (the cache plus the new token).
struct Scenario {
  int64_t batch_size = 1;
  int64_t prompt_len = 2048;
  int64_t decode_kv_len = 0;  // 0: the prompt length
  int w_bits = 16;
  int a_bits = 16;
  int kv_bits = 16;
  // Group-wise weight quantization: every `w_group_size` weights share one
  // 16-bit scale and one zero point of w_bits. 0: per-tensor (no overhead).
  int64_t w_group_size = 0;
  // The matrix-unit precision matmuls run at: "auto" picks it from the bits
  // (hardware::PeakFor); any other value names a tensor peak ("fp8", ...).
  std::string compute = "auto";
  // Prefill computes logits for the last position of each sequence only, as
  // inference engines do; true computes them for every position.
  bool all_logits = false;
  // Execution profile (ProfileNames()): which of the database's operations
  // run. "fused" keeps the attention score matrix in memory; "flash" runs
  // attention as one FlashAttention kernel (docs/flash.md).
  std::string profile = "fused";
  // Bytes of on-chip SRAM one attention thread block may tile into; sizes the
  // flash profile's tiles through the module global {sram_bytes}. 0 = unset:
  // the device's sram_per_core_bytes when a device is given
  // (hardware::OnDevice), else kDefaultSramBytes.
  int64_t sram_bytes = 0;
  std::vector<Stage> stages = {Stage::kPrefill, Stage::kDecode};
};

// The SRAM assumed when neither --sram-bytes nor a device says: 128 KiB, in
// the range of real parts (100 KiB on Ada and GA102, 164 KiB on A100, 228 KiB
// on H100; AMD CDNA has 64 KiB) and the size at which the FlashAttention-2
// tile rule gives 128 x 128 tiles for 16-bit heads of width 128, the query
// tile (kBlockM = 128) FlashAttention-2's forward kernels use at that width.
inline constexpr int64_t kDefaultSramBytes = 128 * 1024;

// s.sram_bytes, or kDefaultSramBytes when it is unset (0).
int64_t SramBytes(const Scenario& s);

// The profiles a scenario may name: "fused" (the default), "flash" and
// "eager" (one operation per PyTorch kernel, as the trace counter sees them).
const std::vector<std::string>& ProfileNames();

// The largest batch, prompt or kv_len a scenario may have (2^31, the most
// `lmp fit` searches): beyond it every model's figures overflow 64 bits.
inline constexpr int64_t kMaxScenarioInt = int64_t{1} << 31;

// Throws lmp::Error naming the offending option by its field (Error::Option: "batch", "w_bits", ...) when a
// value is out of range.
void ValidateScenario(const Scenario& s);

// Bytes of group scales and zero points per weight element:
// (16 + w_bits) / 8 / w_group_size, or 0 without groups.
double WeightScaleBytes(const Scenario& s);

// The variables formulas see, in slot order. Layer parameters may use all of
// them; module formulas only the element sizes (w_bits ... kv_bytes) and
// sram_bytes (db::ScenarioGlobalNames()). New slots go at the end, so that
// the slot numbers of the others never move.
enum InputSlot : uint32_t {
  kBatchSize,
  kSeqLen,
  kKvLen,
  kLogitsLen,
  kWBits,
  kABits,
  kKvBits,
  kWBytes,
  kABytes,
  kKvBytes,
  kWScaleBytes,
  kSramBytes,  // SramBytes(scenario): never 0
  kNumInputs,
};
const std::vector<std::string>& InputNames();

struct StageInputs {
  Stage stage;
  int64_t seq_len;
  int64_t kv_len;
  int64_t logits_len;
};
StageInputs InputsFor(const Scenario& s, Stage stage);

}  // namespace lmp::analysis

#endif  // LMP_ANALYSIS_SCENARIO_H_
