"""The estimators of the validation battery (innochain.validation.distributions) on data whose answer
is known: a hand-worked Kaplan-Meier example, Pareto samples, growth rates with a known
volatility-size slope, and yearly series with a known drift."""

from __future__ import annotations

import numpy as np
import pytest

from innochain.validation.distributions import (binned_volatility, drift, hill, hill_se, kaplan_meier,
                                                kaplan_meier_greenwood, pareto_tail, yearly_hazard)


def test_kaplan_meier_hand_example():
    # Ages 2, 3, 3+, 5, 6+ (+: censored). At risk / failures: age 2: 5/1, age 3: 4/1, age 5: 2/1.
    dur = np.array([2, 3, 3, 5, 6])
    ev = np.array([1, 1, 0, 1, 0])
    km = kaplan_meier_greenwood(dur, ev, 8)
    expect = [1.0, 1.0, 0.8, 0.6, 0.6, 0.3, 0.3]
    assert km["S"][:7] == pytest.approx(expect)
    assert np.all(np.isnan(km["S"][7:]))  # nobody at risk at age 7
    assert list(km["at_risk"][:7]) == [5, 5, 5, 4, 2, 2, 1]
    # Greenwood: Var S(5) = S(5)^2 (1/(5*4) + 1/(4*3) + 1/(2*1)).
    assert km["se"][5] == pytest.approx(0.3 * np.sqrt(1 / 20 + 1 / 12 + 1 / 2))
    assert kaplan_meier(dur, ev, 6) == pytest.approx(expect)


def test_kaplan_meier_censoring_is_not_failure():
    # Acquired (censored) firms leave the risk set without lowering the curve.
    dur = np.array([1, 1, 1, 4, 4])
    ev = np.array([0, 0, 0, 1, 0])
    assert kaplan_meier_greenwood(dur, ev, 4)["S"][4] == pytest.approx(0.5)


def test_yearly_hazard_of_a_constant_monthly_hazard():
    q = 0.01
    S = (1 - q) ** np.arange(121)
    h = yearly_hazard(S, 10)
    assert h == pytest.approx(np.full(10, 1 - (1 - q) ** 12))
    S[60:] = np.nan  # not observed beyond five years
    h = yearly_hazard(S, 10)
    assert np.all(np.isfinite(h[:4])) and np.all(np.isnan(h[5:]))


def pareto(rng, n, alpha, xmin=1.0):
    return xmin * (1.0 - rng.random(n)) ** (-1.0 / alpha)


@pytest.mark.parametrize("alpha", [1.0, 1.5])
def test_hill_on_a_pareto_sample(alpha):
    rng = np.random.default_rng(7)
    x = pareto(rng, 100_000, alpha)
    k = 5_000
    a = hill(x, k)
    assert abs(a - alpha) < 4 * hill_se(alpha, k)


def test_pareto_tail_finds_xmin_and_alpha_above_a_body():
    # A uniform body on [0.1, 1) and a Pareto tail above 1 with alpha 1.5, 50 % of the mass each.
    rng = np.random.default_rng(11)
    x = np.concatenate([rng.uniform(0.1, 1.0, 20_000), pareto(rng, 20_000, 1.5)])
    t = pareto_tail(x, k_share=0.05)
    assert t["xmin"] == pytest.approx(1.0, rel=0.1)
    assert abs(t["alpha_mle"] - 1.5) < 4 * t["mle_se"]
    assert t["n_tail"] == pytest.approx(20_000, rel=0.15)
    assert t["hill_k"] == 2_000 and abs(t["hill"] - 1.5) < 4 * t["hill_se"]


@pytest.mark.parametrize("beta", [0.0, 0.2, 0.5])
def test_volatility_size_slope_recovers_beta(beta):
    rng = np.random.default_rng(3)
    logs = rng.normal(15.0, 2.0, 200_000)
    g = 0.4 * np.exp(-beta * (logs - 15.0)) * rng.laplace(0.0, 1.0, len(logs))
    v = binned_volatility(logs, g, bins=12)
    assert len(v["x"]) == 12 and v["n"].sum() == len(logs)
    assert abs(v["beta"] - beta) < max(4 * v["beta_se"], 0.02)
    assert v["beta_se"] < 0.05


def test_volatility_by_product_lines_with_given_edges():
    # Independent shocks per line: the sd of the firm's growth falls as n^-1/2.
    rng = np.random.default_rng(5)
    lines = rng.integers(1, 30, 100_000)
    g = rng.normal(0.0, 1.0, len(lines)) / np.sqrt(lines)
    edges = np.log(np.array([1, 2, 3, 4, 6, 10, 16, 30]) - 0.5)
    v = binned_volatility(np.log(lines), g, edges=edges)
    assert abs(v["beta"] - 0.5) < max(4 * v["beta_se"], 0.03)


def test_drift_of_known_trends():
    years = np.arange(1, 11)
    rng = np.random.default_rng(2)
    # 3 % of the years 4-10 level per year, plus noise, in 30 replications.
    M = np.array([100.0 * (1 + 0.03 * (years - 7)) + rng.normal(0, 0.5, len(years)) for _ in range(30)])
    d = drift(M, years)
    assert d["drift"] == pytest.approx(0.03, abs=0.002)
    assert d["ci"][0] < 0.03 < d["ci"][1]
    assert d["n"] == 30 and d["level"] == pytest.approx(100.0, rel=0.01)
    # Years 1-3 (burn-in) do not count: a jump there leaves a flat series flat.
    F = np.tile(np.where(years < 4, 10.0, 50.0), (5, 1))
    assert drift(F, years)["drift"] == pytest.approx(0.0, abs=1e-12)
    # One replication: no interval.
    assert np.all(np.isnan(drift(M[:1], years)["ci"]))


def _lines_file(path, owner, field, appeal, status, output, months):
    import h5py

    with h5py.File(path, "w") as f:
        f["scenario"] = "chain:\n  market:\n    quality_share_elasticity: 1.0\n"
        g = f.create_group("snapshots/product_lines")
        g["owner"] = np.array(owner)
        g["field"] = np.array(field, dtype=np.uint16)
        g["appeal"] = np.array(appeal, dtype=float)
        g["status"] = np.array(status, dtype=np.uint8)
        f["snapshots/month"] = np.array(months)
        f["series/output"] = np.array(output, dtype=float)


def test_effective_lines_of_a_hand_example(tmp_path):
    # Field outputs 10 and 30 (month 0). Firm 0: two lines of equal appeal in field 0 (2 effective
    # lines). Firm 1: appeals 9 and 1 in field 1, and a line licensed in from field 0 (appeal 5 of
    # field 0's 15, revenue 10/3): revenues 27, 3 and 10/3. Firm 2: only a displaced line (0); the
    # padding row (owner -1) is ignored.
    import h5py

    from innochain.validation.moments import effective_lines

    path = tmp_path / "lines.h5"
    _lines_file(path, [[0, 0, 1, 1, 1, 2, -1]], [[0, 0, 1, 1, 0, 0, 0]], [[5, 5, 9, 1, 5, 4, 0]],
                [[0, 0, 0, 0, 0, 1, 0]], [[10.0, 30.0]], [0])
    with h5py.File(path, "r") as f:
        eff = effective_lines(f, 3)
    assert eff.shape == (1, 3)
    assert eff[0, 0] == pytest.approx(2.0)
    r = np.array([27.0, 3.0, 10.0 / 3.0])
    assert eff[0, 1] == pytest.approx(r.sum() ** 2 / (r ** 2).sum(), rel=1e-6)
    assert eff[0, 2] == 0.0


def test_line_flows_of_a_hand_example(tmp_path):
    # One field. Snapshot 0 (month 11, output 20): firm 0 holds line 0 (appeal 1), firm 1 line 1
    # (appeal 1) and line 3 (appeal 2); the field's weight is 4. Snapshot 1 (month 23, output 30):
    # line 1 is displaced by line 2, launched by firm 0 (appeal 2); line 0's appeal doubled; line 3
    # was sold to firm 0 (same row, new owner); the weight is 6. Firm 0's line held all year earned
    # 20/4 = 5 and then 30 * 2/6 = 10: growth ln 2; it gained lines (2 and 3). Firm 1 lost both
    # and holds none all year (NaN).
    import h5py

    from innochain.validation.moments import line_flows

    path = tmp_path / "flows.h5"
    output = np.zeros((24, 1))
    output[11], output[23] = 20.0, 30.0
    _lines_file(path, [[0, 1, -1, 1], [0, 1, 0, 0]], np.zeros((2, 4)), [[1, 1, 0, 2], [2, 1, 2, 2]],
                [[0, 0, 0, 0], [0, 1, 0, 0]], output, [11, 23])
    with h5py.File(path, "r") as f:
        flows = line_flows(f, 2)
    assert np.isnan(flows["growth"][0]).all()
    assert flows["growth"][1, 0] == pytest.approx(np.log(2.0))
    assert np.isnan(flows["growth"][1, 1])
    assert list(flows["gained"][1]) == [True, False]
    assert list(flows["lost"][1]) == [False, True]


def test_diversification_drift_of_mean_preserving_line_shocks():
    """Firms of n equal lines whose appeals get independent mean-preserving shocks
    exp(sigma Z - sigma^2 / 2): mean log growth is about -sigma^2 / (2 n), and the estimator's
    slope on 1 / n recovers -sigma^2 / 2."""
    from innochain.validation.dynamics import diversification_drift

    rng = np.random.default_rng(7)
    sigma = 0.5
    g, n_eff = [], []
    for n in (1, 2, 4, 8, 16):
        shocks = np.exp(sigma * rng.standard_normal((40_000, n)) - 0.5 * sigma**2)
        g.append(np.log(shocks.mean(axis=1)))
        n_eff.append(np.full(40_000, float(n)))
    fit = diversification_drift(np.concatenate(g), np.concatenate(n_eff))
    assert fit["slope"] == pytest.approx(-0.5 * sigma**2, abs=0.01)
    assert fit["intercept"] == pytest.approx(0.0, abs=0.01)
