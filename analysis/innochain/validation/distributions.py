"""Estimators for the emergent distributions of the validation battery (our own numpy/scipy code)."""

from __future__ import annotations

import numpy as np
from scipy import stats


def hill(x: np.ndarray, k: int) -> float:
    """Hill (1975) estimator of the Pareto tail index alpha from the k largest of x > 0:
    alpha = k / sum_{i<k} ln(x_(i) / x_(k)), x_(0) >= x_(1) >= ... the order statistics."""
    x = np.sort(np.asarray(x, dtype=float)[np.asarray(x) > 0])[::-1]
    if k < 2 or k >= len(x):
        return float("nan")
    return float(k / np.sum(np.log(x[:k] / x[k])))


def hill_se(alpha: float, k: int) -> float:
    """Asymptotic standard error alpha / sqrt(k)."""
    return alpha / np.sqrt(k)


def pareto_mle_xmin(x: np.ndarray, xmins: np.ndarray) -> tuple[float, float, float]:
    """Continuous power-law fit in the style of Clauset, Shalizi and Newman (2009): for each
    candidate x_min, the MLE alpha = n / sum ln(x/x_min) over x >= x_min (the CCDF exponent), and
    the Kolmogorov-Smirnov distance between the empirical and fitted tail; returns
    (alpha, x_min, KS) at the x_min with the smallest KS distance."""
    x = np.asarray(x, dtype=float)
    x = x[x > 0]
    best = (float("nan"), float("nan"), float("inf"))
    for xm in xmins:
        tail = np.sort(x[x >= xm])
        n = len(tail)
        if n < 50:
            continue
        alpha = n / np.sum(np.log(tail / xm))
        emp = np.arange(1, n + 1) / n
        fit = 1.0 - (tail / xm) ** (-alpha)
        ks = float(np.max(np.abs(emp - fit)))
        if ks < best[2]:
            best = (float(alpha), float(xm), ks)
    return best


def laplace_vs_normal(g: np.ndarray) -> dict:
    """Fits of growth rates: Laplace (tent-shaped log density, Stanley et al. 1996; Bottazzi and
    Secchi 2006) against normal, by maximum likelihood; log-likelihood per observation of each,
    and the excess kurtosis (0 normal, 3 Laplace)."""
    g = np.asarray(g, dtype=float)
    g = g[np.isfinite(g)]
    loc_l, scale_l = stats.laplace.fit(g)
    loc_n, scale_n = stats.norm.fit(g)
    return {
        "n": int(len(g)),
        "laplace_loc": float(loc_l), "laplace_scale": float(scale_l),
        "normal_loc": float(loc_n), "normal_scale": float(scale_n),
        "ll_laplace": float(np.mean(stats.laplace.logpdf(g, loc_l, scale_l))),
        "ll_normal": float(np.mean(stats.norm.logpdf(g, loc_n, scale_n))),
        "excess_kurtosis": float(stats.kurtosis(g)),
    }


def kaplan_meier(duration: np.ndarray, event: np.ndarray, horizon: int) -> np.ndarray:
    """Kaplan-Meier survival S(a) for a = 0..horizon months: duration = age at exit or at
    censoring, event = 1 for a failure exit (0: censored — still alive at the end or acquired)."""
    duration = np.asarray(duration, dtype=int)
    event = np.asarray(event, dtype=bool)
    s = np.ones(horizon + 1)
    cur = 1.0
    for a in range(1, horizon + 1):
        at_risk = np.sum(duration >= a)
        d = np.sum((duration == a) & event)
        if at_risk > 0:
            cur *= 1.0 - d / at_risk
        s[a] = cur
    return s
