"""Formulas for a module from two traces: `lmp module trace` (docs/conventions.md).

The module is built and run at sizes where every free size (a symbol of the
config) is a distinct prime, times an optional fixed multiple (head_dim is
2·p where RoPE halves it). Each tensor dimension of each op then factors
back into symbols (a dimension of p_heads·p_head_dim is heads·head_dim), and
the counter's FLOP and byte rules run again on those symbolic dimensions.
The formulas are then checked against a second trace at other primes:
every figure of every op must match exactly, or nothing is written.
"""
import ast
import collections
import dataclasses
import importlib
import json
import re
from fractions import Fraction

import torch

from . import counter as trace_counter
from . import flops as flop_table
from . import loops
from .poly import Poly

CONFIG_SCHEMA = "lmp.trace-config/1"
PRIMES = [11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103]
_DTYPES = {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}
_FIXED_ITEMSIZE = {"float32": 4, "float64": 8, "int64": 8, "int32": 4, "int16": 2, "int8": 1,
                   "uint8": 1, "bool": 1}


class DeriveError(Exception):
    """A user-facing error: one line, what to do included."""


@dataclasses.dataclass
class Size:
    name: str
    description: str
    multiple_of: int


@dataclasses.dataclass
class Config:
    path: str
    sizes: list
    init: dict
    inputs: list
    dtype: str


def load_config(path, init_overrides):
    try:
        with open(path) as f:
            doc = json.load(f)
    except OSError as e:
        raise DeriveError(f"{path}: cannot read: {e.strerror}")
    except json.JSONDecodeError as e:
        raise DeriveError(f"{path}:{e.lineno}:{e.colno}: invalid JSON: {e.msg}")
    if not isinstance(doc, dict) or doc.get("schema") != CONFIG_SCHEMA:
        raise DeriveError(f"{path}: /schema: must be \"{CONFIG_SCHEMA}\" (docs/conventions.md#trace-configs)")
    sizes = []
    for name, spec in (doc.get("sizes") or {}).items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise DeriveError(f"{path}: /sizes/{name}: not an identifier")
        if not isinstance(spec, dict) or not isinstance(spec.get("description"), str):
            raise DeriveError(f"{path}: /sizes/{name}: needs {{\"description\": \"...\"}}")
        multiple = spec.get("multiple_of", 1)
        if not isinstance(multiple, int) or not 1 <= multiple <= 8:
            raise DeriveError(f"{path}: /sizes/{name}/multiple_of: must be an integer from 1 to 8")
        sizes.append(Size(name, spec["description"], multiple))
    if len(sizes) > len(PRIMES) // 2:
        raise DeriveError(f"{path}: /sizes: at most {len(PRIMES) // 2} sizes")
    init = dict(doc.get("init") or {})
    for item in init_overrides:
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise DeriveError(f"--init {item}: expected KEY=VALUE")
        try:
            init[key] = json.loads(value)
        except json.JSONDecodeError:
            init[key] = value
    dtype = doc.get("dtype", "bfloat16")
    if dtype not in _DTYPES:
        raise DeriveError(f"{path}: /dtype: '{dtype}' is not one of {', '.join(_DTYPES)}")
    inputs = doc.get("inputs")
    if not isinstance(inputs, list):
        raise DeriveError(f"{path}: /inputs: must be a list of input specs")
    return Config(path, sizes, init, inputs, dtype)


def prime_sets(config):
    n = len(config.sizes)
    first = {s.name: s.multiple_of * PRIMES[i] for i, s in enumerate(config.sizes)}
    second = {s.name: s.multiple_of * PRIMES[n + i] for i, s in enumerate(config.sizes)}
    return first, second


_ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.Add, ast.Sub, ast.Mult,
            ast.FloorDiv, ast.Div, ast.USub, ast.Mod)


def evaluate(expr, values, where):
    """An int, or a string such as "{num_heads} * {head_dim}", at `values`."""
    if isinstance(expr, bool) or not isinstance(expr, (int, str)):
        return expr
    if isinstance(expr, int):
        return expr
    if "{" not in expr:
        return expr
    def sub(m):
        if m.group(1) not in values:
            raise DeriveError(f"{where}: unknown size {{{m.group(1)}}}; declare it under /sizes")
        return str(values[m.group(1)])
    text = re.sub(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", sub, expr)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise DeriveError(f"{where}: '{expr}' is not an arithmetic expression")
    if not all(isinstance(node, _ALLOWED) for node in ast.walk(tree)):
        raise DeriveError(f"{where}: '{expr}' may use only sizes, integers and + - * // %")
    value = eval(compile(tree, where, "eval"), {"__builtins__": {}})
    if isinstance(value, float):
        if not value.is_integer():
            raise DeriveError(f"{where}: '{expr}' is not a whole number at {values}")
        value = int(value)
    return value


def _walk(value, fn):
    if isinstance(value, list):
        return [_walk(v, fn) for v in value]
    if isinstance(value, dict):
        return {k: _walk(v, fn) for k, v in value.items()}
    return fn(value)


def build_inputs(config, values, dtype):
    args, kwargs = [], {}
    for i, spec in enumerate(config.inputs):
        value = _input(spec, values, dtype, f"{config.path}: /inputs/{i}")
        if isinstance(spec, dict) and "name" in spec:
            kwargs[spec["name"]] = value
        else:
            args.append(value)
    return args, kwargs


def _input(spec, values, dtype, where):
    if not isinstance(spec, dict):
        raise DeriveError(f"{where}: an input spec is an object, e.g. {{\"randn\": [\"{{batch_size}}\", 8]}}")
    dims = lambda key: [evaluate(d, values, f"{where}/{key}") for d in spec[key]]
    if "randn" in spec:
        return torch.randn(*dims("randn")).to(_DTYPES.get(spec.get("dtype"), dtype))
    if "randint" in spec:
        high = evaluate(spec.get("high", 2), values, f"{where}/high")
        return torch.randint(0, high, tuple(dims("randint")))
    if "positions" in spec:
        batch, length = dims("positions")
        return torch.arange(length)[None].repeat(batch, 1)
    if "causal_mask" in spec:
        batch, q_len, kv_len = dims("causal_mask")
        i = torch.arange(q_len)[:, None] + (kv_len - q_len)
        j = torch.arange(kv_len)[None, :]
        mask = torch.where(j <= i, torch.tensor(0.0), torch.tensor(torch.finfo(dtype).min)).to(dtype)
        return mask[None, None].expand(batch, 1, q_len, kv_len).contiguous()
    if "tuple" in spec:
        return tuple(_input(s, values, dtype, f"{where}/tuple/{k}") for k, s in enumerate(spec["tuple"]))
    if "none" in spec:
        return None
    if "bool" in spec:
        return bool(spec["bool"])
    raise DeriveError(f"{where}: unknown input kind; use randn, randint, positions, causal_mask, tuple, bool or none")


def import_class(name):
    module_name, _, attr = name.rpartition(".")
    if not module_name:
        raise DeriveError(f"{name}: give the class with its module, e.g. torch.nn.GELU")
    try:
        obj = importlib.import_module(module_name)
    except ImportError as e:
        raise DeriveError(f"{name}: cannot import {module_name} ({e}); is it on PYTHONPATH for this python?")
    cls = getattr(obj, attr, None)
    if not isinstance(cls, type) or not issubclass(cls, torch.nn.Module):
        raise DeriveError(f"{name}: {module_name} has no torch.nn.Module class {attr}")
    return cls


def run(cls, config, values, sub_layers):
    dtype = _DTYPES[config.dtype]
    torch.manual_seed(0)
    init = _walk(config.init, lambda v: evaluate(v, values, f"{config.path}: /init"))
    try:
        module = cls(**init)
    except Exception as e:  # the user's constructor: any error is theirs
        raise DeriveError(f"{cls.__name__}(**{init}) failed: {type(e).__name__}: {e}; check /init")
    module = module.to(dtype).eval()
    children = [name for name, _ in module.named_children()]
    if sub_layers == ["all"]:
        sub_layers = children
    for name in sub_layers:
        if name not in dict(module.named_modules()):
            raise DeriveError(f"--sub-layers: {cls.__name__} has no sub-module '{name}'; "
                              f"its children are {', '.join(children) or 'none'}")
    args, kwargs = build_inputs(config, values, dtype)
    try:
        result = trace_counter.trace(module, *args, **kwargs)
    except DeriveError:
        raise
    except Exception as e:
        raise DeriveError(f"{cls.__name__}.forward failed: {type(e).__name__}: {e}; check /inputs")
    def own(path):
        return not any(path == s or path.startswith(s + ".") for s in sub_layers)
    unknown = sorted({r.op for r in result.unknown if own(r.module)})
    if unknown:
        raise DeriveError(f"no FLOP rule for {', '.join(unknown)}; add one to tools/trace/lmp_trace/flops.py "
                          "(docs/conventions.md)")
    try:
        items = loops.fold(module, result.records, result.calls, own)
    except loops.LoopError as e:
        raise DeriveError(f"at sizes {values}: {e}")
    params = [(n, tuple(p.shape)) for n, p in module.named_parameters() if own(n.rpartition(".")[0])]
    return module, items, params, sub_layers


class Symbolizer:
    """Maps an integer seen in a trace at `values` back to sizes."""

    def __init__(self, config, values):
        self.values = values
        self.primes = {s.name: (values[s.name] // s.multiple_of, s.multiple_of) for s in config.sizes}
        self.run_dtype = config.dtype

    def dim(self, v):
        if not isinstance(v, int) or isinstance(v, bool) or v <= 1:
            return v
        rest, multiple, syms = v, 1, collections.Counter()
        for name, (p, m) in self.primes.items():
            while rest % p == 0:
                rest //= p
                multiple *= m
                syms[name] += 1
        if not syms:
            return v
        return Poly({tuple(sorted(syms.items())): Fraction(rest, multiple)})

    def itemsize(self, info):
        if info.dtype == self.run_dtype:
            return Poly.sym("w_bytes" if info.is_param and info.ndim >= 2 else "a_bytes")
        if info.dtype in _FIXED_ITEMSIZE:
            return _FIXED_ITEMSIZE[info.dtype]
        raise DeriveError(f"no byte size for dtype {info.dtype}")

    def tensor(self, info):
        return dataclasses.replace(
            info, shape=tuple(Poly.lift(self.dim(d)) for d in info.shape),
            distinct_dims=tuple(Poly.lift(self.dim(d)) for d in info.distinct_dims),
            itemsize=self.itemsize(info))

    def item(self, item):
        """A record, or a folded loop position summed over its iterations."""
        if not isinstance(item, loops.Folded):
            return self.record(item)
        body = item.body
        sym = self.record(loops.symbolic_record(item))
        trips = Poly.lift(self.dim(len(body.iterations)))
        rows = Poly.lift(self.dim(sum(body.rows))) if body.rows else Poly()
        where = f"{item.op} in the loop over {body.path}"
        try:
            for field in ("flops", "reads_weights", "reads_activations", "writes"):
                setattr(sym, field, loops.sum_over_iterations(getattr(sym, field), trips, rows, where))
        except loops.LoopError as e:
            raise DeriveError(str(e))
        return sym

    def record(self, rec):
        sym = trace_counter.OpRecord(
            rec.op, rec.module, rec.module_class,
            [self.tensor(t) for t in rec.inputs], [self.tensor(t) for t in rec.outputs],
            tuple(_walk(list(rec.args), self._arg)), {k: _walk(v, self._arg) for k, v in rec.kwargs.items()})
        sym.reads_weights = sym.reads_activations = sym.writes = Poly()
        trace_counter.count_bytes(sym)
        sym.kind, sym.flops = flop_table.count_symbolic(sym)
        return sym

    def _arg(self, v):
        if isinstance(v, torch.Tensor):
            return None
        if isinstance(v, int) and not isinstance(v, bool):
            return Poly.lift(self.dim(v))
        return v


def _op_names(items):
    names, seen = [], collections.Counter()
    for r in items:
        base = flop_table.base_name(r.op).strip("_")
        module = loops.generic_path(r.module)
        if module:
            base = re.sub(r"[^A-Za-z0-9_]", "_", module) + "_" + base
        seen[base] += 1
        names.append(base if seen[base] == 1 else f"{base}_{seen[base]}")
    return names


def _description(item):
    rec = item.records[0] if isinstance(item, loops.Folded) else item
    shapes = ", ".join("x".join(map(str, t.shape)) + " " + t.dtype for t in rec.inputs)
    where = f" in {item.module}" if item.module else ""
    if isinstance(item, loops.Folded):
        return (f"{rec.op}{where}, once per element of {item.body.path}, summed over all "
                f"{item.body.length} (traced with inputs {shapes} in the first)")
    return f"{rec.op}{where} (traced with inputs {shapes})"


def _figure(p):
    p = Poly.lift(p)
    text = p.formula()
    return 0 if text == "0" else text


def _check(name, what, poly, traced, values):
    predicted = Poly.lift(poly).evaluate(values)
    if predicted != traced:
        raise DeriveError(
            f"the formulas from the first sizes do not predict the trace at {values}: {name} {what} "
            f"'{Poly.lift(poly).formula()}' gives {predicted}, the trace {traced}; "
            "a size the trace depends on is missing from /sizes, or the op count depends on the data")


def derive(class_name, config_path, init_overrides=(), sub_layers=()):
    config = load_config(config_path, init_overrides)
    cls = import_class(class_name)
    first, second = prime_sets(config)
    module, items, params, subs = run(cls, config, first, list(sub_layers))
    symbolizer = Symbolizer(config, first)
    symbolic = [symbolizer.item(r) for r in items]
    param_count = _parameter_count(symbolizer, params)
    _, items2, params2, _ = run(cls, config, second, list(sub_layers))
    names = _op_names(items)
    if [loops.item_signature(r) for r in items2] != [loops.item_signature(r) for r in items]:
        raise DeriveError(f"the op sequence changes with the sizes ({len(items)} ops at {first}, "
                          f"{len(items2)} at {second}); the module's control flow depends on its sizes or data")
    byte_sizes = {"a_bytes": 2 if config.dtype != "float32" else 4}
    byte_sizes["w_bytes"] = byte_sizes["a_bytes"]
    at_second = dict(second, **byte_sizes)
    for name, s, r in zip(names, symbolic, items2):
        flops, reads_weights, reads_activations, writes = loops.figures(r)
        _check(name, "flops", s.flops, flops, at_second)
        _check(name, "reads.weights", s.reads_weights, reads_weights, at_second)
        _check(name, "reads.activations", s.reads_activations, reads_activations, at_second)
        _check(name, "writes", s.writes, writes, at_second)
    count2 = sum(_prod(shape) for _, shape in params2)
    _check("parameter_count", "", param_count, count2, at_second)

    full = trace_counter.class_name(module)
    operations = []
    for name, s, item in zip(names, symbolic, items):
        op = {"name": name, "kind": s.kind, "description": _description(item), "flops": _figure(s.flops)}
        reads = {k: _figure(v) for k, v in (("weights", s.reads_weights), ("activations", s.reads_activations))
                 if Poly.lift(v)}
        if reads:
            op["reads"] = reads
        if Poly.lift(s.writes):
            op["writes"] = {"activations": _figure(s.writes)}
        operations.append(op)
    key = re.sub(r"[^A-Za-z0-9_]", "_", full.split(".")[0] + "_" + full.rpartition(".")[2])
    entry = {
        "full_class_name": full,
        "description": ("Derived by lmp module trace: one operation per aten kernel of the forward"
                        + (f", without the sub-layers {', '.join(subs)}" if subs else "")
                        + ". Weights of 2 or more dimensions are {w_bytes} per element; vectors (biases, norm"
                          " scales) and activations {a_bytes}."),
        "parameters": [{"name": s.name, "type": "int", "description": s.description} for s in config.sizes],
        "parameter_count": _figure(param_count),
        "operations": operations,
        "provenance": {
            "author": "lmp module trace",
            "source": class_name,
            "tracer": "tools/trace lmp_trace (TorchDispatchMode, docs/conventions.md)",
            "torch": torch.__version__,
            "dtype": config.dtype,
            "sizes": [first, second],
            "init": config.init,
            "sub_layers": subs,
        },
    }
    if class_name != full:
        entry["aliases"] = [class_name]
    return {"schema": "lmp.module-db/1", "modules": {key: entry}}


def _parameter_count(symbolizer, params):
    """The elements of params: those of a ModuleList's elements (experts.3.w1.weight)
    grouped, so that the count of elements factors into a size too."""
    groups = collections.defaultdict(list)
    for name, shape in params:
        groups[(loops.generic_path(name), shape)].append(name)
    return sum((Poly.lift(symbolizer.dim(len(names))) * _prod(symbolizer.dim(d) for d in shape)
                for (_, shape), names in groups.items()), Poly())


def _prod(values):
    n = 1
    for v in values:
        n = n * v
    return n
