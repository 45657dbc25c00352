// Helpers shared by the finance tests: what investors would pay for funded start-ups.
#pragma once

#include "links/finance.hpp"
#include "links/progress.hpp"
#include "model/state.hpp"

namespace innochain::test {

/// The mean pre-money the funded start-ups (one round each, investment e for firm e, one project
/// each) would get at investors' prior belief: their road to market's value plus the cash they
/// held before the round (pre_money_valuation).
inline double mean_pre_money_at_prior(const Context& c, const State& st) {
  const Enterprises& en = st.enterprises;
  const auto& ent = c.scenario.agents.enterprises;
  double sum = 0.0;
  for (std::size_t e = 0; e < en.size(); ++e) {
    const double burn = en.rd_own_cost_yuan[e] + en.rd_grant_full_yuan[e] +
                        ent.overhead_yuan_per_staff_month * en.rd_staff[e] -
                        ent.operating_margin * en.revenue_yuan_per_month[e];
    const double amount = st.investments.amount_yuan[e];
    const Stage stage = st.projects.stage[e];
    const double progress =
        static_cast<double>(st.projects.progress[e]) / static_cast<double>(stage_units(c, stage, st.projects.field[e]));
    sum += pre_money_valuation(c, static_cast<int>(stage) - static_cast<int>(Stage::breakthrough), progress,
                               st.projects.field[e], c.scenario.chain.finance.prior_log_quality_mean, burn,
                               en.cash_yuan[e] - amount, en.revenue_yuan_per_month[e], amount);
  }
  return sum / static_cast<double>(en.size());
}

}  // namespace innochain::test
