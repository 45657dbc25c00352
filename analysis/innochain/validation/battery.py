"""The validation battery: runs the calibrated baseline for many replications and writes
docs/validation.md (targets vs model, emergent distributions, stationarity and ergodicity) with
its figures under docs/figures/.

    bash scripts/validate.sh                     # 30 replications at full scale (about 15-30 min on 2 cores)
    bash scripts/validate.sh --scale 0.1 -n 30   # a quicker look (counts mapped back to the province)

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

from .distributions import hill, hill_se, kaplan_meier, laplace_vs_normal, pareto_mle_xmin  # noqa: E402
from .moments import WINDOW, run_details  # noqa: E402
from .runner import run_replications  # noqa: E402
from .targets import TARGETS  # noqa: E402

DUTCH_HEADING = "## Dutch innovation-voucher lottery"
STATIONARY = [  # (moment of run_details series, label) for the stationarity figure
    ("rd_total", "R&D spending / revenue"),
    ("transfers", "transfers a year (province)"),
    ("alive", "alive enterprises (province)"),
    ("deals", "venture deals a year (province)"),
    ("vacancy_rate", "vacancies / people in the province"),
    ("unemployment", "unemployed / people in the province"),
]


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
    last = -1
    alive = d0["alive"][last] == 1
    rev = np.nan_to_num(d0["revenue"][last])
    size = rev[alive & (rev > 0)] * 12.0  # yuan/yr

    # 1. Firm size distribution and its upper tail.
    xs = np.sort(size)[::-1]
    ccdf = np.arange(1, len(xs) + 1) / len(xs)
    n = len(xs)
    hills = {q: hill(size, max(2, int(q * n))) for q in (0.01, 0.05, 0.10)}
    xmins = np.quantile(size, np.linspace(0.5, 0.99, 40))
    alpha_mle, xmin, ks = pareto_mle_xmin(size, xmins)
    fig, ax = plt.subplots(1, 2, figsize=(10, 4))
    ax[0].loglog(xs / 1e6, ccdf, ".", ms=2, label="model, final month")
    k = max(2, int(0.05 * n))
    ref = ccdf[k] * (xs[:k] / xs[k]) ** (-hills[0.05])
    ax[0].loglog(xs[:k] / 1e6, ref, "r-", label=f"Pareto, Hill alpha = {hills[0.05]:.2f} (top 5 %)")
    ax[0].set_xlabel("annual revenue, million yuan")
    ax[0].set_ylabel("share of firms with revenue >= x (CCDF)")
    ax[0].legend(fontsize=8)
    ax[0].set_title("Enterprise size distribution")
    kk = np.unique(np.geomspace(10, n // 2, 30).astype(int))
    ax[1].plot(kk, [hill(size, int(j)) for j in kk], "k.-")
    ax[1].set_xscale("log")
    ax[1].set_xlabel("k (largest firms used)")
    ax[1].set_ylabel("Hill estimate of alpha")
    ax[1].set_title("Hill plot")
    fig.tight_layout()
    fig.savefig(os.path.join(figdir, "size_distribution.png"), dpi=110)
    plt.close(fig)
    out["size"] = {"n": n, "hill": hills, "hill_se_5": hill_se(hills[0.05], int(0.05 * n)),
                   "alpha_mle": alpha_mle, "xmin_myuan": xmin / 1e6, "ks": ks,
                   "hill_across_seeds": [hill(np.nan_to_num(d["revenue"][-1])[(d["alive"][-1] == 1)] * 12, int(0.05 * n))
                                         for d in details]}

    # 2. Growth rates: log revenue growth between consecutive yearly snapshots, firms alive at
    # both, after the burn-in year, pooled over kept runs.
    gs = []
    for d in details:
        R = np.nan_to_num(d["revenue"])
        A = d["alive"] == 1
        for s in range(1, R.shape[0]):
            w = min(R.shape[1], A.shape[1])
            both = A[s - 1, :w] & A[s, :w] & (R[s - 1, :w] > 0) & (R[s, :w] > 0)
            gs.append(np.log(R[s, :w][both] / R[s - 1, :w][both]))
    g = np.concatenate(gs)
    g = g - np.mean(g)
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
    ax.set_xlabel("annual log revenue growth")
    ax.set_ylabel("density (log scale)")
    ax.set_ylim(max(1e-5, h[h > 0].min() / 3), h.max() * 3)
    ax.legend(fontsize=8)
    ax.set_title("Enterprise growth rates")
    fig.tight_layout()
    fig.savefig(os.path.join(figdir, "growth_rates.png"), dpi=110)
    plt.close(fig)

    # 3. Survival by age (Kaplan-Meier) of entrants, pooled over kept runs: newborn firms (start-ups
    # founded by talent and spin-offs, the population of the first-year target) and all entrants.
    T = d0["months"]
    H = min(96, T - 1)
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
    fig.savefig(os.path.join(figdir, "survival.png"), dpi=110)
    plt.close(fig)

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
    ax.set_ylabel("firms (province-equivalent)")
    ax.set_title("Venture funnel: seeded firms reaching each round")
    ax.set_ylim(0, fm[0] * 1.25)
    fig.tight_layout()
    fig.savefig(os.path.join(figdir, "venture_funnel.png"), dpi=110)
    plt.close(fig)

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
    ax.set_ylabel("density")
    ax.legend(fontsize=8)
    ax.set_title("Time from discovery to market (launches within the run)")
    fig.tight_layout()
    fig.savefig(os.path.join(figdir, "time_to_market.png"), dpi=110)
    plt.close(fig)
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
        sel = years >= 4
        slope = np.polyfit(years[sel], M.mean(0)[sel], 1)[0]
        mean_after = M[:, sel].mean()
        cv_seeds = M[:, sel].mean(1).std(ddof=1) / abs(mean_after) if len(M) > 1 else np.nan
        cv_years = M.mean(0)[sel].std(ddof=1) / abs(mean_after)
        out[key] = {"label": label, "mean": mean_after, "drift_per_year": slope / mean_after,
                    "cv_across_seeds": cv_seeds, "cv_across_years": cv_years,
                    "year1": M[:, 0].mean(), "year10": M[:, -1].mean()}
    fig.suptitle("Key ratios by simulated year: each replication (grey) and the mean (black); years 1-3 (shaded) are burn-in")
    fig.tight_layout()
    fig.savefig(os.path.join(figdir, "stationarity.png"), dpi=110)
    plt.close(fig)
    return out


def write_doc(path: str, rows: list, reps: int, scale: float, dist: dict, stat: dict, calib: dict | None,
              diag: dict, command: str, git_sha: str) -> None:
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
      f" (counts and yuan divided by world.scale: province figures), 120 months each, source `{git_sha}`,"
      f" written {dt.datetime.utcnow().strftime('%Y-%m-%d %H:%M')} UTC. Annual flows and stocks are averages over"
      f" simulated years 4-6 (months {WINDOW[0]}-{WINDOW[1] - 1}): the run starts with empty project pipelines,"
      " and a discovery needs about 18 months of BASIC and 12 of BREAKTHROUGH before it can be transferred, so"
      " years 1-3 are burn-in. Stage pass rates pool months 36-119; the venture funnel uses every seed that"
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
    w(f"stated, the first {dist['kept']} replications pooled).\n")
    s = dist["size"]
    w("### Enterprise size\n")
    w("![size distribution](figures/size_distribution.png)\n")
    w(f"Annual revenue of the {s['n']:,} alive firms in the final month"
      + (f" (a 1/{1 / scale:g} world has 1/{1 / scale:g} of the firms)" if scale < 1 else "") + f". Upper-tail (CCDF) exponent: Hill estimate alpha = {s['hill'][0.01]:.2f}"
      f" (top 1 %), {s['hill'][0.05]:.2f} ± {s['hill_se_5']:.2f} (top 5 %), {s['hill'][0.10]:.2f} (top 10 %);"
      f" continuous power-law MLE with the x_min that minimises the Kolmogorov-Smirnov distance:"
      f" alpha = {s['alpha_mle']:.2f} above {s['xmin_myuan']:.0f} million yuan a year (KS = {s['ks']:.3f}). Across the"
      f" kept replications the top-5 % Hill estimate ranges {min(s['hill_across_seeds']):.2f}-{max(s['hill_across_seeds']):.2f}."
      " Empirical firm-size tails have alpha close to 1 (Zipf's law for firms, Axtell 2001; Chinese listed"
      " and industrial firms typically 0.9-1.3). " + dist["size_text"] + "\n")
    gfit = dist["growth"]
    w("### Enterprise growth rates\n")
    w("![growth rates](figures/growth_rates.png)\n")
    w(f"Annual log revenue growth of firms alive in consecutive yearly snapshots ({gfit['n']:,} firm-years, demeaned)."
      f" Laplace fit: scale {gfit['laplace_scale']:.3f}; normal fit: sd {gfit['normal_scale']:.3f}. Mean log-likelihood"
      f" per observation: Laplace {gfit['ll_laplace']:.3f}, normal {gfit['ll_normal']:.3f}; excess kurtosis"
      f" {gfit['excess_kurtosis']:.1f} (0 for a normal, 3 for a Laplace). Empirical growth rates are tent-shaped"
      " (Laplace; Stanley et al. 1996, Bottazzi and Secchi 2006). " + dist["growth_text"] + "\n")
    sv = dist["survival"]
    w("### Survival by age\n")
    w("![survival](figures/survival.png)\n")
    w(f"Kaplan-Meier survival of the {sv['entrants']:,} start-ups and spin-offs founded during the kept runs (an"
      f" acquisition censors, it is not a failure): {100 * sv['S12']:.0f} % alive at 12 months, {100 * sv['S36']:.0f} %"
      f" at 36, {100 * sv['S60']:.0f} % at 60; with the new SMEs (established businesses joining the high-tech"
      f" population) included, {100 * sv['S12_all']:.0f} % at 12 months and {100 * sv['S60_all']:.0f} % at 60."
      " " + dist["survival_text"] + "\n")
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
      f" {tm['median_enterprise']:.0f} months (n = {tm['n_enterprise']:,}). Launches after month 120 are not seen, so"
      " the distribution is truncated at the horizon. " + dist["ttm_text"] + "\n")
    w("## Stationarity after burn-in and spread across seeds\n")
    w("![stationarity](figures/stationarity.png)\n")
    w("Drift: the slope of the mean over replications regressed on the year, years 4-10, as a share of the level"
      " per year. Spread across seeds: the coefficient of variation, across replications, of each replication's"
      " mean over years 4-10 (ergodicity: a small value means one long run tells the same story as another).\n")
    w("| ratio | mean, years 4-10 | year 1 | year 10 | drift per year | CV across seeds | CV across years |")
    w("|---|---|---|---|---|---|---|")
    for key, v in stat.items():
        w(f"| {v['label']} | {fmt(v['mean'])} | {fmt(v['year1'])} | {fmt(v['year10'])} | {100 * v['drift_per_year']:+.1f} % |"
          f" {100 * v['cv_across_seeds']:.2f} % | {100 * v['cv_across_years']:.1f} % |")
    w("")
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
    ap.add_argument("--doc", default="docs/validation.md")
    ap.add_argument("--figures", default="docs/figures")
    ap.add_argument("--results", default="analysis/innochain/validation/validation_results.json")
    ap.add_argument("--calibration", default="analysis/innochain/validation/calibration.md",
                    help="markdown text of the calibration section, included verbatim")
    ap.add_argument("--notes", default="analysis/innochain/validation/notes.json",
                    help="interpretation sentences (JSON) written after looking at the figures")
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "innochain-validation-cache.pkl"),
                    help="where the runs' moments and the kept runs' details are saved")
    ap.add_argument("--from-cache", default=None, help="rewrite the document from a saved --cache, without running")
    a = ap.parse_args(argv)

    if a.from_cache:
        with open(a.from_cache, "rb") as fh:
            cache = pickle.load(fh)
        ms, details = cache["ms"], cache["details"]
        a.scale, a.replications = cache["scale"], cache["replications"]
    else:
        tmp = tempfile.mkdtemp(prefix="innochain-validate-")
        sets = [f"world.scale={a.scale}"]
        ms = run_replications(a.binary, a.scenario, range(a.replications), sets, jobs=a.jobs, out_dir=tmp,
                              keep=range(a.keep))
        details = [run_details(m["path"]) for m in ms if "path" in m]
        for m in ms:
            if "path" in m:
                os.remove(m.pop("path"))
        with open(a.cache, "wb") as fh:
            pickle.dump({"ms": ms, "details": details, "scale": a.scale, "replications": a.replications,
                         "sha": git_sha()}, fh)
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
        "vacancies_start": "vacancies, year 1 (mean stock)",
        "vacancies_end": "vacancies, year 10 (mean stock)",
    }
    diag = {"labels": diag_labels, "values": {k: float(np.nanmean([m[k] for m in ms])) for k in diag_labels}}
    figdir = a.figures
    dist = figures(details, a.scale, figdir)
    dist["kept"] = len(details)
    stat = stationarity(ms, figdir)
    notes = json.load(open(a.notes)) if os.path.exists(a.notes) else {}
    for k in ("targets_text", "size_text", "growth_text", "survival_text", "funnel_text", "ttm_text", "stationarity_text"):
        dist[k] = notes.get(k, "")
    calib = {"text": open(a.calibration).read() + "\n"} if os.path.exists(a.calibration) else None
    sha = cache.get("sha", "unknown") if a.from_cache else git_sha()
    cmd = f"bash scripts/validate.sh --scale {a.scale:g} -n {a.replications}"
    write_doc(a.doc, rows, a.replications, a.scale, dist, stat, calib, diag, cmd, sha)
    res = {"scale": a.scale, "replications": a.replications,
           "targets": {r["target"].moment: {"target": r["target"].value, "mean": r["mean"], "p025": r["p025"],
                                            "p975": r["p975"], "ci": r["ci"], "hit": r["target"].hit(r["mean"])}
                       for r in rows},
           "diagnostics": diag["values"], "distributions": json.loads(json.dumps(dist, default=float)),
           "stationarity": stat}
    with open(a.results, "w") as fh:
        json.dump(res, fh, indent=1, default=float)
    print(f"wrote {a.doc}, {a.results} and figures in {figdir}")
    for r in rows:
        print(f"  {r['target'].moment:32s} target {r['target'].value:12.4g} model {r['mean']:12.4g} hit={r['target'].hit(r['mean'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
