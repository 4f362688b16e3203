// An agent's answer: extraction of the JSON object from its free text, then
// the entry check (schema, formulas on top of the embedded database,
// evaluation at two sample points) for a composite class with two
// sub-layers.

#include "agent/check_entry.h"
#include "agent/extract_json.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return lmp::fuzz::Guard([&] {
    std::string why;
    const std::optional<lmp::Json> answer = lmp::agent::ExtractJsonObject(lmp::fuzz::Text(data, size), &why);
    if (!answer) return;
    lmp::agent::EntryCheckContext ctx;
    ctx.class_name = "my.nn.Block";
    ctx.sub_layers = lmp::agent::ParseSubLayers("proj=torch.nn.Linear,act");
    ctx.db_file = "/nonexistent/lmp-fuzz-db.json";
    lmp::agent::CheckedEntry out;
    lmp::agent::CheckAgentAnswer(*answer, ctx, &out);
  });
}
