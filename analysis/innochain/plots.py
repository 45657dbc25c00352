"""Figures for policy comparisons and sweeps (matplotlib, Agg backend: no display needed).

* :func:`time_series_bands` -- a monthly series, baseline vs policy: medians with the 10-90 %
  range of replications, and the mean paired difference with its 95 % confidence interval;
* :func:`effect_forest` -- relative effects of a policy on several outcomes with 95 % intervals;
* :func:`response_curve`, :func:`response_surface` -- an outcome over one or two swept keys,
  with the design's points marked;
* :func:`sensitivity_bars` -- Morris mu* / sigma, Sobol S1 / ST or local effects with intervals;
* :func:`local_global_bars` -- local (one-at-a-time) and global indices side by side.

Every figure follows the checklist of docs/analysis.md ("Figure checklist"): long names and units
from the outcome registry (:mod:`innochain.metrics`), money in yuan / million / billion yuan with
no offset or scientific multiplier on an axis, every band labelled for what it is, design points
marked, nothing clipped. :func:`check_figure` tests a figure against it and :func:`save` writes
PNG (200 dpi), SVG and PDF.
"""

from __future__ import annotations

import pathlib
import re
import textwrap
from typing import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import xarray as xr  # noqa: E402
from matplotlib.collections import PolyCollection, QuadMesh  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from . import metrics as registry  # noqa: E402
from .paired import t_critical  # noqa: E402

BASE_COLOUR = "#4d4d4d"
POLICY_COLOUR = "#d95f02"
EFFECT_COLOUR = "#1b9e77"
DPI = 200
FORMATS = ("png", "svg", "pdf")
REPLICATION_BAND = "10-90 % of replications"
MEAN_CI = "95 % CI of the mean"


def close(fig) -> None:
    """Releases a figure (pyplot keeps every figure it made until it is closed)."""
    plt.close(fig)


def save(fig, stem: str | pathlib.Path, dpi: int = DPI, formats: Sequence[str] = FORMATS) -> list[pathlib.Path]:
    """Writes STEM.png (at ``dpi``), STEM.svg and STEM.pdf, closes the figure and returns the paths."""
    stem = pathlib.Path(stem)
    paths = []
    # No creation dates and fixed SVG ids: the same figure gives the same bytes (docs/ keeps them).
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {}}
    for ext in formats:
        path = stem.with_suffix("." + ext)
        with matplotlib.rc_context({"svg.hashsalt": "innochain"}):
            fig.savefig(path, dpi=dpi, bbox_inches="tight", pad_inches=0.05, metadata=metadata.get(ext, {}))
        paths.append(path)
    close(fig)
    return paths


def _number(x: float, _pos=None) -> str:
    """Tick labels without offsets or exponents: 13,250; 0.25; 2,000,000."""
    if x == 0:
        return "0"
    if abs(x) >= 1e5:
        return f"{x:,.0f}"
    return f"{x:,.6g}"


def _plain(ax, axes: str = "xy") -> None:
    """No "1e10" multipliers or offsets: every tick label carries its own value."""
    for name in axes:
        axis = ax.xaxis if name == "x" else ax.yaxis
        if axis.get_scale() == "linear":
            axis.set_major_formatter(FuncFormatter(_number))


def _outcome(ds_or_attrs, name: str) -> registry.Outcome:
    attrs = ds_or_attrs[name].attrs if isinstance(ds_or_attrs, xr.Dataset) else (ds_or_attrs or {})
    units = str(attrs.get("units", ""))
    accumulation = str(attrs.get("accumulation", "flow"))
    if accumulation == "flow":
        units = units.removesuffix("/month")
    return registry.Outcome(name, str(attrs.get("long_name", name)), units, accumulation)


def _magnitude(*arrays) -> float:
    values = np.concatenate([np.abs(np.asarray(a, dtype=float)).ravel() for a in arrays])
    values = values[np.isfinite(values)]
    return float(values.max()) if values.size else 0.0


def _per_run(ds: xr.Dataset, name: str, cumulative: bool) -> xr.DataArray:
    """A series summed over its field/region/policy dimension: (run, month)."""
    da = ds[name]
    extra = [d for d in da.dims if d not in ("run", "month")]
    if extra:
        da = da.sum(extra)
    return da.cumsum("month") if cumulative else da


def _mean_ci(values: np.ndarray, axis: int = 0, confidence: float = 0.95):
    """Mean and Student t interval of the mean along ``axis``."""
    n = values.shape[axis]
    mean = values.mean(axis=axis)
    if n < 2:
        return mean, mean, mean
    half = t_critical(confidence, n - 1) * values.std(axis=axis, ddof=1) / np.sqrt(n)
    return mean, mean - half, mean + half


def time_series_bands(
    baseline: xr.Dataset,
    policy: xr.Dataset,
    name: str,
    cumulative: bool = False,
    band: tuple[float, float] = (0.1, 0.9),
    title: str | None = None,
):
    """Baseline and policy medians with the 10-90 % range of replications (left), and the mean
    paired difference policy - baseline with its 95 % confidence interval and the 10-90 % range of
    the replications' differences (right).

    ``baseline`` and ``policy`` come from :func:`innochain.datasets.open_runs`; runs are paired
    by replication (both must hold the same replications).
    """
    b = _per_run(baseline, name, cumulative)
    p = _per_run(policy, name, cumulative)
    b = b.assign_coords(run=b["replication"].values)
    p = p.assign_coords(run=p["replication"].values)
    if sorted(b["run"].values.tolist()) != sorted(p["run"].values.tolist()):
        raise ValueError("baseline and policy hold different replications")
    p = p.sel(run=b["run"])
    outcome = _outcome(baseline, name)
    per = "" if cumulative or outcome.accumulation != "flow" else "month"
    month = b["month"].values
    band_text = f"{int(band[0] * 100)}-{int(band[1] * 100)} % of replications"
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10.0, 3.9), layout="constrained")
    level_label, divisor = registry.label(outcome, _magnitude(b.values, p.values), per=per, width=40)
    for da, colour, arm in ((b, BASE_COLOUR, "baseline"), (p, POLICY_COLOUR, "policy")):
        lo, mid, hi = (da.quantile(q, dim="run").values / divisor for q in (band[0], 0.5, band[1]))
        ax1.fill_between(month, lo, hi, color=colour, alpha=0.22, linewidth=0, label=f"{arm}: {band_text}")
        ax1.plot(month, mid, color=colour, label=f"{arm}: median")
    ax1.set_xlabel("simulated month")
    ax1.set_ylabel(("cumulative " if cumulative else "") + level_label)
    ax1.legend(frameon=False, fontsize=7)
    d = (p - b).values  # (run, month)
    diff_units, ddiv = registry.units_label(outcome, _magnitude(d), per=per)
    mean, lo, hi = _mean_ci(d, axis=0)
    qlo, qhi = np.quantile(d, band[0], axis=0), np.quantile(d, band[1], axis=0)
    ax2.axhline(0.0, color="black", linewidth=0.6)
    ax2.fill_between(month, qlo / ddiv, qhi / ddiv, color=EFFECT_COLOUR, alpha=0.12, linewidth=0,
                     label=f"{band_text}' differences")
    ax2.fill_between(month, lo / ddiv, hi / ddiv, color=EFFECT_COLOUR, alpha=0.4, linewidth=0,
                     label=f"{MEAN_CI} difference")
    ax2.plot(month, mean / ddiv, color=EFFECT_COLOUR, label="mean paired difference")
    ax2.set_xlabel("simulated month")
    ax2.set_ylabel(("cumulative " if cumulative else "") + "policy - baseline" + (f" ({diff_units})" if diff_units else ""))
    ax2.legend(frameon=False, fontsize=7)
    for ax in (ax1, ax2):
        _plain(ax)
    n = b.sizes["run"]
    fig.suptitle(
        title or textwrap.fill(f"{outcome.long_name}{' (cumulative)' if cumulative else ''}: {n} paired replications",
                               110),
        fontsize=10,
    )
    return fig


def effect_forest(comparison: pd.DataFrame, title: str = "Policy effect (95 % interval)",
                  outcomes: dict | None = None):
    """Relative effect (mean paired difference / baseline mean, in %) per outcome with its 95 %
    interval; ``comparison`` is :func:`innochain.datasets.compare`'s table (one point). Outcomes
    are labelled with their long names (``outcomes``: Outcome records, default the table's own)."""
    c = comparison[np.isfinite(comparison["relative_change"])].reset_index(drop=True)
    outcomes = outcomes or comparison.attrs.get("outcomes") or {}
    base = c["baseline_mean"].to_numpy()
    rel = 100.0 * c["relative_change"].to_numpy()
    lo = 100.0 * c["ci_low"].to_numpy() / base
    hi = 100.0 * c["ci_high"].to_numpy() / base
    lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)  # a negative baseline flips the interval
    labels = [textwrap.fill(outcomes[m].long_name if m in outcomes else m, 44) + f"  [{m}]" for m in c["metric"]]
    lines = sum(label.count("\n") + 1 for label in labels)
    fig, ax = plt.subplots(figsize=(8.0, 0.16 * lines + 0.1 * len(c) + 1.3), layout="constrained")
    y = np.arange(len(c))[::-1]
    significant = (lo > 0) | (hi < 0)
    ax.axvline(0.0, color="black", linewidth=0.6)
    for flag, colour, text in ((True, POLICY_COLOUR, "95 % interval excludes 0"),
                               (False, BASE_COLOUR, "95 % interval includes 0")):
        sel = significant == flag
        if sel.any():
            ax.hlines(y[sel], lo[sel], hi[sel], colors=colour, linewidth=2, label=text)
            ax.scatter(rel[sel], y[sel], color=colour, zorder=3, s=18)
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=7)
    finite = np.concatenate([lo[np.isfinite(lo)], hi[np.isfinite(hi)], rel])
    if finite.size and np.abs(finite).max() > 100.0:
        # One outcome that moves by several hundred per cent would flatten the others: a
        # symmetric log axis keeps +-10 % linear and compresses beyond.
        ax.set_xscale("symlog", linthresh=10.0)
        ax.set_xlabel("change against the baseline mean (%; log scale beyond +-10 %)")
    else:
        ax.set_xlabel("change against the baseline mean (%)")
        _plain(ax, "x")
    ax.legend(frameon=False, fontsize=7, loc="best")
    ax.set_title(title, fontsize=10)
    return fig


def _point_stats(index: pd.DataFrame, keys: list[str], metric: str, band: tuple[float, float]) -> pd.DataFrame:
    done = index[index["status"] == "complete"].copy()
    done["_y"] = registry.values(done, metric, prefix="summary.")
    rows = []
    for values, g in done.groupby(keys if len(keys) > 1 else keys[0], sort=True):
        y = g["_y"].to_numpy(dtype=float)
        mean, lo, hi = _mean_ci(y)
        values = values if isinstance(values, tuple) else (values,)
        rows.append({**dict(zip(keys, values)), "mean": mean, "ci_low": lo, "ci_high": hi,
                     "q_low": np.quantile(y, band[0]), "q_high": np.quantile(y, band[1]), "n": y.size})
    return pd.DataFrame(rows)


def _key_label(key: str, width: int = 40) -> str:
    """A swept key as an axis label, broken after dots when longer than ``width``."""
    lines, line = [], ""
    for part in key.split("."):
        piece = part if not line else "." + part
        if line and len(line) + len(piece) > width:
            lines.append(line + ".")
            line = part
        else:
            line += piece
    return "\n".join(lines + [line])


def response_curve(index: pd.DataFrame, key: str, metric: str, band: tuple[float, float] = (0.1, 0.9),
                   outcome: registry.Outcome | None = None):
    """An outcome against one swept key (a sweep's index.csv, :func:`innochain.datasets.read_index`):
    at each design point (marked) the mean over replications with its 95 % confidence interval
    and the 10-90 % range of replications. Lines join neighbouring design points only."""
    outcome = outcome or registry.describe([metric])[metric]
    s = _point_stats(index, [key], metric, band).sort_values(key)
    x = s[key].to_numpy(dtype=float)
    label, div = registry.label(outcome, _magnitude(s["q_high"], s["q_low"]))
    fig, ax = plt.subplots(figsize=(6.0, 4.0), layout="constrained")
    ax.fill_between(x, s["q_low"] / div, s["q_high"] / div, color=POLICY_COLOUR, alpha=0.15, linewidth=0,
                    label=f"{int(band[0] * 100)}-{int(band[1] * 100)} % of replications")
    ax.fill_between(x, s["ci_low"] / div, s["ci_high"] / div, color=POLICY_COLOUR, alpha=0.4, linewidth=0,
                    label=MEAN_CI)
    ax.plot(x, s["mean"] / div, color=POLICY_COLOUR, marker="o", label="mean at each design point (marked)")
    ax.set_xlabel(_key_label(key))
    ax.set_ylabel(label)
    _plain(ax)
    ax.legend(frameon=False, fontsize=7)
    n = int(s["n"].min()) if len(s) else 0
    ax.set_title(textwrap.fill(f"{outcome.long_name}: {len(s)} design points, {n}+ replications each", 70),
                 fontsize=9)
    return fig


def response_surface(index: pd.DataFrame, key_x: str, key_y: str, metric: str,
                     outcome: registry.Outcome | None = None):
    """An outcome's mean over replications against two swept keys. On a full grid each design
    point colours its own cell (no interpolation between points); otherwise a coloured scatter.
    Every design point is marked."""
    outcome = outcome or registry.describe([metric])[metric]
    s = _point_stats(index, [key_x, key_y], metric, (0.1, 0.9))
    label, div = registry.label(outcome, _magnitude(s["mean"]), width=36)
    fig, ax = plt.subplots(figsize=(6.4, 4.8), layout="constrained")
    grid = s.pivot(index=key_y, columns=key_x, values="mean")
    if grid.notna().all().all() and grid.shape[0] > 1 and grid.shape[1] > 1:
        xs, ys = grid.columns.to_numpy(float), grid.index.to_numpy(float)
        cs = ax.pcolormesh(_edges(xs), _edges(ys), grid.to_numpy() / div, cmap="viridis", shading="flat")
        note = "each cell: the mean at its design point (no interpolation)"
        if grid.size <= 36:  # few points: write each mean into its cell
            for (yv, xv), v in np.ndenumerate(grid.to_numpy()):
                ax.annotate(_number(float(f"{v / div:.4g}")), (xs[xv], ys[yv]), xytext=(0, 7),
                            textcoords="offset points", ha="center", fontsize=7, color="white",
                            bbox={"boxstyle": "round,pad=0.15", "fc": "black", "alpha": 0.35, "lw": 0})
    else:
        cs = ax.scatter(s[key_x], s[key_y], c=s["mean"] / div, cmap="viridis", s=60, edgecolors="black",
                        linewidths=0.4)
        note = "coloured: the mean at each design point"
    ax.scatter(s[key_x], s[key_y], s=10, color="white", edgecolors="black", linewidths=0.5, zorder=3,
               label="design points")
    fig.colorbar(cs, ax=ax, label=label, format=FuncFormatter(_number))
    ax.set_xlabel(_key_label(key_x))
    ax.set_ylabel(_key_label(key_y))
    _plain(ax)
    ax.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(0.0, -0.16))
    ax.set_title(textwrap.fill(f"{outcome.long_name}: mean over replications ({note})", 70), fontsize=9)
    return fig


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges halfway between neighbouring centres (ends mirrored)."""
    if centres.size == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    mid = (centres[1:] + centres[:-1]) / 2.0
    return np.concatenate([[centres[0] - (mid[0] - centres[0])], mid, [centres[-1] + (centres[-1] - mid[-1])]])


def _interval_bars(ax, y, table: pd.DataFrame, col: str, colour: str, label: str,
                   outcome: registry.Outcome | None = None, offset: float = 0.0, height: float = 0.5) -> str:
    """Horizontal bars of ``table[col]`` with the interval ``col_low`` .. ``col_high`` as error
    bars, in readable units of ``outcome`` (None: unitless indices). Returns the units text."""
    unit, div = _effect_unit(outcome, table[[f"{col}_low", f"{col}_high"]].to_numpy())
    err = np.vstack([table[col] - table[f"{col}_low"], table[f"{col}_high"] - table[col]])
    ax.barh(y + offset, table[col] / div, height=height, color=colour, xerr=np.clip(err, 0, None) / div, capsize=3,
            label=label)
    if (table[f"{col}_low"] < 0).any():
        ax.axvline(0.0, color="black", linewidth=0.6)
    return unit


def _key_axis(ax, table: pd.DataFrame, width: int = 44):
    keys = [_key_label(k, width) for k in table.index]
    y = np.arange(len(keys))[::-1]
    ax.set_yticks(y)
    ax.set_yticklabels(keys, fontsize=8)
    return y


def sensitivity_bars(indices: pd.DataFrame, title: str = "Sensitivity", outcome: registry.Outcome | None = None):
    """Horizontal bars with intervals, one row per key (full key names, never clipped): Morris
    ``mu_star`` (and ``sigma``), Sobol ``S1`` and ``ST``, or local ``effect`` (from
    :mod:`innochain.sensitivity`)."""
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * len(indices) + 1.6), layout="constrained")
    y = _key_axis(ax, indices)
    if "S1" in indices:
        for offset, col, colour in ((0.18, "S1", BASE_COLOUR), (-0.18, "ST", POLICY_COLOUR)):
            _interval_bars(ax, y, indices, col, colour, f"{col} with 95 % bootstrap interval", offset=offset,
                           height=0.34)
        ax.set_xlabel("Sobol index (share of the outcome's variance)")
    elif "mu_star" in indices:
        unit = _interval_bars(ax, y, indices, "mu_star", POLICY_COLOUR,
                              "mu* (mean |elementary effect|) with 95 % bootstrap interval", outcome)
        _, div = _effect_unit(outcome, indices[["mu_star_low", "mu_star_high"]].to_numpy())
        ax.scatter(indices["sigma"] / div, y, color=BASE_COLOUR, zorder=3, label="sigma (sd of elementary effects)")
        ax.set_xlabel(textwrap.fill(f"elementary effect per unit of the key's range{unit}", 60))
    else:
        unit = _interval_bars(ax, y, indices, "effect", EFFECT_COLOUR,
                              f"local effect, low to high end ({MEAN_CI}, paired replications)", outcome)
        ax.set_xlabel(textwrap.fill(f"change of the outcome over the key's range, others at the base value{unit}", 60))
    _plain(ax, "x")
    ax.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(0.0, -0.18))
    ax.set_title(textwrap.fill(title, 80), fontsize=10)
    return fig


def _effect_unit(outcome: registry.Outcome | None, values) -> tuple[str, float]:
    if outcome is None or not outcome.units:
        return "", 1.0
    if outcome.is_money:
        div, unit = registry.money_scale(_magnitude(values))
        return f" ({unit})", div
    return f" ({outcome.units})", 1.0


def local_global_bars(table: pd.DataFrame, title: str, outcome: registry.Outcome | None = None):
    """Local effects and global indices side by side, one row per key (the table of
    :func:`innochain.sensitivity.local_and_global`)."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10.0, 0.55 * len(table) + 1.8), layout="constrained", sharey=True)
    y = _key_axis(ax1, table, 40)
    unit = _interval_bars(ax1, y, table, "effect", EFFECT_COLOUR,
                          f"local: low to high end, others at the base ({MEAN_CI})", outcome)
    ax1.set_xlabel(f"local effect over the key's range{unit}")
    if "mu_star" in table:
        unit = _interval_bars(ax2, y, table, "mu_star", POLICY_COLOUR, "global: Morris mu* (95 % bootstrap interval)",
                              outcome)
        ax2.set_xlabel(f"Morris mu* per unit of the key's range{unit}")
    else:
        _interval_bars(ax2, y, table, "ST", POLICY_COLOUR, "global: Sobol total index ST (95 % bootstrap interval)")
        ax2.set_xlabel("Sobol total index ST")
    for ax in (ax1, ax2):
        _plain(ax, "x")
        ax.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(0.0, -0.2))
    fig.suptitle(textwrap.fill(title, 110), fontsize=10)
    return fig


_EXPONENT = re.compile(r"\de[+-]?\d")


def _drawn_ticklabels(axis):
    """The major tick labels inside the axis' view (matplotlib keeps labels beyond it, undrawn)."""
    lo, hi = sorted(axis.get_view_interval())
    span = (hi - lo) or 1.0
    return [t for loc, t in zip(axis.get_majorticklocs(), axis.get_majorticklabels())
            if lo - 1e-9 * span <= loc <= hi + 1e-9 * span]


def check_figure(fig) -> list[str]:
    """Problems of a figure against the figure checklist (docs/analysis.md); [] when it meets it.

    Checked: every plotting axes has x and y labels (colour bars a label); no tick label is in
    exponent notation and no axis shows an offset or multiplier ("1e10"); every band (filled area)
    and every line or point series drawn with a label is in a legend; every text (tick labels,
    axis labels, titles, legends) lies inside the figure.
    """
    problems = []
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    colorbar_axes = {getattr(a, "_colorbar", None) and a for a in fig.axes}
    for i, ax in enumerate(fig.axes):
        is_colorbar = ax.get_label() == "<colorbar>" or ax in colorbar_axes
        where = f"axes {i}" + (" (colour bar)" if is_colorbar else "")
        if is_colorbar:
            if not (ax.get_ylabel() or ax.get_xlabel()):
                problems.append(f"{where}: no label")
        else:
            if not ax.get_xlabel():
                problems.append(f"{where}: no x label")
            shared = ax.get_shared_y_axes().get_siblings(ax)  # a shared y axis is labelled once
            if not any(a.get_ylabel() or any(t.get_text() for t in a.get_yticklabels()) for a in shared):
                problems.append(f"{where}: no y label")
        for axis in (ax.xaxis, ax.yaxis):
            offset = axis.get_offset_text().get_text()
            if offset:
                problems.append(f"{where}: axis offset/multiplier '{offset}'")
            for t in _drawn_ticklabels(axis):
                if _EXPONENT.search(t.get_text()):
                    problems.append(f"{where}: tick label in exponent notation '{t.get_text()}'")
        if not is_colorbar:
            legend = ax.get_legend()
            legend_texts = {t.get_text() for t in legend.get_texts()} if legend else set()
            for artist in list(ax.collections) + list(ax.lines):
                if isinstance(artist, PolyCollection) and not isinstance(artist, QuadMesh):
                    label = artist.get_label()
                    if not label or label.startswith("_") or label not in legend_texts:
                        problems.append(f"{where}: a band without a legend entry ({label!r})")
        texts = [ax.title, ax.xaxis.label, ax.yaxis.label, *_drawn_ticklabels(ax.xaxis), *_drawn_ticklabels(ax.yaxis)]
        if ax.get_legend():
            texts += list(ax.get_legend().get_texts())
        for t in texts:
            if not t.get_visible() or not t.get_text():
                continue
            e = t.get_window_extent(renderer)
            if e.x0 < box.x0 - 1 or e.y0 < box.y0 - 1 or e.x1 > box.x1 + 1 or e.y1 > box.y1 + 1:
                problems.append(f"{where}: text '{t.get_text()[:40]}' is clipped (outside the figure)")
    if fig._suptitle is not None and fig._suptitle.get_text():
        e = fig._suptitle.get_window_extent(renderer)
        if e.x0 < box.x0 - 1 or e.x1 > box.x1 + 1 or e.y1 > box.y1 + 1:
            problems.append("the title is clipped")
    return problems
