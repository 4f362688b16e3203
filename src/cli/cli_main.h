#ifndef LMP_CLI_CLI_MAIN_H_
#define LMP_CLI_CLI_MAIN_H_

namespace lmp::cli {

// The whole command line: parses argv against the subcommand table, runs the
// command, prints, and returns the exit code (0; 2 for bad input, with one
// line on stderr; 1 for an internal error). lmp_main.cc's main() is only
// this; the CLI fuzz target calls it too.
int Main(int argc, char** argv);

}  // namespace lmp::cli

#endif  // LMP_CLI_CLI_MAIN_H_
