#include "model/safetensors.h"

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "analysis/analyze.h"
#include "analysis/testing.h"
#include "model/model.h"
#include "util/error.h"
#include "util/json_file.h"

namespace lmp::model {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, unique across the parallel ctest processes.
fs::path TestDir() {
  const ::testing::TestInfo* t = ::testing::UnitTest::GetInstance()->current_test_info();
  const fs::path dir = fs::path(::testing::TempDir()) /
                       ("lmp_st_" + std::to_string(::getpid()) + "_" + t->test_suite_name() + "_" + t->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// The 8-byte little-endian length, the header, then `data_bytes` zero bytes.
void WriteRaw(const fs::path& file, uint64_t header_length, const std::string& header, uint64_t data_bytes) {
  std::ofstream out(file, std::ios::binary);
  for (int i = 0; i < 8; ++i) out.put(static_cast<char>((header_length >> (8 * i)) & 0xff));
  out << header << std::string(data_bytes, '\0');
}

struct Spec {
  std::string name;
  std::vector<int64_t> shape;
};

// A well-formed BF16 file holding `specs`, tensors laid out back to back.
void WriteSafetensors(const fs::path& file, const std::vector<Spec>& specs) {
  Json header = {{"__metadata__", {{"format", "pt"}}}};
  int64_t offset = 0;
  for (const Spec& s : specs) {
    int64_t bytes = 2;
    for (int64_t d : s.shape) bytes *= d;
    header[s.name] = {{"dtype", "BF16"}, {"shape", s.shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  const std::string text = header.dump();
  WriteRaw(file, text.size(), text, static_cast<uint64_t>(offset));
}

// A llama with hidden 8, intermediate 12, 2 layers, 2 heads of 4 with one KV
// head, vocab 16, untied. Parameters by hand:
//   embed_tokens 16 x 8 = 128, lm_head 16 x 8 = 128, norm 8;
//   per layer: q 8 x 8 = 64, k 4 x 8 = 32, v 32, o 64, two norms 8 + 8,
//   gate, up and down 12 x 8 = 96 each: 496; two layers 992.
//   Total 128 + 128 + 8 + 992 = 1256.
constexpr int64_t kTinyLlamaParameters = 1256;

void WriteTinyLlamaConfig(const fs::path& dir) {
  std::ofstream(dir / "config.json") << R"({"model_type": "llama", "hidden_size": 8, "intermediate_size": 12,
    "num_hidden_layers": 2, "num_attention_heads": 2, "num_key_value_heads": 1, "vocab_size": 16,
    "tie_word_embeddings": false})";
}

// The tensors a Hugging Face LlamaForCausalLM of that config saves, layer
// `layer` alone.
std::vector<Spec> TinyLlamaLayer(int layer) {
  const std::string p = "model.layers." + std::to_string(layer) + ".";
  return {{p + "input_layernorm.weight", {8}},
          {p + "self_attn.q_proj.weight", {8, 8}},
          {p + "self_attn.k_proj.weight", {4, 8}},
          {p + "self_attn.v_proj.weight", {4, 8}},
          {p + "self_attn.o_proj.weight", {8, 8}},
          {p + "post_attention_layernorm.weight", {8}},
          {p + "mlp.gate_proj.weight", {12, 8}},
          {p + "mlp.up_proj.weight", {12, 8}},
          {p + "mlp.down_proj.weight", {8, 12}}};
}

std::vector<Spec> TinyLlamaTensors() {
  std::vector<Spec> all = {{"model.embed_tokens.weight", {16, 8}}};
  for (int i = 0; i < 2; ++i) {
    for (const Spec& s : TinyLlamaLayer(i)) all.push_back(s);
  }
  all.push_back({"model.norm.weight", {8}});
  all.push_back({"lm_head.weight", {16, 8}});
  return all;
}

// Our parameter count for a model directory, as lmp inspect computes it.
int64_t OurParameters(const Model& m) {
  const analysis::Plan plan = analysis::BuildPlan(m, analysis::testing::EmbeddedDb(), "fused");
  analysis::Evaluator ev(plan);
  return ev.Parameters(analysis::Scenario{});
}

// The error line ReadSafetensorsHeader gives for `file`, the file's path
// replaced by "F" to keep the expectations short.
std::string HeaderError(const fs::path& file) {
  try {
    ReadSafetensorsHeader(file.string());
  } catch (const Error& e) {
    std::string line = e.Line();
    if (line.rfind(file.string(), 0) == 0) line = "F" + line.substr(file.string().size());
    return line;
  }
  return "no error";
}

const std::string kRedownload =
    "download the file again, or pass the config.json itself as MODEL to skip the checkpoint check";

TEST(SafetensorsTest, ReadsTensorsSkippingMetadata) {
  const fs::path f = TestDir() / "model.safetensors";
  const std::string header =
      R"({"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
      R"("s":{"dtype":"I64","shape":[],"data_offsets":[24,32]},"e":{"dtype":"F8_E4M3","shape":[0,5],"data_offsets":[32,32]}})";
  WriteRaw(f, header.size(), header, 32);
  const std::vector<SafetensorsTensor> t = ReadSafetensorsHeader(f.string());
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].name, "w");
  EXPECT_EQ(t[0].dtype, "F32");
  EXPECT_EQ(t[0].shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(t[0].elements, 6);
  EXPECT_EQ(t[1].name, "s");
  EXPECT_TRUE(t[1].shape.empty());
  EXPECT_EQ(t[1].elements, 1);  // a scalar
  EXPECT_EQ(t[2].elements, 0);
}

TEST(SafetensorsTest, MalformedHeadersNameFileAndPlace) {
  const fs::path dir = TestDir();
  const fs::path f = dir / "bad.safetensors";
  auto raw = [&](uint64_t n, const std::string& header, uint64_t data) {
    WriteRaw(f, n, header, data);
    return HeaderError(f);
  };
  auto tensor = [&](const std::string& body, uint64_t data = 64) {
    const std::string header = R"({"t":)" + body + "}";
    return raw(header.size(), header, data);
  };

  {
    std::ofstream(f, std::ios::binary) << "abcde";
    EXPECT_EQ(HeaderError(f), "F: byte 0: the file is 5 bytes, shorter than the 8-byte header length a safetensors "
                              "file starts with; " + kRedownload);
  }
  EXPECT_EQ(raw(100, "{}", 0), "F: byte 0: header length 100 runs past the end of the file (10 bytes): truncated or "
                               "not a safetensors file; " + kRedownload);
  EXPECT_EQ(raw(200'000'000, "{}", 0),
            "F: byte 0: header length 200000000 is over the 100,000,000-byte limit of the format: not a safetensors "
            "file (a Git LFS pointer?); " + kRedownload);
  EXPECT_EQ(raw(12, R"({"t": {,}}  )", 0),
            "F: byte 15: invalid JSON in the header: syntax error while parsing object key - unexpected ','; "
            "expected string literal; " + kRedownload);
  EXPECT_EQ(raw(2, "[]", 0), "F: byte 8: the header is not a JSON object of tensors; " + kRedownload);
  // Found by fuzzing: a number beyond a double escaped as nlohmann's
  // out_of_range; nesting deeper than any header needs would exhaust the
  // stack when the parsed document is destroyed.
  EXPECT_EQ(raw(13, R"({"w":555e555})", 0),
            "F: byte 8: invalid JSON in the header: number overflow parsing '555e555'; " + kRedownload);
  const std::string deep = std::string(300, '[') + std::string(300, ']');
  EXPECT_EQ(raw(deep.size(), deep, 0),
            "F: byte 264: the header nests JSON more than 256 levels deep; " + kRedownload);
  EXPECT_EQ(tensor(R"({"shape":[2],"data_offsets":[0,8]})"),
            "F: tensor 't': has no dtype (a string such as \"BF16\"); the header is malformed: " + kRedownload);
  EXPECT_EQ(tensor(R"({"dtype":"F32","data_offsets":[0,8]})"),
            "F: tensor 't': has no shape (an array of dimensions); the header is malformed: " + kRedownload);
  EXPECT_EQ(tensor(R"({"dtype":"F32","shape":[2,-3],"data_offsets":[0,8]})"),
            "F: tensor 't': shape dimension 1 is -3, negative; the header is malformed: " + kRedownload);
  EXPECT_EQ(tensor(R"({"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,8]})"),
            "F: tensor 't': the element count of shape [4294967296, 4294967296] overflows 64 bits; the header is "
            "malformed: " + kRedownload);
  EXPECT_EQ(tensor(R"({"dtype":"F4X","shape":[2],"data_offsets":[0,1]})"),
            "F: tensor 't': unknown dtype 'F4X' (lmp knows BOOL, U8, I8, F8_E4M3, F8_E5M2, I16, U16, F16, BF16, I32, "
            "U32, F32, I64, U64, F64); pass the config.json itself as MODEL to skip the checkpoint check");
  EXPECT_EQ(tensor(R"({"dtype":"BF16","shape":[2,3]})"),
            "F: tensor 't': has no valid data_offsets (two non-negative integers [begin, end], begin <= end); the "
            "header is malformed: " + kRedownload);
  EXPECT_EQ(tensor(R"({"dtype":"BF16","shape":[2,3],"data_offsets":[0,24]})"),
            "F: tensor 't': data_offsets [0, 24] span 24 bytes, but shape [2, 3] of BF16 needs 12; the header is "
            "malformed: " + kRedownload);
  EXPECT_EQ(tensor(R"({"dtype":"F64","shape":[16],"data_offsets":[0,128]})", 100),
            "F: tensor 't': data_offsets end 128 runs past the 100 data bytes after the header; the file is "
            "truncated: " + kRedownload);
}

TEST(SafetensorsTest, DirectoryWithoutSafetensorsHasNoCheckpoint) {
  const fs::path dir = TestDir();
  WriteTinyLlamaConfig(dir);
  EXPECT_FALSE(CheckCheckpointDirectory(dir.string()).has_value());
  EXPECT_FALSE(LoadModel(dir.string()).checkpoint.has_value());
}

TEST(SafetensorsTest, SingleFileMatchesOurCount) {
  const fs::path dir = TestDir();
  WriteTinyLlamaConfig(dir);
  WriteSafetensors(dir / "model.safetensors", TinyLlamaTensors());
  const Model m = LoadModel(dir.string());
  ASSERT_TRUE(m.checkpoint.has_value());
  EXPECT_EQ(m.checkpoint->files_read, (std::vector<std::string>{"model.safetensors"}));
  EXPECT_TRUE(m.checkpoint->files_missing.empty());
  EXPECT_EQ(m.checkpoint->tensors, 21);
  EXPECT_EQ(m.checkpoint->parameters, kTinyLlamaParameters);
  const int64_t ours = OurParameters(m);
  EXPECT_EQ(ours, kTinyLlamaParameters);
  const CheckpointComparison c = CompareCheckpoint(*m.checkpoint, ours);
  EXPECT_EQ(c.status, CheckpointStatus::kMatch);
  EXPECT_EQ(c.difference, 0);
  EXPECT_STREQ(CheckpointStatusName(c.status), "match");
}

TEST(SafetensorsTest, MissingTensorIsAMismatchByItsSize) {
  const fs::path dir = TestDir();
  WriteTinyLlamaConfig(dir);
  std::vector<Spec> tensors = TinyLlamaTensors();
  tensors.pop_back();  // lm_head.weight, 16 x 8
  WriteSafetensors(dir / "model.safetensors", tensors);
  const Model m = LoadModel(dir.string());
  ASSERT_TRUE(m.checkpoint.has_value());
  const CheckpointComparison c = CompareCheckpoint(*m.checkpoint, OurParameters(m));
  EXPECT_EQ(c.status, CheckpointStatus::kMismatch);
  EXPECT_EQ(c.checkpoint.parameters, 1128);
  EXPECT_EQ(c.our_parameters, 1256);
  EXPECT_EQ(c.difference, -128);
  EXPECT_STREQ(CheckpointStatusName(c.status), "mismatch");
}

// Shard 1: embeddings and layer 0; shard 2: layer 1, norm and lm_head.
void WriteShardedTinyLlama(const fs::path& dir, bool second_shard) {
  WriteTinyLlamaConfig(dir);
  std::vector<Spec> first = {{"model.embed_tokens.weight", {16, 8}}};
  for (const Spec& s : TinyLlamaLayer(0)) first.push_back(s);
  std::vector<Spec> second = TinyLlamaLayer(1);
  second.push_back({"model.norm.weight", {8}});
  second.push_back({"lm_head.weight", {16, 8}});
  Json map = Json::object();
  for (const Spec& s : first) map[s.name] = "model-00001-of-00002.safetensors";
  for (const Spec& s : second) map[s.name] = "model-00002-of-00002.safetensors";
  std::ofstream(dir / "model.safetensors.index.json") << Json{{"metadata", {{"total_size", 2512}}}, {"weight_map", map}};
  WriteSafetensors(dir / "model-00001-of-00002.safetensors", first);
  if (second_shard) WriteSafetensors(dir / "model-00002-of-00002.safetensors", second);
}

TEST(SafetensorsTest, ShardedWithIndexMatches) {
  const fs::path dir = TestDir();
  WriteShardedTinyLlama(dir, true);
  // A stray file outside the index (as consolidated.safetensors in Mistral's
  // repositories) is not counted.
  WriteSafetensors(dir / "consolidated.safetensors", {{"x", {1000}}});
  const Model m = LoadModel(dir.string());
  ASSERT_TRUE(m.checkpoint.has_value());
  EXPECT_EQ(m.checkpoint->files_read,
            (std::vector<std::string>{"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"}));
  EXPECT_EQ(m.checkpoint->tensors, 21);
  EXPECT_EQ(CompareCheckpoint(*m.checkpoint, OurParameters(m)).status, CheckpointStatus::kMatch);
}

TEST(SafetensorsTest, MissingShardIsPartialNotAnError) {
  const fs::path dir = TestDir();
  WriteShardedTinyLlama(dir, false);
  const Model m = LoadModel(dir.string());
  ASSERT_TRUE(m.checkpoint.has_value());
  EXPECT_EQ(m.checkpoint->files_read, (std::vector<std::string>{"model-00001-of-00002.safetensors"}));
  EXPECT_EQ(m.checkpoint->files_missing, (std::vector<std::string>{"model-00002-of-00002.safetensors"}));
  EXPECT_EQ(m.checkpoint->tensors, 10);
  EXPECT_EQ(m.checkpoint->parameters, 128 + 496);
  const CheckpointComparison c = CompareCheckpoint(*m.checkpoint, OurParameters(m));
  EXPECT_EQ(c.status, CheckpointStatus::kPartial);
  EXPECT_EQ(c.difference, 128 + 496 - 1256);
  EXPECT_STREQ(CheckpointStatusName(c.status), "partial");
}

TEST(SafetensorsTest, MalformedIndexIsAnError) {
  const fs::path dir = TestDir();
  WriteTinyLlamaConfig(dir);
  const fs::path index = dir / "model.safetensors.index.json";
  std::ofstream(index) << R"({"metadata": {}})";
  try {
    LoadModel(dir.string());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(), index.string() +
                            ": /weight_map: missing or not an object (tensor name -> shard file); fix the index, or "
                            "remove it to check every *.safetensors file in the directory");
  }
}

TEST(SafetensorsTest, MalformedShardFailsTheLoad) {
  const fs::path dir = TestDir();
  WriteTinyLlamaConfig(dir);
  std::ofstream(dir / "model.safetensors", std::ios::binary) << "abc";
  try {
    LoadModel(dir.string());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), (dir / "model.safetensors").string());
    EXPECT_EQ(e.where(), "byte 0");
  }
}

}  // namespace
}  // namespace lmp::model
