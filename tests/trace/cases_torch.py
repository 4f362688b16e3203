"""Cases for data/modules/torch.json."""
import torch
from torch import nn

from cases import Case, SHAPES


def x3(s, width):
    return torch.randn(s["B"], s["S"], width)


def linear(bias):
    def build(s):
        m = nn.Linear(s["hidden"], s["I"], bias=bias)
        return m, (x3(s, s["hidden"]).bfloat16(),), {}, dict(
            N=s["B"] * s["S"], in_features=s["hidden"], out_features=s["I"], bias=int(bias))
    return build


def linear_either(s):
    # Alternate: no bias in the first shape set, a bias in the others.
    return linear(s["S"] != 5)(s)


def embedding(s):
    m = nn.Embedding(s["V"], s["hidden"])
    ids = torch.randint(0, s["V"], (s["B"], s["S"]))
    return m, (ids,), {}, dict(num_indices=s["B"] * s["S"], num_embeddings=s["V"], embedding_dim=s["hidden"])


def elementwise(cls):
    def build(s):
        return cls(), (x3(s, s["I"]).bfloat16(),), {}, dict(num_elements=s["B"] * s["S"] * s["I"])
    return build


def layer_norm(s):
    return nn.LayerNorm(s["hidden"]), (x3(s, s["hidden"]).bfloat16(),), {}, dict(
        num_tokens=s["B"] * s["S"], hidden_size=s["hidden"])


CASES = [
    Case("torch_Linear", linear_either, SHAPES),
    Case("torch_Embedding", embedding, SHAPES),
    Case("torch_SiLU", elementwise(nn.SiLU), SHAPES),
    Case("torch_LayerNorm", layer_norm, SHAPES),
    Case("torch_GELU", elementwise(nn.GELU), SHAPES),
    Case("torch_ReLU", elementwise(nn.ReLU), SHAPES),
]
