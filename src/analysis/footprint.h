#ifndef LMP_ANALYSIS_FOOTPRINT_H_
#define LMP_ANALYSIS_FOOTPRINT_H_

#include <cstdint>
#include <string>

#include "analysis/plan.h"
#include "analysis/scenario.h"
#include "model/model.h"

namespace lmp::analysis {

// The device memory a request needs at its peak: every weight, the KV cache
// of every sequence at the request's largest context, and the largest set of
// activations alive at one time. All figures are bytes for the whole batch.
// docs/memory.md states what is counted and what is not.
struct Footprint {
  int64_t context_len = 0;  // tokens per sequence the KV cache holds
  int64_t parameters = 0;
  int64_t weight_bytes = 0;
  int64_t kv_cache_bytes = 0;
  int64_t activation_bytes = 0;
  Stage activation_stage = Stage::kPrefill;  // where the peak occurs
  std::string activation_op;                 // "layer.op" holding the peak
  int64_t total_bytes = 0;                   // weights + KV cache + activations
};

// The largest number of tokens any step of a request attends to. A prompt of
// `prompt_len` tokens generating `gen_len` tokens: prefill attends the
// prompt and yields the first generated token; each later generated token
// comes from a decode step that feeds the previous one back, the last at
// kv_len prompt_len + gen_len - 1. The last generated token itself is never
// fed back, so it takes no cache. Throws lmp::Error at option "gen" when
// gen_len < 1 or the sum overflows.
int64_t RequestContextLen(int64_t prompt_len, int64_t gen_len);

// For `analyze`: the larger of the prompt and the decode step's kv_len.
int64_t ScenarioContextLen(const Scenario& s);

// The footprint of a prefill of s.prompt_len tokens followed by decoding up
// to `context_len` tokens, for s.batch_size sequences at s's bit widths.
//
// - Weights: parameters x (w_bits / 8 + group scale bytes), rounded up once.
//   Every parameter is counted at w_bits, embeddings and lm_head included;
//   norm weights and biases, which formulas read at activation precision,
//   are counted a little low under weight quantization (by under 3 MB for
//   Llama-2-70b at 4 bits: 161 norms x 8192 weights x 1.5 bytes).
// - KV cache: read from the module formulas, not from model knowledge. The
//   kv_cache reads of a step are attention's reads of the cache (RoPE and
//   the projections write new entries from activations; they read none), and
//   a decode step at kv_len L reads every cached token once, the new one
//   included. So the cache holding L tokens is reads.kv_cache(decode, L).
//   An operation marked kv_cache_reread (a second pass over entries another
//   operation of the step read) is left out. A model that reads only a
//   sliding window also keeps only the window, and is counted so. The
//   writes of a step are checked against this size in kv_cache_test.cc.
// - Activations: the largest reads.activations + writes.activations of one
//   instance of any operation, over the prefill and the decode step at
//   `context_len`: an operation's inputs and outputs are alive together, and
//   layers run one after another, so the peak is a maximum, not a sum. The
//   residual stream held across a block while it runs and allocator slack are
//   not counted; an eager attention's score matrix is (prefill at 2048 tokens
//   makes it the peak for Llama-2).
//
// Validates the scenario; throws lmp::Error on evaluation faults (overflow).
Footprint MemoryFootprint(const Plan& plan, const Scenario& s, int64_t context_len);

// The model config's "max_position_embeddings" (the Hugging Face name for the
// longest context it was trained for), or 0 when it has none.
int64_t MaxPositionEmbeddings(const model::Model& model);

}  // namespace lmp::analysis

#endif  // LMP_ANALYSIS_FOOTPRINT_H_
