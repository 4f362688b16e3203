#!/usr/bin/env bash
# Runs the libFuzzer targets of fuzz/ (docs/fuzzing.md).
#
#   bash fuzz/run.sh SECONDS [TARGET...]     every target when none is named
#
# An input running longer than LMP_FUZZ_TIMEOUT seconds (default 5, wall
# clock) is a finding; raise it for a campaign that shares the CPU (under
# nice, or beside a build), where a starved run is slow but not a hang.
#
# Installs clang-15 and libFuzzer if they are missing, builds build-fuzz/
# (LMP_FUZZ=ON: ASan, UBSan, coverage), makes the seeds and dictionaries
# (fuzz/make_seeds.py), then for each target:
#   1. fuzzes for SECONDS on build-fuzz/corpus/TARGET, which is kept between
#      runs (a long campaign is this script with a large SECONDS, repeated);
#   2. replays every input of tests/fuzz/regressions/TARGET.
# A finding (crash, sanitizer report, leak, timeout, escaping exception) is
# written to build-fuzz/findings/TARGET/ and fails the run. One line per
# target, as libFuzzer counts them, is printed and appended to
# build-fuzz/fuzz-log.tsv: date, target, seconds allotted, executions,
# corpus entries, coverage (edges), features, findings, CPU seconds the
# fuzzer used (user + system: less than allotted when it ended on a finding
# or shared a core, e.g. under nice).
#
# LMP_FUZZ_BUILD=0 skips the install and the build and fuzzes the binaries
# already in build-fuzz/: for campaigns that run while the sources are edited,
# or two campaigns side by side (one per core, on different targets).
set -euo pipefail

# All in one function, so that bash has read the whole script before it runs
# (an edit during a long campaign cannot change the run).
main() {
  cd "$(dirname "$0")/.."
  local seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
  shift
  dir=build-fuzz
  if [ "${LMP_FUZZ_BUILD:-1}" != 0 ]; then
    scripts/install-deps.sh --fuzz
    if [ ! -f "$dir/CMakeCache.txt" ]; then
      CXX=clang++-15 cmake -S . -B "$dir" -DLMP_FUZZ=ON -DLMP_BUILD_TESTS=OFF -DLMP_BUILD_BENCH=OFF \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo
    fi
    cmake --build "$dir" -j2
  fi
  targets=("$@")
  if [ ${#targets[@]} -eq 0 ]; then
    for f in fuzz/*_fuzz.cc; do targets+=("$(basename "$f" .cc)"); done
  fi
  # Seeds and dictionaries are made per run, so that two campaigns (one per
  # core, on different targets) can run side by side.
  seeds="$dir/seeds.$$"
  trap 'rm -rf "$seeds"' EXIT
  python3 fuzz/make_seeds.py "$seeds"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  failed=0
  printf '%-20s %8s %8s %10s %8s %8s %8s %s\n' target seconds cpu_s execs corpus cov ft findings
  TIMEFORMAT='%3U %3S'
  for t in "${targets[@]}"; do
    # Findings of an earlier run are cleared: copy one into
    # tests/fuzz/regressions/TARGET/ (with its fix) before running again.
    rm -rf "$dir/findings/$t"
    mkdir -p "$dir/corpus/$t" "$dir/findings/$t"
    log="$dir/findings/$t.log"
    status=0
    extra=()
    # lmp prints on every input; libFuzzer keeps its own report.
    [ "$t" = cli_fuzz ] && extra=(-close_fd_mask=3)
    { time "$dir/$t" "${extra[@]}" -max_total_time="$seconds" -timeout="${LMP_FUZZ_TIMEOUT:-5}" -rss_limit_mb=2048 -print_final_stats=1 \
      -dict="$seeds/$t.dict" -artifact_prefix="$dir/findings/$t/" \
      "$dir/corpus/$t" "$seeds/$t" >"$log" 2>&1; } 2>"$dir/findings/$t.time" || status=$?
    cpu=$(awk '{printf "%.0f", $1 + $2}' "$dir/findings/$t.time")
    regressions=(tests/fuzz/regressions/"$t"/*)
    if [ -e "${regressions[0]}" ]; then
      "$dir/$t" "${regressions[@]}" >>"$log" 2>&1 || status=$?
    fi
    # A fuzzer that stops on a seed prints no progress line: the figures are then '?'.
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || true)
    ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || true)
    corpus=$(find "$dir/corpus/$t" -type f | wc -l)
    # libFuzzer's slow-unit-* files (an input past 10 s, which a starved
    # fuzzer sees) are kept for a look but are not findings; a hang is a timeout-*.
    findings=$(find "$dir/findings/$t" -type f ! -name 'slow-unit-*' | wc -l)
    printf '%-20s %8s %8s %10s %8s %8s %8s %s\n' "$t" "$seconds" "$cpu" "${execs:-?}" "$corpus" "${cov:-?}" \
      "${ft:-?}" "$findings"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$seconds" "${execs:-?}" "$corpus" \
      "${cov:-?}" "${ft:-?}" "$findings" "$cpu" >>"$dir/fuzz-log.tsv"
    if [ "$status" -ne 0 ] || [ "$findings" -ne 0 ]; then
      failed=1
      echo "  $t: finding(s) in $dir/findings/$t/; the log is $log" >&2
      grep -m3 -E 'ERROR|runtime error|terminate|Assertion' "$log" >&2 || true
    fi
  done
  exit "$failed"
}

main "$@"
