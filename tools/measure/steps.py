"""The whole-model section: prefill and decode step times of Llama-architecture
models with random weights, as lmp.measurements/1 rows (steps.json).

A prefill step (metric prefill_step_s; batch B, input_len S, output_len 1):
one forward over B x S prompt tokens from an empty KV cache, writing the
cache, ending with logits for the last position of each sequence.
A decode step (metric decode_step_s; batch B, input_len kv_len - 1,
output_len 1, kv_len): one forward of B new tokens against a cache holding
kv_len - 1 tokens each, writing the new token's K/V and attending to kv_len
positions, ending with logits.

Each time includes every kernel of the forward and Python's launch overhead
(eager mode, device synchronized before and after each step: timing.step).
It excludes tokenization, sampling, moving token ids or logits between host
and device, building the model and allocating the KV cache (the cache is
preallocated, as engines do, and not zeroed between steps).
"""
import json
import os
import re
import time

import torch

import kernels
import timing
from model import Config, LlamaKV, tiny_config

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CATALOG_DIR = os.path.join(REPO, "data", "configs")
TINY = "tiny"

CUDA_MODELS = ["meta-llama/Llama-2-7b-hf", "meta-llama/Meta-Llama-3-8B",
               "mistralai/Mistral-7B-v0.1", "meta-llama/Llama-3.2-1B"]


def resolve(name):
    """A --models entry to (config dict, kind, label): kind 'catalog' (a
    catalog id, config from data/configs/ORG--NAME.json), 'tiny' (the CPU
    test model) or 'file' (a config.json path)."""
    if name == TINY:
        return tiny_config(), "tiny", TINY
    catalog = os.path.join(CATALOG_DIR, name.replace("/", "--") + ".json")
    if "/" in name and os.path.isfile(catalog) and not os.path.isfile(name):
        with open(catalog) as f:
            return json.load(f), "catalog", name
    if os.path.isfile(name):
        with open(name) as f:
            return json.load(f), "file", name
    raise ValueError(f"{name}: neither a catalog id with a config in {CATALOG_DIR} nor a config.json file")


def slug(s):
    return re.sub(r"[^a-z0-9._-]+", "-", s.lower()).strip("-.") or "model"


def plan(device, quick):
    """([(batch, prompt)], [(batch, kv_len)]) for one model."""
    if device.type != "cuda":
        if quick:
            return [(1, 16), (2, 32)], [(1, 16), (2, 64)]
        return [(1, 128), (4, 128), (1, 512)], [(1, 128), (4, 512), (1, 1024)]
    if quick:
        return [(1, 512), (8, 512)], [(1, 2048), (32, 2048)]
    prefill = [(b, s) for b in (1, 8, 32) for s in (128, 512, 2048)] + [(1, 4096)]
    decode = [(b, kv) for b in (1, 8, 32) for kv in (512, 2048)] + [(1, 4096), (64, 2048), (128, 512)]
    return prefill, decode


def _interleave(a, b):
    out = []
    for i in range(max(len(a), len(b))):
        out += a[i:i + 1] + b[i:i + 1]
    return out


def run_models(device, section, quick, names, ctx, on_model_done):
    """Times every (model, case) the budget allows. ctx: dict with hardware,
    framework, date, out_dir. Returns (rows, skipped); calls
    on_model_done(rows so far) after each model so a killed run keeps them."""
    rows, skipped = [], []
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    bits, compute = (16, "bf16") if dtype == torch.bfloat16 else (32, "fp32")
    elem = 2 if bits == 16 else 4
    prefill, decode = plan(device, quick)
    cases = _interleave([("prefill", b, s) for b, s in prefill], [("decode", b, kv) for b, kv in decode])
    for mi, name in enumerate(names):
        # Each model gets an equal share of what is left of the section.
        model_deadline = time.monotonic() + max(0.0, section.left()) / (len(names) - mi)
        try:
            config, kind, label = resolve(name)
            c = Config(config)
        except (ValueError, KeyError, OSError) as e:
            skipped.append({"section": section.name, "case": f"model {name}", "reason": str(e)[:240]})
            section.failed += 1
            continue
        model_field = write_config(config, kind, label, ctx["out_dir"])
        weights = c.n_params() * elem
        if not _fits(device, weights, 0.85):
            skipped.append({"section": section.name, "case": f"model {name}",
                            "reason": f"weights need {weights / 2**30:.1f} GiB, "
                                      "more than 85% of free memory"})
            section.failed += 1
            continue
        model = None
        for stage, b, n in cases:
            if not section.take():
                continue
            if time.monotonic() >= model_deadline:
                section.dropped += 1
                continue
            case = f"{label} {stage} batch={b} {'prompt' if stage == 'prefill' else 'kv_len'}={n}"
            cache_len = n
            need = b * cache_len * c.kv_bytes_per_token(elem)
            if stage == "prefill":
                need += b * n * (3 * c.inter + 8 * c.hidden) * elem  # activations, roughly
            if not _fits(device, need, 0.85):
                skipped.append({"section": section.name, "case": case,
                                "reason": f"needs about {need / 2**30:.1f} GiB beyond the weights"})
                section.failed += 1
                continue
            try:
                if model is None:
                    model = LlamaKV(config, device=device, dtype=dtype)
                r = _time_case(model, stage, b, n, device, quick, model_deadline)
                section.run += 1
            except Exception as e:  # noqa: BLE001 - one failed case (OOM, kernel limits) is recorded
                section.failed += 1
                skipped.append({"section": section.name, "case": case,
                                "reason": f"{type(e).__name__}: {e}".splitlines()[0][:240]})
                if device.type == "cuda":
                    torch.cuda.empty_cache()
                continue
            rows.append(_row(ctx, model_field, label, stage, b, n, r, bits, compute))
        del model
        if device.type == "cuda":
            torch.cuda.empty_cache()
        on_model_done(rows)
    return rows, skipped


def _fits(device, need, frac):
    if device.type != "cuda":
        return need < (4 << 30)
    return need <= frac * kernels._free_bytes(device)


def _time_case(model, stage, b, n, device, quick, deadline):
    vocab = model.c.vocab
    gen = torch.Generator(device="cpu").manual_seed(b * 100003 + n)
    if stage == "prefill":
        ids = torch.randint(0, vocab, (b, n), generator=gen).to(device)
        cache = model.new_cache(b, n)
        fn = lambda: model(ids, cache, 0)  # noqa: E731
    else:
        ids = torch.randint(0, vocab, (b, 1), generator=gen).to(device)
        cache = model.new_cache(b, n)  # kv_len - 1 cached tokens plus the new one
        fn = lambda: model(ids, cache, n - 1)  # noqa: E731
    if device.type == "cuda":
        args = {"warmup": 2, "target_s": 0.3 if quick else 1.0, "min_samples": 3, "max_samples": 20}
    else:
        args = {"warmup": 1, "target_s": 0.02 if quick else 0.5, "min_samples": 3, "max_samples": 10}
    r = timing.step(fn, device, deadline=deadline, **args)
    return r


def _row(ctx, model_field, label, stage, b, n, r, bits, compute):
    metric = "prefill_step_s" if stage == "prefill" else "decode_step_s"
    row = {
        "id": f"{slug(label)}.{stage}.b{b}.{'s' if stage == 'prefill' else 'kv'}{n}",
        "model": model_field,
        "hardware": ctx["hardware"],
        "w_bits": bits, "a_bits": bits, "kv_bits": bits, "compute": compute,
        "batch": b,
        "input_len": n if stage == "prefill" else n - 1,
        "output_len": 1,
    }
    if stage == "decode":
        row["kv_len"] = n
    what = (f"prefill of {b} x {n} tokens" if stage == "prefill"
            else f"decode step of batch {b} at kv_len {n} ({n - 1} cached + 1 new)")
    row.update({
        "framework": ctx["framework"],
        "metric": metric,
        "value": r["time_s"],
        "split": "fit",
        "source": {"title": "lmp tools/measure harness", "url": "tools/measure/measure.py",
                   "locator": f"{label}: {what}; median of {r['samples']} steps",
                   "retrieved": ctx["date"]},
        "notes": ("random weights; static preallocated KV cache; SDPA attention; "
                  "logits for the last position only; device synchronized around each step"),
    })
    return row


def write_config(config, kind, label, out_dir):
    """What steps.json's `model` says: the catalog id, or the path (relative
    to steps.json) of a config.json written next to it."""
    if kind == "catalog":
        return label
    if kind == "tiny":
        rel = "config.json"
    else:  # path/x.json -> x.config.json; path/dir/config.json -> dir.config.json
        base = os.path.splitext(os.path.basename(label))[0]
        if base == "config":
            base = os.path.basename(os.path.dirname(os.path.abspath(label)))
        rel = slug(base) + ".config.json"
    with open(os.path.join(out_dir, rel), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    return rel
