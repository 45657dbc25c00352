"""The calibrated baseline stays calibrated: replications of scenarios/guangdong_small.yaml (the
province at 1/100, counts mapped back by dividing by world.scale) hit every calibrated target of
analysis/validation/targets.py within its tolerance widened for the small scale
(targets.scaled_tolerance). A few seconds on 2 cores; the full check at full scale is the
validation battery (bash scripts/validate.sh, docs/validation.md).

    INNOCHAIN_BIN=build/innochain PYTHONPATH=. /usr/bin/python3 -m pytest -q analysis/tests/test_guangdong_small.py
"""

from __future__ import annotations

import math
import os
import pathlib
import sys

import numpy as np
import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from analysis.validation.runner import run_replications  # noqa: E402
from analysis.validation.targets import TARGETS, scaled_tolerance  # noqa: E402

REPLICATIONS = 6
MONTHS = 84  # the measurement window ends at month 72; seeds are followed for 36 months


@pytest.fixture(scope="module")
def moments(tmp_path_factory):
    binary = os.environ.get("INNOCHAIN_BIN")
    if not binary:
        pytest.skip("INNOCHAIN_BIN not set")
    scenarios = pathlib.Path(os.environ.get("INNOCHAIN_SCENARIOS", REPO / "scenarios"))
    out = tmp_path_factory.mktemp("small")
    return run_replications(binary, str(scenarios / "guangdong_small.yaml"), range(REPLICATIONS), (),
                            jobs=2, out_dir=str(out), months=MONTHS)


@pytest.mark.parametrize("target", [t for t in TARGETS if t.calibrated], ids=lambda t: t.moment)
def test_calibrated_target_within_scaled_tolerance(moments, target):
    scale = moments[0]["scale"]
    assert scale == pytest.approx(0.01)
    values = [m[target.moment] for m in moments if math.isfinite(m[target.moment])]
    assert len(values) >= REPLICATIONS - 1
    lo, hi = scaled_tolerance(target, scale)
    mean = float(np.mean(values))
    assert lo <= mean <= hi, f"{target.moment}: mean {mean:.4g} outside [{lo:.4g}, {hi:.4g}] (target {target.value:.4g})"


def test_small_variant_is_the_baseline_at_one_hundredth(moments):
    # Province-equivalent enterprise count starts at the baseline's 80 000.
    assert 60000 < moments[0]["high_tech_enterprises"] < 100000
