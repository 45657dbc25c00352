// Paired statistics for policy-versus-baseline comparisons (docs/analysis.md). Replication k
// of a policy run and replication k of its baseline share every random draw (common random
// numbers), so their difference is the policy's effect on that draw of the world; the mean
// of the differences over replications estimates the average effect, and its Student t
// interval is valid without assuming the two arms are independent.
#pragma once

#include <cstddef>
#include <optional>
#include <span>

namespace innochain {

/// Mean, spread and t interval of the paired differences policy_k - baseline_k.
struct PairedEffect {
  std::size_t pairs = 0;
  double baseline_mean = 0.0;
  double policy_mean = 0.0;
  double mean_difference = 0.0;  ///< mean of policy_k - baseline_k
  double sd_difference = 0.0;    ///< sample standard deviation of the differences (n - 1); 0 with one pair
  std::optional<double> ci_low;  ///< the confidence interval, absent with fewer than two pairs
  std::optional<double> ci_high;
  std::optional<double> relative_change;  ///< mean_difference / baseline_mean; absent when the baseline mean is 0
};

/// Paired effect of `policy` against `baseline` (same length, element k paired with k) with a
/// two-sided `confidence` interval (default 95 %) from Student's t with n - 1 degrees of
/// freedom (Boost.Math). Throws std::invalid_argument on empty or unequal inputs.
PairedEffect paired_effect(std::span<const double> baseline, std::span<const double> policy, double confidence = 0.95);

/// The two-sided t critical value t_{1-(1-confidence)/2, dof} (dof >= 1).
double t_critical(double confidence, std::size_t dof);

/// A confidence set for a ratio of two means, mean(numerator) / mean(denominator).
struct RatioInterval {
  bool bounded = false;  ///< false: the set is unbounded (or there are fewer than two pairs)
  double low = 0.0;      ///< meaningful when bounded
  double high = 0.0;
};

/// Fieller's interval (Fieller 1954) for mean(numerator) / mean(denominator) from paired
/// observations (element k of both from replication k): the ratios R with
/// (mean_n - R mean_d)^2 <= t^2 (s_nn - 2 R s_nd + R^2 s_dd) / n, t the two-sided Student t
/// quantile with n - 1 degrees of freedom and s the sample (co)variances. The set is a bounded
/// interval exactly when the t interval of mean(denominator) excludes 0; otherwise it is
/// unbounded (bounded = false). Throws std::invalid_argument on empty or unequal inputs.
RatioInterval fieller_interval(std::span<const double> numerator, std::span<const double> denominator,
                               double confidence = 0.95);

/// Public cost per additional unit of an outcome: extra public spending (policy minus baseline,
/// yuan) per extra unit. Absent unless both the extra spending and the extra units are positive:
/// a policy that spends nothing, or adds nothing, has no cost per unit to report.
std::optional<double> cost_per_additional_unit(double extra_spending_yuan, double extra_units);

}  // namespace innochain
