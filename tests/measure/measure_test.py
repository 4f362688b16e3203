"""The measurement harness (tools/measure) end to end on CPU, and its model.

  /usr/bin/python3 tests/measure/measure_test.py

Runs `measure.py --device cpu --quick` on the tiny Llama into a temporary
directory and checks the output's structure: kernels.json's fields,
steps.json against data/schema/measurements.schema.json, every time finite
and positive, the tiny model's config.json next to steps.json. No timing is
asserted: benchmarks are not tests. What is tested for real is the model the
harness times: its KV-cache prefill + decode gives the logits of a full
forward without a cache, and that forward matches the reference Llama of
tests/reference/llama.py with the same weights.

Exit 0 when everything passes, 1 otherwise, 77 (skipped) without torch.
"""
import json
import math
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MEASURE = os.path.join(ROOT, "tools", "measure", "measure.py")
SCHEMA = os.path.join(ROOT, "data", "schema", "measurements.schema.json")
sys.path.insert(0, os.path.join(ROOT, "tools", "measure"))
sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))

try:
    import torch
except ImportError:
    print("no torch in this python (Debian: apt-get install python3-torch); skipped", file=sys.stderr)
    sys.exit(77)

import model as M  # noqa: E402  (tools/measure/model.py)

LLAMA_KEYS = ["model_type", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
              "num_key_value_heads", "vocab_size", "rms_norm_eps", "rope_theta", "max_position_embeddings",
              "tie_word_embeddings"]


# A draft-07 subset checker: exactly the keywords measurements.schema.json
# uses. jsonschema is used instead when this python has it.
def check(inst, schema, root, path="$"):
    errs = []
    if "$ref" in schema:
        node = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        return check(inst, node, root, path)
    types = schema.get("type")
    if types is not None:
        types = types if isinstance(types, list) else [types]
        pytypes = {"object": dict, "array": list, "string": str, "boolean": bool,
                   "integer": int, "number": (int, float)}
        ok = any(isinstance(inst, pytypes[t]) and not (t in ("integer", "number") and isinstance(inst, bool))
                 for t in types)
        if not ok:
            return [f"{path}: expected {types}, got {type(inst).__name__}"]
    if "const" in schema and inst != schema["const"]:
        errs.append(f"{path}: expected {schema['const']!r}")
    if "enum" in schema and inst not in schema["enum"]:
        errs.append(f"{path}: {inst!r} not in {schema['enum']}")
    if isinstance(inst, str):
        if len(inst) < schema.get("minLength", 0):
            errs.append(f"{path}: shorter than {schema['minLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], inst):
            errs.append(f"{path}: {inst!r} does not match {schema['pattern']}")
    if isinstance(inst, (int, float)) and not isinstance(inst, bool):
        if "minimum" in schema and inst < schema["minimum"]:
            errs.append(f"{path}: {inst} < {schema['minimum']}")
        if "exclusiveMinimum" in schema and inst <= schema["exclusiveMinimum"]:
            errs.append(f"{path}: {inst} <= {schema['exclusiveMinimum']}")
    if isinstance(inst, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in inst:
                errs.append(f"{path}: missing {key}")
        for key, val in inst.items():
            if key in props:
                errs += check(val, props[key], root, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                errs.append(f"{path}: unexpected key {key}")
            elif isinstance(schema.get("additionalProperties"), dict):
                errs += check(val, schema["additionalProperties"], root, f"{path}.{key}")
    if isinstance(inst, list) and "items" in schema:
        for i, item in enumerate(inst):
            errs += check(item, schema["items"], root, f"{path}[{i}]")
    return errs


def schema_errors(doc):
    with open(SCHEMA) as f:
        schema = json.load(f)
    try:
        import jsonschema
    except ImportError:
        return check(doc, schema, schema)
    return [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(doc)]


def run_harness(out, *extra):
    t0 = time.monotonic()
    p = subprocess.run([sys.executable, MEASURE, "--device", "cpu", "--quick", "--out", out, *extra],
                       capture_output=True, text=True, timeout=300)
    return p, time.monotonic() - t0


def runtime_for(framework):
    """The runtime lmp validate picks for a framework string: the first in
    data/runtimes/runtimes.json with a pattern it contains (lowercased), as
    RuntimeCatalog::ForFramework does; None without a match or the file."""
    path = os.path.join(ROOT, "data", "runtimes", "runtimes.json")
    if not os.path.isfile(path):
        return "eager"  # no catalog in this checkout: nothing to check against
    with open(path) as f:
        runtimes = json.load(f)["runtimes"]
    for r in runtimes:
        if any(p in framework.lower() for p in r.get("frameworks", [])):
            return r["name"]
    return None


def finite_positive(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) and x > 0


class HarnessRun(unittest.TestCase):
    """One quick CPU run of the whole harness, shared by the checks."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = os.path.join(cls.tmp.name, "out")
        cls.proc, cls.seconds = run_harness(cls.out)
        print(f"quick CPU run: {cls.seconds:.1f} s", file=sys.stderr)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def load(self, name):
        with open(os.path.join(self.out, name)) as f:
            return json.load(f)

    def test_runs_and_writes_its_files(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        self.assertLess(self.seconds, 60, "the quick CPU run must stay well under a minute")
        for name in ("kernels.json", "steps.json", "config.json"):
            self.assertTrue(os.path.isfile(os.path.join(self.out, name)), name)

    def test_steps_json_follows_the_schema(self):
        doc = self.load("steps.json")
        self.assertEqual(schema_errors(doc), [])
        rows = doc["measurements"]
        self.assertEqual({r["metric"] for r in rows}, {"prefill_step_s", "decode_step_s"})
        self.assertEqual(len({r["id"] for r in rows}), len(rows), "ids are unique")
        for r in rows:
            self.assertTrue(finite_positive(r["value"]), r["id"])
            self.assertEqual(r["output_len"], 1)
            self.assertEqual(r["split"], "fit")
            self.assertEqual(r["hardware"], "host-cpu")
            self.assertTrue(r["framework"].startswith("PyTorch "))
            if r["metric"] == "decode_step_s":
                self.assertEqual(r["kv_len"], r["input_len"] + 1, r["id"])
            else:
                self.assertNotIn("kv_len", r)
        for key in ("date", "device", "driver", "torch", "cuda", "cudnn", "python", "budget_exhausted"):
            self.assertIn(key, doc["measured"])
        self.assertEqual(runtime_for(rows[0]["framework"]), "eager")
        self.assertIs(doc["measured"]["budget_exhausted"], False)

    def test_the_schema_checker_rejects_bad_rows(self):
        doc = self.load("steps.json")
        bad = json.loads(json.dumps(doc))
        row = bad["measurements"][0]
        row["value"], row["metric"], row["extra"] = 0, "step_s", 1
        del row["source"]["locator"]
        bad["measured"]["nested"] = {"no": "objects"}
        errs = schema_errors(bad)
        self.assertGreaterEqual(len(errs), 5, errs)

    def test_config_json_next_to_steps_json(self):
        doc = self.load("steps.json")
        models = {r["model"] for r in doc["measurements"]}
        self.assertEqual(models, {"config.json"})
        cfg = self.load("config.json")
        for key in LLAMA_KEYS:
            self.assertIn(key, cfg)
        self.assertEqual(cfg["model_type"], "llama")
        self.assertEqual(cfg, M.tiny_config())

    def test_kernels_json(self):
        doc = self.load("kernels.json")
        self.assertEqual(doc["schema"], "lmp.kernel-measurements/1")
        for key in ("date", "device", "driver", "torch", "cuda", "cudnn", "python"):
            self.assertIn(key, doc["measured"])
        fields = {
            "gemm": ["m", "n", "k", "dtype", "time_s", "flops_per_s"],
            "copy": ["bytes", "time_s", "bytes_per_s"],
            "attention": ["batch", "heads", "kv_heads", "head_dim", "q_len", "kv_len", "dtype", "kernel",
                          "time_s"],
        }
        for section, keys in fields.items():
            self.assertTrue(doc[section], f"{section} has rows")
            for row in doc[section]:
                for key in keys:
                    self.assertIn(key, row, f"{section}: {row}")
                for key in ("time_s", "flops_per_s", "bytes_per_s"):
                    if key in row:
                        self.assertTrue(finite_positive(row[key]), f"{section}: {row}")
        self.assertTrue(any(r["q_len"] == 1 for r in doc["attention"]), "decode attention")
        self.assertTrue(any(r["q_len"] == r["kv_len"] > 1 for r in doc["attention"]), "prefill attention")
        self.assertEqual(doc["skipped"], [])
        for name, s in doc["sections"].items():
            self.assertEqual(s["run"], s["planned"], name)

    def test_no_hostname_in_the_output(self):
        host = socket.gethostname()
        for name in ("kernels.json", "steps.json"):
            doc = self.load(name)
            self.assertFalse([k for k in doc["measured"] if "host" in k.lower() or k.lower() == "node"], name)
            if len(host) >= 4:  # a short name would match by chance
                with open(os.path.join(self.out, name)) as f:
                    self.assertNotIn(host, f.read(), name)


class Budget(unittest.TestCase):
    def test_a_spent_budget_is_recorded_and_the_files_stay_valid(self):
        with tempfile.TemporaryDirectory() as tmp:
            p, _ = run_harness(tmp, "--time-budget-s", "0")
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(os.path.join(tmp, "steps.json")) as f:
                doc = json.load(f)
            self.assertEqual(schema_errors(doc), [])
            self.assertIs(doc["measured"]["budget_exhausted"], True)
            self.assertEqual(doc["measurements"], [])
            self.assertGreater(doc["measured"]["model_cases_dropped_for_time"], 0)
            with open(os.path.join(tmp, "kernels.json")) as f:
                k = json.load(f)
            self.assertTrue(all(s["dropped_for_time"] == s["planned"] > 0 for s in k["sections"].values()))

    def test_unknown_section_or_model_is_an_error(self):
        with tempfile.TemporaryDirectory() as tmp:
            p, _ = run_harness(tmp, "gemmm")
            self.assertEqual(p.returncode, 2)
            self.assertIn("gemmm", p.stderr)
            gemma = os.path.join(ROOT, "data", "configs", "google--gemma-7b.json")
            for bad in ("meta-llama/Llama-2-7b", gemma):
                p, _ = run_harness(tmp, "model", "--models", "tiny", bad)
                self.assertEqual(p.returncode, 2, bad)
                self.assertIn(bad, p.stderr)
            self.assertFalse(os.path.exists(os.path.join(tmp, "steps.json")))


class ModelCorrectness(unittest.TestCase):
    """The model the harness times computes what a Llama computes."""

    def cached_vs_full(self, config, batch=2, prompt=7, steps=5):
        torch.manual_seed(1)
        m = M.LlamaKV(config)
        total = prompt + steps
        ids = torch.randint(0, config["vocab_size"], (batch, total))
        full = m(ids, logits_to_keep=0)  # no cache, causal, every position
        cache = m.new_cache(batch, total)
        got = [m(ids[:, :prompt], cache, 0)[:, -1]]  # prefill: last position only
        for t in range(prompt, total):
            got.append(m(ids[:, t:t + 1], cache, t)[:, -1])
        want = full[:, prompt - 1:]
        return torch.stack(got, dim=1), want

    def test_kv_cache_decode_matches_a_full_forward(self):
        got, want = self.cached_vs_full(M.tiny_config())
        self.assertEqual(got.shape, want.shape)
        self.assertLess(M.max_abs_rel(got, want), 1e-5)

    def test_kv_cache_with_mha_tied_embeddings_and_head_dim(self):
        cfg = dict(M.tiny_config(), num_key_value_heads=4, tie_word_embeddings=True, head_dim=32)
        got, want = self.cached_vs_full(cfg, batch=3, prompt=4, steps=6)
        self.assertLess(M.max_abs_rel(got, want), 1e-5)

    def test_decode_reads_the_cache(self):
        # A cache holding other tokens must change the logits: the decode
        # step really attends to what is cached.
        m = M.LlamaKV(M.tiny_config())
        ids = torch.randint(0, 256, (1, 6))
        c1, c2 = m.new_cache(1, 7), m.new_cache(1, 7)
        m(ids, c1, 0)
        m(ids.flip(1), c2, 0)
        nxt = torch.tensor([[5]])
        self.assertGreater(M.max_abs_rel(m(nxt, c1, 6), m(nxt, c2, 6)), 1e-3)

    def test_full_forward_matches_the_reference_llama(self):
        import llama as ref  # tests/reference/llama.py
        cfg = dict(M.tiny_config(), rms_norm_eps=1e-6)  # the reference's norms use 1e-6
        m = M.LlamaKV(cfg)
        c = m.c
        r = ref.LlamaForCausalLM(c.vocab, c.hidden, c.heads, c.kv_heads, c.inter, num_layers=c.layers,
                                 attn_implementation="sdpa")
        with torch.no_grad():
            r.model.embed_tokens.weight.copy_(m.embed)
            r.lm_head.weight.copy_(m.lm_head)
            r.model.norm.weight.copy_(m.norm.weight)
            for lr, lm in zip(r.model.layers, m.layers):
                a = lr.self_attn
                for dst, src in ((a.q_proj, lm.q), (a.k_proj, lm.k), (a.v_proj, lm.v), (a.o_proj, lm.o),
                                 (lr.mlp.gate_proj, lm.gate), (lr.mlp.up_proj, lm.up),
                                 (lr.mlp.down_proj, lm.down)):
                    dst.weight.copy_(src)
                lr.input_layernorm.weight.copy_(lm.ln1.weight)
                lr.post_attention_layernorm.weight.copy_(lm.ln2.weight)
            ids = torch.randint(0, c.vocab, (2, 9))
            want = r(ids, torch.arange(9)[None].expand(2, 9), logits_to_keep=0)
        got = m(ids, logits_to_keep=0)
        self.assertLess(M.max_abs_rel(got, want), 1e-5)

    def test_catalog_configs_build(self):
        import steps
        for name in steps.CUDA_MODELS:
            cfg, kind, _ = steps.resolve(name)
            self.assertEqual(kind, "catalog")
            c = M.Config(cfg)
            self.assertGreater(c.n_params(), 1e9, name)
        self.assertEqual(round(M.Config(steps.resolve("meta-llama/Llama-2-7b-hf")[0]).n_params() / 1e6),
                         6738)  # Llama-2-7b: 6.74B parameters


def main():
    suite = unittest.TestLoader().loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
