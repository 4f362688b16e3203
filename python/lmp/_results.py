"""The result objects of lmp.analyze and lmp.generate."""

import html as _html


def _iframe(page):
    # The report is a whole page with its own styles: an iframe keeps them
    # from leaking into the notebook.
    return ('<iframe srcdoc="{}" style="width:100%;height:640px;border:0"></iframe>'
            .format(_html.escape(page, quote=True)))


def _flatten(prefix, value, row):
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(prefix + k + "_", v, row)
    else:
        row[prefix[:-1]] = value


class Analysis:
    """One analysis: every operation of the model's prefill and/or decode step.

    ``to_dict()`` is the document ``lmp analyze --format json`` prints
    (schema ``lmp.analysis/1``, docs/json-output.md).
    """

    def __init__(self, handle):
        self._handle = handle
        self._doc = None

    def _document(self):
        if self._doc is None:
            self._doc = self._handle.document()
        return self._doc

    def to_dict(self):
        """The lmp.analysis/1 document, as the CLI's --format json prints it."""
        return self._handle.document()

    @property
    def model_id(self):
        """The model's id."""
        return self._handle.model_id

    @property
    def parameters(self):
        """The model's parameter count (one GPU's share under a layout)."""
        return self._handle.parameters

    @property
    def stages(self):
        """The stages analysed: 'prefill', 'decode' or both."""
        return list(self._document()["stages"])

    @property
    def totals(self):
        """Per stage, its totals: flops, reads, writes (and time_s with hardware)."""
        return {name: stage["totals"] for name, stage in self._document()["stages"].items()}

    @property
    def operations(self):
        """Every operation of every stage, a dict each, with its "stage"."""
        out = []
        for name, stage in self._document()["stages"].items():
            for op in stage["operations"]:
                row = {"stage": name}
                row.update(op)
                out.append(row)
        return out

    @property
    def memory(self):
        """The memory footprint against the device (with hardware), else None."""
        return self._document().get("memory")

    def to_pandas(self):
        """One row per stage and operation; nested figures become columns
        (reads_weights, writes_kv_cache, ...). Needs pandas."""
        import pandas as pd
        rows = []
        for op in self.operations:
            row = {}
            _flatten("", op, row)
            rows.append(row)
        return pd.DataFrame(rows)

    def table(self):
        """The text table ``lmp analyze`` prints."""
        return self._handle.table()

    def csv(self):
        """The CSV of ``lmp analyze --format csv``."""
        return self._handle.csv()

    def html(self):
        """The HTML report of ``lmp analyze --format html`` (needs hardware), else None."""
        return self._handle.html()

    def _repr_html_(self):
        page = self._handle.html()
        return _iframe(page) if page is not None else None

    def plot_roofline(self, ax=None, stage=None):
        """The operations on the device's roofline (needs hardware and matplotlib).

        Each operation is a point at its arithmetic intensity (FLOPs per byte)
        and its attained FLOP/s; the lines are the device's DRAM bandwidth and
        its peaks. Returns the matplotlib Axes.
        """
        from ._plot import plot_roofline
        return plot_roofline(self._document(), ax=ax, stage=stage)

    def __repr__(self):
        parts = []
        for name, t in self.totals.items():
            part = "{} {:.3g} FLOP".format(name, t["flops"])
            if "time_s" in t:
                part += " {:.3g} s".format(t["time_s"])
            parts.append(part)
        return "<lmp.Analysis {}: {}>".format(self.model_id, ", ".join(parts))


class Generation:
    """A whole request: the prefill, then gen - 1 decode steps.

    ``to_dict()`` is the document ``lmp generate --format json`` prints
    (schema ``lmp.generate/1``).
    """

    def __init__(self, handle):
        self._handle = handle
        self._doc = handle.document()

    def to_dict(self):
        """The lmp.generate/1 document, as the CLI's --format json prints it."""
        return self._handle.document()

    ttft_s = property(lambda self: self._doc["ttft_s"], doc="Time to first token, seconds.")
    tpot_s = property(lambda self: self._doc["tpot_s"], doc="Mean time per output token, seconds.")
    e2e_s = property(lambda self: self._doc["e2e_s"], doc="The whole request, seconds.")
    tokens_per_s = property(lambda self: self._doc["tokens_per_s"], doc="Generated tokens per second, all sequences.")
    request_flops = property(lambda self: self._doc["request_flops"], doc="FLOPs of the whole request.")
    request_bytes = property(lambda self: self._doc["request_bytes"], doc="Bytes read and written by the request.")
    memory = property(lambda self: self._doc["memory"], doc="The footprint at the largest context, against the device.")

    @property
    def fits(self):
        """Whether the request's footprint fits in the device's memory."""
        return self._doc["memory"]["fits"]

    def text(self):
        """The summary ``lmp generate`` prints."""
        return self._handle.text()

    def html(self):
        """The HTML report of ``lmp generate --format html``."""
        return self._handle.html()

    def _repr_html_(self):
        return _iframe(self._handle.html())

    def __repr__(self):
        return "<lmp.Generation {}: TTFT {:.4g} s, TPOT {:.4g} s, {:.4g} tokens/s>".format(
            self._doc["model"]["id"], self.ttft_s, self.tpot_s, self.tokens_per_s)
