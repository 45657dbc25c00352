"""Paired comparisons (analysis/innochain/datasets.py) and the report command.

Synthetic run files (a minimal layout written with h5py) test the statistics against a known
effect and the refusals of mismatched datasets; real small runs made by the built binary
(INNOCHAIN_BIN) check that Python and ``innochain compare`` agree and that a report is written.
"""

from __future__ import annotations

import io
import os
import pathlib
import subprocess

import h5py
import numpy as np
import pandas as pd
import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]

from innochain import datasets, paired
from innochain.reader import IncompleteRunError
from innochain.report import build_report

EFFECT = 3.0


def write_run(path: pathlib.Path, replication: int, values: dict[str, float], *, seed: int = 11,
              months: int = 120, scale: float = 0.01, status: str = "complete", point: int | None = None) -> None:
    """A minimal run file: the root attributes, /scenario and /summary that comparisons read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "innochain-run"
        f.attrs["format_version"] = np.int64(1)
        f.attrs["status"] = status
        f.attrs["seed"] = np.uint64(seed)
        f.attrs["replication"] = np.uint32(replication)
        f.attrs["months_completed"] = np.int64(months)
        f.attrs["scenario_name"] = "synthetic"
        if point is not None:
            f.attrs["sweep_point"] = np.int64(point)
        f["scenario"] = f"name: synthetic\nworld:\n  scale: {scale}\n"
        g = f.create_group("summary")
        for name, v in values.items():
            g[name] = np.float64(v)
            g[name].attrs["units"] = "units"


def synthetic_pair(tmp_path: pathlib.Path, n: int = 30, seed: int = 1):
    """Baseline k = world noise (sd 50, shared); policy k = the same + EFFECT + own noise (sd 1)."""
    rng = np.random.default_rng(seed)
    for k in range(n):
        world = rng.normal(100.0, 50.0)
        extra = EFFECT + rng.normal(0.0, 1.0)
        write_run(tmp_path / "base" / f"r{k}.h5", k, {"transfers_licence": world, "transfers_spinoff": 2.0,
                                                      "policy_spending": 0.0})
        write_run(tmp_path / "policy" / "runs" / f"{k:016x}.h5", k,
                  {"transfers_licence": world + extra, "transfers_spinoff": 2.0, "policy_spending": 6.0e6})
    return tmp_path / "base", tmp_path / "policy"


def test_known_effect_is_covered_by_the_interval(tmp_path):
    base, policy = synthetic_pair(tmp_path)
    table = datasets.compare(base, policy, ["transfers_licence", "transfers", "policy_spending"])
    row = table.set_index("metric").loc["transfers_licence"]
    assert row["pairs"] == 30
    assert row["ci_low"] <= EFFECT <= row["ci_high"]
    # Pairing removes the shared world noise (sd 50): the interval is about 2 x 2.05 x 1 / sqrt(30) wide.
    assert row["ci_high"] - row["ci_low"] < 1.2
    # Cost per additional transfer = extra spending / extra transfers.
    assert row["cost_per_additional_unit"] == pytest.approx(6.0e6 / row["mean_difference"])
    derived = table.set_index("metric").loc["transfers"]
    assert derived["baseline_mean"] == pytest.approx(row["baseline_mean"] + 2.0)
    assert np.isnan(table.set_index("metric").loc["policy_spending", "cost_per_additional_unit"])


def test_interval_coverage_is_95_percent():
    rng = np.random.default_rng(7)
    covered = 0
    trials = 2000
    for _ in range(trials):
        world = rng.normal(100.0, 50.0, size=20)
        e = paired.paired_effect(world, world + EFFECT + rng.normal(0.0, 2.0, size=20))
        covered += e["ci_low"] <= EFFECT <= e["ci_high"]
    assert 0.93 < covered / trials < 0.97


def test_paired_effect_by_hand_and_single_pair():
    e = paired.paired_effect([1, 2, 3, 4], [2, 4, 5, 7])
    half = 3.1824463053 * np.sqrt(2 / 3) / 2
    assert e["mean_difference"] == pytest.approx(2.0)
    assert (e["ci_low"], e["ci_high"]) == pytest.approx((2 - half, 2 + half))
    assert e["relative_change"] == pytest.approx(0.8)
    one = paired.paired_effect([5.0], [8.0])
    assert one["mean_difference"] == 3.0 and np.isnan(one["ci_low"])


def test_mismatches_are_refused(tmp_path):
    base, policy = synthetic_pair(tmp_path, n=4)
    (policy / "runs" / f"{2:016x}.h5").unlink()
    with pytest.raises(datasets.MismatchError, match=r"replications \[2\] are in the baseline"):
        datasets.compare(base, policy)
    write_run(policy / "runs" / "late.h5", 2, {"transfers_licence": 1.0, "transfers_spinoff": 0.0}, months=60)
    with pytest.raises(datasets.MismatchError, match="different horizons"):
        datasets.compare(base, policy)
    write_run(policy / "runs" / "late.h5", 2, {"transfers_licence": 1.0, "transfers_spinoff": 0.0}, seed=99)
    with pytest.raises(datasets.MismatchError, match="not common random numbers"):
        datasets.compare(base, policy)
    write_run(policy / "runs" / "late.h5", 2, {"transfers_licence": 1.0, "transfers_spinoff": 0.0}, scale=1.0)
    with pytest.raises(datasets.MismatchError, match="world.scale"):
        datasets.compare(base, policy)
    write_run(policy / "runs" / "late.h5", 2, {"transfers_licence": 1.0, "transfers_spinoff": 0.0}, status="partial")
    with pytest.raises(IncompleteRunError, match="late.h5.*not complete"):
        datasets.compare(base, policy)


def test_policy_sweep_points_are_compared_with_one_baseline(tmp_path):
    for k in range(3):
        write_run(tmp_path / "base" / f"r{k}.h5", k, {"products_launched": 10.0 + k})
        for point, effect in ((0, 1.0), (1, 5.0)):
            write_run(tmp_path / "sweep" / "runs" / f"p{point}r{k}.h5", k,
                      {"products_launched": 10.0 + k + effect, "policy_spending": 1e6 * point}, point=point)
    table = datasets.compare(tmp_path / "base", tmp_path / "sweep", ["products_launched"])
    assert table["point"].tolist() == [0, 1]
    assert table["mean_difference"].tolist() == pytest.approx([1.0, 5.0])
    assert np.isnan(table["cost_per_additional_unit"].iloc[0])  # point 0 spends nothing
    assert table["cost_per_additional_unit"].iloc[1] == pytest.approx(2.0e5)


# --- real runs through the binary ------------------------------------------------------------------

MONTHS = 24
REPS = 3


@pytest.fixture(scope="module")
def real_runs(tmp_path_factory):
    binary = os.environ.get("INNOCHAIN_BIN")
    if not binary:
        pytest.skip("INNOCHAIN_BIN is not set (path to the innochain binary)")
    scenarios = pathlib.Path(os.environ.get("INNOCHAIN_SCENARIOS", REPO / "scenarios"))
    root = tmp_path_factory.mktemp("compare")
    for k in range(REPS):
        for side, scenario, extra in (("base", scenarios / "guangdong_small.yaml", []),
                                      ("policy", scenarios / "policies" / "compute_voucher.yaml",
                                       ["--set", "world.scale=0.01"])):
            out = root / side / "runs" / f"r{k}.h5"
            out.parent.mkdir(parents=True, exist_ok=True)
            proc = subprocess.run([binary, "run", str(scenario), "--quiet", "--months", str(MONTHS),
                                   "--replication", str(k), "-o", str(out), *extra],
                                  capture_output=True, text=True, timeout=600)
            assert proc.returncode == 0, proc.stderr
    return binary, root / "base", root / "policy"


def test_python_and_innochain_compare_agree(real_runs):
    binary, base, policy = real_runs
    metrics = ["compute_spending", "transfers", "startups", "products_launched", "policy_spending"]
    args = [binary, "compare", str(base), str(policy), "--format", "csv"]
    for m in metrics:
        args += ["--metric", m]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    cpp = pd.read_csv(io.StringIO(proc.stdout), keep_default_na=False, na_values=[""]).set_index("metric")
    py = datasets.compare(base, policy, metrics).set_index("metric")
    assert list(cpp.index) == metrics
    assert_same_table(cpp, py)
    # The vouchers pay: policy spending is positive and lands in the compute bills.
    assert py.loc["policy_spending", "mean_difference"] > 0


def test_default_outcomes_are_the_same_in_python_and_innochain(real_runs):
    """Without --metric both compare the same default outcomes (metrics.DEFAULT_METRICS and
    default_compare_metrics() in sim/compare/outcomes.cpp), derived ones included, with the same
    values: the two lists cannot drift apart unnoticed."""
    binary, base, policy = real_runs
    proc = subprocess.run([binary, "compare", str(base), str(policy), "--format", "csv"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    cpp = pd.read_csv(io.StringIO(proc.stdout), keep_default_na=False, na_values=[""]).set_index("metric")
    py = datasets.compare(base, policy).set_index("metric")
    assert list(cpp.index) == list(datasets.DEFAULT_METRICS)
    assert_same_table(cpp, py)


def assert_same_table(cpp: pd.DataFrame, py: pd.DataFrame) -> None:
    """The two tables have the same columns (one naming) and the same values to 1e-9 relative. The
    paired interval's bounds are mean -/+ t x sd / sqrt(n), and the Student t quantiles of Boost
    (C++) and SciPy differ by up to 1e-9 relative (at 5-6 degrees of freedom), so those bounds are
    compared to 1e-9 of the interval's scale (|mean| + its width), not of the bound itself, which
    can be a small difference of the two."""
    assert ["metric", *cpp.columns] == list(datasets.COMPARISON_COLUMNS)
    assert list(cpp.index) == list(py.index)
    for m in cpp.index:
        for col in cpp.columns:
            c, p = cpp.loc[m, col], py.loc[m, col]
            if col in ("units", "cost_mark"):
                assert (c if isinstance(c, str) else "") == p, (m, col, c, p)
            elif pd.isna(p):
                assert pd.isna(c), (m, col, c, p)
            elif col in ("ci_low", "ci_high"):
                scale = abs(float(py.loc[m, "mean_difference"])) + abs(float(py.loc[m, "ci_high"]) -
                                                                        float(py.loc[m, "ci_low"]))
                assert abs(float(c) - float(p)) <= 1e-9 * scale + 1e-9, (m, col, c, p)
            else:
                assert float(c) == pytest.approx(float(p), rel=1e-9, abs=1e-9), (m, col, c, p)


@pytest.mark.parametrize("options", [["--province"], ["--per-year"], ["--discount", "0.05"],
                                     ["--province", "--per-year", "--discount", "0.03", "--metric", "all"]],
                         ids=["province", "per-year", "discount", "all-options"])
def test_python_and_innochain_compare_agree_with_options(real_runs, options):
    binary, base, policy = real_runs
    proc = subprocess.run([binary, "compare", str(base), str(policy), "--format", "csv", *options],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    cpp = pd.read_csv(io.StringIO(proc.stdout), keep_default_na=False, na_values=[""]).set_index("metric")
    rate = float(options[options.index("--discount") + 1]) if "--discount" in options else None
    py = datasets.compare(base, policy, ["all"] if "all" in options else None, province="--province" in options,
                          per_year="--per-year" in options, discount=rate).set_index("metric")
    assert_same_table(cpp, py)
    if rate is not None:
        # The costs use the present value of spending, which is below the undiscounted total.
        assert py.loc["policy_spending_pv", "policy_mean"] < py.loc["policy_spending", "policy_mean"]


def test_report_is_written_with_its_figures(real_runs, tmp_path):
    _, base, policy = real_runs
    md = build_report(str(base), str(policy), tmp_path / "md", series=["compute_spending", "products_launched"])
    text = md.read_text()
    assert "| compute_spending |" in text
    for stem in ("effects", "series_compute_spending", "series_products_launched"):
        assert f"]({stem}.svg)" in text and f"({stem}.png)" in text and f"({stem}.pdf)" in text
        for ext in ("svg", "png", "pdf"):
            assert (tmp_path / "md" / f"{stem}.{ext}").stat().st_size > 2000
    page = build_report(str(base), str(policy), tmp_path / "html", fmt="html", series=["compute_spending"])
    html_text = page.read_text()
    assert html_text.count("data:image/png;base64,") == 2 and "<table>" in html_text
    assert not any(p.suffix == ".png" for p in (tmp_path / "html").iterdir())  # self-contained


def test_report_on_a_multi_point_sweep_has_a_table_per_point(tmp_path):
    for k in range(3):
        write_run(tmp_path / "base" / f"r{k}.h5", k, {"products_launched": 10.0 + k})
        for point, effect in ((0, 1.0), (1, 5.0)):
            write_run(tmp_path / "sweep" / "runs" / f"p{point}r{k}.h5", k,
                      {"products_launched": 10.0 + k + effect + 0.1 * k, "policy_spending": 1e6}, point=point)
    path = build_report(str(tmp_path / "base"), str(tmp_path / "sweep"), tmp_path / "out",
                        metrics=["products_launched"])
    text = path.read_text()
    assert "### Design point 0" in text and "### Design point 1" in text
    assert "](effects_point0.svg)" in text and "](effects_point1.svg)" in text
    assert "--point P" in text


def test_fieller_interval_by_hand_and_the_ns_mark(tmp_path):
    # A constant numerator: Fieller's set is the numerator over the ends of the t interval.
    half = 3.1824463053 * np.sqrt(2 / 3) / 2
    low, high = paired.fieller_interval([6, 6, 6, 6], [1, 2, 2, 3])
    assert (low, high) == pytest.approx((6 / (2 + half), 6 / (2 - half)))
    assert paired.fieller_interval([6, 6, 6, 6], [-1, 1, -0.5, 0.7]) is None  # the denominator covers 0
    assert paired.fieller_interval([1.0], [2.0]) is None
    # Through compare: significant extra units give a bounded interval; noise gives n.s.
    base, policy = synthetic_pair(tmp_path)
    table = datasets.compare(base, policy, ["transfers_licence", "transfers_spinoff"]).set_index("metric")
    licence = table.loc["transfers_licence"]
    assert licence["cost_mark"] == "" and licence["cost_ci_low"] < licence["cost_per_additional_unit"] < \
        licence["cost_ci_high"]
    assert np.isnan(table.loc["transfers_spinoff", "cost_per_additional_unit"])  # no extra spin-offs: no cost


def test_province_and_per_year_scale_flows_but_not_costs(tmp_path):
    base, policy = synthetic_pair(tmp_path, n=5)
    plain = datasets.compare(base, policy, ["transfers_licence"]).iloc[0]
    scaled = datasets.compare(base, policy, ["transfers_licence"], province=True, per_year=True).iloc[0]
    # world.scale 0.01 and 120 months: x 100 / 10 years.
    assert scaled["mean_difference"] == pytest.approx(plain["mean_difference"] * 10)
    assert scaled["units"] == "units/year"
    assert scaled["cost_per_additional_unit"] == pytest.approx(plain["cost_per_additional_unit"])
