"""Moments of one run file, in province-equivalent units.

Counts and yuan of a scaled run (world.scale < 1) are divided by world.scale, so a 1/100 run
reports province figures (docs/model.md: per-agent quantities are unscaled, aggregate flows scale with
world.scale). Annual flows are averages over the *measurement window*: simulated years 4-6
(months 36-71), after a burn-in of three years: the run starts with empty project pipelines, and a
discovery needs about 18 months of BASIC and 12 of BREAKTHROUGH before it can be transferred.
Shares (stage pass rates, the venture funnel, survival) pool the whole run as stated per moment.

The run must have been written with ``output.events_transfers``, ``output.events_deals``,
``output.events_launches`` and a yearly ``output.snapshot_interval_months: 12`` (the
validation runner sets them with --set).
"""

from __future__ import annotations

import h5py
import numpy as np
import yaml

WINDOW = (36, 72)  # months [start, end): simulated years 4-6
# Moments are measured on months [0, MEASURE_MONTHS) whatever the run's horizon, so a longer run
# (the battery's --months, to follow a cohort for ten years) gives the same moments as the
# baseline's 120 months (the first 120 months of a longer run are the same run).
MEASURE_MONTHS = 120
OUTPUT_SETTINGS = [
    "output.events_transfers=true",
    "output.events_deals=true",
    "output.events_launches=true",
    "output.snapshot_interval_months=12",
]


# The yearly stocks and flows of the stationarity table: (key, series summed, stock or flow).
YEARLY_LEVELS = [
    ("alive", ["enterprises_alive"], "stock"),
    ("startups_alive", ["startups_alive"], "stock"),
    ("startups_founded", ["startups_founded", "spinoffs_founded"], "flow"),
    ("sme_entries", ["sme_entries"], "flow"),
    ("firm_exits", ["firm_exits"], "flow"),
    ("exits_runway", ["exits_runway"], "flow"),
    ("acquisitions", ["acquisitions"], "flow"),
    ("vacancies", ["vacancies"], "stock"),
    ("employment", ["researchers", "enterprise_rd_staff"], "stock"),
    ("unemployed", ["unemployed"], "stock"),
    ("people", ["people_in_province"], "stock"),
    ("deals", ["deals_seed", "deals_series_a", "deals_series_b"], "flow"),
    ("transfers", ["transfers_licence", "transfers_spinoff"], "flow"),
    ("products_launched", ["products_launched"], "flow"),
    ("product_lines", ["product_lines"], "stock"),
    ("revenue", ["revenue"], "flow"),
    ("rd_enterprises", ["rd_spending_enterprises"], "flow"),
]


def _series(f: h5py.File, name: str) -> np.ndarray:
    """A series summed over its second axis (field/region) if it has one: [T]."""
    x = f["series/" + name][()]
    return x.sum(axis=1) if x.ndim == 2 else x


def _annual(x: np.ndarray, window=WINDOW) -> float:
    a, b = window
    return float(x[a:b].sum() * 12.0 / (b - a))


def _col(f: h5py.File, path: str) -> np.ndarray:
    return f[path][()] if path in f else np.zeros(0)


def run_moments(path: str, window=WINDOW) -> dict:
    """Every moment of innochain.validation.targets plus a few diagnostics, for one run file."""
    with h5py.File(path, "r") as f:
        if f.attrs["status"] != "complete" and f.attrs["status"] != b"complete":
            raise ValueError(f"{path}: run not complete")
        scen = yaml.safe_load(f["scenario"].asstr()[()])
        scale = float(scen["world"]["scale"])
        T = min(int(f.attrs["months_completed"]), MEASURE_MONTHS)
        regions = list(f["region"].asstr()[()])
        m: dict = {"scale": scale, "months": T, "months_run": int(f.attrs["months_completed"])}
        inv = 1.0 / scale

        rd_basic = _series(f, "basic_research_spending")
        rd_inst = f["series/rd_spending_institutes"][()]
        rd_ent = f["series/rd_spending_enterprises"][()]
        rd_total = rd_basic + rd_inst.sum(1) + rd_ent.sum(1)
        m["rd_spending_bn"] = _annual(rd_total, window) * inv / 1e9
        m["rd_enterprises_bn"] = _annual(rd_ent.sum(1), window) * inv / 1e9
        alive_series = _series(f, "enterprises_alive")
        m["enterprises_alive"] = float(alive_series[window[0]:window[1]].mean()) * inv
        # Stationarity of the firm count: its mean in the window's last year over its first.
        first_year = alive_series[window[0]:window[0] + 12].mean()
        m["firm_count_ratio"] = float(alive_series[window[1] - 12:window[1]].mean() / first_year) if first_year > 0 else float("nan")
        # Stationarity of the talent in the province, measured the same way.
        people = _series(f, "people_in_province")
        people_first = people[window[0]:window[0] + 12].mean()
        m["people_ratio"] = float(people[window[1] - 12:window[1]].mean() / people_first) if people_first > 0 else float("nan")
        m["transfer_income_bn"] = _annual(_series(f, "transfer_income"), window) * inv / 1e9
        m["university_contract_value_bn"] = _annual(_series(f, "transfer_income_universities"), window) * inv / 1e9
        transfers = _series(f, "transfers_licence") + _series(f, "transfers_spinoff")
        m["transfers_per_year"] = _annual(transfers, window) * inv
        m["transfer_contract_value_bn"] = _annual(_series(f, "transfer_contract_value"), window) * inv / 1e9
        revenue = _series(f, "revenue")
        m["revenue_tn"] = _annual(revenue, window) * inv / 1e12
        m["rd_intensity_province"] = _annual(rd_total, window) / _annual(revenue, window)

        # Stage pass rates, pooled after the burn-in. The technical pass rate is completions /
        # (completions + failures): the counterpart of the stage hazards, calibrated to the clinical
        # phase transition rates. The pass rate with abandonment also counts the projects abandoned
        # in the stage with their holder (a firm's exit) as not passing: the cumulative rate from
        # BREAKTHROUGH to market is their product (leaving them out would overstate it).
        a = window[0]
        def pass_rate(done: str, stage: str, abandoned: bool) -> float:
            d = _series(f, done)[a:T].sum()
            x = _series(f, "failures_" + stage)[a:T].sum()
            if abandoned:
                x += _series(f, "abandoned_" + stage)[a:T].sum()
            return float(d / (d + x)) if d + x > 0 else float("nan")
        stages = (("basic", "basic_completed"), ("breakthrough", "breakthroughs"),
                  ("proof_of_concept", "proof_of_concept_completed"), ("pilot", "products_launched"))
        for stage, done in stages:
            m["pass_" + stage] = pass_rate(done, stage, False)
            m["pass_" + stage + "_with_abandoned"] = pass_rate(done, stage, True)
        m["pass_breakthrough_to_market"] = (m["pass_breakthrough_with_abandoned"] *
                                            m["pass_proof_of_concept_with_abandoned"] *
                                            m["pass_pilot_with_abandoned"])
        m["pass_breakthrough_to_market_technical"] = (m["pass_breakthrough"] * m["pass_proof_of_concept"] *
                                                      m["pass_pilot"])

        deals_total = _series(f, "deals_seed") + _series(f, "deals_series_a") + _series(f, "deals_series_b")
        m["venture_deals_per_year"] = _annual(deals_total, window) * inv
        m["startups_founded_per_year"] = _annual(_series(f, "startups_founded") + _series(f, "spinoffs_founded"), window) * inv
        m["firm_exits_per_year"] = _annual(_series(f, "firm_exits"), window) * inv
        m["sme_entries_per_year"] = _annual(_series(f, "sme_entries"), window) * inv
        m["products_per_year"] = _annual(_series(f, "products_launched"), window) * inv
        m["vacancies_start"] = float(_series(f, "vacancies")[:12].mean()) * inv
        m["vacancies_end"] = float(_series(f, "vacancies")[T - 12:T].mean()) * inv

        # Yearly key ratios, for stationarity and the spread across seeds.
        Y = T // 12
        def yr_sum(x):
            return x[: Y * 12].reshape(Y, 12).sum(1)
        def yr_mean(x):
            return x[: Y * 12].reshape(Y, 12).mean(1)
        people = yr_mean(_series(f, "people_in_province"))
        m["yearly"] = {
            "rd_total": (yr_sum(rd_total) / yr_sum(revenue)).tolist(),
            "transfers": (yr_sum(transfers) * inv).tolist(),
            "alive": (yr_mean(_series(f, "enterprises_alive")) * inv).tolist(),
            "deals": (yr_sum(deals_total) * inv).tolist(),
            "vacancy_rate": (yr_mean(_series(f, "vacancies")) / people).tolist(),
            "unemployment": (yr_mean(_series(f, "unemployed")) / people).tolist(),
        }
        # Every stock and flow of the stationarity table (issue 16), province-equivalent: stocks
        # as the year's monthly mean, flows as the year's sum. A series the file lacks is skipped.
        for key, names, how in YEARLY_LEVELS:
            if all("series/" + nm in f for nm in names):
                x = sum(_series(f, nm) for nm in names)
                m["yearly"][key] = ((yr_mean(x) if how == "stock" else yr_sum(x)) * inv).tolist()

        # Venture funnel from the deal events (venture funds lead every round).
        ev_e = _col(f, "events/deals/enterprise")
        ev_r = _col(f, "events/deals/round")
        ev_m = _col(f, "events/deals/month")
        ev_k = _col(f, "events/deals/financier_kind")
        lead = ev_k == 0
        # Firms seeded at least 36 months before the end; a second round within 36 months of the seed.
        seed_month: dict = {}
        for e, mo in zip(ev_e[lead & (ev_r == 0)], ev_m[lead & (ev_r == 0)]):
            if mo < T - 36:
                seed_month.setdefault(int(e), int(mo))
        first_a: dict = {}
        for e, mo in zip(ev_e[lead & (ev_r >= 1)], ev_m[lead & (ev_r >= 1)]):
            first_a.setdefault(int(e), int(mo))
        got = sum(1 for e, s0 in seed_month.items() if e in first_a and first_a[e] <= s0 + 36)
        m["venture_second_round"] = got / len(seed_month) if seed_month else float("nan")
        m["seeded_firms"] = len(seed_month)

        # Snapshots: start-ups alive, revenue by region, survival by age.
        snap_months = _col(f, "snapshots/month")
        g = f["snapshots/enterprises"]
        kind = g["kind"][()]
        alive = g["alive"][()]
        rev = g["revenue_yuan_per_month"][()]
        region = g["region"][()]
        in_win = (snap_months >= window[0]) & (snap_months < window[1])
        startups_alive = ((kind == 2) & (alive == 1)).sum(axis=1)
        # High-tech enterprise certification requires at least a year since registration: alive
        # firms aged 12 months or more, at the yearly snapshots in the window.
        age = g["age_months"][()]
        m["high_tech_enterprises"] = float(((alive == 1) & (age >= 12)).sum(axis=1)[in_win].mean()) * inv
        m["startups_alive"] = float(startups_alive[in_win].mean()) * inv
        # Incubator funnel: an incubator's stock of firms and its financing events, read as venture
        # rounds closed a year per alive start-up.
        m["incubator_financing_ratio"] = m["venture_deals_per_year"] / m["startups_alive"] if m["startups_alive"] > 0 else float("nan")
        dg = regions.index("dongguan") if "dongguan" in regions else None
        if dg is not None:
            rev_dg = np.where((alive == 1) & (region == dg), np.nan_to_num(rev), 0.0).sum(axis=1)[in_win].mean() * 12.0
            rd_dg = _annual(rd_inst[:, dg] + rd_ent[:, dg], window)
            m["rd_intensity_dongguan"] = float(rd_dg / rev_dg) if rev_dg > 0 else float("nan")

        last = int(np.nonzero(snap_months < T)[0][-1])  # the last snapshot within the measured months
        founded = g["founded_month"][last]
        age = g["age_months"][last]
        alive_l = g["alive"][last]
        acq = g["acquired_by"][last]
        kind_l = g["kind"][last]
        origin = g["origin_institute"][last]
        entrant = (founded >= 0) & (founded <= T - 13)
        # Newborn firms are the start-ups founded by talent and the spin-offs; new SMEs are
        # established businesses joining the high-tech population (they enter with a base size).
        newborn = entrant & ((kind_l == 2) | (origin >= 0))
        failed_first_year = (alive_l == 0) & (acq < 0) & (age <= 12)
        n_new = int(newborn.sum())
        # The target's cohorts: firms founded in the measurement window (years 4-6), like the
        # annual figures, so the moment does not depend on the horizon (later cohorts differ).
        in_window = newborn & (founded >= window[0]) & (founded < window[1])
        n_win = int(in_window.sum())
        m["first_year_survival"] = 1.0 - (failed_first_year & in_window).sum() / n_win if n_win else float("nan")
        m["first_year_survival_all_cohorts"] = 1.0 - (failed_first_year & newborn).sum() / n_new if n_new else float("nan")

        m["newborn_firms"] = n_new
        # The incubator funnel read as a cohort figure: venture rounds (lead funds) a newborn
        # firm raises within 36 months of its founding (a typical incubation period), per firm,
        # over the firms founded after the burn-in that can be followed for 36 months.
        cohort = newborn & (founded >= window[0]) & (founded < T - 36)
        n_coh = int(cohort.sum())
        if n_coh:
            rounds = sum(1 for e, mo in zip(ev_e[lead], ev_m[lead]) if cohort[e] and mo <= founded[e] + 36)
            m["newborn_rounds_36m"] = rounds / n_coh
        else:
            m["newborn_rounds_36m"] = float("nan")
        n_ent = int(entrant.sum())
        m["first_year_survival_all_entrants"] = 1.0 - (failed_first_year & entrant).sum() / n_ent if n_ent else float("nan")
        m["entrants"] = n_ent
    return m


def _first_valid(x: np.ndarray) -> np.ndarray:
    """Per column of a [snapshot, firm] table, the first value that is not the padding -1."""
    ok = x >= 0
    first = np.argmax(ok, axis=0)
    return np.where(ok.any(axis=0), x[first, np.arange(x.shape[1])], -1)


def _line_revenue(f: h5py.File, theta: float) -> tuple:
    """A function of a snapshot index giving every line's monthly revenue (0 for lines not on the
    market) and the mask of lines on the market: the field's output in the snapshot's month
    (series ``output``) times the line's share appeal^theta of its field's active weight
    (docs/model.md 3.3.7). Lines are in their project's field, which for a licensee can differ from
    its own. The snapshot is taken after the month's exits and acquisitions, so a field's weight
    is that of the lines still on the market then."""
    g = f["snapshots/product_lines"]
    status, owner, field, appeal = (g[k][()] for k in ("status", "owner", "field", "appeal"))
    months = f["snapshots/month"][()]
    output = f["series/output"][()]

    def revenue(s: int, firms: int):
        a = (status[s] == 0) & (owner[s] >= 0) & (owner[s] < firms)
        fs = field[s].astype(np.int64)
        w = np.where(a, appeal[s].astype(float), 0.0) ** theta
        weight = np.bincount(fs[a], weights=w[a], minlength=output.shape[1])
        share = np.divide(w, weight[fs], out=np.zeros_like(w), where=a & (weight[fs] > 0))
        return output[int(months[s])][fs] * share, a

    return revenue, owner, status.shape[0]


def _theta(f: h5py.File) -> float:
    scen = yaml.safe_load(f["scenario"].asstr()[()]) or {}
    return float(((scen.get("chain") or {}).get("market") or {}).get("quality_share_elasticity", 1.0))


def effective_lines(f: h5py.File, firms: int) -> np.ndarray | None:
    """Per yearly snapshot and firm, the effective number of product lines 1 / sum_l s_l^2, s_l the
    line's share of the firm's revenue from its lines (_line_revenue): n for n lines of equal
    revenue, close to 1 when one line dominates. 0 for a firm without an active line; None without
    line snapshots."""
    if "snapshots/product_lines" not in f:
        return None
    revenue, owner, S = _line_revenue(f, _theta(f))
    out = np.zeros((S, firms), dtype=np.float32)
    for s in range(S):
        r, a = revenue(s, firms)
        total = np.bincount(owner[s][a], weights=r[a], minlength=firms)
        square = np.bincount(owner[s][a], weights=r[a] * r[a], minlength=firms)
        ok = square > 0
        out[s, ok] = total[ok] ** 2 / square[ok]
    return out


def line_flows(f: h5py.File, firms: int) -> dict | None:
    """Per yearly snapshot s >= 1 and firm, what its lines did since snapshot s - 1: the log growth
    of the revenue of the lines it held at both snapshots (their own demand: shocks and the field's
    sums; _line_revenue), and whether it gained or lost a line (a launch, an acquisition or an SME's
    takeover; a displacement, a takeover by an entrant or its own sale). Row 0 and firms without
    such lines are NaN (growth) and 0 (flags); None without line snapshots."""
    if "snapshots/product_lines" not in f:
        return None
    revenue, owner, S = _line_revenue(f, _theta(f))
    growth = np.full((S, firms), np.nan, dtype=np.float32)
    gained = np.zeros((S, firms), dtype=bool)
    lost = np.zeros((S, firms), dtype=bool)
    r_prev, a_prev = revenue(0, firms)
    for s in range(1, S):
        r, a = revenue(s, firms)
        both = a_prev & a & (owner[s - 1] == owner[s])
        c0 = np.bincount(owner[s][both], weights=r_prev[both], minlength=firms)
        c1 = np.bincount(owner[s][both], weights=r[both], minlength=firms)
        ok = (c0 > 0) & (c1 > 0)
        growth[s, ok] = np.log(c1[ok] / c0[ok])
        gained[s] = np.bincount(owner[s][a & ~both], minlength=firms)[:firms] > 0
        lost[s] = np.bincount(owner[s - 1][a_prev & ~both], minlength=firms)[:firms] > 0
        r_prev, a_prev = r, a
    return {"growth": growth, "gained": gained, "lost": lost}


def run_details(path: str) -> dict:
    """Raw material for the emergent distributions (one run): firm sizes and growth rates by
    yearly snapshot, ages at exit, discovery-to-market times, deals by round."""
    with h5py.File(path, "r") as f:
        T = int(f.attrs["months_completed"])
        g = f["snapshots/enterprises"]
        d = {
            "months": T,
            "snap_months": f["snapshots/month"][()],
            "revenue": g["revenue_yuan_per_month"][()],
            "alive": g["alive"][()],
            "kind": g["kind"][()],
            "founded": g["founded_month"][-1],
            "age_last": g["age_months"][-1],
            "alive_last": g["alive"][-1],
            "acquired_last": g["acquired_by"][-1],
            "kind_last": g["kind"][-1],
            "origin_last": g["origin_institute"][-1],
            "product_lines": g["product_lines"][()] if "product_lines" in g else None,
            "effective_lines": effective_lines(f, g["revenue_yuan_per_month"].shape[1]),
            "line_flows": line_flows(f, g["revenue_yuan_per_month"].shape[1]),
            # The kind at the first snapshot that has the firm (a start-up that lists becomes an
            # SME; the padding of firms not yet founded is -1).
            "kind_first": _first_valid(g["kind"][()]),
            "deal_round": _col(f, "events/deals/round"),
            "deal_enterprise": _col(f, "events/deals/enterprise"),
            "deal_kind": _col(f, "events/deals/financier_kind"),
            "deal_month": _col(f, "events/deals/month"),
            "launch_month": _col(f, "events/launches/month"),
            "launch_created": _col(f, "events/launches/created_month"),
            "launch_origin": _col(f, "events/launches/origin_institute"),
        }
        for name in ("rd_spending_enterprises", "rd_spending_institutes", "basic_research_spending", "revenue",
                     "transfer_income", "transfers_licence", "transfers_spinoff", "enterprises_alive",
                     "vacancies", "unemployed", "people_in_province", "deals_seed", "deals_series_a",
                     "deals_series_b", "startups_founded", "spinoffs_founded", "firm_exits", "sme_entries",
                     "products_launched"):
            d["series_" + name] = _series(f, name)
    return d
