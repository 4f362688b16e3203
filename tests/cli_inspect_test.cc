// Runs the real lmp binary: `inspect` as a JSON tree, and checkpoints beside a config.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "cli_testing.h"

namespace {

using lmp::testing::Lmp;
using lmp::testing::Result;

// lmp.inspect/2 nests each composite's layers in "sub_layers", as the table
// indents them.
TEST(CliTest, InspectJsonIsATree) {
  const Result r = Lmp("inspect openai-community/gpt2 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], "lmp.inspect/2");
  ASSERT_EQ(j["layers"].size(), 1u);
  auto child = [](const nlohmann::json& layer, const std::string& name) -> const nlohmann::json& {
    for (const nlohmann::json& sub : layer["sub_layers"]) {
      if (sub["name"] == name) return sub;
    }
    ADD_FAILURE() << "no sub-layer " << name << " in " << layer["path"];
    static const nlohmann::json none = nlohmann::json::object({{"sub_layers", nlohmann::json::array()}});
    return none;
  };
  const nlohmann::json& root = j["layers"][0];
  EXPECT_EQ(root["path"], "(root)");
  EXPECT_EQ(root["class"], "transformers.models.gpt2.modeling_gpt2.GPT2LMHeadModel");
  EXPECT_FALSE(root.contains("depth"));
  const nlohmann::json& h = child(child(root, "transformer"), "h");
  EXPECT_EQ(h["path"], "transformer.h");
  EXPECT_EQ(h["repeat"], 12);
  EXPECT_EQ(h["composite"], true);
  const nlohmann::json& c_attn = child(child(h, "attn"), "c_attn");
  EXPECT_EQ(c_attn["path"], "transformer.h.attn.c_attn");
  EXPECT_EQ(c_attn["count"], 12);
  EXPECT_EQ(c_attn["composite"], false);
  EXPECT_FALSE(c_attn.contains("sub_layers"));
  EXPECT_EQ(c_attn["parameter_count"], 768 * 2304 + 2304);
}

// A model directory with safetensors files: tiny_config's config.json next
// to `files` (name -> BF16 tensors, each name -> shape), plus `index` if
// not empty. Returns the directory, unique per process and test.
std::string CheckpointDir(
    const std::string& test,
    const std::vector<std::pair<std::string, std::vector<std::pair<std::string, int64_t>>>>& files,
    const std::string& index = "") {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / ("lmp_cli_ckpt_" + std::to_string(::getpid()) + "_" + test);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(std::string(LMP_SOURCE_DIR) + "/tests/data/tiny_config/config.json", dir / "config.json");
  for (const auto& [file, tensors] : files) {
    nlohmann::json header = nlohmann::json::object();
    int64_t offset = 0;
    for (const auto& [name, elements] : tensors) {
      header[name] = {{"dtype", "BF16"},
                      {"shape", nlohmann::json::array({elements})},
                      {"data_offsets", {offset, offset + 2 * elements}}};
      offset += 2 * elements;
    }
    const std::string text = header.dump();
    std::ofstream out(dir / file, std::ios::binary);
    for (int i = 0; i < 8; ++i) out.put(static_cast<char>((text.size() >> (8 * i)) & 0xff));
    out << text << std::string(static_cast<size_t>(offset), '\0');
  }
  if (!index.empty()) std::ofstream(dir / "model.safetensors.index.json") << index;
  return dir.string();
}

// tiny_config has 86,848 parameters (AnalyzeConfigDirectoryAndFile); a
// checkpoint of 8 + 16 elements is a mismatch: reported, warned, exit 0.
TEST(CliTest, CheckpointMismatchIsAWarning) {
  const std::string dir = CheckpointDir("mismatch", {{"model.safetensors", {{"a", 8}, {"b", 16}}}});
  const std::string warning =
      "lmp: warning: the checkpoint's safetensors hold 24 parameters, the model 86,848 (difference -86,824); see "
      "docs/models.md for known causes\n";
  const Result t = Lmp("inspect '" + dir + "'");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_EQ(t.err, warning);
  EXPECT_NE(t.out.find("\ncheckpoint (safetensors headers): 1 file read, 2 tensors\n"
                       "  checkpoint parameters       24\n"
                       "  ours                    86,848\n"
                       "  difference             -86,824  mismatch  (known causes: docs/models.md)\n"),
            std::string::npos)
      << t.out;
  const Result a = Lmp("analyze '" + dir + "' --stage decode --format json");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.err, warning);
  const nlohmann::json c = nlohmann::json::parse(a.out)["checkpoint"];
  EXPECT_EQ(c["format"], "safetensors");
  EXPECT_EQ(c["files_read"], nlohmann::json::array({"model.safetensors"}));
  EXPECT_EQ(c["files_not_checked"], nlohmann::json::array());
  EXPECT_EQ(c["tensors"], 2);
  EXPECT_EQ(c["checkpoint_parameters"], 24);
  EXPECT_EQ(c["our_parameters"], 86848);
  EXPECT_EQ(c["difference"], -86824);
  EXPECT_EQ(c["status"], "mismatch");
  const Result table = Lmp("analyze '" + dir + "' --stage decode");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("  difference             -86,824  mismatch"), std::string::npos) << table.out;
}

TEST(CliTest, CheckpointWithAMissingShardIsPartial) {
  const std::string dir = CheckpointDir(
      "partial", {{"model-00001-of-00002.safetensors", {{"a", 8}}}},
      R"({"weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}})");
  const Result t = Lmp("inspect '" + dir + "' --format json");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_EQ(t.err,
            "lmp: warning: checkpoint check is partial: 1 safetensors file listed in the index not found locally; "
            "the 8 parameters read are not the whole checkpoint\n");
  const nlohmann::json c = nlohmann::json::parse(t.out)["checkpoint"];
  EXPECT_EQ(c["files_read"], nlohmann::json::array({"model-00001-of-00002.safetensors"}));
  EXPECT_EQ(c["files_not_checked"], nlohmann::json::array({"model-00002-of-00002.safetensors"}));
  EXPECT_EQ(c["status"], "partial");
  const Result text = Lmp("inspect '" + dir + "'");
  EXPECT_NE(text.out.find("  not checked (not found locally): model-00002-of-00002.safetensors\n"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("partial  (the checkpoint figure counts only the files read)\n"), std::string::npos)
      << text.out;
}

}  // namespace
