"""Cases for data/modules/llama.json (reference: tests/reference/llama.py)."""
import torch

import llama
from cases import Case, SHAPES, mask, positions, tokens


def attention_params(s):
    return dict(batch_size=s["B"], seq_len=s["S"], kv_len=s["S"], num_heads=s["H"],
                num_kv_heads=s["Hkv"], head_dim=s["D"])


def hidden(s):
    return torch.randn(s["B"], s["S"], s["hidden"]).bfloat16()


def position_embeddings(s):
    rotary = llama.LlamaRotaryEmbedding(s["D"])
    return rotary(hidden(s), positions(s))


def rms_norm(s):
    return llama.LlamaRMSNorm(s["hidden"]), (hidden(s),), {}, dict(tokens(s), hidden_size=s["hidden"])


def rotary(s):
    return llama.LlamaRotaryEmbedding(s["D"]), (hidden(s), positions(s)), {}, dict(tokens(s), head_dim=s["D"])


def attention(impl):
    def build(s):
        m = llama.LlamaAttention(s["hidden"], s["H"], s["Hkv"], s["D"], attn_implementation=impl)
        return m, (hidden(s), position_embeddings(s), mask(s) if impl == "eager" else None), {}, \
            attention_params(s)
    return build


def mlp(s):
    return llama.LlamaMLP(s["hidden"], s["I"]), (hidden(s),), {}, dict(tokens(s), intermediate_size=s["I"])


def decoder_layer(s):
    m = llama.LlamaDecoderLayer(s["hidden"], s["H"], s["Hkv"], s["I"], s["D"])
    return m, (hidden(s), position_embeddings(s), mask(s)), {}, dict(tokens(s), hidden_size=s["hidden"])


def model_inputs(s):
    ids = torch.randint(0, s["V"], (s["B"], s["S"]))
    return ids, positions(s), mask(s)


def model(s):
    m = llama.LlamaModel(s["V"], s["hidden"], s["H"], s["Hkv"], s["I"], head_dim=s["D"])
    return m, model_inputs(s), {}, {}


def causal_lm(s):
    m = llama.LlamaForCausalLM(s["V"], s["hidden"], s["H"], s["Hkv"], s["I"], head_dim=s["D"])
    return m, model_inputs(s), {}, {}


CASES = [
    Case("transformers_LlamaRMSNorm", rms_norm, SHAPES),
    Case("transformers_LlamaRotaryEmbedding", rotary, SHAPES),
    Case("transformers_LlamaAttention", attention("eager"), SHAPES),
    Case("transformers_LlamaSdpaAttention", attention("sdpa"), SHAPES),
    Case("transformers_LlamaMLP", mlp, SHAPES),
    Case("transformers_LlamaDecoderLayer", decoder_layer, SHAPES),
    Case("transformers_LlamaModel", model, SHAPES),
    Case("transformers_LlamaForCausalLM", causal_lm, SHAPES),
]
