"""Firm dynamics of the validation battery (issue 16): cohort survival to ten years, the firm-size
distribution from the baseline and from an equal-size start, annual growth rates by size class and
the volatility-size relation, and the stationarity table of every stock and flow.

Each function takes the raw material of kept runs (moments.run_details) or the yearly series of
every replication (moments.run_moments()["yearly"]), draws its figure (SVG and PNG) and returns the
numbers the document quotes. Estimators are in distributions.py (tested in
analysis/tests/test_validation_estimators.py).
"""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy import stats  # noqa: E402

from .. import plots  # noqa: E402
from .distributions import (binned_volatility, drift, hill, kaplan_meier_greenwood, laplace_vs_normal,  # noqa: E402
                            pareto_tail, yearly_hazard)
from .moments import MEASURE_MONTHS  # noqa: E402

DPI = 200
HORIZON = 120  # months of age followed by the survival curves (ten years)
SIZE_MONTH = MEASURE_MONTHS - 1  # the size distribution "after ten years": the snapshot of month 119
GROWTH_FROM = 35  # growth rates from the snapshot of month 35 on (years 4-10, after the burn-in)
HILL_SHARE = 0.05  # Hill estimator on the largest 5 % of firms with revenue
BAND_KM = "95 % confidence band (Greenwood)"


FIGURE_PROBLEMS: dict[str, list[str]] = {}  # figure name -> problems against the figure checklist


def save(fig, figdir: str, name: str) -> None:
    """Every battery figure as PNG (DPI dots per inch) and SVG, without creation dates
    (innochain.plots.save); its problems against the figure checklist of docs/analysis.md
    (innochain.plots.check_figure) are kept in FIGURE_PROBLEMS[name]."""
    os.makedirs(figdir, exist_ok=True)
    FIGURE_PROBLEMS[name] = plots.check_figure(fig)
    plots.save(fig, os.path.join(figdir, name), dpi=DPI, formats=("png", "svg"))


def snap_index(d: dict, month: int) -> int:
    """The last yearly snapshot at or before `month`."""
    return int(np.nonzero(np.asarray(d["snap_months"]) <= month)[0][-1])


# --- 1. Cohort survival ---------------------------------------------------------------------

KINDS = [  # (key, label, selector on a run's details; entrants only)
    ("startup", "start-ups founded by talent", lambda d: (d["kind_first"] == 2) & (d["origin_last"] < 0)),
    ("spinoff", "spin-offs of institutes", lambda d: d["origin_last"] >= 0),
    ("sme", "new SMEs (established businesses entering)", lambda d: (d["kind_first"] == 1) & (d["origin_last"] < 0)),
]


def _newborn(d: dict) -> np.ndarray:
    return (d["kind_first"] == 2) | (d["origin_last"] >= 0)


def _durations(details: list[dict], pick) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Age at exit or censoring, failure flag (an acquisition censors) and founding month of the
    entrants (founded during the run) that `pick` selects, pooled over runs."""
    dur, ev, fm = [], [], []
    for d in details:
        ent = (d["founded"] >= 0) & pick(d)
        failed = (d["alive_last"] == 0) & (d["acquired_last"] < 0)
        dur.append(d["age_last"][ent])
        ev.append(failed[ent])
        fm.append(d["founded"][ent])
    return np.concatenate(dur), np.concatenate(ev), np.concatenate(fm)


def cohort_survival(details: list[dict], figdir: str) -> dict:
    """Kaplan-Meier survival to HORIZON months of newborn firms (start-ups and spin-offs) by
    founding year, and of each kind of entrant pooled over cohorts, with the yearly hazard."""
    T = int(details[0]["months"])
    out: dict = {"months_run": T, "cohorts": {}, "kinds": {}}
    dur, ev, fm = _durations(details, _newborn)
    years = fm // 12 + 1
    fig, ax = plt.subplots(1, 3, figsize=(15, 5.4))
    cmap = plt.get_cmap("viridis")
    for y in range(1, 11):
        sel = years == y
        if sel.sum() < 10:
            continue
        full = T - 12 * y  # every firm of cohort y can be followed to this age
        h = min(HORIZON, full)
        if h < 12:
            continue
        km = kaplan_meier_greenwood(dur[sel], ev[sel], h)
        S = km["S"]
        out["cohorts"][y] = {"n": int(sel.sum()), "failures": int(ev[sel & (dur <= h)].sum()), "followed_months": int(h), "S": S.tolist(), "se": km["se"].tolist(),
                             "hazard": yearly_hazard(S, h // 12).tolist()}
        lw = 2.2 if y == 1 else 1.0
        ax[0].step(np.arange(h + 1), S, where="post", color=cmap((y - 1) / 9), lw=lw,
                   label=f"founded in year {y} (n = {sel.sum():,})")
    ax[0].set_xlabel("age, months")
    ax[0].set_ylabel("share still alive (Kaplan-Meier; acquired = censored)")
    ax[0].set_title("Start-ups and spin-offs by founding year", fontsize=10)
    ax[0].set_xlim(0, HORIZON)
    ax[0].set_ylim(0, 1.02)
    ax[0].legend(fontsize=6.5, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3)
    colors = {"startup": "k", "spinoff": "#cc6677", "sme": "#4477aa"}
    for key, label, pick in KINDS:
        dk, ek, _ = _durations(details, pick)
        if len(dk) < 10:
            continue
        km = kaplan_meier_greenwood(dk, ek, min(HORIZON, T - 1))
        S, se, R = km["S"], km["se"], km["at_risk"]
        show = R >= 10  # ages with at least ten firms at risk
        a = np.arange(len(S))
        ax[1].step(a[show], S[show], where="post", color=colors[key], label=f"{label} (n = {len(dk):,})")
        ax[1].fill_between(a[show], (S - 1.96 * se)[show], (S + 1.96 * se)[show], step="post",
                           color=colors[key], alpha=0.15, lw=0, label=BAND_KM)
        hz = yearly_hazard(np.where(show, S, np.nan), 10)
        out["kinds"][key] = {"label": label, "n": int(len(dk)), "failures": int(ek.sum()),
                             "S": np.where(show, S, np.nan).tolist(),
                             "se": np.where(show, se, np.nan).tolist(), "hazard": hz.tolist(),
                             "at_risk_year": [int(R[12 * y]) if 12 * y < len(R) else 0 for y in range(0, 10)]}
        ax[2].step(np.arange(1, 11), hz, where="mid", color=colors[key], label=label)
    if 1 in out["cohorts"]:
        ax[2].plot(np.arange(1, len(out["cohorts"][1]["hazard"]) + 1), out["cohorts"][1]["hazard"], "o",
                   color=cmap(0.0), ms=4, label="start-ups and spin-offs founded in year 1")
    ax[1].set_xlabel("age, months")
    ax[1].set_ylabel("share still alive (Kaplan-Meier)")
    ax[1].set_title("Entrants by kind, all founding years", fontsize=10)
    ax[1].set_xlim(0, HORIZON)
    ax[1].set_ylim(0, 1.02)
    handles, labs = ax[1].get_legend_handles_labels()
    keep = {lab_: h for h, lab_ in zip(handles, labs)}  # one entry for the bands of every kind
    ax[1].legend(list(keep.values()), list(keep.keys()), fontsize=7, loc="lower left")
    ax[2].set_xlabel("year of age (1 = first year)")
    ax[2].set_ylabel("yearly hazard: share of firms alive at the\nstart of the year that fail during it")
    ax[2].set_title("Exit hazard by age", fontsize=10)
    ax[2].set_xticks(range(1, 11))
    ax[2].set_ylim(bottom=0)
    ax[2].legend(fontsize=7)
    fig.tight_layout()
    save(fig, figdir, "survival_cohorts")
    return out


# --- 2. Firm-size distribution, baseline and equal-size start ---------------------------------

def _sizes(d: dict, month: int) -> tuple[np.ndarray, np.ndarray]:
    """Annual revenue (yuan/yr) of the alive firms with revenue at the snapshot of `month`, and
    whether each was present at the start."""
    s = snap_index(d, month)
    rev = np.nan_to_num(d["revenue"][s]) * 12.0
    ok = (d["alive"][s] == 1) & (rev > 0)
    initial = d["founded"][: len(ok)] < 0
    return rev[ok], initial[ok]


def size_distribution(runs: dict[str, list[dict]], figdir: str) -> dict:
    """CCDF, Hill plot and tail estimates after ten years for each set of runs (key: "baseline",
    "equal_size"), and the top-5 % Hill estimate by year (how the tail develops)."""
    out: dict = {}
    fig, ax = plt.subplots(1, 3, figsize=(15, 4.4))
    colors = {"baseline": "k", "equal_size": "#ee7733"}
    labels = {"baseline": "baseline", "equal_size": "equal-size start"}
    for key, details in runs.items():
        if not details:
            continue
        per = []
        for d in details:
            size, initial = _sizes(d, SIZE_MONTH)
            t = pareto_tail(size, HILL_SHARE)
            k1 = max(2, int(0.01 * len(size)))  # the top 1 %: shows whether the very top is thinner
            t["hill_1"], t["hill_1_k"] = hill(size, k1), k1
            t["hill_1_se"] = t["hill_1"] / np.sqrt(k1)
            top = size >= np.quantile(size, 1 - HILL_SHARE) if len(size) else np.zeros(0, bool)
            t["top5_initial_share"] = float(initial[top].mean()) if top.any() else float("nan")
            per.append(t)
        size, _ = _sizes(details[0], SIZE_MONTH)
        t0 = per[0]
        xs = np.sort(size)[::-1]
        ccdf = np.arange(1, len(xs) + 1) / len(xs)
        # Every one of the 500 largest firms, then ranks spaced evenly in log (the SVG stays small at full scale).
        shown = np.unique(np.concatenate([np.arange(min(len(xs), 500)),
                                          np.geomspace(1, max(1, len(xs)), 1500).astype(int) - 1]))
        c = colors[key]
        ax[0].loglog(xs[shown] / 1e6, ccdf[shown], ".", ms=2, color=c,
                     label=f"{labels[key]}, replication 0 (n = {len(xs):,})")
        if np.isfinite(t0["alpha_mle"]):
            xm = t0["xmin"]
            p_tail = np.mean(size >= xm)
            xx = np.geomspace(xm, xs[0], 50)
            ax[0].loglog(xx / 1e6, p_tail * (xx / xm) ** (-t0["alpha_mle"]), "-", color=c, lw=1.2, alpha=0.7,
                         label=f"power-law MLE alpha = {t0['alpha_mle']:.2f} above {xm / 1e6:,.0f} M")
        n = len(size)
        kk = np.unique(np.geomspace(10, max(11, n // 2), 30).astype(int))
        ax[1].plot(kk, [hill(size, int(j)) for j in kk], ".-", color=c, label=labels[key])
        ax[1].axvline(t0["hill_k"], color=c, ls=":", lw=0.8)
        # Hill (top 5 %) at each yearly snapshot, mean over the runs.
        months = np.asarray(details[0]["snap_months"])
        months = months[months <= SIZE_MONTH]
        by_year = np.array([[hill(s_, max(2, int(HILL_SHARE * len(s_))))
                             for s_ in (_sizes(d, int(mo))[0] for mo in months)] for d in details])
        ax[2].plot((months + 1) / 12, np.nanmean(by_year, 0), "o-", color=c, label=labels[key])
        arr = {k2: np.array([p[k2] for p in per], dtype=float) for k2 in
               ("hill", "hill_se", "hill_1", "alpha_mle", "mle_se", "xmin", "ks", "n_tail", "n", "top5_initial_share")}
        out[key] = {"replications": len(details), "first": t0,
                    "mean": {k2: float(np.nanmean(v)) for k2, v in arr.items()},
                    "min": {k2: float(np.nanmin(v)) for k2, v in arr.items()},
                    "max": {k2: float(np.nanmax(v)) for k2, v in arr.items()},
                    "hill_by_year": {"year": ((months + 1) / 12).tolist(), "hill": np.nanmean(by_year, 0).tolist()}}
    ax[0].set_xlabel("annual revenue, million yuan (month 119 x 12)")
    ax[0].set_ylabel("share of firms with revenue >= x (CCDF)")
    ax[0].set_title("Firm sizes after ten years", fontsize=10)
    ax[0].legend(fontsize=7, loc="lower left")
    ax[1].set_xscale("log")
    ax[1].set_xlabel("k (number of largest firms used)")
    ax[1].set_ylabel("Hill estimate of alpha (CCDF exponent)")
    ax[1].set_title(f"Hill plot, replication 0 (dotted: k = top {100 * HILL_SHARE:.0f} %)", fontsize=10)
    ax[1].legend(fontsize=7)
    ax[2].set_xlabel("simulated year (snapshot at its last month)")
    ax[2].set_ylabel(f"Hill alpha, top {100 * HILL_SHARE:.0f} % (mean over runs)")
    ax[2].set_title("How the upper tail develops", fontsize=10)
    ax[2].legend(fontsize=7)
    fig.tight_layout()
    save(fig, figdir, "size_distribution")
    return out


# --- 3. Growth rates by size class and the volatility-size relation ---------------------------

def diversification_drift(g: np.ndarray, effective_lines: np.ndarray) -> dict:
    """OLS of annual log growth on 1 / effective lines: g = a + b / n_eff. Each line's appeal keeps
    its mean (a shock exp(sigma Z - sigma^2 / 2)), so its log falls by sigma^2 / 2 a year, and a firm
    of n_eff similar independent lines by about sigma^2 / (2 n_eff): b is close to -sigma^2 / 2 when
    this Jensen term is what makes mean log growth rise with size."""
    ok = np.isfinite(g) & (effective_lines >= 1)
    if ok.sum() < 3:
        return {"slope": float("nan"), "intercept": float("nan"), "n_obs": int(ok.sum())}
    slope, intercept = np.polyfit(1.0 / effective_lines[ok], g[ok], 1)
    return {"slope": float(slope), "intercept": float(intercept), "n_obs": int(ok.sum())}


def growth_panel(details: list[dict], first_month: int = GROWTH_FROM, last_month: int = SIZE_MONTH) -> dict:
    """Annual log revenue growth g = ln(R_t / R_t-12) of the firms alive with revenue at two
    consecutive yearly snapshots between first_month and last_month, demeaned by replication and
    year (the common component), with the start-of-year annual revenue, number of product lines and
    effective number of lines (1 / sum of squared revenue shares; -1 where not recorded)."""
    G, S, L, E, C, GA, LO = [], [], [], [], [], [], []
    for d in details:
        R = np.nan_to_num(d["revenue"])
        A = d["alive"] == 1
        PL = d.get("product_lines")
        EL = d.get("effective_lines")
        LF = d.get("line_flows")
        months = np.asarray(d["snap_months"])
        for s in range(1, len(months)):
            if months[s - 1] < first_month or months[s] > last_month:
                continue
            w = R.shape[1]
            both = A[s - 1, :w] & A[s, :w] & (R[s - 1, :w] > 0) & (R[s, :w] > 0)
            g = np.log(R[s, both] / R[s - 1, both])
            G.append(g - g.mean())
            S.append(np.log(12.0 * R[s - 1, both]))
            L.append(PL[s - 1, both] if PL is not None else np.full(both.sum(), -1))
            E.append(EL[s - 1, both] if EL is not None else np.full(both.sum(), -1.0))
            if LF is not None:
                c = LF["growth"][s, :w][both].astype(float)
                C.append(c - np.nanmean(c) if np.any(np.isfinite(c)) else c)
                GA.append(LF["gained"][s, :w][both])
                LO.append(LF["lost"][s, :w][both])
            else:
                C.append(np.full(both.sum(), np.nan))
                GA.append(np.zeros(both.sum(), dtype=bool))
                LO.append(np.zeros(both.sum(), dtype=bool))
    if not G:
        return {"g": np.zeros(0), "logsize": np.zeros(0), "lines": np.zeros(0), "effective_lines": np.zeros(0),
                "continuing": np.zeros(0), "gained": np.zeros(0, dtype=bool), "lost": np.zeros(0, dtype=bool)}
    return {"g": np.concatenate(G), "logsize": np.concatenate(S), "lines": np.concatenate(L),
            "effective_lines": np.concatenate(E), "continuing": np.concatenate(C), "gained": np.concatenate(GA),
            "lost": np.concatenate(LO)}


def _myuan(x: float) -> str:
    """Millions of yuan with three significant digits and no exponent: 0.0323, 15.7, 165, 82,044."""
    return f"{x:,.0f}" if x >= 100 else f"{x:.3g}"


LINE_EDGES = np.array([1, 2, 3, 4, 6, 10, 20, 10**9]) - 0.5  # classes 1, 2, 3, 4-5, 6-9, 10-19, 20+


def growth_by_size(runs: dict[str, list[dict]], figdir: str) -> dict:
    """Densities of growth rates by start-of-year size quartile, and the standard deviation of
    growth against log size (and against the number of product lines) with the fitted slopes."""
    out: dict = {}
    panels = {k: growth_panel(v) for k, v in runs.items() if v}
    fig, ax = plt.subplots(1, 3, figsize=(15, 4.4))
    base = panels.get("baseline")
    qcol = ["#88ccee", "#44aa99", "#117733", "#332288"]
    if base is not None and len(base["g"]) > 100:
        g, x = base["g"], base["logsize"]
        q = np.quantile(x, [0.25, 0.5, 0.75])
        cls = np.searchsorted(q, x, side="right")
        lim = np.quantile(np.abs(g), 0.998)
        bins = np.linspace(-lim, lim, 61)
        c = 0.5 * (bins[1:] + bins[:-1])
        qs = []
        for i in range(4):
            gi = g[cls == i]
            if len(gi) < 20:
                continue
            h, _ = np.histogram(gi, bins=bins, density=True)
            fit = laplace_vs_normal(gi)
            lo = np.exp(x[cls == i].min()) / 1e6
            hi = np.exp(x[cls == i].max()) / 1e6
            ax[0].semilogy(c[h > 0], h[h > 0], ".", color=qcol[i],
                           label=f"Q{i + 1}: {_myuan(lo)}-{_myuan(hi)} M yuan (sd {fit['normal_scale']:.2f})")
            ax[0].semilogy(c, stats.laplace.pdf(c, fit["laplace_loc"], fit["laplace_scale"]), "-", color=qcol[i], lw=0.8)
            qs.append({"class": f"Q{i + 1}", "revenue_myuan": (float(lo), float(hi)), **fit,
                       "lines_mean": float(np.mean(base["lines"][cls == i])),
                       "effective_lines_mean": float(np.mean(base["effective_lines"][cls == i])),
                       "continuing_sd": float(np.nanstd(base["continuing"][cls == i], ddof=1))
                       if np.sum(np.isfinite(base["continuing"][cls == i])) > 1 else float("nan"),
                       "gained_share": float(np.mean(base["gained"][cls == i])),
                       "lost_share": float(np.mean(base["lost"][cls == i])),
                       "mean_growth": float(np.mean(gi))})
        out["quartiles"] = qs
        ax[0].set_ylim(bottom=max(1e-4, 0.3 / len(g)))
    ax[0].set_xlabel("annual log revenue growth, ln(R_t / R_t-1) (demeaned by year)")
    ax[0].set_ylabel("density (log scale)")
    ax[0].set_title("Baseline growth rates by start-of-year size quartile\n(lines: Laplace fits)", fontsize=10)
    ax[0].legend(fontsize=6.5)
    colors = {"baseline": "k", "equal_size": "#ee7733"}
    labels = {"baseline": "baseline", "equal_size": "equal-size start"}
    for key, p in panels.items():
        if len(p["g"]) < 100:
            continue
        v = binned_volatility(p["logsize"], p["g"], bins=12)
        out.setdefault(key, {})["size"] = {k2: (v[k2].tolist() if isinstance(v[k2], np.ndarray) else v[k2]) for k2 in v}
        out[key]["n_firm_years"] = int(len(p["g"]))
        out[key]["all"] = laplace_vs_normal(p["g"])
        m = v["x"] / np.log(10)
        ax[1].errorbar(10 ** m / 1e6, v["sd"], yerr=1.96 * v["sd_se"], fmt="o", color=colors[key], ms=4,
                       label=f"{labels[key]}: beta = {v['beta']:.2f} ± {v['beta_se']:.2f}")
        if np.isfinite(v["beta"]):
            ax[1].plot(10 ** m / 1e6, np.exp(v["intercept"] - v["beta"] * v["x"]), "-", color=colors[key], lw=1)
        lines = p["lines"]
        if np.any(lines >= 1):
            ok = lines >= 1
            vl = binned_volatility(np.log(lines[ok]), p["g"][ok], edges=np.log(LINE_EDGES))
            out[key]["lines"] = {k2: (vl[k2].tolist() if isinstance(vl[k2], np.ndarray) else vl[k2]) for k2 in vl}
            ax[2].errorbar(np.exp(vl["x"]), vl["sd"], yerr=1.96 * vl["sd_se"], fmt="o", color=colors[key], ms=4,
                           label=f"{labels[key]}: gamma = {vl['beta']:.2f} ± {vl['beta_se']:.2f}")
            if np.isfinite(vl["beta"]):
                ax[2].plot(np.exp(vl["x"]), np.exp(vl["intercept"] - vl["beta"] * vl["x"]), "-", color=colors[key], lw=1)
        eff = p["effective_lines"]
        if np.any(eff >= 1):
            ok = eff >= 1
            ve = binned_volatility(np.log(eff[ok]), p["g"][ok], edges=np.log(LINE_EDGES))
            out[key]["effective_lines"] = {k2: (ve[k2].tolist() if isinstance(ve[k2], np.ndarray) else ve[k2])
                                           for k2 in ve}
            # How tightly size and lines are tied: the OLS slope of log effective lines on log size.
            out[key]["effective_lines_size_slope"] = float(np.polyfit(p["logsize"][ok], np.log(eff[ok]), 1)[0])
            out[key]["diversification_drift"] = diversification_drift(p["g"], eff)
    ax[1].set_xscale("log")
    ax[1].set_yscale("log")
    ax[1].set_xlabel("start-of-year annual revenue, million yuan (bin mean, log scale)")
    ax[1].set_ylabel("sd of annual log revenue growth (log scale)")
    ax[1].set_title("Volatility and size: sd ~ size^-beta\n(12 equal-count bins, 95 % bars)", fontsize=10)
    ax[1].legend(fontsize=7)
    ax[2].set_xscale("log")
    ax[2].set_yscale("log")
    ax[2].set_xlabel("product lines at the start of the year (bin mean, log scale)")
    ax[2].set_ylabel("sd of annual log revenue growth (log scale)")
    ax[2].set_title("Volatility and product lines: sd ~ lines^-gamma\n(classes 1, 2, 3, 4-5, 6-9, 10-19, 20+)",
                    fontsize=10)
    ax[2].legend(fontsize=7)
    fig.tight_layout()
    save(fig, figdir, "growth_by_size")
    return out


# --- 4. Stationarity table ------------------------------------------------------------------

# (key of run_moments()["yearly"], label, listed in issue 16's stationarity criterion)
STATIONARITY_SERIES = [
    ("alive", "alive enterprises (stock)", True),
    ("startups_alive", "alive start-ups (stock)", True),
    ("startups_founded", "start-ups and spin-offs founded a year", True),
    ("vacancies", "vacancies (stock)", True),
    ("employment", "employment (researchers + firms' R&D staff)", True),
    ("people", "people in the province (stock)", True),
    ("deals", "venture deals a year", True),
    ("transfers", "transfers a year", True),
    ("sme_entries", "new SMEs a year", False),
    ("firm_exits", "firm exits a year", False),
    ("exits_runway", "runway exits a year", False),
    ("acquisitions", "acquisitions a year", False),
    ("unemployed", "unemployed (stock)", False),
    ("products_launched", "products launched a year", False),
    ("product_lines", "product lines on the market (stock)", False),
    ("revenue", "enterprises' revenue, bn yuan a year", False),
    ("rd_enterprises", "enterprises' project R&D, bn yuan a year", False),
    ("rd_total", "R&D spending / revenue (ratio)", False),
    ("vacancy_rate", "vacancies / people (ratio)", False),
    ("unemployment", "unemployed / people (ratio)", False),
]
RATIOS = {"rd_total", "vacancy_rate", "unemployment", "people"}  # no per-person reading
IN_BN = {"revenue", "rd_enterprises"}  # shown in bn yuan (the drift does not depend on the unit)
DRIFT_LIMIT = 0.01  # issue 16: |drift| at most 1 % a year over years 4-10


def stationarity_table(ms: list[dict], figdir: str, first: int = 4, last: int = 10) -> dict:
    """Drift per year over years first..last (OLS slope / level, per replication; mean and 95 %
    CI across replications) of every yearly stock and flow, and of its ratio to the people in the
    province; the flag marks |mean drift| > 1 % a year. Figure: each series relative to its own
    years 4-10 mean, each replication and their mean."""
    ys = [{k: np.array(v, dtype=float) for k, v in m["yearly"].items()} for m in ms]
    rows = {}
    present = [(k, lab, listed) for k, lab, listed in STATIONARITY_SERIES if all(k in y for y in ys)]
    ncol = 5
    nrow = int(np.ceil(len(present) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(3.2 * ncol, 2.6 * nrow), squeeze=False)
    for ax, (key, label, listed) in zip(axes.ravel(), present):
        nyear = min(len(y[key]) for y in ys)
        M = np.array([y[key][:nyear] for y in ys]) * (1e-9 if key in IN_BN else 1.0)
        years = np.arange(1, nyear + 1)
        r = {"label": label, "listed": listed, "level": drift(M, years, first, last)}
        if key not in RATIOS and all("people" in y for y in ys):
            P = np.array([y["people"][:nyear] for y in ys])
            r["per_capita"] = drift(M / P, years, first, last)  # the unit does not matter for the drift
        sel = (years >= first) & (years <= last)
        per_rep = M[:, sel].mean(1)
        r["cv_across_seeds"] = float(per_rep.std(ddof=1) / abs(per_rep.mean())) if len(per_rep) > 1 and per_rep.mean() else float("nan")
        d = r["level"]["drift"]
        r["flag"] = bool(np.isfinite(d) and abs(d) > DRIFT_LIMIT)
        pc = r.get("per_capita", {}).get("drift", np.nan)
        r["flag_per_capita"] = bool(np.isfinite(pc) and abs(pc) > DRIFT_LIMIT)
        rows[key] = r
        lvl = M[:, sel].mean(1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            rel = M / lvl
        for row in rel:
            ax.plot(years, row, color="0.7", lw=0.6)
        ax.plot(years, np.nanmean(rel, 0), "k-", lw=1.3)
        ax.axhline(1.0, color="0.5", lw=0.5)
        ax.axvspan(0.5, first - 0.5, color="orange", alpha=0.12)
        ax.set_title(("* " if listed else "") + label, fontsize=7.5)
        ax.set_ylabel("relative to its years 4-10 mean", fontsize=6.5)
        ax.set_xlabel("simulated year", fontsize=7)
        ax.tick_params(labelsize=7)
        # A series constant by design (revenue in constant prices) would get an offset label.
        ax.ticklabel_format(axis="y", useOffset=False, style="plain")
        if np.nanmax(np.abs(rel - 1.0)) < 1e-3:
            ax.set_ylim(0.99, 1.01)
    for ax in axes.ravel()[len(present):]:
        ax.set_visible(False)
    fig.suptitle("Every stock and flow by simulated year, relative to its years 4-10 mean: each replication (grey)"
                 " and their mean (black)\nshaded: burn-in (years 1-3); * a stock or flow of the stationarity criterion",
                 fontsize=9)
    fig.tight_layout()
    save(fig, figdir, "stationarity_levels")
    return rows
