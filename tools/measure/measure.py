#!/usr/bin/env python3
"""lmp's measurement harness: the figures lmp's time model is fitted on.

  python3 tools/measure/measure.py [all|gemm|copy|attention|model ...]
      --device cpu|cuda|auto --out DIR [--quick] [--models ID ...]
      [--time-budget-s 420] [--hardware-name NAME]

Writes DIR/kernels.json (lmp.kernel-measurements/1: GEMM, copy and
attention kernel times, and every case skipped, with its reason) and, when
the model section runs, DIR/steps.json (lmp.measurements/1, the format of
data/schema/measurements.schema.json: whole-model prefill and decode step
times), plus, for a model that is not in lmp's catalog, its config.json next
to steps.json. Both files are rewritten after each section (and steps.json
after each model), so a run cut short keeps what it measured.

What each time includes and excludes is documented where it is taken:
kernels.py (one kernel, inputs prepared beforehand, L2 kept cold) and
steps.py (one eager forward step, launch overhead included). See README.md.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

import kernels  # noqa: E402
import steps  # noqa: E402
import timing  # noqa: E402

SECTIONS = ["gemm", "copy", "attention", "model"]
# Shares of the time budget: a section may use weight / (sum of the weights
# of it and the sections after it) of the time left when it starts.
WEIGHTS = {"gemm": 3, "copy": 1, "attention": 2, "model": 4}


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "cpu"


def nvidia_driver():
    exe = shutil.which("nvidia-smi")
    if not exe:
        return ""
    try:
        out = subprocess.run([exe, "--query-gpu=driver_version", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=20)
        return out.stdout.strip().splitlines()[0] if out.returncode == 0 and out.stdout.strip() else ""
    except (OSError, subprocess.SubprocessError):
        return ""


def catalog_hardware(device_name):
    """A CUDA device name (torch.cuda.get_device_name) to the name lmp's
    hardware catalog (data/hardware/devices.json) knows it by; the device name
    itself when there is no sure match (pass --hardware-name then)."""
    n = device_name.upper().replace("NVIDIA", "").replace("GEFORCE", "").strip()
    rules = [("H200", "H200"), ("H100 PCIE", "H100-PCIe"), ("H100 80GB HBM3", "H100-SXM"),
             ("H100 SXM", "H100-SXM"), ("B200", "B200"), ("A100-SXM4-80GB", "A100-80GB-SXM"),
             ("A100-SXM4-40GB", "A100-40GB-SXM"), ("L40S", "L40S"), ("RTX 4090", "RTX-4090"),
             ("RTX A6000", "RTX-A6000"), ("V100-SXM2-32GB", "V100-SXM2-32GB")]
    for key, name in rules:
        if key in n:
            return name
    if n in ("L4", "A10"):
        return n
    return device_name


def environment(device, args):
    """The `measured` block: scalars only (the schema says so), no hostname."""
    m = {
        "date": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat(),
        "device_type": device.type,
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else cpu_name(),
        "driver": nvidia_driver() if device.type == "cuda" else "",
        "torch": torch.__version__,
        "cuda": torch.version.cuda or "",
        "cudnn": str(torch.backends.cudnn.version() or "") if device.type == "cuda" else "",
        "python": platform.python_version(),
        "os": platform.system() + " " + platform.release(),
        "cpu_threads": torch.get_num_threads(),
        "quick": bool(args.quick),
        "time_budget_s": float(args.time_budget_s),
        "harness": "tools/measure/measure.py",
    }
    if device.type == "cuda":
        p = torch.cuda.get_device_properties(device)
        m["compute_capability"] = f"{p.major}.{p.minor}"
        m["device_memory_bytes"] = int(p.total_memory)
        m["multiprocessors"] = int(p.multi_processor_count)
    return m


def write_json(path, doc):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def parse(argv):
    ap = argparse.ArgumentParser(description="lmp measurement harness (see tools/measure/README.md)")
    ap.add_argument("sections", nargs="*", metavar="SECTION",
                    help="gemm, copy, attention, model or all (default: all)")
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    ap.add_argument("--out", required=True, help="output directory (created)")
    ap.add_argument("--quick", action="store_true", help="a few small cases per section (CI)")
    ap.add_argument("--models", nargs="+", default=None,
                    help="catalog ids (meta-llama/Llama-2-7b-hf), config.json paths or 'tiny'; "
                         f"default: {' '.join(steps.CUDA_MODELS)} on CUDA, tiny on CPU")
    ap.add_argument("--time-budget-s", type=float, default=420.0,
                    help="stop starting new cases after this many seconds (default 420)")
    ap.add_argument("--hardware-name", default=None,
                    help="steps.json's hardware field (default: host-cpu on CPU, the catalog "
                         "name of the GPU on CUDA)")
    args = ap.parse_args(argv)
    bad = [s for s in args.sections if s not in SECTIONS + ["all"]]
    if bad:
        ap.error(f"unknown section {bad[0]!r} (choose from {', '.join(SECTIONS)}, all)")
    if not args.sections or "all" in args.sections:
        args.sections = list(SECTIONS)
    return args


def main(argv):
    args = parse(argv)
    if args.device == "auto":
        args.device = "cuda" if torch.cuda.is_available() else "cpu"
    if args.device == "cuda" and not torch.cuda.is_available():
        print("measure: error: --device cuda but torch sees no CUDA device", file=sys.stderr)
        return 2
    device = torch.device("cuda:0" if args.device == "cuda" else "cpu")
    if device.type == "cuda":
        torch.cuda.set_device(device)
        # Plain fp32 matmuls stay fp32 (no TF32) unless a case asks for it.
        torch.backends.cuda.matmul.allow_tf32 = False
    for name in args.models or [] if "model" in args.sections else []:
        try:  # a typo is an error now, not a skipped model minutes later
            steps.Config(steps.resolve(name)[0])
        except (ValueError, KeyError, OSError) as e:
            print(f"measure: error: --models {name}: {e}", file=sys.stderr)
            return 2
    os.makedirs(args.out, exist_ok=True)
    out_dir = os.path.abspath(args.out)
    env = environment(device, args)
    hardware = args.hardware_name or (
        catalog_hardware(env["device"]) if device.type == "cuda" else "host-cpu")
    budget = timing.Budget(args.time_budget_s)
    order = [s for s in SECTIONS if s in args.sections]
    kdoc = {"schema": "lmp.kernel-measurements/1", "measured": dict(env),
            "gemm": [], "copy": [], "attention": [], "skipped": [], "sections": {}}
    sdoc = {"schema": "lmp.measurements/1",
            "description": "Whole-model prefill and decode step times measured by tools/measure "
                           "(random weights, PyTorch eager).",
            "measured": dict(env), "measurements": []}
    # "PyTorch eager" as one phrase: lmp's runtime catalog
    # (data/runtimes/runtimes.json) maps frameworks containing it to its
    # eager runtime.
    framework = f"PyTorch eager (torch {torch.__version__})"

    def save():
        exhausted = budget.exhausted()
        for doc in (kdoc, sdoc):
            doc["measured"]["budget_exhausted"] = exhausted
            doc["measured"]["seconds"] = round(budget.total_s - budget.left(), 3)
        kdoc["sections"] = budget.summary()
        write_json(os.path.join(out_dir, "kernels.json"), kdoc)  # always: it has `skipped`
        if "model" in order:
            sm = budget.summary().get("model", {})
            sdoc["measured"]["model_cases_failed"] = sm.get("failed", 0)
            sdoc["measured"]["model_cases_dropped_for_time"] = sm.get("dropped_for_time", 0)
            write_json(os.path.join(out_dir, "steps.json"), sdoc)

    for i, name in enumerate(order):
        share = WEIGHTS[name] / sum(WEIGHTS[s] for s in order[i:])
        sec = budget.section(name, share)
        if name == "model":
            models = args.models or (steps.CUDA_MODELS if device.type == "cuda" else [steps.TINY])
            models = list(dict.fromkeys(models))  # a model named twice would repeat row ids
            ctx = {"hardware": hardware, "framework": framework, "date": env["date"], "out_dir": out_dir}

            def model_done(rows):
                sdoc["measurements"] = list(rows)
                save()
            rows, skipped = steps.run_models(device, sec, args.quick, models, ctx, model_done)
            sdoc["measurements"] = rows
        else:
            rows, skipped = getattr(kernels, name)(device, sec, args.quick)
            kdoc[name] = rows
        kdoc["skipped"] += skipped
        for s in skipped[:10]:
            print(f"measure: skipped {s['case']}: {s['reason']}", file=sys.stderr)
        if len(skipped) > 10:
            print(f"measure: ... {len(skipped) - 10} more skipped (kernels.json)", file=sys.stderr)
        sec.done()
        print(f"measure: {name}: {sec.run} run, {sec.failed} skipped or failed, "
              f"{sec.dropped} dropped for time, {sec.seconds():.1f} s", file=sys.stderr, flush=True)
        save()
    print(f"measure: wrote {out_dir} in {budget.total_s - budget.left():.1f} s"
          f"{' (time budget exhausted)' if budget.exhausted() else ''}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
