"""Every figure the package draws meets the figure checklist of docs/analysis.md, and the check
itself catches what it is meant to catch (an offset on an axis, an unlabelled band, clipped text).
"""

from __future__ import annotations

import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from innochain import metrics, plots


def runs(values: np.ndarray, name: str, units: str, long_name: str) -> xr.Dataset:
    """A dataset shaped like datasets.open_runs: (run, month, field) with replication coordinates."""
    n, t, f = values.shape
    da = xr.DataArray(values, dims=("run", "month", "field"),
                      attrs={"units": units, "long_name": long_name, "accumulation": "flow"})
    return xr.Dataset({name: da}, coords={"month": np.arange(t), "field": [f"f{i}" for i in range(f)],
                                          "replication": ("run", np.arange(n))})


@pytest.fixture
def money_runs():
    rng = np.random.default_rng(1)
    base = 4.0e9 + rng.normal(0, 1e8, size=(12, 36, 3))
    policy = base + 2.0e6 + rng.normal(0, 1e6, size=base.shape)
    args = ("compute_spending", "yuan/month", "Compute paid for by project holders")
    return runs(base, *args), runs(policy, *args)


def comparison() -> pd.DataFrame:
    rows = []
    for m, base, diff, half in (("transfers", 170.0, 10.0, 3.0), ("products_launched", 740.0, 2.0, 4.0),
                                ("revenue", 1.7e12, 2e8, 4e8), ("bad_transfers", 0.8, 10.0, 2.0)):
        rows.append({"point": -1, "metric": m, "baseline_mean": base, "mean_difference": diff,
                     "ci_low": diff - half, "ci_high": diff + half, "relative_change": diff / base})
    table = pd.DataFrame(rows)
    table.attrs["outcomes"] = metrics.describe(table["metric"])
    return table


def test_time_series_bands_in_readable_units_with_labelled_bands(money_runs):
    fig = plots.time_series_bands(*money_runs, "compute_spending")
    assert plots.check_figure(fig) == []
    left, right = fig.axes[:2]
    assert "billion yuan/month" in left.get_ylabel() and "Compute paid for" in left.get_ylabel()
    assert right.get_ylabel() == "policy - baseline (million yuan/month)"
    legend = {t.get_text() for t in right.get_legend().get_texts()}
    assert "95 % CI of the mean difference" in legend and "mean paired difference" in legend
    assert any("10-90 % of replications" in t for t in legend)
    plots.close(fig)


def test_forest_sensitivity_and_local_global_figures_meet_the_checklist():
    figs = [plots.effect_forest(comparison())]
    keys = ["agents.institutes.sanction_probability", "agents.institutes.transfer_office_skill", "dont_dare"]
    morris = pd.DataFrame({"mu": [3.0, -1.0, 0.5], "mu_star": [3.0, 1.0, 0.5], "sigma": [0.1, 0.2, 0.0],
                           "mu_star_low": [2.5, 0.8, 0.4], "mu_star_high": [3.5, 1.2, 0.6]}, index=keys)
    sobol = pd.DataFrame({"S1": [0.5, 0.2, 0.0], "S1_low": [0.4, 0.1, -0.1], "S1_high": [0.6, 0.3, 0.1],
                          "ST": [0.6, 0.3, 0.1], "ST_low": [0.5, 0.2, 0.0], "ST_high": [0.7, 0.4, 0.2]}, index=keys)
    local = pd.DataFrame({"low": [0.15, 0.3, 0.5], "base": [0.3, 0.6, 1.0], "high": [0.6, 0.9, 2.0],
                          "effect": [2e7, -1e7, 0.0], "effect_low": [1e7, -2e7, -1e6],
                          "effect_high": [3e7, 0.0, 1e6], "elasticity": [0.1, -0.05, 0.0]}, index=keys)
    money = metrics.Outcome("revenue", "Enterprises' revenue", "yuan", "flow")
    figs += [plots.sensitivity_bars(morris, "Morris"), plots.sensitivity_bars(sobol, "Sobol"),
             plots.sensitivity_bars(local, "local", money),
             plots.local_global_bars(local.join(morris), "local and global", money)]
    for fig in figs:
        assert plots.check_figure(fig) == []
        plots.close(fig)


def test_saved_in_three_formats_at_200_dpi(tmp_path, money_runs):
    fig = plots.time_series_bands(*money_runs, "compute_spending")
    width, height = fig.get_size_inches()
    paths = plots.save(fig, tmp_path / "series")
    assert [p.suffix for p in paths] == [".png", ".svg", ".pdf"]
    png = matplotlib.image.imread(tmp_path / "series.png")
    # bbox_inches="tight" trims the margins a little: at 200 dpi the image is close to 200 x inches.
    assert png.shape[1] >= 0.9 * 200 * width and png.shape[0] >= 0.8 * 200 * height
    assert (tmp_path / "series.svg").read_text().lstrip().startswith("<?xml")
    assert (tmp_path / "series.pdf").read_bytes()[:4] == b"%PDF"


def test_the_check_catches_offsets_unlabelled_bands_and_clipping():
    fig, ax = plt.subplots(figsize=(3, 2))
    x = np.arange(10)
    ax.plot(x, 1e10 + x)  # matplotlib's default: an offset "+1e10" on the axis
    ax.fill_between(x, 1e10 + x - 1, 1e10 + x + 1)  # a band nobody can name
    ax.set_xlabel("month")
    ax.set_ylabel("yuan")
    ax.text(2.5, 1e10, "a long annotation that runs off the figure", transform=ax.transAxes)
    ax.set_title("a title far too long for a three-inch-wide figure, which matplotlib does not wrap " * 2)
    problems = plots.check_figure(fig)
    assert any("offset" in p for p in problems)
    assert any("band without a legend entry" in p for p in problems)
    assert any("clipped" in p for p in problems)
    plots.close(fig)
