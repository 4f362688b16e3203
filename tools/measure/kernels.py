"""Kernel sections of the harness: GEMM, copy, attention.

Each section returns (rows, skipped): rows go into kernels.json as they are;
skipped lists cases that could not run on this device or torch (a dtype or
backend it lacks, too little memory, a shape a kernel rejects), each with the
reason. Cases dropped because the time budget ran out are only counted (see
timing.Budget).

Every time is a median over samples of one kernel call (timing.kernel). It
includes the kernel only: input tensors are created, cast and laid out before
timing starts, and outputs are not read back. Inputs are rotated over enough
copies to exceed the GPU's L2, so weights and KV are read from DRAM as in
real inference.
"""
import contextlib

import torch
import torch.nn.functional as F

import timing
from model import ENABLE_GQA, _sdpa

DTYPES = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}


def _free_bytes(device):
    """Free device memory, counting what torch's caching allocator holds
    unused as free."""
    if device.type == "cuda":
        return (torch.cuda.mem_get_info(device)[0] + torch.cuda.memory_reserved(device)
                - torch.cuda.memory_allocated(device))
    return 8 << 30  # CPU: the case lists are sized for a small machine


def _run(section, skipped, case, fn):
    """Runs one case; an exception becomes a skipped entry. Returns fn()'s
    value or None."""
    try:
        out = fn()
        section.run += 1
        return out
    except Exception as e:  # noqa: BLE001 - any failure of one case is recorded, not fatal
        section.failed += 1
        msg = f"{type(e).__name__}: {e}".splitlines()[0][:240]
        skipped.append({"section": section.name, "case": case, "reason": msg})
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
        return None


def _fits(device, need_bytes, skipped, section, case):
    if need_bytes > 0.7 * _free_bytes(device):
        skipped.append({"section": section.name, "case": case,
                        "reason": f"needs {need_bytes / 2**30:.2f} GiB, more than 70% of free memory"})
        return False
    return True


def _timer_args(quick, section):
    args = {"target_s": 0.02, "min_samples": 3, "max_samples": 10} if quick else {"target_s": 0.1}
    args["deadline"] = section.deadline
    return args


# GEMM ---------------------------------------------------------------------

def fp8_supported(device):
    return (device.type == "cuda" and hasattr(torch, "_scaled_mm") and hasattr(torch, "float8_e4m3fn")
            and torch.cuda.get_device_capability(device) >= (8, 9))


def int8_supported(device):
    return hasattr(torch, "_int_mm") and device.type == "cuda"


def gemm_plan(device, quick):
    """(dtypes, Ms, [(N, K)]): N, K of the linear layers of catalog models
    (Llama-2-7b attention and MLP, Llama-3-8B / Mistral MLP and GQA k/v,
    Llama-2/3-70B attention and MLP, a 32000-row lm_head)."""
    if device.type != "cuda":
        if quick:
            return ["fp32"], [1, 16, 64], [(128, 128), (256, 128)]
        return ["fp32", "bf16"], [1, 8, 32, 128, 512, 2048], [(1024, 1024), (4096, 1024), (1024, 4096)]
    dtypes = ["bf16", "fp16"] + (["fp8"] if fp8_supported(device) else []) + \
             (["int8"] if int8_supported(device) else [])
    ms = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384]
    nk = [(4096, 4096), (11008, 4096), (4096, 11008), (14336, 4096), (4096, 14336), (1024, 4096),
          (8192, 8192), (28672, 8192), (8192, 28672), (32000, 4096)]
    if quick:
        ms, nk = [1, 16, 128, 2048], [(4096, 4096), (11008, 4096)]
    return dtypes, ms, nk


def _gemm_inputs(m, n, k, dtype, device):
    """A [m, k] activations and W [n, k] weights (nn.Linear's layout), and
    the call computing A @ W^T as inference does."""
    if dtype in DTYPES:
        dt = DTYPES[dtype]
        a = torch.randn(m, k, device=device, dtype=dt)
        w = torch.randn(n, k, device=device, dtype=dt)
        return (a, w), lambda a, w: torch.mm(a, w.t())
    if dtype == "fp8":
        # torch._scaled_mm wants A row-major and B column-major (W^T of a
        # row-major W is), per-tensor float32 scales, bf16 out. The keyword
        # form works across its signature changes (2.1 - 2.5+); before 2.4
        # it returns (out, amax).
        f8 = torch.float8_e4m3fn
        a = torch.randn(m, k, device=device).to(f8)
        w = torch.randn(n, k, device=device).to(f8)
        one = torch.ones((), device=device, dtype=torch.float32)

        def mm(a, w):
            out = torch._scaled_mm(a, w.t(), scale_a=one, scale_b=one, out_dtype=torch.bfloat16)
            return out[0] if isinstance(out, tuple) else out
        return (a, w), mm
    if dtype == "int8":
        # torch._int_mm: int8 x int8 -> int32 (cuBLASLt IMMA); it rejects
        # some shapes (small M on older torch), which are recorded as skipped.
        a = torch.randint(-64, 64, (m, k), device=device, dtype=torch.int8)
        w = torch.randint(-64, 64, (n, k), device=device, dtype=torch.int8)
        return (a, w), lambda a, w: torch._int_mm(a, w.t())
    raise ValueError(dtype)


_ELEM = {"fp32": 4, "fp16": 2, "bf16": 2, "fp8": 1, "int8": 1}
_OUT_ELEM = {"fp32": 4, "fp16": 2, "bf16": 2, "fp8": 2, "int8": 4}


def gemm(device, section, quick):
    """Y = A @ W^T for A [m, k], W [n, k]. time_s: one GEMM kernel (output
    allocation included, as torch.mm allocates it). flops_per_s: 2mnk / time
    (for int8: integer ops)."""
    rows, skipped = [], []
    dtypes, ms, nk = gemm_plan(device, quick)
    for dtype in dtypes:
        for n, k in nk:
            for m in ms:
                if not section.take():
                    continue
                case = f"gemm {dtype} m={m} n={n} k={k}"
                set_bytes = (m * k + n * k) * _ELEM[dtype] + m * n * _OUT_ELEM[dtype]
                if not _fits(device, set_bytes, skipped, section, case):
                    section.failed += 1
                    continue

                def one(m=m, n=n, k=k, dtype=dtype, set_bytes=set_bytes):
                    sets, mm = [], None
                    count = timing.rotation_count(set_bytes, device)
                    count = max(1, min(count, int(0.5 * _free_bytes(device) // max(set_bytes, 1))))
                    for _ in range(count):
                        ins, mm = _gemm_inputs(m, n, k, dtype, device)
                        sets.append(ins)
                    r = timing.kernel(lambda i: mm(*sets[i % len(sets)]), device, min_inner=len(sets),
                                      **_timer_args(quick, section))
                    return {"m": m, "n": n, "k": k, "dtype": dtype, "time_s": r["time_s"],
                            "flops_per_s": 2.0 * m * n * k / r["time_s"], "samples": r["samples"],
                            "inner": r["inner"], "timing": r["timing"]}
                row = _run(section, skipped, case, one)
                if row:
                    rows.append(row)
    return rows, skipped


# Copy ---------------------------------------------------------------------

def copy_plan(device, quick):
    """(direction, bytes) cases: 4 KiB, 16 KiB, ... x4 ... up to the cap.
    d2d on CUDA up to 2 GiB (bounded by free memory); h2d/d2h (pinned host
    memory) up to 1 GiB; CPU memcpy up to 64 MiB (1 MiB with --quick)."""
    sizes = [4096 << (2 * i) for i in range(10)]  # 4 KiB .. 1 GiB
    if device.type != "cuda":
        cap = (1 << 20) if quick else (64 << 20)
        return [("h2h", s) for s in sizes if s <= cap]
    free = _free_bytes(device)
    d2d = [s for s in sizes + [2 << 30] if 4 * s <= free]
    if quick:
        d2d = [s for s in d2d if s <= (256 << 20)][::2]
    host = [s for s in d2d if s <= (1 << 30)][1::2]  # 16 KiB, 256 KiB, ... 1 GiB
    return [("d2d", s) for s in d2d] + [("h2d", s) for s in host] + [("d2h", s) for s in host]


def copy(device, section, quick):
    """dst.copy_(src) of a uint8 tensor of `bytes` bytes. time_s: the copy
    kernel (or DMA) only. bytes_moved: what crosses memory: read + write for
    d2d and h2h (2 x bytes), the transfer for h2d / d2h (bytes).
    bytes_per_s = bytes_moved / time_s."""
    rows, skipped = [], []
    for direction, size in copy_plan(device, quick):
        if not section.take():
            continue
        case = f"copy {direction} {size} B"

        def one(direction=direction, size=size):
            pin = device.type == "cuda"
            src_dev = device if direction in ("d2d", "d2h") else torch.device("cpu")
            dst_dev = device if direction in ("d2d", "h2d") else torch.device("cpu")

            def buf(dev):
                t = torch.empty(size, dtype=torch.uint8, device=dev, pin_memory=pin and dev.type == "cpu")
                return t.fill_(1)
            count = timing.rotation_count(2 * size, device) if direction == "d2d" else 1
            sets = [(buf(src_dev), buf(dst_dev)) for _ in range(count)]
            # non_blocking: with pinned memory the copy is an async DMA, so
            # the events bracket the transfer itself.
            r = timing.kernel(lambda i: sets[i % count][1].copy_(sets[i % count][0], non_blocking=pin),
                              device, min_inner=count, **_timer_args(quick, section))
            moved = 2 * size if direction in ("d2d", "h2h") else size
            return {"direction": direction, "bytes": size, "bytes_moved": moved, "time_s": r["time_s"],
                    "bytes_per_s": moved / r["time_s"], "samples": r["samples"], "inner": r["inner"],
                    "timing": r["timing"]}
        row = _run(section, skipped, case, one)
        if row:
            rows.append(row)
    return rows, skipped


# Attention ------------------------------------------------------------------

def _backends(device):
    """[(kernel name, context manager factory)]: FlashAttention-2 ('flash')
    and xformers' memory-efficient kernel ('efficient'), each forced in turn;
    on CPU, or a torch without the switch, one entry 'sdpa' (torch's choice).
    Left out: 'math' (the unfused reference: S^2 memory, slow) and cuDNN
    attention, which some torch releases (2.5.0) ship with crashes that would
    poison the CUDA context for every case after it."""
    if device.type != "cuda" or not hasattr(F, "scaled_dot_product_attention"):
        return [("sdpa", contextlib.nullcontext)]
    try:
        from torch.nn.attention import SDPBackend, sdpa_kernel  # torch >= 2.3
        names = [("flash", "FLASH_ATTENTION"), ("efficient", "EFFICIENT_ATTENTION")]
        return [(n, (lambda b=getattr(SDPBackend, e): sdpa_kernel(b))) for n, e in names
                if hasattr(SDPBackend, e)]
    except ImportError:
        k = torch.backends.cuda.sdp_kernel  # torch 2.0 - 2.2
        return [("flash", lambda: k(enable_flash=True, enable_math=False, enable_mem_efficient=False)),
                ("efficient", lambda: k(enable_flash=False, enable_math=False, enable_mem_efficient=True))]


def attention_plan(device, quick):
    """[(batch, heads, kv_heads, head_dim, q_len, kv_len)]: prefill
    (q_len = kv_len, causal) and decode (q_len 1) cases for Llama-2-7b's
    heads (32 x 128, MHA) and Llama-3-8B's (32 query, 8 KV heads)."""
    if device.type != "cuda":
        heads = [(4, 2, 16)]
        pre = [(1, 16), (2, 64)] if quick else [(1, 128), (4, 128), (1, 512), (1, 2048)]
        dec = ([(1, 16), (2, 64), (1, 256)] if quick
               else [(1, 512), (8, 512), (1, 2048), (8, 2048), (32, 2048)])
    else:
        heads = [(32, 32, 128), (32, 8, 128)]
        pre = [(b, s) for b in (1, 4, 16) for s in (512, 1024, 2048, 4096, 8192, 16384) if b * s <= 65536]
        dec = [(b, kv) for b in (1, 8, 32, 128) for kv in (512, 1024, 2048, 4096, 8192, 16384, 32768)
               if b * kv <= 1 << 20]
        if quick:
            pre, dec = [(1, 2048), (4, 4096)], [(1, 2048), (32, 2048), (8, 16384)]
    cases = []
    for h, kvh, d in heads:
        cases += [(b, h, kvh, d, s, s) for b, s in pre]
        cases += [(b, h, kvh, d, 1, kv) for b, kv in dec]
    return cases


def attention(device, section, quick):
    """scaled_dot_product_attention(q, k, v) with q [B, H, q_len, D], k/v
    [B, kv_heads, kv_len, D]; causal for prefill. time_s: the attention
    kernel only (no projections, no RoPE, no cache write). gqa: 'native' when
    the kernel takes fewer K/V heads itself (torch >= 2.5 enable_gqa), else
    'expanded': K/V repeated to H heads before timing, so the kernel reads H
    heads of K/V, as transformers' repeat_kv path makes it."""
    rows, skipped = [], []
    dtype = "bf16" if device.type == "cuda" else "fp32"
    dt = DTYPES[dtype]
    for b, h, kvh, d, q_len, kv_len in attention_plan(device, quick):
        for kernel, ctx in _backends(device):
            if not section.take():
                continue
            case = f"attention {kernel} b={b} h={h}/{kvh} d={d} q={q_len} kv={kv_len}"
            set_bytes = (b * h * q_len * d * 2 + 2 * b * h * kv_len * d) * _ELEM[dtype]
            if not _fits(device, set_bytes, skipped, section, case):
                section.failed += 1
                continue

            def timed(native, b=b, h=h, kvh=kvh, d=d, q_len=q_len, kv_len=kv_len, ctx=ctx):
                heads_kv = kvh if native or kvh == h else h
                count = timing.rotation_count(set_bytes, device)
                sets = [(torch.randn(b, h, q_len, d, device=device, dtype=dt),
                         torch.randn(b, heads_kv, kv_len, d, device=device, dtype=dt),
                         torch.randn(b, heads_kv, kv_len, d, device=device, dtype=dt)) for _ in range(count)]
                causal = q_len > 1
                if native:
                    call = lambda q, k, v: F.scaled_dot_product_attention(  # noqa: E731
                        q, k, v, is_causal=causal, enable_gqa=True)
                else:
                    call = lambda q, k, v: _sdpa(q, k, v, causal)  # noqa: E731
                with ctx():
                    return timing.kernel(lambda i: call(*sets[i % count]), device, min_inner=count,
                                         **_timer_args(quick, section))

            def one(b=b, h=h, kvh=kvh, d=d, q_len=q_len, kv_len=kv_len, kernel=kernel):
                native = ENABLE_GQA and kvh < h
                try:
                    r = timed(native)
                except RuntimeError:
                    if not native:
                        raise
                    native = False  # this backend lacks native GQA: time it on expanded K/V
                    r = timed(False)
                return {"batch": b, "heads": h, "kv_heads": kvh, "head_dim": d, "q_len": q_len,
                        "kv_len": kv_len, "causal": q_len > 1, "dtype": dtype, "kernel": kernel,
                        "gqa": "none" if kvh == h else ("native" if native else "expanded"),
                        "time_s": r["time_s"], "samples": r["samples"], "inner": r["inner"],
                        "timing": r["timing"]}
            row = _run(section, skipped, case, one)
            if row:
                rows.append(row)
    return rows, skipped
