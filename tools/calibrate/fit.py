#!/usr/bin/env python3
"""Fits the time model's parameters (data/runtimes/runtimes.json) to the rows
of the measured dataset whose split is "fit", and only to them.

Each candidate set of parameters is written to a temporary runtime file and
scored by `lmp validate --dataset FIT_ROWS --format json --runtime-file FILE`:
the score is the mean |log(time ratio)| over the cases, so that a case 2x too
slow and one 2x too fast weigh the same.

The search is coordinate descent within physical bounds (BOUNDS below): each
parameter in turn gets a line search over its whole range and near its
current value, and sweeps repeat until none improves. It starts twice, from
the file's values and from a neutral prior, and keeps the better result. A
parameter that no fit case is sensitive to keeps its value and is marked
"not fitted".

--tie-kernels fits one value of each kernel efficiency (attention, and the
weight-only dequantising GEMMs) for every runtime instead of one per runtime:
those are properties of the kernels, while the runtimes differ in their
fixed costs. The runtimes of OWN_DEQUANT_KERNELS (AutoAWQ, whose INT4 GEMMs
are AWQ's own) keep their own dequantising efficiencies.

--folds K cross-validates the procedure inside the fit rows: the fit rows
are cut into K folds by their id, each fold is predicted by a fit to the
others, and the median |error| over all folds is printed. That is how a
procedure is chosen without looking at the held-out rows.

    python3 tools/calibrate/fit.py --lmp build/lmp [--tie-kernels] [--folds 3] [--write]

--only RUNTIME fits that runtime's own parameters alone (its kernel
efficiencies untied from the other runtimes'), every other value staying as
in the file; --keys narrows it to some of them, e.g.
--only autoawq --keys weight_only_bandwidth_fraction/4,weight_only_tensor_fraction/4
for a runtime whose dequantising kernels are its own. Only the parameters it
fits get a new provenance.

--write replaces the values and provenance in data/runtimes/runtimes.json;
without it the fit is only printed. Held-out rows are never read.
"""
import argparse
import copy
import datetime
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNTIMES = os.path.join(ROOT, "data", "runtimes", "runtimes.json")
DATASET = os.path.join(ROOT, "data", "measurements", "published.json")

# The bounds are physical: published kernel benchmarks put large GEMMs at
# 50-90% of the tensor peak and streaming kernels at 60-95% of DRAM
# bandwidth; attention and dequantising kernels reach less; a kernel launch
# costs at most 20 us, a step's framework work at most a few ms.
DEVICE_BANDWIDTH = (0.6, 0.95)
DEVICE_TENSOR = (0.5, 0.9)
KERNEL_FRACTION = (0.3, 1.0)
DEQUANT_FRACTION = (0.1, 1.0)
KERNEL_SECONDS = (0.0, 2e-5)
STEP_SECONDS = (0.0, 5e-3)
# Runtimes whose weight-only GEMMs are their own kernels (docs/calibration.md):
# --tie-kernels leaves their dequantising efficiencies untied.
OWN_DEQUANT_KERNELS = ("autoawq",)
PRIOR = {DEVICE_BANDWIDTH: 0.8, DEVICE_TENSOR: 0.7, KERNEL_FRACTION: 0.7, DEQUANT_FRACTION: 0.6,
         KERNEL_SECONDS: 3e-6, STEP_SECONDS: 1e-3}


def parameters(doc, tie_kernels, only=None, keys=None):
    """The free parameters: (name, [paths set together], bounds). A path
    names a device entry by its "device" and a runtime by its "name". With
    `only`, those of that runtime alone (untied), narrowed to `keys`."""
    if only is not None:
        if not any(r["name"] == only and not r.get("ideal") for r in doc["runtimes"]):
            sys.exit(f"fit.py: no runtime '{only}' with parameters in {RUNTIMES}")
        own = [p for p in parameters(doc, False) if p[0].split("/", 1)[0] == only]
        if keys:
            unknown = set(keys) - {p[0].split("/", 1)[1] for p in own}
            if unknown:
                sys.exit(f"fit.py: runtime '{only}' has no parameter {', '.join(sorted(unknown))}")
            own = [p for p in own if p[0].split("/", 1)[1] in keys]
        return own
    out = []
    for d in doc["devices"]:
        if d["device"] != "*":
            continue
        out.append(("*/bandwidth_fraction", [("devices", "*", "bandwidth_fraction")], DEVICE_BANDWIDTH))
        for p in ("fp16", "bf16", "fp8", "int8"):
            out.append((f"*/tensor_fraction/{p}", [("devices", "*", "tensor_fraction", p)], DEVICE_TENSOR))
    runtimes = [r for r in doc["runtimes"] if not r.get("ideal")]
    kernel_keys = [((key,), KERNEL_FRACTION) for key in ("attention_flops_fraction", "attention_bandwidth_fraction")]
    for key in ("weight_only_bandwidth_fraction", "weight_only_tensor_fraction"):
        kernel_keys += [((key, bits), DEQUANT_FRACTION) for bits in runtimes[0][key]]
    for r in runtimes:
        out.append((f"{r['name']}/kernel_overhead_s", [("runtimes", r["name"], "kernel_overhead_s")],
                    KERNEL_SECONDS))
        for key in ("prefill_step_overhead_s", "decode_step_overhead_s"):
            out.append((f"{r['name']}/{key}", [("runtimes", r["name"], key)], STEP_SECONDS))
        if not tie_kernels:
            for key, bounds in kernel_keys:
                out.append((f"{r['name']}/{'/'.join(key)}", [("runtimes", r["name"]) + key], bounds))
    if tie_kernels:
        for key, bounds in kernel_keys:
            own = key[0].startswith("weight_only_")
            tied = [r for r in runtimes if not (own and r["name"] in OWN_DEQUANT_KERNELS)]
            out.append((f"every runtime/{'/'.join(key)}", [("runtimes", r["name"]) + key for r in tied], bounds))
            if own:
                out += [(f"{r['name']}/{'/'.join(key)}", [("runtimes", r["name"]) + key], bounds)
                        for r in runtimes if r["name"] in OWN_DEQUANT_KERNELS]
    return out


def candidates(value, bounds, points=10):
    """Log-spaced values across the bounds (0 included when it is the lower
    bound), and values 10-25% either side of the current one."""
    lo, hi = bounds
    floor = lo if lo > 0 else hi / 1000
    out = [floor * (hi / floor) ** (i / (points - 1)) for i in range(points)]
    if lo == 0:
        out.append(0.0)
    out += [min(hi, max(lo, value * f)) for f in (0.8, 0.9, 1.1, 1.25)]
    return [x for x in dict.fromkeys(out) if x != value]


def node(doc, path):
    section, name = path[0], path[1]
    key = "device" if section == "devices" else "name"
    entry = next(e for e in doc[section] if e[key] == name)
    for p in path[2:]:
        entry = entry[p]
    return entry


def write_json(doc):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(doc, f)
        return f.name


def cases(lmp, doc, dataset_path):
    """`lmp validate`'s cases of `dataset_path` under `doc`."""
    path = write_json(doc)
    try:
        out = subprocess.run([lmp, "validate", "--dataset", dataset_path, "--format", "json", "--runtime-file", path],
                             check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(path)
    return json.loads(out)["cases"]


def predict(lmp, doc, dataset_path):
    """time ratios of the predicted cases of `dataset_path` under `doc`."""
    return [c["time_ratio"] for c in cases(lmp, doc, dataset_path) if "time_ratio" in c]


def rows_of_runtime(lmp, doc, rows, runtime):
    """The rows `lmp validate` predicts under `runtime`."""
    data = write_json({"schema": "lmp.measurements/1", "measurements": rows})
    try:
        ids = {c["id"] for c in cases(lmp, doc, data) if c.get("runtime") == runtime}
    finally:
        os.unlink(data)
    return [r for r in rows if r["id"] in ids]


def score(lmp, doc, dataset_path):
    ratios = predict(lmp, doc, dataset_path)
    return sum(abs(math.log(r)) for r in ratios) / len(ratios), len(ratios)


def clamped(base, params):
    """`base` with every parameter moved inside its bounds."""
    doc = copy.deepcopy(base)
    for _, paths, (lo, hi) in params:
        for path in paths:
            v = node(doc, path)
            v["value"] = min(hi, max(lo, v["value"]))
    return doc


def prior(base, params):
    doc = copy.deepcopy(base)
    for _, paths, bounds in params:
        for path in paths:
            node(doc, path)["value"] = PRIOR[bounds]
    return doc


def descend(lmp, doc, params, dataset_path, sweeps, log):
    """Coordinate descent from `doc`; returns (score, cases, doc, names of
    the parameters some case is sensitive to)."""
    best, n = score(lmp, doc, dataset_path)
    log(f"  start: mean |log ratio| {best:.4f} over {n} cases")
    sensitive = set()
    for sweep in range(sweeps):
        improved = False
        for name, paths, bounds in params:
            old = node(doc, paths[0])["value"]
            for new in candidates(old, bounds):
                for path in paths:
                    node(doc, path)["value"] = new
                s, _ = score(lmp, doc, dataset_path)
                if s != best:
                    sensitive.add(name)
                if s < best - 1e-9:
                    best, old, improved = s, new, True
            for path in paths:
                node(doc, path)["value"] = old
        log(f"  sweep {sweep + 1}: mean |log ratio| {best:.4f}")
        if not improved:
            break
    return best, n, doc, sensitive


def fit(lmp, base, rows, tie_kernels, sweeps, log, only=None, keys=None):
    """The better of two descents (from `base` and from the prior) on `rows`."""
    params = parameters(base, tie_kernels, only, keys)
    data = write_json({"schema": "lmp.measurements/1", "measurements": rows})
    try:
        results = []
        for name, start in (("file", clamped(base, params)), ("prior", prior(base, params))):
            log(f"start from the {name}:")
            results.append(descend(lmp, start, params, data, sweeps, log))
    finally:
        os.unlink(data)
    return min(results, key=lambda r: r[0]), params


def fnv1a32(text):
    h = 0x811C9DC5
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def cross_validate(lmp, base, rows, folds, tie_kernels, sweeps, only=None, keys=None):
    ratios = []
    for k in range(folds):
        train = [r for r in rows if (fnv1a32(r["id"]) // 3) % folds != k]
        test = [r for r in rows if (fnv1a32(r["id"]) // 3) % folds == k]
        (_, _, doc, _), _ = fit(lmp, base, train, tie_kernels, sweeps, lambda s: None, only, keys)
        data = write_json({"schema": "lmp.measurements/1", "measurements": test})
        try:
            got = predict(lmp, doc, data)
        finally:
            os.unlink(data)
        print(f"fold {k + 1}/{folds}: {len(train)} rows fitted, {len(got)} cases predicted, median |error| "
              f"{statistics.median(abs(r - 1) for r in got):.3f}", file=sys.stderr)
        ratios += got
    print(f"cross-validated median |error| {statistics.median(abs(r - 1) for r in ratios):.4f}, mean |log ratio| "
          f"{sum(abs(math.log(r)) for r in ratios) / len(ratios):.4f} over {len(ratios)} cases")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lmp", default=os.path.join(ROOT, "build", "lmp"))
    ap.add_argument("--sweeps", type=int, default=6)
    ap.add_argument("--tie-kernels", action="store_true")
    ap.add_argument("--folds", type=int, default=0, help="cross-validate inside the fit rows instead of fitting")
    ap.add_argument("--only", metavar="RUNTIME", help="fit only this runtime's own parameters, untied")
    ap.add_argument("--keys", help="with --only: comma-separated parameters to fit, e.g. weight_only_tensor_fraction/4")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    with open(RUNTIMES, encoding="utf-8") as f:
        base = json.load(f)
    with open(DATASET, encoding="utf-8") as f:
        rows = [r for r in json.load(f)["measurements"] if r["split"] == "fit"]
    keys = args.keys.split(",") if args.keys else None
    if keys and not args.only:
        sys.exit("fit.py: --keys needs --only RUNTIME")
    if args.only:
        rows = rows_of_runtime(args.lmp, base, rows, args.only)
        print(f"{len(rows)} fit rows are predicted under runtime '{args.only}'", file=sys.stderr)
    if args.folds > 1:
        cross_validate(args.lmp, base, rows, args.folds, args.tie_kernels, args.sweeps, args.only, keys)
        return
    (best, n, doc, sensitive), params = fit(args.lmp, base, rows, args.tie_kernels, args.sweeps,
                                            lambda s: print(s, file=sys.stderr), args.only, keys)
    today = datetime.date.today().isoformat()
    how = (" (kernel efficiencies shared by every runtime but the dequantising ones of "
           f"{', '.join(OWN_DEQUANT_KERNELS)})") if args.tie_kernels else ""
    flags = " --tie-kernels" if args.tie_kernels else ""
    if args.only:
        how = " (only these; every other parameter as fitted before)"
        flags = f" --only {args.only}" + (f" --keys {args.keys}" if args.keys else "")
    for name, paths, _ in params:
        for path in paths:
            v = node(doc, path)
            v["value"] = float(f"{v['value']:.3g}")
            if name in sensitive:
                v["provenance"] = (f"fitted {today} by tools/calibrate/fit.py{flags}"
                                   f"{how} to the {n} fit cases of data/measurements/published.json (mean |log "
                                   f"ratio| {best:.3f})")
            else:
                v["provenance"] = "not fitted: no fit case is sensitive to it; an engineering estimate"
        print(f"{name:60} {node(doc, paths[0])['value']:<10g} {'fitted' if name in sensitive else 'not fitted'}")
    if args.write:
        tmp = RUNTIMES + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
        os.replace(tmp, RUNTIMES)
        print(f"wrote {RUNTIMES}", file=sys.stderr)


if __name__ == "__main__":
    main()
