#!/usr/bin/env bash
# Builds lmp and analyzes Llama-2-7b (prefill at 2048 tokens, decode at 2048)
# from the data embedded in the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2 --target lmp
./build/lmp analyze meta-llama/Llama-2-7b-hf --batch 1 --seq 2048 --kv-len 2048
