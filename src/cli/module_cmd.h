#ifndef LMP_CLI_MODULE_CMD_H_
#define LMP_CLI_MODULE_CMD_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "analysis/scenario.h"
#include "cli/model_options.h"
#include "cli/user_db_options.h"

namespace lmp::cli {

// `lmp module`: list, show and eval read the database; add, remove,
// import, analyze and trace write the user database (module_write_cmd.cc).
struct ModuleCmdOptions {
  std::string name;                      // show/eval/remove NAME
  std::vector<std::string> assignments;  // eval NAME=VALUE ...
  analysis::Scenario scenario;           // eval --w-bits ... --profile
  ModelFlags flags;
  std::vector<std::string> db_files;
  std::string format = "table";
  std::string in_file;   // add FILE, import FILE
  std::string out_file;  // import -o
  UserDbOptions user_db;
  CLI::App* list = nullptr;
  CLI::App* show = nullptr;
  CLI::App* eval = nullptr;
  CLI::App* add = nullptr;
  CLI::App* remove = nullptr;
  CLI::App* import = nullptr;
  CLI::App* analyze = nullptr;
  CLI::App* trace = nullptr;
};

void SetupModule(CLI::App& cmd, ModuleCmdOptions& o);
int RunModule(ModuleCmdOptions& o);

// add | remove | import | analyze | trace.
int RunModuleWrite(ModuleCmdOptions& o);

}  // namespace lmp::cli

#endif  // LMP_CLI_MODULE_CMD_H_
