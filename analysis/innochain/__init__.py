"""Analysis of innochain run files (HDF5, layout version 1; see docs/output.md and docs/analysis.md).

Import with the repository root on ``sys.path`` (e.g. ``PYTHONPATH=<repo>``)::

    from analysis.innochain import open_run, summary, series_frame, scenario_text

or with ``analysis/`` on it (``PYTHONPATH=analysis``: ``import innochain``). Modules:
``reader`` (one run file), ``datasets`` (many runs, pairing, comparison), ``sensitivity``
(Morris, Sobol), ``plots`` (figures) and ``report`` (``python3 -m innochain.report``).
"""

from .reader import (
    FORMAT,
    SUPPORTED_VERSIONS,
    IncompleteRunError,
    IncompleteRunWarning,
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
    "open_run",
    "scenario_text",
    "series_frame",
    "summary",
]
