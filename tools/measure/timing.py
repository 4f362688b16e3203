"""Timing and the time budget, shared by every section of the harness.

Two ways of timing, both reporting the median over repeats:

- kernel(): for one kernel (GEMM, copy, attention). On CUDA each sample is
  `inner` calls captured once into a CUDA graph and replayed between two CUDA
  events, divided by `inner`: GPU time of the kernel with no launch overhead
  (a decode-sized GEMM runs for a few microseconds, as long as a Python
  launch). Where capture fails, the same calls are launched back to back
  between the events instead (the row's "timing" says which: "cuda-graph"
  or "events"), and kernels shorter than their launch read as launch-bound.
  On CPU each sample is perf_counter around `inner` calls ("wall").
  The callable gets the call number, so callers can rotate through several
  copies of their inputs and keep them out of the GPU's L2 cache.
- step(): for a whole-model step. Each sample is synchronize, perf_counter,
  the step, synchronize, perf_counter: wall time of one step as a generation
  loop that waits for each step's logits sees it, launch overhead included.

Both warm up first (the first calls pay for cuBLAS heuristics, allocator
growth, lazy module loading), then choose the number of samples from the
warm-up's duration so one case takes about `target_s`.
"""
import statistics
import time

import torch


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _wall(fn, device, n, start_call=0):
    sync(device)
    t0 = time.perf_counter()
    for i in range(n):
        fn(start_call + i)
    sync(device)
    return time.perf_counter() - t0


def _cap(samples, est, deadline):
    """Fewer samples (at least one) when the deadline (time.monotonic()) is
    near, so one long case cannot overrun the budget by much."""
    if deadline is None:
        return samples
    return int(max(1, min(samples, (deadline - time.monotonic()) // max(est, 1e-9))))


def _capture(fn, first_call, n):
    """A CUDA graph of fn(first_call) .. fn(first_call + n - 1), or None when
    something in fn cannot be captured."""
    try:
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):  # warm-up on a side stream, as capture wants
            for i in range(min(n, 3)):
                fn(first_call + i)
        torch.cuda.current_stream().wait_stream(side)
        torch.cuda.synchronize()
        g = torch.cuda.CUDAGraph()
        with torch.cuda.graph(g):
            for i in range(n):
                fn(first_call + i)
        g.replay()
        torch.cuda.synchronize()
        return g
    except Exception:  # noqa: BLE001 - not capturable: fall back to eager launches
        torch.cuda.synchronize()
        return None


def kernel(fn, device, *, warmup=2, target_s=0.2, min_samples=5, max_samples=30,
           sample_s=1e-3, min_inner=1, max_inner=200, deadline=None, graphs=True):
    """Median seconds per call of fn(call_number). min_inner: calls per
    sample at least (the caller's rotation length). Returns a dict: time_s,
    samples, inner, timing."""
    _wall(fn, device, warmup)
    est = max(_wall(fn, device, 1, warmup), 1e-7)  # wall: an upper bound
    inner = int(max(1, min_inner, min(max_inner, sample_s // est)))
    samples = int(max(min_samples, min(max_samples, target_s // (est * inner))))
    samples = _cap(samples, est * inner, deadline)
    call = warmup + 1
    if device.type != "cuda":
        times = []
        for _ in range(samples):
            times.append(_wall(fn, device, inner, call) / inner)
            call += inner
        return {"time_s": statistics.median(times), "samples": samples, "inner": inner, "timing": "wall"}
    graph = _capture(fn, call, inner) if graphs else None
    events = []
    for _ in range(samples):
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        if graph is not None:
            graph.replay()
        else:
            for _ in range(inner):
                fn(call)
                call += 1
        e.record()
        events.append((s, e))
    torch.cuda.synchronize(device)
    times = [s.elapsed_time(e) / 1e3 / inner for s, e in events]
    method = "events" if graph is None else "cuda-graph"
    del graph
    return {"time_s": statistics.median(times), "samples": samples, "inner": inner, "timing": method}


def step(fn, device, *, warmup=2, target_s=1.0, min_samples=3, max_samples=20, deadline=None):
    """Median wall seconds of fn() with the device synchronized around each
    call. Returns a dict: time_s, samples."""
    for _ in range(warmup):
        _wall(lambda _i: fn(), device, 1)
    est = max(_wall(lambda _i: fn(), device, 1), 1e-7)
    samples = _cap(int(max(min_samples, min(max_samples, target_s // est))), est, deadline)
    times = [_wall(lambda _i: fn(), device, 1) for _ in range(samples)]
    return {"time_s": statistics.median(times), "samples": samples}


def rotation_count(set_bytes, device, cold_bytes=256 << 20, max_sets=32):
    """How many copies of a case's inputs to rotate through so that each
    call reads data that is not in the GPU's L2 (50 MB on an H100/H200): at
    least cold_bytes in all. One on CPU (caches there are left alone)."""
    if device.type != "cuda" or set_bytes <= 0:
        return 1
    return int(max(1, min(max_sets, -(-cold_bytes // set_bytes))))


class Budget:
    """The global time budget. Sections take a share of what is left; a
    section stops starting cases when its share is spent and counts the
    cases it dropped. Time a section leaves unused goes to the later ones."""

    def __init__(self, total_s):
        self.total_s = float(total_s)
        self.t0 = time.monotonic()
        self.sections = {}

    def left(self):
        return self.total_s - (time.monotonic() - self.t0)

    def section(self, name, share):
        """share: the fraction of the time left that this section may use."""
        sec = Section(name, time.monotonic() + max(0.0, self.left()) * share)
        self.sections[name] = sec
        return sec

    def exhausted(self):
        return any(s.dropped for s in self.sections.values())

    def summary(self):
        return {name: {"planned": s.planned, "run": s.run, "failed": s.failed,
                       "dropped_for_time": s.dropped, "seconds": round(s.seconds(), 3)}
                for name, s in self.sections.items()}


class Section:
    def __init__(self, name, deadline):
        self.name, self.deadline = name, deadline
        self.t0 = time.monotonic()
        self.t1 = None
        self.planned = self.run = self.failed = self.dropped = 0

    def take(self):
        """True if there is time to start one more case (counted as planned;
        as dropped when there is not)."""
        self.planned += 1
        if time.monotonic() >= self.deadline:
            self.dropped += 1
            return False
        return True

    def left(self):
        return self.deadline - time.monotonic()

    def done(self):
        self.t1 = time.monotonic()

    def seconds(self):
        return (self.t1 or time.monotonic()) - self.t0
