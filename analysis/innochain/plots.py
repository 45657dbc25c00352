"""Figures for policy comparisons and sweeps (matplotlib, Agg backend: no display needed).

* :func:`time_series_bands` -- a monthly series, baseline vs policy: median and a quantile band
  over replications, and the paired difference with its band;
* :func:`effect_forest` -- relative effects of a policy on several outcomes with 95 % intervals;
* :func:`response_curve`, :func:`response_surface` -- an outcome over one or two swept keys;
* :func:`sensitivity_bars` -- Morris mu* / sigma or Sobol S1 / ST with bootstrap intervals.

Every function draws on a new figure and returns it; save it with ``fig.savefig(path)``.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import xarray as xr  # noqa: E402

BASE_COLOUR = "#4d4d4d"
POLICY_COLOUR = "#d95f02"
EFFECT_COLOUR = "#1b9e77"


def _per_run(ds: xr.Dataset, name: str, cumulative: bool) -> xr.DataArray:
    """A series summed over its field/region/policy dimension: (run, month)."""
    da = ds[name]
    extra = [d for d in da.dims if d not in ("run", "month")]
    if extra:
        da = da.sum(extra)
    return da.cumsum("month") if cumulative else da


def time_series_bands(
    baseline: xr.Dataset,
    policy: xr.Dataset,
    name: str,
    cumulative: bool = False,
    band: tuple[float, float] = (0.1, 0.9),
    title: str | None = None,
):
    """Baseline and policy medians with a quantile band over replications (left), and the
    paired difference policy - baseline by replication with its median and band (right).

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
    month = b["month"].values
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.0, 3.2), constrained_layout=True)
    for da, colour, label in ((b, BASE_COLOUR, "baseline"), (p, POLICY_COLOUR, "policy")):
        lo, mid, hi = (da.quantile(q, dim="run").values for q in (band[0], 0.5, band[1]))
        ax1.fill_between(month, lo, hi, color=colour, alpha=0.25, linewidth=0)
        ax1.plot(month, mid, color=colour, label=f"{label} (median)")
    units = baseline[name].attrs.get("units", "")
    if cumulative:
        units = units.replace("/month", "")
    ax1.set_xlabel("month")
    ax1.set_ylabel(("cumulative " if cumulative else "") + units)
    ax1.legend(frameon=False, fontsize=8)
    d = p - b
    lo, mid, hi = (d.quantile(q, dim="run").values for q in (band[0], 0.5, band[1]))
    ax2.axhline(0.0, color="black", linewidth=0.6)
    ax2.fill_between(month, lo, hi, color=EFFECT_COLOUR, alpha=0.3, linewidth=0)
    ax2.plot(month, d.mean("run").values, color=EFFECT_COLOUR, label="mean paired difference")
    ax2.set_xlabel("month")
    ax2.set_ylabel("policy - baseline")
    ax2.legend(frameon=False, fontsize=8)
    n = b.sizes["run"]
    fig.suptitle(
        title or f"{name}{' (cumulative)' if cumulative else ''}: median and {int(band[0] * 100)}-"
        f"{int(band[1] * 100)} % band over {n} replications",
        fontsize=10,
    )
    return fig


def effect_forest(comparison: pd.DataFrame, title: str = "Policy effect (95 % interval)"):
    """Relative effect (mean paired difference / baseline mean, in %) per outcome with its 95 %
    interval; ``comparison`` is :func:`innochain.datasets.compare`'s table (one point)."""
    c = comparison[np.isfinite(comparison["relative_change"])].reset_index(drop=True)
    base = c["baseline_mean"].to_numpy()
    rel = 100.0 * c["relative_change"].to_numpy()
    lo = 100.0 * c["ci_low"].to_numpy() / base
    hi = 100.0 * c["ci_high"].to_numpy() / base
    lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)  # a negative baseline flips the interval
    fig, ax = plt.subplots(figsize=(6.0, 0.32 * len(c) + 1.0), constrained_layout=True)
    y = np.arange(len(c))[::-1]
    significant = (lo > 0) | (hi < 0)
    colours = [POLICY_COLOUR if s else BASE_COLOUR for s in significant]
    ax.axvline(0.0, color="black", linewidth=0.6)
    ax.hlines(y, lo, hi, colors=colours, linewidth=2)
    ax.scatter(rel, y, color=colours, zorder=3, s=18)
    ax.set_yticks(y)
    ax.set_yticklabels(c["metric"], fontsize=8)
    finite = np.concatenate([lo[np.isfinite(lo)], hi[np.isfinite(hi)], rel])
    if finite.size and np.abs(finite).max() > 100.0:
        # One outcome that moves by several hundred per cent would flatten the others: a
        # symmetric log axis keeps +-10 % linear and compresses beyond.
        ax.set_xscale("symlog", linthresh=10.0)
        ax.set_xlabel("change against the baseline (%; log scale beyond +-10 %)")
    else:
        ax.set_xlabel("change against the baseline (%)")
    ax.set_title(title, fontsize=10)
    return fig


def response_curve(index: pd.DataFrame, key: str, metric: str, band: tuple[float, float] = (0.1, 0.9)):
    """An outcome against one swept key: the mean over replications at each point and a quantile
    band (from a sweep's index.csv, :func:`innochain.datasets.read_index`)."""
    column = f"summary.{metric}"
    done = index[index["status"] == "complete"]
    g = done.groupby(key)[column]
    x = np.asarray(g.mean().index, dtype=float)
    fig, ax = plt.subplots(figsize=(5.0, 3.2), constrained_layout=True)
    ax.fill_between(x, g.quantile(band[0]).to_numpy(), g.quantile(band[1]).to_numpy(), color=POLICY_COLOUR,
                    alpha=0.25, linewidth=0)
    ax.plot(x, g.mean().to_numpy(), marker="o", color=POLICY_COLOUR)
    ax.set_xlabel(key)
    ax.set_ylabel(metric)
    ax.set_title(f"{metric} over {key} (mean, {int(band[0] * 100)}-{int(band[1] * 100)} % band)", fontsize=10)
    return fig


def response_surface(index: pd.DataFrame, key_x: str, key_y: str, metric: str):
    """An outcome's mean over replications against two swept keys: a filled contour plot on a
    grid design, a coloured scatter otherwise."""
    column = f"summary.{metric}"
    done = index[index["status"] == "complete"]
    means = done.groupby([key_x, key_y])[column].mean().reset_index()
    fig, ax = plt.subplots(figsize=(5.0, 4.0), constrained_layout=True)
    grid = means.pivot(index=key_y, columns=key_x, values=column)
    if grid.notna().all().all() and grid.shape[0] > 1 and grid.shape[1] > 1:
        cs = ax.contourf(grid.columns.to_numpy(float), grid.index.to_numpy(float), grid.to_numpy(), levels=12,
                         cmap="viridis")
        ax.scatter(means[key_x], means[key_y], s=6, color="white")
    else:
        cs = ax.scatter(means[key_x], means[key_y], c=means[column], cmap="viridis", s=25)
    fig.colorbar(cs, ax=ax, label=metric)
    ax.set_xlabel(key_x)
    ax.set_ylabel(key_y)
    ax.set_title(f"{metric}: mean over replications", fontsize=10)
    return fig


def sensitivity_bars(indices: pd.DataFrame, title: str = "Sensitivity"):
    """Bars with bootstrap intervals: Morris ``mu_star`` (and ``sigma`` as points) or Sobol
    ``S1`` and ``ST``, per key, from :mod:`innochain.sensitivity`."""
    keys = list(indices.index)
    x = np.arange(len(keys))
    fig, ax = plt.subplots(figsize=(max(4.0, 0.9 * len(keys) + 1.5), 3.2), constrained_layout=True)
    if "S1" in indices:
        for offset, col, colour in ((-0.18, "S1", BASE_COLOUR), (0.18, "ST", POLICY_COLOUR)):
            err = np.vstack([indices[col] - indices[f"{col}_low"], indices[f"{col}_high"] - indices[col]])
            ax.bar(x + offset, indices[col], width=0.34, color=colour, label=col,
                   yerr=np.clip(err, 0, None), capsize=3)
        ax.set_ylabel("Sobol index")
    else:
        err = np.vstack([indices["mu_star"] - indices["mu_star_low"], indices["mu_star_high"] - indices["mu_star"]])
        ax.bar(x, indices["mu_star"], width=0.5, color=POLICY_COLOUR, label="mu*", yerr=np.clip(err, 0, None),
               capsize=3)
        ax.scatter(x, indices["sigma"], color=BASE_COLOUR, zorder=3, label="sigma")
        ax.set_ylabel("elementary effect (per unit range)")
    ax.set_xticks(x)
    ax.set_xticklabels(keys, rotation=20, ha="right", fontsize=8)
    ax.legend(frameon=False, fontsize=8)
    ax.set_title(title, fontsize=10)
    return fig
