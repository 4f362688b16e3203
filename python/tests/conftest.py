"""The package under test is the one the build put in build/python
(PYTHONPATH, set by ctest); LMP_BINARY is the lmp executable the results
are compared with."""

import json
import os
import subprocess

import pytest

SOURCE_DIR = os.environ.get("LMP_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("LMP_BINARY", os.path.join(SOURCE_DIR, "build", "lmp"))


def run_cli(*args):
    """lmp's stdout for `args`; fails the test on a non-zero exit."""
    done = subprocess.run([BINARY, *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def cli_json(*args):
    return json.loads(run_cli(*args, "--format", "json"))


def cli_error(*args):
    """lmp's one-line error for `args` (it must exit 2), without "lmp: error: "."""
    done = subprocess.run([BINARY, *args], capture_output=True, text=True)
    assert done.returncode == 2, (done.returncode, done.stderr)
    return done.stderr.strip().splitlines()[0]


@pytest.fixture
def source_dir():
    return SOURCE_DIR
