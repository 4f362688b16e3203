#ifndef LMP_AGENT_CLASS_SOURCE_H_
#define LMP_AGENT_CLASS_SOURCE_H_

#include <string>

namespace lmp::agent {

struct ClassSource {
  std::string file;  // where it was found; "" when no source was given
  std::string text;  // the class definition (or the whole file, see below)
};

// The Python source of `class_name` (its last dotted component is the class
// name searched for).
// - `source_file` given: the class block from that file, or the whole file
//   when no "class NAME(" / "class NAME:" line is in it.
// - `source_root` given: every *.py file under it is searched, in sorted
//   path order; with a dotted class name, a file whose path ends with the
//   module path (transformers/models/llama/modeling_llama.py) is preferred.
//   Throws lmp::Error when no file defines the class.
// - neither: an empty ClassSource.
// The class block runs from its "class" line to the next non-blank line
// indented no deeper than it.
ClassSource FindClassSource(const std::string& class_name, const std::string& source_file,
                            const std::string& source_root);

}  // namespace lmp::agent

#endif  // LMP_AGENT_CLASS_SOURCE_H_
