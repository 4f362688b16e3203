"""LLM-Viewer's per-operation counting formulas, re-derived for a documentation comparison.

This is a documentation aid for docs/comparison-llm-viewer.md, not part of lmp. It is pure
Python 3 standard library and needs no network. It re-states, in our own code, the formulas of
LLM-Viewer (https://github.com/hahnyuan/LLM-Viewer) as described in that document, so that its
per-operation numbers can be evaluated for the Llama-2 configurations without installing it:

* model_analyzer.py at commit 01b269d600a36f674fd0e7952763f1560f39d368, ModelAnalyzer.analyze():
  the linear-layer loop over config.get_linear_layers(); the decode block (qk_matmul, sv_matmul,
  softmax with use_flashattention=False, attn_norm/mlp_norm, attn_add/mlp_add, mlp_act); the
  prefill block (the same names); the total (per-layer results x num_hidden_layers, then the
  config's post_process() layers added once); _analyze_to_results() and get_hardware_info().
* configs/Llama.py (commit 7c82f0afe0c8762f15e1ecfe251a8e6ac558f5fe): get_linear_layers();
  post_process() (the lm_head entry) as stored in configs/Mixtral.py at commit 01b269d, the
  snapshot whose model_analyzer.py calls it (the Llama file of that snapshot is not in our copy).
* hardwares/hardware_params.py at commit f307ca5a1102ddbfdee68cdedcada7d9c76cec2d.
* roofline_model.py, roofline_analyze(): performance = min(peak, intensity * bandwidth) and
  inference_time = OPs / performance, i.e. max(OPs / peak, bytes / bandwidth).

Defaults assumed, as in LLM-Viewer: use_flashattention=False, n_parallel_decode=1,
kv_bit = a_bit. Byte widths are bits / 8. All results here are exact integers for 16-bit widths
(LLM-Viewer computes them in floating point; every value involved is below 2**53, so its floats
are exact too).
"""

from fractions import Fraction

# hardwares/hardware_params.py @ f307ca5: bandwidth in bytes/s, FP16 and INT8 in OP/s (dense:
# the file halves the H100 sparse figures; "nvidia_A100" is commented "use 40G data").
HARDWARE = {
    "nvidia_A100": {"bandwidth": 1555e9, "FP16": 312e12, "INT8": 624e12},
    "nvidia_A100_40G": {"bandwidth": 1555e9, "FP16": 312e12, "INT8": 624e12},
    "nvidia_A100_80G": {"bandwidth": 2039e9, "FP16": 312e12, "INT8": 624e12},
    "nvidia_H100": {"bandwidth": 3072e9, "FP16": 1979e12 / 2, "INT8": 3958e12 / 2},
    "nvidia_H100_SXM": {"bandwidth": 3072e9, "FP16": 1979e12 / 2, "INT8": 3958e12 / 2},
}

# The order in which LLM-Viewer reports the operations of one decoder layer.
LAYER_OPS = [
    "q_proj", "k_proj", "v_proj", "out_proj", "gate_proj", "up_proj", "down_proj",
    "qk_matmul", "sv_matmul", "softmax", "attn_norm", "mlp_norm", "attn_add", "mlp_add",
    "mlp_act",
]
FIELDS = ["OPs", "load_weight", "load_act", "store_act", "load_kv_cache", "store_kv_cache"]


def _entry(OPs=0, load_weight=0, load_act=0, store_act=0, load_kv_cache=0, store_kv_cache=0):
    values = [OPs, load_weight, load_act, store_act, load_kv_cache, store_kv_cache]
    out = {}
    for name, value in zip(FIELDS, values):
        value = Fraction(value)
        assert value.denominator == 1, (name, value)
        out[name] = int(value)
    out["memory_access"] = sum(out[f] for f in FIELDS[1:])
    return out


def linear_layers(cfg):
    """configs/Llama.py get_linear_layers(): name -> (in_channels, out_channels)."""
    h, I = cfg["hidden_size"], cfg["intermediate_size"]
    kv_out = Fraction(h * cfg["num_key_value_heads"], cfg["num_attention_heads"])
    return {
        "q_proj": (h, h), "k_proj": (h, kv_out), "v_proj": (h, kv_out), "out_proj": (h, h),
        "gate_proj": (h, I), "up_proj": (h, I), "down_proj": (I, h),
    }


def analyze(cfg, seqlen, batchsize, w_bit=16, a_bit=16, kv_bit=None):
    """Per-layer and lm_head results for both stages, as ModelAnalyzer.analyze() builds them.

    Returns {"prefill": {name: entry}, "decode": {name: entry}, "num_hidden_layers": L}.
    The per-layer entries are for ONE decoder layer; "lm_head" is counted once.
    """
    if kv_bit is None:
        kv_bit = a_bit
    w, a, kv = Fraction(w_bit, 8), Fraction(a_bit, 8), Fraction(kv_bit, 8)
    B, S = batchsize, seqlen
    h = cfg["hidden_size"]
    H = cfg["num_attention_heads"]
    Hkv = cfg["num_key_value_heads"]
    V = cfg["vocab_size"]
    d = h // H  # head_size = hidden_size // num_attention_heads
    res = {"prefill": {}, "decode": {}}

    # Linear layers: 2 OPs per MAC; k/v outputs go to the KV cache instead of activations.
    for name, (ic, oc) in linear_layers(cfg).items():
        is_kv = name in ("k_proj", "v_proj")
        for stage, n in (("decode", B), ("prefill", B * S)):
            res[stage][name] = _entry(
                OPs=ic * oc * n * 2,
                load_weight=ic * oc * w,
                load_act=ic * n * a,
                store_act=0 if is_kv else oc * n * a,
                store_kv_cache=oc * n * kv if is_kv else 0,
            )

    # Decode: one new token attends `seqlen` cached tokens.
    dec = res["decode"]
    dec["qk_matmul"] = _entry(OPs=S * d * H * B * 2, load_act=d * B * H * a,
                              store_act=S * B * H * a, load_kv_cache=S * d * B * Hkv * kv)
    dec["sv_matmul"] = _entry(OPs=d * S * H * B * 2, load_act=S * B * H * a,
                              store_act=d * B * H * a, load_kv_cache=S * d * B * Hkv * kv)
    dec["softmax"] = _entry(OPs=B * H * S * 5, load_act=B * H * S * a, store_act=B * H * S * a)
    for name in ("attn_norm", "mlp_norm"):  # "sum sub pow sum div mul add": 7 per element
        dec[name] = _entry(OPs=B * h * 7, load_act=B * h * a, store_act=B * h * a)
    for name in ("attn_add", "mlp_add"):  # one input read
        dec[name] = _entry(OPs=B * h, load_act=B * h * a, store_act=B * h * a)
    # mlp_act is sized with hidden_size, not intermediate_size.
    dec["mlp_act"] = _entry(OPs=B * h * 2, load_act=B * h * a * 2, store_act=B * h * a)

    # Prefill: the full S x S score matrix; Q is counted as a KV-cache load with Hkv heads.
    pre = res["prefill"]
    pre["qk_matmul"] = _entry(OPs=S * S * d * H * B * 2, load_act=0,
                              store_act=S * S * B * H * a, load_kv_cache=S * d * B * Hkv * 2 * kv)
    pre["sv_matmul"] = _entry(OPs=S * d * S * H * B * 2, load_act=S * S * B * H * a,
                              store_act=S * d * B * H * a, load_kv_cache=S * d * B * Hkv * kv)
    pre["softmax"] = _entry(OPs=B * H * S * S * 5, load_act=B * H * S * S * a,
                            store_act=B * H * S * S * a)
    for name in ("attn_norm", "mlp_norm"):
        pre[name] = _entry(OPs=B * h * S * 7, load_act=B * h * S * a, store_act=B * h * S * a)
    for name in ("attn_add", "mlp_add"):
        pre[name] = _entry(OPs=B * h * S, load_act=B * h * S * a, store_act=B * h * S * a)
    pre["mlp_act"] = _entry(OPs=B * h * S * 2, load_act=B * h * S * a * 2,
                            store_act=B * h * S * a)

    # post_process(): lm_head, identical in both stages, 1 OP per MAC, activations not x batch.
    for stage in ("prefill", "decode"):
        res[stage]["lm_head"] = _entry(OPs=B * h * V * 1, load_weight=h * V * w,
                                       load_act=h * a, store_act=V * a)

    res["num_hidden_layers"] = cfg["num_hidden_layers"]
    return res


def peak(hw, w_bit=16, a_bit=16, kv_bit=16):
    """get_hardware_info(): INT8 only when every width is <= 8 bits; one peak for every op."""
    if w_bit <= 8 and a_bit <= 8 and kv_bit <= 8:
        return hw["INT8"]
    return hw["FP16"]


def roofline_time(entry, bandwidth, max_ops):
    """roofline_analyze() + _analyze_to_results(): OPs / min(max_ops, intensity * bandwidth)."""
    ops, mem = entry["OPs"], entry["memory_access"]
    return max(ops / max_ops, mem / bandwidth)


def stage_totals(res, stage, bandwidth, max_ops):
    """The total LLM-Viewer reports: per-layer results x num_hidden_layers, plus lm_head."""
    L = res["num_hidden_layers"]
    tot = {f: 0 for f in FIELDS + ["memory_access"]}
    time = 0.0
    for name, entry in res[stage].items():
        mult = 1 if name == "lm_head" else L
        for f in tot:
            tot[f] += entry[f] * mult
        time += roofline_time(entry, bandwidth, max_ops) * mult
    tot["inference_time"] = time
    return tot
