"""Cases for data/modules/opt.json (reference: tests/reference/opt.py).
OPT's width is num_heads * head_dim."""
import torch

import opt
from cases import Case, SHAPES, mask, positions, tokens, width


def hidden(s):
    return torch.randn(s["B"], s["S"], width(s)).bfloat16()


def positional_embedding(s):
    m = opt.OPTLearnedPositionalEmbedding(s["V"], width(s))
    return m, (torch.ones(s["B"], s["S"], dtype=torch.long), 0, positions(s)), {}, dict(
        num_indices=s["B"] * s["S"], num_embeddings=s["V"] + 2, embedding_dim=width(s))


def attention(s):
    m = opt.OPTAttention(width(s), s["H"])
    return m, (hidden(s), mask(s)), {}, dict(batch_size=s["B"], seq_len=s["S"], kv_len=s["S"],
                                             num_heads=s["H"], num_kv_heads=s["H"], head_dim=s["D"])


def decoder_layer(s):
    m = opt.OPTDecoderLayer(width(s), s["H"], s["I"])
    return m, (hidden(s), mask(s)), {}, dict(tokens(s), hidden_size=width(s))


def model_inputs(s):
    return torch.randint(0, s["V"], (s["B"], s["S"])), positions(s), mask(s)


def decoder(s):
    m = opt.OPTDecoder(s["V"], width(s), s["H"], s["I"])
    return m, model_inputs(s), {}, dict(tokens(s), hidden_size=width(s))


def model(s):
    return opt.OPTModel(s["V"], width(s), s["H"], s["I"]), model_inputs(s), {}, {}


def causal_lm(s):
    return opt.OPTForCausalLM(s["V"], width(s), s["H"], s["I"]), model_inputs(s), {}, {}


CASES = [
    Case("transformers_OPTLearnedPositionalEmbedding", positional_embedding, SHAPES),
    Case("transformers_OPTAttention", attention, SHAPES),
    Case("transformers_OPTDecoderLayer", decoder_layer, SHAPES),
    Case("transformers_OPTDecoder", decoder, SHAPES),
    Case("transformers_OPTModel", model, SHAPES),
    Case("transformers_OPTForCausalLM", causal_lm, SHAPES),
]
