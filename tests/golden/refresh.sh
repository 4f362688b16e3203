#!/usr/bin/env bash
# Regenerates the golden outputs from the current build. Run after a change
# that is meant to alter them, then review `git diff tests/golden`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
lmp=${LMP:-$root/build/lmp}
"$lmp" analyze meta-llama/Llama-2-7b-hf --batch 1 --seq 2048 --kv-len 2048 --format json \
  > "$root/tests/golden/llama-2-7b_b1_s2048.json"
"$lmp" analyze meta-llama/Llama-2-70b-hf --batch 8 --seq 512 --kv-len 4096 --w-bits 4 --kv-bits 8 --format csv \
  > "$root/tests/golden/llama-2-70b_b8_s512_w4kv8.csv"
echo "golden files refreshed"
