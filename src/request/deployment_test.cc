// A model split over a parallel layout (issue 14): the per-GPU shards add up
// to the whole model, a trivial layout changes nothing, collectives cost what
// the alpha-beta formulas say, pipelines follow their schedule, and the large
// catalog models fit where they are served.

#include "request/deployment.h"

#include <map>
#include <optional>

#include <gtest/gtest.h>

#include "analysis/footprint.h"
#include "analysis/testing.h"
#include "hardware/cluster.h"
#include "hardware/roofline.h"
#include "model/model.h"
#include "util/error.h"

namespace lmp::request {
namespace {

using analysis::Plan;
using analysis::Scenario;
using analysis::Stage;
using analysis::StageResult;
using analysis::testing::EmbeddedDb;

const parallel::ShardingRules& Rules() {
  static const parallel::ShardingRules rules = parallel::ShardingRules::Embedded();
  return rules;
}

// The stage plans, or nothing when the model cannot take the layout.
std::optional<std::vector<Plan>> TryStages(const model::Model& m, const std::string& profile,
                                           const parallel::Layout& l) {
  try {
    return BuildStagePlans(m, EmbeddedDb(), profile, Rules(), l);
  } catch (const Error& e) {
    if (e.file().empty() && (e.where() == "tp" || e.where() == "ep" || e.where() == "pp")) return std::nullopt;
    throw;
  }
}

StageResult Evaluate(const Plan& p, const Scenario& s, Stage stage) {
  StageResult r;
  analysis::Evaluator(p).Run(s, stage, &r);
  return r;
}

int64_t ConfigInt(const model::Model& m, const char* key) {
  return m.config.contains(key) && m.config[key].is_number_integer() ? m.config[key].get<int64_t>() : 0;
}

bool IsExperts(const std::string& module) {
  return module.find("Experts") != std::string::npos || module.find("Top2MLP") != std::string::npos;
}

// A Linear with a bias whose input the rules split (row-parallel).
bool RowParallelBias(const Plan& whole, const std::string& layer_path) {
  for (const analysis::PlanLayer& pl : whole.layers) {
    if (pl.path != layer_path) continue;
    bool bias = false;
    for (const auto& [name, text] : pl.parameters) bias = bias || (name == "bias" && text == "1");
    const std::string leaf = pl.name;
    return bias && (leaf == "dense" || leaf == "dense_4h_to_h" || leaf == "out_proj" || leaf == "fc2");
  }
  return false;
}

// How many times the layout holds a piece of the whole model that one GPU
// holds `per_gpu` of, in `count` instances, summed over the stages:
// `factor` x the whole, where factor is tp for what no rule splits, pp for
// what every stage runs (RoPE tables), and 1 for a true shard.
struct Tally {
  int stages = 0;
  int64_t count_sum = 0;
  bool every_stage_full = true;
  bool replicated = false;
  int64_t sum = 0;
};

int64_t Factor(const Tally& t, int64_t whole_count, const parallel::Layout& l, std::string* why) {
  int64_t f = t.replicated ? l.tp : 1;
  if (t.count_sum == whole_count) return f;
  if (t.stages == l.pp && t.every_stage_full) return f * l.pp;
  *why = "appears in " + std::to_string(t.stages) + " stages with " + std::to_string(t.count_sum) + " of " +
         std::to_string(whole_count) + " instances";
  return 0;
}

// Every operation's FLOPs, and every layer's parameters, summed over the GPUs
// of the layout, against the unsharded model.
void CheckShardsSum(const model::Model& m, const std::string& profile, const parallel::Layout& l, int* checked) {
  const int64_t vocab = ConfigInt(m, "vocab_size");
  if (vocab % l.tp != 0) return;  // a padded vocabulary shard is larger than its share
  // Fewer KV heads than tp are replicated (FewerKvHeadsThanTpAreReplicated).
  const int64_t kv_heads = ConfigInt(m, "num_key_value_heads");
  if (kv_heads > 0 && kv_heads < l.tp) return;
  const std::optional<std::vector<Plan>> stages = TryStages(m, profile, l);
  if (!stages) return;
  ++*checked;
  const std::string what = m.id + " " + profile + " " + parallel::LayoutText(l);
  const Plan whole = analysis::BuildPlan(m, EmbeddedDb(), profile);
  Scenario s;
  s.batch_size = 8;
  s.prompt_len = 256;
  s.profile = profile;
  Deployment d;
  d.layout = l;
  d.batch = s.batch_size;
  const Scenario gpu = StageScenario(s, d);
  const int64_t per_stage = l.StageGpus();
  // Each of the ep x dp attention replicas runs its share of the batch; a
  // layer no rule splits does on each what the whole model does on that
  // share (figures need not be linear in the batch: an MoE router's), while
  // experts split over ep see the whole batch's tokens between them.
  Scenario replica = s;
  replica.batch_size = d.BatchPerReplica();
  const int64_t replicas = l.ep * l.dp;
  for (Stage stage : {Stage::kPrefill, Stage::kDecode}) {
    const StageResult u = Evaluate(whole, s, stage);
    const StageResult ur = Evaluate(whole, replica, stage);
    std::map<std::pair<std::string, std::string>, Tally> ops;
    double replicated_flops = 0, all_flops = 0;
    for (const Plan& p : *stages) {
      const StageResult r = Evaluate(p, gpu, stage);
      for (size_t i = 0; i < p.ops.size(); ++i) {
        if (!p.ops[i].collective.empty()) {
          EXPECT_GT(p.ops[i].group_size, 1) << what;
          continue;
        }
        Tally& t = ops[{p.ops[i].layer, p.ops[i].op}];
        ++t.stages;
        t.count_sum += p.ops[i].count;
        t.replicated = p.ops[i].replicated;
        t.sum += static_cast<int64_t>(p.ops[i].count) * r.ops[i][db::kFlops] * per_stage;
        const double flops = static_cast<double>(p.ops[i].count) * static_cast<double>(r.ops[i][db::kFlops]);
        all_flops += flops;
        if (p.ops[i].replicated) replicated_flops += flops;
      }
    }
    // Replicated is read off the formulas (an operation naming no rewritten
    // parameter), so a layer a rule forgot would pass the sums above as
    // "replicated"; it cannot hide in this bound: what every GPU repeats
    // (norms, residual adds, RoPE, routers, MLA's latent projections) stays
    // a minor part of each GPU's work. MLA at tp=8 repeats the most: its
    // latent projections and router are 19% of DeepSeek-V3's per-GPU FLOPs
    // (why it is served with data-parallel attention); a forgotten MLP rule
    // would put over half there.
    if (l.tp > 1) {
      EXPECT_LT(replicated_flops, 0.25 * all_flops) << what << " " << analysis::StageName(stage);
    }
    for (size_t i = 0; i < whole.ops.size(); ++i) {
      const auto it = ops.find({whole.ops[i].layer, whole.ops[i].op});
      ASSERT_NE(it, ops.end()) << what << ": " << whole.ops[i].layer << "." << whole.ops[i].op << " is in no stage";
      Tally t = it->second;
      for (const Plan& p : *stages) {
        for (const analysis::PlanOp& op : p.ops) {
          if (op.layer == whole.ops[i].layer && op.op == whole.ops[i].op && op.count != whole.ops[i].count) {
            t.every_stage_full = false;
          }
        }
      }
      std::string why;
      const int64_t f = Factor(t, whole.ops[i].count, l, &why);
      ASSERT_GT(f, 0) << what << ": " << whole.ops[i].layer << "." << whole.ops[i].op << " " << why;
      const int64_t expected = IsExperts(whole.ops[i].module)
                                   ? f * whole.ops[i].count * u.ops[i][db::kFlops]
                                   : f * whole.ops[i].count * replicas * ur.ops[i][db::kFlops];
      // A row-parallel layer's bias (GPT-NeoX's dense, OPT's out_proj and
      // fc2) is held and added whole by every GPU after the all-reduce, as
      // Megatron-LM's RowParallelLinear does: tp - 1 extra copies of its
      // tokens x hidden additions.
      const int64_t tokens = s.batch_size * (stage == Stage::kPrefill ? s.prompt_len : 1);
      const int64_t bias_extra = RowParallelBias(whole, whole.ops[i].layer)
                                     ? (l.tp - 1) * whole.ops[i].count * tokens * ConfigInt(m, "hidden_size")
                                     : 0;
      EXPECT_TRUE(t.sum == expected + bias_extra) << what << " " << analysis::StageName(stage) << ": " << whole.ops[i].layer << "."
                                     << whole.ops[i].op << " FLOPs over the GPUs " << static_cast<double>(t.sum)
                                     << " vs " << static_cast<double>(expected);
    }
  }
  // Parameters: one stage's tp x ep GPUs hold each expert once and every
  // other layer ep times (attention is data-parallel over ep).
  std::map<std::string, Tally> layers;
  for (const Plan& p : *stages) {
    for (const analysis::PlanLayer& pl : p.layers) {
      ASSERT_TRUE(pl.params_const) << what << " " << pl.path;
      Tally& t = layers[pl.path];
      ++t.stages;
      t.count_sum += pl.count;
      t.replicated = pl.replicated;
      t.sum += static_cast<int64_t>(pl.count) * pl.params * l.tp * l.ep;
    }
  }
  for (const analysis::PlanLayer& pl : whole.layers) {
    if (pl.params == 0) continue;
    const auto it = layers.find(pl.path);
    ASSERT_NE(it, layers.end()) << what << ": layer " << pl.path << " is in no stage";
    Tally t = it->second;
    for (const Plan& p : *stages) {
      for (const analysis::PlanLayer& q : p.layers) {
        if (q.path == pl.path && q.count != pl.count) t.every_stage_full = false;
      }
    }
    std::string why;
    const int64_t f = Factor(t, pl.count, l, &why) * (IsExperts(pl.module) ? 1 : l.ep);
    ASSERT_GT(f, 0) << what << ": layer " << pl.path << " " << why;
    const int64_t bias_extra = RowParallelBias(whole, pl.path) ? (l.tp - 1) * pl.count * ConfigInt(m, "hidden_size") : 0;
    EXPECT_TRUE(t.sum == static_cast<int64_t>(f) * pl.count * pl.params + bias_extra)
        << what << ": layer " << pl.path << " parameters " << static_cast<double>(t.sum) << " vs " << f << " x "
        << pl.count * pl.params;
  }
}

const parallel::Layout kLayouts[] = {
    {2, 1, 1, 1}, {4, 1, 1, 1}, {8, 1, 1, 1}, {1, 2, 1, 1}, {2, 2, 1, 1}, {1, 3, 1, 1},
    {2, 1, 1, 2}, {1, 1, 2, 1}, {2, 1, 4, 1}, {1, 2, 8, 1}, {4, 2, 2, 1},
};

TEST(DeploymentTest, ShardsSumToTheWholeModelForEveryCatalogModel) {
  int checked = 0;
  for (const model::CatalogEntry& e : model::Catalog()) {
    const model::Model m = model::LoadModel(e.id);
    for (const std::string& profile : analysis::ProfileNames()) {
      for (const parallel::Layout& l : kLayouts) CheckShardsSum(m, profile, l, &checked);
    }
  }
  // 23 models x 3 profiles; every model but GPT-2's odd vocabulary takes tp=2.
  EXPECT_GT(checked, 400);
}

// A trivial layout builds the plan without sharding: the same operations and
// figures as no layout at all.
TEST(DeploymentTest, TrivialLayoutIsTheUnshardedPlan) {
  for (const char* id : {"meta-llama/Llama-2-7b-hf", "mistralai/Mixtral-8x7B-v0.1", "deepseek-ai/DeepSeek-V2-Lite"}) {
    const model::Model m = model::LoadModel(id);
    const std::vector<Plan> stages = BuildStagePlans(m, EmbeddedDb(), "fused", Rules(), parallel::Layout{});
    ASSERT_EQ(stages.size(), 1u);
    const Plan whole = analysis::BuildPlan(m, EmbeddedDb(), "fused");
    ASSERT_EQ(stages[0].ops.size(), whole.ops.size()) << id;
    Scenario s;
    for (Stage stage : {Stage::kPrefill, Stage::kDecode}) {
      EXPECT_EQ(Evaluate(stages[0], s, stage).ops, Evaluate(whole, s, stage).ops) << id;
    }
    for (const analysis::PlanOp& op : stages[0].ops) EXPECT_FALSE(op.replicated);
  }
}

// Llama-2-7b at tp=2, hand-derived: each GPU holds half of every projection
// (32 heads -> 16) and the norms whole, so 6,738,415,616 parameters become
// (6,738,415,616 - 266,240) / 2 + 266,240 = 3,369,340,928 per GPU (65
// RMSNorms of 4,096). Attention's output and the MLP's are all-reduced: a
// decode step of batch 1 sends 4,096 x 2 bytes each, 32 layers.
TEST(DeploymentTest, LlamaTensorParallelHandDerived) {
  const model::Model m = model::LoadModel("meta-llama/Llama-2-7b-hf");
  const std::vector<Plan> stages = BuildStagePlans(m, EmbeddedDb(), "fused", Rules(), parallel::Layout{2, 1, 1, 1});
  Scenario s;
  s.prompt_len = 1024;
  EXPECT_EQ(analysis::Evaluator(stages[0]).Parameters(s), 3369340928);
  const StageResult r = Evaluate(stages[0], s, Stage::kDecode);
  const analysis::Metrics ar = analysis::testing::OpFigures(stages[0], r, "model.layers.self_attn.o_proj", "all_reduce");
  EXPECT_EQ(ar[db::kReadsActivations], 8192);
  EXPECT_EQ(ar[db::kWritesActivations], 8192);
  EXPECT_EQ(ar[db::kFlops], 0);
  const analysis::Metrics q = analysis::testing::OpFigures(stages[0], r, "model.layers.self_attn.q_proj", "linear");
  EXPECT_EQ(q[db::kFlops], 2 * 4096 * 2048);
  // The cache holds 16 of the 32 heads: 1,024 tokens x 16 x 128 x 2 (K, V) x 2 bytes x 32 layers.
  EXPECT_EQ(analysis::MemoryFootprint(stages[0], s, 1024).kv_cache_bytes, int64_t{1024} * 16 * 128 * 2 * 2 * 32);
  int comm = 0;
  for (const analysis::PlanOp& op : stages[0].ops) {
    if (op.collective.empty()) continue;
    ++comm;
    EXPECT_EQ(op.kind, "communication");
    EXPECT_EQ(op.group, "tp");
    EXPECT_EQ(op.group_size, 2);
  }
  EXPECT_EQ(comm, 4);  // embedding, attention, MLP, logits
}

// Llama-3-8B has 8 KV heads: at tp=16 each GPU keeps one, shared by two
// GPUs, so its cache is 1/8 of the whole, not 1/16, while the query heads
// split 16 ways.
TEST(DeploymentTest, FewerKvHeadsThanTpAreReplicated) {
  const model::Model m = model::LoadModel("meta-llama/Meta-Llama-3-8B");
  const Plan whole = analysis::BuildPlan(m, EmbeddedDb(), "fused");
  const std::vector<Plan> tp16 = BuildStagePlans(m, EmbeddedDb(), "fused", Rules(), parallel::Layout{16, 1, 1, 1});
  Scenario s;
  s.prompt_len = 512;
  EXPECT_EQ(analysis::MemoryFootprint(tp16[0], s, 512).kv_cache_bytes * 8,
            analysis::MemoryFootprint(whole, s, 512).kv_cache_bytes);
  const StageResult r = Evaluate(tp16[0], s, Stage::kPrefill), u = Evaluate(whole, s, Stage::kPrefill);
  const auto flops = [&](const Plan& p, const StageResult& st, const char* layer) {
    return analysis::testing::OpFigures(p, st, layer, "linear")[db::kFlops];
  };
  EXPECT_EQ(flops(tp16[0], r, "model.layers.self_attn.q_proj") * 16, flops(whole, u, "model.layers.self_attn.q_proj"));
  EXPECT_EQ(flops(tp16[0], r, "model.layers.self_attn.k_proj") * 8, flops(whole, u, "model.layers.self_attn.k_proj"));
}

std::string LayoutError(const char* id, const parallel::Layout& l) {
  try {
    BuildStagePlans(model::LoadModel(id), EmbeddedDb(), "fused", Rules(), l);
  } catch (const Error& e) {
    return e.Line();
  }
  return "(no error)";
}

TEST(DeploymentTest, LayoutsAModelCannotTakeNameTheRule) {
  EXPECT_EQ(LayoutError("meta-llama/Llama-2-7b-hf", {3, 1, 1, 1}),
            "tp: tp=3 does not divide the 32 attention heads of 'model.layers.self_attn' "
            "(transformers.models.llama.modeling_llama.LlamaAttention); use tp dividing 32");
  EXPECT_EQ(LayoutError("Qwen/Qwen2.5-7B", {7, 1, 1, 1}),
            "tp: tp=7 neither divides nor is a multiple of the 4 key/value heads of 'model.layers.self_attn' "
            "(transformers.models.llama.modeling_llama.LlamaAttention); use tp dividing 4 or a multiple of it");
  EXPECT_EQ(LayoutError("mistralai/Mixtral-8x7B-v0.1", {1, 1, 3, 1}),
            "ep: ep=3 does not divide the 8 routed experts of 'model.layers.block_sparse_moe.experts' "
            "(transformers.models.mixtral.modeling_mixtral.MixtralBlockSparseTop2MLP); use ep dividing 8");
  EXPECT_EQ(LayoutError("meta-llama/Llama-2-7b-hf", {1, 1, 2, 1}),
            "ep: meta-llama/Llama-2-7b-hf has no routed experts to split; use ep=1 (dp replicates a dense model)");
  EXPECT_EQ(LayoutError("meta-llama/Llama-3.2-1B", {1, 17, 1, 1}),
            "pp: asks for 17 pipeline stages but the model has 16 decoder layers; use at most 16");
}

// A communication operation's time is the alpha-beta cost over its tier:
// 8,192 bytes all-reduced over 2 GPUs of an HGX H100 node by ring, 2 steps
// of 1 us and 8,192 bytes each way at 450 GB/s (the tree, 2 steps and
// 16,384 bytes, is slower).
TEST(DeploymentTest, CollectiveTimeIsAlphaBeta) {
  const model::Model m = model::LoadModel("meta-llama/Llama-2-7b-hf");
  const std::vector<Plan> stages = BuildStagePlans(m, EmbeddedDb(), "fused", Rules(), parallel::Layout{2, 1, 1, 1});
  const hardware::Catalog devices = hardware::Catalog::Embedded();
  const hardware::ClusterCatalog clusters = hardware::ClusterCatalog::Embedded();
  const hardware::Cluster& c = clusters.Get("HGX-H100-8");
  hardware::Timing t;
  SetCommTiers(c, parallel::Layout{2, 1, 1, 1}, &t);
  Scenario s;
  const StageResult r = Evaluate(stages[0], s, Stage::kDecode);
  const hardware::RooflineStage roof = hardware::Roofline(stages[0], r, devices.Get("h100"), s, t);
  bool found = false;
  for (size_t i = 0; i < stages[0].ops.size(); ++i) {
    if (stages[0].ops[i].layer != "model.layers.self_attn.o_proj" || stages[0].ops[i].op != "all_reduce") continue;
    found = true;
    EXPECT_DOUBLE_EQ(roof.ops[i].time_s, 2 * 1e-6 + 8192 / 450e9);
    EXPECT_EQ(roof.ops[i].bound, hardware::Bound::kNetwork);
  }
  EXPECT_TRUE(found);
  // Without a cluster there is nothing to time it on.
  try {
    hardware::Roofline(stages[0], r, devices.Get("h100"), s, hardware::Timing{});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "cluster");
  }
}

// Two stages, two microbatches of 4 of the 8 sequences: the prefill is
// t0 + t1 + max(t0, t1), decode max(d0 + d1, 2 max(d0, d1)).
TEST(DeploymentTest, PipelineScheduleSumsStagesPlusBubble) {
  const model::Model m = model::LoadModel("meta-llama/Llama-2-13b-hf");
  const parallel::Layout l{1, 2, 1, 1};
  const std::vector<Plan> stages = BuildStagePlans(m, EmbeddedDb(), "fused", Rules(), l);
  ASSERT_EQ(stages.size(), 2u);
  EXPECT_EQ(stages[0].stage_layers, 20);
  EXPECT_EQ(stages[1].stage_layers, 20);
  const hardware::Catalog devices = hardware::Catalog::Embedded();
  const hardware::Device& dev = devices.Get("a100");
  hardware::Timing t;
  SetCommTiers(hardware::ClusterCatalog::Embedded().Get("HGX-A100-8"), l, &t);
  Scenario s;
  s.batch_size = 8;
  s.prompt_len = 512;
  Deployment d;
  d.layout = l;
  d.batch = 8;
  d.microbatches = 2;
  Scenario mb = s;
  mb.batch_size = 4;
  const GenerateResult g0 = Generate(stages[0], mb, 64, dev, t), g1 = Generate(stages[1], mb, 64, dev, t);
  const GenerateResult g = GenerateDeployed(stages, s, 64, dev, t, d);
  EXPECT_DOUBLE_EQ(g.ttft_s, g0.ttft_s + g1.ttft_s + std::max(g0.ttft_s, g1.ttft_s));
  EXPECT_DOUBLE_EQ(g.decode_s, std::max(g0.decode_s + g1.decode_s, 2 * std::max(g0.decode_s, g1.decode_s)));
  EXPECT_DOUBLE_EQ(g.tokens_per_s, 8 * 64 / g.e2e_s);
  // Only the first stage sends: its activations, 4 x 512 x 5,120 x 2 bytes in prefill.
  const StageResult r0 = Evaluate(stages[0], mb, Stage::kPrefill);
  EXPECT_EQ(analysis::testing::OpFigures(stages[0], r0, "model", "send")[db::kReadsActivations],
            int64_t{4} * 512 * 5120 * 2);
  for (const analysis::PlanOp& op : stages[1].ops) EXPECT_NE(op.op, "send");
}

// Issue 14's targets: DeepSeek-V3 with 8-bit weights fits one 8 x H200 node
// under ep=8 (and not one H200), Llama-3.1-405B fits two 8 x H100 nodes under
// tp=8 x pp=2 (and not one node at tp=8).
TEST(DeploymentTest, LargeModelsFitWhereTheyAreServed) {
  const hardware::Catalog devices = hardware::Catalog::Embedded();
  const auto fits = [&](const char* id, const parallel::Layout& l, const char* device, int w_bits) {
    const model::Model m = model::LoadModel(id);
    const std::vector<Plan> stages = BuildStagePlans(m, EmbeddedDb(), "flash", Rules(), l);
    Scenario s;
    s.batch_size = 8;
    s.prompt_len = 2048;
    s.w_bits = w_bits;
    s.profile = "flash";
    Deployment d;
    d.layout = l;
    d.batch = 8;
    const analysis::Footprint f = DeviceFootprint(stages, s, d, analysis::RequestContextLen(2048, 256));
    return f.total_bytes <= devices.Get(device).dram_bytes;
  };
  EXPECT_TRUE(fits("deepseek-ai/DeepSeek-V3", {1, 1, 8, 1}, "h200", 8));
  EXPECT_FALSE(fits("deepseek-ai/DeepSeek-V3", {1, 1, 1, 1}, "h200", 8));
  EXPECT_TRUE(fits("meta-llama/Llama-3.1-405B", {8, 2, 1, 1}, "h100", 16));
  EXPECT_FALSE(fits("meta-llama/Llama-3.1-405B", {8, 1, 1, 1}, "h100", 16));
}

TEST(DeploymentTest, NodesMustHoldTheLayout) {
  const hardware::ClusterCatalog clusters = hardware::ClusterCatalog::Embedded();
  const hardware::Cluster& c = clusters.Get("HGX-H100-8");
  EXPECT_EQ(NodesFor(c, parallel::Layout{8, 2, 1, 1}, 0), 2);
  EXPECT_EQ(NodesFor(c, parallel::Layout{2, 1, 1, 1}, 3), 3);
  try {
    NodesFor(c, parallel::Layout{8, 2, 1, 1}, 1);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(), "nodes: tp=8,pp=2 needs 16 GPUs, but 1 node of HGX-H100-8 holds 8; use at least 2");
  }
  // tp within a node rides NVLink; a pipeline over two nodes sends over the network.
  hardware::Timing t;
  SetCommTiers(c, parallel::Layout{8, 2, 1, 1}, &t);
  EXPECT_EQ(t.comm_tiers.at("tp").bandwidth_bytes_per_s, 450e9);
  EXPECT_EQ(t.comm_tiers.at("pp").bandwidth_bytes_per_s, 50e9);
}

}  // namespace
}  // namespace lmp::request
