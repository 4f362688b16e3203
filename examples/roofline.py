"""Plots Llama-2-7B's prefill and decode operations on the H100's roofline.

    python3 examples/roofline.py [OUT.png]     (default: roofline.png)

Needs the lmp package (PYTHONPATH=build/python after the build, or
`pip install ./python`) and matplotlib.
"""

import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import lmp  # noqa: E402

out = sys.argv[1] if len(sys.argv) > 1 else "roofline.png"
a = lmp.analyze("meta-llama/Llama-2-7b-hf", batch=8, seq=1024, hardware="h100")
fig, ax = plt.subplots(figsize=(8, 5))
a.plot_roofline(ax=ax)
fig.tight_layout()
fig.savefig(out, dpi=120)
print("wrote", out)
