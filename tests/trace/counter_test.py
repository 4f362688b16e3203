"""The trace counter's FLOP table and byte rules on single ops, against
hand-derived figures (docs/conventions.md)."""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "tools", "trace"))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

import lmp_trace  # noqa: E402
from lmp_trace.poly import Poly  # noqa: E402


class Fn(nn.Module):
    def __init__(self, fn, *params):
        super().__init__()
        self.fn = fn
        self.p = nn.ParameterList([nn.Parameter(p) for p in params])

    def forward(self, *args):
        return self.fn(*args, *self.p)


def ops(fn, *args, params=()):
    c = lmp_trace.trace(Fn(fn, *params), *args)
    return [(r.op, r.kind, r.flops, r.reads_weights, r.reads_activations, r.writes) for r in c.records], c.unknown


def bf16(*shape):
    return torch.randn(*shape).bfloat16()


class CounterTest(unittest.TestCase):
    def test_linear_is_one_gemm_with_weights_read_once(self):
        # [M=6, K=8] x [8, N=5]: 2*M*N*K FLOPs, plus M*N for the bias.
        got, _ = ops(lambda x, w, b: F.linear(x, w, b), bf16(2, 3, 8), params=(bf16(5, 8), bf16(5)))
        self.assertEqual(got, [("aten.addmm", "matmul", 2 * 6 * 5 * 8 + 6 * 5, (40 + 5) * 2, 6 * 8 * 2, 6 * 5 * 2)])

    def test_bmm_and_views_are_free(self):
        got, _ = ops(lambda a, b: torch.matmul(a, b.transpose(-1, -2)), bf16(4, 3, 7), bf16(4, 5, 7))
        self.assertEqual(got, [("aten.bmm", "matmul", 2 * 4 * 3 * 5 * 7, 0, (84 + 140) * 2, 60 * 2)])

    def test_elementwise_reductions_softmax(self):
        x = torch.randn(3, 10)
        self.assertEqual(ops(lambda t: t * 2.0, x)[0], [("aten.mul", "elementwise", 30, 0, 120, 120)])
        # mean: a sum per element and a division per row.
        self.assertEqual(ops(lambda t: t.mean(-1), x)[0], [("aten.mean", "reduction", 30 + 3, 0, 120, 12)])
        self.assertEqual(ops(lambda t: torch.softmax(t, -1), x)[0], [("aten._softmax", "softmax", 150, 0, 120, 120)])
        self.assertEqual(ops(F.silu, x)[0], [("aten.silu", "elementwise", 120, 0, 120, 120)])
        self.assertEqual(ops(F.gelu, x)[0], [("aten.gelu", "elementwise", 150, 0, 120, 120)])

    def test_layer_norm_counts_its_output_only(self):
        got, _ = ops(lambda x, w, b: F.layer_norm(x, (8,), w, b), bf16(3, 8), params=(bf16(8), bf16(8)))
        self.assertEqual(got, [("aten.native_layer_norm", "norm", 7 * 24 + 4 * 3, 16 * 2, 24 * 2, 24 * 2)])

    def test_broadcast_input_is_read_once(self):
        # b is [1, 5] broadcast over 4 rows: 5 elements read, not 20.
        got, _ = ops(lambda a, b: a + b, torch.randn(4, 5), torch.randn(1, 5))
        self.assertEqual(got, [("aten.add", "elementwise", 20, 0, (20 + 5) * 4, 80)])
        got, _ = ops(lambda a: a[:, None].expand(3, 4, 5).reshape(12, 5), torch.randn(3, 5))
        self.assertEqual(got, [("aten.clone", "copy", 0, 0, 15 * 4, 60 * 4)])

    def test_gather_reads_indices_and_selected_rows(self):
        got, _ = ops(lambda i, w: F.embedding(i, w), torch.tensor([[1, 2, 3]]), params=(bf16(10, 4),))
        self.assertEqual(got, [("aten.embedding", "gather", 0, 3 * 4 * 2, 3 * 8, 3 * 4 * 2)])

    def test_casts_and_copies(self):
        got, _ = ops(lambda x: x.float(), bf16(6))
        self.assertEqual(got, [("aten._to_copy", "copy", 0, 0, 12, 24)])

    def test_index_add_reads_and_writes_the_rows_it_updates(self):
        got, _ = ops(lambda s, i, src: s.index_add_(0, i, src), torch.zeros(10, 4), torch.tensor([1, 7]),
                     torch.ones(2, 4))
        self.assertEqual(got, [("aten.index_add_", "elementwise", 8, 0, 8 * 4 + 2 * 8 + 8 * 4, 8 * 4)])

    def test_unknown_ops_are_reported_not_counted(self):
        got, unknown = ops(lambda x: torch.cumsum(x, 0), torch.randn(5))
        self.assertEqual([r.op for r in unknown], ["aten.cumsum"])
        self.assertIsNone(got[0][2])

    def test_sdpa_counts_two_matmuls_and_a_softmax(self):
        q = bf16(2, 3, 5, 8)
        fn = getattr(F, "scaled_dot_product_attention", None)
        call = (lambda a, b, c: fn(a, b, c)) if fn else (lambda a, b, c: F._scaled_dot_product_attention(
            a, b, c, None, 0.0, False, False)[0])
        got, _ = ops(call, q, q.clone(), q.clone())
        self.assertEqual(got[-1][1:], ("attention", 4 * 6 * 5 * 5 * 8 + 5 * 6 * 5 * 5, 0, 3 * 240 * 2, 240 * 2))

    def test_poly_formula_text(self):
        a, d = Poly.sym("a"), Poly.sym("d")
        self.assertEqual((2 * a * d + d * Poly.const(1) / 2).formula(), "2 * {a} * {d} + {d} / 2")
        self.assertEqual((a * d - 3).evaluate({"a": 5, "d": 4}), 17)


if __name__ == "__main__":
    unittest.main()
