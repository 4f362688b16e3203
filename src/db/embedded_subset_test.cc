#include "db/embedded_subset.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "analysis/analyze.h"
#include "analysis/plan.h"
#include "analysis/testing.h"
#include "model/model.h"

namespace lmp::db {
namespace {

std::vector<std::string> ClassNames(const model::Model& m) {
  std::vector<std::string> out;
  std::function<void(const model::Layer&)> walk = [&](const model::Layer& l) {
    out.push_back(l.class_name);
    for (const model::Layer& s : l.sub_layers) walk(s);
  };
  for (const model::Layer& l : m.layers) walk(l);
  return out;
}

// Every catalog model, in every profile, analyses to the same figures on the
// part of the database it reaches as on the whole of it.
TEST(EmbeddedSubsetTest, EveryCatalogModelAnalysesAsOnTheWholeDatabase) {
  const ModuleDb& whole = analysis::testing::EmbeddedDb();
  for (const model::CatalogEntry& e : model::Catalog()) {
    const model::Model m = model::LoadModel(e.id);
    const ModuleDb part = EmbeddedModulesFor(ClassNames(m));
    EXPECT_LT(part.modules().size(), whole.modules().size()) << e.id;
    for (const char* profile : {"fused", "flash", "eager"}) {
      analysis::Scenario s;
      s.profile = profile;
      s.batch_size = 3;
      s.prompt_len = 257;
      const analysis::Analysis a = analysis::Analyze(analysis::BuildPlan(m, whole, profile), s);
      const analysis::Analysis b = analysis::Analyze(analysis::BuildPlan(m, part, profile), s);
      EXPECT_EQ(a.parameters, b.parameters) << e.id;
      ASSERT_EQ(a.stages.size(), b.stages.size());
      for (size_t i = 0; i < a.stages.size(); ++i) {
        EXPECT_EQ(a.stages[i].totals, b.stages[i].totals) << e.id << " " << profile;
        EXPECT_EQ(a.stages[i].ops, b.stages[i].ops) << e.id << " " << profile;
      }
    }
  }
}

TEST(EmbeddedSubsetTest, LlamaLoadsItsFamilyTorchAndTheKernels) {
  const ModuleDb part = EmbeddedModulesFor(ClassNames(model::LoadModel("meta-llama/Llama-2-7b-hf")));
  std::set<std::string> files;
  for (const auto& m : part.modules()) files.insert(m->file);
  EXPECT_EQ(files, (std::set<std::string>{"<embedded>/modules/kernels.json", "<embedded>/modules/llama.json",
                                          "<embedded>/modules/torch.json"}));
}

TEST(EmbeddedSubsetTest, AnUnknownNameGivesTheWholeDatabase) {
  const ModuleDb part = EmbeddedModulesFor({"torch.nn.modules.linear.Linear", "no.such.Module"});
  EXPECT_EQ(part.modules().size(), analysis::testing::EmbeddedDb().modules().size());
}

// A short name loads every file that may define it, so its lookup finds the
// same module, or the same ambiguity, as in the whole database. (The
// embedded database has no ambiguous short name today; the check holds the
// subset to whatever the whole one finds.)
TEST(EmbeddedSubsetTest, ShortNamesFindWhatTheWholeDatabaseFinds) {
  const ModuleDb& whole = analysis::testing::EmbeddedDb();
  std::set<std::string> names;
  for (const auto& m : whole.modules()) {
    for (std::string n : {m->full_class_name, m->key}) names.insert(n);
    for (const std::string& a : m->aliases) names.insert(a);
    names.insert(m->full_class_name.substr(m->full_class_name.rfind('.') + 1));
  }
  for (const std::string& name : names) {
    const Lookup w = whole.Find(name);
    const ModuleDb part = EmbeddedModulesFor({name});
    const Lookup p = part.Find(name);
    ASSERT_EQ(w.module == nullptr, p.module == nullptr) << name;
    if (w.module) EXPECT_EQ(w.module->full_class_name, p.module->full_class_name) << name;
    ASSERT_EQ(w.ambiguous.size(), p.ambiguous.size()) << name;
  }
  EXPECT_GT(names.size(), 150u);  // every module's full name, key, aliases and short name
}

TEST(EmbeddedSubsetTest, CalledNamesListsEachCallOnce) {
  const Module& m = analysis::testing::EmbeddedDb().Get("transformers.models.llama.modeling_llama.LlamaAttention");
  EXPECT_EQ(CalledNames(m), std::vector<std::string>{"lmp.kernels.FlashAttention"});
}

}  // namespace
}  // namespace lmp::db
