"""Readers for innochain run files (HDF5, layout version 1; see docs/output.md).

Import with the repository root on ``sys.path`` (e.g. ``PYTHONPATH=<repo>``)::

    from analysis.innochain import open_run, summary, series_frame, scenario_text
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
