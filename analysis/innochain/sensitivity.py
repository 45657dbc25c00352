"""Morris and Sobol sensitivity indices from the designs of ``innochain sweep``.

The designs and their point order are fixed by the sweep contract (docs/sweeps.md):

* **morris** (``trajectories`` r, ``levels`` p, k keys): r trajectories of k + 1 consecutive
  points; consecutive points of a trajectory differ in exactly one key, by
  delta = p / (2 (p - 1)) of its range. Points are numbered trajectory by trajectory.
* **saltelli** (``samples`` N, k keys): for each base row j of a 2k-dimensional Sobol sequence
  (A = first k dimensions, B = last k) the points A_j, AB_j^1, ..., AB_j^k, B_j, in that order
  (AB^i = A with column i taken from B): N (k + 2) points.

The estimators take the design (a DataFrame with one column per key, rows in point order) and the
outcome at each point (e.g. :func:`innochain.datasets.point_means`), so the same code serves a
sweep directory and a test function. Intervals are percentile bootstraps over trajectories (Morris)
or base rows (Sobol), with a fixed seed so a report is reproducible.

References: Morris (1991); Campolongo, Cariboni and Saltelli (2007) for mu*; Saltelli et al.
(2010), "Variance based sensitivity analysis of model output", estimators (b) for first-order
and (f) (Jansen 1999) for total effects, as in SALib.
"""

from __future__ import annotations

import os
from typing import Sequence

import numpy as np
import pandas as pd

from .datasets import point_means, read_design, sweep_info


def _as_matrix(design: pd.DataFrame | np.ndarray) -> tuple[np.ndarray, list[str]]:
    if isinstance(design, pd.DataFrame):
        return design.to_numpy(dtype=float), [str(c) for c in design.columns]
    x = np.asarray(design, dtype=float)
    return x, [f"x{i + 1}" for i in range(x.shape[1])]


def morris_elementary_effects(design: pd.DataFrame | np.ndarray, y: Sequence[float], levels: int) -> np.ndarray:
    """Elementary effects, shape (r, k), from a Morris design in contract order.

    EE = (y(next) - y(this)) / (+-delta) where delta = p / (2 (p - 1)) is the step as a share of
    the key's range and the sign is the direction of the step; so effects are per unit of a key's
    normalised range, whatever its scale (and for ``log: true`` keys, per unit of the log range).
    """
    x, names = _as_matrix(design)
    y = np.asarray(y, dtype=float)
    n, k = x.shape
    if y.shape != (n,):
        raise ValueError(f"{y.shape[0]} outcomes for {n} design points")
    if n % (k + 1):
        raise ValueError(f"a Morris design with {k} keys has a multiple of {k + 1} points, not {n}")
    if levels < 2:
        raise ValueError("levels must be at least 2")
    delta = levels / (2.0 * (levels - 1))
    r = n // (k + 1)
    ee = np.full((r, k), np.nan)
    for t in range(r):
        base = t * (k + 1)
        for s in range(k):
            step = x[base + s + 1] - x[base + s]
            changed = np.flatnonzero(step != 0.0)
            if changed.size != 1:
                raise ValueError(
                    f"trajectory {t}, step {s}: points {base + s} and {base + s + 1} differ in "
                    f"{changed.size} keys (a Morris step changes exactly one)"
                )
            i = int(changed[0])
            if not np.isnan(ee[t, i]):
                raise ValueError(f"trajectory {t} changes key {names[i]!r} twice")
            ee[t, i] = (y[base + s + 1] - y[base + s]) / (np.sign(step[i]) * delta)
    return ee


def morris(
    design: pd.DataFrame | np.ndarray,
    y: Sequence[float],
    levels: int,
    bootstrap: int = 1000,
    confidence: float = 0.95,
    seed: int = 20240101,
) -> pd.DataFrame:
    """Morris screening indices per key: ``mu``, ``mu_star`` (mean |EE|), ``sigma`` (sd of EE,
    ddof 1) and a bootstrap interval ``mu_star_low``/``mu_star_high`` over trajectories."""
    _, names = _as_matrix(design)
    ee = morris_elementary_effects(design, y, levels)
    r = ee.shape[0]
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, r, size=(bootstrap, r))
    boot = np.abs(ee)[draws].mean(axis=1)  # (bootstrap, k)
    a = (1.0 - confidence) / 2.0
    return pd.DataFrame(
        {
            "mu": ee.mean(axis=0),
            "mu_star": np.abs(ee).mean(axis=0),
            "sigma": ee.std(axis=0, ddof=1) if r > 1 else np.zeros(ee.shape[1]),
            "mu_star_low": np.quantile(boot, a, axis=0),
            "mu_star_high": np.quantile(boot, 1.0 - a, axis=0),
        },
        index=pd.Index(names, name="key"),
    )


def _saltelli_blocks(y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if y.size % (k + 2):
        raise ValueError(f"a Saltelli design with {k} keys has a multiple of {k + 2} points, not {y.size}")
    blocks = y.reshape(-1, k + 2)
    return blocks[:, 0], blocks[:, 1 : k + 1], blocks[:, k + 1]  # f(A), f(AB^i), f(B)


def _sobol_from_blocks(fa: np.ndarray, fab: np.ndarray, fb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    var = np.var(np.concatenate([fa, fb]), ddof=0)
    if var == 0.0:
        nan = np.full(fab.shape[1], np.nan)
        return nan, nan
    first = np.mean(fb[:, None] * (fab - fa[:, None]), axis=0) / var  # Saltelli 2010 (b)
    total = 0.5 * np.mean((fa[:, None] - fab) ** 2, axis=0) / var  # Jansen 1999, Saltelli 2010 (f)
    return first, total


def sobol(
    y: Sequence[float],
    keys: Sequence[str] | int,
    bootstrap: int = 1000,
    confidence: float = 0.95,
    seed: int = 20240101,
) -> pd.DataFrame:
    """First-order (``S1``) and total (``ST``) Sobol indices from outcomes in Saltelli order.

    ``y`` holds the outcome at the N (k + 2) points of a saltelli design in contract order;
    ``keys`` are the k key names (or k). Intervals ``S1_low``/``S1_high``/``ST_low``/``ST_high``
    are percentile bootstraps over the N base rows.
    """
    names = [f"x{i + 1}" for i in range(keys)] if isinstance(keys, int) else [str(k) for k in keys]
    k = len(names)
    fa, fab, fb = _saltelli_blocks(np.asarray(y, dtype=float), k)
    first, total = _sobol_from_blocks(fa, fab, fb)
    n = fa.size
    rng = np.random.default_rng(seed)
    boot_first = np.empty((bootstrap, k))
    boot_total = np.empty((bootstrap, k))
    for b in range(bootstrap):
        rows = rng.integers(0, n, size=n)
        boot_first[b], boot_total[b] = _sobol_from_blocks(fa[rows], fab[rows], fb[rows])
    a = (1.0 - confidence) / 2.0
    return pd.DataFrame(
        {
            "S1": first,
            "S1_low": np.nanquantile(boot_first, a, axis=0),
            "S1_high": np.nanquantile(boot_first, 1.0 - a, axis=0),
            "ST": total,
            "ST_low": np.nanquantile(boot_total, a, axis=0),
            "ST_high": np.nanquantile(boot_total, 1.0 - a, axis=0),
        },
        index=pd.Index(names, name="key"),
    )


def sweep_sensitivity(
    directory: str | os.PathLike, metric: str, design: str | None = None, levels: int | None = None, **kwargs
) -> pd.DataFrame:
    """Morris or Sobol indices of ``metric`` from a sweep directory.

    The outcome at each point is the mean of ``summary.<metric>`` over its replications
    (index.csv); the design is design.csv. ``design`` (``"morris"`` or ``"saltelli"``) defaults
    to the ``design`` attribute of index.h5; Morris needs ``levels`` (default: the sweep file's
    ``levels`` under ``design``, if it can be read).
    """
    info = sweep_info(directory)
    kind = design or info.get("design")
    if kind not in ("morris", "saltelli"):
        raise ValueError(f"{directory}: design {kind!r} has no sensitivity indices (morris or saltelli)")
    points = read_design(directory)
    y = point_means(directory, metric).reindex(points.index).to_numpy()
    if kind == "saltelli":
        return sobol(y, list(points.columns), **kwargs)
    if levels is None:
        levels = _levels_from_sweep_file(directory)
    return morris(points, y, levels, **kwargs)


def _levels_from_sweep_file(directory: str | os.PathLike) -> int:
    import yaml

    path = os.path.join(directory, "sweep.yaml")
    try:
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f) or {}
    except OSError as e:
        raise ValueError(f"{path}: cannot read the Morris levels ({e}); pass levels=") from e
    found = _find_key(doc, "levels")
    if found is None:
        raise ValueError(f"{path}: no 'levels' in the sweep file; pass levels=")
    return int(found)


def _find_key(node, key):
    if isinstance(node, dict):
        if key in node:
            return node[key]
        for v in node.values():
            found = _find_key(v, key)
            if found is not None:
                return found
    return None
