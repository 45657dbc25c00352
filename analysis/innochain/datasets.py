"""Many runs at once: a run file, a directory of run files, or a sweep directory.

A *dataset* is what ``innochain compare`` takes as one side (SPEC section 9):

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
* :func:`open_runs` -- monthly series of every run stacked along a ``run`` dimension (xarray);
* :func:`pair_runs` -- the runs of two datasets paired by (point, replication), with the checks
  of ``innochain compare`` (horizons, world.scale, missing replications, seeds);
* :func:`compare` -- the comparison table (paired differences, Student t intervals, relative
  change, public cost per additional unit);
* :func:`read_index`, :func:`read_design` -- a sweep directory's tables.
"""

from __future__ import annotations

import os
import pathlib
from typing import Iterable, Sequence

import h5py
import numpy as np
import pandas as pd
import xarray as xr
import yaml
from scipy import stats

from .reader import checked_file, open_run, to_python, to_text

#: Outcomes made from several /summary values (the same as ``innochain compare``).
DERIVED = {
    "transfers": ("transfers_licence", "transfers_spinoff"),
    "startups": ("startups_founded", "spinoffs_founded"),
}

#: Outcomes for which the public cost per additional unit is reported.
COST_OUTCOMES = (
    "transfers",
    "transfers_licence",
    "transfers_spinoff",
    "startups",
    "startups_founded",
    "spinoffs_founded",
    "products_launched",
)

#: Outcomes compared when none are named (the same list as ``innochain compare``).
DEFAULT_METRICS = (
    "discoveries",
    "breakthroughs",
    "contract_research_deals",
    "transfers",
    "transfers_licence",
    "transfers_spinoff",
    "bad_transfers",
    "startups",
    "products_launched",
    "compute_spending",
    "rd_spending_enterprises",
    "revenue",
    "output",
    "enterprises_alive",
    "enterprise_rd_staff",
    "policy_spending",
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
            row[name] = sum(row[p] for p in parts)
    row.setdefault("policy_spending", 0.0)
    return row


def run_table(path: str | os.PathLike) -> pd.DataFrame:
    """One row per run of a dataset, sorted by (sweep_point, replication).

    Columns: ``path``, ``replication``, ``seed`` (text), ``sweep_point`` (-1 for runs not written
    by a sweep), ``horizon_months``, ``world_scale``, ``scenario_name``, then every /summary value
    and the derived outcomes ``transfers`` and ``startups``. Raises
    :class:`~innochain.reader.IncompleteRunError` naming every unfinished file.
    """
    from .reader import IncompleteRunError

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

    Variables have dims ``("run", "month", ...)``; coordinates ``replication``, ``seed`` and
    ``sweep_point`` along ``run`` identify each run. ``names`` selects series (default: all).
    """
    parts = []
    for file in run_files(path):
        ds = open_run(file)
        if names is not None:
            ds = ds[list(names)]
        attrs = ds.attrs
        ds = ds.expand_dims("run")
        ds = ds.assign_coords(
            replication=("run", [int(attrs["replication"])]),
            seed=("run", [str(attrs.get("seed", ""))]),
            sweep_point=("run", [int(attrs.get("sweep_point", -1))]),
            path=("run", [str(file)]),
        )
        ds.attrs = {}
        parts.append(ds)
    out = xr.concat(parts, dim="run", combine_attrs="override")  # variables keep units, long_name, ...
    order = np.lexsort((out["replication"].values, out["sweep_point"].values))
    return out.isel(run=order)


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
    """Mean of ``summary.<metric>`` over the complete replications of each design point of a sweep."""
    index = read_index(directory)
    column = f"summary.{metric}"
    if column not in index.columns:
        have = ", ".join(c[len("summary.") :] for c in index.columns if c.startswith("summary."))
        raise KeyError(f"no outcome {metric!r} in {directory}/index.csv; it has: {have}")
    complete = index[index["status"] == "complete"]
    means = complete.groupby("point")[column].mean()
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


def paired_effect(baseline: Iterable[float], policy: Iterable[float], confidence: float = 0.95) -> dict:
    """Mean paired difference policy - baseline with a Student t interval (n - 1 dof).

    Returns ``pairs``, ``baseline_mean``, ``policy_mean``, ``mean_difference``, ``sd_difference``,
    ``ci_low``, ``ci_high`` (NaN with a single pair) and ``relative_change`` (NaN for a zero baseline).
    """
    b = np.asarray(list(baseline), dtype=float)
    p = np.asarray(list(policy), dtype=float)
    if b.shape != p.shape or b.size == 0:
        raise ValueError("paired_effect needs two non-empty sequences of the same length")
    d = p - b
    n = d.size
    mean = float(d.mean())
    sd = float(d.std(ddof=1)) if n > 1 else 0.0
    if n > 1:
        half = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1)) * sd / np.sqrt(n)
        low, high = mean - half, mean + half
    else:
        low = high = float("nan")
    base = float(b.mean())
    return {
        "pairs": n,
        "baseline_mean": base,
        "policy_mean": float(p.mean()),
        "mean_difference": mean,
        "sd_difference": sd,
        "ci_low": low,
        "ci_high": high,
        "relative_change": mean / base if base != 0.0 else float("nan"),
    }


def compare(
    baseline: str | os.PathLike | pd.DataFrame,
    policy: str | os.PathLike | pd.DataFrame,
    metrics: Sequence[str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """The comparison table of ``innochain compare``, as a DataFrame.

    ``baseline`` and ``policy`` are datasets (paths) or run tables. One row per (point, metric):
    ``point`` (-1 without sweep points), ``metric``, the fields of :func:`paired_effect`, and
    ``cost_per_additional_unit`` (yuan of extra public spending per extra unit, for
    :data:`COST_OUTCOMES` when both are positive; NaN otherwise).
    """
    b = baseline if isinstance(baseline, pd.DataFrame) else run_table(baseline)
    p = policy if isinstance(policy, pd.DataFrame) else run_table(policy)
    pairs = pair_runs(b, p)
    names = list(metrics) if metrics else list(DEFAULT_METRICS)
    unknown = [m for m in names if f"{m}_baseline" not in pairs.columns]
    if unknown:
        raise KeyError(f"unknown outcome(s) {unknown}")
    rows = []
    for point, group in pairs.groupby("point", sort=True):
        spend = paired_effect(group["policy_spending_baseline"], group["policy_spending_policy"], confidence)
        for m in names:
            e = paired_effect(group[f"{m}_baseline"], group[f"{m}_policy"], confidence)
            cost = float("nan")
            if m in COST_OUTCOMES and spend["mean_difference"] > 0 and e["mean_difference"] > 0:
                cost = spend["mean_difference"] / e["mean_difference"]
            rows.append({"point": point, "metric": m, **e, "cost_per_additional_unit": cost})
    return pd.DataFrame(rows)
