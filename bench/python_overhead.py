"""What the Python package adds to one analysis (docs/BENCHMARKS.md).

    PYTHONPATH=build/python python3 bench/python_overhead.py

For each request, the median wall time of lmp.analyze(...) timed in
Python, and of api::Analyze on the same request timed in C++
(lmp._lmp._bench_analyze: the same options and shared catalogs, the result
destroyed), called in turn in the same process; the difference is what the
package adds per call. Then a sweep
of a million scenarios, timed whole (lmp.sweep, to a DataFrame).
"""

import statistics
import time

import lmp
from lmp import _lmp

REPS = 1000
CASES = [
    ("Llama-2-7b, no device", "meta-llama/Llama-2-7b-hf", {}),
    ("Llama-2-7b decode on h100", "meta-llama/Llama-2-7b-hf", dict(hardware="h100", stage="decode", batch=8)),
    ("gpt2 on a100-80gb", "openai-community/gpt2", dict(hardware="a100-80gb")),
]


def measure(model, kwargs):
    """Medians, in µs, of lmp.analyze timed in Python, of the extension's
    own call (lmp._lmp.analyze, the options dict made beforehand) and of the
    same request's api::Analyze timed in C++, one call each in turn so that
    all three meet the same caches."""
    options = {k: v for k, v in dict(batch=1, stage="both", w_bits=16, a_bits=16, kv_bits=16, w_group_size=0,
                                      compute="auto", all_logits=False, pp_stage=0, tp=1, pp=1, ep=1, dp=1).items()}
    options.update(kwargs)
    py, raw, cpp = [], [], []
    for _ in range(REPS):
        start = time.perf_counter()
        lmp.analyze(model, **kwargs)
        py.append(time.perf_counter() - start)
        opts = dict(options)
        start = time.perf_counter()
        _lmp.analyze(model, opts)
        raw.append(time.perf_counter() - start)
        cpp += _lmp._bench_analyze(model, dict(options), 1)
    return [statistics.median(x) * 1e6 for x in (py, raw, cpp)]


def main():
    print("{:<28} {:>10} {:>10} {:>10} {:>12} {:>12}".format("request", "python_us", "binding_us", "cpp_us",
                                                             "overhead_us", "of_which_py"))
    for label, model, kwargs in CASES:
        lmp.analyze(model, **kwargs)  # the catalogs load once per process
        py, raw, cpp = measure(model, kwargs)
        print("{:<28} {:>10.1f} {:>10.1f} {:>10.1f} {:>12.1f} {:>12.1f}".format(label, py, raw, cpp, py - cpp,
                                                                             py - raw))
    devices = [d["name"] for d in lmp.hardware()][:16]
    start = time.perf_counter()
    df = lmp.sweep(model="meta-llama/Llama-2-7b-hf", hardware=devices, batch=range(1, 251), prompt=range(16, 4016, 16))
    took = time.perf_counter() - start
    print("sweep: {:,} scenarios on {} devices in {:.2f} s ({:.2f} us each), DataFrame {:.0f} MB".format(
        len(df), len(devices), took, took / len(df) * 1e6, df.memory_usage(deep=False).sum() / 1e6))


if __name__ == "__main__":
    main()
