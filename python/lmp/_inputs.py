"""How the package's arguments become the options of the C++ core."""

import json
import os

from ._errors import InputError


def model_options(model, options):
    """The model as the core takes it: a name (catalog id or path) and, for a
    dict, the document's text. Returns the name."""
    if isinstance(model, dict):
        options["model_text"] = json.dumps(model)
        return "<dict>"
    if isinstance(model, os.PathLike):
        return os.fspath(model)
    if isinstance(model, str):
        if not model:
            raise InputError("model: is empty; give a catalog id (lmp.models()), a config.json, a model "
                             "directory, an architecture JSON or a dict", place="model", option="model")
        return model
    raise InputError("model: must be a catalog id, a path or a dict, got " + type(model).__name__,
                     place="model", option="model")


def hardware_options(hardware, options):
    """A device name, or a device dict (one entry of a lmp.hardware/1 file)."""
    if hardware is None:
        return
    if isinstance(hardware, dict):
        name = hardware.get("name")
        if not isinstance(name, str) or not name:
            raise InputError("hardware: a device dict needs a \"name\" (see lmp.hardware('h100') for one)",
                             place="hardware", option="hardware")
        options["hardware_text"] = json.dumps({"schema": "lmp.hardware/1", "devices": [hardware]})
        options["hardware"] = name
        return
    options["hardware"] = hardware


def paths(value):
    """A path or a list of paths, as strings."""
    if value is None:
        return None
    if isinstance(value, (str, os.PathLike)):
        return [os.fspath(value)]
    return [os.fspath(v) for v in value]


def given(**kwargs):
    """The keyword arguments that were given (not None)."""
    return {k: v for k, v in kwargs.items() if v is not None}


def prompt_of(prompt, seq):
    if prompt is not None and seq is not None:
        raise InputError("seq: is another name for prompt; give one of them", place="seq", option="seq")
    return prompt if prompt is not None else seq
