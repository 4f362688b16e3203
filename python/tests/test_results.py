"""Results of the Python API equal the CLI's JSON documents."""

import json
import os

import pytest

import lmp
from conftest import SOURCE_DIR, cli_json, run_cli

LLAMA = "meta-llama/Llama-2-7b-hf"


@pytest.mark.parametrize("model,args,kwargs", [
    (LLAMA, [], {}),
    (LLAMA, ["--stage", "decode", "--batch", "8", "--seq", "1024"], dict(stage="decode", batch=8, seq=1024)),
    ("mistralai/Mixtral-8x7B-v0.1", ["--hardware", "h100", "--stage", "prefill", "--seq", "512"],
     dict(hardware="h100", stage="prefill", seq=512)),
    ("openai-community/gpt2", ["--hardware", "a100-80gb", "--w-bits", "4", "--w-group-size", "128"],
     dict(hardware="a100-80gb", w_bits=4, w_group_size=128)),
    ("deepseek-ai/DeepSeek-V2-Lite", ["--hardware", "h200", "--runtime", "ideal", "--profile", "flash"],
     dict(hardware="h200", runtime="ideal", profile="flash")),
    ("meta-llama/Llama-2-13b-hf", ["--hardware", "h100", "--tp", "2", "--pp", "2", "--pp-stage", "1"],
     dict(hardware="h100", tp=2, pp=2, pp_stage=1)),
])
def test_analyze_equals_cli_json(model, args, kwargs):
    a = lmp.analyze(model, **kwargs)
    assert a.to_dict() == cli_json("analyze", model, *args)


def test_analyze_totals_and_operations():
    a = lmp.analyze(LLAMA, batch=2, seq=1024, hardware="h100")
    doc = a.to_dict()
    assert a.stages == ["prefill", "decode"]
    assert a.totals["decode"] == doc["stages"]["decode"]["totals"]
    ops = a.operations
    assert len(ops) == sum(len(s["operations"]) for s in doc["stages"].values())
    # totals.flops is the sum of count x flops (docs/json-output.md).
    for stage in a.stages:
        mine = [o for o in ops if o["stage"] == stage]
        assert sum(o["count"] * o["flops"] for o in mine) == a.totals[stage]["flops"]
    # The KV cache written in prefill is the cache's growth: 2 (K and V) x
    # batch x tokens x kv_heads x head_dim x 2 bytes x 32 layers.
    assert a.totals["prefill"]["writes"]["kv_cache"] == 2 * 2 * 1024 * 32 * 128 * 2 * 32
    assert a.parameters == 6738415616
    assert a.memory["fits"] is True


def test_to_pandas_one_row_per_operation():
    a = lmp.analyze(LLAMA, hardware="h100")
    df = a.to_pandas()
    assert len(df) == len(a.operations)
    assert {"stage", "layer", "op", "count", "flops", "reads_weights", "writes_kv_cache", "time_s"} <= set(df.columns)
    decode = df[df.stage == "decode"]
    assert int((decode["count"] * decode["flops"]).sum()) == a.totals["decode"]["flops"]


def test_html_needs_hardware():
    assert lmp.analyze(LLAMA)._repr_html_() is None
    page = lmp.analyze(LLAMA, hardware="h100").html()
    assert page == run_cli("analyze", LLAMA, "--hardware", "h100", "--format", "html")
    assert lmp.analyze(LLAMA, hardware="h100")._repr_html_().startswith("<iframe srcdoc=")


@pytest.mark.parametrize("model,args,kwargs", [
    (LLAMA, ["--hardware", "h100"], dict(hardware="h100")),
    (LLAMA, ["--hardware", "l40s", "--batch", "16", "--prompt", "512", "--gen", "128", "--w-bits", "8"],
     dict(hardware="l40s", batch=16, prompt=512, gen=128, w_bits=8)),
    ("meta-llama/Llama-2-70b-hf", ["--hardware", "h100", "--tp", "4", "--dp", "2", "--batch", "16"],
     dict(hardware="h100", tp=4, dp=2, batch=16)),
])
def test_generate_equals_cli_json(model, args, kwargs):
    g = lmp.generate(model, **kwargs)
    doc = cli_json("generate", model, *args)
    assert g.to_dict() == doc
    assert g.ttft_s == doc["ttft_s"] and g.tokens_per_s == doc["tokens_per_s"]
    assert g.fits == doc["memory"]["fits"]


def test_fit_equals_cli_json():
    assert lmp.fit(LLAMA, hardware="h100", prompt=4096) == cli_json("fit", LLAMA, "--hardware", "h100",
                                                                    "--prompt", "4096")
    assert lmp.fit(LLAMA, hardware="l40s", batch=4) == cli_json("fit", LLAMA, "--hardware", "l40s", "--batch", "4")


def test_compare_equals_cli_json():
    mine = lmp.compare(LLAMA, hardware="h100", a={"w_bits": 16}, b={"w_bits": 4, "hardware": "a100-80gb"})
    assert mine == cli_json("compare", LLAMA, "--hardware", "h100", "--a", "w-bits=16",
                            "--b", "w-bits=4,hardware=a100-80gb")


def test_catalogs_equal_cli_json():
    assert lmp.models() == cli_json("models")
    assert lmp.hardware() == cli_json("hardware", "list")
    assert lmp.hardware("h100") == cli_json("hardware", "show", "h100")


def test_module_eval_equals_cli_json():
    mine = lmp.module_eval("torch.nn.modules.linear.Linear", {"N": "2048*4", "in_features": 4096,
                                                              "out_features": 11008}, w_bits=4)
    cli = cli_json("module", "eval", "torch.nn.modules.linear.Linear", "N=2048*4", "in_features=4096",
                   "out_features=11008", "--w-bits", "4")
    assert mine == cli


def test_model_as_dict_path_and_id_agree(source_dir):
    path = os.path.join(source_dir, "data", "configs", "meta-llama--Llama-2-7b-hf.json")
    with open(path) as f:
        config = json.load(f)
    by_id = lmp.analyze(LLAMA, stage="decode")
    by_path = lmp.analyze(path, stage="decode")
    by_dict = lmp.analyze(config, stage="decode")
    assert by_dict.totals == by_id.totals == by_path.totals
    assert by_dict.parameters == 6738415616


def test_hardware_as_dict():
    h100 = lmp.hardware("h100")
    slow = dict(h100, name="h100-half-bandwidth", aliases=[])
    slow["memory"] = dict(h100["memory"], dram_bandwidth_bytes_per_s=h100["memory"]["dram_bandwidth_bytes_per_s"] / 2)
    fast = lmp.generate(LLAMA, hardware="h100", runtime="ideal", prompt=128, gen=64)
    half = lmp.generate(LLAMA, hardware=slow, runtime="ideal", prompt=128, gen=64)
    # Batch-1 decode is bound by DRAM bandwidth: half of it, twice the time
    # per token (within the few compute-bound operations' share).
    assert half.to_dict()["hardware"]["name"] == "h100-half-bandwidth"
    assert 1.9 < half.tpot_s / fast.tpot_s <= 2.0


def test_plan_equals_cli_json():
    mine = lmp.plan("meta-llama/Llama-2-13b-hf", hardware="h100", gpus=4, max_tpot="50ms", max_batch=64, jobs=1)
    assert mine == cli_json("plan", "meta-llama/Llama-2-13b-hf", "--hardware", "h100", "--gpus", "4",
                            "--max-tpot", "50ms", "--max-batch", "64", "--jobs", "1")
    assert lmp.plan("meta-llama/Llama-2-13b-hf", hardware="h100", gpus=4, max_tpot=0.05, max_batch=64) == mine


def test_validate_equals_cli_json():
    assert lmp.validate(split="held_out") == cli_json("validate", "--split", "held_out")


def test_architecture_json_and_user_files(source_dir):
    data = os.path.join(source_dir, "tests", "data")
    model = os.path.join(data, "tiny_model.json")
    hw = os.path.join(data, "my_hardware.json")
    a = lmp.analyze(model, seq=16, stage="prefill", hardware="toy", hardware_file=hw, runtime="ideal")
    assert a.to_dict() == cli_json("analyze", model, "--seq", "16", "--stage", "prefill", "--hardware", "toy",
                                   "--hardware-file", hw, "--runtime", "ideal")
    # 2 x Linear(64 -> 256) over 16 tokens: 2·16·64·256 multiply-adds plus 16·256 bias adds each.
    (linear,) = a.operations
    assert (linear["count"], linear["flops"]) == (2, 2 * 16 * 64 * 256 + 16 * 256)
    with open(model) as f:
        assert lmp.analyze(json.load(f), seq=16, stage="prefill").totals == lmp.analyze(
            model, seq=16, stage="prefill").totals


def test_user_module_database():
    db = os.path.join(SOURCE_DIR, "tests", "data", "formula_ok.json")
    e = lmp.module_eval("my.mod.Scale", {"num_elements": 10}, db=db)
    assert e == cli_json("module", "eval", "my.mod.Scale", "num_elements=10", "--db", db)
    assert e["totals"]["flops"] == 20


def test_threads_share_the_catalogs_safely():
    # The GIL is released while the core runs, so these run at once on the
    # shared embedded catalogs; every result must equal the single-threaded one.
    from concurrent.futures import ThreadPoolExecutor
    cases = [(LLAMA, dict(hardware="h100", batch=b)) for b in (1, 2, 4, 8)] + \
            [("mistralai/Mixtral-8x7B-v0.1", dict(stage="decode", batch=b)) for b in (1, 3)]
    expected = [lmp.analyze(m, **kw).to_dict() for m, kw in cases]
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(3):
            got = list(pool.map(lambda c: lmp.analyze(c[0], **c[1]).to_dict(), cases))
            assert got == expected
