#include "cli/output_options.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "cli/common.h"
#include "util/error.h"

namespace lmp::cli {

void AddFormatOption(CLI::App& cmd, std::string& format, const std::vector<std::string>& choices,
                     const std::string& help) {
  cmd.add_option("--format", format, help)->check(CLI::IsMember(choices))->capture_default_str();
}

void AddOutputOption(CLI::App& cmd, OutputOptions& o) {
  cmd.add_option("-o,--output", o.output, "write the report to this file instead of standard output");
}

void AddTableOptions(CLI::App& cmd, OutputOptions& o) {
  cmd.add_option("--by", o.group_by, "rows of the table and markdown formats: op, layer or kind")
      ->check(CLI::IsMember({"op", "layer", "kind"}))
      ->capture_default_str();
  cmd.add_option("--top", o.top, "show only the N most expensive rows (by time with --hardware, else FLOPs)");
}

void CheckTableOptions(const OutputOptions& o) {
  if ((o.top > 0 || o.group_by != "op") && o.format != "table" && o.format != "markdown") {
    throw Error("", o.top > 0 ? "--top" : "--by",
                "shapes the table and markdown formats only; drop it, or use --format table or markdown");
  }
}

report::TableOptions TableOptionsFor(const OutputOptions& o) {
  report::TableOptions t;
  t.by = *report::ParseGroupBy(o.group_by);
  t.top = o.top;
  if (o.output.empty() && isatty(fileno(stdout))) {
    const char* no_color = std::getenv("NO_COLOR");
    t.style.color = no_color == nullptr || *no_color == '\0';
    winsize ws{};
    if (ioctl(fileno(stdout), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) t.style.width = ws.ws_col;
  }
  return t;
}

void Print(std::string_view text) { std::fwrite(text.data(), 1, text.size(), stdout); }
void PrintJson(const Json& j) { Print(j.dump(2) + "\n"); }

void Emit(const OutputOptions& o, const std::string& text) {
  Output out(o.output);
  out.Write(text);
  out.Close();
}

void WarnCheckpoint(const std::optional<model::CheckpointComparison>& c, int64_t ours) {
  if (!c) return;
  using report::Grouped;
  if (c->status == model::CheckpointStatus::kMismatch) {
    std::fprintf(stderr,
                 "lmp: warning: the checkpoint's safetensors hold %s parameters, the model %s (difference %s); see "
                 "docs/models.md for known causes\n",
                 Grouped(c->checkpoint.parameters).c_str(), Grouped(ours).c_str(), Grouped(c->difference).c_str());
  } else if (c->status == model::CheckpointStatus::kPartial) {
    std::fprintf(stderr,
                 "lmp: warning: checkpoint check is partial: %zu safetensors file%s listed in the index not found "
                 "locally; the %s parameters read are not the whole checkpoint\n",
                 c->checkpoint.files_missing.size(), c->checkpoint.files_missing.size() == 1 ? "" : "s",
                 Grouped(c->checkpoint.parameters).c_str());
  }
}

}  // namespace lmp::cli
