"""Cases for data/modules/falcon.json (reference: tests/reference/falcon.py).
Falcon's width is num_heads * head_dim. The attention, decoder layer, model
and causal-LM cases run every shape set twice: multi_query (num_kv_heads = 1,
transformers' default configuration; K and V are gathered out of the fused
projection and broadcast to every head) and multi_query false (MHA,
num_kv_heads = num_heads; q, k and v are strided slices of the fused
[num_heads, 3, head_dim] projection). The shared sets' Hkv does not apply:
Falcon without new_decoder_architecture has 1 or num_heads K/V heads."""
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


def kv_heads(s):
    """What the builder passes for num_kv_heads: 1 with multi_query, else num_heads."""
    return 1 if s["multi_query"] else s["H"]


def attention(s):
    m = falcon.FalconAttention(width(s), s["H"], multi_query=s["multi_query"])
    return m, (hidden(s), mask(s), position_embeddings(s)), {}, dict(
        batch_size=s["B"], seq_len=s["S"], kv_len=s["S"], num_heads=s["H"], num_kv_heads=kv_heads(s),
        head_dim=s["D"])


def mlp(s):
    return falcon.FalconMLP(width(s), s["I"]), (hidden(s),), {}, {}


def decoder_layer(s):
    m = falcon.FalconDecoderLayer(width(s), s["H"], s["I"], multi_query=s["multi_query"])
    return m, (hidden(s), mask(s), position_embeddings(s)), {}, dict(tokens(s), hidden_size=width(s))


def model_inputs(s):
    return torch.randint(0, s["V"], (s["B"], s["S"])), positions(s), mask(s)


def model(s):
    m = falcon.FalconModel(s["V"], width(s), s["H"], s["I"], multi_query=s["multi_query"])
    return m, model_inputs(s), {}, {}


def causal_lm(s):
    m = falcon.FalconForCausalLM(s["V"], width(s), s["H"], s["I"], multi_query=s["multi_query"])
    return m, model_inputs(s), {}, {}


# The shared sets, each with multi_query and without: the modules whose
# figures depend on the K/V layout run all six.
LAYOUTS = ([(name + ", multi_query", dict(s, multi_query=True)) for name, s in SHAPES]
           + [(name + ", MHA (multi_query false)", dict(s, multi_query=False)) for name, s in SHAPES])

CASES = [
    Case("transformers_FalconLinear", linear, SHAPES),
    Case("transformers_FalconRotaryEmbedding", rotary, SHAPES),
    Case("transformers_FalconAttention", attention, LAYOUTS),
    Case("transformers_FalconMLP", mlp, SHAPES),
    Case("transformers_FalconDecoderLayer", decoder_layer, LAYOUTS),
    Case("transformers_FalconModel", model, LAYOUTS),
    Case("transformers_FalconForCausalLM", causal_lm, LAYOUTS),
]
