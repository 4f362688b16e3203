#!/usr/bin/env bash
# The harness's one prepared GPU run: every section, all within 8 minutes.
#
#   bash tools/measure/run_gpu.sh [OUT_DIR] [more measure.py options]
#
# OUT_DIR defaults to $OUT/measure when $OUT is set, else measure-out/.
# Writes there kernels.json, steps.json, measure.log and nvidia-smi.txt.
# The harness stops starting cases after LMP_MEASURE_BUDGET_S seconds
# (default 400); `timeout` stops it hard at 460 s whatever happens. The files
# are rewritten after every section and every model, so a hard stop keeps
# everything measured before it.
# Python: $LMP_PYTHON, else the first of python3, /usr/bin/python3 whose
# torch sees a CUDA device.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=
if [ $# -gt 0 ] && [[ "$1" != -* ]]; then out="$1"; shift; fi
[ -n "$out" ] || out="${OUT:+$OUT/measure}"
[ -n "$out" ] || out=measure-out
mkdir -p "$out"

py=
for p in "${LMP_PYTHON:-}" python3 /usr/bin/python3; do
  [ -n "$p" ] || continue
  if "$p" -c "import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; then
    py="$p"; break
  fi
done
if [ -z "$py" ]; then
  echo "run_gpu.sh: no python whose torch sees a CUDA device (set LMP_PYTHON)" >&2
  exit 2
fi

{ nvidia-smi || true; } >"$out/nvidia-smi.txt" 2>&1
start=$(date +%s)
timeout -k 10 460 "$py" tools/measure/measure.py all --device cuda --out "$out" \
  --time-budget-s "${LMP_MEASURE_BUDGET_S:-400}" "$@" 2>&1 | tee "$out/measure.log"
rc=${PIPESTATUS[0]}
echo "run_gpu.sh: exit $rc after $(( $(date +%s) - start )) s; files in $out" | tee -a "$out/measure.log"
exit "$rc"
