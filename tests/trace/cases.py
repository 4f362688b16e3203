"""The case type of the cross-check (crosscheck.py), its exclusions, and the
shape sets and inputs the family case files share."""
import dataclasses
from typing import Callable, List, Optional, Tuple


@dataclasses.dataclass
class Case:
    # Entry key in the default module database.
    key: str
    # shape dict -> (module, args, kwargs, lmp parameters). The module may be
    # a wrapper around the one checked; `target` is the checked module's path
    # in it ("" for the root). Sizes should be small distinct numbers.
    build: Callable
    shapes: List[Tuple[str, dict]]
    target: str = ""
    # (records, shape) -> the records to compare with lmp's operations, for
    # modules whose lmp entry aggregates what PyTorch runs as several modules
    # (the routed experts of an MoE block). Default: the records of `target`.
    select: Optional[Callable] = None


# Entries with no PyTorch forward to trace, and why.
EXCLUDED = {
    "lmp_FlashAttention": "a kernel model the flash profile calls (docs/flash.md), not a PyTorch module",
}


# Shape sets shared by the cases: batch > 1 in each; decode-like (S = 1);
# grouped and ungrouped heads; hidden != heads * head_dim in one. Small
# distinct sizes, so that a formula using the wrong one fails.
SHAPES = [
    ("B2 S5 GQA", dict(B=2, S=5, hidden=24, H=4, Hkv=2, D=6, I=14, V=11, E=4, K=2)),
    ("B3 S7 MHA", dict(B=3, S=7, hidden=20, H=5, Hkv=5, D=4, I=18, V=13, E=5, K=2)),
    ("B2 S1 decode-size", dict(B=2, S=1, hidden=16, H=6, Hkv=2, D=6, I=10, V=9, E=6, K=3)),
]


def width(s):
    """heads * head_dim: the model width of families that tie them (GPT-2, OPT, NeoX, Falcon)."""
    return s["H"] * s["D"]


def tokens(s):
    return dict(num_tokens=s["B"] * s["S"])


def mask(s):
    """The [B, 1, S, S] additive causal mask transformers builds for eager attention."""
    import torch
    import llama
    return llama.causal_mask(s["B"], s["S"], s["S"], torch.bfloat16)


def positions(s):
    """[B, S] position ids, one row per sequence, as generate() derives them
    from the attention mask (a [1, S] row would make RoPE's tables batch 1)."""
    import torch
    return torch.arange(s["S"])[None].repeat(s["B"], 1)
