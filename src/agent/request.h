#ifndef LMP_AGENT_REQUEST_H_
#define LMP_AGENT_REQUEST_H_

#include <string>
#include <vector>

#include "agent/check_entry.h"
#include "agent/class_source.h"
#include "util/json_file.h"

namespace lmp::agent {

struct RequestInput {
  std::string class_name;
  ClassSource source;
  std::vector<SubLayer> sub_layers;  // empty: basic
  int round = 1;
  int max_rounds = 3;
  std::string previous_answer;      // repair rounds: what the agent said last
  std::vector<std::string> errors;  // repair rounds: why it was rejected
};

// The one request an agent reads on stdin: an lmp.agent-request/1 JSON
// document whose "instructions" field is a complete prompt in English, so a
// plain chat model can take the whole document as its prompt
// (docs/agents.md#the-request).
Json BuildRequest(const RequestInput& in);

}  // namespace lmp::agent

#endif  // LMP_AGENT_REQUEST_H_
