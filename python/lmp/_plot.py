"""The roofline plot of an analysis (matplotlib, optional)."""


def plot_roofline(doc, ax=None, stage=None):
    hw = doc.get("hardware")
    if hw is None:
        from ._errors import InputError
        raise InputError("hardware: the roofline needs a device; analyze with hardware=NAME",
                         place="hardware", option="hardware")
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=(7, 4.5))
    bandwidth = hw["dram_bandwidth_bytes_per_s"]
    peaks = sorted({p["flops_per_s"] for p in hw["peak_by_kind"].values()})
    stages = [stage] if stage else list(doc["stages"])
    xs_all = []
    markers = {"prefill": "o", "decode": "s"}
    for name in stages:
        xs, ys = [], []
        for op in doc["stages"][name]["operations"]:
            intensity, t = op.get("intensity"), op.get("time_s", 0)
            if not intensity or not t or op["flops"] == 0:
                continue
            xs.append(intensity)
            ys.append(op["flops"] / t)
        xs_all += xs
        ax.scatter(xs, ys, s=14, marker=markers.get(name, "o"), label=name, alpha=0.8)
    lo = min(xs_all + [0.1]) / 2
    hi = max(xs_all + [peaks[-1] / bandwidth if peaks else 1000]) * 2
    for peak in peaks:
        ridge = peak / bandwidth
        ax.plot([lo, ridge, hi], [lo * bandwidth, peak, peak], color="0.4", linewidth=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("arithmetic intensity (FLOP/byte)")
    ax.set_ylabel("attained FLOP/s")
    ax.set_title("{} on {} ({})".format(doc["model"]["id"], hw["name"], hw.get("runtime", "")))
    ax.legend()
    return ax
