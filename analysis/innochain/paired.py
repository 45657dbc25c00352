"""Paired statistics of policy-versus-baseline comparisons (the same as sim/compare/paired.cpp).

Replication k of a policy and replication k of its baseline share every random draw the policy
does not change (common random numbers), so policy_k - baseline_k is the policy's effect on that
draw of the world. The mean difference has a Student t interval; a cost per additional unit (a
ratio of two mean differences) has Fieller's interval.
"""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np
from scipy import stats


def t_critical(confidence: float, dof: int) -> float:
    """The two-sided Student t quantile t_{1-(1-confidence)/2, dof}."""
    return float(stats.t.ppf(0.5 + confidence / 2.0, dof))


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
    sd = float(d.std(ddof=1)) if n > 1 else float("nan")
    if n > 1:
        half = t_critical(confidence, n - 1) * sd / math.sqrt(n)
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


def fieller_interval(numerator: Iterable[float], denominator: Iterable[float],
                     confidence: float = 0.95) -> tuple[float, float] | None:
    """Fieller's interval for mean(numerator) / mean(denominator) from paired observations.

    The ratios R with (mean_n - R mean_d)^2 <= t^2 (s_nn - 2 R s_nd + R^2 s_dd) / n (t with n - 1
    degrees of freedom, s the sample covariances). Returns (low, high), or None when the set is
    unbounded -- exactly when the t interval of mean(denominator) includes 0 -- or n < 2.
    """
    a = np.asarray(list(numerator), dtype=float)
    b = np.asarray(list(denominator), dtype=float)
    if a.shape != b.shape or a.size == 0:
        raise ValueError("fieller_interval needs two non-empty sequences of the same length")
    n = a.size
    if n < 2:
        return None
    mn, md = float(a.mean()), float(b.mean())
    da, db = a - mn, b - md
    snn = float((da * da).sum()) / (n - 1)
    sdd = float((db * db).sum()) / (n - 1)
    snd = float((da * db).sum()) / (n - 1)
    t = t_critical(confidence, n - 1)
    q = t * t / n
    qa = md * md - q * sdd
    qb = mn * md - q * snd
    qc = mn * mn - q * snn
    if not qa > 0.0:
        return None
    root = math.sqrt(max(0.0, qb * qb - qa * qc))
    return (qb - root) / qa, (qb + root) / qa


def cost_per_additional_unit(extra_cost: float, extra_units: float) -> float:
    """Extra public cost per extra unit, NaN unless both are positive."""
    return extra_cost / extra_units if extra_cost > 0.0 and extra_units > 0.0 else float("nan")
