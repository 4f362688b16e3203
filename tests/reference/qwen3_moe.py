"""Qwen3-MoE's sparse MoE block in plain PyTorch, op for op as transformers'
modeling_qwen3_moe.py (4.51 to 4.56: an experts ModuleList of Qwen3MoeMLP
looped over the experts hit). The block's code is Mixtral's (mixtral.py)
with the renormalisation under norm_topk_prob.
"""
from torch import nn

import mixtral


class Qwen3MoeMLP(nn.Module):
    def __init__(self, hidden_size, intermediate_size):
        super().__init__()
        self.gate_proj = nn.Linear(hidden_size, intermediate_size, bias=False)
        self.up_proj = nn.Linear(hidden_size, intermediate_size, bias=False)
        self.down_proj = nn.Linear(intermediate_size, hidden_size, bias=False)
        self.act_fn = nn.SiLU()

    def forward(self, x):
        return self.down_proj(self.act_fn(self.gate_proj(x)) * self.up_proj(x))


class Qwen3MoeSparseMoeBlock(nn.Module):
    def __init__(self, hidden_size, moe_intermediate_size, num_experts, top_k, norm_topk_prob=True):
        super().__init__()
        self.num_experts = num_experts
        self.top_k = top_k
        self.norm_topk_prob = norm_topk_prob
        self.gate = nn.Linear(hidden_size, num_experts, bias=False)
        self.experts = nn.ModuleList([Qwen3MoeMLP(hidden_size, moe_intermediate_size)
                                      for _ in range(num_experts)])

    def forward(self, hidden_states):
        batch_size, sequence_length, hidden_dim = hidden_states.shape
        hidden_states = hidden_states.view(-1, hidden_dim)
        router_logits, routing_weights, selected_experts = mixtral.route(
            self.gate, hidden_states, self.top_k, self.norm_topk_prob)
        final_hidden_states = mixtral.dispatch(self.experts, self.num_experts, hidden_states,
                                               routing_weights, selected_experts)
        final_hidden_states = final_hidden_states.reshape(batch_size, sequence_length, hidden_dim)
        return final_hidden_states, router_logits
