// Runs the real lmp binary: exit codes, exact error lines, golden outputs.
#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "cli_testing.h"

namespace {

using lmp::testing::FirstLine;
using lmp::testing::Lmp;
using lmp::testing::Result;
using lmp::testing::Slurp;

TEST(CliTest, Version) {
  const Result r = Lmp("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "lmp 0.1.0\n");
}

// lmp validate: every bad row of a dataset is reported, one line each, and
// the run exits 2; a gate that the predictions miss exits 1.
TEST(CliTest, ValidateBadRowsAndGate) {
  const Result bad = Lmp("validate --dataset bad_measurements.json");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err,
            "lmp: error: bad_measurements.json: /measurements/1/metric: does not match the schema "
            "(schema/measurements.schema.json): failed to match against any enum values; see docs/validation.md\n"
            "lmp: error: bad_measurements.json: /measurements/2/value: does not match the schema "
            "(schema/measurements.schema.json): expected number greater than 0.000000; see docs/validation.md\n"
            "lmp: error: bad_measurements.json: /measurements/3/model: no such file, and no catalog model has this "
            "id (did you mean 'meta-llama/Llama-2-7b-hf'?); 'lmp models' lists the catalog\n"
            "lmp: error: bad_measurements.json: /measurements/4/hardware: unknown device 'H100-SMX' (did you mean "
            "'H100-SXM'?); 'lmp hardware list' lists the catalog\n");
  const Result ok = Lmp("validate --split held_out --format json");
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const nlohmann::json j = nlohmann::json::parse(ok.out);
  EXPECT_EQ(j["schema"], "lmp.validate/1");
  EXPECT_GT(j["summary"]["cases"].get<int>(), 50);
  for (const nlohmann::json& c : j["cases"]) EXPECT_EQ(c["split"], "held_out");
  const Result gate = Lmp("validate --split held_out --max-median-error 0.0001");
  EXPECT_EQ(gate.exit_code, 1);
  EXPECT_NE(gate.err.find("is above --max-median-error 0.0%"), std::string::npos) << gate.err;
  const Result html = Lmp("validate --format html");
  ASSERT_EQ(html.exit_code, 0);
  EXPECT_NE(html.out.find("<svg"), std::string::npos);
  EXPECT_NE(html.out.find("<circle"), std::string::npos);
}

// A model read from standard input or a pipe is the same as from the file.
TEST(CliTest, ModelFromStdinAndPipe) {
  const Result file = Lmp("analyze tiny_config/config.json --format csv");
  ASSERT_EQ(file.exit_code, 0) << file.err;
  const Result in = Lmp("analyze - --format csv", "tiny_config/config.json");
  ASSERT_EQ(in.exit_code, 0) << in.err;
  EXPECT_EQ(in.out, file.out);
  const Result pipe = Lmp("analyze /dev/stdin --format csv", "tiny_config/config.json");
  ASSERT_EQ(pipe.exit_code, 0) << pipe.err;
  EXPECT_EQ(pipe.out, file.out);
  const Result broken = Lmp("analyze -", "broken.json");
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_EQ(broken.err.substr(0, broken.err.find(": invalid")), "lmp: error: <stdin>: 2:50");
}

// The runtime catalog, and a realistic runtime is slower than the bound.
TEST(CliTest, RuntimeListAndDefault) {
  const Result list = Lmp("runtime list");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("serving    (default) "), std::string::npos) << list.out;
  const Result show = Lmp("runtime show serving");
  EXPECT_NE(show.out.find("kernel_overhead_s"), std::string::npos);
  EXPECT_NE(show.out.find("fitted"), std::string::npos);
  const Result fast = Lmp("generate Llama-2-7b-hf --hardware h100 --format json --runtime ideal");
  const Result real = Lmp("generate Llama-2-7b-hf --hardware h100 --format json");
  ASSERT_EQ(real.exit_code, 0) << real.err;
  EXPECT_EQ(nlohmann::json::parse(real.out)["scenario"]["runtime"], "serving");
  EXPECT_EQ(nlohmann::json::parse(real.out)["scenario"]["profile"], "flash");
  EXPECT_GT(nlohmann::json::parse(real.out)["e2e_s"].get<double>(), nlohmann::json::parse(fast.out)["e2e_s"].get<double>());
  // --profile wins over the runtime's execution profile.
  const Result fused = Lmp("generate Llama-2-7b-hf --hardware h100 --format json --profile fused");
  EXPECT_EQ(nlohmann::json::parse(fused.out)["scenario"]["profile"], "fused");
}

TEST(CliTest, HelpListsSubcommands) {
  const Result r = Lmp("--help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* c : {"analyze", "generate", "fit", "sweep", "compare", "inspect", "models", "module", "hardware"}) {
    EXPECT_NE(r.out.find(c), std::string::npos) << c;
  }
}

TEST(CliTest, AnalyzeTable) {
  const Result r = Lmp("analyze meta-llama/Llama-2-7b-hf --stage decode");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(FirstLine(r.out), "meta-llama/Llama-2-7b-hf  (6,738,415,616 parameters)");
  EXPECT_NE(r.out.find("exact: 14,302,257,731 FLOPs"), std::string::npos);
  EXPECT_EQ(r.out.find("prefill:"), std::string::npos);
}

// -o writes the same bytes as standard output, renamed into place: no
// FILE.tmp is left behind.
TEST(CliTest, OutputFileIsWholeAndRenamed) {
  const std::string file = ::testing::TempDir() + "/lmp_o_" + std::to_string(::getpid()) + ".md";
  const Result to_file = Lmp("generate Llama-2-7b-hf --hardware h100 --format markdown -o '" + file + "'");
  ASSERT_EQ(to_file.exit_code, 0) << to_file.err;
  EXPECT_EQ(to_file.out, "");
  EXPECT_EQ(Slurp(file), Lmp("generate Llama-2-7b-hf --hardware h100 --format markdown").out);
  EXPECT_FALSE(std::filesystem::exists(file + ".tmp"));
  std::filesystem::remove(file);
}

// Every case of tests/golden/cases.tsv: the output byte for byte.
TEST(CliTest, GoldenOutputs) {
  std::istringstream cases(Slurp(std::string(LMP_SOURCE_DIR) + "/tests/golden/cases.tsv"));
  int checked = 0;
  for (std::string line; std::getline(cases, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    const std::string file = line.substr(0, tab), args = line.substr(tab + 1);
    const Result r = Lmp(args);
    ASSERT_EQ(r.exit_code, 0) << args << ": " << r.err;
    EXPECT_EQ(r.out, Slurp(std::string(LMP_SOURCE_DIR) + "/tests/golden/" + file))
        << file << " changed; if intended, run tests/golden/refresh.sh and review the diff";
    ++checked;
  }
  EXPECT_EQ(checked, 15);  // every text format of analyze and generate, sweeps, a compare, validate
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

TEST(CliTest, HardwareListAndShow) {
  const Result l = Lmp("hardware list");
  ASSERT_EQ(l.exit_code, 0) << l.err;
  EXPECT_NE(l.out.find("H100-SXM         NVIDIA     80 GiB    3.35 TB/s   989.40 TFLOP/s\n"), std::string::npos) << l.out;
  const Result s = Lmp("hardware show nvidia_h100 --format json");
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_NE(s.out.find("\"name\": \"H100-SXM\""), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("\"sram_per_core_bytes\": 233472"), std::string::npos) << s.out;
  const Result t = Lmp("hardware show h100");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("\n  SRAM/core:    233,472 bytes per SM/CU\n"), std::string::npos) << t.out;
  EXPECT_NE(Lmp("hardware show tpu-v5e").out.find("\n  SRAM/core:    unknown\n"), std::string::npos);
  const Result f = Lmp("hardware list --hardware-file my_hardware.json --format json");
  ASSERT_EQ(f.exit_code, 0) << f.err;
  EXPECT_NE(f.out.find("\"name\": \"Toy-1\""), std::string::npos) << f.out;
}

// tiny_model: 2 x Linear(64 -> 256) at 16 tokens on Toy-1 (1 TB/s, 100 TFLOP/s).
// Bytes 33,280 + 2,048 + 8,192 = 43,520: memory 4.352e-08 s beats compute
// 528,384 / 1e14 = 5.28e-09 s; intensity 528,384 / 43,520.
TEST(CliTest, AnalyzeWithHardwareCsvAndJson) {
  const std::string args = "analyze tiny_model.json --seq 16 --stage prefill --hardware toy --runtime ideal "
                           "--hardware-file my_hardware.json";
  const Result c = Lmp(args + " --format csv");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(c.out,
            "stage,layer,op,module,kind,count,flops,reads_weights,reads_activations,reads_kv_cache,"
            "writes_activations,writes_kv_cache,time_s,bound,intensity\n"
            "prefill,blocks,linear,torch.nn.modules.linear.Linear,matmul,2,528384,33280,2048,0,8192,0,4.352e-08,"
            "memory,12.141176470588235\n");
  const Result j = Lmp(args + " --format json");
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_NE(j.out.find("\"hardware\": {\n    \"name\": \"Toy-1\""), std::string::npos) << j.out;
  EXPECT_NE(j.out.find("\"time_s\": 4.352e-08,\n          \"bound\": \"memory\""), std::string::npos) << j.out;
  EXPECT_NE(j.out.find("\"time_s\": 8.704e-08,\n        \"step_overhead_s\": 0.0,\n        \"time_by_kind_s\": {\n          \"matmul\": 8.704e-08"),
            std::string::npos)
      << j.out;
  const Result t = Lmp(args);
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("roofline time: 87.04 ns (8.704e-08 s); matmul 87.04 ns\n"), std::string::npos) << t.out;
}

// Llama-2-7b flash prefill at 2048 on the A10's 100 KiB of shared memory:
// Bc = 102400 / (4 * 128 * 2) = 100, Br = 100, t = 100, n = 21, r = 48.
//   keys  = 100 * 21 * 20 / 2 + 2048 = 23,048; kv = 2 * 32 * 23,048 * 256 = 377,618,432
//   pairs = 100^2 * 21 * 20 / 2 + 48 * 2048 = 2,198,304; flops = 32 * 2,198,304 * 517
TEST(CliTest, FlashProfileTakesTheDevicesSram) {
  const std::string args = "analyze Llama-2-7b-hf --stage prefill --profile flash --hardware a10 --format json";
  const Result r = Lmp(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"profile\": \"flash\",\n    \"all_logits\": false,\n    \"sram_bytes\": 102400\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"op\": \"flash_attention\",\n          \"module\": "
                       "\"transformers.models.llama.modeling_llama.LlamaAttention\",\n          \"kind\": \"attention\",\n"
                       "          \"count\": 32,\n          \"flops\": 36368741376,\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"kv_cache\": 377618432"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("qk_matmul"), std::string::npos);
  // --sram-bytes wins over the device: 64 KiB gives 553,648,128 (flash_test.cc).
  const Result o = Lmp(args + " --sram-bytes 65536");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("\"kv_cache\": 553648128"), std::string::npos) << o.out;
  const Result t = Lmp("analyze Llama-2-7b-hf --stage decode --profile flash");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("profile flash\nattention tiles sized for 131,072 bytes of SRAM per block\n"), std::string::npos)
      << t.out;
  // Decode FLOPs equal the fused profile's (AnalyzeTable above): only the scores' bytes go.
  EXPECT_NE(t.out.find("exact: 14,302,257,731 FLOPs"), std::string::npos) << t.out;
}

TEST(CliTest, FusedOutputIgnoresSramBytes) {
  const Result a = Lmp("analyze Llama-2-7b-hf --stage decode --format json");
  const Result b = Lmp("analyze Llama-2-7b-hf --stage decode --format json --sram-bytes 4096 --profile fused");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(a.out.find("sram_bytes"), std::string::npos);
}

TEST(CliTest, ModuleShowListsProfiles) {
  const Result r = Lmp("module show LlamaAttention");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("operation rope_q (elementwise; profiles: fused, flash):\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("operation qk_matmul (matmul; profiles: fused):\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("operation flash_attention (attention; profiles: flash):\n"), std::string::npos) << r.out;
  const Result e = Lmp("module eval LlamaAttention batch_size=1 seq_len=1 kv_len=4096 num_heads=64 num_kv_heads=8 "
                       "head_dim=128 --profile flash --format json");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(e.out.find("\"kv_cache\": 16777216"), std::string::npos) << e.out;  // 2 * 4096 * 8 * 128 * 2
}

// tiny_model on Toy-1, prompt 16, 3 tokens. Prefill: 87.04 ns as above.
// A decode step per instance: 33,280 weight bytes + 64 x 2 read + 256 x 2
// written = 33,920 bytes, 33.92 ns (compute 33,024 / 1e14 is less); two
// instances: 67.84 ns. Two decode steps, no kv_len dependence: every TPOT is
// 67.84 ns, e2e = 87.04 + 2 x 67.84 = 222.72 ns, 3 tokens / 222.72 ns.
TEST(CliTest, GenerateJsonAndTable) {
  const std::string args = "generate tiny_model.json --prompt 16 --gen 3 --hardware toy --runtime ideal "
                           "--hardware-file my_hardware.json";
  const Result j = Lmp(args + " --format json");
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const nlohmann::json g = nlohmann::json::parse(j.out);
  EXPECT_EQ(g["schema"], "lmp.generate/1");
  EXPECT_DOUBLE_EQ(g["ttft_s"].get<double>(), 87.04e-9);
  EXPECT_DOUBLE_EQ(g["tpot_s"].get<double>(), 67.84e-9);
  EXPECT_DOUBLE_EQ(g["tpot_first_s"].get<double>(), 67.84e-9);
  EXPECT_DOUBLE_EQ(g["tpot_last_s"].get<double>(), 67.84e-9);
  EXPECT_DOUBLE_EQ(g["e2e_s"].get<double>(), 222.72e-9);
  EXPECT_DOUBLE_EQ(g["tokens_per_s"].get<double>(), 3 / 222.72e-9);
  EXPECT_EQ(g["decode"]["steps"], 2);
  EXPECT_EQ(g["decode"]["first_kv_len"], 17);
  EXPECT_EQ(g["decode"]["last_kv_len"], 18);
  // The footprint at context 16 + 3 - 1: weights 2 x 33,280, no KV cache, and
  // one Linear's prefill input and output, 16 x 64 x 2 + 16 x 256 x 2.
  EXPECT_EQ(g["memory"]["context_len"], 18);
  EXPECT_EQ(g["memory"]["total_bytes"], 66'560 + 10'240);
  EXPECT_EQ(g["memory"]["fits"], true);
  const Result t = Lmp(args + " --batch 2");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("  TTFT (prefill)"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("over 2 decode steps, kv_len 17 to 18"), std::string::npos) << t.out;
}

// The same analysis adds the memory footprint against Toy-1 (1 GiB): weights
// 33,280 x 2 = 66,560; no KV cache; activations one Linear instance at 16
// tokens, 16 x 64 x 2 in + 16 x 256 x 2 out = 10,240 (the two layers run one
// after another). Total 76,800; headroom 1,073,741,824 - 76,800.
TEST(CliTest, AnalyzeWithHardwareReportsMemory) {
  const std::string args = "analyze tiny_model.json --seq 16 --stage prefill --hardware toy --runtime ideal "
                           "--hardware-file my_hardware.json";
  const Result j = Lmp(args + " --format json");
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_NE(j.out.find("  \"memory\": {\n    \"context_len\": 16,\n    \"weight_bytes\": 66560,\n"
                       "    \"kv_cache_bytes\": 0,\n    \"activation_bytes\": 10240,\n"
                       "    \"activation_stage\": \"prefill\",\n    \"activation_op\": \"blocks.linear\",\n"
                       "    \"total_bytes\": 76800,\n    \"capacity_bytes\": 1073741824,\n    \"fits\": true,\n"
                       "    \"headroom_bytes\": 1073665024\n  },\n  \"stages\""),
            std::string::npos)
      << j.out;
  const Result t = Lmp(args);
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("\nmemory at context 16: weights 66.56 KB + KV cache 0 B + activations 10.24 KB (prefill "
                       "blocks.linear) = 76.80 KB\nfits on Toy-1: 76,800 of 1,073,741,824 bytes, 1.07 GB free\n"),
            std::string::npos)
      << t.out;
}

// lmp fit on Toy-1 (1,073,741,824 bytes): tiny_model at prompt 16, gen 1
// needs 66,560 + 640 x 16 x B bytes (weights, then one Linear's 16 x B
// tokens in and out). B <= 1,073,675,264 / 10,240 = 104,851.1: batch 104,851,
// total 1,073,740,800, 1,024 bytes free; 104,852 needs 1,073,751,040.
TEST(CliTest, FitTableTinyModel) {
  const Result r = Lmp("fit tiny_model.json --hardware toy --hardware-file my_hardware.json --prompt 16 --gen 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "test/tiny-mlp on Toy-1 (1,073,741,824 bytes of DRAM), W16A16KV16\n"
            "prompt 16 + gen 1 tokens: context 16 tokens per sequence\n"
            "largest batch that fits: 104851\n"
            "\n"
            "at batch 104851:\n"
            "  weights             66,560 B    66.56 KB  33,280 parameters\n"
            "  KV cache                 0 B         0 B  context 16 tokens\n"
            "  activations  1,073,674,240 B     1.07 GB  prefill blocks.linear\n"
            "  total        1,073,740,800 B     1.07 GB  fits\n"
            "  capacity     1,073,741,824 B     1.07 GB\n"
            "  headroom             1,024 B     1.02 KB\n"
            "at batch 104852: total 1,073,751,040 bytes, 9.22 KB over\n");
}

// With --batch 4 the prompt is solved: 66,560 + 640 x 4 x P <= 1,073,741,824
// gives P <= 1,073,675,264 / 2,560 = 419,404.4, so 419,404 (context 419,404
// with gen 1), again 1,024 bytes free.
TEST(CliTest, FitJsonSolvesThePromptWithBatch) {
  const Result r = Lmp("fit tiny_model.json --hardware toy --hardware-file my_hardware.json --batch 4 --gen 1 "
                       "--format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* key : {"\"schema\": \"lmp.fit/1\"", "\"solve\": \"prompt_len\"", "\"fits\": true",
                          "\"batch_size\": 4,", "\"prompt_len\": 419404,", "\"context_len\": 419404,",
                          "\"total_bytes\": 1073740800,", "\"headroom_bytes\": 1024\n",
                          "\"max_position_embeddings\": null"}) {
    EXPECT_NE(r.out.find(key), std::string::npos) << key << "\n" << r.out;
  }
}

// Llama-2-7b fp16, A100-80GB, prompt 2048, gen 2048 (worked by hand in
// src/hardware/fit_test.cc): batch 26, total 83,256,418,304 bytes.
TEST(CliTest, FitJsonLlama2_7bOnA100) {
  const Result r = Lmp("fit meta-llama/Llama-2-7b-hf --hardware a100-80gb --prompt 2048 --gen 2048 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* key : {"\"solve\": \"batch_size\"", "\"batch_size\": 26,", "\"context_len\": 4095,",
                          "\"weight_bytes\": 13476831232,", "\"kv_cache_bytes\": 55820943360,",
                          "\"activation_bytes\": 13958643712,", "\"total_bytes\": 83256418304,",
                          "\"headroom_bytes\": 2642927616\n", "\"limit\": \"memory\"",
                          "\"total_bytes\": 85940248576,", "\"exceeds_max_position_embeddings\": false"}) {
    EXPECT_NE(r.out.find(key), std::string::npos) << key << "\n" << r.out;
  }
}

// Not fitting is a result: exit 0, a status, the figures at batch 1 (hand
// working in src/hardware/fit_test.cc: 139,781,685,248 bytes needed).
TEST(CliTest, FitDoesNotFitIsNotAnError) {
  const Result t = Lmp("fit meta-llama/Llama-2-70b-hf --hardware h100");
  EXPECT_EQ(t.exit_code, 0) << t.err;
  EXPECT_EQ(t.err, "");
  EXPECT_NE(t.out.find("does not fit: even batch 1 needs 139.78 GB, 53.88 GB more than the device has\n"),
            std::string::npos)
      << t.out;
  EXPECT_NE(t.out.find("  headroom     -53,882,339,328 B   -53.88 GB  short\n"), std::string::npos) << t.out;
  const Result j = Lmp("fit meta-llama/Llama-2-70b-hf --hardware h100 --format json");
  EXPECT_EQ(j.exit_code, 0) << j.err;
  for (const char* key : {"\"fits\": false,\n  \"batch_size\": 0,", "\"limit\": null", "\"next\": null",
                          "\"total_bytes\": 139781685248,"}) {
    EXPECT_NE(j.out.find(key), std::string::npos) << key << "\n" << j.out;
  }
}

// MODEL as a config.json: a catalog id, a model directory or the file itself.
TEST(CliTest, ModelsListsBuiltConfigs) {
  const Result r = Lmp("models");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* id : {"meta-llama/Llama-2-7b-hf\n", "meta-llama/Llama-3.2-1B\n", "mistralai/Mistral-7B-v0.1\n",
                         "Qwen/Qwen2-72B\n", "Qwen/Qwen2.5-7B\n", "google/gemma-7b\n", "google/gemma-2-9b\n",
                         "microsoft/Phi-3-mini-4k-instruct\n"}) {
    EXPECT_NE(r.out.find(id), std::string::npos) << id;
  }
  const Result a = Lmp("analyze qwen/QWEN2.5-7b --stage decode");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(FirstLine(a.out), "Qwen/Qwen2.5-7B  (7,615,616,512 parameters)");
}

// tiny_config/config.json: mistral, h 64, I 128, 2 layers, 4 heads of 16,
// 2 KV heads, vocab 100, sliding_window 32. Parameters:
// 2 * (2*64*64 + 2*64*32 + 3*64*128 + 2*64) + 64 + 2*100*64 = 86,848.
// At kv_len 64 a layer attends to 32 tokens: qk = 2 * 4 * 32 * 16 = 4,096.
TEST(CliTest, AnalyzeConfigDirectoryAndFile) {
  const Result d = Lmp("analyze tiny_config --stage decode --kv-len 64 --format csv");
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_NE(d.out.find("decode,model.layers.self_attn,qk_matmul,transformers.models.llama.modeling_llama."
                       "LlamaAttention,matmul,2,4096,"),
            std::string::npos)
      << d.out;
  const Result f = Lmp("analyze tiny_config/config.json --stage decode");
  ASSERT_EQ(f.exit_code, 0) << f.err;
  EXPECT_EQ(FirstLine(f.out), "tiny_config/config.json  (86,848 parameters)");
  const Result i = Lmp("inspect tiny_config");
  ASSERT_EQ(i.exit_code, 0) << i.err;
  EXPECT_NE(i.out.find("kv_len = min({kv_len}, {sliding_window})"), std::string::npos) << i.out;
  EXPECT_NE(i.out.find("    self_attn : transformers.models.mistral.modeling_mistral.MistralAttention  (counted as "
                       "transformers.models.llama.modeling_llama.LlamaAttention)\n"),
            std::string::npos)
      << i.out;
}

TEST(CliTest, SweepJobsDoNotChangeTheOutput) {
  const std::string args = "sweep --model Llama-2-7b-hf --hardware all --batch 1:64:+9 --prompt 128:4096:x4 "
                           "--gen 1,100,1000 --profile fused,flash --format jsonl";
  const Result one = Lmp(args + " --jobs 1");
  const Result two = Lmp(args + " --jobs 2");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(std::count(one.out.begin(), one.out.end(), '\n'), 18 * 8 * 3 * 3 * 2);
  EXPECT_EQ(one.out, two.out);
}

TEST(CliTest, SweepWhereAndPareto) {
  // Llama-2-70b at 16 bits (about 138 GB of weights) fits an MI300X
  // (192 GB) but not an 80 GB A100.
  const std::string args = "sweep --model Llama-2-70b-hf --hardware a100-80gb,mi300x --batch 1,2 --gen 16";
  const Result all = Lmp(args);
  const Result fits = Lmp(args + " --where fits");
  const Result not_fits = Lmp(args + " --where '!fits'");
  ASSERT_EQ(fits.exit_code, 0) << fits.err;
  EXPECT_EQ(std::count(all.out.begin(), all.out.end(), '\n'), 5);
  EXPECT_EQ(std::count(fits.out.begin(), fits.out.end(), '\n'), 3);
  EXPECT_EQ(fits.out.find("A100"), std::string::npos);
  EXPECT_EQ(std::count(not_fits.out.begin(), not_fits.out.end(), '\n'), 3);
  EXPECT_EQ(not_fits.out.find("MI300X"), std::string::npos);
  // On one device a bigger batch takes longer and gives more tokens/s, so
  // both batches are on the frontier; adding the slower A100 adds nothing.
  const Result pareto = Lmp(args + " --pareto");
  const Result mi300x = Lmp("sweep --model Llama-2-70b-hf --hardware mi300x --batch 1,2 --gen 16");
  ASSERT_EQ(pareto.exit_code, 0) << pareto.err;
  EXPECT_EQ(pareto.out, mi300x.out);
}

}  // namespace
