#!/usr/bin/env python3
"""Builds the seed corpus and the dictionary of every fuzz target.

Usage: make_seeds.py OUT_DIR
Writes OUT_DIR/TARGET/ (seed inputs) and OUT_DIR/TARGET.dict (libFuzzer
dictionary) for each target of fuzz/. Seeds come from data/ and tests/ (and
../shared/hf-configs when it is there); dictionaries list the JSON keys and
the string values of those seeds, and for formulas the language's tokens.
Generated at each run, so they follow the data without a refresh step.
"""
import glob
import json
import os
import re
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")


def files(*patterns):
    out = []
    for p in patterns:
        out.extend(sorted(glob.glob(os.path.join(ROOT, p)) + glob.glob(os.path.join(SHARED, p))))
    return [f for f in out if os.path.isfile(f)]


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (ValueError, UnicodeDecodeError):
        return None


def keys_and_strings(doc, keys, strings):
    if isinstance(doc, dict):
        for k, v in doc.items():
            keys.add(k)
            keys_and_strings(v, keys, strings)
    elif isinstance(doc, list):
        for v in doc:
            keys_and_strings(v, keys, strings)
    elif isinstance(doc, str) and len(doc) <= 40:
        strings.add(doc)


def formulas(doc, out):
    if isinstance(doc, dict):
        for v in doc.values():
            formulas(v, out)
    elif isinstance(doc, list):
        for v in doc:
            formulas(v, out)
    elif isinstance(doc, str) and "{" in doc:
        out.append(doc)


def dict_line(token):
    escaped = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "\\x%02x" % ord(c)
                      for c in token)
    return '"%s"\n' % escaped


def write_dict(path, tokens):
    with open(path, "w") as f:
        for t in sorted(tokens):
            if t and len(t.encode()) <= 64 and all(ord(c) < 128 for c in t):
                f.write(dict_line(t))


def safetensors(header):
    body = json.dumps(header).encode()
    return struct.pack("<Q", len(body)) + body


def main():
    out = sys.argv[1]
    seeds = {
        "config_fuzz": files("data/configs/*.json", "hf-configs/*.json", "tests/data/config*.json",
                             "tests/data/tiny_config/config.json"),
        "architecture_fuzz": files("data/models/*.json", "tests/data/tiny_model.json",
                                   "tests/data/model_formula_typo.json", "tests/data/unknown_class.json"),
        "module_db_fuzz": files("data/modules/*.json", "tests/data/seed_module_db.json",
                                "tests/data/formula_*.json", "tests/data/cycle.json"),
        "hardware_fuzz": files("data/hardware/*.json", "data/runtimes/*.json", "data/clusters/*.json",
                               "data/parallel/*.json",
                               "tests/data/*hardware*.json"),
    }
    generated = {name: [] for name in ("formula_fuzz", "safetensors_fuzz", "sweep_lists_fuzz",
                                        "agent_answer_fuzz", "cli_fuzz")}
    module_docs = [load(f) for f in files("data/modules/*.json")]
    all_formulas = []
    for doc in module_docs:
        formulas(doc, all_formulas)
    # formula_fuzz: FLOPs formula, callee formula, value of a (three lines).
    # The database's formulas, their parameters renamed to the fuzz module's
    # own ({a}, {b}; the scenario globals stay), calls left out.
    scenario = {"w_bits", "a_bits", "kv_bits", "w_bytes", "a_bytes", "kv_bytes", "w_scale_bytes", "sram_bytes"}
    names = {}

    def rename(m):
        name = m.group(1)
        if name in scenario:
            return m.group(0)
        return names.setdefault(name, "{a}" if len(names) % 2 == 0 else "{b}")
    for i, f in enumerate(sorted(set(all_formulas))):
        if "${" in f:
            continue
        generated["formula_fuzz"].append(re.sub(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", rename, f.replace("\n", " ")) +
                                         "\n{n} * 2\n" + str(7 + i % 5))
    generated["formula_fuzz"].append("${fuzz.Callee}(n = {a} + {b})\n3 * {n}\n2048")
    generated["safetensors_fuzz"] += [
        safetensors({"w": {"dtype": "F16", "shape": [2, 3], "data_offsets": [0, 12]}}) + bytes(12),
        safetensors({"__metadata__": {"format": "pt"},
                     "a": {"dtype": "BF16", "shape": [4], "data_offsets": [0, 8]},
                     "b": {"dtype": "F32", "shape": [1, 2], "data_offsets": [8, 16]}}) + bytes(16),
        safetensors({"x": {"dtype": "F8_E4M3", "shape": [], "data_offsets": [0, 1]}}) + bytes(1),
    ]
    generated["sweep_lists_fuzz"] += ["1,8,64", "128:8192:x2", "1:64:+8", "fits", "!fits", "fused,flash",
                                      "Llama-2-7b-hf,Mistral-7B-v0.1", "1:1000000:+1", "tp=8,pp=2,ep=1,dp=1",
                                      "ep=8", "50ms", "2s", "800us", "0.05"]
    for doc in module_docs:
        for key, entry in list(doc.get("modules", {}).items())[:3]:
            generated["agent_answer_fuzz"].append(
                "Here is the entry:\n```json\n" + json.dumps({key: entry}, indent=1) + "\n```\n")
    generated["agent_answer_fuzz"].append(json.dumps({"my_Block": {
        "full_class_name": "my.nn.Block", "parameters": [{"name": "n", "type": "int"}],
        "parameter_count": 0, "operations": [{"name": "scale", "kind": "elementwise", "flops": "{n}",
                                              "reads": {"activations": "{n} * {a_bytes}"}}]}}))

    # cli_fuzz: argument vectors, one argument per line.
    generated["cli_fuzz"] += ["\n".join(a.split()) for a in [
        "analyze Llama-2-7b-hf --stage decode --kv-len 4096",
        "analyze mistral-7b-v0.1 --batch 4 --seq 512 --profile flash --hardware h100 --format json",
        "analyze gpt2 --w-bits 4 --w-group-size 128 --format csv --top 5 --by kind",
        "generate Llama-2-7b-hf --hardware h100 --prompt 2048 --gen 256 --runtime serving",
        "fit Llama-2-7b-hf --hardware a100-80gb --prompt 2048 --gen 2048",
        "fit Llama-2-7b-hf --hardware h100 --batch 8",
        "compare Llama-2-7b-hf --hardware h100 --a w-bits=16 --b w-bits=4,kv-bits=8",
        "inspect meta-llama/Llama-2-70b-hf",
        "models",
        "module list",
        "module show LlamaAttention",
        "module eval torch.nn.Linear N=2048 in_features=4096 out_features=4096",
        "hardware list",
        "hardware show H100-SXM",
        "runtime show serving",
        "validate --split held_out",
        "--help",
        "--version",
    ]]
    for name, paths in seeds.items():
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        keys, strings = set(), set()
        for i, p in enumerate(paths):
            with open(p, "rb") as src, open(os.path.join(d, "seed%03d" % i), "wb") as dst:
                dst.write(src.read())
            doc = load(p)
            if doc is not None:
                keys_and_strings(doc, keys, strings)
        write_dict(os.path.join(out, name + ".dict"), {'"%s"' % k for k in keys} | strings)
    for name, items in generated.items():
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        for i, item in enumerate(items):
            with open(os.path.join(d, "seed%03d" % i), "wb") as dst:
                dst.write(item if isinstance(item, bytes) else item.encode())
    formula_tokens = {"{", "}", "${", "(", ")", ",", "=", "+", "-", "*", "/", "//", "%", "^", "**",
                      "min(", "max(", "ceil(", "floor(", "ceil_div(", "{a}", "{b}", "{n}", "{a_bytes}",
                      "{w_bytes}", "{kv_bytes}", "{sram_bytes}", "${fuzz.Callee}(n = ", "1e300",
                      "9223372036854775807", "0.5", "-1"}
    write_dict(os.path.join(out, "formula_fuzz.dict"), formula_tokens)
    write_dict(os.path.join(out, "sweep_lists_fuzz.dict"), {":", ",", ":x", ":+", "!", "fits", "tp=", "pp=", "ep=", "dp=", "ms", "us", "s"})
    write_dict(os.path.join(out, "cli_fuzz.dict"),
               {"\n" + w for w in ("analyze", "generate", "fit", "compare", "inspect", "models", "module",
                                   "hardware", "runtime", "validate", "list", "show", "eval", "--batch",
                                   "--seq", "--prompt", "--gen", "--kv-len", "--hardware", "--runtime",
                                   "--profile", "--w-bits", "--a-bits", "--kv-bits", "--w-group-size",
                                   "--compute", "--stage", "--format", "--top", "--by", "--a", "--b",
                                   "--sram-bytes", "--db", "--hardware-file", "--runtime-file", "json",
                                   "csv", "html", "md", "h100", "mi300x", "flash", "eager", "0", "-1",
                                   "Llama-2-7b-hf", "deepseek-ai/DeepSeek-V3", "gpt2", "--help")})
    write_dict(os.path.join(out, "safetensors_fuzz.dict"),
               {'"dtype"', '"shape"', '"data_offsets"', '"__metadata__"', "F16", "BF16", "F32", "I64",
                "F8_E4M3", "U8"})
    keys, strings = set(), set()
    for doc in module_docs:
        keys_and_strings(doc, keys, strings)
    write_dict(os.path.join(out, "agent_answer_fuzz.dict"), {'"%s"' % k for k in keys} | {"```json", "```"})


if __name__ == "__main__":
    main()
