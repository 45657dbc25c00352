"""Turn an innochain run file into xarray / pandas objects.

The file layout (version 1) is documented in docs/output.md. In short::

    /                root attributes: provenance (format, format_version, seed, status, ...)
    /scenario        the resolved scenario as YAML text
    /month           int32 [T] dimension scale
    /field, /region  string dimension scales
    /series/NAME     float64 [T], [T, field] or [T, region]; attrs units, long_name, link, accumulation
    /summary/NAME    float64 scalar; attrs units, long_name, reduction

Every function checks that the file is an innochain run file (``format`` attribute) of a supported
layout version, and that the run finished (``status == "complete"``). An unfinished run (a
``.partial`` file, or a run that was interrupted) raises :class:`IncompleteRunError`; pass
``strict=False`` to read it anyway with an :class:`IncompleteRunWarning`.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from typing import Any, Iterator

import h5py
import numpy as np
import pandas as pd
import xarray as xr

FORMAT = "innochain-run"
SUPPORTED_VERSIONS = (1,)
_SERIES_ATTRS = ("units", "long_name", "link", "accumulation")
_SUMMARY_ATTRS = ("units", "long_name", "reduction")


class IncompleteRunError(ValueError):
    """The run file's ``status`` attribute is not ``"complete"``."""


class IncompleteRunWarning(UserWarning):
    """Reading a run file whose ``status`` is not ``"complete"`` (with ``strict=False``)."""


def to_text(value: Any) -> str:
    """A string from whatever h5py returns for a string (str, bytes, numpy scalar/0-d array).

    Public: the other modules (and users reading their own datasets with h5py) share it."""
    if isinstance(value, np.ndarray):
        value = value.item() if value.shape == () else value.tolist()
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).decode("utf-8")
    return str(value)


def to_python(value: Any) -> Any:
    """An HDF5 attribute value as a plain Python object (str, int, float or list)."""
    if isinstance(value, (bytes, np.bytes_, str)):
        return to_text(value)
    if isinstance(value, np.ndarray):
        if value.shape == ():
            return to_python(value.item())
        if value.dtype.kind in "OSU":
            return [to_text(v) for v in value.tolist()]
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _strings(dataset: h5py.Dataset) -> list[str]:
    return [to_text(v) for v in dataset[()].tolist()]


def _attrs(obj: h5py.HLObject, names: tuple[str, ...] | None = None) -> dict[str, Any]:
    keys = names if names is not None else tuple(obj.attrs.keys())
    return {k: to_python(obj.attrs[k]) for k in keys if k in obj.attrs}


@contextlib.contextmanager
def checked_file(path: str | os.PathLike, strict: bool = True) -> Iterator[h5py.File]:
    """Opens PATH read-only as an :class:`h5py.File` (a context manager) after checking that it is
    an innochain run file of a supported layout version that finished (``status == "complete"``;
    with ``strict=False`` an unfinished run gives an :class:`IncompleteRunWarning` instead of
    :class:`IncompleteRunError`). Raises ValueError for anything else."""
    path = os.fspath(path)
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise ValueError(f"{path}: not a readable HDF5 file ({e})") from e
    with f:
        fmt = to_text(f.attrs["format"]) if "format" in f.attrs else None
        if fmt != FORMAT:
            raise ValueError(
                f"{path}: not an innochain run file (root attribute 'format' is {fmt!r}, "
                f"expected {FORMAT!r})"
            )
        version = to_python(f.attrs.get("format_version"))
        if version not in SUPPORTED_VERSIONS:
            raise ValueError(
                f"{path}: unsupported run-file layout version {version!r} "
                f"(this reader supports {SUPPORTED_VERSIONS})"
            )
        status = to_text(f.attrs["status"]) if "status" in f.attrs else None
        if status != "complete":
            done = to_python(f.attrs.get("months_completed"))
            msg = (
                f"{path}: run is not complete (status={status!r}, months_completed={done!r}); "
                "the simulation was interrupted or is still running"
            )
            if strict:
                raise IncompleteRunError(msg + "; pass strict=False to read it anyway")
            warnings.warn(msg, IncompleteRunWarning, stacklevel=4)
        yield f


def _series_dims(ds: h5py.Dataset) -> tuple[str, ...]:
    """Dimension names of a series, from its attached dimension scales."""
    dims = []
    for axis, dim in enumerate(ds.dims):
        dims.append(dim[0].name.rsplit("/", 1)[-1] if len(dim) else f"dim_{axis}")
    return tuple(dims)


def open_run(path: str | os.PathLike, strict: bool = True) -> xr.Dataset:
    """Reads every /series of a run file into an :class:`xarray.Dataset`.

    Variables have dims ``("month",)``, ``("month", "field")``, ``("month", "region")`` or
    ``("month", "policy")`` and attrs
    ``units``, ``long_name``, ``link`` and ``accumulation`` (``"flow"``, ``"stock"`` or ``"mean"``); the
    coordinates are ``month`` (0-based ints), ``field``, ``region`` and ``policy`` (names). The dataset's attrs
    are the file's root (provenance) attributes. Data are loaded into memory.

    Raises ValueError if PATH is not an innochain run file, IncompleteRunError (a ValueError) if
    the run did not finish, unless ``strict=False`` (then an IncompleteRunWarning is issued).
    """
    with checked_file(path, strict) as f:
        coords = {
            "month": ("month", f["month"][()].astype(np.int32), _attrs(f["month"], ("units", "long_name"))),
            "field": ("field", np.array(_strings(f["field"]), dtype=object)),
            "region": ("region", np.array(_strings(f["region"]), dtype=object)),
        }
        if "policy" in f:  # policy instances (absent in files written before policies existed)
            coords["policy"] = ("policy", np.array(_strings(f["policy"]), dtype=object))
        variables = {}
        for name, ds in f["series"].items():
            variables[name] = xr.Variable(_series_dims(ds), ds[()], attrs=_attrs(ds, _SERIES_ATTRS))
        return xr.Dataset(variables, coords=coords, attrs=_attrs(f))


def summary(path: str | os.PathLike, strict: bool = True) -> pd.Series:
    """The /summary scalars as a :class:`pandas.Series` indexed by metric name (file order).

    ``result.attrs`` holds per-name dicts ``units``, ``long_name`` and ``reduction``. Flows are run
    totals summed over fields/regions (units without "/month"); stocks are the final month's sum.
    """
    with checked_file(path, strict) as f:
        if "summary" not in f:
            raise ValueError(f"{os.fspath(path)}: no /summary group (the run did not finish)")
        group = f["summary"]
        names = list(group.keys())
        result = pd.Series([float(group[n][()]) for n in names], index=pd.Index(names, name="name"),
                           name="value", dtype="float64")
        for key in _SUMMARY_ATTRS:
            result.attrs[key] = {n: to_python(group[n].attrs.get(key, "")) for n in names}
        return result


def series_frame(path: str | os.PathLike, name: str, strict: bool = True) -> pd.DataFrame:
    """One series as a :class:`pandas.DataFrame`: index ``month``, one column per field or region.

    A series without a second dimension gives a single column named NAME. ``result.attrs`` holds
    the series' ``units``, ``long_name``, ``link`` and ``accumulation``.
    """
    with checked_file(path, strict) as f:
        group = f["series"]
        if name not in group:
            raise KeyError(f"no series {name!r}; available: {', '.join(group.keys())}")
        ds = group[name]
        data = ds[()]
        month = pd.Index(f["month"][()].astype(np.int64), name="month")
        dims = _series_dims(ds)
        if len(dims) == 1:
            frame = pd.DataFrame({name: data}, index=month)
        else:
            labels = _strings(f[dims[1]]) if dims[1] in f else list(range(data.shape[1]))
            frame = pd.DataFrame(data, index=month, columns=pd.Index(labels, name=dims[1]))
        frame.attrs.update(_attrs(ds, _SERIES_ATTRS))
        return frame


def scenario_text(path: str | os.PathLike, strict: bool = True) -> str:
    """The resolved scenario (after extends and --set) stored in /scenario, as YAML text."""
    with checked_file(path, strict) as f:
        return to_text(f["scenario"][()])
