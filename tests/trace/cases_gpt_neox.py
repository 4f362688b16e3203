"""Cases for data/modules/gpt_neox.json (reference: tests/reference/gpt_neox.py).
GPT-NeoX's width is num_heads * head_dim; the rotary width is partial
(head_dim - 2) except in the decode-size set, where it is the whole head
(torch.cat then appends an empty pass-through part)."""
import torch

import gpt_neox
from cases import Case, SHAPES, mask, positions, tokens, width


def rotary_dim(s):
    return s["D"] if s["S"] == 1 else s["D"] - 2


def hidden(s):
    return torch.randn(s["B"], s["S"], width(s)).bfloat16()


def position_embeddings(s):
    return gpt_neox.GPTNeoXRotaryEmbedding(rotary_dim(s))(hidden(s), positions(s))


def rotary(s):
    return gpt_neox.GPTNeoXRotaryEmbedding(rotary_dim(s)), (hidden(s), positions(s)), {}, dict(
        tokens(s), rotary_dim=rotary_dim(s))


def attention(s):
    m = gpt_neox.GPTNeoXAttention(width(s), s["H"])
    return m, (hidden(s), mask(s), position_embeddings(s)), {}, dict(
        batch_size=s["B"], seq_len=s["S"], kv_len=s["S"], num_heads=s["H"], num_kv_heads=s["H"],
        head_dim=s["D"], rotary_dim=rotary_dim(s))


def mlp(s):
    return gpt_neox.GPTNeoXMLP(width(s), s["I"]), (hidden(s),), {}, {}


def layer(parallel):
    def build(s):
        m = gpt_neox.GPTNeoXLayer(width(s), s["H"], s["I"], use_parallel_residual=parallel)
        return m, (hidden(s), mask(s), position_embeddings(s)), {}, dict(
            tokens(s), hidden_size=width(s), parallel_residual=int(parallel))
    return build


def layer_either(s):
    # Alternate: sequential residuals in the first shape set, parallel in the others.
    return layer(s["S"] != 5)(s)


def model_inputs(s):
    return torch.randint(0, s["V"], (s["B"], s["S"])), positions(s), mask(s)


def model(s):
    return gpt_neox.GPTNeoXModel(s["V"], width(s), s["H"], s["I"], rotary_dim(s)), model_inputs(s), {}, {}


def causal_lm(s):
    m = gpt_neox.GPTNeoXForCausalLM(s["V"], width(s), s["H"], s["I"], rotary_dim(s))
    return m, model_inputs(s), {}, {}


CASES = [
    Case("transformers_GPTNeoXRotaryEmbedding", rotary, SHAPES),
    Case("transformers_GPTNeoXAttention", attention, SHAPES),
    Case("transformers_GPTNeoXMLP", mlp, SHAPES),
    Case("transformers_GPTNeoXLayer", layer_either, SHAPES),
    Case("transformers_GPTNeoXModel", model, SHAPES),
    Case("transformers_GPTNeoXForCausalLM", causal_lm, SHAPES),
]
