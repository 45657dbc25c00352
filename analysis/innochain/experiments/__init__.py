"""Policy experiments: paired replications of a policy scenario against its baseline, run with the
built `innochain` binary and summarised with intervals (docs/analysis.md).

* ``compute_voucher_dose``: dose-response of compute vouchers to their budget, and the incidence of
  the voucher in the compute price against a public compute centre of equal cost (issue 17).
"""
