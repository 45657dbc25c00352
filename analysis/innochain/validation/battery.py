"""The validation battery: runs the calibrated baseline for many replications and writes
docs/validation.md (targets vs model, emergent distributions, cohort survival, the firm-size
distribution from the baseline and from an equal-size start, growth rates by size class and the
volatility-size relation, the stationarity table) with its figures (PNG and SVG) under docs/figures/.

    bash scripts/validate.sh                     # 30 replications at full scale, 132 months, and 2
                                                 # equal-size-start replications
    bash scripts/validate.sh --scale 0.1 -n 30   # a quicker look (counts mapped back to the province)
    bash scripts/validate.sh --scale 0.05 -n 4 --keep 4 --doc /tmp/v.md --figures /tmp/figs   # development

The runs last 132 months (--months) so that the cohort founded in year 1 can be followed for ten
years; every target moment and the stationarity table still use months 0-119 (moments.MEASURE_MONTHS).

The section "Dutch innovation-voucher lottery" of the existing docs/validation.md is produced by
the innovation_voucher trial (build/tests/innochain_tests "[validation]") and is kept verbatim.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import subprocess
import sys
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy import stats  # noqa: E402

from . import dynamics  # noqa: E402
from .distributions import kaplan_meier, laplace_vs_normal  # noqa: E402
from .dynamics import save  # noqa: E402
from .moments import MEASURE_MONTHS, WINDOW, run_details  # noqa: E402
from .runner import run_replications  # noqa: E402
from .targets import TARGETS  # noqa: E402

DUTCH_HEADING = "## Dutch innovation-voucher lottery"
NOTES_DEFAULT = "analysis/innochain/validation/notes.json"
STATIONARY = [  # (moment of run_details series, label) for the stationarity figure
    ("rd_total", "R&D spending / revenue"),
    ("transfers", "transfers a year (province)"),
    ("alive", "alive enterprises (province)"),
    ("deals", "venture deals a year (province)"),
    ("vacancy_rate", "vacancies / people in the province"),
    ("unemployment", "unemployed / people in the province"),
]


STATIONARY_UNITS = {"rd_total": "ratio (yuan / yuan)", "transfers": "transfers per year", "alive": "enterprises",
                    "deals": "deals per year", "vacancy_rate": "vacancies per person", "unemployment": "unemployed per person"}


def fmt(x: float, unit: str = "") -> str:
    if not np.isfinite(x):
        return "—"
    if unit == "share" or unit == "share of output":
        return f"{100 * x:.1f} %"
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}".replace(",", " ")
    if a >= 100:
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}"
    if a >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def figures(details: list[dict], scale: float, figdir: str) -> dict:
    """Draws the figures from the kept runs; returns the numbers quoted in the text."""
    os.makedirs(figdir, exist_ok=True)
    out: dict = {}
    d0 = details[0]

    # 2. Growth rates: log revenue growth between consecutive yearly snapshots of years 4-10,
    # firms alive with revenue at both, demeaned by replication and year, pooled over kept runs.
    g = dynamics.growth_panel(details)["g"]
    fitg = laplace_vs_normal(g)
    out["growth"] = fitg
    fig, ax = plt.subplots(figsize=(6, 4))
    lim = np.quantile(np.abs(g), 0.999)
    bins = np.linspace(-lim, lim, 81)
    h, e = np.histogram(g, bins=bins, density=True)
    c = 0.5 * (e[1:] + e[:-1])
    ax.semilogy(c[h > 0], h[h > 0], "k.", label="model (demeaned)")
    ax.semilogy(c, stats.laplace.pdf(c, fitg["laplace_loc"], fitg["laplace_scale"]), "r-", label="Laplace fit")
    ax.semilogy(c, stats.norm.pdf(c, fitg["normal_loc"], fitg["normal_scale"]), "b--", label="normal fit")
    ax.set_xlabel("annual log revenue growth, ln(R_t / R_t-1), demeaned")
    ax.set_ylabel("density (log scale)")
    ax.set_ylim(max(1e-5, h[h > 0].min() / 3), h.max() * 3)
    ax.legend(fontsize=8)
    ax.set_title("Enterprise growth rates")
    fig.tight_layout()
    save(fig, figdir, "growth_rates")

    # 3. Survival by age (Kaplan-Meier) of entrants, pooled over kept runs: newborn firms (start-ups
    # founded by talent and spin-offs, the population of the first-year target) and all entrants.
    T = d0["months"]
    H = min(dynamics.HORIZON, T - 1)
    curves = {}
    for label, pick in (("newborn", lambda d: (d["kind_last"] == 2) | (d["origin_last"] >= 0)),
                        ("all", lambda d: np.ones(len(d["founded"]), dtype=bool))):
        dur, ev = [], []
        for d in details:
            ent = (d["founded"] >= 0) & pick(d)
            dead = (d["alive_last"] == 0) & (d["acquired_last"] < 0)
            dur.append(d["age_last"][ent])
            ev.append(dead[ent])
        dur = np.concatenate(dur)
        ev = np.concatenate(ev)
        curves[label] = (kaplan_meier(dur, ev, H), len(dur))
    S = curves["newborn"][0]
    Sa = curves["all"][0]
    out["survival"] = {"entrants": int(curves["newborn"][1]), "all_entrants": int(curves["all"][1]),
                       "S12": float(S[12]), "S36": float(S[min(36, H)]), "S60": float(S[min(60, H)]),
                       "S12_all": float(Sa[12]), "S60_all": float(Sa[min(60, H)])}
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.step(np.arange(H + 1), S, where="post", color="k", label="start-ups and spin-offs (Kaplan-Meier)")
    ax.step(np.arange(H + 1), Sa, where="post", color="0.6", label="all entrants, new SMEs included")
    ax.plot([12], [0.79], "ro", label="target: 79 % survive year 1")
    ax.set_xlabel("age, months")
    ax.set_ylabel("share still alive (acquired = censored)")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8)
    ax.set_title("Survival of new firms by age")
    fig.tight_layout()
    save(fig, figdir, "survival")

    # 4. Venture funnel by round (venture-led rounds): firms seeded at least 36 months before the
    # end, those with a series A within 36 months of the seed, and those with a series B or later.
    funnels = []
    for d in details:
        lead = d["deal_kind"] == 0
        e, r, mo = d["deal_enterprise"][lead], d["deal_round"][lead], d["deal_month"][lead]
        seed = {}
        for ei, mi in zip(e[r == 0], mo[r == 0]):
            seed.setdefault(int(ei), int(mi))
        seed = {k: v for k, v in seed.items() if v < T - 36}
        first_a = {}
        for ei, mi in zip(e[r == 1], mo[r == 1]):
            first_a.setdefault(int(ei), int(mi))
        a = {k for k, v in seed.items() if k in first_a and first_a[k] <= v + 36}
        b = set(e[r == 2].tolist()) & a
        funnels.append((len(seed) / scale, len(a) / scale, len(b) / scale))
    funnels = np.array(funnels)
    fm = funnels.mean(0)
    out["funnel"] = {"seed": fm[0], "A": fm[1], "B": fm[2], "A_share": fm[1] / fm[0] if fm[0] else np.nan,
                     "B_given_A": fm[2] / fm[1] if fm[1] else np.nan}
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.bar(["seed", "series A", "series B+"], fm, color=["#4477aa", "#66ccee", "#228833"])
    for i, v in enumerate(fm):
        ax.text(i, v, f"{v:,.0f}\n({100 * v / fm[0]:.0f} %)", ha="center", va="bottom", fontsize=8)
    ax.set_xlabel("venture round reached (within 36 months of the seed for series A)")
    ax.set_ylabel("firms (province-equivalent)")
    ax.set_title("Venture funnel: seeded firms reaching each round")
    ax.set_ylim(0, fm[0] * 1.25)
    fig.tight_layout()
    save(fig, figdir, "venture_funnel")

    # 5. Time from discovery to market (institute-originated launches) and from own-project start.
    ti, te = [], []
    for d in details:
        dt_ = d["launch_month"] - d["launch_created"]
        ti.append(dt_[d["launch_origin"] >= 0])
        te.append(dt_[d["launch_origin"] < 0])
    ti, te = np.concatenate(ti), np.concatenate(te)
    out["time_to_market"] = {
        "n_institute": int(len(ti)), "n_enterprise": int(len(te)),
        "median_institute": float(np.median(ti)) if len(ti) else np.nan,
        "p10_institute": float(np.quantile(ti, 0.1)) if len(ti) else np.nan,
        "p90_institute": float(np.quantile(ti, 0.9)) if len(ti) else np.nan,
        "median_enterprise": float(np.median(te)) if len(te) else np.nan,
    }
    fig, ax = plt.subplots(figsize=(6, 4))
    bins = np.arange(0, T + 6, 6)
    if len(ti):
        ax.hist(ti, bins=bins, alpha=0.6, density=True, label=f"from an institute's discovery (n={len(ti)})")
    if len(te):
        ax.hist(te, bins=bins, alpha=0.6, density=True, label=f"from a firm's own project (n={len(te)})")
    ax.set_xlabel("months from project creation to product launch")
    ax.set_ylabel("density, per month")
    ax.legend(fontsize=8)
    ax.set_title("Time from discovery to market (launches within the run)")
    fig.tight_layout()
    save(fig, figdir, "time_to_market")
    return out


def stationarity(ms: list[dict], figdir: str) -> dict:
    """Yearly ratios per replication: their paths (figure), the drift after burn-in (slope of a
    regression on the year, years 3-10, relative to the mean) and the spread across seeds."""
    ys = [{k: np.array(v) for k, v in m["yearly"].items()} for m in ms]
    out = {}
    fig, axes = plt.subplots(2, 3, figsize=(12, 6))
    for ax, (key, label) in zip(axes.ravel(), STATIONARY):
        M = np.array([y[key] for y in ys])  # [rep, year]
        years = np.arange(1, M.shape[1] + 1)
        for row in M:
            ax.plot(years, row, color="0.7", lw=0.6)
        ax.plot(years, M.mean(0), "k-", lw=1.5)
        ax.axvspan(0.5, 3.5, color="orange", alpha=0.12)
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("simulated year")
        ax.set_ylabel(STATIONARY_UNITS[key], fontsize=8)
        sel = (years >= 4) & (years <= 10)
        slope = np.polyfit(years[sel], M.mean(0)[sel], 1)[0]
        mean_after = M[:, sel].mean()
        cv_seeds = M[:, sel].mean(1).std(ddof=1) / abs(mean_after) if len(M) > 1 else np.nan
        cv_years = M.mean(0)[sel].std(ddof=1) / abs(mean_after)
        out[key] = {"label": label, "mean": mean_after, "drift_per_year": slope / mean_after,
                    "cv_across_seeds": cv_seeds, "cv_across_years": cv_years,
                    "year1": M[:, 0].mean(), "year10": M[:, -1].mean()}
    fig.suptitle("Key ratios by simulated year: each replication (grey) and the mean (black); years 1-3 (shaded) are burn-in")
    fig.tight_layout()
    save(fig, figdir, "stationarity")
    return out


def write_doc(path: str, rows: list, reps: int, scale: float, dist: dict, dyn: dict, calib: dict | None,
              diag: dict, command: str, git_sha: str, months: int = MEASURE_MONTHS) -> None:
    dutch = ""
    if os.path.exists(path):
        text = open(path).read()
        i = text.find(DUTCH_HEADING)
        if i >= 0:
            dutch = text[i:]
    L = []
    w = L.append
    w("# Validation\n")
    w("The model's values beside the public Guangdong targets, the emergent distributions an")
    w("economist checks first, and the stationarity and ergodicity of the baseline. Everything above the")
    w("Dutch-lottery section is written by the validation battery from real runs:\n")
    w("```sh\n" + command + "\n```\n")
    w(f"This version: {reps} replications of `scenarios/guangdong_baseline.yaml` at world.scale = {scale:g}"
      f" (counts and yuan divided by world.scale: province figures), {months} months each, source `{git_sha}`,"
      f" written {dt.datetime.utcnow().strftime('%Y-%m-%d %H:%M')} UTC. Annual flows and stocks are averages over"
      f" simulated years 4-6 (months {WINDOW[0]}-{WINDOW[1] - 1}). The recorded months follow the baseline's spin-up"
      " (`world.spin_up_months`, 72 months run from the constructed population and not recorded, with no policy"
      " acting; docs/model.md 3.1), so month 0 is the model's own state, not the construction's; the window keeps"
      " years 1-3 out as before (burn-in). Every target moment is measured on months 0-119, also when the runs are longer"
      " (`--months`, to follow the first cohort for ten years). Stage pass rates pool months 36-119; the venture funnel uses every seed that"
      " can be followed for 36 months; first-year survival uses the firms founded in years 4-6 (the survival"
      " curve below, every cohort).\n")
    w("## Targets and the model\n")
    w("*Calibrated*: the moment is in the calibration objective (section Calibration below), so matching it")
    w("shows only that the search worked. *Out of sample*: the moment was not used to choose any parameter;")
    w("matching it is evidence for the model. Tolerance: the interval within which the model's mean over")
    w("replications must lie (the test `analysis/tests/test_guangdong_small.py`, run by ctest, keeps the small variant")
    w("on the calibrated targets, within these intervals widened for its 1/100 scale). 95 % interval: the 2.5th-97.5th percentile of")
    w("single replications; CI: the 95 % confidence interval of the mean.\n")
    w("| target | public figure | model mean | 95 % interval (replications) | CI of the mean | tolerance | hit | role | model measure |")
    w("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        t = r["target"]
        u = t.unit
        w(f"| {t.label} | {fmt(t.value, u)} {'' if u in ('share', 'share of output') else u} | {fmt(r['mean'], u)} | "
          f"[{fmt(r['p025'], u)}, {fmt(r['p975'], u)}] | [{fmt(r['ci'][0], u)}, {fmt(r['ci'][1], u)}] | "
          f"[{fmt(t.lo, u)}, {fmt(t.hi, u)}] | {'yes' if t.hit(r['mean']) else '**no**'} | "
          f"{'calibrated' if t.calibrated else 'out of sample'} | {t.model_definition} |")
    w("")
    missed = [r["target"].label for r in rows if not r["target"].hit(r["mean"])]
    if missed:
        w("**Missed:** " + "; ".join(missed) + ".\n")
    if dist.get("targets_text"):
        w(dist["targets_text"] + "\n")
    w("Other annual figures of the baseline (province-equivalent, mean over replications; not targets):\n")
    w("| figure | model mean |")
    w("|---|---|")
    for k, label in diag["labels"].items():
        w(f"| {label} | {fmt(diag['values'][k])} |")
    w("")
    if calib:
        w("## Calibration\n")
        w(calib["text"])
    w("## Emergent distributions (not calibrated)\n")
    w("None of these was targeted; they are what the calibrated rules produce. Replication 0 (and, where")
    w(f"stated, the first {dist['kept']} replications pooled). Figures are in docs/figures/ as PNG and SVG.\n")
    sz = dyn["size"]
    w("### Enterprise size: the baseline and an equal-size start\n")
    w("![size distribution](figures/size_distribution.png)\n")
    w("Size is annual revenue (the monthly revenue of month 119, times 12) of the alive firms with revenue, after"
      " ten years. The baseline starts from log-normal sizes by sub-kind; the *equal-size start* is the same"
      " scenario with `agents.enterprises.equal_initial_size: true` (every initial firm of a kind at its kind's"
      f" median, same seeds), {sz.get('equal_size', {}).get('replications', 0)} replication(s)"
      + (f" (a 1/{1 / scale:g} world has 1/{1 / scale:g} of the firms)" if scale < 1 else "") + "."
      " Two estimates of the upper-tail (CCDF) exponent alpha, P(size > x) ~ x^-alpha, each per replication:"
      f" the Hill (1975) estimator on the largest k = {100 * dynamics.HILL_SHARE:.0f} % of the firms with revenue,"
      " standard error alpha / sqrt(k); and the continuous power-law maximum-likelihood estimate with x_min"
      " chosen to minimise the Kolmogorov-Smirnov distance between the data above x_min and the fit (Clauset,"
      " Shalizi and Newman 2009; up to 200 candidate x_min among the upper half of the sizes, at least 50 firms"
      " above), standard error alpha / sqrt(n_tail) given x_min. The middle panel is the Hill plot of"
      " replication 0 (a flat stretch supports a Pareto tail); the right panel follows the top-5 % Hill estimate"
      " year by year, which shows whether the tail is inherited from the initial population or develops. The"
      " Hill estimate on the top 1 % is given beside it: a larger value there means the very top is thinner than"
      " a Pareto tail (bounded growth of the largest firms). The tail is called heavy here when alpha < 2 (a"
      " Pareto tail with infinite variance) by both the top-5 % Hill estimate and the MLE in every replication.\n")
    w("| run | replications | firms with revenue | Hill k | Hill alpha ± SE (rep. 0) | Hill alpha, mean [min, max] |"
      " Hill alpha, top 1 % ± SE (rep. 0) | MLE alpha ± SE (rep. 0) | x_min, million yuan/yr (rep. 0) | n above x_min | KS |"
      " MLE alpha, mean [min, max] | top 5 % that existed at the start | heavy (alpha < 2) |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for key, lab in (("baseline", "baseline"), ("equal_size", "equal-size start")):
        if key not in sz:
            continue
        v, f0 = sz[key], sz[key]["first"]
        heavy = v["max"]["hill"] < 2 and v["max"]["alpha_mle"] < 2
        w(f"| {lab} | {v['replications']} | {v['mean']['n']:,.0f} | {f0['hill_k']} | {f0['hill']:.2f} ± {f0['hill_se']:.2f} |"
          f" {v['mean']['hill']:.2f} [{v['min']['hill']:.2f}, {v['max']['hill']:.2f}] | {f0['hill_1']:.2f} ± {f0['hill_1_se']:.2f} |"
          f" {f0['alpha_mle']:.2f} ± {f0['mle_se']:.2f} |"
          f" {fmt(f0['xmin'] / 1e6)} | {f0['n_tail']:,} | {f0['ks']:.3f} |"
          f" {v['mean']['alpha_mle']:.2f} [{v['min']['alpha_mle']:.2f}, {v['max']['alpha_mle']:.2f}] |"
          f" {100 * v['mean']['top5_initial_share']:.0f} % | {'yes' if heavy else 'no'} |")
    w("")
    w("Public evidence to compare with: firm sizes have a Pareto upper tail with alpha close to 1 (Zipf's law;"
      " Axtell 2001, Science 293, US Census firms by employment, alpha about 1.06), and a proportional-growth"
      " process with entry and exit produces such a tail from any start (Simon and Bonini 1958); the model's"
      " size is revenue, not employment. " + dist["size_text"] + "\n")
    gfit = dist["growth"]
    w("### Enterprise growth rates\n")
    w("![growth rates](figures/growth_rates.png)\n")
    w(f"Annual log revenue growth ln(R_t / R_t-1) of firms alive with revenue at consecutive yearly snapshots of years"
      f" 4-10 ({gfit['n']:,} firm-years, demeaned by replication and year, kept replications pooled)."
      f" Laplace fit: scale {gfit['laplace_scale']:.3f}; normal fit: sd {gfit['normal_scale']:.3f}. Mean log-likelihood"
      f" per observation: Laplace {gfit['ll_laplace']:.3f}, normal {gfit['ll_normal']:.3f}; excess kurtosis"
      f" {gfit['excess_kurtosis']:.1f} (0 for a normal, 3 for a Laplace). Empirical growth rates are tent-shaped"
      " (Laplace; Stanley et al. 1996, Bottazzi and Secchi 2006). " + dist["growth_text"] + "\n")
    gs = dyn["growth"]
    w("### Growth rates by size class and the volatility-size relation\n")
    w("![growth by size](figures/growth_by_size.png)\n")
    w("The same growth rates (years 4-10, demeaned by replication and year) by the firm's size at the start of the"
      " year. Left: the density in each quartile of start-of-year annual revenue (baseline), with Laplace fits."
      " Middle: the standard deviation of growth in 12 equal-count bins of start-of-year log revenue against the"
      " bin's mean size, and the OLS fit ln sd = c - beta ln size over the bins (beta's standard error from the"
      " scatter of the bins about the line; the error bars are sd / sqrt(2(n-1))). Right: the same against the"
      " number of product lines the firm has at the start of the year (classes 1, 2, 3, 4-5, 6-9, 10-19, 20+;"
      " firms with no line but revenue are left out), sd ~ lines^-gamma. Growth is measured only on firms"
      " alive at both ends of the year (exits and entries are left out, as in the empirical studies).\n")
    if gs.get("quartiles"):
        w("| start-of-year size class (baseline) | annual revenue, million yuan | firm-years | sd | Laplace scale |"
          " excess kurtosis | log-likelihood per obs., Laplace - normal | mean growth | product lines (mean) |"
          " effective lines (mean) | sd, lines held all year | share gaining a line | share losing a line |")
        w("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for q in gs["quartiles"]:
            lo, hi = q["revenue_myuan"]
            w(f"| {q['class']} | {fmt(lo)}-{fmt(hi)} | {q['n']:,} | {q['normal_scale']:.3f} | {q['laplace_scale']:.3f} |"
              f" {q['excess_kurtosis']:.1f} | {q['ll_laplace'] - q['ll_normal']:+.3f} |"
              f" {q.get('mean_growth', float('nan')):+.3f} |"
              f" {q.get('lines_mean', float('nan')):.2f} | {q.get('effective_lines_mean', float('nan')):.2f} |"
              f" {q.get('continuing_sd', float('nan')):.3f} | {q.get('gained_share', float('nan')):.2f} |"
              f" {q.get('lost_share', float('nan')):.2f} |")
        w("")
    w("Mean growth is the quartile's mean of the demeaned growth rates. The effective number of lines is"
      " 1 / sum_l s_l^2, s_l the line's share of the firm's revenue: n for n lines of equal revenue, close to 1"
      " when one line dominates (the number that sets the volatility of a firm of independent lines, sd ="
      " sigma / sqrt(effective lines)). \"Lines held all year\": the standard deviation of the growth of the"
      " revenue of the lines the firm held at both snapshots (demeaned by replication and year), what the"
      " firm's growth would be without gaining or losing a line; the two shares are of the firm-years in which"
      " the firm gained a line (its launches, acquisitions, goods taken up) or lost one (displaced by a launch,"
      " taken over by an entrant). The elasticity of effective lines to size below is the OLS slope of log"
      " effective lines on log size over the firm-years; the mean growth on 1 / effective lines is the OLS slope b"
      " of g = a + b / effective lines (close to -sigma^2 / 2 = -0.125 when the lines' mean-preserving shocks are"
      " what makes mean log growth rise with size).\n")
    w("| run | firm-years | beta (sd ~ size^-beta) ± SE | volatility falls with size (beta > 2 SE) |"
      " gamma (sd ~ lines^-gamma) ± SE | gamma, effective lines ± SE | elasticity of effective lines to size |"
      " mean growth on 1 / effective lines (slope) | firm-years with a line |")
    w("|---|---|---|---|---|---|---|---|---|")
    for key, lab in (("baseline", "baseline"), ("equal_size", "equal-size start")):
        if key not in gs:
            continue
        v = gs[key]
        b, bse = v["size"]["beta"], v["size"]["beta_se"]
        ln = v.get("lines", {})
        el = v.get("effective_lines", {})
        w(f"| {lab} | {v['n_firm_years']:,} | {b:.3f} ± {bse:.3f} | {'yes' if b > 2 * bse else 'no'} |"
          f" {ln.get('beta', float('nan')):.3f} ± {ln.get('beta_se', float('nan')):.3f} |"
          f" {el.get('beta', float('nan')):.3f} ± {el.get('beta_se', float('nan')):.3f} |"
          f" {v.get('effective_lines_size_slope', float('nan')):.3f} |"
          f" {v.get('diversification_drift', {}).get('slope', float('nan')):.3f} | {ln.get('n_obs', 0):,} |")
    w("")
    w("Public evidence to compare with: the standard deviation of annual growth falls with size as size^-beta with"
      " beta about 0.15-0.2 (Stanley et al. 1996, Nature 379, US listed manufacturing firms, beta about 0.15;"
      " Amaral et al. 1997, J. Phys. I France 7, about 0.2; Bottazzi and Secchi 2003, Review of Industrial"
      " Organization 23, for US manufacturing sectors). If a firm were n independent, equal product lines, the"
      " standard deviation would fall as n^-1/2 (gamma = 0.5); that observed beta is far below 0.5 is explained"
      " by the unequal sizes of a firm's lines (Sutton 2002, Physica A 312), and a firm that grows by adding"
      " lines is the Klette and Kortum (2004, Journal of Political Economy 112) mechanism."
      " " + dist["growth_size_text"] + "\n")
    sv = dist["survival"]
    w("### Survival by age\n")
    w("![survival](figures/survival.png)\n")
    w(f"Kaplan-Meier survival of the {sv['entrants']:,} start-ups and spin-offs founded during the kept runs (an"
      f" acquisition censors, it is not a failure): {100 * sv['S12']:.0f} % alive at 12 months, {100 * sv['S36']:.0f} %"
      f" at 36, {100 * sv['S60']:.0f} % at 60; with the new SMEs (established businesses joining the high-tech"
      f" population) included, {100 * sv['S12_all']:.0f} % at 12 months and {100 * sv['S60_all']:.0f} % at 60."
      " " + dist["survival_text"] + "\n")
    co = dyn["cohorts"]
    w("### Cohort survival to ten years and the hazard by age\n")
    w("![cohort survival](figures/survival_cohorts.png)\n")
    w(f"Entrants founded during the run (kept replications pooled; runs of {co['months_run']} months). Kaplan-Meier"
      " survival by age; a firm that is acquired leaves the risk set (censored), it is not a failure; a firm still"
      " alive at the end is censored at its age then. Left: start-ups and spin-offs by founding year, each cohort"
      " followed only to the age every member of it can reach before the end of the run (the cohort founded in"
      f" year y to {co['months_run']} - 12y months, at most 120), so the cohort founded in year 1 gives the"
      " ten-year curve when the runs last 132 months (`--months 132`). Middle: each kind of entrant, every founding"
      " year pooled, with the 95 % band from Greenwood's standard error, shown while at least ten firms are at risk."
      " Right: the yearly hazard, the share of the firms alive at the start of a year of age that fail during it,"
      " h_y = 1 - S(12y)/S(12(y-1)). After the spin-up the cohort founded in year 1 enters the same world as"
      " the later ones: the table compares its first years with theirs. Firms founded during the spin-up are"
      " present at month 0 and are not in these curves (their founding months are negative).\n")
    w("| founding year (start-ups and spin-offs) | firms | followed to, months | alive at 1 year | 2 years | 3 years |"
      " 5 years | 10 years |")
    w("|---|---|---|---|---|---|---|---|")

    def at(S, mo):
        return f"{100 * S[mo]:.0f} %" if mo < len(S) and np.isfinite(S[mo]) else "—"
    for y, v in sorted(co["cohorts"].items()):
        S = v["S"]
        w(f"| {y} | {v['n']:,} | {v['followed_months']} | {at(S, 12)} | {at(S, 24)} | {at(S, 36)} | {at(S, 60)} |"
          f" {at(S, 120)} |")
    w("")
    w("| kind (every founding year) | firms | failures | alive at 1 year | 5 years | 10 years | "
      + " | ".join(f"hazard, year {y}" for y in range(1, 11)) + " |")
    w("|---|---|---|---|---|---|" + "---|" * 10)
    rows_k = list(co["kinds"].items())
    if 1 in co["cohorts"]:
        c1 = co["cohorts"][1]
        rows_k.append(("cohort1", {"label": "start-ups and spin-offs founded in year 1", "n": c1["n"], "failures": c1["failures"],
                                   "S": c1["S"], "hazard": c1["hazard"]}))
    for key, v in rows_k:
        hz = list(v["hazard"]) + [float("nan")] * (10 - len(v["hazard"]))
        w(f"| {v['label']} | {v['n']:,} | {'—' if v['failures'] is None else format(v['failures'], ',')} |"
          f" {at(v['S'], 12)} | {at(v['S'], 60)} | {at(v['S'], 120)} | "
          + " | ".join("—" if not np.isfinite(h) else f"{100 * h:.1f} %" for h in hz[:10]) + " |")
    w("")
    w("Public evidence to compare with: in the US Business Employment Dynamics data about two thirds of new"
      " establishments survive two years and 44 % four years (Knaup 2005, Monthly Labor Review 128(5)), and survival"
      " decreases at a decreasing rate, the hazard falling after the first years (Knaup and Piazza 2007, Monthly"
      " Labor Review 130(9)); in the EU business demography statistics (Eurostat) about four in five new"
      " enterprises survive their first year and fewer than half their fifth. Young firms have high exit rates"
      " that fall with age, conditional on size (Haltiwanger, Jarmin and Miranda 2013, Review of Economics and"
      " Statistics 95). A hazard that is low while the founding resources last and then rises before it falls"
      " is the 'liability of adolescence' (Brüderl and Schüssler 1990, Administrative Science Quarterly 35), what"
      " a runway exit rule produces. " + dist["cohort_text"] + "\n")
    fu = dist["funnel"]
    w("### Venture funnel by round\n")
    w("![venture funnel](figures/venture_funnel.png)\n")
    w(f"Firms seeded by a venture fund at least 36 months before the end of the run (province-equivalent, mean"
      f" over kept runs): {fu['seed']:,.0f}; {100 * fu['A_share']:.0f} % of them raised a series A within 36 months"
      f" of the seed, and {fu['B']:,.0f} of those went on to a series B or later ({100 * fu['B_given_A']:.0f} %)."
      " " + dist["funnel_text"] + "\n")
    tm = dist["time_to_market"]
    w("### Time from discovery to market\n")
    w("![time to market](figures/time_to_market.png)\n")
    w(f"Months from a project's creation to its product launch, for launches within the run: from an institute's"
      f" discovery, median {tm['median_institute']:.0f} months (10th-90th percentile {tm['p10_institute']:.0f}-"
      f"{tm['p90_institute']:.0f}; n = {tm['n_institute']:,}); from a firm's own breakthrough project, median"
      f" {tm['median_enterprise']:.0f} months (n = {tm['n_enterprise']:,}). Launches after month {co['months_run']} are"
      " not seen, so the distribution is truncated at the horizon. " + dist["ttm_text"] + "\n")
    st = dyn["stationarity"]
    w("## Stationarity after burn-in and spread across seeds\n")
    w("![stationarity](figures/stationarity.png)\n")
    w("![stationarity of every stock and flow](figures/stationarity_levels.png)\n")
    w(f"Every yearly stock (the year's monthly mean) and flow (the year's sum), province-equivalent, in each of the"
      f" {reps} replications. Drift: for each replication, the OLS slope of the series on the year over years 4-10,"
      " divided by that replication's mean over years 4-10 (a share of the level per year); the table gives the mean"
      " over replications and its 95 % confidence interval (t with replications - 1 degrees of freedom). Per person:"
      " the same for the series divided by the people in the province, the reading that applies where an"
      " exogenous trend of the population is part of the scenario. Flag: |mean drift| > 1 % a year (the"
      " stationarity criterion); * marks the stocks and flows the criterion covers. CV across seeds: the coefficient"
      " of variation, across replications, of each replication's mean over years 4-10 (ergodicity: a small value"
      " means one run tells the same story as another).\n")
    w("| stock or flow | mean, years 4-10 | drift per year [95 % CI] | > 1 %? | per person: drift [95 % CI] | > 1 %? |"
      " CV across seeds |")
    w("|---|---|---|---|---|---|---|")

    def pct(d):
        if not np.isfinite(d["drift"]):
            return "—"
        ci = d["ci"]
        s_ci = f" [{100 * ci[0]:+.2f}, {100 * ci[1]:+.2f}]" if np.all(np.isfinite(ci)) else ""
        return f"{100 * d['drift']:+.2f} %{s_ci}"
    for key, r in st.items():
        pc = r.get("per_capita")
        w(f"| {'* ' if r['listed'] else ''}{r['label']} | {fmt(r['level']['level'])} | {pct(r['level'])} |"
          f" {'**yes**' if r['flag'] else 'no'} | {pct(pc) if pc else '—'} | {('**yes**' if r['flag_per_capita'] else 'no') if pc else '—'} |"
          f" {100 * r['cv_across_seeds']:.1f} % |")
    w("")
    listed = [r for r in st.values() if r["listed"]]
    bad = [r["label"] for r in listed if r["flag"]]
    bad_pc = [r["label"] for r in listed if r.get("per_capita") and r["flag_per_capita"]]
    w(f"The stationarity criterion, |mean drift| at most 1 % a year: in level {len(listed) - len(bad)} of {len(listed)} met"
      + (" (not met: " + "; ".join(bad) + ")" if bad else "")
      + f"; per person {len(listed) - len(bad_pc)} of {len(listed)}" + (" (not met: " + "; ".join(bad_pc) + ")" if bad_pc else "")
      + ". A drift whose confidence interval includes zero is not distinguishable from noise at this number of"
      " replications.\n")
    w(dist["stationarity_text"] + "\n")
    if dutch:
        w(dutch.rstrip() + "\n")
    with open(path, "w") as fh:
        fh.write("\n".join(L))


def git_sha() -> str:
    """The source the runs were made from (short commit; "+local changes" when the tree is dirty)."""
    sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "sim", "scenarios"], capture_output=True,
                           text=True).stdout.strip()
    return (sha or "unknown") + (" + local changes" if dirty else "")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default="build/innochain")
    ap.add_argument("--scenario", default="scenarios/guangdong_baseline.yaml")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("-n", "--replications", type=int, default=30)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", type=int, default=3, help="replications kept for the distributions (0..keep-1)")
    ap.add_argument("--months", type=int, default=132,
                    help="run horizon in months, set with --set horizon_months=N (default 132: the cohort founded "
                         "in year 1 is followed for ten years; 0: the scenario's own horizon). Every target moment "
                         "and the stationarity table use months 0-119 whatever the horizon")
    ap.add_argument("--equal-size-reps", type=int, default=2,
                    help="replications (0..n-1) of the scenario with agents.enterprises.equal_initial_size: true, "
                         "for the size and growth distributions from an equal-size start (0: none)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="sets",
                    help="a scenario override for every run (innochain run --set), e.g. for a sensitivity run; "
                         "give it its own --doc, --figures, --results and --cache, or it overwrites the tracked "
                         "ones and the default cache")
    ap.add_argument("--doc", default="docs/validation.md")
    ap.add_argument("--figures", default="docs/figures")
    ap.add_argument("--results", default="analysis/innochain/validation/validation_results.json")
    ap.add_argument("--calibration", default="analysis/innochain/validation/calibration.md",
                    help="markdown text of the calibration section, included verbatim")
    ap.add_argument("--notes", default=NOTES_DEFAULT,
                    help="interpretation sentences (JSON) written after looking at the figures")
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "innochain-validation-cache.pkl"),
                    help="where the runs' moments and the kept runs' details are saved")
    ap.add_argument("--from-cache", default=None, help="rewrite the document from a saved --cache, without running")
    a = ap.parse_args(argv)

    if a.from_cache:
        with open(a.from_cache, "rb") as fh:
            cache = pickle.load(fh)
        ms, details, details_eq = cache["ms"], cache["details"], cache.get("details_eq", [])
        a.scale, a.replications, a.months = cache["scale"], cache["replications"], cache.get("months")
    else:
        tmp = tempfile.mkdtemp(prefix="innochain-validate-")
        sets = [f"world.scale={a.scale}"] + ([f"horizon_months={a.months}"] if a.months else []) + a.sets
        ms = run_replications(a.binary, a.scenario, range(a.replications), sets, jobs=a.jobs, out_dir=tmp,
                              keep=range(a.keep))
        details = [run_details(m["path"]) for m in ms if "path" in m]
        for m in ms:
            if "path" in m:
                os.remove(m.pop("path"))
        details_eq = []
        if a.equal_size_reps > 0:
            tmp_eq = os.path.join(tmp, "equal_size")
            ms_eq = run_replications(a.binary, a.scenario, range(a.equal_size_reps),
                                     sets + ["agents.enterprises.equal_initial_size=true", "world.spin_up_months=0"], jobs=a.jobs,
                                     out_dir=tmp_eq, keep=range(a.equal_size_reps))
            for m in ms_eq:
                details_eq.append(run_details(m["path"]))
                os.remove(m.pop("path"))
        with open(a.cache, "wb") as fh:
            pickle.dump({"ms": ms, "details": details, "details_eq": details_eq, "scale": a.scale,
                         "replications": a.replications, "months": a.months, "sha": git_sha(), "sets": a.sets}, fh)
    rows = []
    for t in TARGETS:
        v = np.array([m[t.moment] for m in ms], dtype=float)
        v = v[np.isfinite(v)]
        mean = float(v.mean())
        se = float(v.std(ddof=1) / np.sqrt(len(v))) if len(v) > 1 else np.nan
        tq = stats.t.ppf(0.975, len(v) - 1) if len(v) > 1 else np.nan
        rows.append({"target": t, "mean": mean, "p025": float(np.quantile(v, 0.025)), "p975": float(np.quantile(v, 0.975)),
                     "ci": (mean - tq * se, mean + tq * se), "values": v.tolist()})
    diag_labels = {
        "revenue_tn": "enterprises' revenue, trillion yuan/yr",
        "rd_enterprises_bn": "enterprises' project R&D, bn yuan/yr",
        "products_per_year": "products launched a year",
        "venture_deals_per_year": "venture rounds a year",
        "startups_alive": "alive start-ups",
        "newborn_rounds_36m": "venture rounds within 36 months of founding, per newborn firm (the incubator figure read as a cohort)",
        "startups_founded_per_year": "start-ups founded a year (talent + spin-offs)",
        "sme_entries_per_year": "new SMEs a year",
        "firm_exits_per_year": "firm exits a year",
        "pass_basic": "stage pass rate BASIC",
        "pass_breakthrough_with_abandoned": "stage pass rate BREAKTHROUGH, projects abandoned with their holder counted",
        "pass_proof_of_concept_with_abandoned": "stage pass rate PROOF_OF_CONCEPT, abandoned counted",
        "pass_pilot_with_abandoned": "stage pass rate PILOT, abandoned counted",
        "pass_breakthrough_to_market_technical": "BREAKTHROUGH start to market, technical failures only",
        "vacancies_start": "vacancies, year 1 (mean stock)",
        "vacancies_end": "vacancies, year 10 (mean stock)",
    }
    diag = {"labels": diag_labels, "values": {k: float(np.nanmean([m[k] for m in ms])) for k in diag_labels}}
    figdir = a.figures
    dist = figures(details, a.scale, figdir)
    dist["kept"] = len(details)
    stat = stationarity(ms, figdir)
    runs = {"baseline": details, "equal_size": details_eq}
    dyn = {"cohorts": dynamics.cohort_survival(details, figdir), "size": dynamics.size_distribution(runs, figdir),
           "growth": dynamics.growth_by_size(runs, figdir), "stationarity": dynamics.stationarity_table(ms, figdir)}
    notes = json.load(open(a.notes)) if os.path.exists(a.notes) else {}
    for k in ("targets_text", "size_text", "growth_text", "growth_size_text", "survival_text", "cohort_text",
              "funnel_text", "ttm_text", "stationarity_text"):
        dist[k] = notes.get(k, "")
    calib = {"text": open(a.calibration).read() + "\n"} if os.path.exists(a.calibration) else None
    sha = cache.get("sha", "unknown") if a.from_cache else git_sha()
    cmd = (f"bash scripts/validate.sh --scale {a.scale:g} -n {a.replications}"
           + (f" --months {a.months or 0}" if a.months != 132 else "")
           + (f" --equal-size-reps {len(details_eq)}" if len(details_eq) != 2 else "")
           + (f" --keep {len(details)}" if len(details) != 3 else "")
           + (f" --notes {a.notes}" if a.notes != NOTES_DEFAULT else "")
           + "".join(f" --set {kv}" for kv in (cache.get("sets", []) if a.from_cache else a.sets)))
    write_doc(a.doc, rows, a.replications, a.scale, dist, dyn, calib, diag, cmd, sha,
              months=int(details[0]["months"]) if details else MEASURE_MONTHS)
    res = {"scale": a.scale, "replications": a.replications,
           "targets": {r["target"].moment: {"target": r["target"].value, "mean": r["mean"], "p025": r["p025"],
                                            "p975": r["p975"], "ci": r["ci"], "hit": r["target"].hit(r["mean"])}
                       for r in rows},
           "diagnostics": diag["values"], "distributions": json.loads(json.dumps(dist, default=float)),
           "stationarity": stat, "dynamics": dyn}
    with open(a.results, "w") as fh:
        json.dump(res, fh, indent=1, default=float)
    print(f"wrote {a.doc}, {a.results} and figures in {figdir}")
    for name, problems in dynamics.FIGURE_PROBLEMS.items():
        for p in problems:
            print(f"  figure {name}: {p} (docs/analysis.md, figure checklist)")
    for r in rows:
        print(f"  {r['target'].moment:32s} target {r['target'].value:12.4g} model {r['mean']:12.4g} hit={r['target'].hit(r['mean'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
