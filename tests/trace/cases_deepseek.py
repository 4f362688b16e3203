"""Cases for data/modules/deepseek.json (reference: tests/reference/deepseek.py):
the V3 router, the MLA attention (absorbed form), the V3 MoE block and the
V2 MoE block (DeepseekV2Moe, its router in the block, greedy in one shape
set and group_limited_greedy in the other two)."""
import torch
import torch.nn.functional as F

import deepseek
import llama
from cases_mixtral import fold_loop, sum_records
from cases import Case, SHAPES


def router(s):
    # E = 4 and 6 split into two groups of which one is kept, E = 5 is one
    # group: the kept groups must hold at least top_k experts.
    n_group = 2 if s["E"] % 2 == 0 else 1
    topk_group = 1
    m = deepseek.DeepseekV3TopkRouter(s["hidden"], s["E"], s["K"], n_group, topk_group,
                                      norm_topk_prob=s["S"] != 5)
    x = torch.randn(s["B"], s["S"], s["hidden"]).bfloat16()
    return m, (x,), {}, dict(num_tokens=s["B"] * s["S"], hidden_size=s["hidden"], num_experts=s["E"],
                             top_k=s["K"], n_group=n_group, topk_group=topk_group,
                             norm_topk_prob=int(s["S"] != 5))


def mla_sizes(s):
    # Distinct widths: latent I, nope D, rope 2 * Hkv (even, for
    # rotate_half), value D + 1; a plain q_proj in the decode-size set, the
    # low-rank query path elsewhere.
    return dict(kv_lora_rank=s["I"], qk_nope_head_dim=s["D"], qk_rope_head_dim=2 * s["Hkv"],
                v_head_dim=s["D"] + 1)


def attention(s):
    w = mla_sizes(s)
    q_lora_rank = None if s["S"] == 1 else s["hidden"] // 2
    m = deepseek.DeepseekV3Attention(s["hidden"], s["H"], q_lora_rank, **w)
    x = torch.randn(s["B"], s["S"], s["hidden"]).bfloat16()
    positions = torch.arange(s["S"])[None].repeat(s["B"], 1)
    cos_sin = llama.LlamaRotaryEmbedding(w["qk_rope_head_dim"])(x, positions)
    # model.py's mask: [seq_len, kv_len], None for one query token.
    mask = llama.causal_mask(1, s["S"], s["S"], torch.bfloat16)[0, 0] if s["S"] > 1 else None
    return m, (x, cos_sin, mask), {}, dict(batch_size=s["B"], seq_len=s["S"], kv_len=s["S"],
                                            num_heads=s["H"], **w)


# Per expert hit the loop runs topk_weights[...] (index), hidden_states[...]
# (index), the multiply and index_add_; torch.where (nonzero) runs for
# every expert, hit or not.
HIT_LOOP = 4


def select_moe(records, shape):
    """The block's own ops with its expert loop folded, one record per lmp
    operation: the ops before the first nonzero run once, the loop's
    nonzeros are summed into one record, its per-hit ops into one per
    position, and the last two (the cast back and the shared add) run once."""
    own = [r for r in records if r.module == ""]
    start = next(i for i, r in enumerate(own) if r.op == "aten.nonzero")
    loop = own[start:-2]
    nonzeros = [r for r in loop if r.op == "aten.nonzero"]
    hits = [r for r in loop if r.op != "aten.nonzero"]
    return own[:start] + [sum_records(nonzeros)] + fold_loop(hits, HIT_LOOP) + own[-2:]


def v3_moe(s):
    # The router's grouping as in router() above.
    n_group = 2 if s["E"] % 2 == 0 else 1
    m = deepseek.DeepseekV3MoE(s["hidden"], s["I"], s["E"], s["K"], n_group, 1).to(torch.bfloat16)
    x = torch.randn(s["B"], s["S"], s["hidden"]).bfloat16()
    # The loop visits every expert, so no figure depends on how many the
    # routing hits: no experts_touched.
    return m, (x,), {}, dict(num_tokens=s["B"] * s["S"], hidden_size=s["hidden"], num_experts=s["E"],
                             top_k=s["K"])


# DeepseekV2Experts.forward, per expert hit: the expert_idx check (eq),
# torch.where (nonzero), hidden_states[token_idx] (index), the fused gate/up
# mm, act * up, the down mm, top_k_weights[...] (index), the weighting,
# the cast back and index_add_ (the SiLU runs in experts.act_fn). The
# routed-experts entry counts the three compute kernels; the block counts
# the rest.
V2_EXPERT_LOOP = 10
V2_LOOP_OVERHEAD = (0, 1, 2, 6, 7, 8, 9)


def select_v2_moe(records, shape):
    """The block's own ops (the router and, last, the shared add) with the
    kernels of DeepseekV2Experts.forward that are not the experts'
    projections: its set-up before the loop runs once, its loop body is
    summed over the experts hit, one record per lmp operation."""
    own = [r for r in records if r.module == ""]
    experts = [r for r in records if r.module == "experts"]
    start = next(i for i, r in enumerate(experts) if r.op == "aten.eq")
    loop = fold_loop(experts[start:], V2_EXPERT_LOOP)
    return own[:-1] + experts[:start] + [loop[j] for j in V2_LOOP_OVERHEAD] + own[-1:]


def v2_moe(s):
    # group_limited_greedy where E splits into groups that keep at least
    # top_k experts: E = 4 into 2 groups keeping 1, E = 6 into 3 keeping 2;
    # greedy for E = 5.
    grouping = {4: (2, 1), 6: (3, 2)}.get(s["E"])
    kw = dict(topk_method="group_limited_greedy", n_group=grouping[0], topk_group=grouping[1]) if grouping else {}
    m = deepseek.DeepseekV2Moe(s["hidden"], s["I"], s["E"], s["K"], routed_scaling_factor=16.0, **kw)
    m = m.to(torch.bfloat16)
    x = torch.randn(s["B"], s["S"], s["hidden"]).bfloat16()
    with torch.no_grad():
        logits = F.linear(x.type(torch.float32), m.gate.weight.type(torch.float32))
        touched = len(torch.unique(m.route_tokens_to_experts(logits)[0]))
    p = dict(num_tokens=s["B"] * s["S"], hidden_size=s["hidden"], num_experts=s["E"], top_k=s["K"],
             experts_touched=touched)
    if grouping:
        p.update(group_limited=1, n_group=grouping[0], topk_group=grouping[1])
    return m, (x,), {}, p


CASES = [
    Case("transformers_DeepseekV3Attention", attention, SHAPES),
    Case("transformers_DeepseekV3TopkRouter", router, SHAPES),
    Case("transformers_DeepseekV3MoE", v3_moe, SHAPES, select=select_moe),
    Case("transformers_DeepseekV2Moe", v2_moe, SHAPES, select=select_v2_moe),
]
