"""The outcome registry shared by comparisons, sweeps, sensitivity indices, figures and reports.

An *outcome* is a /summary value of a run (docs/output.md) or a *derived* outcome made from
several of them (``transfers`` = licences + spin-offs, ``startups`` = talent start-ups +
spin-offs), or, with a discount rate, ``policy_spending_pv`` (the present value of public spending
at month 0). The same registry is compiled into ``innochain compare`` (sim/compare/outcomes.cpp);
analysis/tests/test_compare.py checks that both give the same table.

What an outcome *is* (its long name, its units, whether it is a flow, a stock or a mean) comes
from the run file's own attributes (``/series/NAME`` attrs ``long_name``, ``units``,
``accumulation``), so labels follow the model; derived outcomes take their parts' units.

* :func:`describe` -- :class:`Outcome` records (name, long name, units, accumulation) for names;
* :func:`values` -- an outcome's values from a table of /summary values (run tables, index.csv);
* :func:`label` -- an axis label: long name and units, in the units a figure shows.
"""

from __future__ import annotations

import os
import pathlib
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import h5py
import numpy as np
import pandas as pd

from .reader import to_python

#: Outcomes made from several /summary values (the same as ``innochain compare``).
DERIVED: dict[str, tuple[str, ...]] = {
    "transfers": ("transfers_licence", "transfers_spinoff"),
    "startups": ("startups_founded", "spinoffs_founded"),
}
DERIVED_LONG_NAMES = {
    "transfers": "Technology transfers: licences plus spin-offs",
    "startups": "Start-ups founded: by talent plus spin-offs",
}

#: Public spending (yuan, summed over policy instances; 0 in a run without policies).
SPENDING = "policy_spending"
#: Its present value at month 0 (``compare(..., discount=RATE)``, ``innochain compare --discount``).
SPENDING_PV = "policy_spending_pv"

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


@dataclass(frozen=True)
class Outcome:
    """What an outcome is: ``units`` are those of its run value (a flow's total has no "/month")."""

    name: str
    long_name: str
    units: str
    accumulation: str  # "flow", "stock" or "mean"
    parts: tuple[str, ...] = ()

    @property
    def scales_with_world(self) -> bool:
        """Counts and yuan scale with world.scale; the ratios reported as means do not."""
        return self.accumulation != "mean"

    @property
    def is_money(self) -> bool:
        return self.units.startswith("yuan")


def _accumulation(reduction: str) -> str:
    """From a /summary ``reduction`` attribute (docs/output.md) to flow, stock or mean."""
    return "stock" if reduction.startswith("final") else "mean" if reduction.startswith("mean") else "flow"


def _from_file(path: str | os.PathLike) -> dict[str, Outcome]:
    out: dict[str, Outcome] = {}
    with h5py.File(path, "r") as f:
        for name, ds in f.get("summary", {}).items():
            out[name] = Outcome(name, str(to_python(ds.attrs.get("long_name", name))),
                                str(to_python(ds.attrs.get("units", ""))),
                                _accumulation(str(to_python(ds.attrs.get("reduction", "")))))
        for name, ds in f.get("series", {}).items():
            units = str(to_python(ds.attrs.get("units", "")))
            accumulation = str(to_python(ds.attrs.get("accumulation", "flow")))
            if accumulation == "flow":
                units = units.removesuffix("/month")
            out[name] = Outcome(name, str(to_python(ds.attrs.get("long_name", name))), units, accumulation)
    return out


def describe(names: Iterable[str], source: str | os.PathLike | Mapping[str, Outcome] | None = None) -> dict[str, Outcome]:
    """:class:`Outcome` records for ``names``.

    ``source`` is a run file (its series' attributes are read), a mapping from an earlier call,
    or None (no file at hand: the name is its own long name, units unknown, a flow). Derived
    outcomes take the units of their first part; ``policy_spending`` (and its present value) are
    yuan flows even when the file has no policies.
    """
    if source is None:
        known: Mapping[str, Outcome] = {}
    elif isinstance(source, Mapping):
        known = source
    else:
        known = _from_file(source)
    result = {}
    for name in names:
        if name in known:
            result[name] = known[name]
        elif name in DERIVED:
            first = known.get(DERIVED[name][0])
            result[name] = Outcome(name, DERIVED_LONG_NAMES[name], first.units if first else "", "flow", DERIVED[name])
        elif name == SPENDING:
            result[name] = Outcome(name, "Public money paid out by policy instances", "yuan", "flow")
        elif name == SPENDING_PV:
            result[name] = Outcome(name, "Public money paid out, present value at month 0", "yuan", "flow")
        else:
            result[name] = Outcome(name, name, "", "flow")
    return result


def values(table: pd.DataFrame, name: str, prefix: str = "") -> pd.Series:
    """An outcome's values from a table with one column per /summary value (``prefix`` + name):
    a run table (no prefix) or a sweep's index.csv (``prefix="summary."``). Derived outcomes are
    the sums of their parts. Raises KeyError naming the outcomes the table has."""
    column = prefix + name
    if column in table.columns:
        return table[column].astype(float)
    if name in DERIVED and all(prefix + p in table.columns for p in DERIVED[name]):
        total = table[prefix + DERIVED[name][0]].astype(float)
        for p in DERIVED[name][1:]:
            total = total + table[prefix + p].astype(float)
        return total.rename(column)
    if name == SPENDING:
        return pd.Series(0.0, index=table.index, name=column)
    have = [c[len(prefix):] for c in table.columns if c.startswith(prefix)] if prefix else list(table.columns)
    have += [d for d, parts in DERIVED.items() if all(prefix + p in table.columns for p in parts)]
    raise KeyError(f"no outcome {name!r}; the table has: {', '.join(have)}")


def available(columns: Sequence[str], prefix: str = "") -> list[str]:
    """The outcomes a table with these columns holds (its /summary values and the derived ones)."""
    own = [c[len(prefix):] for c in columns if c.startswith(prefix)] if prefix else list(columns)
    return own + [d for d, parts in DERIVED.items() if all(p in own for p in parts)]


#: Divisors for money axes: the largest that keeps the values readable.
_MONEY = ((1e12, "trillion yuan"), (1e9, "billion yuan"), (1e6, "million yuan"), (1e3, "thousand yuan"))


def money_scale(magnitude: float) -> tuple[float, str]:
    """(divisor, unit) for money of about ``magnitude`` yuan: 1.2e10 -> (1e9, "billion yuan")."""
    m = abs(float(magnitude)) if np.isfinite(magnitude) else 0.0
    for divisor, unit in _MONEY:
        if m >= divisor:
            return divisor, unit
    return 1.0, "yuan"


def units_label(outcome: Outcome, magnitude: float | None = None, per: str = "") -> tuple[str, float]:
    """The units an axis shows for an outcome, and the divisor to apply to its values: money in
    yuan, thousand, million, billion or trillion yuan by ``magnitude``; ``per`` appends a time unit
    (``"month"`` for a monthly flow)."""
    divisor, units = 1.0, outcome.units
    if outcome.is_money and magnitude is not None:
        divisor, units = money_scale(magnitude)
    if per and units:
        units = f"{units}/{per}"
    return units, divisor


def label(outcome: Outcome, magnitude: float | None = None, per: str = "", width: int = 48) -> tuple[str, float]:
    """An axis label -- the long name wrapped at ``width`` characters, then the units in
    parentheses -- and the divisor to apply to the values (see :func:`units_label`)."""
    import textwrap

    units, divisor = units_label(outcome, magnitude, per)
    text = textwrap.fill(outcome.long_name, width)
    return (f"{text}\n({units})" if units else text), divisor


def first_run_file(directory: str | os.PathLike) -> pathlib.Path | None:
    """A complete run file of a dataset or sweep directory to read outcome attributes from."""
    p = pathlib.Path(directory)
    if p.is_file():
        return p
    for d in (p / "runs", p):
        if d.is_dir():
            for f in sorted(d.glob("*.h5")):
                return f
    return None
