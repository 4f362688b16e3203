// The formula lexer, parser, static check, compiler and evaluator. The input
// is up to three lines: an operation's FLOPs formula, a callee module's
// formula (the first may call it as ${fuzz.Callee}(n = ...)), and the value
// given to parameter a; they go into a one-module database, which is then
// evaluated as `lmp module eval` does.

#include "analysis/module_eval.h"
#include "db/module_db.h"
#include "fuzz/fuzz_util.h"
#include "util/json_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest;
  const std::string_view formula = lmp::fuzz::Split(lmp::fuzz::Text(data, size), '\n', &rest);
  const std::string_view callee = lmp::fuzz::Split(rest, '\n', &rest);
  const std::string_view a_value = lmp::fuzz::Split(rest, '\n', &rest);
  auto op = [](std::string_view flops) {
    return lmp::Json{{"name", "op"}, {"kind", "elementwise"}, {"flops", std::string(flops)}};
  };
  const lmp::Json doc = {
      {"schema", "lmp.module-db/1"},
      {"modules",
       {{"fuzz_Caller",
         {{"full_class_name", "fuzz.Caller"},
          {"parameters",
           {{{"name", "a"}, {"type", "int"}, {"description", "a"}},
            {{"name", "b"}, {"type", "int"}, {"default", 3}, {"description", "b"}}}},
          {"parameter_count", "{a} * {b}"},
          {"operations", {op(formula)}}}},
        {"fuzz_Callee",
         {{"full_class_name", "fuzz.Callee"},
          {"parameters", {{{"name", "n"}, {"type", "int"}, {"description", "n"}}}},
          {"parameter_count", 0},
          {"operations", {op(callee.empty() ? std::string_view("{n}") : callee)}}}}}}};
  return lmp::fuzz::Guard([&] {
    lmp::db::ModuleDb db;
    db.AddText(doc.dump(-1, ' ', false, lmp::Json::error_handler_t::replace), "fuzz.json");
    db.Check();
    lmp::analysis::EvaluateModule(db, db.Get("fuzz.Caller"),
                                  {{"a", a_value.empty() ? std::string("7") : std::string(a_value)}},
                                  lmp::analysis::Scenario{});
  });
}
