// The outcome registry of comparisons (docs/analysis.md, "Outcomes"): which outcomes exist
// beyond the /summary values (the derived ones), which of them are flows, stocks or means,
// which scale with the world, which carry a public cost per unit, and the default list.
// analysis/innochain/metrics.py is the same registry for Python; a test compares the two.
#pragma once

#include "core/metrics.hpp"

#include <map>
#include <string>
#include <vector>

namespace innochain {

/// The public spending of a run (yuan; summed over policy instances; 0 without policies).
inline constexpr const char* kPolicySpending = "policy_spending";
/// Present value at month 0 of policy_spending, with `compare --discount RATE`.
inline constexpr const char* kPolicySpendingPv = "policy_spending_pv";

/// An outcome a comparison can report: a /summary value or a derived one.
struct OutcomeDef {
  std::string name;
  std::vector<std::string> parts;  ///< derived outcomes: the /summary values summed; empty otherwise
  std::string long_name;           ///< derived outcomes only (the others take the run file's long_name)
};

/// Outcomes made from several /summary values: transfers (licence + spin-off) and startups
/// (talent start-ups + spin-offs).
const std::vector<OutcomeDef>& derived_outcomes();
/// The parts of a derived outcome, or nullptr.
const std::vector<std::string>* derived_parts(const std::string& name);

/// Outcomes compared when no --metric is given.
const std::vector<std::string>& default_compare_metrics();

/// Outcomes for which the public cost per additional unit is reported.
bool is_cost_outcome(const std::string& metric);

/// How an outcome's run value was made: flows are run totals, stocks end values, means averages
/// over months (derived outcomes and the present value of spending are flows). Unknown names
/// count as flows.
Accumulation outcome_accumulation(const std::string& metric);

/// Whether an outcome scales with world.scale (counts and yuan: flows and stocks; not the
/// ratios reported as means), i.e. whether `--province` divides it by world.scale.
bool scales_with_world(const std::string& metric);

}  // namespace innochain
