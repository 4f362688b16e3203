"""Cases for data/modules/falcon.json (reference: tests/reference/falcon.py).
Falcon's width is num_heads * head_dim; the attention is multi-query
(num_kv_heads = 1, transformers' default configuration)."""
import torch

import falcon
from cases import Case, SHAPES, mask, positions, tokens, width


def hidden(s, w=None):
    return torch.randn(s["B"], s["S"], w or width(s)).bfloat16()


def position_embeddings(s):
    return falcon.FalconRotaryEmbedding(s["D"])(hidden(s), positions(s))


def linear(s):
    # Alternate: no bias in the first shape set (falcon-7b), a bias in the others.
    bias = s["S"] != 5
    m = falcon.FalconLinear(s["hidden"], s["I"], bias=bias)
    return m, (hidden(s, s["hidden"]),), {}, dict(N=s["B"] * s["S"], in_features=s["hidden"],
                                                  out_features=s["I"], bias=int(bias))


def rotary(s):
    return falcon.FalconRotaryEmbedding(s["D"]), (hidden(s), positions(s)), {}, dict(
        tokens(s), rotary_dim=s["D"])


def attention(s):
    m = falcon.FalconAttention(width(s), s["H"])
    return m, (hidden(s), mask(s), position_embeddings(s)), {}, dict(
        batch_size=s["B"], seq_len=s["S"], kv_len=s["S"], num_heads=s["H"], num_kv_heads=1, head_dim=s["D"])


def mlp(s):
    return falcon.FalconMLP(width(s), s["I"]), (hidden(s),), {}, {}


def decoder_layer(s):
    m = falcon.FalconDecoderLayer(width(s), s["H"], s["I"])
    return m, (hidden(s), mask(s), position_embeddings(s)), {}, dict(tokens(s), hidden_size=width(s))


def model_inputs(s):
    return torch.randint(0, s["V"], (s["B"], s["S"])), positions(s), mask(s)


def model(s):
    return falcon.FalconModel(s["V"], width(s), s["H"], s["I"]), model_inputs(s), {}, {}


def causal_lm(s):
    return falcon.FalconForCausalLM(s["V"], width(s), s["H"], s["I"]), model_inputs(s), {}, {}


CASES = [
    Case("transformers_FalconLinear", linear, SHAPES),
    Case("transformers_FalconRotaryEmbedding", rotary, SHAPES),
    Case("transformers_FalconAttention", attention, SHAPES),
    Case("transformers_FalconMLP", mlp, SHAPES),
    Case("transformers_FalconDecoderLayer", decoder_layer, SHAPES),
    Case("transformers_FalconModel", model, SHAPES),
    Case("transformers_FalconForCausalLM", causal_lm, SHAPES),
]
