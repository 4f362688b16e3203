// The module database loader (schema, formulas, static check, call cycles)
// and the seed-format import. The input is a JSON document, tried as both:
// as a user database it is layered over the embedded kernels and torch
// entries (which most entries call), as --db layers it over the rest.

#include "db/module_db.h"
#include "db/seed_import.h"
#include "fuzz/fuzz_util.h"
#include "util/embedded.h"
#include "util/json_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = lmp::fuzz::Text(data, size);
  lmp::fuzz::Guard([&] {
    lmp::db::ModuleDb db;
    for (const lmp::EmbeddedFile& f : lmp::EmbeddedFiles()) {
      if (f.path == "modules/kernels.json" || f.path == "modules/torch.json") db.AddText(f.text, std::string(f.path));
    }
    db.AddText(text, "db.json");
    db.Check();
  });
  return lmp::fuzz::Guard([&] { lmp::db::ImportSeedDb(lmp::ParseJson(text, "seed.json"), "seed.json"); });
}
