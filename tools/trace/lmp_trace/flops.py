"""The FLOP convention table: FLOPs and operation kind per aten op.

This is the same convention the module database's formulas follow
(docs/conventions.md has the table in prose). A multiply and an add are two
FLOPs. Elementwise arithmetic is one FLOP per output element; a few
composite functions have a fixed per-element cost; reductions cost one FLOP
per input element (plus one per output element for a mean's division).
Data movement (copies, casts, gathers, concatenation) is zero FLOPs but not
free: its bytes are counted.

An op missing from every table is *unknown*: count() raises UnknownOp, and
the counter reports it. It is never counted as 0.
"""

# Views and metadata: no kernel runs, no bytes move. Counted neither in FLOPs
# nor in bytes, and left out of the trace.
FREE_OPS = {
    "view", "_unsafe_view", "_reshape_alias", "reshape", "t", "transpose",
    "permute", "expand", "slice", "select", "unsqueeze", "squeeze",
    "as_strided", "detach", "alias", "split", "split_with_sizes", "unbind",
    "chunk", "lift_fresh", "numpy_T", "diagonal", "view_as", "expand_as",
    "unflatten", "flatten", "narrow", "movedim", "swapaxes", "empty",
    "empty_like", "empty_strided", "new_empty", "new_empty_strided", "sym_size",
    "sym_stride", "sym_numel", "is_same_size", "_local_scalar_dense",
    "lift_fresh_copy", "dim", "size", "stride", "_has_compatible_shallow_copy_type",
}


def numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


class UnknownOp(Exception):
    pass


def _out0(rec):
    return numel(rec.outputs[0].shape)


def _in0(rec):
    return numel(rec.inputs[0].shape)


def _per_out(k):
    return lambda rec: k * _out0(rec)


def _mm(rec):
    (m, k), (_, n) = rec.inputs[0].shape, rec.inputs[1].shape
    return 2 * m * n * k


def _addmm(rec):
    (m, k), (_, n) = rec.inputs[1].shape, rec.inputs[2].shape
    return 2 * m * n * k + m * n


def _bmm(rec):
    (b, m, k), (_, _, n) = rec.inputs[0].shape, rec.inputs[1].shape
    return 2 * b * m * n * k


def _baddbmm(rec):
    (b, m, k), (_, _, n) = rec.inputs[1].shape, rec.inputs[2].shape
    return 2 * b * m * n * k + b * m * n


def _mean(rec):
    return _in0(rec) + _out0(rec)


def _layer_norm(rec):
    x, normalized = rec.inputs[0].shape, rec.args[1]
    width = numel(normalized)
    rows = numel(x) // width
    return 7 * rows * width + 4 * rows


def sdpa_matmul_flops(rec):
    """The two matmuls inside an SDPA kernel (q k^T and p v) over the whole
    L x S score matrix, causal or not: the kernel's skip of masked tiles is a
    backend detail the trace cannot see."""
    q, k = rec.inputs[0].shape, rec.inputs[1].shape
    return 4 * numel(q[:-2]) * q[-2] * k[-2] * q[-1]


def _sdpa(rec):
    # The matmuls and a 5-FLOP softmax per score.
    q, k = rec.inputs[0].shape, rec.inputs[1].shape
    return sdpa_matmul_flops(rec) + 5 * numel(q[:-2]) * q[-2] * k[-2]


def _index_add(rec):
    return numel(rec.inputs[-1].shape)


def _gelu(rec):
    approximate = rec.kwargs.get("approximate", rec.args[1] if len(rec.args) > 1 else "none")
    return (9 if approximate == "tanh" else 5) * _out0(rec)


ELEMENTWISE_1 = {
    "add", "add_", "sub", "sub_", "rsub", "mul", "mul_", "div", "div_", "neg", "pow",
    "rsqrt", "sqrt", "exp", "log", "tanh", "sin", "cos", "reciprocal", "abs",
    "clamp", "clamp_min", "clamp_max", "maximum", "minimum", "erf", "masked_fill",
    "masked_fill_", "where", "eq", "ne", "gt", "ge", "lt", "le", "logical_not",
    "logical_and", "logical_or", "bitwise_and", "bitwise_or", "bitwise_not",
    "relu", "relu_", "floor", "ceil", "round", "sign", "square",
}

# name -> (lmp kind, FLOPs function of the OpRecord)
TABLE = {name: ("elementwise", _per_out(1)) for name in ELEMENTWISE_1}
TABLE.update({
    "silu": ("elementwise", _per_out(4)),
    "silu_": ("elementwise", _per_out(4)),
    "sigmoid": ("elementwise", _per_out(4)),
    "gelu": ("elementwise", _gelu),
    "mm": ("matmul", _mm),
    "addmm": ("matmul", _addmm),
    "bmm": ("matmul", _bmm),
    "baddbmm": ("matmul", _baddbmm),
    "_softmax": ("softmax", _per_out(5)),
    "_log_softmax": ("softmax", _per_out(5)),
    "sum": ("reduction", _in0),
    "mean": ("reduction", _mean),
    "amax": ("reduction", _in0),
    "amin": ("reduction", _in0),
    "max": ("reduction", _in0),
    "min": ("reduction", _in0),
    "argmax": ("reduction", _in0),
    "topk": ("reduction", _in0),
    "native_layer_norm": ("norm", _layer_norm),
    "_scaled_dot_product_attention_forward": ("attention", _sdpa),
    "_scaled_dot_product_flash_attention": ("attention", _sdpa),
    "_scaled_dot_product_flash_attention_for_cpu": ("attention", _sdpa),
    "_scaled_dot_product_efficient_attention": ("attention", _sdpa),
    "embedding": ("gather", lambda rec: 0),
    "index_select": ("gather", lambda rec: 0),
    "index": ("gather", lambda rec: 0),
    "gather": ("gather", lambda rec: 0),
    "nonzero": ("gather", lambda rec: 0),
    "index_add_": ("elementwise", _index_add),
    "index_add": ("elementwise", _index_add),
    "_to_copy": ("copy", lambda rec: 0),
    "clone": ("copy", lambda rec: 0),
    "copy_": ("copy", lambda rec: 0),
    "cat": ("copy", lambda rec: 0),
    "stack": ("copy", lambda rec: 0),
    "tril": ("copy", lambda rec: 0),
    "triu": ("copy", lambda rec: 0),
    "arange": ("copy", lambda rec: 0),
    "zeros": ("copy", lambda rec: 0),
    "zeros_like": ("copy", lambda rec: 0),
    "ones": ("copy", lambda rec: 0),
    "full": ("copy", lambda rec: 0),
    "fill_": ("copy", lambda rec: 0),
    "zero_": ("copy", lambda rec: 0),
    "scatter": ("copy", lambda rec: 0),
    "scatter_": ("copy", lambda rec: 0),
})


def base_name(op_name):
    """'aten.add.Tensor' -> 'add'."""
    parts = op_name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "aten" else parts[0]


def is_free(op_name):
    return base_name(op_name) in FREE_OPS


def count(rec):
    """(kind, FLOPs) of one recorded op; raises UnknownOp."""
    kind, value = count_symbolic(rec)
    return kind, int(value)


def count_symbolic(rec):
    """(kind, FLOPs) with the sizes as poly.Poly: the same rules, unrounded."""
    entry = TABLE.get(base_name(rec.op))
    if entry is None:
        raise UnknownOp(rec.op)
    kind, fn = entry
    return kind, fn(rec)
