"""/policy_recipients read from a real run file (docs/output.md): a 1/100 world with a compute
voucher and an R&D subsidy side by side, 36 months.

Checks that the record is consistent with the rest of the file: every column is there with the
documented type and one length; each instance's amounts add up, month by month, to its
policy_spending series; instance indices name a bill-paying instrument; enterprise ids are firms of
the run (the enterprise snapshot), with the field and region the snapshot gives them; months lie in
the run and in the instance's window; rows are in firm-id order within a month; the
cash-constrained flag is 0 or 1; and no payment exceeds its grant, its rate times the bill, the
per-firm cap or the scaled budget.

Run with INNOCHAIN_BIN set (ctest does; skipped without it).
"""

from __future__ import annotations

import os
import pathlib
import subprocess

import h5py
import numpy as np
import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
SCALE = 0.01
MONTHS = 36
VOUCHER = {"start": 6, "rate": 0.5, "cap": 1.0e7, "budget": 5.0e8}
SUBSIDY = {"start": 0, "rate": 0.15, "cap_per_year": 2.0e6, "budget": 6.0e10}

SCENARIO = f"""\
extends: {REPO / 'scenarios' / 'guangdong_baseline.yaml'}
name: recipients_test
policies:
  - type: rd_subsidy
    name: subsidy
    start_month: {SUBSIDY['start']}
    eligible: {{kinds: [sme, startup], regions: [shenzhen, guangzhou]}}
    rate: {SUBSIDY['rate']}
    per_firm_cap_yuan_per_year: {SUBSIDY['cap_per_year']}
    budget_yuan: {SUBSIDY['budget']}
  - type: compute_voucher
    name: vouchers
    start_month: {VOUCHER['start']}
    eligible: {{fields: [artificial_intelligence]}}
    subsidy_rate: {VOUCHER['rate']}
    per_firm_cap_yuan: {VOUCHER['cap']}
    budget_yuan: {VOUCHER['budget']}
    allocation: first_come
"""

COLUMNS = {"month": "i", "instance": "i", "enterprise": "i", "kind": "i", "field": "i", "region": "i",
           "amount": "f", "bill": "f", "allowance": "f", "cash_constrained": "i"}


@pytest.fixture(scope="module")
def run_file(tmp_path_factory) -> pathlib.Path:
    binary = os.environ.get("INNOCHAIN_BIN")
    if not binary:
        pytest.skip("INNOCHAIN_BIN is not set (path to the innochain binary); run through ctest or set it")
    tmp = tmp_path_factory.mktemp("recipients")
    scenario = tmp / "recipients.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    out = tmp / "run.h5"
    cmd = [binary, "run", str(scenario), "-o", str(out), "--quiet", "--months", str(MONTHS), "--set",
           f"world.scale={SCALE}", "--set", "output.snapshot_interval_months=12"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"innochain run failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return out


@pytest.fixture(scope="module")
def rec(run_file):
    with h5py.File(run_file, "r") as f:
        g = f["policy_recipients"]
        assert set(g.keys()) == set(COLUMNS), f"columns {sorted(g.keys())}"
        cols = {k: g[k][()] for k in COLUMNS}
        policies = list(f["policy"].asstr()[()])
        types = list(f["policy_type"].asstr()[()])
        spending = f["series/policy_spending"][()]
        months = f["month"][()]
        snap = f["snapshots/enterprises"]
        field, region = snap["field"][-1], snap["region"][-1]
        fields, regions = list(f["field"].asstr()[()]), list(f["region"].asstr()[()])
    return {"fields": fields, "regions": regions, "cols": cols, "policies": policies, "types": types, "spending": spending, "months": months,
            "snap_field": field, "snap_region": region}


def _instance(rec, name: str) -> int:
    return rec["policies"].index(name)


def test_columns_have_the_documented_types_and_one_length(rec):
    cols = rec["cols"]
    lengths = {k: v.shape for k, v in cols.items()}
    assert len(set(lengths.values())) == 1, lengths
    assert cols["month"].ndim == 1 and cols["month"].size > 0, "no payment recorded"
    for k, kind in COLUMNS.items():
        assert cols[k].dtype.kind == kind, f"{k}: dtype {cols[k].dtype}"


def test_both_instances_paid_and_instances_are_bill_paying_instruments(rec):
    inst = rec["cols"]["instance"]
    assert inst.min() >= 0 and inst.max() < len(rec["policies"])
    assert {rec["types"][i] for i in np.unique(inst)} == {"compute_voucher", "rd_subsidy"}
    assert rec["types"][_instance(rec, "vouchers")] == "compute_voucher"


def test_amounts_sum_to_each_instances_spending_series(rec):
    cols, spending = rec["cols"], rec["spending"]
    assert spending.shape == (MONTHS, len(rec["policies"]))
    for i in range(len(rec["policies"])):
        sums = np.zeros(MONTHS)
        sel = cols["instance"] == i
        np.add.at(sums, cols["month"][sel], cols["amount"][sel])
        np.testing.assert_allclose(sums, spending[:, i], rtol=1e-9, atol=1e-6,
                                   err_msg=f"instance {rec['policies'][i]}: recipients against policy_spending")
        assert spending[:, i].sum() > 0.0


def test_months_lie_in_the_run_and_the_instances_window_in_order(rec):
    cols = rec["cols"]
    m = cols["month"]
    assert m.min() >= 0 and m.max() < MONTHS and m.max() <= rec["months"].max()
    assert np.all(np.diff(m) >= 0), "rows are not in month order"
    v = cols["instance"] == _instance(rec, "vouchers")
    assert m[v].min() >= VOUCHER["start"]
    # Firm-id order within each (month, instance), one row per firm.
    for month in np.unique(m):
        for i in np.unique(cols["instance"]):
            ids = cols["enterprise"][(m == month) & (cols["instance"] == i)]
            assert np.all(np.diff(ids) > 0), f"month {month}, instance {i}: ids {ids}"


def test_enterprise_ids_are_firms_of_the_run_with_their_field_and_region(rec):
    cols = rec["cols"]
    e = cols["enterprise"]
    width = rec["snap_field"].shape[0]
    assert e.min() >= 0 and e.max() < width, "an id beyond the enterprise table"
    np.testing.assert_array_equal(cols["field"], rec["snap_field"][e])
    np.testing.assert_array_equal(cols["region"], rec["snap_region"][e])
    assert set(np.unique(cols["kind"])) <= {0, 1, 2}
    assert cols["field"].max() < len(rec["fields"]) and cols["region"].max() < len(rec["regions"])


def test_eligibility_is_respected(rec):
    cols = rec["cols"]
    v = cols["instance"] == _instance(rec, "vouchers")
    assert np.all(cols["field"][v] == rec["fields"].index("artificial_intelligence"))
    s = cols["instance"] == _instance(rec, "subsidy")
    assert set(np.unique(cols["region"][s])) <= {rec["regions"].index("guangzhou"), rec["regions"].index("shenzhen")}
    assert set(np.unique(cols["kind"][s])) <= {1, 2}  # SMEs and start-ups


def test_cash_constrained_flag_is_present_and_binary(rec):
    cc = rec["cols"]["cash_constrained"]
    assert set(np.unique(cc)) <= {0, 1}


def test_no_payment_exceeds_its_grant_rate_cap_or_budget(rec):
    cols = rec["cols"]
    amount, bill, allowance = cols["amount"], cols["bill"], cols["allowance"]
    assert np.all(amount > 0.0)
    assert np.all(amount <= allowance * (1 + 1e-9) + 1e-6)
    v = cols["instance"] == _instance(rec, "vouchers")
    assert np.all(amount[v] <= VOUCHER["rate"] * bill[v] * (1 + 1e-9) + 1e-6)
    per_firm = {}
    for e, a in zip(cols["enterprise"][v], amount[v]):
        per_firm[e] = per_firm.get(e, 0.0) + a
    assert max(per_firm.values()) <= VOUCHER["cap"] * (1 + 1e-9)
    assert amount[v].sum() <= VOUCHER["budget"] * SCALE * (1 + 1e-9)
    s = cols["instance"] == _instance(rec, "subsidy")
    assert np.all(amount[s] <= SUBSIDY["rate"] * bill[s] * (1 + 1e-9) + 1e-6)
    years = {}
    for e, mo, a in zip(cols["enterprise"][s], cols["month"][s], amount[s]):
        key = (e, (mo - SUBSIDY["start"]) // 12)
        years[key] = years.get(key, 0.0) + a
    assert max(years.values()) <= SUBSIDY["cap_per_year"] * (1 + 1e-9)
