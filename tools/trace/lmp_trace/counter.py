"""A dispatch-level counter: every aten op a module's forward runs.

Each op is attributed to the innermost module whose forward is running, so a
composite module's own ops are exactly those between its sub-modules' calls.

Byte rules (docs/conventions.md):
- An op reads each tensor input once and writes each tensor output once.
- A tensor's bytes are its *distinct* elements times the element size: a
  broadcast (stride-0) dimension is not read again, so an expanded view of
  K costs what K costs.
- Inputs whose storage is a parameter's are weights; everything else
  (buffers included) is an activation.
- Gathers (embedding, index_select, index, gather) read their indices and
  only the selected elements of the source.
- copy_ reads its source only; fill_ and zero_ read nothing; index_add_
  reads its index, the source and the rows of self it updates, and writes
  those rows.
- View and metadata ops (flops.FREE_OPS) move nothing and are left out.
- Outputs an op returns only for autograd are not written in inference
  and not counted: native_layer_norm's mean and rstd, and SDPA's attention
  weights (torch 1.13's math kernel) or logsumexp (torch 2.x).
"""
import dataclasses
from typing import Any, List, Optional

import torch
from torch.utils._python_dispatch import TorchDispatchMode

from . import flops as flop_table


@dataclasses.dataclass
class TensorInfo:
    shape: tuple
    dtype: str
    itemsize: Any          # bytes per element (a symbol in derive.py)
    distinct_dims: tuple   # the sizes of the dimensions with a nonzero stride
    is_param: bool
    ndim: int = 0

    @property
    def distinct_elements(self):
        n = 1
        for d in self.distinct_dims:
            n = n * d
        return n

    @property
    def bytes(self):
        return self.distinct_elements * self.itemsize


@dataclasses.dataclass
class OpRecord:
    op: str
    module: str
    module_class: str
    inputs: List[TensorInfo]
    outputs: List[TensorInfo]
    args: tuple
    kwargs: dict
    kind: Optional[str] = None
    flops: Optional[int] = None  # None: unknown op
    reads_weights: int = 0
    reads_activations: int = 0
    writes: int = 0

    def as_json(self):
        return {
            "module": self.module, "class": self.module_class, "op": self.op,
            "kind": self.kind, "flops": self.flops,
            "reads": {"weights": self.reads_weights, "activations": self.reads_activations},
            "writes": self.writes,
            "inputs": [{"shape": list(t.shape), "dtype": t.dtype, "param": t.is_param}
                       for t in self.inputs],
            "outputs": [{"shape": list(t.shape), "dtype": t.dtype} for t in self.outputs],
        }


def _distinct_dims(t):
    return tuple(size for size, stride in zip(t.shape, t.stride()) if stride != 0)


def _tensors(value):
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _tensors(v)


def _storage_ptr(t):
    try:
        return t.untyped_storage().data_ptr()
    except AttributeError:
        return t.storage().data_ptr()


def class_name(module):
    cls = type(module)
    return f"{cls.__module__}.{cls.__qualname__}"


_GATHERS = {"embedding", "index_select", "index", "gather"}
# Ops whose first output is the result and the rest autograd state.
_PRIMARY_OUTPUT_ONLY = {"native_layer_norm", "_scaled_dot_product_attention_forward",
                        "_scaled_dot_product_flash_attention",
                        "_scaled_dot_product_flash_attention_for_cpu",
                        "_scaled_dot_product_efficient_attention"}


class Counter(TorchDispatchMode):
    def __init__(self, root: torch.nn.Module):
        super().__init__()
        self.records: List[OpRecord] = []
        self.unknown: List[OpRecord] = []
        # (index in records of the call's first op, module path, path of the
        # module that called it): one per sub-module forward call, in order.
        self.calls: List[tuple] = []
        self._stack = [("", class_name(root))]
        self._param_ptrs = {_storage_ptr(p) for p in root.parameters()}
        self._handles = []
        for name, sub in root.named_modules():
            if name:
                self._handles.append(sub.register_forward_pre_hook(self._enter(name, class_name(sub))))
                self._handles.append(sub.register_forward_hook(self._leave))

    def _enter(self, name, cls):
        def hook(module, args):
            self.calls.append((len(self.records), name, self._stack[-1][0]))
            self._stack.append((name, cls))
        return hook

    def _leave(self, module, args, output):
        self._stack.pop()

    def remove_hooks(self):
        for h in self._handles:
            h.remove()

    def _info(self, t):
        return TensorInfo(tuple(t.shape), str(t.dtype).replace("torch.", ""), t.element_size(),
                          _distinct_dims(t), _storage_ptr(t) in self._param_ptrs, t.dim())

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        # Read the inputs' sizes before the op runs: an in-place op may
        # resize or an op may alias.
        inputs = [self._info(t) for t in _tensors(list(args) + list(kwargs.values()))]
        out = func(*args, **kwargs)
        name = str(func.overloadpacket.__name__) if hasattr(func, "overloadpacket") else str(func)
        op = f"aten.{name}"
        if flop_table.is_free(op):
            return out
        outputs = [self._info(t) for t in _tensors(out)]
        if name in _PRIMARY_OUTPUT_ONLY:
            outputs = outputs[:1]
        module, cls = self._stack[-1]
        rec = OpRecord(op, module, cls, inputs, outputs, tuple(args), dict(kwargs))
        count_bytes(rec)
        try:
            rec.kind, rec.flops = flop_table.count(rec)
        except flop_table.UnknownOp:
            self.unknown.append(rec)
        self.records.append(rec)
        return out


def count_bytes(rec):
    """Sets rec's reads and writes from its inputs and outputs (the rules in
    this module's docstring). Works on symbolic sizes too (derive.py)."""
    name = rec.op.split(".")[1]
    ins, outs = rec.inputs, rec.outputs
    def add_read(t, n_bytes):
        if t.is_param:
            rec.reads_weights += n_bytes
        else:
            rec.reads_activations += n_bytes
    if name in _GATHERS:
        # embedding(weight, indices); the others take the source first.
        source, indices = ins[0], ins[1:]
        selected_elements = sum(o.distinct_elements for o in outs)
        add_read(source, selected_elements * source.itemsize)
        for t in indices:
            add_read(t, t.bytes)
        rec.writes = sum(o.bytes for o in outs)
        return
    if name == "copy_":
        add_read(ins[1], ins[1].bytes)
        rec.writes = ins[0].bytes
        return
    if name in ("fill_", "zero_"):
        rec.writes = ins[0].bytes
        return
    if name in ("index_add_", "index_add"):
        this, index, source = ins[0], ins[1], ins[2]
        rows = source.distinct_elements * this.itemsize
        add_read(this, rows)
        add_read(index, index.bytes)
        add_read(source, source.bytes)
        rec.writes = rows if name == "index_add_" else outs[0].bytes
        return
    for t in ins:
        add_read(t, t.bytes)
    rec.writes = sum(o.bytes for o in outs)


def trace(module: torch.nn.Module, *args: Any, **kwargs: Any) -> Counter:
    """Runs module(*args, **kwargs) under no_grad and returns the Counter with
    one OpRecord per non-free aten op, in execution order."""
    counter = Counter(module)
    try:
        with torch.no_grad(), counter:
            module(*args, **kwargs)
    finally:
        counter.remove_hooks()
    return counter
