"""python3 -m lmp_trace derive CLASS --config FILE [--init KEY=VALUE ...] [--sub-layers A,B|all]

Prints a module database document (lmp.module-db/1) with one entry derived
from traces of CLASS; `lmp module trace` runs this and stores the entry.
Errors: one line on stderr, exit 2.
"""
import argparse
import json
import sys


def main(argv):
    ap = argparse.ArgumentParser(prog="lmp_trace", description="lmp's PyTorch trace tools")
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser("derive", help="derive a module entry from two traces")
    d.add_argument("class_name")
    d.add_argument("--config", required=True)
    d.add_argument("--init", action="append", default=[])
    d.add_argument("--sub-layers", default="")
    a = ap.parse_args(argv)
    from .derive import DeriveError, derive
    try:
        subs = [s for s in a.sub_layers.split(",") if s]
        doc = derive(a.class_name, a.config, a.init, subs)
    except DeriveError as e:
        print(f"lmp_trace: error: {e}", file=sys.stderr)
        return 2
    json.dump(doc, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
