"""Cases for data/modules/mixtral.json and qwen3_moe.json (references:
tests/reference/mixtral.py, qwen3_moe.py), and the helpers that fold an MoE
block's expert loop into the per-layer operations of the lmp entries.

The lmp entries count all experts of a block as one layer: each traced
kernel that runs once per expert hit (the expert's matmuls and activation,
the block's per-expert gathers, nonzero, scaling and index_add_) is summed
over the experts into one record per lmp operation. experts_touched is the
number of distinct experts the routing hits, computed in build() by running
the router on the same weights and input outside the trace.
"""
import dataclasses

import torch

import mixtral
import qwen3_moe
from cases import Case, SHAPES


def hidden(s):
    return torch.randn(s["B"], s["S"], s["hidden"]).bfloat16()


def sum_records(recs):
    return dataclasses.replace(
        recs[0], flops=sum(r.flops for r in recs),
        reads_weights=sum(r.reads_weights for r in recs),
        reads_activations=sum(r.reads_activations for r in recs),
        writes=sum(r.writes for r in recs))


def fold_loop(records, period, order=None):
    """records = one loop body of `period` ops repeated per expert hit: one
    summed record per position of the body, in `order` of positions."""
    assert len(records) % period == 0, (len(records), period)
    folded = [sum_records(records[j::period]) for j in range(period)]
    return [folded[j] for j in (order or range(period))]


# Per expert hit, the block runs expert_mask[expert_idx] (index),
# torch.where (nonzero), hidden_states[None, top_x] (index), then, after
# the expert, routing_weights[top_x, idx, None] (index), the multiply and
# index_add_.
BLOCK_LOOP = 6


def select_block(records, shape):
    own = [r for r in records if r.module == ""]
    # The loop starts at the first expert_mask[expert_idx] gather; the ops
    # before it (routing, one_hot, expert_hit) run once.
    start = next(i for i, r in enumerate(own) if r.op == "aten.index")
    return own[:start] + fold_loop(own[start:], BLOCK_LOOP)


def select_experts(records, shape):
    # An expert runs gate mm, SiLU, up mm, multiply, down mm; the lmp entry
    # lists the two input projections first.
    own = [r for r in records if r.module.startswith("experts.")]
    return fold_loop(own, 5, order=(0, 2, 1, 3, 4))


def experts_touched(block, x):
    with torch.no_grad():
        _, _, selected = mixtral.route(block.gate, x.view(-1, x.shape[-1]), block.top_k)
    return len(torch.unique(selected))


def moe(cls, params, norm_key=None, **kw):
    def build(s):
        m = cls(s["hidden"], s["I"], s["E"], s["K"], **kw).to(torch.bfloat16)
        x = hidden(s)
        p = dict(num_tokens=s["B"] * s["S"], hidden_size=s["hidden"], num_experts=s["E"], top_k=s["K"],
                 experts_touched=experts_touched(m, x))
        if params == "experts":
            p["intermediate_size"] = s["I"]
        if norm_key:
            p[norm_key] = int(kw.get("norm_topk_prob", True))
        return m, (x,), {}, p
    return build


def qwen3_block(s):
    # Alternate the renormalisation: off in the first shape set.
    return moe(qwen3_moe.Qwen3MoeSparseMoeBlock, "block", "norm_topk_prob", norm_topk_prob=s["S"] != 5)(s)


CASES = [
    Case("transformers_MixtralSparseMoeBlock", moe(mixtral.MixtralSparseMoeBlock, "block"), SHAPES,
         select=select_block),
    Case("transformers_MixtralBlockSparseTop2MLP", moe(mixtral.MixtralSparseMoeBlock, "experts"), SHAPES,
         select=select_experts),
    Case("transformers_Qwen3MoeSparseMoeBlock", qwen3_block, SHAPES, select=select_block),
    Case("transformers_Qwen3MoeExperts", moe(qwen3_moe.Qwen3MoeSparseMoeBlock, "experts"), SHAPES,
         select=select_experts),
]
