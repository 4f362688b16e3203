#!/usr/bin/env python3
"""The measured dataset's splits are the rule's (tools/calibrate/split.py),
not hand-edited, and every published figure carries its source's words."""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "calibrate"))
import split  # noqa: E402


def main():
    failures = []
    # The FNV-1a rule on known strings (the published test vectors).
    for text, want in (("", 0x811C9DC5), ("a", 0xE40C292C), ("foobar", 0xBF9CF968)):
        if split.fnv1a32(text) != want:
            failures.append(f"fnv1a32({text!r}) = {split.fnv1a32(text):#x}, want {want:#x}")
    path = os.path.join(ROOT, "data", "measurements", "published.json")
    with open(path, encoding="utf-8") as f:
        rows = json.load(f)["measurements"]
    for r in rows:
        if r["split"] != split.split_of(r["id"]):
            failures.append(f"{r['id']}: split {r['split']}, the rule says {split.split_of(r['id'])}")
        if not r["source"].get("quote", "").strip():
            failures.append(f"{r['id']}: no quote from the source")
    fit = sum(r["split"] == "fit" for r in rows)
    if not 0.2 < fit / len(rows) < 0.5:
        failures.append(f"{fit} of {len(rows)} rows are fit: the rule should give about a third")
    for f in failures:
        print("FAIL:", f)
    checks = 3 + 2 * len(rows) + 1
    print(f"{checks - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
