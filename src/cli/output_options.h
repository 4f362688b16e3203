#ifndef LMP_CLI_OUTPUT_OPTIONS_H_
#define LMP_CLI_OUTPUT_OPTIONS_H_

// Where and how a command's report goes: --format, -o, and the table's --by
// and --top; the terminal's width and colour; warnings on stderr.

#include <CLI/CLI.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/safetensors.h"
#include "report/report.h"
#include "util/json_file.h"

namespace lmp::cli {

struct OutputOptions {
  std::string format = "table";
  std::string output;           // -o: a file instead of stdout
  std::string group_by = "op";  // --by
  size_t top = 0;               // --top
};

// --format with the given choices (the first is the default's text).
void AddFormatOption(CLI::App& cmd, std::string& format, const std::vector<std::string>& choices,
                     const std::string& help);
// -o FILE: the report goes to FILE through lmp::cli::Output (written whole
// beside it, then renamed over it).
void AddOutputOption(CLI::App& cmd, OutputOptions& o);
void AddTableOptions(CLI::App& cmd, OutputOptions& o);

// --top and --by shape the table and markdown formats only.
void CheckTableOptions(const OutputOptions& o);

// Width and colour follow the terminal only when the table goes to one:
// files and pipes get every column and no escapes. NO_COLOR (any value)
// turns colour off (https://no-color.org).
report::TableOptions TableOptionsFor(const OutputOptions& o);

void Print(std::string_view text);
void PrintJson(const Json& j);
// The report to -o's file, or to stdout.
void Emit(const OutputOptions& o, const std::string& text);

// A checkpoint that disagrees with the model, or was read only in part:
// a warning on stderr (the report carries the figures; the exit code stays 0).
void WarnCheckpoint(const std::optional<model::CheckpointComparison>& c, int64_t ours);

}  // namespace lmp::cli

#endif  // LMP_CLI_OUTPUT_OPTIONS_H_
