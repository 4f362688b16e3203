"""Cases for data/modules/gpt2.json and transformers.json (reference:
tests/reference/gpt2.py). GPT-2's width is num_heads * head_dim."""
import torch

import gpt2
from cases import Case, SHAPES, mask, tokens, width


def hidden(s, w=None):
    return torch.randn(s["B"], s["S"], w or width(s)).bfloat16()


def conv1d(s):
    m = gpt2.Conv1D(s["I"], s["hidden"])
    return m, (hidden(s, s["hidden"]),), {}, dict(N=s["B"] * s["S"], nx=s["hidden"], nf=s["I"])


def new_gelu(s):
    return gpt2.NewGELUActivation(), (hidden(s, s["I"]),), {}, dict(num_elements=s["B"] * s["S"] * s["I"])


def attention(s):
    m = gpt2.GPT2Attention(width(s), s["H"])
    return m, (hidden(s), mask(s)), {}, dict(batch_size=s["B"], seq_len=s["S"], kv_len=s["S"],
                                             num_heads=s["H"], num_kv_heads=s["H"], head_dim=s["D"])


def mlp(s):
    return gpt2.GPT2MLP(s["I"], width(s)), (hidden(s),), {}, {}


def block(s):
    m = gpt2.GPT2Block(width(s), s["H"], s["I"])
    return m, (hidden(s), mask(s)), {}, dict(tokens(s), hidden_size=width(s))


def model_inputs(s):
    ids = torch.randint(0, s["V"], (s["B"], s["S"]))
    positions = torch.arange(s["S"])[None].expand(s["B"], s["S"])
    return ids, positions, mask(s)


def model(s):
    m = gpt2.GPT2Model(s["V"], width(s), s["H"], s["I"])
    return m, model_inputs(s), {}, dict(tokens(s), hidden_size=width(s))


def lm_head_model(s):
    m = gpt2.GPT2LMHeadModel(s["V"], width(s), s["H"], s["I"])
    return m, model_inputs(s), {}, {}


CASES = [
    Case("transformers_Conv1D", conv1d, SHAPES),
    Case("transformers_NewGELUActivation", new_gelu, SHAPES),
    Case("transformers_GPT2Attention", attention, SHAPES),
    Case("transformers_GPT2MLP", mlp, SHAPES),
    Case("transformers_GPT2Block", block, SHAPES),
    Case("transformers_GPT2Model", model, SHAPES),
    Case("transformers_GPT2LMHeadModel", lm_head_model, SHAPES),
]
