#!/usr/bin/env bash
# Builds everything and runs the whole test suite. With --sanitize, builds in
# build-asan with -fsanitize=address,undefined and runs the suite there.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
dir=build
flags=(-DCMAKE_BUILD_TYPE=Release)
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-asan
  flags=(-DCMAKE_BUILD_TYPE=Debug -DLMP_SANITIZE=ON -DLMP_BUILD_BENCH=OFF)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
cmake -S . -B "$dir" "${flags[@]}"
cmake --build "$dir" -j2
ctest --test-dir "$dir" -j2 --output-on-failure
