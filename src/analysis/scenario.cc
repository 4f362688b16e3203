#include "analysis/scenario.h"

#include <algorithm>

#include "util/error.h"

namespace lmp::analysis {
namespace {

void RequirePositive(int64_t v, const char* option) {
  if (v < 1) {
    throw Error("", option, "must be a positive integer, got " + std::to_string(v));
  }
}

void RequireBits(int v, const char* option) {
  if (v < 1 || v > 64) {
    throw Error("", option, "must be a bit width from 1 to 64, got " + std::to_string(v));
  }
}

}  // namespace

const char* StageName(Stage s) { return s == Stage::kPrefill ? "prefill" : "decode"; }

void ValidateScenario(const Scenario& s) {
  RequirePositive(s.batch_size, "--batch");
  RequirePositive(s.prompt_len, "--seq");
  if (s.decode_kv_len != 0) RequirePositive(s.decode_kv_len, "--kv-len");
  RequireBits(s.w_bits, "--w-bits");
  RequireBits(s.a_bits, "--a-bits");
  RequireBits(s.kv_bits, "--kv-bits");
  static const std::vector<std::string> profiles = {"fused"};
  if (std::find(profiles.begin(), profiles.end(), s.profile) == profiles.end()) {
    throw Error("", "profile", "unknown profile '" + s.profile + "'; this version supports: fused");
  }
  if (s.stages.empty()) throw Error("", "--stage", "no stage selected");
}

const std::vector<std::string>& InputNames() {
  static const std::vector<std::string> names = {"batch_size", "seq_len", "kv_len",  "logits_len", "w_bits",
                                                 "a_bits",     "kv_bits", "w_bytes", "a_bytes",    "kv_bytes"};
  return names;
}

StageInputs InputsFor(const Scenario& s, Stage stage) {
  if (stage == Stage::kPrefill) {
    return {stage, s.prompt_len, s.prompt_len, s.all_logits ? s.prompt_len : 1};
  }
  return {stage, 1, s.decode_kv_len != 0 ? s.decode_kv_len : s.prompt_len, 1};
}

}  // namespace lmp::analysis
