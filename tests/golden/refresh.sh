#!/usr/bin/env bash
# Regenerates the golden outputs listed in cases.tsv from the current build.
# Run after a change that is meant to alter them, then review
# `git diff tests/golden`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
lmp=${LMP:-$root/build/lmp}
while IFS=$'\t' read -r file args; do
  case "$file" in ''|'#'*) continue ;; esac
  # Word splitting of $args is intended: the arguments hold no spaces.
  # shellcheck disable=SC2086
  NO_COLOR=1 "$lmp" $args > "$root/tests/golden/$file"
done < "$root/tests/golden/cases.tsv"
echo "golden files refreshed"
