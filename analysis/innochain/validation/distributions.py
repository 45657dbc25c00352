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
    censoring, event = 1 for a failure exit (0: censored — still alive at the end or acquired).
    The curve of kaplan_meier_greenwood, held at its last value where nobody is at risk any more."""
    s = kaplan_meier_greenwood(duration, event, horizon)["S"]
    unobserved = np.isnan(s)
    if unobserved.any():
        s[unobserved] = s[np.argmax(unobserved) - 1]
    return s


def pareto_tail(x: np.ndarray, k_share: float = 0.05, n_xmin: int = 200, min_tail: int = 50) -> dict:
    """The upper tail of a size distribution, two ways (both estimate the CCDF exponent alpha,
    P(X > x) ~ x^-alpha):

    * Hill (1975) on the k = max(2, floor(k_share * n)) largest values, with its asymptotic
      standard error alpha / sqrt(k);
    * the continuous power-law MLE with x_min chosen by the smallest Kolmogorov-Smirnov distance
      (Clauset, Shalizi and Newman 2009), scanning up to n_xmin distinct values of the upper half
      as x_min candidates (tails of at least min_tail values), with the standard error
      alpha / sqrt(n_tail) of the MLE given x_min (x_min's own uncertainty is not included).
    """
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x) & (x > 0)]
    n = len(x)
    k = max(2, int(k_share * n))
    a_h = hill(x, k)
    out = {"n": int(n), "k_share": float(k_share), "hill_k": int(k), "hill": a_h, "hill_se": float(hill_se(a_h, k)),
           "alpha_mle": float("nan"), "xmin": float("nan"), "ks": float("nan"), "n_tail": 0, "mle_se": float("nan")}
    if n < 2 * min_tail:
        return out
    cand = np.unique(x[x >= np.median(x)])
    cand = cand[: max(1, len(cand) - min_tail)]  # leave at least min_tail values above the largest candidate
    if len(cand) > n_xmin:
        cand = cand[np.unique(np.linspace(0, len(cand) - 1, n_xmin).astype(int))]
    alpha, xmin, ks = pareto_mle_xmin(x, cand) if len(cand) else (float("nan"), float("nan"), float("nan"))
    if np.isfinite(alpha):
        n_tail = int(np.sum(x >= xmin))
        out.update(alpha_mle=alpha, xmin=xmin, ks=ks, n_tail=n_tail, mle_se=float(alpha / np.sqrt(n_tail)))
    return out


def kaplan_meier_greenwood(duration: np.ndarray, event: np.ndarray, horizon: int) -> dict:
    """Kaplan-Meier survival S(a), a = 0..horizon months, with Greenwood's standard error and the
    number at risk at each age (same conventions as kaplan_meier: duration = age at exit or at
    censoring, event = 1 for a failure exit, 0 censored). Where nobody is at risk any more the
    curve is not observed: S and its error are NaN from there on."""
    duration = np.asarray(duration, dtype=int)
    event = np.asarray(event, dtype=bool)
    s = np.ones(horizon + 1)
    var_sum = np.zeros(horizon + 1)
    at_risk = np.zeros(horizon + 1, dtype=int)
    at_risk[0] = len(duration)
    cur, acc = 1.0, 0.0
    for a in range(1, horizon + 1):
        r = int(np.sum(duration >= a))
        d = int(np.sum((duration == a) & event))
        at_risk[a] = r
        if r == 0:
            s[a:] = np.nan
            var_sum[a:] = np.nan
            break
        cur *= 1.0 - d / r
        if r > d:
            acc += d / (r * (r - d))
        s[a] = cur
        var_sum[a] = acc
    return {"S": s, "se": s * np.sqrt(var_sum), "at_risk": at_risk}


def yearly_hazard(S: np.ndarray, years: int) -> np.ndarray:
    """The hazard of each year of age from a monthly survival curve: h_y = 1 - S(12y) / S(12(y-1)),
    y = 1..years (the share of the firms alive at age y-1 years that fail before age y); NaN where
    the curve is not observed."""
    S = np.asarray(S, dtype=float)
    h = np.full(years, np.nan)
    for y in range(1, years + 1):
        if 12 * y < len(S) and np.isfinite(S[12 * y]) and S[12 * (y - 1)] > 0:
            h[y - 1] = 1.0 - S[12 * y] / S[12 * (y - 1)]
    return h


def binned_volatility(x: np.ndarray, g: np.ndarray, edges: np.ndarray | None = None, bins: int = 12,
                      min_count: int = 20) -> dict:
    """The volatility-size relation: the standard deviation of growth rates g within bins of x
    (x = log size, or log of the number of product lines), and the OLS fit
    log sd = c - beta * mean x over the bins (sd proportional to size^-beta when x = log size;
    Stanley et al. 1996 measure beta of about 0.15-0.2). Bins are `edges` if given, otherwise
    `bins` equal-count quantile bins of x; bins with fewer than min_count observations are dropped.
    Returns the bins (mean x, sd, its standard error sd / sqrt(2 (n - 1)), n) and beta with the OLS
    standard error of the slope (from the scatter of the bins about the line)."""
    x = np.asarray(x, dtype=float)
    g = np.asarray(g, dtype=float)
    ok = np.isfinite(x) & np.isfinite(g)
    x, g = x[ok], g[ok]
    if edges is None:
        edges = np.quantile(x, np.linspace(0, 1, bins + 1)) if len(x) else np.zeros(0)
        edges = np.unique(edges)
    idx = np.searchsorted(edges, x, side="right") - 1
    idx[x == edges[-1]] = len(edges) - 2 if len(edges) > 1 else 0
    xm, sd, sd_se, cnt = [], [], [], []
    for b in range(len(edges) - 1):
        sel = idx == b
        n = int(sel.sum())
        if n < max(min_count, 2):
            continue
        s = float(np.std(g[sel], ddof=1))
        xm.append(float(np.mean(x[sel])))
        sd.append(s)
        sd_se.append(s / np.sqrt(2.0 * (n - 1)))
        cnt.append(n)
    xm, sd, sd_se, cnt = map(np.asarray, (xm, sd, sd_se, cnt))
    out = {"x": xm, "sd": sd, "sd_se": sd_se, "n": cnt, "beta": float("nan"), "beta_se": float("nan"),
           "intercept": float("nan"), "n_obs": int(cnt.sum()) if len(cnt) else 0}
    if len(xm) >= 3 and np.all(sd > 0):
        X = np.column_stack([np.ones_like(xm), xm])
        y = np.log(sd)
        coef, *_ = np.linalg.lstsq(X, y, rcond=None)
        resid = y - X @ coef
        s2 = float(resid @ resid) / (len(xm) - 2)
        cov = s2 * np.linalg.inv(X.T @ X)
        out.update(beta=float(-coef[1]), beta_se=float(np.sqrt(cov[1, 1])), intercept=float(coef[0]))
    return out


def drift(M: np.ndarray, years: np.ndarray, first: int = 4, last: int = 10) -> dict:
    """Drift of a yearly series over years first..last, per replication: the OLS slope on the year
    divided by that replication's mean over those years (a share of the level per year). M is
    [replication, year], years the year number of each column. Returns the mean over replications,
    its 95 % confidence interval (t, replications as independent draws), the per-replication values,
    and the mean level. NaN where the level is zero."""
    M = np.atleast_2d(np.asarray(M, dtype=float))
    years = np.asarray(years)
    sel = (years >= first) & (years <= last)
    t = years[sel].astype(float)
    per = []
    for row in M[:, sel]:
        lvl = row.mean()
        per.append(np.polyfit(t, row, 1)[0] / lvl if len(t) >= 2 and lvl != 0 and np.all(np.isfinite(row))
                   else np.nan)
    per = np.asarray(per)
    v = per[np.isfinite(per)]
    mean = float(v.mean()) if len(v) else float("nan")
    if len(v) > 1:
        half = float(stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v)))
        ci = (mean - half, mean + half)
    else:
        ci = (float("nan"), float("nan"))
    return {"drift": mean, "ci": ci, "per_replication": per.tolist(), "level": float(M[:, sel].mean()),
            "n": int(len(v))}
