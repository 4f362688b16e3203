#!/usr/bin/env bash
# Whole-process timings of lmp (docs/BENCHMARKS.md, issue 16): the median
# wall time of RUNS runs (default 50) of each command, output discarded.
#
#   bash bench/startup.sh [LMP] [RUNS]     LMP defaults to build/lmp
#
# Uses bash's EPOCHREALTIME (microseconds); run it on an idle machine, and
# compare figures only from the same machine.
set -euo pipefail

main() {
  cd "$(dirname "$0")/.."
  local lmp=${1:-build/lmp} runs=${2:-50}
  [ -x "$lmp" ] || { echo "bench/startup.sh: $lmp is not an executable; build first (see README)" >&2; exit 2; }
  local -a commands=(
    "--version"
    "hardware list"
    "analyze meta-llama/Llama-2-7b-hf"
    "generate meta-llama/Llama-2-7b-hf --hardware h100"
    "sweep --model meta-llama/Llama-2-7b-hf --hardware h100 --batch 1:1000:+1"
    "analyze meta-llama/Llama-2-70b-hf --tp 8 --hardware h100"
  )
  printf '%-75s %12s %12s\n' command "median ms" "min ms"
  for c in "${commands[@]}"; do
    local -a times=()
    for ((i = 0; i < runs; i++)); do
      local t0=$EPOCHREALTIME
      # shellcheck disable=SC2086  # the command's words are meant to split
      "$lmp" $c > /dev/null
      local t1=$EPOCHREALTIME
      times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) * 1000 }')")
    done
    local sorted
    sorted=$(printf '%s\n' "${times[@]}" | sort -g)
    local median min
    median=$(awk -v n="$runs" '{ v[NR] = $1 } END { if (n % 2) print v[(n + 1) / 2]; else printf "%.3f", (v[n / 2] + v[n / 2 + 1]) / 2 }' <<<"$sorted")
    min=$(head -1 <<<"$sorted")
    printf '%-75s %12s %12s\n' "lmp $c" "$median" "$min"
  done
}

main "$@"
