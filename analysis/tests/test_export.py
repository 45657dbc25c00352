"""`innochain export` of a real 1/100 sweep read back with pandas, against the run files; and
``open_runs`` of a sweep with run ids and design coordinates. Values are compared with what the
runs hold, not with fixed numbers (the model changes; these must agree whatever it computes).
"""

from __future__ import annotations

import io
import os
import pathlib
import subprocess

import numpy as np
import pandas as pd
import pytest

from innochain import datasets

KEY = "agents.institutes.sanction_probability"


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    binary = os.environ.get("INNOCHAIN_BIN")
    if not binary:
        pytest.skip("INNOCHAIN_BIN is not set (path to the innochain binary)")
    scenarios = pathlib.Path(os.environ.get("INNOCHAIN_SCENARIOS",
                                            pathlib.Path(__file__).resolve().parents[2] / "scenarios")).resolve()
    root = tmp_path_factory.mktemp("export")
    (root / "sweep.yaml").write_text(
        f"base: {scenarios / 'guangdong_small.yaml'}\nreplications: 2\nset: {{horizon_months: 6}}\n"
        f"design:\n  kind: grid\n  keys:\n    {KEY}: {{factor: [0.5, 2]}}\n")
    proc = subprocess.run([binary, "sweep", str(root / "sweep.yaml"), "-o", str(root / "s"), "-q"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return binary, root / "s"


def export(binary: str, directory: pathlib.Path, *options: str) -> pd.DataFrame:
    proc = subprocess.run([binary, "export", str(directory), "-o", "-", "-q", *options], capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return pd.read_csv(io.StringIO(proc.stdout), keep_default_na=False, na_values=[""])


def test_pandas_reads_the_export_and_it_holds_every_value_of_the_runs(sweep):
    binary, directory = sweep
    table = export(binary, directory)
    assert list(table.columns) == ["run_id", "point", KEY, "replication", "outcome", "field", "region", "policy",
                                   "month", "value"]
    runs = datasets.open_runs(directory)
    assert sorted(table["run_id"].unique()) == sorted(runs["run_id"].values.tolist())
    # One row per month and per field / region / policy instance of every series of every run.
    cells = sum(int(np.prod(runs[name].shape[1:])) for name in runs.data_vars) * runs.sizes["run"]
    assert len(table) == cells
    # The values are the runs' own, bit for bit (shortest round-trip text).
    for i in range(runs.sizes["run"]):
        run = runs.isel(run=i)
        rows = table[table["run_id"] == run["run_id"].item()]
        assert (rows["replication"] == run["replication"].item()).all()
        assert (rows["point"] == run["sweep_point"].item()).all()
        assert (rows[KEY] == run[KEY].item()).all()
        for name, dim in (("discoveries", "field"), ("researchers", "region"), ("hires", None)):
            got = rows[rows["outcome"] == name]
            if dim is None:
                assert got["field"].isna().all() and got["region"].isna().all()
                np.testing.assert_array_equal(got["value"].to_numpy(), run[name].values)
            else:
                wide = got.pivot(index="month", columns=dim, values="value")
                expected = run[name].to_pandas()
                np.testing.assert_array_equal(wide.loc[expected.index, expected.columns].to_numpy(), expected.to_numpy())


def test_summary_export_matches_the_index(sweep):
    binary, directory = sweep
    table = export(binary, directory, "--summary")
    assert table["month"].isna().all()
    index = datasets.read_index(directory).set_index("run_id")
    wide = table.pivot(index="run_id", columns="outcome", values="value")
    for name in ("transfers_licence", "revenue", "policy_spending"):
        np.testing.assert_array_equal(wide[name].to_numpy(), index.loc[wide.index, f"summary.{name}"].to_numpy())


def test_open_runs_of_a_sweep_carries_run_ids_and_design_coordinates(sweep):
    _, directory = sweep
    runs = datasets.open_runs(directory, ["transfers_licence"])
    design = datasets.read_design(directory)
    assert runs.attrs["design_keys"] == [KEY]
    assert runs.sizes["run"] == 4
    for i in range(4):
        run = runs.isel(run=i)
        assert run[KEY].item() == design.loc[run["sweep_point"].item(), KEY]
        assert len(run["run_id"].item()) == 16
    # Factor 0.5 and 2 of the base scenario's value, as the sweep file asked.
    assert design[KEY].iloc[1] == pytest.approx(4 * design[KEY].iloc[0])
