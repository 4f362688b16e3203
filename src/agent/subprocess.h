#ifndef LMP_AGENT_SUBPROCESS_H_
#define LMP_AGENT_SUBPROCESS_H_

#include <string>

namespace lmp::agent {

struct CommandResult {
  int exit_code = -1;      // -1 when killed by a signal
  int term_signal = 0;     // the signal that ended it, or 0
  bool timed_out = false;  // killed by us at the deadline
  std::string out;         // stdout, whole
  std::string err;         // stderr, whole
};

// Runs `/bin/sh -c command` in a new process group, writes `input` to its
// stdin (then closes it) and collects stdout and stderr. At `timeout_s`
// seconds the whole process group is killed with SIGKILL, so a shell
// pipeline cannot leave an agent running. SIGPIPE is ignored while it runs
// (an agent that never reads its stdin must not kill lmp) and restored
// afterwards. Throws lmp::Error when the process cannot be started.
CommandResult RunShellCommand(const std::string& command, const std::string& input, double timeout_s);

}  // namespace lmp::agent

#endif  // LMP_AGENT_SUBPROCESS_H_
