"""Rerunnable calibration of the Guangdong baseline (docs/validation.md, "Calibration").

Objective: the weighted sum, over the calibrated targets of innochain.validation.targets, of the
squared log deviation of the model's mean moment (over replications) from the target,

    J(theta) = sum_t w_t * (ln m_t(theta) - ln target_t)^2,

with the common random numbers of replications 0..R-1. The search runs on a reduced world
(world.scale = 1/4 by default; moments are mapped back to the province by dividing counts and
yuan by world.scale), 84 months per run after the scenario's spin-up (the measurement window is months 36-71), starting from
the values in scenarios/guangdong_baseline.yaml. Two methods:

* ``--method coordinate`` (default): each calibrated parameter has one primary target (the
  PARAMETERS table); every round moves all of them at once by a damped Newton-like step
  x_p += gain_p * (ln target - ln model) with a fixed, documented gain per parameter (its
  approximate inverse elasticity), and keeps the best point seen by J. Converges in a few rounds
  because the targets are nearly separable.
* ``--method nelder-mead``: scipy.optimize.minimize(method="Nelder-Mead") on J over the same
  coordinates (log multipliers, or shifts for additive parameters); slower, for a final polish.

The result is then confirmed at full scale by the validation battery (scripts/validate.sh).

Usage (from the repository root, after building):

    bash scripts/calibrate.sh --rounds 8 --replications 4
    bash scripts/calibrate.sh --method nelder-mead --maxfev 100

It prints every evaluation and writes the start, every evaluation and the best point to --out;
copy the best parameters into scenarios/guangdong_baseline.yaml.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import time

import numpy as np
import yaml
from scipy.optimize import minimize

from .runner import run_replications
from .targets import TARGETS

# name -> (scenario keys moved together, primary target, gain). Multiplicative parameters move
# by exp(x) (keys moved together keep their ratio); additive ones (ADDITIVE) by + x. The gain is
# the step per unit of log deviation of the primary target: about minus the inverse of the
# target's elasticity with respect to x, damped.
PARAMETERS = {
    # "Don't know how": the offices' skill sets how many decided cases find a route at all. (The
    # discovery rate is no lever for the count: more projects share the same institute budgets
    # and progress more slowly, so breakthroughs and transfers within the window hardly rise.)
    "transfer_office_skill": (["agents.institutes.transfer_office_skill"], "transfers_per_year", 0.8),
    # Contract research: the share of finished basic projects offered to firms. (The contract value
    # was the lever before; above about 20 million yuan a contract most candidate firms lack the cash
    # for it, so income hardly rises with the value and the search drifted to ever larger contracts.)
    "contract_research": (["chain.breakthrough.contract_research_probability"], "transfer_income_bn", 0.9),
    # The money scale of a transfer decision: the value of a transferred project and the
    # officials' sanction move together, so the "don't dare" test (gain vs risk aversion x
    # sanction probability x sanction) decides exactly as at the priors; only yuan amounts change.
    "transfer_value": (["chain.transfer.transfer_value_yuan_median", "chain.transfer.sanction_size_yuan"],
                       "transfer_contract_value_bn", 0.8),
    # Firms start projects only when their budgets cover them (docs/model.md 3.3.3), so their R&D
    # spending is their R&D share of revenue: the share is the lever of R&D spending (the start
    # rate per staff member, rd_staff_zeta, was before the start rule).
    "rd_share": (["agents.enterprises.rd_share_of_revenue"], "rd_spending_bn", 1.0),
    # Free entry (docs/model.md, Entry): the base SME entry rate sets the level at which the count
    # of firms settles (entry answers to revenue per firm, so more firms mean fewer entrants); it is
    # searched so that the count of firms holds over the window (after the spin-up, docs/model.md
    # 3.1, the count is near that level; a rate too high or too low leaves it still rising or
    # falling). A rise of the base rate by a quarter raises the window's last-year count over its
    # first by about 1 % (measured).
    "sme_entry": (["chain.entry.sme_entry_per_year"], "firm_count_ratio", 20.0),
    # The constructed population's enterprises: new SMEs are drawn in proportion to it and demand
    # is fixed by the constructed revenues (docs/model.md, Entry and 3.1), so the count of firms
    # the economy settles at scales with it, apart from the start-ups, whose stationary stock is
    # set by the talent founding them. Searched on the count of high-tech enterprises after the
    # spin-up; the SMEs and chain leaders are about two thirds of the firms: gain 1.4.
    "enterprises": (["agents.enterprises.count"], "high_tech_enterprises", 1.4),
    # Migration answers to the market wage (docs/model.md 3.3.1): the base arrival rate sets the
    # level at which the talent in the province settles; searched, as the SME entry rate, so that
    # the count the province starts with holds (arrivals balance departures at the wage the market
    # settles to). Arrivals are about 2 % of the people a year, so a rise of the rate by a tenth
    # raises the window's last-year count over its first by about 0.4 % (two years apart).
    "inflow": (["chain.talent.inflow_per_year"], "people_ratio", 15.0),
    # New firms without a product live on their founders' money until a round, a grant or a
    # launch: the median of that money sets how long the runway of most of them is, hence the
    # share that survives the first year. Searched within the range that evidence on founders'
    # own equity in new technology firms allows (BOUNDS; docs/model.md, chain.entry).
    "founder_seed": (["chain.entry.founder_seed_yuan"], "first_year_survival", 2.5),
    # Venture investors' bar: the seed threshold sets how many start-ups a fund backs (the
    # incubator funnel, financing events per incubated firm); the added bar per later round sets
    # how many seeded firms raise a series A (the venture funnel). Both additive (log quality).
    "venture_threshold": (["chain.finance.venture_threshold"], "incubator_financing_ratio", -0.5),
    "threshold_step": (["chain.finance.threshold_step_per_round"], "venture_second_round", -0.5),
    # Dongguan's enterprises spend a larger share of revenue on R&D than the province's (its
    # industrial specialisation, which the five fields do not capture).
    "dongguan_rd": (["world.regions.dongguan.rd_share_multiplier"], "rd_intensity_dongguan", 1.3),
    "hazard_breakthrough": (["chain.progress.stages.breakthrough.hazard_per_month"], "pass_breakthrough", None),
    "hazard_proof_of_concept": (["chain.progress.stages.proof_of_concept.hazard_per_month"], "pass_proof_of_concept", None),
    "hazard_pilot": (["chain.progress.stages.pilot.hazard_per_month"], "pass_pilot", None),
}
ADDITIVE = {"chain.finance.venture_threshold", "chain.finance.threshold_step_per_round"}
# Scenario keys searched only within an evidence-based interval (the search clips to it).
BOUNDS = {"chain.entry.founder_seed_yuan": (50_000.0, 2_000_000.0),
          "chain.finance.threshold_step_per_round": (0.0, 5.0)}  # the scenario's range
INTEGER = {"agents.enterprises.count"}
TARGET_VALUE = {t.moment: t.value for t in TARGETS}


def objective_terms(moments: list[dict]) -> dict:
    """Mean of each calibrated moment over replications and its weighted squared log deviation."""
    out = {}
    for t in TARGETS:
        if not t.calibrated:
            continue
        vals = [m[t.moment] for m in moments if np.isfinite(m.get(t.moment, np.nan))]
        mean = float(np.mean(vals)) if vals else float("nan")
        dev = math.log(max(mean, 1e-12) / t.value) if np.isfinite(mean) else 10.0
        out[t.moment] = (mean, t.weight * dev * dev)
    return out


def format_value(key: str, v: float) -> str:
    return str(int(round(v))) if key in INTEGER else f"{v:.6g}"


def resolved(binary: str, scenario: str) -> dict:
    return yaml.safe_load(subprocess.run([binary, "show", scenario], capture_output=True, text=True, check=True).stdout)


def get_key(d: dict, key: str):
    """The value at a dotted scenario key; list elements (regions, fields) are addressed by name."""
    for p in key.split("."):
        d = next(x for x in d if x.get("name") == p) if isinstance(d, list) else d[p]
    return d


def apply_to_scenario(path: str, params: dict) -> None:
    """Writes parameter values into a scenario file in place, keeping its layout and comments.

    Each dotted key is found by its last component on the line that sets it; a stage hazard
    (``...stages.NAME.hazard_per_month``) on the line of its stage. Every key must match exactly
    one line.
    """
    lines = open(path).read().split("\n")
    for key, v in params.items():
        parts = key.split(".")
        last = parts[-1]
        # A stage hazard is set on its stage's line; a world list entry (world.regions.NAME.key) on
        # the lines of the entry named NAME (up to the next entry).
        anchor = parts[-2] if last == "hazard_per_month" or parts[0] == "world" else None
        done, inside = 0, False
        for i, line in enumerate(lines):
            if parts[0] == "agents":  # agents.KIND.key: on the lines of the KIND section
                if re.match(r"^\s{2}\w+:", line):
                    inside = re.match(rf"^\s{{2}}{parts[1]}:", line) is not None
                if not inside:
                    continue
            elif parts[0] == "world":
                if re.search(r"-\s*\{?\s*name:", line):
                    inside = re.search(rf"name:\s*{anchor}\b", line) is not None
                if not inside:
                    continue
            elif anchor and not re.search(rf"\b{anchor}\b", line):
                continue
            m = re.search(rf"(\b{last}:\s*)([-0-9.e+]+)", line)
            if m:
                lines[i] = line[:m.start(2)] + f"{v:.6g}" + line[m.end(2):]
                done += 1
        if done != 1:
            raise ValueError(f"{path}: {key} set on {done} lines, expected exactly one")
    open(path, "w").write("\n".join(lines))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default="build/innochain")
    ap.add_argument("--scenario", default="scenarios/guangdong_baseline.yaml")
    ap.add_argument("--scale", type=float, default=0.25)
    ap.add_argument("--replications", type=int, default=4)
    ap.add_argument("--months", type=int, default=84,
                    help="months simulated per run (the window ends at 72; seeds are followed 36 months)")
    ap.add_argument("--method", choices=["coordinate", "nelder-mead"], default="coordinate")
    ap.add_argument("--rounds", type=int, default=8, help="coordinate: rounds")
    ap.add_argument("--damping", type=float, default=1.0,
                    help="coordinate: multiplies every step (below 1 when noisy targets make it oscillate)")
    ap.add_argument("--apply", action="store_true",
                    help="write the best point's parameters into --scenario (its comments are kept)")
    ap.add_argument("--maxfev", type=int, default=100, help="nelder-mead: evaluations")
    ap.add_argument("--step", type=float, default=0.15, help="nelder-mead: initial simplex step")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--params", default=",".join(PARAMETERS), help="comma-separated names of PARAMETERS to search")
    ap.add_argument("--out", default="analysis/innochain/validation/calibration_result.json")
    a = ap.parse_args(argv)

    names = [n for n in a.params.split(",") if n]
    shown = resolved(a.binary, a.scenario)
    base = {k: float(get_key(shown, k)) for n in names for k in PARAMETERS[n][0]}
    history: list[dict] = []
    t0 = time.time()

    def value(k, v):
        lo, hi = BOUNDS.get(k, (-math.inf, math.inf))
        return min(hi, max(lo, base[k] + v if k in ADDITIVE else base[k] * math.exp(v)))

    def settings(x):
        return {k: format_value(k, value(k, v)) for n, v in zip(names, x) for k in PARAMETERS[n][0]}

    def evaluate(x):
        st = settings(x)
        sets = [f"world.scale={a.scale}"] + [f"{k}={v}" for k, v in st.items()]
        ms = run_replications(a.binary, a.scenario, range(a.replications), sets, jobs=a.jobs, months=a.months)
        terms = objective_terms(ms)
        J = sum(v[1] for v in terms.values())
        history.append({"J": J, "x": [float(v) for v in x], "params": {k: float(v) for k, v in st.items()},
                        "moments": {k: v[0] for k, v in terms.items()}})
        print(f"[{len(history):4d} {time.time() - t0:6.0f}s] J={J:.4f} " +
              " ".join(f"{k.split('.')[-1]}={v}" for k, v in st.items()), flush=True)
        print("        " + " ".join(f"{k}={v[0]:.4g}({v[1]:.3f})" for k, v in terms.items()), flush=True)
        return J, {k: v[0] for k, v in terms.items()}

    x = np.zeros(len(names))
    if a.method == "coordinate":
        for _ in range(a.rounds):
            J, mom = evaluate(x)
            step = np.zeros(len(names))
            for i, n in enumerate(names):
                target = PARAMETERS[n][1]
                dev = math.log(TARGET_VALUE[target]) - math.log(max(mom[target], 1e-12))
                gain = PARAMETERS[n][2]
                if gain is None:  # a stage hazard: ln(pass) is about -hazard x duration
                    gain = 1.0 / math.log(min(max(mom[target], 1e-6), 0.999))
                step[i] = gain * dev
            x = x + np.clip(a.damping * step, -0.7, 0.7)
        evaluate(x)
        message = f"{a.rounds} coordinate rounds"
    else:
        simplex = np.vstack([x] + [x + a.step * np.eye(len(names))[i] for i in range(len(names))])
        res = minimize(lambda z: evaluate(z)[0], x, method="Nelder-Mead",
                       options={"maxfev": a.maxfev, "xatol": 0.02, "fatol": 1e-3, "initial_simplex": simplex})
        message = str(res.message)
    best = min(history, key=lambda h: h["J"])
    result = {
        "objective": "sum_t w_t (ln mean_t - ln target_t)^2 over calibrated targets (analysis/innochain/validation/targets.py)",
        "method": a.method, "message": message,
        "scale": a.scale, "replications": a.replications, "months": a.months, "evaluations": len(history),
        "targets": {t.moment: {"value": t.value, "weight": t.weight} for t in TARGETS if t.calibrated},
        "start": history[0], "best": best, "history": history,
    }
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    with open(a.out, "w") as fh:
        json.dump(result, fh, indent=1)
    print(json.dumps({"J": best["J"], "params": best["params"], "moments": best["moments"]}, indent=1))
    if a.apply:
        apply_to_scenario(a.scenario, best["params"])
        print(f"calibrate: wrote the best point into {a.scenario}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
