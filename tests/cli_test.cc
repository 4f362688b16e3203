// Runs the real lmp binary: exit codes, exact error lines, golden outputs.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

struct Result {
  int exit_code;
  std::string out;
  std::string err;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `lmp ARGS` in tests/data, so error messages show short paths.
Result Lmp(const std::string& args) {
  const std::string dir = ::testing::TempDir();
  // Per-process names: ctest runs tests in parallel processes.
  const std::string tag = std::to_string(::getpid());
  const std::string out = dir + "/lmp_out_" + tag + ".txt", err = dir + "/lmp_err_" + tag + ".txt";
  const std::string cmd = std::string("cd '") + LMP_SOURCE_DIR + "/tests/data' && '" + LMP_BINARY + "' " + args +
                          " > '" + out + "' 2> '" + err + "' < /dev/null";
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(out), Slurp(err)};
}

std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

TEST(CliTest, Version) {
  const Result r = Lmp("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "lmp 0.1.0\n");
}

TEST(CliTest, HelpListsSubcommands) {
  const Result r = Lmp("--help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* c : {"analyze", "inspect", "models", "module"}) EXPECT_NE(r.out.find(c), std::string::npos) << c;
}

TEST(CliTest, AnalyzeTable) {
  const Result r = Lmp("analyze meta-llama/Llama-2-7b-hf --stage decode");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(FirstLine(r.out), "meta-llama/Llama-2-7b-hf  (6,738,415,616 parameters)");
  EXPECT_NE(r.out.find("exact: 14,302,257,667 FLOPs"), std::string::npos);
  EXPECT_EQ(r.out.find("prefill:"), std::string::npos);
}

TEST(CliTest, GoldenJson) {
  const Result r = Lmp("analyze meta-llama/Llama-2-7b-hf --batch 1 --seq 2048 --kv-len 2048 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, Slurp(std::string(LMP_SOURCE_DIR) + "/tests/golden/llama-2-7b_b1_s2048.json"))
      << "output changed; if intended, run tests/golden/refresh.sh and review the diff";
}

TEST(CliTest, GoldenCsv) {
  const Result r =
      Lmp("analyze meta-llama/Llama-2-70b-hf --batch 8 --seq 512 --kv-len 4096 --w-bits 4 --kv-bits 8 --format csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, Slurp(std::string(LMP_SOURCE_DIR) + "/tests/golden/llama-2-70b_b8_s512_w4kv8.csv"))
      << "output changed; if intended, run tests/golden/refresh.sh and review the diff";
}

TEST(CliTest, ArchitectureFileAndModuleEval) {
  const Result r = Lmp("analyze tiny_model.json --seq 16 --stage prefill --format csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // 2 * 16 * 64 * 256 + bias 16 * 256, two layers.
  EXPECT_NE(r.out.find("prefill,blocks,linear,torch.nn.modules.linear.Linear,matmul,2,528384,"), std::string::npos)
      << r.out;
  const Result e = Lmp("module eval torch.nn.Linear N=16 in_features=64 out_features=256 bias=1 --format json");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(e.out.find("\"flops\": 528384"), std::string::npos) << e.out;
}

TEST(CliTest, DbOptionTakesOneValueAndRepeats) {
  const Result r = Lmp("analyze --db formula_ok.json --db formula_ok.json Llama-2-7b-hf --stage decode");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(CliTest, InspectShowsTheTree) {
  const Result r = Lmp("inspect meta-llama/Llama-2-70b-hf");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("  layers : transformers.models.llama.modeling_llama.LlamaDecoderLayer  x80"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("out_features = {num_key_value_heads} * {hidden_size} / {num_attention_heads}"),
            std::string::npos);
}

// Every bad input: exit code 2 and one line naming the file and the place.
struct BadInput {
  const char* name;
  const char* args;
  const char* first_line;
};

class CliErrorTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(CliErrorTest, ExitsTwoWithOneLine) {
  const Result r = Lmp(GetParam().args);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(FirstLine(r.err), GetParam().first_line);
}

INSTANTIATE_TEST_SUITE_P(
    BadInputs, CliErrorTest,
    ::testing::Values(
        BadInput{"BrokenJson", "module list --db broken.json",
                 "lmp: error: broken.json: 2:50: invalid JSON: syntax error while parsing value - unexpected '}'; "
                 "expected '[', '{', or a literal; fix the syntax at this place"},
        BadInput{"FormulaTypo", "analyze Llama-2-7b-hf --db formula_typo.json",
                 "lmp: error: formula_typo.json: /modules/my_Scale/operations/0/flops, col 5: unknown parameter "
                 "{num_element} (did you mean {num_elements}?); declare it in \"parameters\" or fix the name"},
        BadInput{"CallCycle", "module list --db cycle.json",
                 "lmp: error: cycle.json: /modules/my_B/operations/0/flops, col 5: module call cycle: my.mod.A -> "
                 "my.mod.B -> my.mod.A; a module can't call itself"},
        BadInput{"UnknownClass", "analyze unknown_class.json",
                 "lmp: error: unknown_class.json: /layers/0/class: unknown module class "
                 "'torch.nn.modules.normalization.LayerNorm'; add an entry for it with --db FILE (see "
                 "docs/module-db.md)"},
        BadInput{"ModelFormulaTypo", "analyze model_formula_typo.json",
                 "lmp: error: model_formula_typo.json: /layers/0/parameters/in_features: proj parameter in_features, "
                 "col 1: unknown parameter {hiden_size} (did you mean {hidden_size}?)"},
        BadInput{"UnknownModel", "analyze llama-2-7b-hff",
                 "lmp: error: llama-2-7b-hff: no such file, and no catalog model has this id (did you mean "
                 "'Llama-2-7b-hf'?); 'lmp models' lists the catalog"},
        BadInput{"ZeroBatch", "analyze Llama-2-7b-hf --batch 0", "lmp: error: --batch: must be a positive integer, got 0"},
        BadInput{"NegativeBatch", "analyze Llama-2-7b-hf --batch -4", "lmp: error: --batch: must be a positive integer, got -4"},
        BadInput{"NonNumericBatch", "analyze Llama-2-7b-hf --batch many",
                 "lmp: error: Could not convert: --batch = many; see 'lmp --help'"},
        BadInput{"ZeroBits", "analyze Llama-2-7b-hf --stage both --kv-bits 0",
                 "lmp: error: --kv-bits: must be a bit width from 1 to 64, got 0"},
        BadInput{"UnknownModule", "module show LlamaRMSNrom",
                 "lmp: error: unknown module 'LlamaRMSNrom' (did you mean 'LlamaRMSNorm'?); list modules with 'lmp "
                 "module list', or add one with --db FILE"},
        BadInput{"MissingEvalParameters", "module eval Linear N=1", "lmp: error: torch.nn.modules.linear.Linear needs parameter(s): "
                                           "in_features, out_features; pass them as NAME=VALUE"},
        BadInput{"UnknownCommand", "anaylze Llama-2-7b-hf", "lmp: error: unknown command 'anaylze' (did you mean 'analyze'?); see "
                                          "'lmp --help'"},
        BadInput{"Overflow", "analyze Llama-2-7b-hf --batch 100000000 --seq 100000000",
                 "lmp: error: <embedded>/models/meta-llama--Llama-2-7b-hf.json: /layers/0/sub_layers/0/sub_layers/0: "
                 "64-bit integer overflow in '{num_indices} * {embedding_dim}' (model.embed_tokens: "
                 "torch.nn.modules.sparse.Embedding op embedding reads.weights, col 1); check the sizes and the "
                 "formulas"},
        BadInput{"MissingFile", "analyze missing.json", "lmp: error: missing.json: no such file, and no catalog model has this "
                                         "id; 'lmp models' lists the catalog"}),
    [](const ::testing::TestParamInfo<BadInput>& info) { return std::string(info.param.name); });

}  // namespace
