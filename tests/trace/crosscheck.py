"""Cross-check: lmp's figures against the PyTorch trace counter.

For every entry of the default module database, and at every shape set of its
case (three or more, batch > 1):
- eager profile: lmp's operations equal the traced aten ops of that module,
  one for one and in order: FLOPs, bytes of weights read, bytes of
  activations read and bytes written. lmp's kv_cache figures count as
  activations (the trace cannot tell a cache from any other tensor).
  Operations whose figures are all 0 at these sizes (a GQA copy when there
  is no grouping) are skipped on the lmp side.
- every profile (fused, flash, eager): the module's matmul FLOPs equal the
  trace's. An attention kernel is opaque on both sides: where lmp counts one
  (an attention-kind operation: FlashAttention under flash, which also
  counts the causal skip, docs/flash.md; SDPA under eager), lmp's matmuls
  are compared with the trace's mm/addmm, without the score and value
  bmm's it replaces. Where lmp has none, they are compared with all the
  trace's matmuls plus the two matmuls inside a traced SDPA kernel
  (4*B*H*L*S*E), which lmp's fused profile counts as qk and sv matmuls.

Cases live in cases_*.py beside this file; each entry key of
`lmp module list` must have a case or an entry in EXCLUDED with a reason.

Usage: crosscheck.py LMP_BINARY [--db FILE ...] [--only KEY ...] [--verbose]
(--db layers module files over the binary's database, as lmp's own --db.)
Exit 0: all equal; 1: a mismatch (both sides printed); 2: bad set-up.
"""
import argparse
import importlib
import json
import os
import pkgutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [os.path.join(ROOT, "tools", "trace"), os.path.join(ROOT, "tests", "reference"), HERE]

import torch  # noqa: E402
import lmp_trace  # noqa: E402
from lmp_trace import flops as flop_table  # noqa: E402
from cases import EXCLUDED  # noqa: E402

PROFILES = ("fused", "flash", "eager")


def load_cases():
    cases = []
    for info in pkgutil.iter_modules([HERE]):
        if info.name.startswith("cases_"):
            cases.extend(importlib.import_module(info.name).CASES)
    return cases


DB_ARGS = []


def lmp_eval(lmp, key, params, profile):
    cmd = [lmp, "module", "eval", key, "--profile", profile, "--format", "json"] + DB_ARGS
    cmd += [f"{k}={v}" for k, v in params.items()]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: exit {run.returncode}: {run.stderr.strip()}")
    return json.loads(run.stdout)["operations"]


def lmp_figures(op):
    return (op["flops"], op["reads"]["weights"],
            op["reads"]["activations"] + op["reads"]["kv_cache"],
            op["writes"]["activations"] + op["writes"]["kv_cache"])


def trace_figures(rec):
    return (rec.flops, rec.reads_weights, rec.reads_activations, rec.writes)


def describe(rec):
    shapes = " ".join("x".join(map(str, t.shape)) + ":" + t.dtype for t in rec.inputs)
    return f"{rec.op}({shapes})"


def compare_eager(key, shape_name, lmp_ops, records, out):
    lmp_ops = [op for op in lmp_ops if any(lmp_figures(op))]
    ok = len(lmp_ops) == len(records) and all(
        lmp_figures(a) == trace_figures(b) for a, b in zip(lmp_ops, records))
    if ok:
        return True
    out.append(f"MISMATCH {key} [{shape_name}] eager: lmp has {len(lmp_ops)} operations, "
               f"the trace {len(records)}")
    out.append(f"  {'#':>3}  {'lmp op':<22} {'flops/w/a_read/written':<36} | trace")
    for i in range(max(len(lmp_ops), len(records))):
        a = lmp_ops[i] if i < len(lmp_ops) else None
        b = records[i] if i < len(records) else None
        fa = lmp_figures(a) if a else None
        fb = trace_figures(b) if b else None
        mark = "  " if fa == fb else "!="
        left = f"{a['op']:<22} {str(fa):<36}" if a else f"{'-':<22} {'':<36}"
        right = f"{describe(b)} {fb}" if b else "-"
        out.append(f"  {i:>3}{mark}{left} | {right}")
    return False


def matmul_flops_lmp(ops):
    has_kernel = any(op["kind"] == "attention" for op in ops)
    return sum(op["flops"] for op in ops if op["kind"] == "matmul"), has_kernel


def matmul_flops_trace(records, lmp_has_kernel):
    if lmp_has_kernel:
        return sum(r.flops for r in records if r.kind == "matmul"
                   and r.op not in ("aten.bmm", "aten.baddbmm"))
    return (sum(r.flops for r in records if r.kind == "matmul")
            + sum(flop_table.sdpa_matmul_flops(r) for r in records if r.kind == "attention"))


def run_case(lmp, case, verbose, out):
    ok = True
    for shape_name, shape in case.shapes:
        torch.manual_seed(0)
        module, args, kwargs, params = case.build(shape)
        module = module.to(torch.bfloat16).eval()
        counter = lmp_trace.trace(module, *args, **kwargs)
        if counter.unknown:
            out.append(f"UNKNOWN {case.key} [{shape_name}]: aten ops with no FLOP rule: "
                       + ", ".join(sorted({r.op for r in counter.unknown})))
            return False
        if case.select:
            records = case.select(counter.records, shape)
        else:
            records = [r for r in counter.records if r.module == case.target]
        for profile in PROFILES:
            ops = lmp_eval(lmp, case.key, params, profile)
            if profile == "eager":
                ok &= compare_eager(case.key, shape_name, ops, records, out)
            lmp_mm, has_kernel = matmul_flops_lmp(ops)
            trace_mm = matmul_flops_trace(records, has_kernel)
            if lmp_mm != trace_mm:
                ok = False
                out.append(f"MISMATCH {case.key} [{shape_name}] {profile}: matmul FLOPs lmp {lmp_mm}, "
                           f"trace {trace_mm}")
        if verbose:
            out.append(f"ok {case.key} [{shape_name}]: {len(records)} ops")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("lmp")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--db", action="append", default=[])
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    for f in a.db:
        DB_ARGS.extend(["--db", f])
    cases = load_cases()
    by_key = {c.key: c for c in cases}
    listed = json.loads(subprocess.run([a.lmp, "module", "list", "--format", "json"] + DB_ARGS,
                                       capture_output=True, text=True, check=True).stdout)
    keys = [m["key"] for m in listed]
    out, ok = [], True
    uncovered = [k for k in keys if k not in by_key and k not in EXCLUDED]
    if uncovered and not a.only:
        ok = False
        out.append("NO CASE for: " + ", ".join(uncovered)
                   + " (add one to tests/trace/cases_*.py, or to EXCLUDED with the reason)")
    checked = 0
    for key in keys:
        if key in by_key and (not a.only or key in a.only):
            ok &= run_case(a.lmp, by_key[key], a.verbose, out)
            checked += 1
    for c in cases:
        if c.key not in keys:
            ok = False
            out.append(f"case {c.key} names no entry of the default database")
    print("\n".join(out))
    shapes = sum(len(by_key[k].shapes) for k in keys if k in by_key and (not a.only or k in a.only))
    print(f"crosscheck: {checked} modules, {shapes} shape sets, {len(EXCLUDED)} excluded: "
          + ("all equal" if ok else "MISMATCHES above"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
