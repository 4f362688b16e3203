"""Falcon in plain PyTorch, op for op as transformers' modeling_falcon.py
(4.48 and later: position embeddings computed once per model; FalconAttention
keeps its own eager code rather than an attention interface), without a KV
cache or ALiBi. The configuration defaults to transformers' (falcon-7b):
multi_query, parallel_attn, no new_decoder_architecture, no biases.
multi_query=False (FalconAttention, FalconDecoderLayer, FalconModel and
FalconForCausalLM take it) gives the MHA path: num_kv_heads = num_heads,
query_key_value laid out [num_heads, 3, head_dim], and _split_heads returns
the strided slices fused_qkv[..., 0, :], [..., 1, :], [..., 2, :] where the
multi-query path gathers K and V with fused_qkv[..., [-2], :] and [[-1]].

Keep every tensor expression as transformers writes it: the point is to see
the same aten ops the real forward runs. The rotary embedding and
apply_rotary_pos_emb are transformers' Llama code (Falcon's are copies).
"""
import math

from torch import nn
import torch.nn.functional as F

from llama import LlamaRotaryEmbedding, apply_rotary_pos_emb


class FalconLinear(nn.Linear):
    def forward(self, input):
        hidden_states = input @ self.weight.T
        if self.bias is None:
            return hidden_states
        return hidden_states + self.bias


class FalconRotaryEmbedding(LlamaRotaryEmbedding):
    pass


def dropout_add(x, residual, prob, training):
    out = F.dropout(x, p=prob, training=training)
    out = residual + out
    return out


class FalconAttention(nn.Module):
    def __init__(self, hidden_size, num_heads, multi_query=True, bias=False):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_heads = num_heads
        self.head_dim = hidden_size // num_heads
        self.multi_query = multi_query
        self.new_decoder_architecture = False
        self.num_kv_heads = 1 if multi_query else num_heads
        qkv_out_dim = hidden_size + 2 * self.head_dim if multi_query else 3 * hidden_size
        self.query_key_value = FalconLinear(hidden_size, qkv_out_dim, bias=bias)
        self.dense = FalconLinear(hidden_size, hidden_size, bias=bias)

    def _split_heads(self, fused_qkv):
        if not self.multi_query:
            batch_size, seq_length, three_times_hidden_size = fused_qkv.shape
            fused_qkv = fused_qkv.view(batch_size, seq_length, self.num_heads, 3, self.head_dim)
            return fused_qkv[..., 0, :], fused_qkv[..., 1, :], fused_qkv[..., 2, :]
        batch_size, seq_length, three_times_hidden_size = fused_qkv.shape
        fused_qkv = fused_qkv.view(batch_size, seq_length, self.num_heads + 2, self.head_dim)
        return fused_qkv[..., :-2, :], fused_qkv[..., [-2], :], fused_qkv[..., [-1], :]

    def forward(self, hidden_states, attention_mask, position_embeddings):
        fused_qkv = self.query_key_value(hidden_states)
        num_kv_heads = self.num_heads if self.new_decoder_architecture else self.num_kv_heads
        (query_layer, key_layer, value_layer) = self._split_heads(fused_qkv)
        batch_size, query_length, _, _ = query_layer.shape
        query_layer = query_layer.transpose(1, 2).reshape(batch_size, self.num_heads, query_length, self.head_dim)
        key_layer = key_layer.transpose(1, 2).reshape(batch_size, num_kv_heads, query_length, self.head_dim)
        value_layer = value_layer.transpose(1, 2).reshape(batch_size, num_kv_heads, query_length, self.head_dim)
        cos, sin = position_embeddings
        query_layer, key_layer = apply_rotary_pos_emb(query_layer, key_layer, cos, sin)
        attention_scores = query_layer @ key_layer.transpose(-1, -2)
        attention_scores /= math.sqrt(self.head_dim)
        attention_scores = F.softmax(attention_scores + attention_mask, dim=-1, dtype=hidden_states.dtype)
        attn_output = attention_scores @ value_layer
        attn_output = attn_output.view(batch_size, self.num_heads, query_length, self.head_dim)
        attn_output = attn_output.permute(0, 2, 1, 3)
        attn_output = attn_output.reshape(batch_size, query_length, self.num_heads * self.head_dim)
        attn_output = self.dense(attn_output)
        return attn_output, attention_scores


class FalconMLP(nn.Module):
    def __init__(self, hidden_size, ffn_hidden_size, bias=False):
        super().__init__()
        self.dense_h_to_4h = FalconLinear(hidden_size, ffn_hidden_size, bias=bias)
        self.act = nn.GELU()
        self.dense_4h_to_h = FalconLinear(ffn_hidden_size, hidden_size, bias=bias)

    def forward(self, x):
        x = self.act(self.dense_h_to_4h(x))
        x = self.dense_4h_to_h(x)
        return x


class FalconDecoderLayer(nn.Module):
    def __init__(self, hidden_size, num_heads, ffn_hidden_size, parallel_attn=True, eps=1e-5, multi_query=True):
        super().__init__()
        self.parallel_attn = parallel_attn
        self.new_decoder_architecture = False
        self.self_attention = FalconAttention(hidden_size, num_heads, multi_query=multi_query)
        self.mlp = FalconMLP(hidden_size, ffn_hidden_size)
        self.hidden_dropout = 0.0
        self.attention_dropout = 0.0
        self.input_layernorm = nn.LayerNorm(hidden_size, eps=eps)
        if not parallel_attn:
            self.post_attention_layernorm = nn.LayerNorm(hidden_size, eps=eps)

    def forward(self, hidden_states, attention_mask, position_embeddings):
        residual = hidden_states
        attention_layernorm_out = self.input_layernorm(hidden_states)
        attention_output, _ = self.self_attention(attention_layernorm_out, attention_mask=attention_mask,
                                                  position_embeddings=position_embeddings)
        if not self.new_decoder_architecture:
            if self.parallel_attn:
                mlp_layernorm_out = attention_layernorm_out
            else:
                residual = dropout_add(attention_output, residual, self.attention_dropout, training=self.training)
                mlp_layernorm_out = self.post_attention_layernorm(residual)
        mlp_output = self.mlp(mlp_layernorm_out)
        if self.new_decoder_architecture or self.parallel_attn:
            mlp_output += attention_output
        output = dropout_add(mlp_output, residual, self.hidden_dropout, training=self.training)
        return output


class FalconModel(nn.Module):
    """The model without its mask construction: the 4-D mask and the
    position ids are inputs."""

    def __init__(self, vocab_size, hidden_size, num_heads, ffn_hidden_size, num_layers=2, multi_query=True):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab_size, hidden_size)
        self.h = nn.ModuleList([FalconDecoderLayer(hidden_size, num_heads, ffn_hidden_size, multi_query=multi_query)
                                for _ in range(num_layers)])
        self.ln_f = nn.LayerNorm(hidden_size)
        self.rotary_emb = FalconRotaryEmbedding(hidden_size // num_heads)

    def forward(self, input_ids, position_ids, attention_mask=None):
        inputs_embeds = self.word_embeddings(input_ids)
        hidden_states = inputs_embeds
        position_embeddings = self.rotary_emb(hidden_states, position_ids)
        for block in self.h:
            hidden_states = block(hidden_states, attention_mask=attention_mask,
                                  position_embeddings=position_embeddings)
        hidden_states = self.ln_f(hidden_states)
        return hidden_states


class FalconForCausalLM(nn.Module):
    def __init__(self, vocab_size, hidden_size, *args, **kwargs):
        super().__init__()
        self.transformer = FalconModel(vocab_size, hidden_size, *args, **kwargs)
        self.lm_head = nn.Linear(hidden_size, vocab_size, bias=False)
        self.lm_head.weight = self.transformer.word_embeddings.weight

    def forward(self, input_ids, position_ids, attention_mask=None, logits_to_keep=0):
        hidden_states = self.transformer(input_ids, position_ids, attention_mask)
        slice_indices = slice(-logits_to_keep, None) if isinstance(logits_to_keep, int) else logits_to_keep
        return self.lm_head(hidden_states[:, slice_indices, :])
