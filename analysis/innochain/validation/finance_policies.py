"""Finance policies against quasi-experimental evidence: paired replications that follow the same
firms in both runs (docs/validation.md, section "Science finance by behaviour").

A policy scenario and its baseline are run with the same seed and replication (common random
numbers), so the two runs are identical until the policy starts and the firms present then carry
the same ids in both. Three experiments:

* ``grant``: a start-up R&D grant (scenarios/policies/startup_grant*.yaml) or project award
  (scenarios/policies/startup_award.yaml, with ``--from-award``). Recipients are the firms
  present at the policy start that held a grant (snapshot column ``first_grant_month``; with
  ``--from-award``, an award made in the programme's first year); the outcome is whether the firm
  raised a venture round (a deal led by a venture fund) within ``window`` months of the start (of
  its award), and within the first 12 months. The effect is the ratio of the recipients' chance in
  the policy run to the same firms' chance in the baseline.
* ``rounds``: the baseline's equity rounds by the start-up's venture stage: rounds a year
  (province-equivalent), median round size, pre-money valuation and dilution.
* ``crowdin``: a guidance fund (scenarios/policies/guidance_fund*.yaml). Crowd-in is the change
  in private capital invested in start-ups per yuan of change in public capital invested
  (series ``invested_private`` and ``invested_public``), from the policy start to the end of the
  run, by field and in total; and, defined even when public capital invested hardly changes (a fund
  of funds whose sub-funds find few deals), the change in private capital invested per public yuan
  the policy put up (the fund's capital or its commitments: series ``policy_spending``).

Intervals are 95 % percentile intervals of a bootstrap over replication pairs (the pair is the
unit: both runs share its random numbers). Commands (the figures of docs/validation.md):

    PYTHONPATH=analysis /usr/bin/python3 -m innochain.validation.finance_policies grant \\
        --policy scenarios/policies/startup_grant.yaml --pairs 30 --scale 0.05
    PYTHONPATH=analysis /usr/bin/python3 -m innochain.validation.finance_policies grant --from-award \\
        --policy scenarios/policies/startup_award.yaml --pairs 30 --scale 0.05
    PYTHONPATH=analysis /usr/bin/python3 -m innochain.validation.finance_policies crowdin \\
        --policy scenarios/policies/guidance_fund.yaml --pairs 30 --scale 0.05
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import yaml

REPO = pathlib.Path(__file__).resolve().parents[3]
BASELINE = str(REPO / "scenarios" / "guangdong_baseline.yaml")


def run(binary: str, scenario: str, rep: int, scale: float, months: int, path: str, sets=()) -> str:
    cmd = [binary, "run", scenario, "-o", path, "--force", "--replication", str(rep), "--threads", "1", "--quiet",
           "--months", str(months), "--set", f"world.scale={scale}", "--set", "output.events_deals=true",
           "--set", "output.snapshot_interval_months=12"]
    for s in sets:
        cmd += ["--set", s]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({res.returncode}): {res.stderr.strip()}")
    return path


def policy_start(scenario: str) -> int:
    """The first policy's start_month, following `extends`."""
    path = pathlib.Path(scenario)
    while True:
        doc = yaml.safe_load(path.read_text())
        if doc.get("policies"):
            return int(doc["policies"][0].get("start_month", 0))
        if "extends" not in doc:
            raise ValueError(f"{scenario}: no policy")
        path = path.parent / doc["extends"]


def bootstrap(stat, pairs: list, draws: int = 4000, seed: int = 12345) -> tuple[float, float]:
    """95 % percentile interval of stat(resampled pairs)."""
    rng = np.random.default_rng(seed)
    n = len(pairs)
    vals = []
    for _ in range(draws):
        idx = rng.integers(0, n, n)
        v = stat([pairs[i] for i in idx])
        if np.isfinite(v):
            vals.append(v)
    return float(np.percentile(vals, 2.5)), float(np.percentile(vals, 97.5))


# ---- grant -> later venture capital ---------------------------------------------------------------

def _venture_months(f: h5py.File) -> dict:
    """enterprise id -> sorted months of rounds a venture fund led."""
    d = f["events/deals"]
    kind, ent, month = d["financier_kind"][()], d["enterprise"][()], d["month"][()]
    out: dict = {}
    for e, mo in zip(ent[kind == 0], month[kind == 0]):
        out.setdefault(int(e), []).append(int(mo))
    return out


def grant_pair(binary: str, policy: str, rep: int, scale: float, months: int, start: int, window: int,
               tmp: str, from_award: bool = False, policy_sets=()) -> dict:
    base = run(binary, BASELINE, rep, scale, months, os.path.join(tmp, f"base{rep}.h5"))
    pol = run(binary, policy, rep, scale, months, os.path.join(tmp, f"pol{rep}.h5"), policy_sets)
    with h5py.File(pol, "r") as fp, h5py.File(base, "r") as fb:
        g = fp["snapshots/enterprises"]
        grant = g["first_grant_month"][-1]
        founded = g["founded_month"][-1]
        present = founded < start  # ids of firms present at the start are the same in both runs
        held = grant >= 0
        if from_award:  # awards made in the programme's first year, so that each window fits the run
            held &= grant < start + 12
        recipients = np.flatnonzero(held & present)
        # The recipients as they stood at the start (the last snapshot before it).
        months_snap = fp["snapshots/month"][()]
        before = int(np.flatnonzero(months_snap < start)[-1])
        rounds0 = g["rounds_raised"][before]
        stage0 = g["venture_stage"][before]
        # The recipients at the last snapshot within the window: still alive, and past a stage
        # (venture stage above the one at the start), in each run.
        after = int(np.flatnonzero(months_snap < start + window)[-1])
        gb = fb["snapshots/enterprises"]
        later = {"policy": (g["alive"][after], g["venture_stage"][after]),
                 "baseline": (gb["alive"][after], gb["venture_stage"][after])}
        vp, vb = _venture_months(fp), _venture_months(fb)

    def raised(v: dict, e: int, a: int, b: int) -> bool:
        return any(a <= mo < b for mo in v.get(int(e), ()))

    def at_start(e):
        return (rounds0[e], stage0[e]) if e < len(rounds0) else (0, -1)

    # Groups: every recipient; those without a venture round before the start that had a project
    # then (the firms an SBIR-like programme reaches: technology start-ups without venture capital).
    groups = {"all": recipients,
              "unfunded_with_project": np.array([e for e in recipients if at_start(e)[0] == 0 and at_start(e)[1] >= 0],
                                                dtype=int)}
    # Windows from the programme's start, or (from_award) from each recipient's award month: the
    # same firm and the same months in both runs.
    def begin(e):
        return int(grant[e]) if from_award else start

    out = {"rep": rep}
    for gname, ids in groups.items():
        out[gname] = {"recipients": int(len(ids))}
        for name, length in {"window": window, "grant_year": 12}.items():
            out[gname][name + "_policy"] = int(sum(raised(vp, e, begin(e), begin(e) + length) for e in ids))
            out[gname][name + "_baseline"] = int(sum(raised(vb, e, begin(e), begin(e) + length) for e in ids))
        for run_name, (alive, stage) in later.items():
            out[gname]["alive_" + run_name] = int(sum(alive[e] for e in ids if e < len(alive)))
            out[gname]["advanced_" + run_name] = int(
                sum(stage[e] > at_start(e)[1] for e in ids if e < len(stage)))
    # Before the start the two runs are identical: a check of common random numbers.
    out["before_policy"] = int(sum(raised(vp, e, 0, start) for e in recipients))
    out["before_baseline"] = int(sum(raised(vb, e, 0, start) for e in recipients))
    os.remove(base)
    os.remove(pol)
    return out


def grant(args) -> dict:
    start = policy_start(args.policy)
    tmp = tempfile.mkdtemp(prefix="innochain-grant-")
    with cf.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = [ex.submit(grant_pair, args.binary, args.policy, k, args.scale, args.months, start, args.window, tmp,
                          args.from_award, args.policy_set)
                for k in range(args.first, args.first + args.pairs)]
        pairs = [f.result() for f in futs]
    res = {"policy": args.policy, "scale": args.scale, "pairs": len(pairs), "start": start, "window": args.window,
           "from_award": args.from_award, "policy_set": args.policy_set, "per_pair": pairs}
    for gname in ("all", "unfunded_with_project"):
        res[gname] = {"recipients_per_pair": float(np.mean([p[gname]["recipients"] for p in pairs]))}
        for name in ("window", "grant_year"):
            def ratio(ps, name=name, gname=gname):
                b = sum(p[gname][name + "_baseline"] for p in ps)
                return sum(p[gname][name + "_policy"] for p in ps) / b if b else float("nan")
            n = max(1, sum(p[gname]["recipients"] for p in pairs))
            res[gname][name] = {
                "ratio": ratio(pairs),
                "ci": bootstrap(ratio, pairs),
                "share_policy": sum(p[gname][name + "_policy"] for p in pairs) / n,
                "share_baseline": sum(p[gname][name + "_baseline"] for p in pairs) / n,
            }
    for gname in ("all", "unfunded_with_project"):
        n = max(1, sum(p[gname]["recipients"] for p in pairs))
        for what in ("alive", "advanced"):
            res[gname][what] = {r: sum(p[gname][f"{what}_{r}"] for p in pairs) / n for r in ("policy", "baseline")}
    res["identical_before_start"] = all(p["before_policy"] == p["before_baseline"] for p in pairs)
    return res


# ---- guidance funds: crowd-in -------------------------------------------------------------------------

def crowdin_pair(binary: str, policy: str, rep: int, scale: float, months: int, start: int, tmp: str) -> dict:
    base = run(binary, BASELINE, rep, scale, months, os.path.join(tmp, f"base{rep}.h5"))
    pol = run(binary, policy, rep, scale, months, os.path.join(tmp, f"pol{rep}.h5"))
    out = {"rep": rep}
    with h5py.File(pol, "r") as fp, h5py.File(base, "r") as fb:
        out["fields"] = list(fp["field"].asstr()[()])
        for name in ("invested_private", "invested_public", "invested_venture", "invested_guidance"):
            out[name] = ((fp["series/" + name][start:].sum(0) - fb["series/" + name][start:].sum(0)) / scale).tolist()
        for name in ("guidance_lp_committed", "private_lp_matched"):
            out[name] = float(fp["series/" + name][()].sum() / scale)
        out["deals_guidance_led"] = float(fp["series/deals_guidance_led"][()].sum() / scale)
        deals = ("deals_seed", "deals_series_a", "deals_series_b")
        out["venture_rounds"] = float(sum(fp["series/" + d][start:].sum() - fb["series/" + d][start:].sum()
                                          for d in deals) / scale)
        out["policy_spending"] = float(fp["series/policy_spending"][()].sum() / scale)
    os.remove(base)
    os.remove(pol)
    return out


def crowdin(args) -> dict:
    start = policy_start(args.policy)
    tmp = tempfile.mkdtemp(prefix="innochain-crowdin-")
    with cf.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = [ex.submit(crowdin_pair, args.binary, args.policy, k, args.scale, args.months, start, tmp)
                for k in range(args.first, args.first + args.pairs)]
        pairs = [f.result() for f in futs]
    fields = pairs[0]["fields"]
    res = {"policy": args.policy, "scale": args.scale, "pairs": len(pairs), "start": start, "months": args.months,
           "fields": fields, "by_field": {}, "per_pair": pairs}

    def crowd(ps, k=None):
        pub = np.mean([p["invested_public"][k] if k is not None else sum(p["invested_public"]) for p in ps])
        prv = np.mean([p["invested_private"][k] if k is not None else sum(p["invested_private"]) for p in ps])
        return prv / pub if abs(pub) > 0 else float("nan")

    def per_put_up(ps, k=None):
        # Change in private capital invested per public yuan the policy put up (the guidance
        # fund's capital, or its commitments to sub-funds): defined even when the public capital
        # invested hardly changes.
        prv = np.mean([p["invested_private"][k] if k is not None else sum(p["invested_private"]) for p in ps])
        put_up = np.mean([p["policy_spending"] for p in ps])
        return prv / put_up if put_up > 0 else float("nan")

    for k, name in enumerate(fields + ["total"]):
        kk = None if name == "total" else k
        pub = float(np.mean([p["invested_public"][kk] if kk is not None else sum(p["invested_public"]) for p in pairs]))
        prv = float(np.mean([p["invested_private"][kk] if kk is not None else sum(p["invested_private"]) for p in pairs]))
        res["by_field"][name] = {"public_change_bn": pub / 1e9, "private_change_bn": prv / 1e9,
                                 "crowd_in": crowd(pairs, kk), "ci": bootstrap(lambda ps, kk=kk: crowd(ps, kk), pairs),
                                 "per_policy_yuan": per_put_up(pairs, kk),
                                 "per_policy_yuan_ci": bootstrap(lambda ps, kk=kk: per_put_up(ps, kk), pairs)}
    for name in ("guidance_lp_committed", "private_lp_matched", "deals_guidance_led", "venture_rounds",
                 "policy_spending"):
        res[name] = float(np.mean([p[name] for p in pairs]))
    return res


# ---- the baseline's rounds: deals by stage, sizes, valuations, dilution -----------------------------

STAGES = ("breakthrough", "proof_of_concept", "pilot", "market")


def rounds_rep(binary: str, scenario: str, rep: int, scale: float, months: int, tmp: str) -> dict:
    path = run(binary, scenario, rep, scale, months, os.path.join(tmp, f"rounds{rep}.h5"))
    with h5py.File(path, "r") as f:
        d = f["events/deals"]
        month, ent, kind = d["month"][()], d["enterprise"][()], d["financier_kind"][()]
        amount, pre, stage = d["amount"][()], d["pre_money"][()], d["venture_stage"][()]
    os.remove(path)
    rounds: dict = {}  # (enterprise, month) -> [amount, pre-money, stage, led by a guidance fund]
    for m, e, k, a, v, s in zip(month, ent, kind, amount, pre, stage):
        r = rounds.setdefault((int(e), int(m)), [0.0, float(v), int(s), True])
        r[0] += float(a)
        r[3] = r[3] and int(k) == 1
    out = {"rep": rep, "years": months / 12.0, "by_stage": {}}
    for s, name in enumerate(STAGES):
        rs = [r for r in rounds.values() if r[2] == s]
        out["by_stage"][name] = {"rounds": len(rs), "amount": [r[0] for r in rs], "pre_money": [r[1] for r in rs]}
    return out


def rounds(args) -> dict:
    tmp = tempfile.mkdtemp(prefix="innochain-rounds-")
    scenario = args.policy or BASELINE
    with cf.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = [ex.submit(rounds_rep, args.binary, scenario, k, args.scale, args.months, tmp)
                for k in range(args.first, args.first + args.pairs)]
        reps = [f.result() for f in futs]
    res = {"scenario": scenario, "scale": args.scale, "replications": len(reps), "months": args.months,
           "by_stage": {}, "per_pair": reps}
    for name in STAGES:
        amount = np.concatenate([np.asarray(r["by_stage"][name]["amount"]) for r in reps])
        pre = np.concatenate([np.asarray(r["by_stage"][name]["pre_money"]) for r in reps])
        n = sum(r["by_stage"][name]["rounds"] for r in reps)
        res["by_stage"][name] = {
            "rounds_per_year_province": n / len(reps) / (args.months / 12.0) / args.scale,
            "median_round_yuan": float(np.median(amount)) if n else float("nan"),
            "median_pre_money_yuan": float(np.median(pre)) if n else float("nan"),
            "median_dilution": float(np.median(amount / (pre + amount))) if n else float("nan"),
        }
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("experiment", choices=["grant", "crowdin", "rounds"])
    ap.add_argument("--policy", help="policy scenario (extends the baseline); rounds: the scenario (default: baseline)")
    ap.add_argument("--binary", default=os.environ.get("INNOCHAIN_BIN", str(REPO / "build" / "innochain")))
    ap.add_argument("--pairs", type=int, default=30)
    ap.add_argument("--first", type=int, default=0, help="first replication")
    ap.add_argument("--scale", type=float, default=0.05)
    ap.add_argument("--months", type=int, default=84)
    ap.add_argument("--window", type=int, default=36, help="grant: months after the start in which a round counts")
    ap.add_argument("--from-award", action="store_true",
                    help="grant: windows start at each recipient's award month (first_grant_month), recipients "
                         "awarded in the programme's first year (a project award made in rounds)")
    ap.add_argument("--policy-set", action="append", default=[], metavar="KEY=VALUE",
                    help="grant: a --set for the policy run only (e.g. policies.startup_award.review=lottery)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", help="write the result here")
    args = ap.parse_args(argv)
    if args.experiment != "rounds" and not args.policy:
        ap.error("--policy is required for grant and crowdin")
    res = {"grant": grant, "crowdin": crowdin, "rounds": rounds}[args.experiment](args)
    summary = {k: v for k, v in res.items() if k != "per_pair"}
    print(json.dumps(summary, indent=1))
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
