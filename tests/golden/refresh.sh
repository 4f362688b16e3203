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
"$lmp" sweep --model meta-llama/Llama-2-7b-hf,mistralai/Mistral-7B-v0.1 --hardware h100,a100-80gb --batch 1,8 \
  --prompt 512 --gen 128:8192:x8 --profile fused,flash --jobs 2 \
  > "$root/tests/golden/sweep_llama-2-7b_mistral-7b.csv"
"$lmp" compare meta-llama/Llama-2-7b-hf --hardware h100 --batch 8 --a w-bits=16 --b w-bits=4,kv-bits=8 \
  > "$root/tests/golden/compare_llama-2-7b_w16_w4kv8.txt"
echo "golden files refreshed"
