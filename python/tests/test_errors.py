"""Bad input raises lmp.Error with the CLI's message, file and place; none crashes."""

import json
import os
import signal
import threading

import pytest

import lmp
from conftest import cli_error

LLAMA = "meta-llama/Llama-2-7b-hf"


def python_line(cli_line):
    """The CLI's line as the package words it: options by keyword, not flag."""
    return cli_line.replace("lmp: error: ", "").replace("--batch", "batch").replace("--w-bits", "w_bits")


def test_negative_batch_names_the_option():
    with pytest.raises(lmp.InputError) as e:
        lmp.analyze(LLAMA, batch=-1)
    assert e.value.option == "batch" and e.value.place == "batch" and e.value.file == ""
    assert str(e.value) == python_line(cli_error("analyze", LLAMA, "--batch", "-1"))
    assert str(e.value) == "batch: must be a positive integer, got -1"


def test_wrong_type_is_an_input_error():
    with pytest.raises(lmp.InputError) as e:
        lmp.analyze(LLAMA, batch="8")
    assert e.value.option == "batch"
    assert str(e.value) == "batch: must be an integer, got str '8'"
    with pytest.raises(lmp.InputError, match="must be True or False"):
        lmp.analyze(LLAMA, all_logits=1)
    with pytest.raises(lmp.InputError, match="stage: must be prefill, decode or both, got 'both '"):
        lmp.analyze(LLAMA, stage="both ")


def test_unknown_model_is_a_model_error():
    with pytest.raises(lmp.ModelError) as e:
        lmp.analyze("Llama-2-7b-hff")
    assert str(e.value) == cli_error("analyze", "Llama-2-7b-hff").replace("lmp: error: ", "")
    assert "did you mean" in str(e.value)


def test_broken_config_names_file_and_line(tmp_path):
    path = tmp_path / "config.json"
    path.write_text('{"model_type": "llama",\n "hidden_size": }\n')
    with pytest.raises(lmp.ModelError) as e:
        lmp.analyze(str(path))
    assert e.value.file == str(path)
    assert e.value.place == "2:17"
    assert str(e.value) == cli_error("analyze", str(path)).replace("lmp: error: ", "")


def test_zero_heads_in_a_dict_is_an_error_not_a_crash(source_dir):
    with open(os.path.join(source_dir, "data", "configs", "meta-llama--Llama-2-7b-hf.json")) as f:
        config = json.load(f)
    config["num_attention_heads"] = 0
    with pytest.raises(lmp.ModelError) as e:
        lmp.analyze(config)
    assert e.value.file == "<dict>"
    assert e.value.place == "/num_attention_heads"


def test_broken_module_database_is_a_database_error(tmp_path):
    db = tmp_path / "db.json"
    db.write_text('{"schema": "lmp.modules/1", "modules": {"x_Y": {"full_class_name": 7}}}')
    with pytest.raises(lmp.DatabaseError) as e:
        lmp.analyze(LLAMA, db=str(db))
    assert e.value.file == str(db)
    assert str(e.value) == cli_error("analyze", LLAMA, "--db", str(db)).replace("lmp: error: ", "")


def test_unknown_device_and_impossible_layout():
    with pytest.raises(lmp.InputError) as e:
        lmp.generate(LLAMA, hardware="h1000")
    assert e.value.option == "hardware" and "did you mean" in str(e.value)
    with pytest.raises(lmp.Error) as e:
        lmp.analyze(LLAMA, hardware="h100", tp=3)
    assert e.value.option == "tp"


def test_hardware_dict_needs_a_name():
    with pytest.raises(lmp.InputError, match='needs a "name"'):
        lmp.generate(LLAMA, hardware={"vendor": "x"})


def test_deep_and_huge_inputs_do_not_crash(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200000 + "]" * 200000)
    with pytest.raises(lmp.Error):
        lmp.analyze(str(deep))
    with pytest.raises(lmp.InputError, match="64 bits"):
        lmp.analyze(LLAMA, batch=2**70)
    with pytest.raises(lmp.Error):
        lmp.analyze(LLAMA, batch=2**62, seq=2**62)


def test_sweep_errors_name_the_option():
    with pytest.raises(lmp.InputError) as e:
        lmp.sweep(model=LLAMA, hardware="h100", batch=[1, 0])
    assert e.value.option == "batch"
    with pytest.raises(lmp.InputError) as e:
        lmp.sweep(model=LLAMA, hardware="h100", batch=[])
    assert e.value.option == "batch"


def test_keyboard_interrupt_stops_a_long_sweep():
    # SIGINT half a second in: the sweep (millions of scenarios, minutes)
    # must stop with KeyboardInterrupt, not run on.
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            lmp.sweep(model=LLAMA, hardware="all", batch=range(1, 257), prompt=range(1, 2049, 8), gen=[64, 128],
                      jobs=1)
    finally:
        timer.cancel()


def test_mutated_configs_raise_lmp_errors_only(source_dir):
    # Real config.json files with one value replaced by a hostile one: each
    # call either succeeds or raises lmp.Error; nothing else escapes and
    # the interpreter survives (the fuzz targets do the same at scale).
    import random
    rng = random.Random(17)
    hostile = [0, -1, 2**63 - 1, 2**31, 1.5, -0.0, "", "x", None, True, [], {}, [1, 2], 10**30]
    configs = []
    for name in ("meta-llama--Llama-2-7b-hf.json", "mistralai--Mixtral-8x7B-v0.1.json",
                 "deepseek-ai--DeepSeek-V2-Lite.json", "openai-community--gpt2.json", "google--gemma-2-9b.json"):
        with open(os.path.join(source_dir, "data", "configs", name)) as f:
            configs.append(json.load(f))
    outcomes = {"ok": 0, "error": 0}
    for _ in range(300):
        config = dict(rng.choice(configs))
        key = rng.choice(sorted(config))
        config[key] = rng.choice(hostile)
        try:
            lmp.analyze(config, stage=rng.choice(["prefill", "decode"]), batch=rng.choice([1, 7]), seq=128)
            outcomes["ok"] += 1
        except lmp.Error as e:
            assert e.file == "<dict>" or e.option, str(e)
            outcomes["error"] += 1
    assert outcomes["ok"] > 0 and outcomes["error"] > 0


def test_a_sweep_leaves_the_interpreter_free():
    # While a sweep runs on its own thread, this thread keeps running Python:
    # the sweep holds the GIL only to start and to poll for signals.
    result = {}
    worker = threading.Thread(target=lambda: result.update(df=lmp.sweep(
        model=LLAMA, hardware="all", batch=range(1, 129), prompt=range(64, 8192, 64), jobs=1)))
    worker.start()
    spins = 0
    while worker.is_alive():
        spins += 1
    worker.join()
    assert len(result["df"]) > 100000
    assert spins > 10000
