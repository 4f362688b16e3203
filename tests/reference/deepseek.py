"""DeepSeek-V3 in plain PyTorch: the router (DeepseekV3TopkRouter) and the
MoE block (DeepseekV3MoE) op for op as transformers' modeling_deepseek_v3.py
(4.51 to 4.56), and the MLA attention in the absorbed form of DeepSeek's
inference/model.py (DeepseekV3Attention's docstring says how). DeepSeek-V2's
MoE block (DeepseekV2Moe, DeepseekV2Experts) op for op as transformers 5.x's
modeling_deepseek_v2.py (DeepseekV2Moe's docstring says which).
"""
import torch
from torch import nn
import torch.nn.functional as F

import llama


class DeepseekV3TopkRouter(nn.Module):
    def __init__(self, hidden_size, n_routed_experts, top_k, n_group, topk_group, norm_topk_prob=True,
                 routed_scaling_factor=2.5):
        super().__init__()
        self.hidden_size = hidden_size
        self.top_k = top_k
        self.n_routed_experts = n_routed_experts
        self.routed_scaling_factor = routed_scaling_factor
        self.n_group = n_group
        self.topk_group = topk_group
        self.norm_topk_prob = norm_topk_prob
        self.weight = nn.Parameter(torch.randn((self.n_routed_experts, hidden_size)))
        # transformers keeps the bias as a float32 buffer; the trace counts
        # it as an activation.
        self.register_buffer("e_score_correction_bias", torch.randn(self.n_routed_experts))

    @torch.no_grad()
    def get_topk_indices(self, scores):
        scores_for_choice = scores.view(-1, self.n_routed_experts) + self.e_score_correction_bias.unsqueeze(0)
        group_scores = (
            scores_for_choice.view(-1, self.n_group, self.n_routed_experts // self.n_group)
            .topk(2, dim=-1)[0]
            .sum(dim=-1)
        )
        group_idx = torch.topk(group_scores, k=self.topk_group, dim=-1, sorted=False)[1]
        group_mask = torch.zeros_like(group_scores)
        group_mask.scatter_(1, group_idx, 1)
        score_mask = (
            group_mask.unsqueeze(-1)
            .expand(-1, self.n_group, self.n_routed_experts // self.n_group)
            .reshape(-1, self.n_routed_experts)
        )
        scores_for_choice = scores_for_choice.masked_fill(~score_mask.bool(), 0.0)
        topk_indices = torch.topk(scores_for_choice, k=self.top_k, dim=-1, sorted=False)[1]
        return topk_indices

    def forward(self, hidden_states):
        hidden_states = hidden_states.view(-1, self.hidden_size)
        router_logits = F.linear(hidden_states.type(torch.float32), self.weight.type(torch.float32))
        scores = router_logits.sigmoid()
        topk_indices = self.get_topk_indices(scores)
        topk_weights = scores.gather(1, topk_indices)
        if self.norm_topk_prob:
            denominator = topk_weights.sum(dim=-1, keepdim=True) + 1e-20
            topk_weights /= denominator
        topk_weights = topk_weights * self.routed_scaling_factor
        return topk_indices, topk_weights


class DeepseekV3Attention(nn.Module):
    """Multi-head latent attention in absorbed form, op for op as DeepSeek's
    own inference/model.py runs it (MLA.forward, attn_impl "absorb"), with
    transformers' module names (q_proj or q_a_proj/q_a_layernorm/q_b_proj,
    kv_a_proj_with_mqa, kv_a_layernorm, kv_b_proj, o_proj): kv_b_proj is
    never run as a Linear; its key half is folded into the queries
    (q_absorb), the scores are taken over the normalised latent plus the
    shared RoPE key, and its value half up-projects the attended latent.
    transformers' own forward instead expands the latent into per-head keys
    and values; the lmp entry counts the absorbed form.

    No KV cache: the latent and the RoPE key of this step's tokens are the
    keys. RoPE is transformers' rotate_half form on cos/sin tables (an input,
    as position_embeddings), not model.py's complex multiply, which the
    trace cannot count. The additive causal mask is an input of shape
    [seq_len, kv_len], as model.py builds it; model.py passes None for a
    single query token, and so does the case.
    """

    def __init__(self, hidden_size, num_heads, q_lora_rank, kv_lora_rank, qk_nope_head_dim,
                 qk_rope_head_dim, v_head_dim):
        super().__init__()
        self.num_heads = num_heads
        self.q_lora_rank = q_lora_rank
        self.kv_lora_rank = kv_lora_rank
        self.qk_nope_head_dim = qk_nope_head_dim
        self.qk_rope_head_dim = qk_rope_head_dim
        self.qk_head_dim = qk_nope_head_dim + qk_rope_head_dim
        self.v_head_dim = v_head_dim
        if q_lora_rank is None:
            self.q_proj = nn.Linear(hidden_size, num_heads * self.qk_head_dim, bias=False)
        else:
            self.q_a_proj = nn.Linear(hidden_size, q_lora_rank, bias=False)
            self.q_a_layernorm = llama.LlamaRMSNorm(q_lora_rank)
            self.q_b_proj = nn.Linear(q_lora_rank, num_heads * self.qk_head_dim, bias=False)
        self.kv_a_proj_with_mqa = nn.Linear(hidden_size, kv_lora_rank + qk_rope_head_dim, bias=False)
        self.kv_a_layernorm = llama.LlamaRMSNorm(kv_lora_rank)
        self.kv_b_proj = nn.Linear(kv_lora_rank, num_heads * (qk_nope_head_dim + v_head_dim), bias=False)
        self.o_proj = nn.Linear(num_heads * v_head_dim, hidden_size, bias=False)
        self.softmax_scale = self.qk_head_dim ** -0.5

    def forward(self, hidden_states, position_embeddings, attention_mask=None):
        bsz, seqlen, _ = hidden_states.size()
        if self.q_lora_rank is None:
            q = self.q_proj(hidden_states)
        else:
            q = self.q_b_proj(self.q_a_layernorm(self.q_a_proj(hidden_states)))
        q = q.view(bsz, seqlen, self.num_heads, self.qk_head_dim)
        q_nope, q_pe = torch.split(q, [self.qk_nope_head_dim, self.qk_rope_head_dim], dim=-1)
        kv = self.kv_a_proj_with_mqa(hidden_states)
        kv, k_pe = torch.split(kv, [self.kv_lora_rank, self.qk_rope_head_dim], dim=-1)
        cos, sin = position_embeddings
        # [bsz, seqlen, heads, rope] queries and one shared [bsz, seqlen, 1,
        # rope] key: the tables broadcast over dimension 2.
        q_pe, k_pe = llama.apply_rotary_pos_emb(q_pe, k_pe.unsqueeze(2), cos, sin, unsqueeze_dim=2)
        wkv_b = self.kv_b_proj.weight.view(self.num_heads, -1, self.kv_lora_rank)
        q_nope = torch.einsum("bshd,hdc->bshc", q_nope, wkv_b[:, :self.qk_nope_head_dim])
        kv = self.kv_a_layernorm(kv)
        k_pe = k_pe.squeeze(2)
        scores = (torch.einsum("bshc,btc->bsht", q_nope, kv)
                  + torch.einsum("bshr,btr->bsht", q_pe, k_pe)) * self.softmax_scale
        if attention_mask is not None:
            scores += attention_mask.unsqueeze(1)
        scores = scores.softmax(dim=-1, dtype=torch.float32).type_as(hidden_states)
        # model.py: einsum("bsht,btc->bshc", scores, kv). torch's einsum
        # turns a contraction over a size-1 dimension (kv_len 1, which only
        # a cache-free single-token step has) into a broadcast multiply;
        # matmul is the same bmm at every kv_len, as a decode step with a
        # cache runs it.
        x = torch.matmul(scores.flatten(1, 2), kv).view(bsz, seqlen, self.num_heads, self.kv_lora_rank)
        x = torch.einsum("bshc,hdc->bshd", x, wkv_b[:, -self.v_head_dim:])
        return self.o_proj(x.flatten(2))


def moe_loop(experts, hidden_states, topk_indices, topk_weights):
    """DeepseekV3MoE.moe (transformers 4.51 to 4.56): a loop over every
    expert, skipping those no token is routed to; float32 accumulation, as
    the routing weights are float32."""
    final_hidden_states = torch.zeros_like(hidden_states, dtype=topk_weights.dtype)
    expert_mask = torch.nn.functional.one_hot(topk_indices, num_classes=len(experts))
    expert_mask = expert_mask.permute(2, 0, 1)
    for expert_idx in range(len(experts)):
        expert = experts[expert_idx]
        mask = expert_mask[expert_idx]
        token_indices, weight_indices = torch.where(mask)
        if token_indices.numel() > 0:
            expert_weights = topk_weights[token_indices, weight_indices]
            expert_input = hidden_states[token_indices]
            expert_output = expert(expert_input)
            weighted_output = expert_output * expert_weights.unsqueeze(-1)
            final_hidden_states.index_add_(0, token_indices, weighted_output)
    return final_hidden_states.type(hidden_states.dtype)


class DeepseekV3MoE(nn.Module):
    """transformers 4.51 to 4.56: the router is the DeepseekV3TopkRouter
    module, the experts a ModuleList of MLPs (llama.LlamaMLP runs the same
    forward), the shared experts one MLP every token runs."""

    def __init__(self, hidden_size, moe_intermediate_size, n_routed_experts, top_k, n_group, topk_group,
                 n_shared_experts=1, norm_topk_prob=True):
        super().__init__()
        self.top_k = top_k
        self.experts = nn.ModuleList([llama.LlamaMLP(hidden_size, moe_intermediate_size)
                                      for _ in range(n_routed_experts)])
        self.gate = DeepseekV3TopkRouter(hidden_size, n_routed_experts, top_k, n_group, topk_group,
                                         norm_topk_prob=norm_topk_prob)
        self.shared_experts = llama.LlamaMLP(hidden_size, moe_intermediate_size * n_shared_experts)

    def forward(self, hidden_states):
        residuals = hidden_states
        orig_shape = hidden_states.shape
        topk_indices, topk_weights = self.gate(hidden_states)
        hidden_states = hidden_states.view(-1, hidden_states.shape[-1])
        hidden_states = moe_loop(self.experts, hidden_states, topk_indices, topk_weights).view(*orig_shape)
        hidden_states = hidden_states + self.shared_experts(residuals)
        return hidden_states


class DeepseekV2Experts(nn.Module):
    """transformers 5.x's DeepseekV2Experts with its eager experts
    implementation (config._experts_implementation "eager"): the routed
    experts' weights stacked into two 3-D parameters, gate and up
    projections fused ([num_experts, 2 * moe_intermediate_size, hidden]),
    looped over the experts hit. The accumulator has the activations' dtype;
    the routing weights are float32, so each scaled output is float32 and is
    cast back before index_add_."""

    def __init__(self, hidden_size, moe_intermediate_size, n_routed_experts):
        super().__init__()
        self.num_experts = n_routed_experts
        self.gate_up_proj = nn.Parameter(torch.randn(n_routed_experts, 2 * moe_intermediate_size, hidden_size))
        self.down_proj = nn.Parameter(torch.randn(n_routed_experts, hidden_size, moe_intermediate_size))
        self.act_fn = nn.SiLU()

    def forward(self, hidden_states, top_k_index, top_k_weights):
        final_hidden_states = torch.zeros_like(hidden_states)
        with torch.no_grad():
            expert_mask = torch.nn.functional.one_hot(top_k_index, num_classes=self.num_experts)
            expert_mask = expert_mask.permute(2, 1, 0)
            expert_hit = torch.greater(expert_mask.sum(dim=(-1, -2)), 0).nonzero()

        for expert_idx in expert_hit:
            expert_idx = expert_idx[0]
            if expert_idx == self.num_experts:
                continue
            top_k_pos, token_idx = torch.where(expert_mask[expert_idx])
            current_state = hidden_states[token_idx]
            gate, up = F.linear(current_state, self.gate_up_proj[expert_idx]).chunk(2, dim=-1)
            current_hidden_states = self.act_fn(gate) * up
            current_hidden_states = F.linear(current_hidden_states, self.down_proj[expert_idx])
            current_hidden_states = current_hidden_states * top_k_weights[token_idx, top_k_pos, None]
            final_hidden_states.index_add_(0, token_idx, current_hidden_states.to(final_hidden_states.dtype))

        return final_hidden_states


class DeepseekV2Moe(nn.Module):
    """transformers 5.x's DeepseekV2Moe (modeling_deepseek_v2.py as on
    transformers' main branch, 5.0.0.dev0 and later; DeepseekV2Moe.forward,
    route_tokens_to_experts and DeepseekV2Experts.forward copied op for op).
    The gate is an nn.Linear whose weight the block itself casts to float32
    and uses in F.linear, so the router's kernels are the block's own; then
    route_tokens_to_experts (float32 softmax, greedy or group-limited top-k,
    routed_scaling_factor: no renormalisation, config norm_topk_prob is
    unused), the routed experts and the shared experts (DeepseekV2MLP, whose
    forward is llama.LlamaMLP's).

    The 4.56 line (the stored source with past_key_value deprecated for
    4.58) has no DeepseekV2Moe: its DeepseekV2MoE holds a DeepseekV2MoEGate
    module with the same routing and dispatches with an argsort of the
    tokens; lmp models the 5.x classes.

    transformers' __init__ does not set self.num_experts, which
    group_limited_greedy reads (an AttributeError there); it is set here to
    n_routed_experts, what the expression means."""

    def __init__(self, hidden_size, moe_intermediate_size, n_routed_experts, top_k, n_shared_experts=1,
                 topk_method="greedy", n_group=None, topk_group=None, routed_scaling_factor=1.0):
        super().__init__()
        self.experts = DeepseekV2Experts(hidden_size, moe_intermediate_size, n_routed_experts)
        self.gate = nn.Linear(hidden_size, n_routed_experts, bias=False)
        self.shared_experts = llama.LlamaMLP(hidden_size, moe_intermediate_size * n_shared_experts)
        self.routed_scaling_factor = routed_scaling_factor
        self.topk_method = topk_method
        self.num_group = n_group
        self.top_k = top_k
        self.topk_group = topk_group
        self.num_experts = n_routed_experts

    def route_tokens_to_experts(self, router_logits):
        batch_size, seq_len, hidden_dim = router_logits.shape
        router_logits = router_logits.view(-1, hidden_dim)
        router_logits = router_logits.softmax(dim=-1, dtype=torch.float32)
        if self.topk_method == "greedy":
            topk_weight, topk_idx = torch.topk(router_logits, k=self.top_k, dim=-1, sorted=False)
        elif self.topk_method == "group_limited_greedy":
            group_scores = router_logits.view(batch_size * seq_len, self.num_group, -1).max(dim=-1).values
            group_idx = torch.topk(group_scores, k=self.topk_group, dim=-1, sorted=False)[1]
            group_mask = torch.zeros_like(group_scores)
            group_mask.scatter_(1, group_idx, 1)
            score_mask = (
                group_mask.unsqueeze(-1)
                .expand(batch_size * seq_len, self.num_group, self.num_experts // self.num_group)
                .reshape(batch_size * seq_len, -1)
            )
            tmp_scores = router_logits.masked_fill(~score_mask.bool(), 0.0)
            topk_weight, topk_idx = torch.topk(tmp_scores, k=self.top_k, dim=-1, sorted=False)

        topk_weight = topk_weight * self.routed_scaling_factor
        return topk_idx, topk_weight

    def forward(self, hidden_states):
        residuals = hidden_states
        orig_shape = hidden_states.shape
        router_logits = F.linear(hidden_states.type(torch.float32), self.gate.weight.type(torch.float32))
        topk_indices, topk_weights = self.route_tokens_to_experts(router_logits)
        hidden_states = hidden_states.view(-1, hidden_states.shape[-1])
        hidden_states = self.experts(hidden_states, topk_indices, topk_weights).view(*orig_shape)
        hidden_states = hidden_states + self.shared_experts(residuals)
        return hidden_states
