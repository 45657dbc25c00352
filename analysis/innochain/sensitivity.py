"""Local and global sensitivity indices from the designs of ``innochain sweep``.

The designs and their point order are fixed by the sweep contract (docs/sweeps.md):

* **oat** (one at a time, k keys, ``levels`` L): point 0 is the base point (every key at the base
  scenario's value, the calibrated point); then, key by key, L points that move that key alone
  over its range. :func:`local_effects` gives each key's effect from its low to its high end with
  the others at the base, paired over replications (common random numbers), and the elasticity
  at the base point.
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

from . import metrics as registry
from .datasets import point_means, read_design, read_index, sweep_info
from .paired import paired_effect


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


def local_effects(design: pd.DataFrame, index: pd.DataFrame, metric: str, confidence: float = 0.95) -> pd.DataFrame:
    """One-at-a-time effects around the base point of an ``oat`` sweep (design point 0).

    For every key: ``low``, ``base`` and ``high`` (its values), ``effect`` = mean over
    replications of y(high end) - y(low end) with the other keys at the base value, its Student t
    interval ``effect_low``/``effect_high`` over the paired replications (the same random numbers
    at every point), ``base_mean`` (the outcome at the base point) and ``elasticity`` =
    (effect / base_mean) / ((high - low) / base) -- NaN where the base value or the base outcome
    is 0. Points that move no key, or more than one, are refused.
    """
    x = design.sort_index()
    base = x.iloc[0]
    done = index[index["status"] == "complete"].copy()
    done["_y"] = registry.values(done, metric, prefix="summary.")
    by_point = {p: g.set_index("replication")["_y"] for p, g in done.groupby("point")}
    rows = {}
    for key in x.columns:
        pts = [p for p in x.index[1:] if _moves_only(x.loc[p], base, key)]
        if not pts:
            continue
        values = x.loc[pts, key].astype(float)
        lo_p, hi_p = int(values.idxmin()), int(values.idxmax())
        y_lo, y_hi = by_point[lo_p], by_point[hi_p]
        reps = y_lo.index.intersection(y_hi.index)
        e = paired_effect(y_lo[reps], y_hi[reps], confidence)
        base_mean = float(by_point[int(x.index[0])].mean())
        b = float(base[key])
        span = float(values.max() - values.min())
        elasticity = (e["mean_difference"] / base_mean) / (span / b) if base_mean != 0.0 and b != 0.0 else np.nan
        rows[key] = {"low": float(values.min()), "base": b, "high": float(values.max()),
                     "effect": e["mean_difference"], "effect_low": e["ci_low"], "effect_high": e["ci_high"],
                     "base_mean": base_mean, "elasticity": elasticity, "pairs": e["pairs"]}
    for p in x.index[1:]:
        moved = [k for k in x.columns if not _same(x.loc[p, k], base[k])]
        if len(moved) != 1:
            raise ValueError(f"oat design point {p} moves {len(moved)} keys ({', '.join(moved)}); one-at-a-time "
                             "points move exactly one key away from point 0")
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("key")


def _same(a, b) -> bool:
    return (pd.isna(a) and pd.isna(b)) or a == b


def _moves_only(row: pd.Series, base: pd.Series, key: str) -> bool:
    return not _same(row[key], base[key]) and all(_same(row[k], base[k]) for k in row.index if k != key)


def local_and_global(local: pd.DataFrame, global_: pd.DataFrame) -> pd.DataFrame:
    """Local effects (:func:`local_effects`) and global indices (:func:`morris` or :func:`sobol`)
    side by side, one row per key of either table (NaN where a sweep lacks the key)."""
    cols = [c for c in ("low", "base", "high", "effect", "effect_low", "effect_high", "elasticity") if c in local]
    return local[cols].join(global_, how="outer")


def identical_points(directory: str | os.PathLike) -> list[list[int]]:
    """Groups of design points of a sweep whose runs are identical: in every replication they
    share, every /summary value is equal (index.csv holds them exactly). A parameter change that
    leaves every run unchanged shows where a rule of the model is flat or kinked (docs/analysis.md,
    "Kinks"). Only points with the same replications are compared; groups are sorted."""
    index = read_index(directory)
    done = index[index["status"] == "complete"]
    columns = [c for c in done.columns if c.startswith("summary.")]
    signatures: dict[tuple, list[int]] = {}
    for point, g in done.groupby("point", sort=True):
        g = g.sort_values("replication")
        key = (tuple(g["replication"]), g[columns].to_numpy(dtype=float).tobytes())  # bit for bit
        signatures.setdefault(key, []).append(int(point))
    return sorted(group for group in signatures.values() if len(group) > 1)


def kink_notes(directory: str | os.PathLike) -> list[str]:
    """One sentence per group of :func:`identical_points`: which key values gave identical runs."""
    groups = identical_points(directory)
    if not groups:
        return []
    design = read_design(directory)
    notes = []
    for group in groups:
        rows = design.loc[group]
        differ = [k for k in rows.columns if rows[k].astype(str).nunique() > 1]
        if not differ:
            continue  # repeated identical points of a design, not a kink
        values = "; ".join(
            f"point {p}: " + ", ".join(f"{k} = {rows.loc[p, k]}" for k in differ) for p in group)
        notes.append(
            f"Design points {', '.join(map(str, group))} differ in {', '.join(differ)} but gave identical runs "
            f"(every /summary value, in every replication): {values}. The outcome is flat there: a rule of the "
            "model does not respond to the change (a threshold or kink), so effects estimated across these points "
            "are exactly zero rather than small.")
    return notes


def sweep_sensitivity(
    directory: str | os.PathLike, metric: str, design: str | None = None, levels: int | None = None, **kwargs
) -> pd.DataFrame:
    """Sensitivity of ``metric`` (a /summary value or a derived outcome such as ``transfers``)
    from a sweep directory: local effects for an ``oat`` design (:func:`local_effects`), Morris
    indices for ``morris``, Sobol indices for ``saltelli``.

    The outcome at each point is the mean over its replications (index.csv); the design is
    design.csv. ``design`` defaults to the ``design`` attribute of index.h5; Morris needs
    ``levels`` (default: the sweep file's ``levels`` under ``design``, if it can be read).
    """
    info = sweep_info(directory)
    kind = design or info.get("design")
    if kind == "oat":
        return local_effects(read_design(directory), read_index(directory), metric, **kwargs)
    if kind not in ("morris", "saltelli"):
        raise ValueError(f"{directory}: design {kind!r} has no sensitivity indices (oat, morris or saltelli)")
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
