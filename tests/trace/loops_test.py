"""Loop folding in `lmp module trace` (tools/trace/lmp_trace/loops.py), in
process, on small modules whose summed figures are derived by hand."""
import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "tools", "trace"))

import torch  # noqa: E402
from torch import nn  # noqa: E402

from lmp_trace.derive import DeriveError, derive  # noqa: E402


class Stack(nn.Module):
    """Three Linear layers with a ReLU after each: a loop of constant trips."""

    def __init__(self, width):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(width, width) for _ in range(3)])

    def forward(self, x):
        for layer in self.layers:
            x = torch.relu(layer(x))
        return x


class Routed(nn.Module):
    """Top-1 routing with the expert index passed to eq as an integer: an
    argument that differs between iterations but is in no figure."""

    def __init__(self, width, num_experts):
        super().__init__()
        self.gate = nn.Linear(width, num_experts, bias=False)
        self.experts = nn.ModuleList([nn.Linear(width, width, bias=False) for _ in range(num_experts)])

    def forward(self, x):
        x = x.view(-1, x.shape[-1])
        _, choice = torch.topk(self.gate(x), 1, dim=-1)
        out = torch.zeros_like(x)
        for e, expert in enumerate(self.experts):
            rows = torch.where(choice == e)[0]
            out.index_add_(0, rows, self.combine(expert(x[rows]), e))
        return out

    def combine(self, y, expert_index):
        return y


class Ranked(Routed):
    """Per expert, also the top 1 or 2 values (by its index) of each row it
    selects: an output width that differs between iterations and is no
    multiple of the rows, in a figure, which no sum can fold."""

    def combine(self, y, expert_index):
        values, _ = torch.topk(y, expert_index % 2 + 1, dim=-1)
        return y * values.sum(-1, keepdim=True)


class Squares(Routed):
    """Per expert, also the [n_j, n_j] Gram matrix of the rows it selects: a
    figure quadratic in the data-dependent count, which no sum can fold."""

    def combine(self, y, expert_index):
        return (y @ y.T) @ y


def config(tmp, sizes, init, width_expr):
    path = os.path.join(tmp, "config.json")
    with open(path, "w") as f:
        json.dump({"schema": "lmp.trace-config/1",
                   "sizes": {s: {"description": s} for s in sizes},
                   "init": init,
                   "inputs": [{"randn": ["{batch_size}", "{seq_len}", width_expr]}]}, f)
    return path


class LoopsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def test_a_constant_loop_sums_its_body(self):
        path = config(self.tmp.name, ["batch_size", "seq_len", "width"], {"width": "{width}"}, "{width}")
        doc = derive(f"{__name__}.Stack", path, sub_layers=["layers"])
        (entry,) = doc["modules"].values()
        ops = {op["name"]: op for op in entry["operations"]}
        # One ReLU per layer, summed: 3 passes over B*S*W elements.
        self.assertEqual(list(ops), ["relu"])
        self.assertEqual(ops["relu"]["flops"], "3 * {batch_size} * {seq_len} * {width}")
        self.assertEqual(ops["relu"]["reads"]["activations"], "3 * {a_bytes} * {batch_size} * {seq_len} * {width}")
        self.assertEqual(entry["parameter_count"], 0)
        # Inline, the layers' addmm's fold too and their parameters count 3 times.
        doc = derive(f"{__name__}.Stack", path)
        (entry,) = doc["modules"].values()
        ops = {op["name"]: op for op in entry["operations"]}
        self.assertEqual(list(ops), ["layers_addmm", "relu"])
        self.assertEqual(ops["layers_addmm"]["flops"],
                         "3 * {batch_size} * {seq_len} * {width} + 6 * {batch_size} * {seq_len} * {width} * {width}")
        # Weights: the matrices at {w_bytes}, the bias vectors at {a_bytes}.
        self.assertEqual(ops["layers_addmm"]["reads"]["weights"],
                         "3 * {a_bytes} * {width} + 3 * {w_bytes} * {width} * {width}")
        self.assertEqual(entry["parameter_count"], "3 * {width} + 3 * {width} * {width}")

    def routed_config(self):
        return config(self.tmp.name, ["batch_size", "seq_len", "width", "num_experts"],
                      {"width": "{width}", "num_experts": "{num_experts}"}, "{width}")

    def test_a_routed_loop_sums_to_tokens(self):
        doc = derive(f"{__name__}.Routed", self.routed_config(), sub_layers=["gate", "experts"])
        (entry,) = doc["modules"].values()
        ops = {op["name"]: op for op in entry["operations"]}
        self.assertEqual(list(ops), ["topk", "zeros_like", "eq", "nonzero", "index", "index_add"])
        # eq runs once per expert over all tokens; the gathers and
        # index_add_ over the rows each expert got, B*S in all.
        self.assertEqual(ops["eq"]["flops"], "{batch_size} * {num_experts} * {seq_len}")
        self.assertEqual(ops["nonzero"]["writes"]["activations"], "16 * {batch_size} * {seq_len}")
        self.assertEqual(ops["index_add"]["flops"], "{batch_size} * {seq_len} * {width}")
        self.assertEqual(ops["index"]["reads"]["activations"],
                         "{a_bytes} * {batch_size} * {seq_len} * {width} + 8 * {batch_size} * {seq_len}")

    def test_a_figure_with_a_size_no_multiple_of_the_rows_is_refused(self):
        with self.assertRaises(DeriveError) as e:
            derive(f"{__name__}.Ranked", self.routed_config(), sub_layers=["gate", "experts"])
        self.assertIn("aten.topk in the loop over experts has sizes that differ between iterations and are not "
                      "multiples of the rows each selects", str(e.exception))

    def test_a_figure_quadratic_in_the_routed_rows_is_refused(self):
        with self.assertRaises(DeriveError) as e:
            derive(f"{__name__}.Squares", self.routed_config(), sub_layers=["gate", "experts"])
        self.assertIn("in the loop over experts grows faster than linearly in the rows an iteration selects",
                      str(e.exception))


if __name__ == "__main__":
    unittest.main()
