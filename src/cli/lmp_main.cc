// The lmp executable.
#include "cli/cli_main.h"

int main(int argc, char** argv) { return lmp::cli::Main(argc, argv); }
