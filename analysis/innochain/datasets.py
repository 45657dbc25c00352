"""Many runs at once: a run file, a directory of run files, or a sweep directory.

A *dataset* is what ``innochain compare`` takes as one side :

* a run file ``FILE.h5``;
* a sweep directory ``DIR`` (``DIR/runs/*.h5``, see docs/sweeps.md and the sweep contract:
  ``DIR/index.csv``, ``DIR/design.csv``);
* any other directory of run files ``DIR/*.h5`` (e.g. made with
  ``innochain run --replication K -o DIR/rK.h5``).

Runs are identified by their own root attributes (``replication``, ``seed`` and, for runs written
by a sweep, ``sweep_point``), never by file names, so pairing a policy with its baseline does not
depend on how the files were named. Every file must be complete (``status == "complete"``).

Main entry points:

* :func:`run_table` -- one row per run: identity columns and every /summary value;
* :func:`open_runs` -- monthly series of every run stacked along a ``run`` dimension (xarray),
  with each run's id, replication, seed and design point (and, for a sweep, its design values);
* :func:`pair_runs` -- the runs of two datasets paired by (point, replication), with the checks
  of ``innochain compare`` (horizons, world.scale, missing replications, seeds);
* :func:`compare` -- the comparison table of ``innochain compare`` (paired differences, Student t
  intervals, relative change, public cost per additional unit with its Fieller interval);
* :func:`read_index`, :func:`read_design` -- a sweep directory's tables.
"""

from __future__ import annotations

import os
import pathlib
from typing import Sequence

import h5py
import numpy as np
import pandas as pd
import xarray as xr
import yaml

from . import metrics as registry
from .metrics import COST_OUTCOMES, DEFAULT_METRICS, DERIVED, SPENDING, SPENDING_PV
from .paired import cost_per_additional_unit, fieller_interval, paired_effect
from .reader import IncompleteRunError, checked_file, open_run, to_python, to_text

__all__ = [
    "COST_OUTCOMES", "DEFAULT_METRICS", "DERIVED", "ID_COLUMNS", "COMPARISON_COLUMNS", "MismatchError", "run_files",
    "run_table", "open_runs", "read_index", "read_design", "sweep_info", "point_means", "pair_runs", "compare",
    "present_value",
]

#: The columns of :func:`compare` after ``point`` -- the same names as ``innochain compare --format csv``.
COMPARISON_COLUMNS = (
    "metric", "units", "pairs", "baseline_mean", "policy_mean", "mean_difference", "sd_difference", "ci_low",
    "ci_high", "relative_change", "extra_public_cost", "cost_per_additional_unit", "cost_ci_low", "cost_ci_high",
    "cost_mark",
)

ID_COLUMNS = ("path", "replication", "seed", "sweep_point", "horizon_months", "world_scale", "scenario_name")


class MismatchError(ValueError):
    """Two datasets cannot be paired (message lists every problem, one per line)."""


def run_files(path: str | os.PathLike) -> list[pathlib.Path]:
    """The run files of a dataset: the file itself, DIR/runs/*.h5 if DIR/runs exists, else DIR/*.h5."""
    p = pathlib.Path(path)
    if not p.is_dir():
        if not p.exists():
            raise FileNotFoundError(f"{p}: no such file or directory")
        return [p]
    directory = p / "runs" if (p / "runs").is_dir() else p
    files = sorted(directory.glob("*.h5"))
    if not files:
        raise ValueError(f"{p}: no run files (*.h5) in {directory}")
    return files


def _record(path: pathlib.Path) -> dict:
    with checked_file(path, strict=True) as f:
        attrs = f.attrs
        scenario = yaml.safe_load(to_text(f["scenario"][()])) or {}
        row = {
            "path": str(path),
            "replication": int(to_python(attrs["replication"])),
            "seed": str(to_python(attrs.get("seed", ""))),
            "sweep_point": int(to_python(attrs["sweep_point"])) if "sweep_point" in attrs else -1,
            "horizon_months": int(to_python(attrs["months_completed"])),
            "world_scale": float((scenario.get("world") or {}).get("scale", 1.0)),
            "scenario_name": str(to_python(attrs.get("scenario_name", ""))),
        }
        for name, ds in f["summary"].items():
            row[name] = float(ds[()])
    for name, parts in DERIVED.items():
        if all(p in row for p in parts):
            total = row[parts[0]]
            for part in parts[1:]:
                total = total + row[part]  # in part order, as innochain compare sums them
            row[name] = total
    row.setdefault(SPENDING, 0.0)
    return row


def run_table(path: str | os.PathLike) -> pd.DataFrame:
    """One row per run of a dataset, sorted by (sweep_point, replication).

    Columns: ``path``, ``replication``, ``seed`` (text), ``sweep_point`` (-1 for runs not written
    by a sweep), ``horizon_months``, ``world_scale``, ``scenario_name``, then every /summary value
    and the derived outcomes ``transfers`` and ``startups``. Raises
    :class:`~innochain.reader.IncompleteRunError` naming every unfinished file.
    """
    rows, incomplete = [], []
    for file in run_files(path):
        try:
            rows.append(_record(file))
        except IncompleteRunError as e:
            incomplete.append(str(e))
    if incomplete:
        raise IncompleteRunError(f"{path}: {len(incomplete)} run file(s) are not complete:\n  " + "\n  ".join(incomplete))
    table = pd.DataFrame(rows)
    return table.sort_values(["sweep_point", "replication", "path"], kind="stable").reset_index(drop=True)


def open_runs(path: str | os.PathLike, names: Sequence[str] | None = None) -> xr.Dataset:
    """The monthly series of every run of a dataset, stacked along a ``run`` dimension.

    Variables have dims ``("run", "month", ...)``. Coordinates along ``run`` identify each run:
    ``run_id`` (the sweep's run id, else the file name without ``.h5``), ``replication``,
    ``seed``, ``sweep_point`` (-1 outside sweeps), ``path`` and, for a sweep directory, one
    coordinate per design key with the point's value (from design.csv; NaN or "" where the point
    keeps the base value). ``names`` selects series (default: all). Runs are sorted by
    (sweep_point, replication).
    """
    files = run_files(path)
    design = None
    directory = pathlib.Path(path)
    if directory.is_dir() and (directory / "design.csv").exists():
        design = read_design(directory)
    parts = []
    for file in files:
        ds = open_run(file)
        if names is not None:
            ds = ds[list(names)]
        attrs = ds.attrs
        ds = ds.expand_dims("run")
        ds = ds.assign_coords(
            run_id=("run", [str(attrs.get("sweep_run_id", file.stem))]),
            replication=("run", [int(attrs["replication"])]),
            seed=("run", [str(attrs.get("seed", ""))]),
            sweep_point=("run", [int(attrs.get("sweep_point", -1))]),
            path=("run", [str(file)]),
        )
        ds.attrs = {}
        parts.append(ds)
    out = xr.concat(parts, dim="run", combine_attrs="override")  # variables keep units, long_name, ...
    order = np.lexsort((out["replication"].values, out["sweep_point"].values))
    out = out.isel(run=order)
    if design is not None:
        points = out["sweep_point"].values
        for key in design.columns:
            column = design[key].reindex(points)
            out = out.assign_coords({key: ("run", column.to_numpy())})
        out.attrs["design_keys"] = list(design.columns)
    return out


def read_index(directory: str | os.PathLike) -> pd.DataFrame:
    """A sweep directory's index.csv (one row per run; see the sweep contract)."""
    return pd.read_csv(pathlib.Path(directory) / "index.csv", keep_default_na=False, na_values=[""])


def read_design(directory: str | os.PathLike) -> pd.DataFrame:
    """A sweep directory's design.csv (one row per design point, indexed by ``point``)."""
    return pd.read_csv(pathlib.Path(directory) / "design.csv").set_index("point").sort_index()


def sweep_info(directory: str | os.PathLike) -> dict:
    """Root attributes of DIR/index.h5 (design kind, keys, replications, base scenario), if present."""
    path = pathlib.Path(directory) / "index.h5"
    if not path.exists():
        return {}
    with h5py.File(path, "r") as f:
        return {k: to_python(v) for k, v in f.attrs.items()}


def point_means(directory: str | os.PathLike, metric: str) -> pd.Series:
    """Mean of an outcome over the complete replications of each design point of a sweep: a
    /summary value (``summary.<metric>`` of index.csv) or a derived outcome (``transfers``, ...)."""
    index = read_index(directory)
    complete = index[index["status"] == "complete"]
    try:
        values = registry.values(complete, metric, prefix="summary.")
    except KeyError as e:
        raise KeyError(f"{directory}/index.csv: {e.args[0]}") from None
    means = values.groupby(complete["point"]).mean()
    missing = sorted(set(index["point"]) - set(means.index))
    if missing:
        raise ValueError(f"{directory}: design points {missing[:10]} have no complete run")
    return means.sort_index()


def _points_of(table: pd.DataFrame) -> list[int]:
    return sorted(table["sweep_point"].unique().tolist())


def pair_runs(baseline: pd.DataFrame, policy: pd.DataFrame) -> pd.DataFrame:
    """Pairs two run tables (from :func:`run_table`) by (point, replication).

    Returns one row per pair with columns ``point``, ``replication`` and, for every value column
    of the tables, ``<name>_baseline`` and ``<name>_policy``. With several sweep points on both
    sides, points are matched; with one point (or plain runs) on one side, it is the reference for
    every point of the other. Raises :class:`MismatchError` listing every problem: different
    horizons or world scales, replications on one side only or twice, seeds that differ.
    """
    problems = []
    for column, what in (("horizon_months", "horizons"), ("world_scale", "world.scale")):
        values = sorted(set(baseline[column]) | set(policy[column]))
        if len(values) > 1:
            problems.append(f"different {what}: {values}")
    pb, pp = _points_of(baseline), _points_of(policy)
    if len(pb) > 1 and len(pp) > 1:
        if pb != pp:
            problems.append("the two sweeps hold different design points")
        points = [(p, p) for p in pb]
    elif len(pp) > 1:
        points = [(pb[0], p) for p in pp]
    elif len(pb) > 1:
        points = [(p, pp[0]) for p in pb]
    else:
        points = [(pb[0], pp[0])]
    frames = []
    for point_b, point_p in points:
        b = baseline[baseline["sweep_point"] == point_b]
        p = policy[policy["sweep_point"] == point_p]
        label = f"point {max(point_b, point_p)}: " if len(points) > 1 else ""
        for side, t in (("baseline", b), ("policy", p)):
            dup = t["replication"][t["replication"].duplicated()].tolist()
            if dup:
                problems.append(f"{label}{side} replications {dup} appear twice")
        only_b = sorted(set(b["replication"]) - set(p["replication"]))
        only_p = sorted(set(p["replication"]) - set(b["replication"]))
        if only_b:
            problems.append(f"{label}replications {only_b} are in the baseline but not in the policy")
        if only_p:
            problems.append(f"{label}replications {only_p} are in the policy but not in the baseline")
        merged = b.merge(p, on="replication", suffixes=("_baseline", "_policy"))
        bad = merged[merged["seed_baseline"] != merged["seed_policy"]]
        for _, r in bad.iterrows():
            problems.append(
                f"{label}replication {r['replication']} has seed {r['seed_baseline']} in the baseline but "
                f"{r['seed_policy']} in the policy: not common random numbers"
            )
        merged.insert(0, "point", max(point_b, point_p) if len(points) > 1 else -1)
        frames.append(merged)
    if problems:
        raise MismatchError("cannot pair the datasets:\n  " + "\n  ".join(problems))
    return pd.concat(frames, ignore_index=True).sort_values(["point", "replication"]).reset_index(drop=True)


def present_value(path: str | os.PathLike, rate: float) -> float:
    """Present value at month 0 of a run's public spending (/series/policy_spending summed over
    instances): spending in month t (0 = the first month) is weighted by (1 + rate)^(-t/12)."""
    with checked_file(path) as f:
        if "series/policy_spending" not in f:
            return 0.0
        x = f["series/policy_spending"][()]
    by_month = x.sum(axis=1) if x.ndim == 2 else x
    pv = 0.0
    for t, s in enumerate(by_month.tolist()):  # Python floats and C's pow, in month order (as C++)
        pv += s * (1.0 + rate) ** (-t / 12.0)
    return pv


def _outcome_values(table: pd.DataFrame, name: str, outcome: registry.Outcome, province: bool, per_year: bool,
                    discount: float | None) -> np.ndarray:
    """Per-run values as innochain compare computes them (sim/compare/datasets.cpp, outcome_value)."""
    if name == SPENDING_PV:
        v = np.array([present_value(p, discount or 0.0) for p in table["path"]], dtype=float)
    else:
        v = table[name].to_numpy(dtype=float)
    if province and outcome.scales_with_world:
        v = v / table["world_scale"].to_numpy(dtype=float)
    if per_year and outcome.accumulation == "flow":
        v = v * (12.0 / table["horizon_months"].to_numpy(dtype=float))
    return v


def compare(
    baseline: str | os.PathLike | pd.DataFrame,
    policy: str | os.PathLike | pd.DataFrame,
    metrics: Sequence[str] | None = None,
    confidence: float = 0.95,
    province: bool = False,
    per_year: bool = False,
    discount: float | None = None,
) -> pd.DataFrame:
    """The comparison table of ``innochain compare``, as a DataFrame with the same columns.

    ``baseline`` and ``policy`` are datasets (paths) or run tables. One row per (point, metric):
    ``point`` (-1 without sweep points) and :data:`COMPARISON_COLUMNS`: the paired effect
    (:func:`innochain.paired.paired_effect`) and, for :data:`COST_OUTCOMES`, the mean extra public
    cost, the cost per additional unit (yuan; NaN unless both are positive), its Fieller interval
    (NaN when unbounded) and ``cost_mark`` ("n.s." when the extra units' interval includes 0).

    ``province`` divides counts and yuan by world.scale; ``per_year`` turns flows into amounts per
    simulated year; ``discount`` (an annual rate) adds ``policy_spending_pv``, the present value
    at month 0 of public spending, which the costs then use. ``metrics`` may include ``"all"``.
    ``table.attrs`` holds ``notes`` (what the table means) and ``outcomes`` (Outcome records).
    """
    b = baseline if isinstance(baseline, pd.DataFrame) else run_table(baseline)
    p = policy if isinstance(policy, pd.DataFrame) else run_table(policy)
    pairs = pair_runs(b, p)
    names: list[str] = []
    for m in (list(metrics) if metrics else list(DEFAULT_METRICS)):
        if m == "all":
            summary_names = [c for c in b.columns if c not in ID_COLUMNS and c not in DERIVED]
            names += sorted(summary_names) + [d for d in DERIVED if d in b.columns]
            if discount is not None:
                names.append(SPENDING_PV)
        else:
            names.append(m)
            if m == SPENDING and discount is not None and SPENDING_PV not in (metrics or ()):
                names.append(SPENDING_PV)
    unknown = [m for m in names if not (m == SPENDING_PV and discount is not None) and f"{m}_baseline" not in pairs]
    if unknown:
        raise KeyError(f"unknown outcome(s) {unknown}; the run files have: {', '.join(registry.available(b.columns))}")
    source = registry.first_run_file(b["path"].iloc[0]) if "path" in b and len(b) else None
    outcomes = registry.describe(set(names) | {SPENDING, SPENDING_PV}, source)
    cost_metric = SPENDING_PV if discount is not None else SPENDING
    rows = []
    for point, group in pairs.groupby("point", sort=True):
        sides = {}
        for side in ("baseline", "policy"):
            t = group[[c for c in group.columns if c.endswith("_" + side) or c in ("point", "replication")]]
            sides[side] = t.rename(columns=lambda c: c.removesuffix("_" + side))
        values = {}
        for m in set(names) | {cost_metric}:
            values[m] = tuple(_outcome_values(sides[s], m, outcomes[m], province, per_year, discount)
                              for s in ("baseline", "policy"))
        extra_cost = values[cost_metric][1] - values[cost_metric][0]
        mean_extra_cost = float(extra_cost.sum() / extra_cost.size)
        for m in names:
            e = paired_effect(values[m][0], values[m][1], confidence)
            units = outcomes[m].units + ("/year" if per_year and outcomes[m].accumulation == "flow" and outcomes[m].units
                                         else "")
            row = {"point": point, "metric": m, "units": units, **e, "extra_public_cost": np.nan,
                   "cost_per_additional_unit": np.nan, "cost_ci_low": np.nan, "cost_ci_high": np.nan, "cost_mark": ""}
            if m in COST_OUTCOMES:
                row["extra_public_cost"] = mean_extra_cost
                row["cost_per_additional_unit"] = cost_per_additional_unit(mean_extra_cost, e["mean_difference"])
                if np.isfinite(row["cost_per_additional_unit"]):
                    ci = fieller_interval(extra_cost, values[m][1] - values[m][0], confidence)
                    if ci is None:
                        row["cost_mark"] = "n.s."
                    else:
                        row["cost_ci_low"], row["cost_ci_high"] = ci
            rows.append(row)
    table = pd.DataFrame(rows, columns=["point", *COMPARISON_COLUMNS])
    table.attrs["outcomes"] = outcomes
    table.attrs["notes"] = _notes(confidence, province, per_year, discount, b, cost_metric)
    return table


def _notes(confidence, province, per_year, discount, table, cost_metric) -> list[str]:
    notes = [f"difference = policy - baseline, averaged over replications paired by replication and seed (common "
             f"random numbers); interval: {confidence * 100:g} % Student t on the paired differences"]
    scale = float(table["world_scale"].iloc[0])
    if province:
        notes.append(f"province-equivalent: counts and yuan divided by world.scale ({scale:g}, i.e. x {1 / scale:g}); "
                     "ratios (means) are not scaled")
    if per_year:
        notes.append(f"flows per simulated year: run totals x 12 / {int(table['horizon_months'].iloc[0])} months; "
                     "stocks are end-of-run values")
    if discount is not None:
        notes.append(f"public cost discounted to month 0 at {discount * 100:g} % a year ({SPENDING_PV}: spending in "
                     "month t weighted by (1 + rate)^(-t/12)); outcomes are not discounted")
    notes.append(f"cost per unit = mean extra public cost ({cost_metric}, yuan) / mean extra units, shown for transfers, "
                 f"start-ups and products when both are positive; cost_ci_low/high: {confidence * 100:g} % Fieller "
                 "interval of that ratio over the paired replications; n.s.: the interval of the extra units includes "
                 "0, so the cost per unit is not distinguishable from an unbounded one (its Fieller interval is "
                 "unbounded)")
    return notes
