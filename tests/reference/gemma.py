"""Gemma and Gemma2 in plain PyTorch, op for op as transformers'
modeling_gemma.py and modeling_gemma2.py (4.48 and later), without a KV
cache. Attention, rotary embedding and the decoder layer structure are
Llama's (llama.py), as transformers' modular files derive them.
"""
import torch
from torch import nn

import llama


class GemmaRMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.zeros(dim))

    def _norm(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)

    def forward(self, x):
        output = self._norm(x.float())
        # Gemma scales by (1 + weight) in float32, unlike Llama's
        # weight * x.to(input_dtype).
        output = output * (1.0 + self.weight.float())
        return output.type_as(x)


class PytorchGELUTanh(nn.Module):
    def forward(self, input):
        return nn.functional.gelu(input, approximate="tanh")


class GemmaMLP(nn.Module):
    def __init__(self, hidden_size, intermediate_size):
        super().__init__()
        self.gate_proj = nn.Linear(hidden_size, intermediate_size, bias=False)
        self.up_proj = nn.Linear(hidden_size, intermediate_size, bias=False)
        self.down_proj = nn.Linear(intermediate_size, hidden_size, bias=False)
        self.act_fn = PytorchGELUTanh()

    def forward(self, x):
        return self.down_proj(self.act_fn(self.gate_proj(x)) * self.up_proj(x))


class GemmaDecoderLayer(llama.LlamaDecoderLayer):
    def __init__(self, hidden_size, num_heads, num_kv_heads, intermediate_size, head_dim):
        super().__init__(hidden_size, num_heads, num_kv_heads, intermediate_size, head_dim)
        self.mlp = GemmaMLP(hidden_size, intermediate_size)
        self.input_layernorm = GemmaRMSNorm(hidden_size)
        self.post_attention_layernorm = GemmaRMSNorm(hidden_size)


class GemmaModel(nn.Module):
    """As llama.LlamaModel: the 4-D mask and the position ids are inputs."""

    def __init__(self, vocab_size, hidden_size, num_heads, num_kv_heads, intermediate_size,
                 num_layers=2, head_dim=None, layer_cls=GemmaDecoderLayer):
        super().__init__()
        head_dim = head_dim or hidden_size // num_heads
        self.hidden_size = hidden_size
        self.embed_tokens = nn.Embedding(vocab_size, hidden_size)
        self.layers = nn.ModuleList([
            layer_cls(hidden_size, num_heads, num_kv_heads, intermediate_size, head_dim)
            for _ in range(num_layers)])
        self.norm = GemmaRMSNorm(hidden_size)
        self.rotary_emb = llama.LlamaRotaryEmbedding(head_dim)

    def forward(self, input_ids, position_ids, attention_mask=None):
        inputs_embeds = self.embed_tokens(input_ids)
        hidden_states = inputs_embeds
        position_embeddings = self.rotary_emb(hidden_states, position_ids)
        normalizer = torch.tensor(self.hidden_size ** 0.5, dtype=hidden_states.dtype)
        hidden_states = hidden_states * normalizer
        for decoder_layer in self.layers:
            hidden_states = decoder_layer(hidden_states, position_embeddings, attention_mask)
        hidden_states = self.norm(hidden_states)
        return hidden_states


def gemma2_eager_attention_forward(module, query, key, value, attention_mask, dropout=0.0,
                                   scaling=None, softcap=None):
    if scaling is None:
        scaling = module.head_dim ** -0.5
    key_states = llama.repeat_kv(key, module.num_key_value_groups)
    value_states = llama.repeat_kv(value, module.num_key_value_groups)
    attn_weights = torch.matmul(query, key_states.transpose(2, 3)) * scaling
    if softcap is not None:
        attn_weights = attn_weights / softcap
        attn_weights = torch.tanh(attn_weights)
        attn_weights = attn_weights * softcap
    if attention_mask is not None:
        causal_mask = attention_mask[:, :, :, : key_states.shape[-2]]
        attn_weights = attn_weights + causal_mask
    attn_weights = nn.functional.softmax(attn_weights, dim=-1, dtype=torch.float32).to(query.dtype)
    attn_weights = nn.functional.dropout(attn_weights, p=dropout, training=module.training)
    attn_output = torch.matmul(attn_weights, value_states)
    attn_output = attn_output.transpose(1, 2).contiguous()
    return attn_output, attn_weights


class Gemma2Attention(llama.LlamaAttention):
    def __init__(self, hidden_size, num_heads, num_kv_heads, head_dim, query_pre_attn_scalar=256,
                 attn_logit_softcapping=50.0):
        super().__init__(hidden_size, num_heads, num_kv_heads, head_dim)
        self.scaling = query_pre_attn_scalar ** -0.5
        self.attn_logit_softcapping = attn_logit_softcapping

    def forward(self, hidden_states, position_embeddings, attention_mask=None):
        input_shape = hidden_states.shape[:-1]
        hidden_shape = (*input_shape, -1, self.head_dim)
        query_states = self.q_proj(hidden_states).view(hidden_shape).transpose(1, 2)
        key_states = self.k_proj(hidden_states).view(hidden_shape).transpose(1, 2)
        value_states = self.v_proj(hidden_states).view(hidden_shape).transpose(1, 2)
        cos, sin = position_embeddings
        query_states, key_states = llama.apply_rotary_pos_emb(query_states, key_states, cos, sin)
        attn_output, attn_weights = gemma2_eager_attention_forward(
            self, query_states, key_states, value_states, attention_mask,
            scaling=self.scaling, softcap=self.attn_logit_softcapping)
        attn_output = attn_output.reshape(*input_shape, -1).contiguous()
        attn_output = self.o_proj(attn_output)
        return attn_output, attn_weights


class Gemma2DecoderLayer(nn.Module):
    def __init__(self, hidden_size, num_heads, num_kv_heads, intermediate_size, head_dim):
        super().__init__()
        self.self_attn = Gemma2Attention(hidden_size, num_heads, num_kv_heads, head_dim)
        self.mlp = GemmaMLP(hidden_size, intermediate_size)
        self.input_layernorm = GemmaRMSNorm(hidden_size)
        self.post_attention_layernorm = GemmaRMSNorm(hidden_size)
        self.pre_feedforward_layernorm = GemmaRMSNorm(hidden_size)
        self.post_feedforward_layernorm = GemmaRMSNorm(hidden_size)

    def forward(self, hidden_states, position_embeddings, attention_mask=None):
        residual = hidden_states
        hidden_states = self.input_layernorm(hidden_states)
        hidden_states, _ = self.self_attn(hidden_states=hidden_states, position_embeddings=position_embeddings,
                                          attention_mask=attention_mask)
        hidden_states = self.post_attention_layernorm(hidden_states)
        hidden_states = residual + hidden_states
        residual = hidden_states
        hidden_states = self.pre_feedforward_layernorm(hidden_states)
        hidden_states = self.mlp(hidden_states)
        hidden_states = self.post_feedforward_layernorm(hidden_states)
        hidden_states = residual + hidden_states
        return hidden_states


class Gemma2ForCausalLM(nn.Module):
    def __init__(self, vocab_size, hidden_size, num_heads, num_kv_heads, intermediate_size,
                 head_dim=None, final_logit_softcapping=30.0):
        super().__init__()
        self.model = GemmaModel(vocab_size, hidden_size, num_heads, num_kv_heads, intermediate_size,
                                head_dim=head_dim, layer_cls=Gemma2DecoderLayer)
        self.lm_head = nn.Linear(hidden_size, vocab_size, bias=False)
        self.final_logit_softcapping = final_logit_softcapping

    def forward(self, input_ids, position_ids, attention_mask=None, logits_to_keep=0):
        hidden_states = self.model(input_ids, position_ids, attention_mask)
        slice_indices = slice(-logits_to_keep, None) if isinstance(logits_to_keep, int) else logits_to_keep
        logits = self.lm_head(hidden_states[:, slice_indices, :])
        if self.final_logit_softcapping is not None:
            logits = logits / self.final_logit_softcapping
            logits = torch.tanh(logits)
            logits = logits * self.final_logit_softcapping
        return logits
