"""`lmp module trace` end to end, through the lmp binary.

Derives entries for torch.nn.GELU, torch.nn.LayerNorm,
torch.nn.MultiheadAttention and the reference blocks (the Mixtral block with
its expert loop folded), and checks that the derived formulas agree with the
hand-written entries wherever both exist, operation by operation, at sizes
other than the ones traced (eager profile). Also: cache-first lookup,
--force, and the errors.

Usage: derive_test.py LMP_BINARY (LMP_PYTHON: a python with torch)
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CONFIGS = os.path.join(HERE, "configs")
LMP = None


def lmp(*args, db=None, check=True):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "tests", "reference"))
    cmd = [LMP] + list(args) + (["--db", db] if db and args[0] == "module" and args[1] == "eval" else [])
    run = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if check and run.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)}: exit {run.returncode}: {run.stderr}")
    return run


def figures(op):
    return (op["flops"], op["reads"]["weights"], op["reads"]["activations"] + op["reads"]["kv_cache"],
            op["writes"]["activations"] + op["writes"]["kv_cache"])


def evaluate(name, params, db=None):
    out = lmp("module", "eval", name, "--profile", "eager", "--format", "json",
              *[f"{k}={v}" for k, v in params.items()], db=db).stdout
    doc = json.loads(out)
    return doc, [figures(op) for op in doc["operations"] if any(figures(op))]


class DeriveTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "traced.json")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def trace(self, cls, config, *extra):
        run = lmp("module", "trace", cls, "--config", os.path.join(CONFIGS, config), "--db-file", self.db,
                  "--force", *extra)
        self.assertIn("formulas checked at a second set of sizes", run.stdout)
        return run

    def assert_agree(self, derived, derived_params, written, written_params):
        doc_d, ops_d = evaluate(derived, derived_params, db=self.db)
        doc_w, ops_w = evaluate(written, written_params)
        self.assertEqual(ops_d, ops_w, f"{derived} {derived_params} vs {written} {written_params}")
        self.assertEqual(doc_d["parameters"], doc_w["parameters"])
        self.assertGreater(len(ops_d), 0)

    def test_gelu_agrees_with_torch_gelu(self):
        self.trace("torch.nn.GELU", "gelu.json")
        for b, s, w in ((2, 3, 5), (4, 1, 64), (3, 7, 10)):
            self.assert_agree("torch.nn.GELU", dict(batch_size=b, seq_len=s, width=w),
                              "torch_GELU", dict(num_elements=b * s * w))

    def test_layer_norm_agrees_with_torch_layer_norm(self):
        self.trace("torch.nn.LayerNorm", "layer_norm.json")
        for b, s, h in ((2, 3, 8), (5, 1, 64), (3, 9, 10)):
            self.assert_agree("torch.nn.LayerNorm", dict(batch_size=b, seq_len=s, hidden_size=h),
                              "torch_LayerNorm", dict(num_tokens=b * s, hidden_size=h))

    def test_multihead_attention_matches_hand_derived_figures(self):
        self.trace("torch.nn.MultiheadAttention", "multihead_attention.json")
        b, s, k, h, d = 2, 3, 5, 4, 8
        e = h * d
        doc, _ = evaluate("torch.nn.MultiheadAttention",
                          dict(batch_size=b, seq_len=s, kv_len=k, num_heads=h, head_dim=d), db=self.db)
        # in_proj (3E^2 + 3E) and out_proj (E^2 + E).
        self.assertEqual(doc["parameters"], 4 * e * e + 4 * e)
        ops = {op["op"]: op for op in doc["operations"]}
        # q projection: a GEMM [B*S, E] x [E, E]; k and v over kv_len rows.
        self.assertEqual(ops["mm"]["flops"], 2 * b * s * e * e)
        self.assertEqual(ops["mm_2"]["flops"], 2 * b * k * e * e)
        # scores and values: 2 * B*H * S * kv_len * D each; softmax 5 per score.
        self.assertEqual(ops["bmm"]["flops"], 2 * b * h * s * k * d)
        self.assertEqual(ops["bmm_2"]["flops"], 2 * b * h * s * k * d)
        self.assertEqual(ops["softmax"]["flops"], 5 * b * h * s * k)
        # out_proj with its bias in the GEMM: 2*M*N*K + M*N.
        self.assertEqual(ops["addmm"]["flops"], 2 * b * s * e * e + b * s * e)
        self.assertEqual(ops["addmm"]["reads"]["weights"], (e * e + e) * 2)

    def test_llama_decoder_layer_agrees(self):
        self.trace("llama.LlamaDecoderLayer", "llama_decoder_layer.json", "--sub-layers", "all")
        for b, s, h in ((2, 3, 8), (3, 5, 12), (4, 2, 6)):
            self.assert_agree("llama.LlamaDecoderLayer",
                              dict(batch_size=b, seq_len=s, hidden_size=h, num_kv_heads=2, groups=2, head_dim=4,
                                   intermediate_size=10),
                              "transformers_LlamaDecoderLayer", dict(num_tokens=b * s, hidden_size=h))

    def test_llama_attention_agrees_with_the_eager_profile(self):
        self.trace("llama.LlamaAttention", "llama_attention.json", "--sub-layers", "q_proj,k_proj,v_proj,o_proj")
        # The traced sizes have q_len > 1 and grouped heads, so the derived
        # entry is that case's: compare there.
        for b, s, kv, g, d in ((2, 3, 2, 2, 4), (3, 5, 1, 4, 6), (2, 7, 3, 3, 8)):
            self.assert_agree("llama.LlamaAttention",
                              dict(batch_size=b, seq_len=s, hidden_size=16, num_kv_heads=kv, groups=g, head_dim=d),
                              "transformers_LlamaAttention",
                              dict(batch_size=b, seq_len=s, kv_len=s, num_heads=kv * g, num_kv_heads=kv, head_dim=d))

    def test_llama_sdpa_attention_agrees_with_the_eager_profile(self):
        # The SDPA form: one attention kernel where the eager form has six,
        # and no mask (transformers passes is_causal instead).
        db = os.path.join(self.tmp.name, "sdpa.json")
        run = lmp("module", "trace", "llama.LlamaAttention", "--config",
                  os.path.join(CONFIGS, "llama_sdpa_attention.json"), "--sub-layers", "q_proj,k_proj,v_proj,o_proj",
                  "--db-file", db, "--force")
        self.assertIn("formulas checked at a second set of sizes", run.stdout)
        for b, s, kv, g, d in ((2, 3, 2, 2, 4), (3, 5, 1, 4, 6), (2, 7, 3, 3, 8)):
            doc_d, ops_d = evaluate("llama.LlamaAttention",
                                    dict(batch_size=b, seq_len=s, hidden_size=16, num_kv_heads=kv, groups=g,
                                         head_dim=d), db=db)
            doc_w, ops_w = evaluate("transformers_LlamaSdpaAttention",
                                    dict(batch_size=b, seq_len=s, kv_len=s, num_heads=kv * g, num_kv_heads=kv,
                                         head_dim=d))
            self.assertEqual(ops_d, ops_w, (b, s, kv, g, d))
            self.assertEqual(doc_d["parameters"], doc_w["parameters"])
            self.assertIn("scaled_dot_product_attention", [op["op"] for op in doc_d["operations"]][-2])

    def test_gpt2_block_agrees(self):
        self.trace("gpt2.GPT2Block", "gpt2_block.json", "--sub-layers", "all")
        for b, s, h, d in ((2, 3, 4, 8), (3, 1, 2, 6), (2, 5, 3, 4)):
            self.assert_agree("gpt2.GPT2Block",
                              dict(batch_size=b, seq_len=s, num_heads=h, head_dim=d, intermediate_size=4 * h * d),
                              "transformers_GPT2Block", dict(num_tokens=b * s, hidden_size=h * d))

    def mixtral_sizes(self):
        # (batch, seq, hidden, intermediate, top_k, experts): tokens * top_k
        # >= experts, as in a step that hits every expert.
        return ((2, 3, 8, 10, 2, 4), (3, 5, 12, 6, 3, 7), (2, 2, 6, 4, 1, 3))

    def test_mixtral_block_agrees_with_every_expert_hit(self):
        # The expert loop folds into one operation per body position,
        # summed over the experts; it equals the hand-written entry where
        # the routing hits every expert.
        self.trace("mixtral.MixtralSparseMoeBlock", "mixtral_moe_block.json", "--sub-layers", "gate,experts")
        for b, s, h, i, k, e in self.mixtral_sizes():
            self.assert_agree("mixtral.MixtralSparseMoeBlock",
                              dict(batch_size=b, seq_len=s, hidden_size=h, intermediate_size=i, top_k=k,
                                   num_experts=e),
                              "transformers_MixtralSparseMoeBlock",
                              dict(num_tokens=b * s, hidden_size=h, num_experts=e, top_k=k, experts_touched=e))

    def test_mixtral_block_with_its_experts_inline(self):
        # Experts not a sub-layer: their kernels sit in the loop body, the
        # weights read once per expert, and the parameters count E times.
        self.trace("mixtral.MixtralSparseMoeBlock", "mixtral_moe_block.json", "--sub-layers", "gate")
        for b, s, h, i, k, e in self.mixtral_sizes():
            doc, ops = evaluate("mixtral.MixtralSparseMoeBlock",
                                dict(batch_size=b, seq_len=s, hidden_size=h, intermediate_size=i, top_k=k,
                                     num_experts=e), db=self.db)
            moe = dict(num_tokens=b * s, hidden_size=h, num_experts=e, top_k=k, experts_touched=e)
            block_doc, block = evaluate("transformers_MixtralSparseMoeBlock", moe)
            experts_doc, experts = evaluate("transformers_MixtralBlockSparseTop2MLP",
                                            dict(moe, intermediate_size=i))
            # The block's gather of the expert's tokens comes just before the
            # expert; the lmp experts entry lists w1, w3 before SiLU, the
            # trace runs w1, SiLU, w3.
            split = [op["op"] for op in block_doc["operations"] if any(figures(op))].index("gather_tokens") + 1
            experts = [experts[0], experts[2], experts[1], experts[3], experts[4]]
            self.assertEqual(ops, block[:split] + experts + block[split:], (b, s, h, i, k, e))
            self.assertEqual(doc["parameters"], 3 * h * i * e)
            self.assertEqual(doc["parameters"], experts_doc["parameters"])

    def test_mixtral_block_with_an_expert_left_out_is_refused(self):
        # 64 experts, one per token, 11 * 13 tokens: some expert gets none,
        # so the loop's trip count is data.
        run = lmp("module", "trace", "mixtral.MixtralSparseMoeBlock", "--config",
                  os.path.join(CONFIGS, "mixtral_moe_block.json"), "--sub-layers", "gate,experts",
                  "--init", "num_experts=64", "--init", "top_k=1", "--db-file", self.db, "--force", check=False)
        self.assertEqual(run.returncode, 2)
        self.assertEqual(len(run.stderr.strip().splitlines()), 1, run.stderr)
        self.assertRegex(run.stderr, r"the loop over experts ran \d+ of its 64 elements: which ones run depends "
                                     r"on the data; choose sizes at which every element runs")

    def test_cache_first_runs_no_python(self):
        db = os.path.join(self.tmp.name, "cache.json")
        run = lmp("module", "trace", "torch.nn.GELU", "--config", os.path.join(CONFIGS, "gelu.json"),
                  "--db-file", db, "--python", "/bin/false")
        self.assertIn("is already in the database (<embedded>/modules/torch.json); not traced", run.stdout)
        self.assertFalse(os.path.exists(db))
        run = lmp("module", "trace", "torch.nn.GELU", "--config", os.path.join(CONFIGS, "gelu.json"),
                  "--db-file", db, "--python", "/bin/false", "--force", check=False)
        self.assertEqual(run.returncode, 2)
        self.assertIn("/bin/false could not run the tracer (exit 1)", run.stderr)

    def test_stored_entry_has_provenance(self):
        self.trace("torch.nn.GELU", "gelu.json")
        with open(self.db) as f:
            entry = json.load(f)["modules"]["torch_GELU"]
        p = entry["provenance"]
        self.assertEqual(p["author"], "lmp module trace")
        self.assertEqual(p["sizes"][0], {"batch_size": 11, "seq_len": 13, "width": 17})
        self.assertEqual(p["sizes"][1], {"batch_size": 19, "seq_len": 23, "width": 29})
        self.assertIn("torch", p)

    def test_analyze_missing_trace_stores_and_continues(self):
        configs = os.path.join(self.tmp.name, "configs")
        os.makedirs(configs, exist_ok=True)
        with open(os.path.join(CONFIGS, "gelu.json")) as f, open(os.path.join(configs, "torch.nn.Tanh.json"), "w") as g:
            g.write(f.read())
        model = os.path.join(self.tmp.name, "tanh_model.json")
        with open(model, "w") as f:
            json.dump({"model_id": "test/tanh", "config": {"hidden_size": 64}, "layers": [
                {"name": "act", "class": "torch.nn.Tanh",
                 "parameters": {"batch_size": "{batch_size}", "seq_len": "{seq_len}", "width": "{hidden_size}"}}]}, f)
        db = os.path.join(self.tmp.name, "missing.json")
        run = lmp("analyze", model, "--seq", "4", "--batch", "3", "--stage", "prefill", "--format", "csv",
                  "--analyze-missing", "trace", "--trace-config", configs, "--db-file", db)
        self.assertTrue(run.stderr.startswith("lmp: torch.nn.Tanh is not in the database; tracing it\n"), run.stderr)
        # tanh: 1 FLOP per element, 3 * 4 * 64 elements of 2 bytes in and out.
        self.assertIn(",act,tanh,", run.stdout.replace('"', ""))
        row = [line for line in run.stdout.splitlines() if "tanh" in line][0]
        self.assertIn(",768,0,1536,0,1536,0", row.replace('"', ""))
        # The second run finds it in the database and traces nothing.
        run = lmp("analyze", model, "--seq", "4", "--stage", "prefill", "--analyze-missing", "trace",
                  "--trace-config", configs, "--db-file", db, "--python", "/bin/false")
        self.assertNotIn("tracing", run.stderr)
        # A class with no config in --trace-config is an input error.
        empty = os.path.join(self.tmp.name, "no_configs")
        os.makedirs(empty, exist_ok=True)
        run = lmp("analyze", model, "--analyze-missing", "trace", "--trace-config", empty,
                  "--db-file", os.path.join(self.tmp.name, "other.json"), check=False)
        self.assertEqual(run.returncode, 2)
        self.assertEqual(run.stderr.strip(), f"lmp: error: {empty}/torch.nn.Tanh.json: no trace config for "
                                             "torch.nn.Tanh (used at /layers/0); write one "
                                             "(docs/conventions.md#trace-configs)")

    def test_errors_are_one_line_with_exit_2(self):
        bad = os.path.join(self.tmp.name, "bad.json")
        with open(bad, "w") as f:
            f.write('{"schema": "lmp.trace-config/1",\n "sizes": {,}}')
        cases = [
            (["torch.nn.GELU", "--config", bad], f"lmp: error: {bad}:2:12: invalid JSON: Expecting property name "
                                                  "enclosed in double quotes"),
            (["torch.nn.NoSuchThing", "--config", os.path.join(CONFIGS, "gelu.json")],
             "lmp: error: torch.nn.NoSuchThing: torch.nn has no torch.nn.Module class NoSuchThing"),
            (["torch.nn.LayerNorm", "--config", os.path.join(CONFIGS, "gelu.json")],
             "lmp: error: LayerNorm(**{}) failed: TypeError: LayerNorm.__init__() missing 1 required positional argument: "
             "'normalized_shape'; check /init"),
            (["llama.LlamaDecoderLayer", "--config", os.path.join(CONFIGS, "llama_decoder_layer.json"),
              "--sub-layers", "mlpp"],
             "lmp: error: --sub-layers: LlamaDecoderLayer has no sub-module 'mlpp'; its children are self_attn, "
             "mlp, input_layernorm, post_attention_layernorm"),
        ]
        for args, message in cases:
            run = lmp("module", "trace", *args, "--db-file", self.db, "--force", check=False)
            self.assertEqual(run.returncode, 2, run.stderr)
            self.assertEqual(run.stderr.strip(), message)


if __name__ == "__main__":
    LMP = os.path.abspath(sys.argv.pop(1))
    unittest.main()
