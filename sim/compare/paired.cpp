#include "compare/paired.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace innochain {

double t_critical(double confidence, std::size_t dof) {
  if (dof == 0) throw std::invalid_argument("t_critical: zero degrees of freedom");
  if (!(confidence > 0.0 && confidence < 1.0)) throw std::invalid_argument("t_critical: confidence outside (0, 1)");
  const boost::math::students_t dist(static_cast<double>(dof));
  return boost::math::quantile(boost::math::complement(dist, (1.0 - confidence) / 2.0));
}

PairedEffect paired_effect(std::span<const double> baseline, std::span<const double> policy, double confidence) {
  if (baseline.size() != policy.size()) throw std::invalid_argument("paired_effect: unequal numbers of runs");
  if (baseline.empty()) throw std::invalid_argument("paired_effect: no pairs");
  PairedEffect e;
  e.pairs = baseline.size();
  const double n = static_cast<double>(e.pairs);
  // Two passes (mean, then squared deviations) in index order: stable and deterministic.
  for (std::size_t k = 0; k < e.pairs; ++k) {
    e.baseline_mean += baseline[k];
    e.policy_mean += policy[k];
    e.mean_difference += policy[k] - baseline[k];
  }
  e.baseline_mean /= n;
  e.policy_mean /= n;
  e.mean_difference /= n;
  if (e.pairs >= 2) {
    double ss = 0.0;
    for (std::size_t k = 0; k < e.pairs; ++k) {
      const double dev = (policy[k] - baseline[k]) - e.mean_difference;
      ss += dev * dev;
    }
    e.sd_difference = std::sqrt(ss / (n - 1.0));
    const double half = t_critical(confidence, e.pairs - 1) * e.sd_difference / std::sqrt(n);
    e.ci_low = e.mean_difference - half;
    e.ci_high = e.mean_difference + half;
  }
  if (e.baseline_mean != 0.0) e.relative_change = e.mean_difference / e.baseline_mean;
  return e;
}

RatioInterval fieller_interval(std::span<const double> numerator, std::span<const double> denominator,
                               double confidence) {
  if (numerator.size() != denominator.size()) throw std::invalid_argument("fieller_interval: unequal numbers of runs");
  if (numerator.empty()) throw std::invalid_argument("fieller_interval: no pairs");
  const std::size_t n = numerator.size();
  if (n < 2) return {};
  const double nd = static_cast<double>(n);
  double mn = 0.0, md = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    mn += numerator[k];
    md += denominator[k];
  }
  mn /= nd;
  md /= nd;
  double snn = 0.0, sdd = 0.0, snd = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    const double a = numerator[k] - mn, b = denominator[k] - md;
    snn += a * a;
    sdd += b * b;
    snd += a * b;
  }
  snn /= nd - 1.0;
  sdd /= nd - 1.0;
  snd /= nd - 1.0;
  const double t = t_critical(confidence, n - 1);
  const double q = t * t / nd;
  // A R^2 - 2 B R + C <= 0.
  const double a = md * md - q * sdd;
  const double b = mn * md - q * snd;
  const double c = mn * mn - q * snn;
  if (!(a > 0.0)) return {};
  const double root = std::sqrt(std::max(0.0, b * b - a * c));
  return {true, (b - root) / a, (b + root) / a};
}

std::optional<double> cost_per_additional_unit(double extra_spending_yuan, double extra_units) {
  if (!(extra_spending_yuan > 0.0) || !(extra_units > 0.0)) return std::nullopt;
  return extra_spending_yuan / extra_units;
}

}  // namespace innochain
