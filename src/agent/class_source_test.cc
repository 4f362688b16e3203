#include "agent/class_source.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "util/error.h"

namespace lmp::agent {
namespace {

namespace fs = std::filesystem;

// A small source tree: two modules define LlamaMLP, one of them at the
// dotted class name's module path, which wins.
fs::path Tree() {
  const fs::path root = fs::path(::testing::TempDir()) / ("lmp_class_source_" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "transformers/models/llama");
  fs::create_directories(root / "aaa_other");
  std::ofstream(root / "aaa_other/copy.py") << "class LlamaMLP(nn.Module):\n    pass  # a copy elsewhere\n";
  std::ofstream(root / "transformers/models/llama/modeling_llama.py")
      << "import torch\n\n"
         "class LlamaMLP(nn.Module):\n"
         "    def __init__(self, config):\n"
         "        super().__init__()\n"
         "\n"
         "    def forward(self, x):\n"
         "        return self.down_proj(x)\n"
         "\n"
         "class LlamaAttention(nn.Module):\n"
         "    pass\n";
  return root;
}

TEST(ClassSourceTest, FindsTheClassBlockUnderARootPreferringTheModulePath) {
  const fs::path root = Tree();
  const ClassSource s = FindClassSource("transformers.models.llama.modeling_llama.LlamaMLP", "", root.string());
  EXPECT_EQ(fs::path(s.file).filename(), "modeling_llama.py");
  EXPECT_EQ(s.text,
            "class LlamaMLP(nn.Module):\n"
            "    def __init__(self, config):\n"
            "        super().__init__()\n"
            "\n"
            "    def forward(self, x):\n"
            "        return self.down_proj(x)\n"
            "\n");  // up to the next line at the class's indent, blank lines before it included
  // Without a module path, the first file in sorted order that defines it.
  EXPECT_EQ(fs::path(FindClassSource("LlamaMLP", "", root.string()).file).filename(), "copy.py");
  fs::remove_all(root);
}

TEST(ClassSourceTest, MissingClassIsAnError) {
  const fs::path root = Tree();
  EXPECT_THROW(FindClassSource("transformers.models.t5.modeling_t5.T5Block", "", root.string()), Error);
  EXPECT_TRUE(FindClassSource("X", "", "").file.empty());
  fs::remove_all(root);
}

}  // namespace
}  // namespace lmp::agent
