#!/usr/bin/env bash
# Builds lmp and analyzes Llama-2-7b (prefill at 2048 tokens, decode at 2048)
# from the data embedded in the binary; then installs the Python package
# (docs/python.md) for Debian's python3 from the same build and asks it for
# the same request's totals.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2 --target lmp lmp_python
./build/lmp analyze meta-llama/Llama-2-7b-hf --batch 1 --seq 2048 --kv-len 2048
LMP_BUILD_DIR="$PWD/build" /usr/bin/python3 -m pip install -q --no-build-isolation --no-deps --break-system-packages \
  --root-user-action=ignore ./python
rm -rf python/build python/lmp.egg-info
(cd / && /usr/bin/python3 -c 'import lmp; a = lmp.analyze("meta-llama/Llama-2-7b-hf", batch=1, seq=2048, kv_len=2048)
print("python: lmp", lmp.__version__, {s: t["flops"] for s, t in a.totals.items()})')
