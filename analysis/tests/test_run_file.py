"""Tests of the HDF5 run file (docs/output.md) and of the analysis reader.

Run from the repository root with Debian's interpreter:

    INNOCHAIN_BIN=build/innochain /usr/bin/python3 -m pytest -q analysis/tests

INNOCHAIN_BIN is the innochain binary (the tests are skipped without it); INNOCHAIN_SCENARIOS
defaults to <repo>/scenarios.
"""

from __future__ import annotations

import hashlib
import os
import pathlib
import shutil
import subprocess

import h5py
import numpy as np
import pytest
import xarray as xr
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]

from innochain import (
    IncompleteRunError,
    IncompleteRunWarning,
    open_run,
    scenario_text,
    series_frame,
    summary,
)

MONTHS = 36
SCENARIO = "guangdong_small.yaml"


def _decode(x):
    return x.decode("utf-8") if isinstance(x, bytes) else str(x)


@pytest.fixture(scope="session")
def binary() -> str:
    path = os.environ.get("INNOCHAIN_BIN")
    if not path:
        pytest.skip("INNOCHAIN_BIN is not set (path to the innochain binary); run through ctest or set it")
    if not os.access(path, os.X_OK):
        pytest.fail(f"INNOCHAIN_BIN={path!r} is not an executable file")
    return path


@pytest.fixture(scope="session")
def scenario_file() -> pathlib.Path:
    directory = pathlib.Path(os.environ.get("INNOCHAIN_SCENARIOS", REPO / "scenarios"))
    path = directory / SCENARIO
    if not path.is_file():
        pytest.fail(f"scenario {path} not found (INNOCHAIN_SCENARIOS)")
    return path


def _run(binary, scenario, out, *extra):
    cmd = [binary, "run", str(scenario), "-o", str(out), "--quiet", "--months", str(MONTHS), *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="session")
def run_file(binary, scenario_file, tmp_path_factory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("innochain") / "run.h5"
    proc = _run(binary, scenario_file, out)
    assert proc.returncode == 0, f"innochain run failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    assert out.is_file()
    return out


@pytest.fixture(scope="session")
def h5(run_file):
    with h5py.File(run_file, "r") as f:
        yield f


@pytest.fixture(scope="session")
def scenario_fields(h5) -> list[str]:
    resolved = yaml.safe_load(_decode(h5["scenario"][()]))
    return [f["name"] for f in resolved["world"]["fields"]]


# --- (a) the raw layout, through h5py ------------------------------------------------------------


def test_root_attributes(h5):
    a = h5.attrs
    assert _decode(a["format"]) == "innochain-run"
    assert int(a["format_version"]) == 1
    assert _decode(a["status"]) == "complete"
    assert int(a["months_completed"]) == MONTHS
    for name in ("seed", "replication", "scenario_sha256", "scenario_name", "innochain_version", "git_sha",
                 "threads", "created_utc", "host", "wall_seconds"):
        assert name in a, f"root attribute {name!r} missing"
    assert int(a["replication"]) == 0
    assert int(a["seed"]) >= 0


def test_scenario_hash(h5):
    text = _decode(h5["scenario"][()])
    assert text.strip(), "/scenario is empty"
    assert _decode(h5.attrs["scenario_sha256"]) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert yaml.safe_load(text)["name"] == _decode(h5.attrs["scenario_name"])


def test_month_scale(h5):
    month = h5["month"][()]
    assert month.dtype == np.int32
    np.testing.assert_array_equal(month, np.arange(MONTHS))
    assert _decode(h5["month"].attrs["CLASS"]) == "DIMENSION_SCALE"


def test_series_attributes_and_shape(h5):
    series = h5["series"]
    assert len(series) > 0
    for name, ds in series.items():
        for attr in ("units", "long_name", "link", "accumulation"):
            assert attr in ds.attrs, f"/series/{name} lacks attribute {attr!r}"
        assert _decode(ds.attrs["units"]) and _decode(ds.attrs["long_name"])
        assert _decode(ds.attrs["accumulation"]) in ("flow", "stock", "mean")
        assert ds.dtype == np.float64
        assert ds.ndim in (1, 2) and ds.shape[0] == MONTHS, f"/series/{name} has shape {ds.shape}"
        if ds.ndim == 2:
            scale = ds.dims[1][0].name
            assert scale in ("/field", "/region", "/policy")
            assert ds.shape[1] == h5[scale].shape[0]


def test_summary_present(h5):
    assert set(h5["summary"]) == set(h5["series"])
    for name, ds in h5["summary"].items():
        assert ds.shape == ()
        for attr in ("units", "long_name", "reduction"):
            assert attr in ds.attrs, f"/summary/{name} lacks attribute {attr!r}"


def test_no_partial_left_and_existing_file_refused(binary, scenario_file, run_file):
    assert not pathlib.Path(str(run_file) + ".partial").exists()
    before = run_file.stat().st_mtime_ns
    proc = _run(binary, scenario_file, run_file)
    assert proc.returncode != 0, "an existing output file must be refused without --force"
    assert "--force" in proc.stderr
    assert run_file.stat().st_mtime_ns == before


# --- (b) xarray through h5netcdf -----------------------------------------------------------------


def test_xarray_series_group(run_file, h5, scenario_fields):
    with xr.open_dataset(run_file, engine="h5netcdf", group="series") as ds:
        assert set(ds.data_vars) == set(h5["series"])
        for name, var in ds.data_vars.items():
            assert var.dims[0] == "month", f"{name}: dims {var.dims}"
            assert var.sizes["month"] == MONTHS
            assert var.attrs["units"] == _decode(h5["series"][name].attrs["units"])
        field_vars = [n for n, v in ds.data_vars.items() if "field" in v.dims]
        assert "discoveries" in field_vars
        assert ds.sizes["field"] == len(scenario_fields) == 5


def test_xarray_root_coordinates(run_file, scenario_fields):
    # The dimension scales live in the root group: that is where xarray finds their values.
    with xr.open_dataset(run_file, engine="h5netcdf") as root:
        assert list(root["field"].values) == scenario_fields
        np.testing.assert_array_equal(root["month"].values, np.arange(MONTHS))
        assert root.attrs["format"] == "innochain-run"


# --- (c) the reader agrees with h5py -------------------------------------------------------------


def test_open_run_matches_h5py(run_file, h5, scenario_fields):
    ds = open_run(run_file)
    assert set(ds.data_vars) == set(h5["series"])
    assert list(ds["field"].values) == scenario_fields
    assert list(ds["region"].values) == [_decode(x) for x in h5["region"][()]]
    np.testing.assert_array_equal(ds["month"].values, np.arange(MONTHS))
    for name, raw in h5["series"].items():
        var = ds[name]
        np.testing.assert_array_equal(var.values, raw[()])
        assert var.dims[0] == "month"
        if raw.ndim == 2:
            assert var.dims[1] == raw.dims[1][0].name.lstrip("/")
        for attr in ("units", "long_name", "link", "accumulation"):
            assert var.attrs[attr] == _decode(raw.attrs[attr])
    assert ds.attrs["status"] == "complete"
    assert ds.attrs["scenario_sha256"] == _decode(h5.attrs["scenario_sha256"])
    assert ds.attrs["months_completed"] == MONTHS


def test_summary_matches_h5py(run_file, h5):
    s = summary(run_file)
    assert list(s.index) == list(h5["summary"])
    for name in s.index:
        assert s[name] == h5["summary"][name][()]
        assert s.attrs["units"][name] == _decode(h5["summary"][name].attrs["units"])


def test_series_frame_matches_h5py(run_file, h5, scenario_fields):
    df = series_frame(run_file, "discoveries")
    assert list(df.columns) == scenario_fields
    assert list(df.index) == list(range(MONTHS)) and df.index.name == "month"
    np.testing.assert_array_equal(df.to_numpy(), h5["series/discoveries"][()])
    assert df.attrs["units"] == "projects/month"
    regional = series_frame(run_file, "researchers")
    assert list(regional.columns) == [_decode(x) for x in h5["region"][()]]
    scalar = series_frame(run_file, "funding_coverage")
    np.testing.assert_array_equal(scalar["funding_coverage"].to_numpy(), h5["series/funding_coverage"][()])
    with pytest.raises(KeyError):
        series_frame(run_file, "no_such_series")


def test_scenario_text(run_file, h5):
    assert scenario_text(run_file) == _decode(h5["scenario"][()])


# --- (d) the series carry a real simulation ------------------------------------------------------


@pytest.mark.parametrize("name", ["discoveries", "breakthroughs", "enterprise_projects_started", "products_launched"])
def test_flows_positive(h5, name):
    assert h5["series"][name][()].sum() > 0, f"no {name} in {MONTHS} months"


def test_stocks_non_negative(h5):
    assert _decode(h5["series/projects_basic"].attrs["accumulation"]) == "stock"
    for name, ds in h5["series"].items():
        values = ds[()]
        assert np.all(np.isfinite(values)), f"{name} has non-finite values"
        if _decode(ds.attrs["accumulation"]) == "stock":
            assert values.min() >= 0, f"stock {name} goes negative"


def test_summary_reduction(h5):
    for name, ds in h5["series"].items():
        values = ds[()]
        accumulation = _decode(ds.attrs["accumulation"])
        flow = accumulation == "flow"
        per_month = values.reshape(values.shape[0], -1).sum(axis=1)
        expected = {"flow": per_month.sum(), "stock": per_month[-1], "mean": per_month.mean()}[accumulation]
        got = h5["summary"][name][()]
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-9), name
        units = _decode(ds.attrs["units"])
        want_units = units.removesuffix("/month") if flow else units
        assert _decode(h5["summary"][name].attrs["units"]) == want_units


# --- (e) the reader refuses foreign and unfinished files -----------------------------------------


def test_reader_refuses_foreign_hdf5(tmp_path):
    foreign = tmp_path / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f["data"] = np.arange(3.0)
        f.attrs["status"] = "complete"
    with pytest.raises(ValueError, match="not an innochain run file"):
        open_run(foreign)
    with h5py.File(foreign, "a") as f:
        f.attrs["format"] = "something-else"
    for reader in (open_run, summary, scenario_text):
        with pytest.raises(ValueError, match="innochain-run"):
            reader(foreign)
    not_hdf5 = tmp_path / "text.h5"
    not_hdf5.write_text("hello")
    with pytest.raises(ValueError):
        open_run(not_hdf5)


def test_reader_refuses_newer_layout(run_file, tmp_path):
    newer = tmp_path / "v2.h5"
    shutil.copy(run_file, newer)
    with h5py.File(newer, "a") as f:
        f.attrs["format_version"] = np.int64(2)
    with pytest.raises(ValueError, match="version"):
        open_run(newer)


def test_reader_flags_partial_status(run_file, tmp_path):
    partial = tmp_path / "partial.h5"
    shutil.copy(run_file, partial)
    with h5py.File(partial, "a") as f:
        f.attrs["status"] = "partial"
    with pytest.raises(IncompleteRunError, match="partial"):
        open_run(partial)
    with pytest.raises(ValueError):  # IncompleteRunError is a ValueError
        summary(partial)
    with pytest.warns(IncompleteRunWarning, match="partial"):
        ds = open_run(partial, strict=False)
    assert ds.attrs["status"] == "partial"
    assert ds.sizes["month"] == MONTHS


# --- docs/output.md carries the binary's metrics table -------------------------------------------


def test_docs_series_table_is_current(binary):
    doc = (REPO / "docs" / "output.md").read_text(encoding="utf-8")
    assert "\n## Series\n" in doc
    begin, end = "<!-- generated: innochain docs metrics -->\n", "<!-- end generated -->"
    assert begin in doc and end in doc, "docs/output.md lacks the generated-block markers"
    block = doc.split(begin, 1)[1].split(end, 1)[0]
    proc = subprocess.run([binary, "docs", "metrics"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert block.strip() == proc.stdout.strip(), (
        "docs/output.md's series table is stale: replace the generated block with the output of "
        "`innochain docs metrics`"
    )
