#!/usr/bin/env python3
"""Fits the time model's parameters (data/runtimes/runtimes.json) to the rows
of the measured dataset whose split is "fit", and only to them.

Each candidate set of parameters is written to a temporary runtime file and
scored by `lmp validate --split fit --format json --runtime-file FILE`: the
score is the mean |log(time ratio)| over the fit cases, so that a case 2x too
slow and one 2x too fast weigh the same. The search is coordinate descent
over multiplicative steps, within physical bounds (fractions in (0, 1],
overheads bounded, as PARAMETERS below says). A parameter that no fit case is sensitive to keeps
its value and is marked "not fitted".

    python3 tools/calibrate/fit.py --lmp build/lmp [--write]

--write replaces the values and provenance in data/runtimes/runtimes.json;
without it the fit is only printed. Held-out rows are never read.
"""
import argparse
import copy
import datetime
import json
import math
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNTIMES = os.path.join(ROOT, "data", "runtimes", "runtimes.json")
DATASET = os.path.join(ROOT, "data", "measurements", "published.json")

# (path into the runtimes document, (lower bound, upper bound)). Paths name a
# device entry by its "device" and a runtime by its "name". The bounds are
# physical: published kernel benchmarks put large GEMMs at 50-90% of the
# tensor peak, streaming kernels at 60-95% of DRAM bandwidth, FlashAttention
# at 30-75% of the peak; a kernel launch costs 1-20 us, a step's framework
# work at most a few ms.
DEVICE_FRACTION = (0.5, 1.0)
KERNEL_FRACTION = (0.3, 1.0)
DEQUANT_FRACTION = (0.1, 1.0)
KERNEL_SECONDS = (0.0, 2e-5)
STEP_SECONDS = (0.0, 5e-3)


def parameters(doc):
    out = []
    for d in doc["devices"]:
        if d["device"] != "*":
            continue
        out.append((("devices", "*", "bandwidth_fraction"), DEVICE_FRACTION))
        for p in ("fp16", "bf16", "fp8", "int8"):
            out.append((("devices", "*", "tensor_fraction", p), DEVICE_FRACTION))
    for r in doc["runtimes"]:
        if r.get("ideal"):
            continue
        out.append((("runtimes", r["name"], "kernel_overhead_s"), KERNEL_SECONDS))
        for key in ("prefill_step_overhead_s", "decode_step_overhead_s"):
            out.append((("runtimes", r["name"], key), STEP_SECONDS))
        for key in ("attention_flops_fraction", "attention_bandwidth_fraction"):
            out.append((("runtimes", r["name"], key), KERNEL_FRACTION))
        for key in ("weight_only_bandwidth_fraction", "weight_only_tensor_fraction"):
            for bits in r[key]:
                out.append((("runtimes", r["name"], key, bits), DEQUANT_FRACTION))
    return out


def node(doc, path):
    section, name = path[0], path[1]
    key = "device" if section == "devices" else "name"
    entry = next(e for e in doc[section] if e[key] == name)
    for p in path[2:]:
        entry = entry[p]
    return entry


def score(lmp, doc):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(doc, f)
        path = f.name
    try:
        out = subprocess.run([lmp, "validate", "--dataset", DATASET, "--split", "fit", "--format", "json",
                              "--runtime-file", path],
                             check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(path)
    cases = [c for c in json.loads(out)["cases"] if "time_ratio" in c]
    return sum(abs(math.log(c["time_ratio"])) for c in cases) / len(cases), len(cases)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lmp", default=os.path.join(ROOT, "build", "lmp"))
    ap.add_argument("--sweeps", type=int, default=4)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    with open(RUNTIMES, encoding="utf-8") as f:
        base = json.load(f)
    doc = copy.deepcopy(base)
    params = parameters(doc)
    best, n = score(args.lmp, doc)
    print(f"start: mean |log ratio| {best:.4f} over {n} fit cases", file=sys.stderr)
    sensitive = set()
    for sweep in range(args.sweeps):
        step = 1.6 / (1 + sweep)  # multiplicative steps shrink each sweep
        for path, (lo, hi) in params:
            v = node(doc, path)
            for factor in (1 + step, 1 / (1 + step), 1 + step / 3, 1 / (1 + step / 3)):
                old = v["value"]
                new = min(hi, max(lo, old * factor if old > 0 else 1e-6 * factor))
                if new == old:
                    continue
                v["value"] = new
                s, _ = score(args.lmp, doc)
                if s != best:
                    sensitive.add(path)
                if s < best - 1e-9:
                    best = s
                else:
                    v["value"] = old
        print(f"sweep {sweep + 1}: mean |log ratio| {best:.4f}", file=sys.stderr)
    today = datetime.date.today().isoformat()
    for path, _ in params:
        v = node(doc, path)
        v["value"] = float(f"{v['value']:.3g}")
        if path in sensitive:
            v["provenance"] = (f"fitted {today} by tools/calibrate/fit.py to the {n} fit cases of "
                               f"data/measurements/published.json (mean |log ratio| {best:.3f})")
        else:
            v["provenance"] = "not fitted: no fit case is sensitive to it; an engineering estimate"
        print(f"{'/'.join(path):60} {v['value']:<10g} {'fitted' if path in sensitive else 'not fitted'}")
    if args.write:
        tmp = RUNTIMES + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
        os.replace(tmp, RUNTIMES)
        print(f"wrote {RUNTIMES}", file=sys.stderr)


if __name__ == "__main__":
    main()
