"""Morris and Sobol estimators (analysis/innochain/sensitivity.py) against known answers.

Designs are built here in the sweep contract's point order (docs/sweeps.md); ``innochain sweep``
writes the same order, so these tests exercise the path a sweep directory takes.
"""

from __future__ import annotations

import math
import pathlib

import h5py
import numpy as np
import pandas as pd
import pytest
from scipy.stats import qmc


from innochain import sensitivity
from innochain.plots import sensitivity_bars

A, B = 7.0, 0.1


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_analytic() -> tuple[np.ndarray, np.ndarray]:
    """First-order and total indices of the Ishigami function (Ishigami and Homma 1990)."""
    pi4, pi8 = math.pi**4, math.pi**8
    v = A**2 / 8 + B * pi4 / 5 + B**2 * pi8 / 18 + 0.5
    v1 = 0.5 * (1 + B * pi4 / 5) ** 2
    v2 = A**2 / 8
    v13 = B**2 * pi8 * (1 / 18 - 1 / 50)
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def saltelli_points(n_log2: int, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The contract's saltelli design: 2k-dimensional Sobol rows, A = first k, B = last k, and
    for each row the points A, AB^1..AB^k, B (AB^i = A with column i from B)."""
    k = low.size
    base = qmc.Sobol(d=2 * k, scramble=False).random_base2(n_log2)
    a = low + (high - low) * base[:, :k]
    b = low + (high - low) * base[:, k:]
    points = []
    for j in range(a.shape[0]):
        points.append(a[j])
        for i in range(k):
            ab = a[j].copy()
            ab[i] = b[j, i]
            points.append(ab)
        points.append(b[j])
    return np.array(points)


def test_ishigami_sobol_indices_match_the_analytic_values():
    low, high = np.full(3, -math.pi), np.full(3, math.pi)
    x = saltelli_points(13, low, high)  # 8192 base rows, 40 960 points
    assert x.shape == (8192 * 5, 3)
    idx = sensitivity.sobol(ishigami(x), ["x1", "x2", "x3"], bootstrap=200)
    s1, st = ishigami_analytic()
    np.testing.assert_allclose(s1, [0.3139, 0.4424, 0.0], atol=1e-4)  # the textbook values
    np.testing.assert_allclose(st, [0.5576, 0.4424, 0.2437], atol=1e-4)
    np.testing.assert_allclose(idx["S1"].to_numpy(), s1, atol=0.02)
    np.testing.assert_allclose(idx["ST"].to_numpy(), st, atol=0.02)
    # The bootstrap intervals are proper intervals around the estimates, and narrow at this N.
    for col in ("S1", "ST"):
        assert (idx[f"{col}_low"] <= idx[col]).all() and (idx[col] <= idx[f"{col}_high"]).all()
        assert (idx[f"{col}_high"] - idx[f"{col}_low"] < 0.1).all()


def test_sobol_from_a_sweep_directory_matches_the_direct_estimate(tmp_path):
    """The same estimator through a sweep directory's design.csv, index.csv and index.h5."""
    low, high = np.array([-math.pi, -math.pi, -math.pi]), np.array([math.pi, math.pi, math.pi])
    x = saltelli_points(9, low, high)
    y = ishigami(x)
    keys = ["policies.a.x", "policies.a.y", "world.z"]
    design = pd.DataFrame(x, columns=keys)
    design.insert(0, "point", np.arange(len(x)))
    design.to_csv(tmp_path / "design.csv", index=False)
    rows = []
    for point in range(len(x)):
        for rep, noise in ((0, -0.25), (1, 0.25)):  # replications average to the function's value
            rows.append({"run_id": f"{point:08x}{rep:08x}", "point": point, "replication": rep, "seed": 1,
                         "status": "complete", "wall_seconds": 0.1, "error": "",
                         **dict(zip(keys, x[point])), "summary.ishigami": y[point] + noise})
    pd.DataFrame(rows).to_csv(tmp_path / "index.csv", index=False)
    with h5py.File(tmp_path / "index.h5", "w") as f:
        f.attrs["format"] = "innochain-sweep-index"
        f.attrs["design"] = "saltelli"
    via_dir = sensitivity.sweep_sensitivity(tmp_path, "ishigami", bootstrap=50)
    direct = sensitivity.sobol(y, keys, bootstrap=50)
    np.testing.assert_allclose(via_dir["S1"].to_numpy(), direct["S1"].to_numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(via_dir["ST"].to_numpy(), direct["ST"].to_numpy(), rtol=1e-12, atol=1e-12)
    assert list(via_dir.index) == keys
    fig = sensitivity_bars(via_dir, "ishigami")
    fig.savefig(tmp_path / "sobol.png")
    assert (tmp_path / "sobol.png").stat().st_size > 1000


def morris_points(trajectories: int, levels: int, k: int, seed: int) -> np.ndarray:
    """The contract's morris design on [0, 1]^k: r trajectories of k + 1 points; each step
    moves one key by delta = p / (2 (p - 1)), up when it can, down otherwise."""
    rng = np.random.default_rng(seed)
    delta = levels / (2.0 * (levels - 1))
    grid = np.arange(levels) / (levels - 1)
    points = []
    for _ in range(trajectories):
        x = rng.choice(grid, size=k)
        points.append(x.copy())
        for i in rng.permutation(k):
            x[i] = x[i] + delta if x[i] + delta <= 1.0 + 1e-12 else x[i] - delta
            points.append(x.copy())
    return np.array(points)


def test_morris_ranks_a_function_with_known_effects():
    # f = 10 x1 + 5 x2^2 + x3 + 0 x4: x1 and x3 are linear (every elementary effect equals the
    # coefficient, sigma 0), x2 is nonlinear (effects 5 (2x +- delta) vary: sigma > 0), x4 inert.
    k, levels, r = 4, 4, 30
    x = morris_points(r, levels, k, seed=3)
    y = 10 * x[:, 0] + 5 * x[:, 1] ** 2 + x[:, 2]
    design = pd.DataFrame(x, columns=["a", "b", "c", "d"])
    idx = sensitivity.morris(design, y, levels, bootstrap=200)
    assert list(idx.sort_values("mu_star", ascending=False).index) == ["a", "b", "c", "d"]
    # Effects are per unit of a key's range: the coefficients themselves for linear keys.
    assert idx.loc["a", "mu_star"] == pytest.approx(10.0)
    assert idx.loc["a", "mu"] == pytest.approx(10.0)
    assert idx.loc["c", "mu_star"] == pytest.approx(1.0)
    assert idx.loc["d", "mu_star"] == pytest.approx(0.0, abs=1e-12)
    assert idx.loc["a", "sigma"] == pytest.approx(0.0, abs=1e-9)
    assert idx.loc["b", "sigma"] > 1.0
    # x2's effects lie between 5 (2 x 0 + delta) and 5 (2 x 1/3 + delta) = 10/3 ... 20/3.
    assert 10 / 3 - 1e-9 <= idx.loc["b", "mu_star"] <= 20 / 3 + 1e-9
    assert (idx["mu_star_low"] <= idx["mu_star"] + 1e-12).all()
    assert (idx["mu_star"] <= idx["mu_star_high"] + 1e-12).all()


def test_morris_scale_free_and_sign_aware():
    """A key swept over [100, 300] gives the same index as over [0, 1] (per unit range), and a
    step down counts with its sign."""
    k, levels = 2, 6
    x = morris_points(12, levels, k, seed=5)
    scaled = x * np.array([200.0, 1.0]) + np.array([100.0, 0.0])
    y = -4 * x[:, 0] + 2 * x[:, 1]
    a = sensitivity.morris(pd.DataFrame(x), y, levels, bootstrap=10)
    b = sensitivity.morris(pd.DataFrame(scaled), y, levels, bootstrap=10)
    np.testing.assert_allclose(a["mu"].to_numpy(), [-4.0, 2.0])
    np.testing.assert_allclose(b["mu"].to_numpy(), a["mu"].to_numpy())


def test_malformed_designs_are_refused():
    x = morris_points(2, 4, 3, seed=1)
    with pytest.raises(ValueError, match="multiple of 4"):
        sensitivity.morris(pd.DataFrame(x[:-1]), np.zeros(len(x) - 1), 4)
    bad = x.copy()
    bad[1] = bad[0] + 0.5  # a step that moves every key
    with pytest.raises(ValueError, match="differ in 3 keys"):
        sensitivity.morris(pd.DataFrame(bad), np.zeros(len(x)), 4)
    with pytest.raises(ValueError, match="multiple of 5"):
        sensitivity.sobol(np.zeros(11), 3)
