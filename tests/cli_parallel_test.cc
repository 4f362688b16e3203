// `lmp` over many GPUs (issue 14), through the real binary: a trivial layout
// changes nothing, layouts show per-GPU figures with their communication,
// and every bad layout is one line naming the flag, exit 2.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_testing.h"

namespace {

using lmp::testing::Lmp;
using lmp::testing::Result;

TEST(CliParallelTest, TrivialLayoutIsTodaysOutput) {
  for (const std::string args : {"analyze meta-llama/Llama-2-7b-hf --seq 512",
                                 "analyze mistralai/Mixtral-8x7B-v0.1 --hardware h100 --format json",
                                 "generate meta-llama/Llama-2-7b-hf --hardware a100 --gen 16"}) {
    const Result plain = Lmp(args);
    const Result one = Lmp(args + " --tp 1 --pp 1 --ep 1 --dp 1");
    const Result parallel = Lmp(args + " --parallel tp=1");
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    EXPECT_EQ(one.out, plain.out) << args;
    EXPECT_EQ(parallel.out, plain.out) << args;
  }
}

TEST(CliParallelTest, AnalyzeShowsTheLayoutAndItsCommunication) {
  const Result r = Lmp("analyze meta-llama/Llama-2-7b-hf --tp 2 --hardware h100 --stage decode --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["deployment"]["layout"], "tp=2");
  EXPECT_EQ(j["deployment"]["gpus"], 2);
  EXPECT_EQ(j["deployment"]["cluster"], "HGX-H100-8");
  EXPECT_EQ(j["deployment"]["nodes"], 1);
  EXPECT_EQ(j["model"]["parameters"], 3369340928);
  int comm = 0;
  int replicated = 0;
  for (const nlohmann::json& op : j["stages"]["decode"]["operations"]) {
    if (op.value("replicated", false)) ++replicated;
    if (op["kind"] != "communication") continue;
    ++comm;
    EXPECT_EQ(op["collective"], op["op"] == "gather_logits" ? "all_gather" : "all_reduce") << op.dump();
    EXPECT_EQ(op["group"], "tp");
    EXPECT_EQ(op["group_size"], 2);
    EXPECT_EQ(op["bound"], "network") << op.dump();
    EXPECT_GT(op["time_s"].get<double>(), 0) << op.dump();
  }
  EXPECT_EQ(comm, 4);
  EXPECT_GT(replicated, 0);  // the norms and residual adds
  const Result table = Lmp("analyze meta-llama/Llama-2-7b-hf --tp 2 --stage decode");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out.substr(0, table.out.find('\n')),
            "deployment tp=2 on 2 GPUs; figures are per GPU; batch 1 per replica of 1");
  EXPECT_NE(table.out.find("model.layers.self_attn.o_proj.all_reduce"), std::string::npos);
}

TEST(CliParallelTest, GenerateReportsPerGpuThroughput) {
  const Result r = Lmp("generate meta-llama/Llama-3.1-405B --hardware h100 --tp 8 --pp 2 --batch 8 --prompt 1024 "
                       "--gen 64 --microbatches 2 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["deployment"]["layout"], "tp=8,pp=2");
  EXPECT_EQ(j["deployment"]["nodes"], 2);
  EXPECT_EQ(j["deployment"]["microbatches"], 2);
  EXPECT_EQ(j["deployment"]["stage_layers"], 63);
  EXPECT_TRUE(j["memory"]["fits"].get<bool>());
  EXPECT_DOUBLE_EQ(j["tokens_per_s_per_gpu"].get<double>(), j["tokens_per_s"].get<double>() / 16);
  EXPECT_DOUBLE_EQ(j["tokens_per_s"].get<double>(), 8 * 64 / j["e2e_s"].get<double>());
  // Every format draws a layout: CSV gains its columns, markdown and HTML the deployment.
  const Result csv = Lmp("generate meta-llama/Llama-2-7b-hf --hardware h100 --tp 2 --gen 16 --format csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const std::string header = csv.out.substr(0, csv.out.find('\n'));
  EXPECT_EQ(header.substr(header.size() - 32), "layout,gpus,tokens_per_s_per_gpu");
  EXPECT_NE(csv.out.find(",tp=2,2,"), std::string::npos);
  const Result md = Lmp("generate meta-llama/Llama-2-7b-hf --hardware h100 --tp 2 --gen 16 --format markdown");
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_EQ(md.out.rfind("- deployment tp=2 on 2 GPUs", 0), 0u);
  const Result html = Lmp("generate meta-llama/Llama-2-7b-hf --hardware h100 --tp 2 --pp 2 --gen 16 --format html");
  ASSERT_EQ(html.exit_code, 0) << html.err;
  EXPECT_NE(html.out.find("all_reduce"), std::string::npos);
}

TEST(CliParallelTest, BadLayoutsAreOneLineNamingTheFlag) {
  const std::pair<std::string, std::string> cases[] = {
      {"analyze meta-llama/Llama-2-7b-hf --tp 3",
       "lmp: error: --tp: tp=3 does not divide the 32 attention heads of 'model.layers.self_attn' "
       "(transformers.models.llama.modeling_llama.LlamaAttention); use tp dividing 32\n"},
      {"analyze meta-llama/Llama-2-7b-hf --tp 0", "lmp: error: --tp: must be a positive integer of at most 1048576, got 0\n"},
      {"analyze meta-llama/Llama-2-7b-hf --dp -2", "lmp: error: --dp: must be a positive integer of at most 1048576, got -2\n"},
      {"analyze meta-llama/Llama-2-7b-hf --parallel tp=2,xx=3",
       "lmp: error: --parallel: 'xx=3' is not a degree; write name=N with name tp, pp, ep or dp, e.g. tp=8,ep=8\n"},
      {"analyze meta-llama/Llama-2-7b-hf --parallel tp=2 --tp 2",
       "lmp: error: --parallel: is given with --tp/--pp/--ep/--dp; give the degrees one way\n"},
      {"analyze meta-llama/Llama-2-7b-hf --ep 2",
       "lmp: error: --ep: meta-llama/Llama-2-7b-hf has no routed experts to split; use ep=1 (dp replicates a dense "
       "model)\n"},
      {"analyze meta-llama/Llama-2-7b-hf --pp 2 --pp-stage 2",
       "lmp: error: --pp-stage: must be a stage from 0 to 1, got 2\n"},
      {"analyze meta-llama/Llama-2-7b-hf --cluster HGX-H100-8",
       "lmp: error: --cluster: applies to a layout of more than one GPU; add --tp, --pp, --ep or --dp\n"},
      {"generate meta-llama/Llama-2-7b-hf --hardware h100 --tp 16 --nodes 1",
       "lmp: error: --nodes: tp=16 needs 16 GPUs, but 1 node of HGX-H100-8 holds 8; use at least 2\n"},
      {"generate meta-llama/Llama-2-7b-hf --hardware h100 --tp 2 --cluster HGX-H100-9",
       "lmp: error: --cluster: unknown cluster 'HGX-H100-9' (did you mean 'HGX-H100-8'?); 'lmp cluster list' lists "
       "the catalog\n"},
      {"generate meta-llama/Llama-2-7b-hf --hardware h100 --tp 2 --cluster MI300X-8",
       "lmp: error: --cluster: cluster 'MI300X-8' has MI300X GPUs, not --hardware's H100-SXM; use --hardware MI300X, "
       "or another cluster\n"},
      {"generate meta-llama/Llama-2-7b-hf --hardware h100 --pp 2 --microbatches 0",
       "lmp: error: --microbatches: must be a positive integer of at most 1048576, got 0\n"},
      {"generate meta-llama/Llama-2-7b-hf --hardware h100 --tp 2 --sharding-file broken.json",
       "lmp: error: broken.json: 2:50: invalid JSON: syntax error while parsing value - unexpected '}'; expected "
       "'[', '{', or a literal; fix the syntax at this place\n"},
  };
  for (const auto& [args, line] : cases) {
    const Result r = Lmp(args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_EQ(r.err, line) << args;
    EXPECT_EQ(r.out, "") << args;
  }
}

// lmp fit over a layout: the largest batch per attention replica whose
// fullest stage fits every GPU; 405B needs the second node.
TEST(CliParallelTest, FitOverALayout) {
  const Result two = Lmp("fit meta-llama/Llama-3.1-405B --hardware h100 --tp 8 --pp 2 --prompt 2048 --format json");
  ASSERT_EQ(two.exit_code, 0) << two.err;
  const nlohmann::json j = nlohmann::json::parse(two.out);
  EXPECT_TRUE(j["fits"].get<bool>());
  EXPECT_GT(j["batch_size"].get<int64_t>(), 1);
  EXPECT_LE(j["memory"]["total_bytes"].get<int64_t>(), j["hardware"]["dram_bytes"].get<int64_t>());
  EXPECT_EQ(j["deployment"]["layout"], "tp=8,pp=2");
  EXPECT_EQ(j["deployment"]["nodes"], 2);
  const Result one = Lmp("fit meta-llama/Llama-3.1-405B --hardware h100 --tp 8 --prompt 2048 --format json");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_FALSE(nlohmann::json::parse(one.out)["fits"].get<bool>());
  // ep=8: 22 sequences per replica, 176 over the 8 replicas.
  const Result ep = Lmp("fit deepseek-ai/DeepSeek-V3 --hardware h200 --ep 8 --w-bits 8 --prompt 2048");
  ASSERT_EQ(ep.exit_code, 0) << ep.err;
  EXPECT_EQ(ep.out.substr(0, ep.out.find('\n')),
            "deployment ep=8 on 8 GPUs (1 node of HGX-H200-8); figures are per GPU; batch 22 per replica of 176");
}

// lmp compare A and B over layouts: per-GPU memory, tokens/s per GPU.
TEST(CliParallelTest, CompareLayouts) {
  const Result r = Lmp("compare meta-llama/Llama-2-70b-hf --hardware h100 --batch 32 --a tp=4 --b tp=8 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["a"]["layout"], "tp=4");
  EXPECT_EQ(j["b"]["gpus"], 8);
  EXPECT_DOUBLE_EQ(j["b"]["tokens_per_s_per_gpu"].get<double>(), j["b"]["tokens_per_s"].get<double>() / 8);
  EXPECT_DOUBLE_EQ(j["ratio_b_over_a"]["tokens_per_s_per_gpu"].get<double>(),
                   j["b"]["tokens_per_s_per_gpu"].get<double>() / j["a"]["tokens_per_s_per_gpu"].get<double>());
  // Half the weights per GPU at tp=8: the footprint more than halves less the replicated parts.
  EXPECT_LT(j["b"]["footprint_bytes"].get<double>(), 0.6 * j["a"]["footprint_bytes"].get<double>());
  const Result bad = Lmp("compare meta-llama/Llama-2-70b-hf --hardware h100 --a tp=3 --b tp=8");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "lmp: error: A: tp=3 does not divide the 64 attention heads of 'model.layers.self_attn' "
                     "(transformers.models.llama.modeling_llama.LlamaAttention); use tp dividing 64\n");
  const Result zero = Lmp("compare meta-llama/Llama-2-70b-hf --hardware h100 --a tp=0 --b tp=8");
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_EQ(zero.err, "lmp: error: --a: tp must be a positive integer of at most 1048576, got 0\n");
}

// lmp sweep crosses layouts (--tp/--pp/--ep/--dp lists): each row is what
// lmp generate gives for that layout; a layout a model cannot take has a note
// and no rows.
TEST(CliParallelTest, SweepCrossesLayouts) {
  const Result sw = Lmp("sweep --model meta-llama/Llama-2-13b-hf --hardware h100 --tp 1,2 --ep 1,2 --batch 4 --gen 32 "
                        "--format jsonl");
  ASSERT_EQ(sw.exit_code, 0) << sw.err;
  EXPECT_EQ(sw.err,
            "lmp: note: no rows for meta-llama/Llama-2-13b-hf under ep=2: meta-llama/Llama-2-13b-hf has no routed "
            "experts to split; use ep=1 (dp replicates a dense model)\n"
            "lmp: note: no rows for meta-llama/Llama-2-13b-hf under tp=2,ep=2: meta-llama/Llama-2-13b-hf has no "
            "routed experts to split; use ep=1 (dp replicates a dense model)\n");
  std::vector<nlohmann::json> rows;
  size_t at = 0;
  while (at < sw.out.size()) {
    const size_t eol = sw.out.find('\n', at);
    rows.push_back(nlohmann::json::parse(sw.out.substr(at, eol - at)));
    at = eol + 1;
  }
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1]["layout"], "tp=2");
  EXPECT_EQ(rows[1]["gpus"], 2);
  const Result g = Lmp("generate meta-llama/Llama-2-13b-hf --hardware h100 --tp 2 --batch 4 --gen 32 --format json");
  ASSERT_EQ(g.exit_code, 0) << g.err;
  const nlohmann::json gj = nlohmann::json::parse(g.out);
  EXPECT_DOUBLE_EQ(rows[1]["tpot_s"].get<double>(), gj["tpot_s"].get<double>());
  EXPECT_DOUBLE_EQ(rows[1]["tokens_per_s_per_gpu"].get<double>(), gj["tokens_per_s_per_gpu"].get<double>());
  EXPECT_EQ(rows[1]["footprint_bytes"].get<int64_t>(), gj["memory"]["total_bytes"].get<int64_t>());
  const Result bad = Lmp("sweep --model meta-llama/Llama-2-13b-hf --hardware a100 --tp 2");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "lmp: error: --hardware: no cluster of the catalog has A100-40GB-SXM GPUs, so the layouts cannot "
                     "be timed on it; leave it out\n");
  const Result zero = Lmp("sweep --model meta-llama/Llama-2-13b-hf --hardware h100 --tp 0");
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_EQ(zero.err, "lmp: error: --tp: must be a positive integer, got 0\n");
  const Result huge = Lmp("sweep --model meta-llama/Llama-2-13b-hf --hardware h100 --tp 2000000");
  EXPECT_EQ(huge.exit_code, 2);
  EXPECT_EQ(huge.err, "lmp: error: --tp: must be a positive integer of at most 1048576, got 2000000\n");
}

TEST(CliParallelTest, PlanSearchesLayoutsAndBatches) {
  const Result t = Lmp("plan meta-llama/Llama-2-13b-hf --hardware h100 --gpus 4 --prompt 512 --gen 64 --max-batch 32 "
                       "--max-tpot 20ms");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_EQ(t.out.substr(0, t.out.find('\n')),
            "meta-llama/Llama-2-13b-hf on up to 4 x H100-SXM (HGX-H100-8), prompt 512, generate 64, W16A16KV16, "
            "profile flash, runtime serving");
  EXPECT_NE(t.out.find("latency limits: TPOT <= 20.00 ms; batches 1 to 32"), std::string::npos);
  EXPECT_NE(t.out.find("searched 15 layouts"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("  ep=2               invalid: meta-llama/Llama-2-13b-hf has no routed experts"),
            std::string::npos);
  const Result j = Lmp("plan meta-llama/Llama-2-13b-hf --hardware h100 --gpus 4 --prompt 512 --gen 64 --max-batch 32 "
                       "--max-tpot 20ms --format json");
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const nlohmann::json doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["schema"], "lmp.plan/1");
  EXPECT_EQ(doc["layouts"].size(), 15u);
  ASSERT_TRUE(doc["best"].is_object());
  EXPECT_TRUE(doc["best"]["meets_limits"].get<bool>());
  EXPECT_LE(doc["best"]["tpot_s"].get<double>(), 0.02);
  for (const nlohmann::json& p : doc["frontier"]) {
    EXPECT_LE(p["tokens_per_s_per_gpu"].get<double>(), doc["frontier"].back()["tokens_per_s_per_gpu"].get<double>());
  }
  const Result csv = Lmp("plan meta-llama/Llama-2-13b-hf --hardware h100 --gpus 2 --max-batch 4 --format csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.substr(0, csv.out.find('\n')),
            "layout,tp,pp,ep,dp,gpus,batch_size,microbatches,ttft_s,tpot_s,e2e_s,tokens_per_s,tokens_per_s_per_gpu,"
            "tokens_per_s_per_user,memory_bytes_per_gpu,meets_limits,frontier,best");
}

TEST(CliParallelTest, PlanBadOptionsAreOneLine) {
  const std::pair<std::string, std::string> cases[] = {
      {"plan meta-llama/Llama-2-7b-hf --hardware h100 --gpus 0",
       "lmp: error: --gpus: must be a positive integer of at most 1048576, got 0\n"},
      {"plan meta-llama/Llama-2-7b-hf --hardware h100 --gpus 2 --max-tpot fast",
       "lmp: error: --max-tpot: 'fast' is not a positive duration; write e.g. 50ms, 2s or 0.05 (seconds)\n"},
      {"plan meta-llama/Llama-2-7b-hf --hardware h100 --gpus 2 --max-ttft -1s",
       "lmp: error: --max-ttft: '-1s' is not a positive duration; write e.g. 50ms, 2s or 0.05 (seconds)\n"},
      {"plan meta-llama/Llama-2-7b-hf --hardware a100 --gpus 2",
       "lmp: error: --hardware: no cluster of the catalog has A100-40GB-SXM GPUs, so a layout over many cannot be "
       "timed; name one with --cluster and --cluster-file FILE (docs/parallelism.md)\n"},
      {"plan meta-llama/Llama-2-7b-hf --hardware h100 --gpus 2 --max-batch 0",
       "lmp: error: --max-batch: must be a positive integer of at most 2147483648, got 0\n"},
  };
  for (const auto& [args, line] : cases) {
    const Result r = Lmp(args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_EQ(r.err, line) << args;
  }
}

}  // namespace
