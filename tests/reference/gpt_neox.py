"""GPT-NeoX in plain PyTorch, op for op as transformers' modeling_gpt_neox.py
(4.48 and later: eager_attention_forward, partial rotary applied to the
first rotary_ndims of each head, position embeddings computed once per
model), without a KV cache.

Keep every tensor expression as transformers writes it: the point is to see
the same aten ops the real forward runs. The rotary embedding and
rotate_half are transformers' Llama code (GPT-NeoX's are copies of it).
"""
import torch
from torch import nn

from llama import LlamaRotaryEmbedding, rotate_half


class GPTNeoXRotaryEmbedding(LlamaRotaryEmbedding):
    pass


def apply_rotary_pos_emb(q, k, cos, sin, position_ids=None, unsqueeze_dim=1):
    cos = cos.unsqueeze(unsqueeze_dim)
    sin = sin.unsqueeze(unsqueeze_dim)
    rotary_dim = cos.shape[-1]
    q_rot, q_pass = q[..., :rotary_dim], q[..., rotary_dim:]
    k_rot, k_pass = k[..., :rotary_dim], k[..., rotary_dim:]
    q_embed = (q_rot * cos) + (rotate_half(q_rot) * sin)
    k_embed = (k_rot * cos) + (rotate_half(k_rot) * sin)
    q_embed = torch.cat([q_embed, q_pass], dim=-1)
    k_embed = torch.cat([k_embed, k_pass], dim=-1)
    return q_embed, k_embed


def eager_attention_forward(module, query, key, value, attention_mask, scaling, dropout=0.0, head_mask=None,
                            **kwargs):
    attn_weights = torch.matmul(query, key.transpose(2, 3)) * scaling
    if attention_mask is not None:
        causal_mask = attention_mask[:, :, :, : key.shape[-2]]
        attn_weights = attn_weights + causal_mask
    attn_weights = nn.functional.softmax(attn_weights, dim=-1, dtype=torch.float32).to(query.dtype)
    if head_mask is not None:
        attn_weights = attn_weights * head_mask
    attn_weights = nn.functional.dropout(attn_weights, p=dropout, training=module.training)
    attn_output = torch.matmul(attn_weights, value)
    attn_output = attn_output.transpose(1, 2).contiguous()
    return attn_output, attn_weights


class GPTNeoXAttention(nn.Module):
    def __init__(self, hidden_size, num_heads, attention_bias=True):
        super().__init__()
        self.head_size = hidden_size // num_heads
        self.scaling = self.head_size ** -0.5
        self.query_key_value = nn.Linear(hidden_size, 3 * hidden_size, bias=attention_bias)
        self.dense = nn.Linear(hidden_size, hidden_size, bias=attention_bias)

    def forward(self, hidden_states, attention_mask, position_embeddings, head_mask=None):
        input_shape = hidden_states.shape[:-1]
        hidden_shape = (*input_shape, -1, 3 * self.head_size)
        qkv = self.query_key_value(hidden_states).view(hidden_shape).transpose(1, 2)
        query_states, key_states, value_states = qkv.chunk(3, dim=-1)
        cos, sin = position_embeddings
        query_states, key_states = apply_rotary_pos_emb(query_states, key_states, cos, sin)
        attn_output, attn_weights = eager_attention_forward(
            self, query_states, key_states, value_states, attention_mask, scaling=self.scaling,
            dropout=0.0, head_mask=head_mask)
        attn_output = attn_output.reshape(*input_shape, -1).contiguous()
        attn_output = self.dense(attn_output)
        return attn_output, attn_weights


class GPTNeoXMLP(nn.Module):
    def __init__(self, hidden_size, intermediate_size):
        super().__init__()
        self.dense_h_to_4h = nn.Linear(hidden_size, intermediate_size)
        self.dense_4h_to_h = nn.Linear(intermediate_size, hidden_size)
        self.act = nn.GELU()

    def forward(self, hidden_states):
        hidden_states = self.dense_h_to_4h(hidden_states)
        hidden_states = self.act(hidden_states)
        hidden_states = self.dense_4h_to_h(hidden_states)
        return hidden_states


class GPTNeoXLayer(nn.Module):
    def __init__(self, hidden_size, num_heads, intermediate_size, use_parallel_residual=True, eps=1e-5):
        super().__init__()
        self.use_parallel_residual = use_parallel_residual
        self.input_layernorm = nn.LayerNorm(hidden_size, eps=eps)
        self.post_attention_layernorm = nn.LayerNorm(hidden_size, eps=eps)
        self.post_attention_dropout = nn.Dropout(0.0)
        self.post_mlp_dropout = nn.Dropout(0.0)
        self.attention = GPTNeoXAttention(hidden_size, num_heads)
        self.mlp = GPTNeoXMLP(hidden_size, intermediate_size)

    def forward(self, hidden_states, attention_mask=None, position_embeddings=None):
        attn_output, _ = self.attention(self.input_layernorm(hidden_states), attention_mask=attention_mask,
                                        position_embeddings=position_embeddings)
        attn_output = self.post_attention_dropout(attn_output)
        if self.use_parallel_residual:
            mlp_output = self.mlp(self.post_attention_layernorm(hidden_states))
            mlp_output = self.post_mlp_dropout(mlp_output)
            hidden_states = mlp_output + attn_output + hidden_states
        else:
            attn_output = attn_output + hidden_states
            mlp_output = self.mlp(self.post_attention_layernorm(attn_output))
            mlp_output = self.post_mlp_dropout(mlp_output)
            hidden_states = mlp_output + attn_output
        return hidden_states


class GPTNeoXModel(nn.Module):
    """The model without its mask construction: the 4-D mask and the
    position ids are inputs."""

    def __init__(self, vocab_size, hidden_size, num_heads, intermediate_size, rotary_ndims, num_layers=2):
        super().__init__()
        self.embed_in = nn.Embedding(vocab_size, hidden_size)
        self.emb_dropout = nn.Dropout(0.0)
        self.layers = nn.ModuleList([GPTNeoXLayer(hidden_size, num_heads, intermediate_size)
                                     for _ in range(num_layers)])
        self.final_layer_norm = nn.LayerNorm(hidden_size)
        self.rotary_emb = GPTNeoXRotaryEmbedding(rotary_ndims)

    def forward(self, input_ids, position_ids, attention_mask=None):
        inputs_embeds = self.embed_in(input_ids)
        hidden_states = self.emb_dropout(inputs_embeds)
        position_embeddings = self.rotary_emb(hidden_states, position_ids)
        for layer in self.layers:
            hidden_states = layer(hidden_states, attention_mask=attention_mask,
                                  position_embeddings=position_embeddings)
        hidden_states = self.final_layer_norm(hidden_states)
        return hidden_states


class GPTNeoXForCausalLM(nn.Module):
    def __init__(self, vocab_size, hidden_size, *args, **kwargs):
        super().__init__()
        self.gpt_neox = GPTNeoXModel(vocab_size, hidden_size, *args, **kwargs)
        self.embed_out = nn.Linear(hidden_size, vocab_size, bias=False)

    def forward(self, input_ids, position_ids, attention_mask=None, logits_to_keep=0):
        hidden_states = self.gpt_neox(input_ids, position_ids, attention_mask)
        slice_indices = slice(-logits_to_keep, None) if isinstance(logits_to_keep, int) else logits_to_keep
        return self.embed_out(hidden_states[:, slice_indices, :])
