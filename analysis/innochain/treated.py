"""Effects where they happen: per-firm paired effects (the same as ``innochain compare --treated``,
sim/compare/treated.cpp; docs/analysis.md, "Effects on the treated").

Under common random numbers a policy run and its baseline are the same world until the policy
starts, so every firm alive then has the same id in both runs and ``y_i(policy) - y_i(baseline)``
is that firm's effect. Per replication the differences are averaged over the firms of a group --
``recipients`` (paid in the window, /policy_recipients), ``eligible_non_recipients`` (kind, field
and region match an instance acting on firms), ``others`` (spill-overs) -- and the replication
means get a Student t interval. Firms founded in the window (``entrants``) have no counterpart and
are compared as cohort totals per run. The runs need monthly snapshots
(``output.snapshot_interval_months: 1``).

* :func:`firm_panel` -- one run's firms: window outcomes, groups, the state before the window;
* :func:`treated_effects` -- the table of ``innochain compare --treated`` as a DataFrame.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd
import yaml

from . import datasets
from .paired import paired_effect
from .reader import checked_file, to_text

#: Per-firm outcomes: (name, units, flow, long name, units of a group mean when not "UNITS per firm").
FIRM_OUTCOMES = (
    ("rd_spending", "yuan", True, "R&D project spending (rd_spent_yuan), window total", ""),
    ("own_rd_spending", "yuan", True, "R&D project spending less what subsidies and platforms paid: the firm's own money",
     ""),
    ("public_support", "yuan", True, "R&D cost paid by subsidies and platforms (rd_subsidised_yuan)", ""),
    ("compute_spending", "yuan", True, "Compute bills: GPU-hours bought x price (compute_bill_yuan)", ""),
    ("revenue", "yuan", True, "Revenue while alive", ""),
    ("equity_raised", "yuan", True, "Outside equity raised in the window", ""),
    ("first_product", "enterprises", False, "Firms whose first product line came on the market in the window",
     "share of firms"),
    ("alive", "enterprises", False, "Firms alive at the end of the run", "share of firms"),
    ("rd_staff", "people", False, "Engineers and industry scientists employed at the end", ""),
    ("product_lines", "lines", False, "Product lines on the market at the end", ""),
    ("firms", "enterprises", False, "Firms in the group (entrants: founded in the window)", ""),
)
OUTCOME_NAMES = tuple(o[0] for o in FIRM_OUTCOMES)

RECIPIENTS, ELIGIBLE, OTHERS, ENTRANTS = "recipients", "eligible_non_recipients", "others", "entrants"
GROUPS = (RECIPIENTS, ELIGIBLE, OTHERS, ENTRANTS)

#: The columns after ``point`` -- the same names as ``innochain compare --treated --format csv``.
TREATED_COLUMNS = ("group", "subgroup", "metric", "units", "pairs", "agents", "baseline_mean", "policy_mean",
                   "mean_difference", "sd_difference", "ci_low", "ci_high", "relative_change")

KIND_NAMES = ("chain_leader", "sme", "startup")
#: Levers on single firms (Enterprises::levers, sim/model/levers.hpp).
FIRM_LEVERS = {
    "progress.compute_subsidy_rate", "progress.compute_allowance", "progress.rd_subsidy_rate",
    "progress.rd_allowance", "progress.skill_multiplier", "market.overhead_subsidy_rate",
    "market.overhead_allowance", "finance.investor_signal_bonus", "finance.investor_certificate",
}

SNAPSHOT_SETTING = ("output.snapshot_interval_months: 1 (monthly snapshots of the agent tables, e.g. --set "
                    "output.snapshot_interval_months=1)")


class TreatedInputError(ValueError):
    """A run cannot be used for per-firm pairing (no monthly snapshots, not the same world...)."""


@dataclass
class FirmPanel:
    path: str
    replication: int
    months: int
    window_start: int
    world_scale: float
    field_names: list
    region_names: list
    kind: np.ndarray
    field: np.ndarray
    region: np.ndarray
    present: np.ndarray
    entrant: np.ndarray
    recipient: np.ndarray
    eligible: np.ndarray
    values: dict = field(default_factory=dict)  # outcome -> per-firm array
    targets_firms: bool = False
    has_recipients_record: bool = True
    firms_before: int = 0
    state_before: np.ndarray | None = None


def _strings(ds) -> list[str]:
    return [to_text(x) for x in ds[()]]


def firm_panel(path: str | os.PathLike, start_month: int | None = None) -> FirmPanel:
    """One run's firms reduced to the window from ``start_month`` (default: the earliest start of
    the run's policy instances) to the end (see sim/compare/treated.cpp, load_firm_panel)."""
    with checked_file(path, strict=True) as f:
        months = int(f.attrs["months_completed"])
        replication = int(f.attrs["replication"])
        scenario = yaml.safe_load(to_text(f["scenario"][()])) or {}
        scale = float((scenario.get("world") or {}).get("scale", 1.0))
        levers = _strings(f["policy_levers"]) if "policy_levers" in f else []
        policies = scenario.get("policies") or []
        starts = [int(p.get("start_month", 0)) for p in policies]
        selectors = []
        for i, p in enumerate(policies):
            names = [x.strip() for x in levers[i].split(",")] if i < len(levers) else []
            if any(n in FIRM_LEVERS for n in names):
                el = p.get("eligible") or {}
                selectors.append(tuple(list(el.get(k) or []) for k in ("kinds", "fields", "regions")))
        start = start_month if start_month is not None else (min(starts) if starts else 0)
        if not 0 <= start < months:
            raise TreatedInputError(f"{path}: the window starts at month {start}, outside the run's {months} months")
        if "snapshots/month" not in f or "snapshots/enterprises" not in f:
            raise TreatedInputError(f"{path}: no /snapshots of the firms; --treated needs {SNAPSHOT_SETTING}")
        snap_months = f["snapshots/month"][()]
        if len(snap_months) != months or not np.array_equal(snap_months, np.arange(months)):
            raise TreatedInputError(f"{path}: snapshots are not monthly ({len(snap_months)} snapshots for {months} "
                                    f"months); --treated needs {SNAPSHOT_SETTING}")
        g = f["snapshots/enterprises"]

        def col(name):
            if name not in g:
                raise TreatedInputError(f"{path}: the firm snapshots have no column '{name}' (written by innochain "
                                        "since compare --treated)")
            return g[name][()].astype(float)

        kind_all, alive, founded = col("kind"), col("alive"), col("founded_month")
        last = months - 1
        kind = kind_all[last].astype(int)
        fld, reg = col("field")[last].astype(int), col("region")[last].astype(int)
        fm = founded[last]
        present = (fm < start) & ((alive[start - 1] == 1.0) if start > 0 else True)
        entrant = (kind >= 0) & (fm >= start)
        window = slice(start, months)

        def wsum(a, mask=None):
            a = a[window]
            keep = ~np.isnan(a) if mask is None else (~np.isnan(a)) & (mask[window] == 1.0)
            return np.where(keep, a, 0.0).sum(axis=0)

        rd, sub = wsum(col("rd_spent_yuan")), wsum(col("rd_subsidised_yuan"))
        equity = col("equity_raised_yuan")
        before = np.nan_to_num(equity[start - 1]) if start > 0 else np.zeros(equity.shape[1])
        alive_end = alive[last] == 1.0
        first = col("first_product_month")[last]
        values = {
            "rd_spending": rd,
            "own_rd_spending": rd - sub,
            "public_support": sub,
            "compute_spending": wsum(col("compute_bill_yuan")),
            "revenue": wsum(col("revenue_yuan_per_month"), alive),
            "equity_raised": np.nan_to_num(equity[last]) - before,
            "first_product": (first >= start).astype(float),
            "alive": alive_end.astype(float),
            "rd_staff": np.where(alive_end, col("rd_staff")[last], 0.0),
            "product_lines": np.where(alive_end, col("product_lines")[last], 0.0),
            "firms": np.ones(kind.size),
        }
        firms_before, state_before = 0, None
        if start > 0:
            row = kind_all[start - 1]
            firms_before = int(np.nonzero(row >= 0)[0].max() + 1) if (row >= 0).any() else 0
            state_before = np.concatenate([g[name][start - 1, :firms_before].astype(float) for name in g])
        n = kind.size
        recipient = np.zeros(n, dtype=bool)
        if "policy_recipients/enterprise" in f:
            ids = f["policy_recipients/enterprise"][()]
            when = f["policy_recipients/month"][()]
            ids = ids[(when >= start) & (ids < n)]
            recipient[ids] = True
        fields, regions = _strings(f["field"]), _strings(f["region"])
    eligible = np.zeros(n, dtype=bool)
    for kinds, fields_ok, regions_ok in selectors:
        for i in range(n):
            if not 0 <= kind[i] < len(KIND_NAMES):
                continue
            if ((not kinds or KIND_NAMES[kind[i]] in kinds) and (not fields_ok or fields[fld[i]] in fields_ok)
                    and (not regions_ok or regions[reg[i]] in regions_ok)):
                eligible[i] = True
    output = scenario.get("output") or {}
    return FirmPanel(str(path), replication, months, start, scale, fields, regions, kind, fld, reg,
                     np.asarray(present, dtype=bool), entrant, recipient, eligible, values, bool(selectors),
                     bool(output.get("policy_recipients", True)), firms_before, state_before)


def _same_world(b: FirmPanel, p: FirmPanel) -> None:
    why = ""
    if b.window_start != p.window_start:
        why = f"the windows start at months {b.window_start} and {p.window_start}"
    elif b.firms_before != p.firms_before:
        why = f"they have {b.firms_before} and {p.firms_before} firms in month {b.window_start - 1}"
    elif b.state_before is not None and not np.array_equal(b.state_before.view(np.uint64),
                                                           p.state_before.view(np.uint64)):
        why = f"their firms differ in month {b.window_start - 1} (before the policy starts)"
    elif b.window_start == 0:
        n = max(b.present.size, p.present.size)
        pb = np.zeros(n, bool)
        pp = np.zeros(n, bool)
        pb[:b.present.size], pp[:p.present.size] = b.present, p.present
        m = min(b.present.size, p.present.size)
        if not np.array_equal(pb, pp) or not (np.array_equal(b.kind[:m][pb[:m]], p.kind[:m][pb[:m]])
                                              and np.array_equal(b.field[:m][pb[:m]], p.field[:m][pb[:m]])):
            why = "their initial firms differ"
    if why:
        raise TreatedInputError(f"{b.path} and {p.path} are not the same world before the policy: {why}; per-firm "
                                "pairing needs common random numbers (the same scenario, seed and replication up to "
                                "the policy)")


def _subgroup(p: FirmPanel, by: str | None) -> np.ndarray:
    n = p.kind.size
    if not by:
        return np.array([""] * n, dtype=object)
    if by == "kind":
        return np.array([KIND_NAMES[k] if 0 <= k < 3 else "?" for k in p.kind], dtype=object)
    names, idx = (p.field_names, p.field) if by == "field" else (p.region_names, p.region)
    return np.array([names[i] if 0 <= i < len(names) else "?" for i in idx], dtype=object)


def treated_effects(baseline: str | os.PathLike | Sequence[FirmPanel], policy: str | os.PathLike | Sequence[FirmPanel],
                    metrics: Sequence[str] | None = None, by: str | None = None, per_year: bool = False,
                    province: bool = False, start_month: int | None = None, confidence: float = 0.95) -> pd.DataFrame:
    """The table of ``innochain compare BASELINE POLICY --treated`` (same columns and values).

    ``baseline`` and ``policy`` are datasets (paths, paired by replication as :func:`datasets.compare`
    pairs them; one design point) or lists of :class:`FirmPanel` paired by position. ``by`` is
    None, "kind", "field" or "region". ``table.attrs["notes"]`` says what the rows mean.
    """
    if by not in (None, "", "kind", "field", "region"):
        raise ValueError(f"by={by!r}: use 'kind', 'field' or 'region'")
    if isinstance(baseline, (str, os.PathLike)):
        pairs = datasets.pair_runs(datasets.run_table(baseline), datasets.run_table(policy))
        if (pairs["point"] != -1).any():
            raise ValueError("treated_effects takes one design point: pass the runs of one point")
        pol = [firm_panel(path, start_month) for path in pairs["path_policy"]]
        base = [firm_panel(path, p.window_start) for path, p in zip(pairs["path_baseline"], pol)]
    else:
        base, pol = list(baseline), list(policy)
    wanted = list(OUTCOME_NAMES) if not metrics or "all" in metrics else list(metrics)
    unknown = [m for m in wanted if m not in OUTCOME_NAMES]
    if unknown:
        raise KeyError(f"unknown per-firm outcome(s) {unknown}; --treated has: {', '.join(OUTCOME_NAMES)}")
    defs = {o[0]: o for o in FIRM_OUTCOMES}
    cells: dict = {}
    for b, p in zip(base, pol):
        _same_world(b, p)
        window = p.months - p.window_start

        def scaled(m, v, cohort, scale):
            if per_year and defs[m][2] and m != "firms":
                v = v * (12.0 / window)
            if province and cohort:
                v = v / scale
            return v

        n = min(b.present.size, p.present.size)
        group = np.where(p.recipient[:n], RECIPIENTS, np.where(p.eligible[:n], ELIGIBLE, OTHERS))
        sub = _subgroup(p, by)[:n]
        present = p.present[:n]
        keys = sorted({(g, s) for g, s, ok in zip(group, sub, present) if ok})
        for key in keys:
            mask = present & (group == key[0]) & (sub == key[1])
            c = float(mask.sum())
            for m in wanted:
                if m == "firms":
                    continue
                cell = cells.setdefault(key, {}).setdefault(m, ([], [], []))
                cell[0].append(scaled(m, float(b.values[m][:n][mask].sum()) / c, False, p.world_scale))
                cell[1].append(scaled(m, float(p.values[m][:n][mask].sum()) / c, False, p.world_scale))
                cell[2].append(c)
        subs_b, subs_p = _subgroup(b, by), _subgroup(p, by)
        for s in sorted(set(subs_b[b.entrant]) | set(subs_p[p.entrant])):
            mb, mp = b.entrant & (subs_b == s), p.entrant & (subs_p == s)
            for m in wanted:
                cell = cells.setdefault((ENTRANTS, s), {}).setdefault(m, ([], [], []))
                cell[0].append(scaled(m, float(b.values[m][mb].sum()), True, b.world_scale))
                cell[1].append(scaled(m, float(p.values[m][mp].sum()), True, p.world_scale))
                cell[2].append(float(mp.sum()))
    rank = {g: i for i, g in enumerate(GROUPS)}
    rows = []
    for key in sorted(cells, key=lambda k: (rank[k[0]], k[1])):
        for m in wanted:
            if m not in cells[key]:
                continue
            bv, pv, agents = cells[key][m]
            e = paired_effect(bv, pv, confidence)
            name, units, flow, _, per_firm_units = defs[m]
            if per_year and flow and m != "firms":
                units += "/year"
            if key[0] != ENTRANTS:
                units = per_firm_units or units + " per firm"
            rows.append({"point": -1, "group": key[0], "subgroup": key[1], "metric": m, "units": units,
                         "agents": float(np.mean(agents)), **e})
    table = pd.DataFrame(rows, columns=["point", *TREATED_COLUMNS])
    table.attrs["notes"] = [
        f"window: months {pol[0].window_start} to {pol[0].months - 1}; groups from the policy run: recipients "
        "(paid in the window), eligible_non_recipients (kind, field and region match an instance that acts on "
        "firms), others (spill-overs); entrants compared as cohort totals per run",
        f"per firm: each replication's mean over the group's firms of policy - baseline for the same firm; interval: "
        f"{confidence * 100:g} % Student t over replications",
    ]
    return table
