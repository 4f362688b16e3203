#!/usr/bin/env python3
"""Assigns each row of a measurements file (lmp.measurements/1) to the fit or
the held-out split by a fixed rule that looks at nothing but the row's id:
FNV-1a (32-bit) of the id, modulo 3; 0 is "fit", 1 and 2 are "held_out".

The rule was chosen before any fitting, so that which figures fit the time
model is decided by neither their values nor their errors. Rows marked
Rerunning the script is idempotent.

    python3 tools/calibrate/split.py data/measurements/published.json
"""
import json
import sys


def fnv1a32(text):
    h = 0x811C9DC5
    for b in text.encode("utf-8"):
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def split_of(row_id):
    return "fit" if fnv1a32(row_id) % 3 == 0 else "held_out"


def main(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    counts = {"fit": 0, "held_out": 0}
    for row in doc["measurements"]:
        row["split"] = split_of(row["id"])
        counts[row["split"]] += 1
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")
    import os
    os.replace(tmp, path)
    print(f"{path}: {counts['fit']} fit, {counts['held_out']} held out")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: split.py MEASUREMENTS.json")
    main(sys.argv[1])
