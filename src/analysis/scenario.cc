#include "analysis/scenario.h"

#include <algorithm>

#include "util/error.h"
#include "util/suggest.h"

namespace lmp::analysis {
namespace {

void RequirePositive(int64_t v, std::string_view field) {
  if (v < 1) {
    throw Error::Option(field, "must be a positive integer, got " + std::to_string(v));
  }
}

void RequireTokens(int64_t v, std::string_view field) {
  RequirePositive(v, field);
  if (v > kMaxScenarioInt) {
    throw Error::Option(field, "must be at most " + std::to_string(kMaxScenarioInt) + ", got " + std::to_string(v));
  }
}

void RequireBits(int v, std::string_view field) {
  if (v < 1 || v > 64) {
    throw Error::Option(field, "must be a bit width from 1 to 64, got " + std::to_string(v));
  }
}

}  // namespace

const char* StageName(Stage s) { return s == Stage::kPrefill ? "prefill" : "decode"; }

void ValidateScenario(const Scenario& s) {
  RequireTokens(s.batch_size, "batch");
  RequireTokens(s.prompt_len, "seq");
  if (s.decode_kv_len != 0) RequireTokens(s.decode_kv_len, "kv_len");
  RequireBits(s.w_bits, "w_bits");
  RequireBits(s.a_bits, "a_bits");
  RequireBits(s.kv_bits, "kv_bits");
  if (s.w_group_size < 0) {
    throw Error::Option("w_group_size",
                        "must be 0 (no groups) or a positive group size, got " + std::to_string(s.w_group_size));
  }
  if (s.w_group_size > 0 && s.w_bits >= 16) {
    throw Error::Option("w_group_size",
                        "applies to quantized weights only; add " + Opt("w_bits") + " below 16 (e.g. 4), or drop it");
  }
  static const std::vector<std::string> computes = {"auto", "fp32", "tf32", "bf16", "fp16", "fp8", "int8", "fp4", "int4"};
  if (std::find(computes.begin(), computes.end(), s.compute) == computes.end()) {
    throw Error::Option("compute", "unknown precision '" + s.compute + "'" + DidYouMean(s.compute, computes) +
                                       "; use auto, fp32, tf32, bf16, fp16, fp8, int8, fp4 or int4");
  }
  // 0 means unset (the device's figure or the default); the CLI rejects an
  // explicit --sram-bytes 0 itself, since here it cannot be told apart.
  if (s.sram_bytes != 0) RequirePositive(s.sram_bytes, "sram_bytes");
  const std::vector<std::string>& profiles = ProfileNames();
  if (std::find(profiles.begin(), profiles.end(), s.profile) == profiles.end()) {
    throw Error::Option("profile", "unknown profile '" + s.profile + "'" + DidYouMean(s.profile, profiles) +
                                       "; choose fused, flash or eager");
  }
  if (s.stages.empty()) throw Error::Option("stage", "no stage selected");
}

int64_t SramBytes(const Scenario& s) { return s.sram_bytes != 0 ? s.sram_bytes : kDefaultSramBytes; }

const std::vector<std::string>& ProfileNames() {
  static const std::vector<std::string> names = {"fused", "flash", "eager"};
  return names;
}

const std::vector<std::string>& InputNames() {
  static const std::vector<std::string> names = {"batch_size", "seq_len", "kv_len",  "logits_len",    "w_bits",    "a_bits",
                                                 "kv_bits",    "w_bytes", "a_bytes", "kv_bytes",      "w_scale_bytes",
                                                 "sram_bytes"};
  return names;
}

double WeightScaleBytes(const Scenario& s) {
  if (s.w_group_size <= 0) return 0.0;
  return (16.0 + s.w_bits) / 8.0 / static_cast<double>(s.w_group_size);
}

StageInputs InputsFor(const Scenario& s, Stage stage) {
  if (stage == Stage::kPrefill) {
    return {stage, s.prompt_len, s.prompt_len, s.all_logits ? s.prompt_len : 1};
  }
  return {stage, 1, s.decode_kv_len != 0 ? s.decode_kv_len : s.prompt_len, 1};
}

}  // namespace lmp::analysis
