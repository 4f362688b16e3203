"""What the Python package adds to one analysis (docs/BENCHMARKS.md).

    PYTHONPATH=build/python python3 bench/python_overhead.py

For each request, the median wall time of lmp.analyze(...) from Python,
and of api::Analyze on the same request in C++ (lmp._lmp._bench_analyze:
the same options and shared catalogs, no Python in the loop), in the same
process; the difference is the package's overhead per call. Then a sweep
of a million scenarios, timed whole (lmp.sweep, to a DataFrame).
"""

import statistics
import time

import lmp
from lmp import _lmp

REPS = 400
CASES = [
    ("Llama-2-7b, no device", "meta-llama/Llama-2-7b-hf", {}),
    ("Llama-2-7b decode on h100", "meta-llama/Llama-2-7b-hf", dict(hardware="h100", stage="decode", batch=8)),
    ("gpt2 on a100-80gb", "openai-community/gpt2", dict(hardware="a100-80gb")),
]


def python_times(model, kwargs):
    times = []
    for _ in range(REPS):
        start = time.perf_counter()
        lmp.analyze(model, **kwargs)
        times.append(time.perf_counter() - start)
    return times


def cpp_options(kwargs):
    options = {k: v for k, v in kwargs.items()}
    options.setdefault("stage", "both")
    return options


def main():
    print("{:<28} {:>12} {:>12} {:>12}".format("request", "python_us", "cpp_us", "overhead_us"))
    for label, model, kwargs in CASES:
        lmp.analyze(model, **kwargs)  # the catalogs load once per process
        py = statistics.median(python_times(model, kwargs)) * 1e6
        cpp = statistics.median(_lmp._bench_analyze(model, cpp_options(kwargs), REPS)) * 1e6
        py2 = statistics.median(python_times(model, kwargs)) * 1e6
        py = min(py, py2)
        print("{:<28} {:>12.1f} {:>12.1f} {:>12.1f}".format(label, py, cpp, py - cpp))
    devices = [d["name"] for d in lmp.hardware()][:16]
    start = time.perf_counter()
    df = lmp.sweep(model="meta-llama/Llama-2-7b-hf", hardware=devices, batch=range(1, 251), prompt=range(16, 4016, 16))
    took = time.perf_counter() - start
    print("sweep: {:,} scenarios on {} devices in {:.2f} s ({:.2f} us each), DataFrame {:.0f} MB".format(
        len(df), len(devices), took, took / len(df) * 1e6, df.memory_usage(deep=False).sum() / 1e6))


if __name__ == "__main__":
    main()
