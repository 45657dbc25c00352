"""Analysis of innochain run files (HDF5, layout version 1; see docs/output.md and docs/analysis.md).

One import root, ``innochain``: install the package (``pip install --no-build-isolation ./analysis``,
docs/analysis.md) or put ``analysis/`` on the path (``PYTHONPATH=analysis``)::

    from innochain import open_run, summary, series_frame, scenario_text

Modules: ``reader`` (one run file), ``metrics`` (the outcome registry: derived outcomes, units,
long names, flows and stocks), ``datasets`` (many runs, pairing, comparison, sweeps), ``stats``
(paired effects and Fieller intervals), ``sensitivity`` (local, Morris, Sobol), ``plots``
(figures), ``report`` (``python3 -m innochain.report``); the subpackage ``validation`` holds the
calibration and validation battery (``python3 -m innochain.validation.battery``).
"""

from .reader import (
    FORMAT,
    SUPPORTED_VERSIONS,
    IncompleteRunError,
    IncompleteRunWarning,
    checked_file,
    open_run,
    scenario_text,
    series_frame,
    summary,
)

__all__ = [
    "FORMAT",
    "SUPPORTED_VERSIONS",
    "IncompleteRunError",
    "IncompleteRunWarning",
    "checked_file",
    "open_run",
    "scenario_text",
    "series_frame",
    "summary",
]
