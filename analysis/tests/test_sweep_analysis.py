"""Sweeps: response curves and surfaces, local (one-at-a-time) and global indices side by side,
derived outcomes (``transfers``) everywhere, identical runs found and reported, on synthetic
sweep directories laid out as the sweep contract says (design.csv, index.csv, index.h5, sweep.yaml).
"""

from __future__ import annotations

import pathlib

import h5py
import numpy as np
import pandas as pd
import pytest

from innochain import datasets, plots, report, sensitivity
from test_sensitivity import morris_points

KEYS = ["policies.v.coverage", "policies.v.subsidy_rate"]


def write_sweep(directory: pathlib.Path, points: np.ndarray, y: np.ndarray, kind: str, extra_yaml: str = "",
                keys: list[str] | None = None, spinoffs: np.ndarray | None = None) -> None:
    """A sweep directory with two replications per point (y - 1 and y + 1) and a failed run.
    ``summary.transfers_licence`` is y; ``summary.transfers_spinoff`` is ``spinoffs`` (default 2)."""
    directory.mkdir(parents=True, exist_ok=True)
    keys = keys or KEYS[: points.shape[1]]
    spinoffs = np.full(len(points), 2.0) if spinoffs is None else spinoffs
    design = pd.DataFrame(points, columns=keys)
    design.insert(0, "point", np.arange(len(points)))
    design.to_csv(directory / "design.csv", index=False)
    rows = []
    for p in range(len(points)):
        for rep, noise in ((0, -1.0), (1, 1.0)):
            rows.append({"run_id": f"{p:08x}{rep:08x}", "point": p, "replication": rep, "seed": 7,
                         "status": "complete", "wall_seconds": 0.2, "error": "", **dict(zip(keys, points[p])),
                         "summary.products_launched": y[p] + noise, "summary.transfers_licence": y[p] + noise,
                         "summary.transfers_spinoff": spinoffs[p]})
    rows.append({"run_id": "ffffffffffffffff", "point": 0, "replication": 2, "seed": 7, "status": "failed",
                 "wall_seconds": 0.0, "error": "killed", **dict(zip(keys, points[0])),
                 "summary.products_launched": np.nan})
    pd.DataFrame(rows).to_csv(directory / "index.csv", index=False)
    with h5py.File(directory / "index.h5", "w") as f:
        f.attrs["format"] = "innochain-sweep-index"
        f.attrs["design"] = kind
    (directory / "sweep.yaml").write_text(f"base: guangdong_small.yaml\nreplications: 2\n{extra_yaml}")


def grid(tmp_path) -> pathlib.Path:
    cov, rate = np.meshgrid([0.1, 0.5, 0.9], [0.2, 0.6], indexing="ij")
    points = np.column_stack([cov.ravel(), rate.ravel()])
    write_sweep(tmp_path / "grid", points, 100 + 50 * points[:, 0] + 20 * points[:, 1], "grid")
    return tmp_path / "grid"


def test_grid_sweep_curves_and_surface_meet_the_figure_checklist(tmp_path):
    directory = grid(tmp_path)
    y = 100 + 50 * datasets.read_design(directory)[KEYS[0]] + 20 * datasets.read_design(directory)[KEYS[1]]
    means = datasets.point_means(directory, "products_launched")  # the failed run is left out
    np.testing.assert_allclose(means.to_numpy(), y.to_numpy())
    index = datasets.read_index(directory)
    for fig in (plots.response_curve(index, KEYS[0], "products_launched"),
                plots.response_surface(index, KEYS[0], KEYS[1], "products_launched")):
        assert plots.check_figure(fig) == []
        plots.close(fig)
    w = report.ReportWriter(tmp_path / "out")
    report.sweep_section(w, str(directory), ["products_launched"])
    text = w.write().read_text()
    assert "Design `grid` over 6 points" in text and "sweep_products_launched_surface.svg" in text
    for ext in ("svg", "png", "pdf"):
        assert (tmp_path / "out" / f"sweep_products_launched_surface.{ext}").exists()


def test_derived_outcomes_work_in_sweeps_sensitivity_and_reports(tmp_path):
    """`transfers` (licences + spin-offs), which compare accepts, works everywhere else too."""
    x = morris_points(6, 4, 2, seed=2)
    write_sweep(tmp_path / "morris", x, 30 * x[:, 0] + 3 * x[:, 1], "morris",
                "design:\n  morris: {trajectories: 6, levels: 4}\n", spinoffs=10 * x[:, 1])
    means = datasets.point_means(tmp_path / "morris", "transfers")
    np.testing.assert_allclose(means.to_numpy(), 30 * x[:, 0] + 13 * x[:, 1])
    idx = sensitivity.sweep_sensitivity(tmp_path / "morris", "transfers")
    assert idx.loc[KEYS[0], "mu_star"] == pytest.approx(30.0) and idx.loc[KEYS[1], "mu_star"] == pytest.approx(13.0)
    w = report.ReportWriter(tmp_path / "out")
    report.sweep_sections(w, [str(tmp_path / "morris")], ["transfers"])
    text = w.write().read_text()
    assert "### Sensitivity of `transfers`: Morris indices" in text and f"| {KEYS[0]} | 30 | 30 |" in text
    with pytest.raises(KeyError, match="no outcome 'transfer'"):
        datasets.point_means(tmp_path / "morris", "transfer")


def oat_sweep(tmp_path, a: float = 4.0, b: float = -2.0) -> pathlib.Path:
    """An oat design around the base (0.5, 0.3): each key alone to its ends; y = 100 + a x1 + b x2."""
    base = np.array([0.5, 0.3])
    points = [base.copy()]
    for j, ends in ((0, (0.25, 0.75)), (1, (0.15, 0.45))):
        for v in ends:
            p = base.copy()
            p[j] = v
            points.append(p)
    points = np.array(points)
    write_sweep(tmp_path / "oat", points, 100 + a * points[:, 0] + b * points[:, 1], "oat")
    return tmp_path / "oat"


def test_local_effects_of_an_oat_sweep(tmp_path):
    directory = oat_sweep(tmp_path)
    local = sensitivity.sweep_sensitivity(directory, "products_launched")
    # The change from the low to the high end with the other key at the base value.
    assert local.loc[KEYS[0], "effect"] == pytest.approx(4.0 * 0.5)
    assert local.loc[KEYS[1], "effect"] == pytest.approx(-2.0 * 0.3)
    # Replications share their noise (common random numbers): the paired interval has no width.
    assert local.loc[KEYS[0], "effect_low"] == pytest.approx(2.0)
    base_y = 100 + 4.0 * 0.5 - 2.0 * 0.3
    assert local.loc[KEYS[0], "elasticity"] == pytest.approx((2.0 / base_y) / (0.5 / 0.5))
    assert list(local.columns[:3]) == ["low", "base", "high"]


def test_local_and_global_side_by_side_in_the_report(tmp_path):
    oat = oat_sweep(tmp_path)
    x = morris_points(6, 4, 2, seed=2)
    write_sweep(tmp_path / "morris", x, 30 * x[:, 0] + 3 * x[:, 1], "morris",
                "design:\n  morris: {trajectories: 6, levels: 4}\n")
    both = sensitivity.local_and_global(sensitivity.sweep_sensitivity(oat, "products_launched"),
                                        sensitivity.sweep_sensitivity(tmp_path / "morris", "products_launched"))
    assert {"effect", "elasticity", "mu_star", "sigma"} <= set(both.columns)
    fig = plots.local_global_bars(both, "local and global")
    assert plots.check_figure(fig) == []
    plots.close(fig)
    w = report.ReportWriter(tmp_path / "out")
    report.sweep_sections(w, [str(oat), str(tmp_path / "morris")], ["products_launched"])
    text = w.write().read_text()
    assert "## Local and global sensitivity of `products_launched`" in text
    assert "sensitivity_products_launched_local_global.svg" in text


def test_identical_runs_across_points_are_found_and_reported(tmp_path):
    """Exemption levels 0.8 and 1.0 below the sanction-probability kink give identical runs: the
    sweep says so instead of reporting a zero slope as if it were estimated."""
    points = np.array([[0.6, 0.1], [0.8, 0.1], [1.0, 0.1], [0.8, 0.3]])
    y = np.array([90.0, 100.0, 100.0, 120.0])
    write_sweep(tmp_path / "kink", points, y, "grid", keys=["sanction_reduction", "sanction_probability"])
    assert sensitivity.identical_points(tmp_path / "kink") == [[1, 2]]
    notes = sensitivity.kink_notes(tmp_path / "kink")
    assert len(notes) == 1 and "Design points 1, 2 differ in sanction_reduction" in notes[0]
    w = report.ReportWriter(tmp_path / "out")
    report.sweep_section(w, str(tmp_path / "kink"), ["products_launched"])
    assert "**Identical runs.**" in w.write().read_text()


def test_a_sensitivity_report_needs_no_baseline_or_policy(tmp_path):
    oat = oat_sweep(tmp_path)
    path = report.build_report(None, None, tmp_path / "out", sweeps=[str(oat)], sweep_metrics=["transfers"])
    text = path.read_text()
    assert text.startswith("# Sensitivity") and "### Sensitivity of `transfers`: local effects" in text
    with pytest.raises(ValueError, match="BASELINE and POLICY, or neither"):
        report.build_report(str(oat), None, tmp_path / "bad", sweeps=[str(oat)])
