"""lmp.sweep's DataFrame has the CLI's CSV columns and values."""

import io
import os
import subprocess
import sys

import pandas as pd
import pytest

import lmp
from conftest import run_cli


def cli_frame(*args):
    # The CSV holds shortest round-trip decimals: read back exactly.
    return pd.read_csv(io.StringIO(run_cli("sweep", *args, "--format", "csv")), float_precision="round_trip")


def same(df, cli):
    assert list(df.columns) == list(cli.columns)
    assert len(df) == len(cli)
    for c in cli.columns:
        mine = df[c].astype(str) if df[c].dtype.name == "category" else df[c]
        assert list(mine) == list(cli[c]), c


def test_sweep_equals_cli_csv():
    df = lmp.sweep(model=["meta-llama/Llama-2-7b-hf", "openai-community/gpt2"], hardware=["h100", "a100-80gb"],
                   batch=[1, 8, 64], prompt=[128, 2048], gen=[64], w_bits=[16, 4])
    cli = cli_frame("--model", "meta-llama/Llama-2-7b-hf,openai-community/gpt2", "--hardware", "h100,a100-80gb",
                    "--batch", "1,8,64", "--prompt", "128,2048", "--gen", "64", "--w-bits", "16,4")
    assert len(df) == 2 * 2 * 3 * 2 * 2
    same(df, cli)


def test_sweep_with_layouts_and_runtime_equals_cli_csv():
    df = lmp.sweep(model="meta-llama/Llama-2-70b-hf", hardware="h100", batch=[1, 32], tp=[2, 4], pp=[1, 2],
                   runtime="serving")
    cli = cli_frame("--model", "meta-llama/Llama-2-70b-hf", "--hardware", "h100", "--batch", "1,32", "--tp", "2,4",
                    "--pp", "1,2", "--runtime", "serving")
    assert {"layout", "gpus", "tokens_per_s_per_gpu"} <= set(df.columns)
    same(df, cli)


def test_sweep_threads_agree():
    kwargs = dict(model="meta-llama/Llama-2-7b-hf", hardware="all", batch=range(1, 65), prompt=[512, 1024])
    one, two = lmp.sweep(jobs=1, **kwargs), lmp.sweep(jobs=2, **kwargs)
    pd.testing.assert_frame_equal(one, two)


def test_roofline_example_writes_a_png(tmp_path, source_dir):
    out = tmp_path / "roofline.png"
    env = dict(os.environ, MPLBACKEND="Agg")
    subprocess.run([sys.executable, os.path.join(source_dir, "examples", "roofline.py"), str(out)], check=True,
                   env=env)
    assert out.stat().st_size > 10000
    import matplotlib.image
    pixels = matplotlib.image.imread(str(out))
    # Not blank: the image has many distinct colours, not one.
    assert pixels.std() > 0.05
    assert len({tuple(p) for p in pixels.reshape(-1, pixels.shape[-1])[::97]}) > 20


@pytest.mark.parametrize("fn", ["analyze", "generate", "fit", "compare", "sweep", "plan", "validate", "models", "hardware",
                                "module_eval"])
def test_every_function_has_a_docstring(fn):
    doc = getattr(lmp, fn).__doc__
    assert doc and len(doc.strip().splitlines()) >= 2
