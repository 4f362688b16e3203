"""A Llama-architecture decoder (model_type llama / mistral) with a KV cache,
in plain PyTorch, for timing whole-model prefill and decode steps with random
weights.

The math follows transformers' LlamaForCausalLM (tests/reference/llama.py,
which has no cache): RMSNorm in float32, rotary embeddings on q and k,
grouped-query attention through scaled_dot_product_attention, SiLU-gated MLP.
What differs, on purpose, because inference engines do it so:

- The KV cache is static: one preallocated [batch, kv_heads, max_len,
  head_dim] tensor per layer for K and one for V. A step writes its new
  tokens in place and attends to the first start_pos + q_len positions. (HF's
  default DynamicCache instead concatenates, copying the whole cache every
  step.)
- Prefill computes logits for the last position only (logits_to_keep=1).
- rope_scaling (Llama 3.1's "llama3" frequencies) is ignored: it changes the
  values of inv_freq, not the operations run.
- Mistral's sliding_window is not applied: the harness stays at or below
  4096 tokens of context, where it changes nothing.

Weights are drawn on the target device (normal, std 0.02), never on the CPU
and never with nn.Linear's kaiming init, so a 7B model is built in about a
second on a GPU.
"""
import torch
import torch.nn.functional as F
from torch import nn

SUPPORTED_MODEL_TYPES = ("llama", "mistral")


def _sdpa(q, k, v, is_causal):
    """Attention over q [B, H, q, D], k/v [B, H, kv, D] with scale D ** -0.5.
    torch >= 2.0 has F.scaled_dot_product_attention; Debian's 1.13 has it as
    the private F._scaled_dot_product_attention(q, k, v, mask, dropout,
    need_weights, is_causal), returning (output, weights)."""
    if hasattr(F, "scaled_dot_product_attention"):
        return F.scaled_dot_product_attention(q, k, v, is_causal=is_causal)
    return F._scaled_dot_product_attention(q, k, v, None, 0.0, False, is_causal)[0]


def _supports_enable_gqa():
    """torch >= 2.5 can attend with fewer K/V heads than Q heads itself."""
    if not hasattr(F, "scaled_dot_product_attention"):
        return False
    try:
        q = torch.zeros(1, 2, 1, 4)
        kv = torch.zeros(1, 1, 1, 4)
        F.scaled_dot_product_attention(q, kv, kv, enable_gqa=True)
        return True
    except TypeError:
        return False


ENABLE_GQA = _supports_enable_gqa()


def attention(q, k, v, is_causal):
    """GQA attention: torch's own when it has it, else K/V heads repeated
    (transformers' repeat_kv, a copy) as transformers' sdpa path does."""
    n_rep = q.shape[1] // k.shape[1]
    if n_rep > 1 and ENABLE_GQA:
        return F.scaled_dot_product_attention(q, k, v, is_causal=is_causal, enable_gqa=True)
    if n_rep > 1:
        k = k.repeat_interleave(n_rep, dim=1)
        v = v.repeat_interleave(n_rep, dim=1)
    return _sdpa(q, k, v, is_causal)


class Config:
    """The config.json keys the builder reads, with transformers' defaults."""

    def __init__(self, d):
        mt = d.get("model_type", "llama")
        if mt not in SUPPORTED_MODEL_TYPES:
            raise ValueError(f"model_type {mt!r}: the harness builds {', '.join(SUPPORTED_MODEL_TYPES)} only")
        if d.get("hidden_act", "silu") != "silu":
            raise ValueError(f"hidden_act {d['hidden_act']!r}: the harness builds silu only")
        self.hidden = int(d["hidden_size"])
        self.inter = int(d["intermediate_size"])
        self.layers = int(d["num_hidden_layers"])
        self.heads = int(d["num_attention_heads"])
        self.kv_heads = int(d.get("num_key_value_heads") or self.heads)
        self.head_dim = int(d.get("head_dim") or self.hidden // self.heads)
        self.vocab = int(d["vocab_size"])
        self.eps = float(d.get("rms_norm_eps", 1e-6))
        self.theta = float(d.get("rope_theta", 10000.0))
        self.max_pos = int(d.get("max_position_embeddings", 2048))
        self.tie = bool(d.get("tie_word_embeddings", False))
        self.bias = bool(d.get("attention_bias", False))
        if self.heads % self.kv_heads:
            raise ValueError("num_attention_heads must be a multiple of num_key_value_heads")

    def n_params(self):
        attn = self.hidden * self.head_dim * (2 * self.heads + 2 * self.kv_heads)
        mlp = 3 * self.hidden * self.inter
        emb = self.vocab * self.hidden * (1 if self.tie else 2)
        return self.layers * (attn + mlp + 2 * self.hidden) + emb + self.hidden

    def kv_bytes_per_token(self, elem_bytes):
        return 2 * self.layers * self.kv_heads * self.head_dim * elem_bytes


class RMSNorm(nn.Module):
    def __init__(self, n, eps, device, dtype):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n, device=device, dtype=dtype))
        self.eps = eps

    def forward(self, x):
        dt = x.dtype
        x = x.to(torch.float32)
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x.to(dt)


def _weight(shape, device, dtype, std=0.02):
    return nn.Parameter(torch.empty(shape, device=device, dtype=dtype).normal_(0.0, std), requires_grad=False)


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Layer(nn.Module):
    def __init__(self, c, device, dtype):
        super().__init__()
        self.c = c
        w = lambda o, i: _weight((o, i), device, dtype)  # noqa: E731
        self.q = w(c.heads * c.head_dim, c.hidden)
        self.k = w(c.kv_heads * c.head_dim, c.hidden)
        self.v = w(c.kv_heads * c.head_dim, c.hidden)
        self.o = w(c.hidden, c.heads * c.head_dim)

        def zeros(n):
            return nn.Parameter(torch.zeros(n, device=device, dtype=dtype), requires_grad=False)
        self.qb = zeros(c.heads * c.head_dim) if c.bias else None
        self.kb = zeros(c.kv_heads * c.head_dim) if c.bias else None
        self.vb = zeros(c.kv_heads * c.head_dim) if c.bias else None
        self.gate = w(c.inter, c.hidden)
        self.up = w(c.inter, c.hidden)
        self.down = w(c.hidden, c.inter)
        self.ln1 = RMSNorm(c.hidden, c.eps, device, dtype)
        self.ln2 = RMSNorm(c.hidden, c.eps, device, dtype)

    def forward(self, x, cos, sin, k_cache, v_cache, start):
        """x [B, q, hidden]. Writes K/V of positions start..start+q-1 into the
        caches (or, with caches None, attends to this chunk alone)."""
        c = self.c
        B, q_len, _ = x.shape
        h = self.ln1(x)
        q = F.linear(h, self.q, self.qb).view(B, q_len, c.heads, c.head_dim).transpose(1, 2)
        k = F.linear(h, self.k, self.kb).view(B, q_len, c.kv_heads, c.head_dim).transpose(1, 2)
        v = F.linear(h, self.v, self.vb).view(B, q_len, c.kv_heads, c.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        # Causal within the chunk; a chunk that starts later than 0 would need
        # an offset mask, which the harness never asks for (prefill starts at
        # 0, decode has q_len 1 and attends to everything before it).
        if q_len > 1 and start != 0:
            raise ValueError("chunked prefill is not supported")
        if k_cache is not None:
            end = start + q_len
            k_cache[:, :, start:end] = k
            v_cache[:, :, start:end] = v
            k, v = k_cache[:, :, :end], v_cache[:, :, :end]
        elif start != 0:
            raise ValueError("without a cache a forward must start at position 0")
        a = attention(q, k, v, is_causal=q_len > 1)
        a = a.transpose(1, 2).reshape(B, q_len, c.heads * c.head_dim)
        x = x + F.linear(a, self.o)
        h = self.ln2(x)
        return x + F.linear(F.silu(F.linear(h, self.gate)) * F.linear(h, self.up), self.down)


class LlamaKV(nn.Module):
    def __init__(self, config_dict, device="cpu", dtype=torch.float32, seed=0):
        super().__init__()
        torch.manual_seed(seed)
        if str(device).startswith("cuda"):
            torch.cuda.manual_seed(seed)
        c = self.c = Config(config_dict)
        self.device, self.dtype = torch.device(device), dtype
        self.embed = _weight((c.vocab, c.hidden), device, dtype)
        self.layers = nn.ModuleList([Layer(c, device, dtype) for _ in range(c.layers)])
        self.norm = RMSNorm(c.hidden, c.eps, device, dtype)
        self.lm_head = self.embed if c.tie else _weight((c.vocab, c.hidden), device, dtype)
        self.inv_freq = 1.0 / (c.theta ** (torch.arange(0, c.head_dim, 2, device=device,
                                                        dtype=torch.float32) / c.head_dim))

    def new_cache(self, batch, max_len):
        """Static KV cache: a list of (K, V) per layer, each [B, kv_heads,
        max_len, head_dim]. Contents are random: a decode step over a cache
        costs the same whatever it holds, so timing needs no prefill first."""
        c = self.c
        shape = (batch, c.kv_heads, max_len, c.head_dim)
        return [(torch.randn(shape, device=self.device, dtype=self.dtype),
                 torch.randn(shape, device=self.device, dtype=self.dtype)) for _ in range(c.layers)]

    def _rope(self, start, q_len):
        pos = torch.arange(start, start + q_len, device=self.device, dtype=torch.float32)
        freqs = torch.outer(pos, self.inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos().to(self.dtype)[None, None], emb.sin().to(self.dtype)[None, None]

    @torch.no_grad()
    def forward(self, ids, cache=None, start=0, logits_to_keep=1):
        """ids [B, q_len] (on the model's device). With a cache: writes
        positions start..start+q_len-1 and attends to everything up to them.
        Returns logits [B, logits_to_keep or q_len, vocab] (0: all)."""
        cos, sin = self._rope(start, ids.shape[1])
        x = F.embedding(ids, self.embed)
        for i, layer in enumerate(self.layers):
            kc, vc = cache[i] if cache is not None else (None, None)
            x = layer(x, cos, sin, kc, vc, start)
        x = self.norm(x)
        if logits_to_keep:
            x = x[:, -logits_to_keep:]
        return F.linear(x, self.lm_head)


def tiny_config():
    """The CPU model: a Llama small enough for CI (about 107k parameters)."""
    return {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_act": "silu",
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "vocab_size": 256,
        "rms_norm_eps": 1e-5,
        "rope_theta": 10000.0,
        "max_position_embeddings": 2048,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "torch_dtype": "float32",
    }


def max_abs_rel(a, b):
    """max |a - b| / max |b|: the test's closeness measure."""
    return float((a - b).abs().max()) / max(float(b.abs().max()), 1e-30)

