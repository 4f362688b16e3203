#!/usr/bin/env bash
# Installs the Debian 12 packages lmp builds with (pybind11, python3-dev,
# numpy, and pip, setuptools and wheel to install the Python package). Run as root (or via sudo).
# With --test, also what only the tests need: Chromium, for the HTML report
# test (tests/html_screenshot_test.sh), PyTorch (python3-torch), for the
# trace checks (tests/trace), and pytest, pandas and matplotlib, for the
# Python package's tests (python/tests). With --fuzz, clang-15 and libFuzzer for the
# fuzz targets (fuzz/run.sh) and python3 for their seeds.
set -euo pipefail
packages=(g++ cmake make nlohmann-json3-dev libcli11-dev libfmt-dev libvalijson-dev
          libgtest-dev libgmock-dev libbenchmark-dev pybind11-dev python3-dev python3-numpy
          python3-pip python3-setuptools python3-wheel)
if [ "${1:-}" = "--test" ]; then
  packages+=(chromium python3-torch python3-pytest python3-pandas python3-matplotlib)
fi
if [ "${1:-}" = "--fuzz" ]; then packages+=(clang-15 libfuzzer-15-dev python3); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
