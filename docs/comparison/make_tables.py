"""Regenerates the tables of docs/comparison-llm-viewer.md (a documentation aid, not part of lmp).

    python3 docs/comparison/make_tables.py --lmp build/lmp              # print the tables
    python3 docs/comparison/make_tables.py --lmp build/lmp --update docs/comparison-llm-viewer.md

--update replaces the text between the GENERATED markers of the document. lmp's figures come
from `lmp analyze MODEL --batch 1 --seq 2048 --stage STAGE --hardware DEVICE --format json`
(decode uses the default kv_len = --seq); LLM-Viewer's from llm_viewer_formulas.py. Pure Python 3
standard library; the model configs are read from data/models/*.json (config.json verbatim).
"""

import argparse
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import llm_viewer_formulas as lv  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
MODELS = ["meta-llama/Llama-2-7b-hf", "meta-llama/Llama-2-13b-hf", "meta-llama/Llama-2-70b-hf"]
SEQ, BATCH = 2048, 1
# (our device, LLM-Viewer's device); the first two get per-operation tables.
DEVICES = [("A100-40GB-SXM", "nvidia_A100"), ("H100-SXM", "nvidia_H100"),
           ("A100-80GB-SXM", "nvidia_A100_80G")]
TABLE_DEVICES = DEVICES[:2]
BEGIN = "<!-- BEGIN GENERATED TABLES (docs/comparison/make_tables.py) -->"
END = "<!-- END GENERATED TABLES -->"

# One decoder layer, in execution order: (lmp layer suffix and op list, LLM-Viewer name or None).
LAYER_ROWS = [
    ("input_layernorm", [("model.layers.input_layernorm", "rms_norm")], "attn_norm"),
    ("q_proj", [("model.layers.self_attn.q_proj", "linear")], "q_proj"),
    ("k_proj", [("model.layers.self_attn.k_proj", "linear")], "k_proj"),
    ("v_proj", [("model.layers.self_attn.v_proj", "linear")], "v_proj"),
    ("rope_q", [("model.layers.self_attn", "rope_q")], None),
    ("rope_k", [("model.layers.self_attn", "rope_k")], None),
    ("qk_matmul", [("model.layers.self_attn", "qk_matmul")], "qk_matmul"),
    ("softmax", [("model.layers.self_attn", "softmax")], "softmax"),
    ("sv_matmul", [("model.layers.self_attn", "sv_matmul")], "sv_matmul"),
    ("o_proj", [("model.layers.self_attn.o_proj", "linear")], "out_proj"),
    ("attn_residual_add", [("model.layers", "attn_residual_add")], "attn_add"),
    ("post_attention_layernorm", [("model.layers.post_attention_layernorm", "rms_norm")],
     "mlp_norm"),
    ("gate_proj", [("model.layers.mlp.gate_proj", "linear")], "gate_proj"),
    ("up_proj", [("model.layers.mlp.up_proj", "linear")], "up_proj"),
    ("act_fn + act_mul", [("model.layers.mlp.act_fn", "silu"), ("model.layers.mlp", "act_mul")],
     "mlp_act"),
    ("down_proj", [("model.layers.mlp.down_proj", "linear")], "down_proj"),
    ("mlp_residual_add", [("model.layers", "mlp_residual_add")], "mlp_add"),
]
# Counted once per step.
MODEL_ROWS = [
    ("embed_tokens", [("model.embed_tokens", "embedding")], None),
    ("rotary_emb", [("model.rotary_emb", "cos_sin")], None),
    ("norm (final)", [("model.norm", "rms_norm")], None),
    ("lm_head", [("lm_head", "linear")], "lm_head"),
]


def run_lmp(lmp, model, stage, device):
    cmd = [lmp, "analyze", model, "--batch", str(BATCH), "--seq", str(SEQ), "--stage", stage,
           "--hardware", device, "--format", "json"]
    doc = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    return doc


def our_bytes(op):
    return sum(op["reads"].values()) + sum(op["writes"].values())


def fmt_int(n):
    return f"{n:,}"


def fmt_us(seconds):
    us = seconds * 1e6
    if us >= 100:
        return f"{us:,.1f}"
    if us >= 1:
        return f"{us:.3f}"
    return f"{us:.4f}"


def fmt_ms(seconds):
    return f"{seconds * 1e3:,.3f}"


def short(model):
    return model.split("/")[1].replace("-hf", "")


class Stage:
    """lmp's and LLM-Viewer's figures for one model and stage, on every device."""

    def __init__(self, lmp, model, stage, cfg):
        self.model, self.stage, self.cfg = model, stage, cfg
        self.ours = {dev: run_lmp(lmp, model, stage, dev) for dev, _ in DEVICES}
        self.lv = lv.analyze(cfg, SEQ, BATCH)
        first = self.ours[DEVICES[0][0]]["stages"][stage]
        self.ops = {(o["layer"], o["op"]): o for o in first["operations"]}
        self.totals = first["totals"]
        used = [k for _, keys, _ in LAYER_ROWS + MODEL_ROWS for k in keys]
        assert sorted(used) == sorted(self.ops), "row mapping does not cover lmp's operations"
        assert self.ops[("model.layers", "attn_residual_add")]["count"] == \
            cfg["num_hidden_layers"]

    def op_time(self, dev, key):
        for o in self.ours[dev]["stages"][self.stage]["operations"]:
            if (o["layer"], o["op"]) == key:
                return o["time_s"], o["bound"]
        raise KeyError(key)

    def hw(self, dev):
        return self.ours[dev]["hardware"]

    def lv_on(self, lv_dev):
        h = lv.HARDWARE[lv_dev]
        return h["bandwidth"], lv.peak(h)

    def lv_on_ours(self, dev):
        """LLM-Viewer's counts and roofline rule on our figures: one peak (tensor fp16)."""
        h = self.hw(dev)
        return h["dram_bandwidth_bytes_per_s"], h["peak_by_kind"]["matmul"]["flops_per_s"]

    # --- per-row figures -------------------------------------------------------------------
    def ours_row(self, keys):
        flops = sum(self.ops[k]["flops"] for k in keys)
        byts = sum(our_bytes(self.ops[k]) for k in keys)
        return flops, byts

    def ours_row_time(self, dev, keys):
        t, bounds = 0.0, set()
        for k in keys:
            ti, b = self.op_time(dev, k)
            t += ti
            bounds.add(b)
        return t, ("c" if bounds == {"compute"} else "")

    def lv_row(self, name):
        e = self.lv[self.stage][name]
        return e["OPs"], e["memory_access"]

    def lv_row_time(self, name, bw, pk):
        e = self.lv[self.stage][name]
        t = lv.roofline_time(e, bw, pk)
        return t, ("c" if e["OPs"] / pk > e["memory_access"] / bw else "")

    def lv_total(self, bw, pk):
        return lv.stage_totals(self.lv, self.stage, bw, pk)


def counts_table(st):
    L = st.cfg["num_hidden_layers"]
    out = ["| lmp operation | LLM-Viewer | FLOPs lmp | OPs LLM-Viewer | bytes lmp | bytes LLM-Viewer |",
           "|---|---|--:|--:|--:|--:|"]
    lf = lb = vf = vb = 0
    for label, keys, lvname in LAYER_ROWS:
        f, b = st.ours_row(keys)
        lf, lb = lf + f, lb + b
        if lvname:
            F, Bt = st.lv_row(lvname)
            vf, vb = vf + F, vb + Bt
            out.append(f"| {label} | {lvname} | {fmt_int(f)} | {fmt_int(F)} | {fmt_int(b)} | "
                       f"{fmt_int(Bt)} |")
        else:
            out.append(f"| {label} | — | {fmt_int(f)} | — | {fmt_int(b)} | — |")
    out.append(f"| **one decoder layer** | | **{fmt_int(lf)}** | **{fmt_int(vf)}** | "
               f"**{fmt_int(lb)}** | **{fmt_int(vb)}** |")
    out.append(f"| **x {L} layers** | | {fmt_int(lf * L)} | {fmt_int(vf * L)} | "
               f"{fmt_int(lb * L)} | {fmt_int(vb * L)} |")
    for label, keys, lvname in MODEL_ROWS:
        f, b = st.ours_row(keys)
        if lvname:
            F, Bt = st.lv_row(lvname)
            out.append(f"| {label} | {lvname} | {fmt_int(f)} | {fmt_int(F)} | {fmt_int(b)} | "
                       f"{fmt_int(Bt)} |")
        else:
            out.append(f"| {label} | — | {fmt_int(f)} | — | {fmt_int(b)} | — |")
    t = st.totals
    tb = sum(t["reads"].values()) + sum(t["writes"].values())
    vt = lv.stage_totals(st.lv, st.stage, 1.0, 1.0)
    out.append(f"| **stage total** | | **{fmt_int(t['flops'])}** | **{fmt_int(vt['OPs'])}** | "
               f"**{fmt_int(tb)}** | **{fmt_int(vt['memory_access'])}** |")
    return "\n".join(out)


def time_table(st):
    L = st.cfg["num_hidden_layers"]
    (d1, v1), (d2, v2) = TABLE_DEVICES
    hdr = (f"| lmp operation | {d1} lmp | {v1} LLM-Viewer | {d2} lmp | {v2} LLM-Viewer | "
           f"LLM-Viewer on our {d2} figures |")
    out = [hdr, "|---|--:|--:|--:|--:|--:|"]
    cols = [("ours", d1), ("lv", st.lv_on(v1)), ("ours", d2), ("lv", st.lv_on(v2)),
            ("lv", st.lv_on_ours(d2))]
    layer_sum = [0.0] * len(cols)

    def cells(keys, lvname, acc):
        row = []
        for i, (kind, arg) in enumerate(cols):
            if kind == "ours":
                t, mark = st.ours_row_time(arg, keys)
            elif lvname is None:
                row.append("—")
                continue
            else:
                t, mark = st.lv_row_time(lvname, *arg)
            if acc is not None:
                acc[i] += t
            row.append(fmt_us(t) + (" c" if mark else ""))
        return row

    for label, keys, lvname in LAYER_ROWS:
        out.append(f"| {label} | " + " | ".join(cells(keys, lvname, layer_sum)) + " |")
    out.append("| **one decoder layer** | " + " | ".join(f"**{fmt_us(t)}**" for t in layer_sum)
               + " |")
    out.append(f"| **x {L} layers** | " + " | ".join(fmt_us(t * L) for t in layer_sum) + " |")
    for label, keys, lvname in MODEL_ROWS:
        out.append(f"| {label} | " + " | ".join(cells(keys, lvname, None)) + " |")
    tot = []
    for kind, arg in cols:
        if kind == "ours":
            tot.append(st.ours[arg]["stages"][st.stage]["totals"]["time_s"])
        else:
            tot.append(st.lv_total(*arg)["inference_time"])
    out.append("| **stage total (ms)** | " + " | ".join(f"**{fmt_ms(t)}**" for t in tot) + " |")
    return "\n".join(out)


def summary_table(stages):
    out = ["| model | stage | device (lmp / LLM-Viewer) | lmp (ms) | LLM-Viewer (ms) | "
           "LLM-Viewer on our figures (ms) | LLM-Viewer / lmp |",
           "|---|---|---|--:|--:|--:|--:|"]
    for st in stages:
        for dev, lvdev in DEVICES:
            ours = st.ours[dev]["stages"][st.stage]["totals"]["time_s"]
            theirs = st.lv_total(*st.lv_on(lvdev))["inference_time"]
            on_ours = st.lv_total(*st.lv_on_ours(dev))["inference_time"]
            out.append(f"| {short(st.model)} | {st.stage} | {dev} / {lvdev} | {fmt_ms(ours)} | "
                       f"{fmt_ms(theirs)} | {fmt_ms(on_ours)} | {theirs / ours:.3f} |")
    return "\n".join(out)


GAP_GROUPS = [
    ("RoPE (rope_q + rope_k)", ["rope_q", "rope_k"]),
    ("residual adds", ["attn_residual_add", "mlp_residual_add"]),
    ("MLP activation", ["act_fn + act_mul"]),
    ("qk_matmul", ["qk_matmul"]),
    ("RMSNorms in the layers", ["input_layernorm", "post_attention_layernorm"]),
    ("embed_tokens + rotary_emb + final norm", ["embed_tokens", "rotary_emb", "norm (final)"]),
]


def gap_table(stages):
    """lmp time minus LLM-Viewer time on identical hardware figures (A100-40GB), by cause."""
    dev, lvdev = DEVICES[0]
    hdr = "| model | stage | lmp − LLM-Viewer (ms) | " + " | ".join(g for g, _ in GAP_GROUPS) + " |"
    out = [hdr, "|---|---|--:|" + "--:|" * len(GAP_GROUPS)]
    for st in stages:
        bw, pk = st.lv_on(lvdev)
        L = st.cfg["num_hidden_layers"]
        per = {}
        for rows, mult in ((LAYER_ROWS, L), (MODEL_ROWS, 1)):
            for label, keys, lvname in rows:
                t_ours, _ = st.ours_row_time(dev, keys)
                t_lv = st.lv_row_time(lvname, bw, pk)[0] if lvname else 0.0
                per[label] = (t_ours - t_lv) * mult
        total = (st.ours[dev]["stages"][st.stage]["totals"]["time_s"]
                 - st.lv_total(bw, pk)["inference_time"])
        cells, grouped = [], 0.0
        for _, labels in GAP_GROUPS:
            v = sum(per[l] for l in labels)
            grouped += v
            cells.append(f"{v * 1e3:.3f}")
        # Every other row takes the same time in both tools on identical figures.
        assert abs(total - grouped) < 1e-9, (st.model, st.stage, total - grouped)
        out.append(f"| {short(st.model)} | {st.stage} | {total * 1e3:.3f} | " + " | ".join(cells)
                   + " |")
    return "\n".join(out)


def hardware_table(stages):
    st = stages[0]
    out = ["| lmp device | its DRAM B/s | tensor fp16 FLOP/s | vector fp16 FLOP/s | "
           "LLM-Viewer device | its bandwidth B/s | its FP16 OP/s (every op) |",
           "|---|--:|--:|--:|---|--:|--:|"]
    for dev, lvdev in DEVICES:
        h = st.hw(dev)
        pk = h["peak_by_kind"]
        vec = pk.get("elementwise", {}).get("flops_per_s")
        bw, p = st.lv_on(lvdev)
        out.append(f"| {dev} | {h['dram_bandwidth_bytes_per_s']:.4g} | "
                   f"{pk['matmul']['flops_per_s']:.4g} | {vec:.4g} | {lvdev} | {bw:.4g} | "
                   f"{p:.5g} |")
    return "\n".join(out)


def generate(lmp):
    stages = []
    for model in MODELS:
        path = os.path.join(REPO, "data", "models", model.replace("/", "--") + ".json")
        with open(path) as f:
            cfg = json.load(f)["config"]
        for stage in ("prefill", "decode"):
            stages.append(Stage(lmp, model, stage, cfg))
    parts = [BEGIN, "",
             "### Totals", "",
             "Whole-model time of one stage (prefill of 2048 tokens; one decode step at a "
             "2048-token context), batch 1, FP16.", "",
             summary_table(stages), "",
             "Where the difference comes from, on identical hardware figures (A100-40GB-SXM and "
             "`nvidia_A100` have the same bandwidth and peak): lmp's time minus LLM-Viewer's, "
             "summed over the model, in ms.", "",
             gap_table(stages), "",
             "### Hardware figures used", "",
             hardware_table(stages), ""]
    for st in stages:
        kv = st.ours[DEVICES[0][0]]["stages"][st.stage]["kv_len"]
        sq = st.ours[DEVICES[0][0]]["stages"][st.stage]["seq_len"]
        parts += [f"### {short(st.model)}, {st.stage} (seq_len {sq}, kv_len {kv})", "",
                  "Counts per instance (one decoder layer, or once for the model-level rows).",
                  "", counts_table(st), "",
                  "Roofline time per instance in µs (` c` = compute-bound; otherwise "
                  "memory-bound); the stage total in ms.", "",
                  time_table(st), ""]
    parts.append(END)
    return "\n".join(parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lmp", default=os.path.join(REPO, "build", "lmp"), help="lmp binary")
    ap.add_argument("--update", metavar="DOC", help="rewrite the generated part of DOC")
    args = ap.parse_args()
    text = generate(args.lmp)
    if not args.update:
        print(text)
        return
    with open(args.update) as f:
        doc = f.read()
    pat = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pat.search(doc):
        sys.exit(f"{args.update}: no generated-tables markers")
    with open(args.update, "w") as f:
        f.write(pat.sub(lambda _: text, doc))


if __name__ == "__main__":
    main()
