"""lmp's PyTorch trace counter: tools/trace (docs/conventions.md)."""
from .counter import Counter, OpRecord, trace, class_name  # noqa: F401
from .flops import TABLE, FREE_OPS, UnknownOp  # noqa: F401
