"""Per-firm paired effects (analysis/innochain/treated.py and ``innochain compare --treated``).

On a tiny world (1/100, 24 months, 2 replications, monthly snapshots) made by the built binary
(INNOCHAIN_BIN):

* a compute-voucher programme with a zero budget changes nothing: every per-firm difference is
  exactly 0, in Python and in C++;
* an effect injected by hand into copies of the baseline runs (extra R&D spending for two firms
  recorded as recipients, less for one other firm, from the policy start on) is recovered exactly
  for the recipients and as a spill-over on the others, by both implementations;
* Python and C++ give the same table on a real voucher programme.
"""

from __future__ import annotations

import io
import os
import pathlib
import shutil
import subprocess

import h5py
import numpy as np
import pandas as pd
import pytest

from innochain import treated

REPO = pathlib.Path(__file__).resolve().parents[2]
MONTHS, REPS, START = 24, 2, 12
SNAP = ["--set", "output.snapshot_interval_months=1"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    binary = os.environ.get("INNOCHAIN_BIN")
    if not binary:
        pytest.skip("INNOCHAIN_BIN is not set (path to the innochain binary)")
    scenarios = pathlib.Path(os.environ.get("INNOCHAIN_SCENARIOS", REPO / "scenarios"))
    root = tmp_path_factory.mktemp("treated")
    vouchers = scenarios / "policies" / "compute_voucher.yaml"
    sides = {
        "base": (scenarios / "guangdong_small.yaml", []),
        "zero": (vouchers, ["--set", "world.scale=0.01", "--set", "policies.ai_compute_vouchers.budget_yuan=0"]),
        "vouchers": (vouchers, ["--set", "world.scale=0.01"]),
    }
    for k in range(REPS):
        for side, (scenario, extra) in sides.items():
            out = root / side / f"r{k}.h5"
            out.parent.mkdir(parents=True, exist_ok=True)
            proc = subprocess.run([binary, "run", str(scenario), "--quiet", "--months", str(MONTHS), "--replication",
                                   str(k), "-o", str(out), *SNAP, *extra], capture_output=True, text=True, timeout=600)
            assert proc.returncode == 0, proc.stderr
    return binary, root


def cpp_table(binary, base, policy, *extra) -> pd.DataFrame:
    proc = subprocess.run([binary, "compare", str(base), str(policy), "--treated", "--format", "csv", *extra],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return pd.read_csv(io.StringIO(proc.stdout), keep_default_na=False, na_values=[""])


def test_zero_budget_gives_exactly_zero(runs):
    binary, root = runs
    for table in (cpp_table(binary, root / "base", root / "zero"), treated.treated_effects(root / "base", root / "zero")):
        assert len(table) > 0
        assert (table["mean_difference"] == 0.0).all()
        assert (table["sd_difference"] == 0.0).all()
        assert set(table["group"]) >= {treated.ELIGIBLE, treated.OTHERS, treated.ENTRANTS}


def inject(root: pathlib.Path, recipients=(3, 5), loser=7, gain=1.0e6, loss=2.5e5) -> pathlib.Path:
    """Copies of the baseline runs made into 'policy runs' with a known effect: recipients spend
    `gain` more on R&D over the window (spread over its months), firm `loser` spends `loss` less;
    the copies name a compute-voucher instance from month START and record the recipients."""
    out = root / "injected"
    out.mkdir(exist_ok=True)
    for k in range(REPS):
        path = out / f"r{k}.h5"
        shutil.copy(root / "base" / f"r{k}.h5", path)
        with h5py.File(path, "r+") as f:
            rd = f["snapshots/enterprises/rd_spent_yuan"]
            values = rd[()]
            months = MONTHS - START
            for i in recipients:
                values[START:, i] += gain / months
            values[START:, loser] -= loss / months
            rd[...] = values
            scenario = f["scenario"].asstr()[()]
            assert scenario.endswith("policies:\n  []\n")
            scenario = scenario.removesuffix("  []\n") + (
                "  - type: compute_voucher\n    name: injected\n    start_month: 12\n"
                "    eligible: {kinds: [], fields: [], regions: []}\n")
            del f["scenario"]
            f["scenario"] = scenario
            if "policy_levers" in f:
                del f["policy_levers"]
            f["policy_levers"] = np.array(["progress.compute_subsidy_rate"], dtype=h5py.string_dtype())
            if "policy_recipients" in f:
                del f["policy_recipients"]
            g = f.create_group("policy_recipients")
            g["enterprise"] = np.array(recipients, dtype=np.int32)
            g["month"] = np.full(len(recipients), START, dtype=np.int32)
    return out


def test_injected_effect_is_recovered(runs):
    binary, root = runs
    # Recipients and the loser: firms present at the start in every replication (which firms die
    # before month START depends on the model, not on the estimator under test).
    panels = [treated.firm_panel(root / "base" / f"r{k}.h5", START).present for k in range(REPS)]
    n = min(p.size for p in panels)
    present = np.logical_and.reduce([p[:n] for p in panels])
    a, b, loser = (int(i) for i in np.flatnonzero(present)[:3])
    injected = inject(root, recipients=(a, b), loser=loser)
    # The eligible non-recipients of replication k: the firms alive at the start but the two recipients.
    rest_sizes = [int(treated.firm_panel(injected / f"r{k}.h5").present.sum()) - 2 for k in range(REPS)]
    for table in (cpp_table(binary, root / "base", injected, "--metric", "rd_spending"),
                  treated.treated_effects(root / "base", injected, ["rd_spending"])):
        t = table.set_index("group")
        # Every firm is eligible (empty selectors): the recipients, and the eligible rest.
        assert t.loc[treated.RECIPIENTS, "agents"] == 2
        assert t.loc[treated.RECIPIENTS, "mean_difference"] == pytest.approx(1.0e6, rel=1e-9)
        assert t.loc[treated.RECIPIENTS, "sd_difference"] == pytest.approx(0.0, abs=1e-3)
        rest = t.loc[treated.ELIGIBLE]
        assert rest["agents"] == pytest.approx(np.mean(rest_sizes))
        assert rest["mean_difference"] == pytest.approx(np.mean([-2.5e5 / n for n in rest_sizes]), rel=1e-9)
        assert t.loc[treated.ENTRANTS, "mean_difference"] == 0.0


def test_python_and_cpp_agree_on_vouchers(runs):
    binary, root = runs
    for by in (None, "kind"):
        extra = ["--by", by] if by else []
        cpp = cpp_table(binary, root / "base", root / "vouchers", "--per-year", *extra)
        py = treated.treated_effects(root / "base", root / "vouchers", by=by, per_year=True)
        assert list(cpp.columns) == list(treated.TREATED_COLUMNS)
        py = py.drop(columns="point")
        assert len(cpp) == len(py)
        for c in treated.TREATED_COLUMNS:
            if c in ("group", "subgroup", "metric", "units"):
                assert cpp[c].fillna("").tolist() == py[c].fillna("").tolist(), c
            else:
                np.testing.assert_allclose(cpp[c].to_numpy(float), py[c].to_numpy(float), rtol=1e-9, atol=1e-6,
                                           err_msg=c)
    assert treated.RECIPIENTS in set(py["group"])


def test_runs_without_snapshots_are_refused(tmp_path, runs):
    binary, root = runs
    plain = tmp_path / "plain.h5"
    proc = subprocess.run([binary, "run", str(REPO / "scenarios" / "guangdong_small.yaml"), "--quiet", "--months", "12",
                           "-o", str(plain)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    with pytest.raises(treated.TreatedInputError, match="snapshot_interval_months"):
        treated.firm_panel(plain, 3)
