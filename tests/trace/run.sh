#!/usr/bin/env bash
# Runs one Python trace test (tests/trace/*.py) with a python that has
# PyTorch: $LMP_PYTHON, else Debian's /usr/bin/python3, else python3 on PATH.
# Exits 77 (CTest: skipped) when none has torch, unless LMP_REQUIRE_TORCH=1
# (.ci/run sets it), where that is a failure.
set -uo pipefail
for py in "${LMP_PYTHON:-}" /usr/bin/python3 python3; do
  [ -n "$py" ] || continue
  if "$py" -c "import torch" 2>/dev/null; then
    export LMP_PYTHON="$py"
    exec "$py" "$@"
  fi
done
echo "no python with PyTorch (Debian: apt-get install python3-torch; or set LMP_PYTHON)" >&2
[ "${LMP_REQUIRE_TORCH:-0}" = "1" ] && exit 1
exit 77
