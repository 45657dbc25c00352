"""The public Guangdong targets (and the international guides) and how the model's counterpart is measured.

Each target names the moment of :mod:`innochain.validation.moments` it is compared with, the
public value, the tolerance within which the calibrated baseline must hit it, and whether the
moment was used to calibrate (``calibrated=True``) or is reported without having been tuned
(``calibrated=False``: an out-of-sample check).

Tolerances are relative (``rel``: |model / target - 1| <= rel) or an interval (``lo``, ``hi``).
They are stated for the full-scale province; the small variant's test widens them (see
:func:`scaled_tolerance`) because its counts are 100 times smaller and noisier.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    moment: str  # key in the dict returned by moments.run_moments
    label: str  # what the public figure is
    value: float  # the public figure, in `unit`
    unit: str
    source: str
    lo: float  # accepted interval for the model's mean
    hi: float
    calibrated: bool  # used in the calibration objective
    weight: float = 1.0  # weight in the objective (of the squared log deviation)
    model_definition: str = ""

    def hit(self, x: float) -> bool:
        return self.lo <= x <= self.hi


def _rel(value: float, rel: float) -> tuple[float, float]:
    return value * (1.0 - rel), value * (1.0 + rel)


TARGETS: list[Target] = [
    Target("rd_spending_bn", "R&D spending, Guangdong 2023", 480.26, "bn yuan/yr",
           "Guangdong statistical communiqué on S&T funding, 2023 (over 510 bn in 2024)", *_rel(480.26, 0.10), True, 2.0,
           "institutes' basic-research and project spending + enterprises' project spending"),
    Target("firm_count_ratio", "alive firms, the measurement window's last year over its first", 1.0, "ratio",
           "a stationary baseline (docs/model.md, Entry): the count of firms the province starts with holds", 0.98, 1.02,
           True, 100.0, "mean of enterprises_alive in months 60-71 over months 36-47 (weight 100: a 1 % miss "
           "weighs as a 14 % miss of a weight-1 target)"),
    Target("people_ratio", "people in the province, the measurement window's last year over its first", 1.0, "ratio",
           "a stationary baseline (docs/model.md 3.3.1, Arrivals): the talent the province starts with holds",
           0.98, 1.02, True, 100.0, "mean of people_in_province in months 60-71 over months 36-47 (weight 100, "
           "as the count of firms)"),
    Target("high_tech_enterprises", "high-tech enterprises", 75500.0, "firms",
           "Guangdong Department of Science and Technology: about 75 000-76 000 (2023)", 68000.0, 83000.0, True, 2.0,
           "alive enterprises at least 12 months old (certification needs a year since registration)"),
    Target("transfer_income_bn", "transfer income of about 400 universities and institutes, 2023", 13.396,
           "bn yuan/yr", "annual report on S&T achievement transformation, Guangdong, 2023", *_rel(13.396, 0.15), True, 2.0,
           "contract-research payments + licence fees received by institutes"),
    Target("transfers_per_year", "transfers by patent assignment, licence or equity, 2023", 1821.0, "items/yr",
           "annual report on S&T achievement transformation, Guangdong, 2023", *_rel(1821.0, 0.15), True, 2.0,
           "licences + spin-offs decided by transfer offices"),
    Target("transfer_contract_value_bn", "contract value of those transfers, 2023", 1.12, "bn yuan/yr",
           "annual report on S&T achievement transformation, Guangdong, 2023", *_rel(1.12, 0.20), True, 1.0,
           "licence fees + valuation of spin-off equity"),
    Target("university_contract_value_bn", "university transfer contract value, 2022", 7.512, "bn yuan/yr",
           "annual report on S&T achievement transformation (universities), Guangdong, 2022", *_rel(7.512, 0.25), False, 0.0,
           "universities' contract-research payments + licence fees (subset of transfer income)"),
    Target("rd_intensity_province", "R&D intensity, Bay Area", 0.028, "share of output",
           "city statistical communiqués: about 2.8 % of GDP", *_rel(0.028, 0.30), False, 0.0,
           "all R&D spending / enterprises' revenue (the model has no GDP; revenue stands in)"),
    Target("rd_intensity_dongguan", "R&D intensity, Dongguan", 0.041, "share of output",
           "Dongguan statistical communiqué: 4.1 % of GDP", *_rel(0.041, 0.30), True, 1.0,
           "R&D spending in Dongguan (institutes + enterprises) / Dongguan enterprises' revenue"),
    Target("incubator_financing_ratio", "incubator funnel: financing events per incubated firm", 550.0 / 4600.0,
           "events/firm/yr", "one large incubator platform network: about 4 600 firms, 550 financing events", *_rel(550.0 / 4600.0, 0.50), True, 1.0,
           "venture rounds closed a year / alive start-ups"),
    Target("pass_breakthrough", "stage pass rate BREAKTHROUGH (as drug phase I)", 0.63, "share",
           "Thomas et al. 2016 (BIO, clinical development success rates 2006-2015): phase I 63.2 % (a guide)", 0.53, 0.73, True, 1.0,
           "completions / (completions + technical failures) in the stage; projects abandoned with their holder are reported beside"),
    Target("pass_proof_of_concept", "stage pass rate PROOF_OF_CONCEPT (as phase II)", 0.31, "share",
           "Thomas et al. 2016: phase II 30.7 % (a guide)", 0.24, 0.38, True, 1.0,
           "completions / (completions + technical failures) in the stage; projects abandoned with their holder are reported beside"),
    Target("pass_pilot", "stage pass rate PILOT (as phase III)", 0.58, "share",
           "Thomas et al. 2016: phase III 58.1 % (a guide)", 0.48, 0.68, True, 1.0,
           "completions / (completions + technical failures) in the stage; projects abandoned with their holder are reported beside"),
    Target("pass_breakthrough_to_market", "BREAKTHROUGH start to market", 0.09, "share",
           "Thomas et al. 2016: phase I to approval 9.6 %", 0.05, 0.13, False, 0.0,
           "product of the three stage pass rates, projects abandoned with their holder counted as not passing"),
    Target("venture_second_round", "seed-funded firms that raise a second round", 0.43, "share",
           "CB Insights 2018 venture funnel: 46 % of seed-funded firms raised a second round; 40-46 % across cohorts", 0.36, 0.50, True, 2.0,
           "venture-seeded firms with a series A within 36 months of the seed"),
    Target("first_year_survival", "new firms surviving their first year", 0.79, "share",
           "US BLS Business Employment Dynamics: about 79-80 % of new establishments survive their first year", 0.72, 0.86, True, 2.0,
           "start-ups and spin-offs founded in years 4-6 not exited within 12 months of founding (an acquisition counts as survival)"),
]

BY_MOMENT = {t.moment: t for t in TARGETS}


def scaled_tolerance(t: Target, scale: float) -> tuple[float, float]:
    """Accepted interval at world.scale `scale`: counts and money scaled back to the province
    carry 1/sqrt(scale) more relative noise, so the half-width grows by min(3, (0.1/scale)^0.5)
    at scales below 0.1."""
    widen = 1.0 if scale >= 0.1 else min(3.0, (0.1 / scale) ** 0.5)
    mid = 0.5 * (t.lo + t.hi)
    half = 0.5 * (t.hi - t.lo) * widen
    return mid - half, mid + half
