#!/usr/bin/env bash
# Renders lmp's HTML report in headless Chromium and fails on a page that
# did not run its script, reported an error, logged to the console, or drew
# an empty roofline chart; then takes a screenshot and fails on an empty one.
#   tests/html_screenshot_test.sh LMP_BINARY [OUT_DIR]
# Exits 77 (CTest: skipped) when chromium is not installed, unless
# LMP_REQUIRE_CHROMIUM=1 (CI), where that is a failure.
set -euo pipefail
lmp=$1
out=${2:-$(mktemp -d)}
mkdir -p "$out"
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  if [ "${LMP_REQUIRE_CHROMIUM:-0}" = 1 ]; then
    echo "FAIL: chromium is not installed (scripts/install-deps.sh --test installs it)"; exit 1
  fi
  echo "SKIP: chromium is not installed"; exit 77
fi
fail() { echo "FAIL: $*"; exit 1; }

"$lmp" generate mistralai/Mixtral-8x7B-v0.1 --hardware h100 --batch 8 --gen 256 --format html -o "$out/report.html"
# One profile per run: headless Chromium keeps nothing between them.
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir="$out/profile")

timeout 120 "$browser" "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom "file://$out/report.html" \
  > "$out/dom.html" 2> "$out/console.log" || fail "chromium --dump-dom failed: $(tail -3 "$out/console.log")"
body=$(grep -o '<body[^>]*>' "$out/dom.html" | head -1)
[ -n "$body" ] || fail "no <body> in the rendered page"
case "$body" in *'data-ready="1"'*) ;; *) fail "the page's script did not finish: $body" ;; esac
case "$body" in *data-error*) fail "the page reported an error: $body" ;; esac
points=$(sed -n 's/.*data-points="\([0-9]*\)".*/\1/p' <<< "$body")
[ "${points:-0}" -gt 0 ] || fail "empty roofline chart: $body"
if grep -q 'CONSOLE' "$out/console.log"; then
  fail "console output: $(grep 'CONSOLE' "$out/console.log" | head -3)"
fi

timeout 120 "$browser" "${flags[@]}" --window-size=1200,1500 --screenshot="$out/report.png" \
  "file://$out/report.html" > /dev/null 2>&1 || fail "chromium --screenshot failed"
[ -s "$out/report.png" ] || fail "no screenshot"
# A blank 1200x1500 page compresses to a few KB; the report is hundreds.
size=$(stat -c %s "$out/report.png")
[ "$size" -gt 50000 ] || fail "the screenshot is nearly empty ($size bytes)"
echo "ok: $points operations on the roofline, screenshot $out/report.png ($size bytes)"
