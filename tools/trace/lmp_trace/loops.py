"""A forward's loop over the elements of a ModuleList (an MoE block's
experts), folded into one summed operation per position of the loop body.

Mixtral's block runs, per expert, a gather of the expert's rows of the
routing mask, a nonzero, a gather of the tokens routed to it, the expert,
and a scale and index_add_ of its output. How many tokens each expert gets
is data, so no single iteration has a formula in the sizes; the sum over
all iterations does: the rows selected sum to tokens·top_k however they are
routed. This module finds such loops in a trace and hands derive.py one
item per body position, whose formula is that sum.

Assumptions, each checked (DeriveError when it fails):
- Every element of the list runs once: the trip count is the list's length,
  a size or a constant. The traced sizes must make every expert receive
  tokens, so the figures of a derived MoE entry are those of a step in
  which all experts are hit (true of prefill at any realistic size; a
  decode step that hits fewer experts costs less than the entry says).
- Each iteration runs the same kernels, and the sizes that differ between
  iterations are all proportional to one count n_j (the rows iteration j
  selects); every figure is at most linear in n_j. The sum over the loop is
  then c0·trips + c1·Σn_j, and Σn_j must factor into sizes: derive.py's
  second trace checks that it does.
"""
import bisect
import dataclasses
import re
from fractions import Fraction

import torch

from .poly import Poly

# The symbol of one iteration's count n_j while a body position is made
# symbolic, and of a size that differs between iterations otherwise; neither
# reaches a formula.
ROWS = "_rows"
VARIES = "_varies"


class LoopError(Exception):
    """The loop cannot be summed into formulas; derive.py reports it."""


@dataclasses.dataclass
class Body:
    path: str        # the ModuleList
    length: int      # its elements
    iterations: list  # per iteration, the records of the body in order
    coefficients: dict  # (position, slot) -> the slot's multiple of n_j, or None
    rows: list          # n_j per iteration (empty: nothing varies)


@dataclasses.dataclass
class Folded:
    """Position `position` of a loop body: one record per iteration."""
    body: Body
    position: int

    @property
    def records(self):
        return [it[self.position] for it in self.body.iterations]

    @property
    def op(self):
        return self.records[0].op

    @property
    def module(self):
        return generic_path(self.records[0].module)


def generic_path(path):
    """experts.3.w1 -> experts.w1: a module path with list indices dropped."""
    return re.sub(r"\.\d+(?=\.|$)", "", path)


def signature(rec):
    return (rec.op, generic_path(rec.module), tuple(t.dtype for t in rec.inputs),
            tuple(t.ndim for t in rec.inputs), tuple(t.dtype for t in rec.outputs))


def fold(module, records, calls, own):
    """The records `own` keeps, with each loop over a ModuleList's elements
    called from own code replaced by one Folded item per body position."""
    lists = {name: len(m) for name, m in module.named_modules() if isinstance(m, torch.nn.ModuleList)}
    own_indices = [i for i, r in enumerate(records) if own(r.module)]
    stream = [records[i] for i in own_indices]
    starts = {}
    for index, name, caller in calls:
        parent, _, tail = name.rpartition(".")
        if parent in lists and tail.isdigit() and own(caller):
            starts.setdefault(parent, []).append(bisect.bisect_left(own_indices, index))
    regions = []  # (begin, end, folded items) in the own stream
    for path, positions in starts.items():
        if len(positions) < 2:
            continue
        if len(positions) != lists[path]:
            raise LoopError(f"the loop over {path} ran {len(positions)} of its {lists[path]} elements: which "
                            "ones run depends on the data; choose sizes at which every element runs (more tokens)")
        region = _loop_region(stream, positions)
        if region is None:
            continue
        begin, period = region
        end = begin + period * len(positions)
        if any(begin < e and b < end for b, e, _ in regions):
            continue
        iterations = [stream[begin + j * period: begin + (j + 1) * period] for j in range(len(positions))]
        body = Body(path, lists[path], iterations, *_find_rows(path, iterations))
        regions.append((begin, end, [Folded(body, p) for p in range(period)]))
    items = list(stream)
    # From the back, so that the earlier regions' positions stay valid.
    for begin, end, folded in sorted(regions, key=lambda r: -r[0]):
        items[begin:end] = folded
    return items


def _loop_region(stream, positions):
    """(first own position of the loop, body length), or None where the own
    ops between the calls differ from call to call (no uniform loop)."""
    between = [[signature(r) for r in stream[a:b]] for a, b in zip(positions, positions[1:])]
    period = len(between[0])
    if period == 0 or any(b != between[0] for b in between):
        return None
    body = between[0]
    # The body starts with the ops before the first call that match the end
    # of the segment between calls (the gathers that feed the element) and
    # ends with the ops after the last call that match its start. Where a
    # prologue op happens to match too, it lands in the first iteration; its
    # sizes then differ from the other iterations' in no multiple of the
    # rows, and summing (VARIES) or the second trace refuses the entry.
    before = [signature(r) for r in stream[:positions[0]]]
    head = 0
    while head < period and head < len(before) and before[-1 - head] == body[-1 - head]:
        head += 1
    tail = period - head
    after = [signature(r) for r in stream[positions[-1]:positions[-1] + tail]]
    if after != body[:tail]:
        return None
    return positions[0] - head, period


def slots(rec):
    """The integers of a record that sizes can appear in, in a fixed order:
    (value, True) for the dimensions of its tensors, (value, False) for its
    integer arguments."""
    found = []
    map_slots(rec, lambda k, v, is_dim: found.append((v, is_dim)) or v)
    return found


def map_slots(rec, fn):
    """A copy of rec with slot k's value v replaced by fn(k, v, is_dim)."""
    counter = iter(range(1 << 30))
    def one(v, is_dim):
        return fn(next(counter), v, is_dim)
    def tensor(t):
        return dataclasses.replace(t, shape=tuple(one(d, True) for d in t.shape),
                                   distinct_dims=tuple(one(d, True) for d in t.distinct_dims))
    def arg(v):
        if isinstance(v, (list, tuple)):
            return type(v)(arg(x) for x in v)
        if isinstance(v, int) and not isinstance(v, bool):
            return one(v, False)
        return v
    inputs = [tensor(t) for t in rec.inputs]
    outputs = [tensor(t) for t in rec.outputs]
    args = tuple(arg(a) for a in rec.args)
    kwargs = {k: arg(v) for k, v in rec.kwargs.items()}
    return dataclasses.replace(rec, inputs=inputs, outputs=outputs, args=args, kwargs=kwargs)


def _find_rows(path, iterations):
    """(coefficients, rows): rows is n_j, the first tensor dimension that
    differs between iterations; coefficients maps each slot that differs to
    its constant multiple of n_j, or to None where it is not one (a loop
    index passed as an argument: harmless unless a figure depends on it)."""
    coefficients, rows, varying = {}, [], []
    for p in range(len(iterations[0])):
        values = [slots(it[p]) for it in iterations]
        if any(len(v) != len(values[0]) for v in values):
            raise LoopError(f"the loop over {path} runs {iterations[0][p].op} with a different "
                            "number of dimensions from one iteration to the next")
        for k, (_, is_dim) in enumerate(values[0]):
            column = [v[k][0] for v in values]
            if len(set(column)) > 1:
                varying.append((p, k, column))
                if is_dim and not rows:
                    rows = column
    for p, k, column in varying:
        coefficient = None
        if rows:
            ratios = {Fraction(v, n) for v, n in zip(column, rows) if n}
            if len(ratios) == 1 and all(v == 0 for v, n in zip(column, rows) if not n):
                coefficient = ratios.pop()
        coefficients[(p, k)] = coefficient
    return coefficients, rows


def symbolic_record(item):
    """The first iteration's record at item's position, with each varying
    slot replaced by its multiple of the symbol ROWS (or by the symbol
    VARIES where it is not a multiple)."""
    coefficients = item.body.coefficients
    p = item.position
    def sub(k, v, is_dim):
        if (p, k) not in coefficients:
            return v
        c = coefficients[(p, k)]
        return Poly.sym(VARIES) if c is None else c * Poly.sym(ROWS)
    return map_slots(item.records[0], sub)


def sum_over_iterations(poly, trips, rows_total, where):
    """poly (in the sizes and ROWS) summed over the iterations: the part
    without ROWS once per trip, the part linear in it once per row."""
    poly = Poly.lift(poly)
    if VARIES in poly.symbols():
        raise LoopError(f"{where} has sizes that differ between iterations and are not multiples of the rows "
                        "each selects; cannot sum it over the loop")
    parts = poly.by_power(ROWS)
    if set(parts) - {0, 1}:
        raise LoopError(f"{where} grows faster than linearly in the rows an iteration selects; "
                        "cannot sum it over the loop")
    return parts.get(0, Poly()) * trips + parts.get(1, Poly()) * rows_total


def figures(item):
    """(flops, weight bytes read, other bytes read, bytes written) of a
    record or of a folded position, summed over its iterations."""
    recs = item.records if isinstance(item, Folded) else [item]
    return (sum(r.flops for r in recs), sum(r.reads_weights for r in recs),
            sum(r.reads_activations for r in recs), sum(r.writes for r in recs))


def item_signature(item):
    if isinstance(item, Folded):
        return ("loop", item.body.path) + signature(item.records[0])
    return signature(item)

