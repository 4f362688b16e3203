#!/usr/bin/env python3
"""tools/calibrate/fit.py frees the parameters docs/calibration.md says it
does: --tie-kernels shares the kernel efficiencies between runtimes except the
dequantising ones of a runtime with its own kernels (autoawq), and --only fits
one runtime's parameters alone. No lmp run: this checks the selection only."""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "calibrate"))
import fit  # noqa: E402


def names(params):
    return {p[0]: [path[1] for path in p[1]] for p in params}


def main():
    with open(fit.RUNTIMES, encoding="utf-8") as f:
        doc = json.load(f)
    failures = []
    tied = names(fit.parameters(doc, True))
    want = {
        "every runtime/attention_flops_fraction": ["serving", "compiled", "autoawq", "eager"],
        "every runtime/weight_only_tensor_fraction/4": ["serving", "compiled", "eager"],
        "autoawq/weight_only_tensor_fraction/4": ["autoawq"],
        "autoawq/kernel_overhead_s": ["autoawq"],
    }
    for name, runtimes in want.items():
        if tied.get(name) != runtimes:
            failures.append(f"--tie-kernels: {name} sets {tied.get(name)}, want {runtimes}")
    if "autoawq/attention_flops_fraction" in tied:
        failures.append("--tie-kernels: autoawq's attention should stay tied")
    only = names(fit.parameters(doc, False, "autoawq", ["weight_only_bandwidth_fraction/4",
                                                        "weight_only_tensor_fraction/4"]))
    if only != {"autoawq/weight_only_bandwidth_fraction/4": ["autoawq"],
                "autoawq/weight_only_tensor_fraction/4": ["autoawq"]}:
        failures.append(f"--only autoawq --keys ...: {only}")
    if len(fit.parameters(doc, False, "compiled")) != 9:
        failures.append(f"--only compiled: {len(fit.parameters(doc, False, 'compiled'))} parameters, want 9 "
                        "(3 fixed costs, 2 attention, 4 dequantising, the tiles not fitted)")
    for only_args in (("nosuch", None), ("autoawq", ["weight_only_tensor_fraction/3"])):
        try:
            fit.parameters(doc, False, *only_args)
            failures.append(f"--only {only_args}: no error")
        except SystemExit as e:
            if "fit.py:" not in str(e.code):
                failures.append(f"--only {only_args}: {e.code}")
    for f in failures:
        print(f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
