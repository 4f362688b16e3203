"""lmp: what running a transformer costs, operation by operation.

The Python face of the ``lmp`` command line, on the same C++ core:

    >>> import lmp
    >>> a = lmp.analyze("meta-llama/Llama-2-7b-hf", batch=8, seq=1024, hardware="h100")
    >>> a.totals["decode"]["time_s"]
    >>> lmp.generate("Llama-2-7b-hf", hardware="h100", prompt=512, gen=256).tokens_per_s
    >>> df = lmp.sweep(model=["Llama-2-7b-hf"], hardware=["h100", "a100"], batch=[1, 8, 64])

A model is a catalog id (``lmp.models()``), a config.json path, a model
directory, an architecture JSON, or a dict holding a config.json's content.
Hardware is a catalog name (``lmp.hardware()``) or a device dict. Every
fault in the input raises ``lmp.Error`` (docs/python.md).
"""

import os

from . import _lmp
from ._errors import DatabaseError, Error, InputError, ModelError
from ._inputs import given, hardware_options, model_options, paths, prompt_of
from ._results import Analysis, Generation

__version__ = _lmp.__version__

__all__ = ["analyze", "generate", "fit", "compare", "sweep", "plan", "validate", "models", "hardware", "module_eval",
           "Analysis", "Generation", "Error", "InputError", "ModelError", "DatabaseError"]


def _files(value):
    return None if value is None else paths(value)


def analyze(model, *, batch=1, seq=None, prompt=None, kv_len=None, stage="both", hardware=None,
            w_bits=16, a_bits=16, kv_bits=16, w_group_size=0, compute="auto", profile=None, sram_bytes=None,
            all_logits=False, runtime=None, tp=1, pp=1, ep=1, dp=1, parallel=None, cluster=None, nodes=None,
            microbatches=None, pp_stage=0, db=None, hardware_file=None, runtime_file=None, cluster_file=None,
            sharding_file=None):
    """Every operation of one prefill and/or one decode step: FLOPs, bytes
    read and written (weights, activations, KV cache) and, with hardware,
    each one's time and the memory footprint. As ``lmp analyze``.

    Args:
        model: catalog id, config.json path, model directory, architecture
            JSON path, or a dict holding a config.json (or architecture JSON).
        batch: sequences per batch.
        seq: prompt length, the tokens per sequence in prefill (default 2048);
            ``prompt`` is the same option.
        kv_len: decode's context length (default: the prompt length).
        stage: "prefill", "decode" or "both".
        hardware: a device name (``lmp.hardware()``) or a device dict; adds
            times and the footprint against its memory.
        w_bits, a_bits, kv_bits: bits per weight, activation, KV-cache element.
        w_group_size: weights per quantization group (0: none).
        compute: matmul precision: "auto" (from the bits), "fp16", "fp8", ...
        profile: "fused", "flash" or "eager" (default: the runtime's).
        sram_bytes: on-chip SRAM per attention block (flash profile).
        all_logits: prefill computes the logits of every position.
        runtime: the runtime profile times are predicted for ("ideal",
            "serving" (the default), "compiled", "autoawq", "eager").
        tp, pp, ep, dp: tensor, pipeline, expert and data parallel degrees;
            ``parallel="tp=8,ep=8"`` gives them at once.
        cluster, nodes, microbatches: the cluster, its nodes, and the
            pipeline's microbatches (docs/parallelism.md).
        pp_stage: under pp > 1, the pipeline stage to analyse.
        db, hardware_file, runtime_file, cluster_file, sharding_file: files
            (a path or a list) layered over the embedded catalogs.

    Returns:
        an ``lmp.Analysis``: ``.totals``, ``.operations``, ``.to_dict()``,
        ``.to_pandas()``, ``.plot_roofline()``; shown as the HTML report in
        Jupyter.

    Raises:
        lmp.Error (InputError, ModelError, DatabaseError) for bad input.
    """
    # One dict literal, None meaning "not given": the core reads each key once.
    options = {"batch": batch, "prompt": prompt if seq is None else prompt_of(prompt, seq), "kv_len": kv_len,
               "stage": stage, "all_logits": all_logits, "pp_stage": pp_stage, "w_bits": w_bits, "a_bits": a_bits,
               "kv_bits": kv_bits, "w_group_size": w_group_size, "compute": compute, "profile": profile,
               "sram_bytes": sram_bytes, "runtime": runtime, "tp": tp, "pp": pp, "ep": ep, "dp": dp,
               "parallel": parallel, "cluster": cluster, "nodes": nodes, "microbatches": microbatches,
               "db": _files(db), "hardware_file": _files(hardware_file), "runtime_file": _files(runtime_file),
               "cluster_file": _files(cluster_file), "sharding_file": _files(sharding_file)}
    name = model if type(model) is str and model else model_options(model, options)
    if hardware is not None:
        hardware_options(hardware, options)
    return Analysis(_lmp.analyze(name, options))


def generate(model, *, hardware, batch=1, prompt=None, seq=None, gen=256, w_bits=16, a_bits=16, kv_bits=16,
             w_group_size=0, compute="auto", profile=None, sram_bytes=None, runtime=None, tp=1, pp=1, ep=1, dp=1,
             parallel=None, cluster=None, nodes=None, microbatches=None, db=None, hardware_file=None,
             runtime_file=None, cluster_file=None, sharding_file=None):
    """A whole request on a device: the prefill of ``prompt`` tokens, then
    ``gen - 1`` decode steps. Its TTFT, TPOT, end-to-end time, tokens/s,
    FLOPs, bytes and footprint. As ``lmp generate``.

    Args:
        model: as for ``lmp.analyze``.
        hardware: a device name or a device dict (required).
        batch: sequences per batch (over a layout: the whole deployment's).
        prompt: prompt tokens per sequence (default 2048; ``seq`` is the same).
        gen: tokens generated per sequence (the first comes from the prefill).
        Others: as for ``lmp.analyze``.

    Returns:
        an ``lmp.Generation``: ``.ttft_s``, ``.tpot_s``, ``.e2e_s``,
        ``.tokens_per_s``, ``.fits``, ``.to_dict()``; the HTML report in Jupyter.
    """
    options = {"batch": batch, "prompt": prompt if seq is None else prompt_of(prompt, seq), "gen": gen,
               "w_bits": w_bits, "a_bits": a_bits, "kv_bits": kv_bits, "w_group_size": w_group_size,
               "compute": compute, "profile": profile, "sram_bytes": sram_bytes, "runtime": runtime, "tp": tp,
               "pp": pp, "ep": ep, "dp": dp, "parallel": parallel, "cluster": cluster, "nodes": nodes,
               "microbatches": microbatches, "db": _files(db), "hardware_file": _files(hardware_file),
               "runtime_file": _files(runtime_file), "cluster_file": _files(cluster_file),
               "sharding_file": _files(sharding_file)}
    name = model if type(model) is str and model else model_options(model, options)
    hardware_options(hardware, options)
    return Generation(_lmp.generate(name, options))


def fit(model, *, hardware, batch=None, prompt=None, seq=None, gen=256, w_bits=16, a_bits=16, kv_bits=16,
        w_group_size=0, compute="auto", profile=None, runtime=None, tp=1, pp=1, ep=1, dp=1, parallel=None,
        cluster=None, nodes=None, microbatches=None, db=None, hardware_file=None, cluster_file=None,
        sharding_file=None):
    """The largest batch whose request (``prompt`` + ``gen`` tokens) fits
    in the device's memory; given ``batch``, the largest prompt instead.
    As ``lmp fit``.

    Returns:
        the lmp.fit/1 document (a dict), as ``lmp fit --format json`` prints it.
    """
    if batch is not None and (prompt is not None or seq is not None):
        raise InputError("prompt: is what lmp.fit solves for when batch is given; drop one of them",
                         place="prompt", option="prompt")
    options = {"batch": batch, "prompt": prompt if seq is None else prompt_of(prompt, seq), "gen": gen,
               "w_bits": w_bits, "a_bits": a_bits, "kv_bits": kv_bits, "w_group_size": w_group_size,
               "compute": compute, "profile": profile, "runtime": runtime, "tp": tp, "pp": pp, "ep": ep, "dp": dp,
               "parallel": parallel, "cluster": cluster, "nodes": nodes, "microbatches": microbatches,
               "db": _files(db), "hardware_file": _files(hardware_file), "cluster_file": _files(cluster_file),
               "sharding_file": _files(sharding_file)}
    name = model if type(model) is str and model else model_options(model, options)
    hardware_options(hardware, options)
    return _lmp.fit(name, options)


_COMPARE_KEYS = {"model", "hardware", "batch", "prompt", "gen", "w_bits", "a_bits", "kv_bits", "w_group_size",
                 "compute", "profile", "sram_bytes", "runtime", "tp", "pp", "ep", "dp", "microbatches"}


def compare(model=None, *, a, b, db=None, hardware_file=None, runtime_file=None, **shared):
    """Two requests side by side, as ``lmp compare``: the shared options,
    then the dicts ``a`` and ``b`` on top of them.

    Example: ``lmp.compare("Llama-2-7b-hf", hardware="h100", a={"w_bits": 16},
    b={"w_bits": 4})``. Keys: model, hardware, batch, prompt, gen, w_bits,
    a_bits, kv_bits, w_group_size, compute, profile, sram_bytes, runtime, tp,
    pp, ep, dp, microbatches.

    Returns:
        the lmp.compare/1 document (a dict), as ``lmp compare --format json``.
    """
    for side, d in (("shared", shared), ("a", a), ("b", b)):
        if not isinstance(d, dict):
            raise InputError("{}: must be a dict of options, got {}".format(side, type(d).__name__),
                             place=side, option=side)
        for key in d:
            if key not in _COMPARE_KEYS:
                raise InputError("{}: '{}' is not an option of lmp.compare; use one of {}".format(
                    side, key, ", ".join(sorted(_COMPARE_KEYS))), place=side, option=side)
    base = dict(shared)
    if model is not None:
        base["model"] = model
    sides = []
    for d in (a, b):
        merged = dict(base)
        merged.update(d)
        if isinstance(merged.get("model"), os.PathLike):
            merged["model"] = os.fspath(merged["model"])
        sides.append(merged)
    return _lmp.compare(sides[0], sides[1],
                        given(db=paths(db), hardware_file=paths(hardware_file), runtime_file=paths(runtime_file)))


def sweep(*, model, hardware, batch=1, prompt=2048, gen=256, w_bits=16, a_bits=16, kv_bits=16, profile=None,
          runtime=None, w_group_size=0, compute="auto", tp=1, pp=1, ep=1, dp=1, jobs=None, db=None,
          hardware_file=None, runtime_file=None):
    """Every combination of the lists given, each a whole request as
    ``lmp.generate`` times it, as a pandas DataFrame with the columns of
    ``lmp sweep --format csv`` (and layout, gpus, tokens_per_s_per_gpu when a
    layout has several GPUs). Evaluated in C++ on ``jobs`` threads (default:
    one per hardware thread), with the interpreter free; Ctrl-C stops it.

    Each of model, hardware, profile, batch, prompt, gen, w_bits, a_bits,
    kv_bits, tp, pp, ep, dp is a value or a list (``range`` works). The
    default runtime is the catalog's default ("serving"), as for ``lmp sweep``.

    Returns:
        a pandas DataFrame, one row per scenario; model, device, profile,
        runtime and layout are categorical.
    """
    import numpy as np
    import pandas as pd

    def ints(v):
        return [int(x) for x in v] if isinstance(v, range) else v

    options = given(model=model, hardware=hardware, profile=profile, runtime=runtime, batch=ints(batch),
                    prompt=ints(prompt), gen=ints(gen), w_bits=ints(w_bits), a_bits=ints(a_bits),
                    kv_bits=ints(kv_bits), w_group_size=w_group_size, compute=compute, tp=ints(tp), pp=ints(pp),
                    ep=ints(ep), dp=ints(dp), jobs=jobs, db=paths(db), hardware_file=paths(hardware_file),
                    runtime_file=paths(runtime_file))
    out = _lmp.sweep(options)
    columns = {}
    for name, values in out["columns"].items():
        categories = out["categories"].get(name)
        if categories is not None:
            columns[name] = pd.Categorical.from_codes(values.astype(np.int64), categories=list(categories))
        else:
            columns[name] = values
    df = pd.DataFrame(columns)
    df.attrs["skipped"] = out["skipped"]
    return df


def plan(model, *, hardware, gpus, prompt=2048, gen=256, max_tpot=None, max_ttft=None, max_batch=1024, w_bits=16,
         a_bits=16, kv_bits=16, runtime=None, cluster=None, jobs=None, db=None, hardware_file=None,
         runtime_file=None, cluster_file=None, sharding_file=None):
    """Every valid layout (tp x pp x ep x dp within ``gpus``) times every
    batch up to ``max_batch``, as ``lmp plan``: the throughput/latency
    frontier and the best layout within the limits.

    Args:
        max_tpot, max_ttft: latency limits, in seconds or as text ("50ms", "2s").
        Others: as for ``lmp.generate``; ``jobs`` threads (default: one per
        hardware thread).

    Returns:
        the lmp.plan/1 document (a dict), as ``lmp plan --format json``.
    """
    options = {"hardware": hardware, "gpus": gpus, "prompt": prompt, "gen": gen, "max_tpot": max_tpot,
               "max_ttft": max_ttft, "max_batch": max_batch, "w_bits": w_bits, "a_bits": a_bits,
               "kv_bits": kv_bits, "runtime": runtime, "cluster": cluster, "jobs": jobs, "db": _files(db),
               "hardware_file": _files(hardware_file), "runtime_file": _files(runtime_file),
               "cluster_file": _files(cluster_file), "sharding_file": _files(sharding_file)}
    if not isinstance(model, (str, os.PathLike)):
        raise InputError("model: lmp.plan takes a catalog id or a path, got " + type(model).__name__,
                         place="model", option="model")
    return _lmp.plan(os.fspath(model), options)


def validate(*, split="all", gpus="all", runtime=None, dataset=None, db=None, hardware_file=None,
             runtime_file=None):
    """Predicts every measured figure of the dataset (default: the embedded
    data/measurements/) and compares, as ``lmp validate``.

    Args:
        split: "all", "fit" (the figures the time model was fitted to) or
            "held_out" (the others).
        gpus: "all", "single" or "multi".
        runtime: predict every case under this runtime (default: each case's).
        dataset: lmp.measurements/1 files instead of the embedded ones.

    Returns:
        the lmp.validate/1 document (a dict): every case and the error statistics.
    """
    return _lmp.validate({"split": split, "gpus": gpus, "runtime": runtime, "dataset": _files(dataset),
                          "db": _files(db), "hardware_file": _files(hardware_file),
                          "runtime_file": _files(runtime_file)})


def models():
    """The model catalog, as ``lmp models --format json``: a list of
    {"id", "description"}; each id is a ``model`` every call takes."""
    return _lmp.models()


def hardware(name=None, *, hardware_file=None):
    """The device catalog: a list of every device's summary, or with ``name``
    that device's entry (a dict, usable as ``hardware=`` after editing)."""
    return _lmp.hardware(name, given(hardware_file=paths(hardware_file)))


def module_eval(name, params=None, *, w_bits=16, a_bits=16, kv_bits=16, w_group_size=0, profile=None,
                sram_bytes=None, db=None):
    """One module's formulas at given parameter values, as ``lmp module eval``.

    Args:
        name: full class name, alias or short name of a module-database entry.
        params: {parameter: value}, a value an int or a formula string
            ("2048*4").

    Returns:
        the module's per-operation figures and totals (a dict).
    """
    return _lmp.module_eval(name, dict(params or {}),
                            given(w_bits=w_bits, a_bits=a_bits, kv_bits=kv_bits, w_group_size=w_group_size,
                                  profile=profile, sram_bytes=sram_bytes, db=paths(db)))

