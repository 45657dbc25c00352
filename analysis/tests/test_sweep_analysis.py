"""Sweep response curves, surfaces and the report's sweep section, on synthetic sweep directories
laid out as the sweep contract says (design.csv, index.csv, index.h5, sweep.yaml)."""

from __future__ import annotations

import pathlib

import h5py
import numpy as np
import pandas as pd


from innochain import datasets, plots, report
from test_sensitivity import morris_points

KEYS = ["policies.v.coverage", "policies.v.subsidy_rate"]


def write_sweep(directory: pathlib.Path, points: np.ndarray, y: np.ndarray, kind: str, extra_yaml: str = "") -> None:
    directory.mkdir(parents=True, exist_ok=True)
    keys = KEYS[: points.shape[1]]
    design = pd.DataFrame(points, columns=keys)
    design.insert(0, "point", np.arange(len(points)))
    design.to_csv(directory / "design.csv", index=False)
    rows = []
    for p in range(len(points)):
        for rep, noise in ((0, -1.0), (1, 1.0)):
            rows.append({"run_id": f"{p:08x}{rep:08x}", "point": p, "replication": rep, "seed": 7,
                         "status": "complete", "wall_seconds": 0.2, "error": "",
                         **dict(zip(keys, points[p])), "summary.products_launched": y[p] + noise})
    rows.append({"run_id": "ffffffffffffffff", "point": 0, "replication": 2, "seed": 7, "status": "failed",
                 "wall_seconds": 0.0, "error": "killed", **dict(zip(keys, points[0])),
                 "summary.products_launched": np.nan})
    pd.DataFrame(rows).to_csv(directory / "index.csv", index=False)
    with h5py.File(directory / "index.h5", "w") as f:
        f.attrs["format"] = "innochain-sweep-index"
        f.attrs["design"] = kind
    (directory / "sweep.yaml").write_text(f"base: guangdong_small.yaml\nreplications: 2\n{extra_yaml}")


def test_grid_sweep_curves_and_surface(tmp_path):
    cov, rate = np.meshgrid([0.1, 0.5, 0.9], [0.2, 0.6], indexing="ij")
    points = np.column_stack([cov.ravel(), rate.ravel()])
    y = 100 + 50 * points[:, 0] + 20 * points[:, 1]
    write_sweep(tmp_path / "grid", points, y, "grid")
    means = datasets.point_means(tmp_path / "grid", "products_launched")  # the failed run is left out
    np.testing.assert_allclose(means.to_numpy(), y)
    index = datasets.read_index(tmp_path / "grid")
    plots.response_curve(index, KEYS[0], "products_launched").savefig(tmp_path / "curve.png")
    plots.response_surface(index, KEYS[0], KEYS[1], "products_launched").savefig(tmp_path / "surface.png")
    assert (tmp_path / "curve.png").stat().st_size > 2000 and (tmp_path / "surface.png").stat().st_size > 2000
    w = report._Writer(tmp_path / "out", "markdown", 60)
    report._sweep_section(w, str(tmp_path / "grid"), ["products_launched"])
    text = w.write().read_text()
    assert "Design `grid` over 6 points" in text and "sweep_products_launched_surface.png" in text


def test_morris_sweep_section_reads_levels_from_the_sweep_file(tmp_path):
    x = morris_points(6, 4, 2, seed=2)
    write_sweep(tmp_path / "morris", x, 30 * x[:, 0] + 3 * x[:, 1], "morris",
                "design:\n  morris: {trajectories: 6, levels: 4}\n")
    w = report._Writer(tmp_path / "out", "markdown", 60)
    report._sweep_section(w, str(tmp_path / "morris"), ["products_launched"])
    text = w.write().read_text()
    assert "### Sensitivity of `products_launched`" in text
    assert f"| {KEYS[0]} | 30 | 30 | 0 |" in text  # mu, mu*, sigma of the linear key
