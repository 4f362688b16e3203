// Runs the real lmp binary against a user database: module add | remove |
// import | analyze (with tests/scripted_agent.sh as the agent), concurrent
// writers, and analyze --analyze-missing.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "analysis/module_eval.h"
#include "db/module_db.h"
#include "util/json_file.h"

namespace {

namespace fs = std::filesystem;

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

std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

// A fresh directory per test; lmp runs in it, so paths in messages are short.
class ModuleAgentCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) / ("lmp_agent_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Result Lmp(const std::string& args) {
    const std::string out = (dir_ / "out.txt").string(), err = (dir_ / "err.txt").string();
    const std::string cmd = "cd '" + dir_.string() + "' && '" + LMP_BINARY + "' " + args + " > '" + out + "' 2> '" +
                            err + "' < /dev/null";
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(out), Slurp(err)};
  }
  std::string Agent(const std::string& mode) {
    return std::string("--agent '") + LMP_SOURCE_DIR + "/tests/scripted_agent.sh " + mode + "'";
  }
  std::string Path(const std::string& name) { return (dir_ / name).string(); }
  lmp::Json Db() { return lmp::LoadJsonFile(Path("db.json")); }

  fs::path dir_;
};

TEST_F(ModuleAgentCliTest, GoodAnswerIsStoredWithProvenanceThenCached) {
  Result r = Lmp("module analyze my.nn.Scale " + Agent("good") + " --db-file db.json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(FirstLine(r.out),
            "stored my.nn.Scale as my_Scale in db.json after 1 round (diagnostics: db.json.diagnostics.jsonl)");
  const lmp::Json p = Db()["modules"]["my_Scale"]["provenance"];
  EXPECT_EQ(p["author"], "agent");
  EXPECT_EQ(p["rounds"], 1);
  EXPECT_EQ(p["source"], "(no source given)");
  EXPECT_NE(p["agent_command"].get<std::string>().find("scripted_agent.sh good"), std::string::npos);
  EXPECT_EQ(p["date"].get<std::string>().size(), 10u);
  // Diagnostics hold the round, never the database.
  EXPECT_EQ(Db().dump().find("\"request\""), std::string::npos);
  EXPECT_NE(Slurp(Path("db.json.diagnostics.jsonl")).find("\"round\":1"), std::string::npos);

  r = Lmp("module analyze my.nn.Scale " + Agent("garbage") + " --db-file db.json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(FirstLine(r.out),
            "my.nn.Scale is already in the database (db.json); not analyzed (--force analyzes it again)");
  // An embedded class is cached too.
  r = Lmp("module analyze torch.nn.Linear " + Agent("garbage") + " --db-file db.json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(ModuleAgentCliTest, JsonInProseIsStored) {
  const Result r = Lmp("module analyze my.nn.Prose " + Agent("prose") + " --db-file db.json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Db()["modules"].contains("my_Prose"));
}

TEST_F(ModuleAgentCliTest, UnknownParameterIsRepairedInRoundTwo) {
  const Result r = Lmp("module analyze my.nn.Rep " + Agent("repair") + " --db-file db.json --diagnostics diag.jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(FirstLine(r.out), "stored my.nn.Rep as my_Rep in db.json after 2 rounds (diagnostics: diag.jsonl)");
  EXPECT_EQ(Db()["modules"]["my_Rep"]["provenance"]["rounds"], 2);
  // Round 2's request carried round 1's fault back to the agent.
  std::istringstream diag(Slurp(Path("diag.jsonl")));
  std::string line1, line2;
  std::getline(diag, line1);
  std::getline(diag, line2);
  const lmp::Json round2 = lmp::Json::parse(line2);
  ASSERT_EQ(round2["request"]["errors"].size(), 1u);
  EXPECT_NE(round2["request"]["errors"][0].get<std::string>().find("unknown parameter {num_element}"),
            std::string::npos);
  EXPECT_FALSE(round2["request"]["previous_answer"].get<std::string>().empty());
}

TEST_F(ModuleAgentCliTest, GarbageEveryRoundFailsAndLeavesTheDatabaseByteIdentical) {
  ASSERT_EQ(Lmp("module analyze my.nn.Scale " + Agent("good") + " --db-file db.json").exit_code, 0);
  const std::string before = Slurp(Path("db.json"));
  const Result r = Lmp("module analyze my.nn.Garb " + Agent("garbage") + " --db-file db.json --max-rounds 2");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(FirstLine(r.err),
            "lmp: error: my.nn.Garb: the agent gave no valid entry in 2 round(s); last fault: no '{...}' span in the "
            "answer parses as JSON; answer with one valid JSON object, no comments or trailing commas; diagnostics in db.json.diagnostics.jsonl; "
            "the database is unchanged");
  EXPECT_EQ(Slurp(Path("db.json")), before);
}

TEST_F(ModuleAgentCliTest, CompositeCallingItsSubLayerIsRejected) {
  const Result r = Lmp("module analyze my.nn.Block " + Agent("subcall") +
                       " --sub-layers proj=torch.nn.Linear --db-file db.json --max-rounds 1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("calls ${torch.nn.Linear}, the class of sub-layer 'proj'"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(Path("db.json")));
}

TEST_F(ModuleAgentCliTest, HangingAgentIsKilledAtTheTimeout) {
  const auto start = std::chrono::steady_clock::now();
  const Result r = Lmp("module analyze my.nn.Hang " + Agent("hang") + " --db-file db.json --timeout 1");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(FirstLine(r.err),
            "lmp: error: --agent: agent command timed out after 1 s and was killed (round 1 for my.nn.Hang); raise "
            "--timeout or check the command; diagnostics in db.json.diagnostics.jsonl");
  EXPECT_LT(seconds, 10.0);  // the agent sleeps 30 s
  EXPECT_FALSE(fs::exists(Path("db.json")));
}

TEST_F(ModuleAgentCliTest, FailingAgentAndMissingAgentAreErrors) {
  Result r = Lmp("module analyze my.nn.F " + Agent("fail") + " --db-file db.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(FirstLine(r.err),
            "lmp: error: --agent: agent command exited with status 3 (round 1 for my.nn.F): agent: no API key; check "
            "the command; diagnostics in db.json.diagnostics.jsonl");
  r = Lmp("module analyze my.nn.F --db-file db.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(FirstLine(r.err),
            "lmp: error: --agent: no agent command; give --agent \"COMMAND\" or set LMP_AGENT (see docs/agents.md)");
}

// "eI.json", built without `"e" + std::to_string(i)`, which trips GCC 12's
// -Wrestrict false positive.
std::string FileFor(int i) { return fmt::format("e{}.json", i); }

TEST_F(ModuleAgentCliTest, EightConcurrentAddsLoseNoEntry) {
  for (int i = 0; i < 8; ++i) {
    std::ofstream(Path(FileFor(i)))
        << R"({"schema": "lmp.module-db/1", "modules": {"my_E)" << i << R"(": {"full_class_name": "my.nn.E)" << i
        << R"(", "parameters": [{"name": "n", "description": "elements"}], "parameter_count": 0,
           "operations": [{"name": "op", "kind": "elementwise", "flops": "{n}"}]}}})";
  }
  std::vector<pid_t> pids;
  for (int i = 0; i < 8; ++i) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      if (::chdir(dir_.c_str()) != 0) ::_exit(126);
      const std::string file = FileFor(i);
      ::execl(LMP_BINARY, "lmp", "module", "add", file.c_str(), "--db-file", "db.json", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  const lmp::Json mods = Db()["modules"];
  EXPECT_EQ(mods.size(), 8u);
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(mods.contains("my_E" + std::to_string(i))) << i;
}

TEST_F(ModuleAgentCliTest, AddAndRemove) {
  const std::string ok = std::string(LMP_SOURCE_DIR) + "/tests/data/formula_ok.json";
  Result r = Lmp("module add '" + ok + "' --db-file db.json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(FirstLine(r.out), "added 1 entry to db.json");
  r = Lmp("module remove my.mod.Scale --db-file db.json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(FirstLine(r.out), "removed my.mod.Scale from db.json");
  EXPECT_TRUE(Db()["modules"].empty());
  EXPECT_TRUE(fs::exists(Path("db.json.bak")));
  r = Lmp("module remove my.mod.Scale --db-file db.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(FirstLine(r.err),
            "lmp: error: db.json: no entry 'my.mod.Scale' to remove; give an entry key, full class name or alias "
            "(see 'lmp module list --db db.json')");
  r = Lmp("module remove my.mod.Scale");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(FirstLine(r.err), "lmp: error: --db-file: no user database given; pass --db-file FILE or set LMP_DB");
}

TEST_F(ModuleAgentCliTest, SeedImportAgreesWithOurLinear) {
  const std::string seed = std::string(LMP_SOURCE_DIR) + "/tests/data/seed_module_db.json";
  const Result r = Lmp("module import '" + seed + "' -o imported.json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(FirstLine(r.out), "imported 5 of 7 entries into imported.json");
  EXPECT_NE(r.err.find("/transformers_LlamaSdpaAttention/operations/0/flops, col 6: unexpected 'G'"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("/broken_NoFormula: no \"flop_analysis.calculation_formula\"; not converted"),
            std::string::npos);
  const lmp::Json doc = lmp::LoadJsonFile(Path("imported.json"));
  EXPECT_EQ(doc["modules"]["torch_Linear"]["provenance"]["generated_class_name"], "TorchLinear");
  EXPECT_EQ(doc["modules"]["transformers_LlamaRMSNorm"]["operations"].size(), 2u);  // forward + intermediates

  const lmp::db::ModuleDb ours = lmp::db::ModuleDb::Embedded();
  lmp::db::ModuleDb theirs = lmp::db::ModuleDb::Embedded();
  theirs.AddFile(Path("imported.json"));
  theirs.Check();
  const lmp::db::Module& mine = ours.Get("torch.nn.modules.linear.Linear");
  const lmp::db::Module& imported = theirs.Get("torch.nn.modules.linear.Linear");
  ASSERT_EQ(imported.file, Path("imported.json"));
  for (const auto& [n, in, out] : {std::tuple{1, 4096, 4096}, {2048, 4096, 11008}, {7, 3, 5}}) {
    const std::vector<std::pair<std::string, std::string>> sizes = {
        {"N", std::to_string(n)}, {"in_features", std::to_string(in)}, {"out_features", std::to_string(out)}};
    auto with_bias = sizes;
    with_bias.emplace_back("bias", "1");  // the seed's Linear always has a bias
    const auto a = lmp::analysis::EvaluateModule(ours, mine, with_bias, lmp::analysis::Scenario{});
    const auto b = lmp::analysis::EvaluateModule(theirs, imported, sizes, lmp::analysis::Scenario{});
    using lmp::db::Metric;
    EXPECT_EQ(a.totals[Metric::kFlops], b.totals[Metric::kFlops]);
    EXPECT_EQ(a.totals[Metric::kReadsWeights] + a.totals[Metric::kReadsActivations],
              b.totals[Metric::kReadsWeights] + b.totals[Metric::kReadsActivations]);
    EXPECT_EQ(a.totals[Metric::kWritesActivations], b.totals[Metric::kWritesActivations]);
  }
}

TEST_F(ModuleAgentCliTest, SeedImportOfNothingFails) {
  std::ofstream(Path("bad_seed.json")) << R"({"x_Y": {"full_class_name": "x.Y"}})";
  const Result r = Lmp("module import bad_seed.json -o out.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(FirstLine(r.err), "lmp: warning: bad_seed.json: /x_Y: no \"flop_analysis.calculation_formula\"; not converted");
  EXPECT_NE(r.err.find("lmp: error: bad_seed.json: no entry could be converted"), std::string::npos);
  EXPECT_FALSE(fs::exists(Path("out.json")));
}

TEST_F(ModuleAgentCliTest, AnalyzeMissingAgentStoresAndContinues) {
  const std::string model = std::string(LMP_SOURCE_DIR) + "/tests/data/unknown_class.json";
  Result r = Lmp("analyze '" + model + "' --seq 4 --stage prefill --format csv --analyze-missing agent " +
                 Agent("good") + " --db-file db.json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(FirstLine(r.err), "lmp: torch.nn.modules.rnn.LSTM is not in the database; asking the agent");
  EXPECT_TRUE(Db()["modules"].contains("torch_LSTM"));
  // Cached: the next run needs no agent.
  r = Lmp("analyze '" + model + "' --seq 4 --stage prefill --analyze-missing agent --agent false --db-file db.json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Lmp("analyze '" + model + "' --analyze-missing trace");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(FirstLine(r.err),
            "lmp: error: --trace-config: --analyze-missing trace needs --trace-config DIR, holding CLASS.json for "
            "each class to trace (docs/conventions.md#trace-configs)");
}

}  // namespace
