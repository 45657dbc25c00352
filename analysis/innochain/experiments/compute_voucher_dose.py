"""Compute vouchers: dose-response to the budget, additionality, and incidence in the compute price
against a public compute centre of equal cost (issue 17; docs/analysis.md, "Dose-response of the
voucher budget and incidence against a compute centre").

Paired replications (common random numbers): replication k of the baseline
(scenarios/guangdong_baseline.yaml) and replication k of every policy arm share every random draw
the policy does not change, so the arms are identical until the policy starts (checked) and each
difference policy_k - baseline_k is the policy's effect on that draw of the world. The arms, all at
the same ``--set world.scale``:

* ``voucher B``: scenarios/policies/compute_voucher.yaml with
  ``policies.ai_compute_vouchers.budget_yuan = B`` (province-equivalent: the instrument multiplies it
  by world.scale, like every money figure; the per-firm cap of 10 million yuan is not scaled);
* ``centre B``: scenarios/policies/compute_centre.yaml opened in the vouchers' start month
  (``build_months = 0``) with ``gpus`` chosen so that its public cost over the rest of the run,
  gpus x cost_yuan_per_gpu_month x months open, equals B: a capacity expansion of equal public cost.

Each arm runs in every *case*: ``build_out`` (``chain.compute.capacity_growth_per_year = 0.1``: the
province's capacity growing 10 % a year, as its intelligent compute did: scarce in the first years,
slack later) and ``scarce`` (the stationary baseline as it is, no capacity growth: the 2024 capacity
all run). The case's overrides go to its baseline too.

Outcomes, summed over the months from the policy start to the end of the run and divided by
world.scale (province-equivalent): AI-field launches (products_launched), AI start-ups
(startups_founded + spinoffs_founded), GPU-hours bought by AI projects and by all projects, the mean
compute price (yuan per GPU-hour, the months' mean), public money paid (policy_spending), and from
/policy_recipients the distinct firms paid (a count at the run's scale) and the share of the money
paid to cash-constrained firms. Derived per pair:

* additionality: extra AI GPU-hours per voucher yuan, and the same in yuan of compute at the base
  price per voucher yuan (1 would mean every voucher yuan bought a yuan's worth of extra compute at
  the price the market had without scarcity);
* incidence: sum over months of (price_policy - price_baseline) x GPU-hours bought by everyone in
  the policy run, over the public money paid: the share of the money that ends in a higher price
  (for a centre it is negative: buyers' saving from a lower price per public yuan).

Intervals are 95 % Student t intervals over the pairs (n - 1 degrees of freedom) of the paired
differences, and of the per-pair ratios for additionality and incidence (their denominators, the
money paid, hardly vary between pairs). Each voucher is also paired against the centre of the same
cost (voucher minus centre, replication by replication), where the baseline drops out. Command (the figures of docs/analysis.md):

    PYTHONPATH=analysis nice -n 10 /usr/bin/python3 -m innochain.experiments.compute_voucher_dose \\
        --binary build/innochain --scale 0.05 --pairs 16 --months 120 --jobs 2 \\
        --json analysis/innochain/experiments/compute_voucher_dose.json \\
        --markdown analysis/innochain/experiments/compute_voucher_dose.md
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import math
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np
import yaml

from ..paired import paired_effect, t_critical

REPO = pathlib.Path(__file__).resolve().parents[3]
BASELINE = REPO / "scenarios" / "guangdong_baseline.yaml"
VOUCHER = REPO / "scenarios" / "policies" / "compute_voucher.yaml"
CENTRE = REPO / "scenarios" / "policies" / "compute_centre.yaml"
AI_FIELD = "artificial_intelligence"
BUDGETS = (1e8, 5e8, 1e9, 3e9, 1e10)
CASES = {
    "build_out": ("chain.compute.capacity_growth_per_year=0.1",),
    "scarce": (),
}


def _policy(path: pathlib.Path) -> dict:
    """The scenario file's single policy entry."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    (policy,) = doc["policies"]
    return policy


def _base_price(path: pathlib.Path = BASELINE) -> float:
    """chain.compute.base_price_yuan_per_gpu_hour of the baseline (the scenario default when unset)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return float(((doc.get("chain") or {}).get("compute") or {}).get("base_price_yuan_per_gpu_hour", 10.0))


def arms(budgets, centre_budgets, months: int) -> list[dict]:
    """Every arm of one case: the baseline, a voucher per budget, a centre per centre budget."""
    voucher, centre = _policy(VOUCHER), _policy(CENTRE)
    start = int(voucher.get("start_month", 0))
    cost = float(centre["cost_yuan_per_gpu_month"])
    out = [{"arm": "baseline", "kind": "baseline", "budget": 0.0, "scenario": str(BASELINE), "sets": []}]
    for b in budgets:
        out.append({"arm": f"voucher {b:g}", "kind": "voucher", "budget": float(b), "scenario": str(VOUCHER),
                    "sets": [f"policies.{voucher['name']}.budget_yuan={b!r}"]})
    for b in centre_budgets:
        gpus = float(b) / (cost * (months - start))
        name = centre["name"]
        out.append({"arm": f"centre {b:g}", "kind": "centre", "budget": float(b), "scenario": str(CENTRE),
                    "gpus": gpus,
                    "sets": [f"policies.{name}.start_month={start}", f"policies.{name}.build_months=0",
                             f"policies.{name}.gpus={gpus!r}"]})
    return out


def measure(path: str, scale: float, start: int) -> dict:
    """The outcomes of one run file from month `start` on (province-equivalent where summed)."""
    with h5py.File(path, "r") as f:
        fields = list(f["field"].asstr()[()])
        ai = fields.index(AI_FIELD)
        s = f["series"]
        gpu = s["compute_gpu_hours"][()]
        out = {
            "ai_launches": float(s["products_launched"][start:, ai].sum() / scale),
            "ai_startups": float((s["startups_founded"][start:, ai].sum() + s["spinoffs_founded"][start:, ai].sum())
                                 / scale),
            "ai_gpu_hours": float(gpu[start:, ai].sum() / scale),
            "all_gpu_hours": float(gpu[start:].sum() / scale),
            "ai_compute_spending": float(s["compute_spending"][start:, ai].sum() / scale),
            "price_mean": float(s["compute_price"][start:].mean()),
            "utilisation_mean": float(s["compute_utilisation"][start:].mean()),
            "rationed_gpu_hours": float(s["compute_rationed_gpu_hours"][start:].sum() / scale),
            "public_cost": float(s["policy_spending"][()].sum() / scale),
            # Monthly, for the incidence (price x quantity month by month) and the check of common
            # random numbers (identical runs before the start).
            "price": s["compute_price"][()].tolist(),
            "gpu_month": (gpu.sum(axis=1) / scale).tolist(),
            "before": float(s["products_launched"][:start].sum() + gpu[:start].sum()),
        }
        paid = reached = constrained = 0.0
        if "policy_recipients" in f and f["policy_recipients/amount"].shape[0] > 0:
            r = f["policy_recipients"]
            amount = r["amount"][()]
            paid = float(amount.sum())
            reached = float(np.unique(r["enterprise"][()]).size)
            constrained = float(amount[r["cash_constrained"][()] == 1].sum())
        out["paid"] = paid / scale
        out["firms_reached"] = reached
        out["paid_constrained_share"] = constrained / paid if paid > 0 else float("nan")
    return out


def run_arm(binary: str, arm: dict, case_sets, rep: int, scale: float, months: int, start: int, tmp: str) -> dict:
    tag = "-".join([arm["arm"].replace(" ", "_")] + [c.replace("=", "_") for c in case_sets])
    path = os.path.join(tmp, f"{tag}-rep{rep:03d}.h5")
    cmd = [binary, "run", arm["scenario"], "-o", path, "--force", "--replication", str(rep), "--threads", "1",
           "--quiet", "--months", str(months), "--set", f"world.scale={scale!r}"]
    for s in list(case_sets) + arm["sets"]:
        cmd += ["--set", s]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({res.returncode}): {res.stderr.strip()}")
    try:
        return measure(path, scale, start)
    finally:
        os.remove(path)


def _interval(values) -> dict:
    """Mean of per-pair values with a 95 % Student t interval."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    n = v.size
    mean = float(v.mean()) if n else float("nan")
    half = float(t_critical(0.95, n - 1) * v.std(ddof=1) / math.sqrt(n)) if n > 1 else float("nan")
    return {"mean": mean, "low": mean - half, "high": mean + half, "pairs": int(n)}


def _effect(base: list[dict], pol: list[dict], key: str) -> dict:
    e = paired_effect([b[key] for b in base], [p[key] for p in pol])
    return {"mean": e["mean_difference"], "low": e["ci_low"], "high": e["ci_high"], "pairs": e["pairs"],
            "baseline": e["baseline_mean"]}


def summarise(base: list[dict], pol: list[dict], arm: dict, start: int, base_price: float) -> dict:
    """Effects of one arm against the baseline of its case, pair by pair."""
    out = {"arm": arm["arm"], "kind": arm["kind"], "budget": arm["budget"]}
    if "gpus" in arm:
        out["gpus"] = arm["gpus"]
    for key in ("ai_launches", "ai_startups", "ai_gpu_hours", "all_gpu_hours", "ai_compute_spending", "price_mean",
                "utilisation_mean", "rationed_gpu_hours"):
        out["d_" + key] = _effect(base, pol, key)
    for key in ("public_cost", "paid", "firms_reached", "paid_constrained_share"):
        out[key] = _interval([p[key] for p in pol])
    money = [p["paid"] if arm["kind"] == "voucher" else p["public_cost"] for p in pol]
    extra_ai = [p["ai_gpu_hours"] - b["ai_gpu_hours"] for b, p in zip(base, pol)]
    extra_all = [p["all_gpu_hours"] - b["all_gpu_hours"] for b, p in zip(base, pol)]
    incidence = [float(np.dot(np.subtract(p["price"], b["price"])[start:], p["gpu_month"][start:]))
                 for b, p in zip(base, pol)]
    extra_spend = [p["ai_compute_spending"] - b["ai_compute_spending"] for b, p in zip(base, pol)]
    out["ai_gpu_hours_per_yuan"] = _interval([x / m for x, m in zip(extra_ai, money)])
    out["ai_base_yuan_per_yuan"] = _interval([base_price * x / m for x, m in zip(extra_ai, money)])
    out["all_gpu_hours_per_yuan"] = _interval([x / m for x, m in zip(extra_all, money)])
    out["incidence_share"] = _interval([x / m for x, m in zip(incidence, money)])
    out["ai_spending_per_yuan"] = _interval([x / m for x, m in zip(extra_spend, money)])
    out["identical_before_start"] = all(b["before"] == p["before"] and b["price"][:start] == p["price"][:start]
                                        for b, p in zip(base, pol))
    return out


def run(args) -> dict:
    voucher = _policy(VOUCHER)
    start = int(voucher.get("start_month", 0))
    base_price = _base_price()
    arm_list = arms(args.budgets, args.centre_budgets, args.months)
    tmp = tempfile.mkdtemp(prefix="innochain-dose-")
    began = time.time()
    cpu0 = os.times()
    results: dict = {}
    try:
        with cf.ThreadPoolExecutor(max_workers=args.jobs) as ex:
            futs = {}
            for case in args.cases:
                for arm in arm_list:
                    for k in range(args.first, args.first + args.pairs):
                        futs[(case, arm["arm"], k)] = ex.submit(run_arm, args.binary, arm, CASES[case], k, args.scale,
                                                                args.months, start, tmp)
            for key, fu in futs.items():
                results[key] = fu.result()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    cpu1 = os.times()
    reps = range(args.first, args.first + args.pairs)
    out = {"scale": args.scale, "pairs": args.pairs, "first_replication": args.first, "months": args.months,
           "start_month": start, "base_price": base_price, "cases": {c: list(CASES[c]) for c in args.cases},
           "runs": len(results), "wall_seconds": round(time.time() - began, 1),
           "child_cpu_seconds": round((cpu1.children_user + cpu1.children_system)
                                      - (cpu0.children_user + cpu0.children_system), 1),
           "arms": {}}
    for case in args.cases:
        base = [results[(case, "baseline", k)] for k in reps]
        out["arms"][case] = {
            "baseline": {key: _interval([b[key] for b in base])
                         for key in ("ai_launches", "ai_startups", "ai_gpu_hours", "all_gpu_hours", "price_mean",
                                     "utilisation_mean", "rationed_gpu_hours")},
            "effects": [summarise(base, [results[(case, arm["arm"], k)] for k in reps], arm, start, base_price)
                        for arm in arm_list if arm["kind"] != "baseline"],
            # Voucher against the centre of the same public cost, pair by pair (the two arms share
            # replication k; the baseline drops out).
            "voucher_vs_centre": [
                {"budget": float(b), **{"d_" + key: _effect([results[(case, f"centre {b:g}", k)] for k in reps],
                                                            [results[(case, f"voucher {b:g}", k)] for k in reps], key)
                                        for key in ("ai_launches", "ai_startups", "ai_gpu_hours", "all_gpu_hours",
                                                    "price_mean")}}
                for b in args.budgets if b in args.centre_budgets],
            "per_pair": {arm["arm"]: {key: [results[(case, arm["arm"], k)][key] for k in reps]
                                      for key in ("ai_launches", "ai_startups", "ai_gpu_hours", "all_gpu_hours",
                                                  "price_mean", "paid", "public_cost")}
                         for arm in arm_list},
        }
    return out


# ---- tables -----------------------------------------------------------------------------------------

def _ci(d: dict, scale: float = 1.0, digits: int = 1, sign: bool = True) -> str:
    if not np.isfinite(d["mean"]):
        return "–"
    fmt = f"{{:{'+' if sign else ''}.{digits}f}}"
    m = fmt.format(d["mean"] * scale).replace("-", "−")
    if not np.isfinite(d["low"]):
        return m
    lo = f"{{:.{digits}f}}".format(d["low"] * scale).replace("-", "−")
    hi = f"{{:.{digits}f}}".format(d["high"] * scale).replace("-", "−")
    return f"{m} [{lo}, {hi}]"


def _budget(b: float) -> str:
    return f"{b / 1e9:g} bn" if b >= 1e9 else f"{b / 1e6:g} M"


def markdown(res: dict) -> str:
    lines = [f"world.scale = {res['scale']:g}, {res['pairs']} pairs (replications {res['first_replication']}–"
             f"{res['first_replication'] + res['pairs'] - 1}), {res['months']} months; outcomes over months "
             f"{res['start_month']}–{res['months'] - 1}, province-equivalent (÷ world.scale) except firms reached "
             f"(a count at this scale); mean paired difference [95 % t interval]. {res['runs']} runs, "
             f"{res['child_cpu_seconds']:g} s of CPU.", ""]
    for case, block in res["arms"].items():
        b = block["baseline"]
        lines += [f"**Case `{case}`** ({', '.join(res['cases'][case]) or 'the baseline as calibrated'}). Baseline: "
                  f"{b['ai_launches']['mean']:.0f} AI launches, {b['ai_startups']['mean']:.0f} AI start-ups, "
                  f"{b['ai_gpu_hours']['mean'] / 1e9:.2f} bn AI GPU-hours of {b['all_gpu_hours']['mean'] / 1e9:.2f} bn, "
                  f"mean price {b['price_mean']['mean']:.2f} yuan/GPU-hour, mean utilisation "
                  f"{b['utilisation_mean']['mean']:.2f}.", ""]
        vouchers = [e for e in block["effects"] if e["kind"] == "voucher"]
        centres = [e for e in block["effects"] if e["kind"] == "centre"]
        if vouchers:
            lines += ["| budget (yuan) | paid (M yuan) | firms reached | paid to cash-constrained | Δ AI launches | "
                      "Δ AI start-ups | Δ AI GPU-hours (M) | Δ all GPU-hours (M) | Δ mean price (yuan/GPU-h) | "
                      "AI GPU-h per voucher yuan | yuan of compute at base price per voucher yuan | incidence "
                      "(share in the price) |",
                      "|---|---|---|---|---|---|---|---|---|---|---|---|"]
            for e in vouchers:
                lines.append("| " + " | ".join([
                    _budget(e["budget"]), f"{e['paid']['mean'] / 1e6:,.0f}".replace(",", " "),
                    f"{e['firms_reached']['mean']:.1f}", f"{100 * e['paid_constrained_share']['mean']:.0f} %",
                    _ci(e["d_ai_launches"]), _ci(e["d_ai_startups"]), _ci(e["d_ai_gpu_hours"], 1e-6, 0),
                    _ci(e["d_all_gpu_hours"], 1e-6, 0), _ci(e["d_price_mean"], 1, 2),
                    _ci(e["ai_gpu_hours_per_yuan"], 1, 3), _ci(e["ai_base_yuan_per_yuan"], 1, 2),
                    _ci(e["incidence_share"], 1, 2)]) + " |")
            lines.append("")
        if centres:
            lines += ["| public cost (yuan) | accelerators | Δ AI launches | Δ AI start-ups | Δ AI GPU-hours (M) | "
                      "Δ all GPU-hours (M) | Δ mean price (yuan/GPU-h) | AI GPU-h per public yuan | all GPU-h per "
                      "public yuan | price change × GPU-hours per public yuan |",
                      "|---|---|---|---|---|---|---|---|---|---|"]
            for e in centres:
                lines.append("| " + " | ".join([
                    _budget(e["budget"]), f"{e['gpus']:,.0f}".replace(",", " "),
                    _ci(e["d_ai_launches"]), _ci(e["d_ai_startups"]), _ci(e["d_ai_gpu_hours"], 1e-6, 0),
                    _ci(e["d_all_gpu_hours"], 1e-6, 0), _ci(e["d_price_mean"], 1, 2),
                    _ci(e["ai_gpu_hours_per_yuan"], 1, 3), _ci(e["all_gpu_hours_per_yuan"], 1, 3),
                    _ci(e["incidence_share"], 1, 2)]) + " |")
            lines.append("")
        if block["voucher_vs_centre"]:
            lines += ["Voucher minus the centre of the same public cost (paired by replication):", "",
                      "| budget (yuan) | Δ AI launches | Δ AI start-ups | Δ AI GPU-hours (M) | Δ all GPU-hours (M) | "
                      "Δ mean price (yuan/GPU-h) |", "|---|---|---|---|---|---|"]
            for e in block["voucher_vs_centre"]:
                lines.append("| " + " | ".join([
                    _budget(e["budget"]), _ci(e["d_ai_launches"]), _ci(e["d_ai_startups"]),
                    _ci(e["d_ai_gpu_hours"], 1e-6, 0), _ci(e["d_all_gpu_hours"], 1e-6, 0),
                    _ci(e["d_price_mean"], 1, 2)]) + " |")
            lines.append("")
        same = all(e["identical_before_start"] for e in block["effects"])
        lines += [f"Runs identical before month {res['start_month']} in every pair: {'yes' if same else 'NO'}.", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=str(REPO / "build" / "innochain"))
    ap.add_argument("--scale", type=float, default=0.05)
    ap.add_argument("--pairs", type=int, default=16)
    ap.add_argument("--first", type=int, default=0, help="first replication")
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--jobs", type=int, default=1, help="runs at a time")
    ap.add_argument("--budgets", type=lambda s: [float(x) for x in s.split(",")], default=list(BUDGETS),
                    help="province-equivalent voucher budgets, yuan, comma-separated")
    ap.add_argument("--centre-budgets", type=lambda s: [float(x) for x in s.split(",") if x], default=list(BUDGETS),
                    help="public costs of the compute centres, yuan (empty: none)")
    ap.add_argument("--cases", type=lambda s: s.split(","), default=list(CASES), help=f"of {', '.join(CASES)}")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--markdown", help="write the tables here")
    args = ap.parse_args(argv)
    for c in args.cases:
        if c not in CASES:
            ap.error(f"unknown case {c!r} (one of {', '.join(CASES)})")
    res = run(args)
    text = markdown(res)
    print(text)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    if args.markdown:
        pathlib.Path(args.markdown).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
