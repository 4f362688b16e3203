"""Cases for data/modules/gemma.json and gemma2.json (reference:
tests/reference/gemma.py)."""
import torch

import gemma
from cases import Case, SHAPES
from cases_llama import attention_params, hidden, mask, model_inputs, position_embeddings, tokens


def rms_norm(s):
    return gemma.GemmaRMSNorm(s["hidden"]), (hidden(s),), {}, dict(tokens(s), hidden_size=s["hidden"])


def model(s):
    m = gemma.GemmaModel(s["V"], s["hidden"], s["H"], s["Hkv"], s["I"], head_dim=s["D"])
    return m, model_inputs(s), {}, dict(tokens(s), hidden_size=s["hidden"])


def gelu_tanh(s):
    x = torch.randn(s["B"], s["S"], s["I"]).bfloat16()
    return gemma.PytorchGELUTanh(), (x,), {}, dict(num_elements=s["B"] * s["S"] * s["I"])


def gemma2_attention(s):
    m = gemma.Gemma2Attention(s["hidden"], s["H"], s["Hkv"], s["D"])
    return m, (hidden(s), position_embeddings(s), mask(s)), {}, attention_params(s)


def gemma2_causal_lm(s):
    m = gemma.Gemma2ForCausalLM(s["V"], s["hidden"], s["H"], s["Hkv"], s["I"], head_dim=s["D"])
    return m, model_inputs(s), {}, dict(num_tokens=s["B"] * s["S"], vocab_size=s["V"])


CASES = [
    Case("transformers_GemmaRMSNorm", rms_norm, SHAPES),
    Case("transformers_GemmaModel", model, SHAPES),
    Case("transformers_PytorchGELUTanh", gelu_tanh, SHAPES),
    Case("transformers_Gemma2Attention", gemma2_attention, SHAPES),
    Case("transformers_Gemma2ForCausalLM", gemma2_causal_lm, SHAPES),
]
