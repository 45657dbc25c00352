#include "links/market.hpp"

#include "core/parallel.hpp"
#include "links/finance.hpp"
#include "model/population.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

namespace innochain {

double market_weight(const MarketParams& p, double base_size, double product_quality, double product_demand) {
  return std::pow(base_size + product_demand * product_quality, p.quality_share_elasticity);
}

Eigen::VectorXd sector_output(const Context& c, const Eigen::VectorXd& final_demand) {
  return c.leontief * final_demand;
}

double exit_multiple(const FinanceParams& p, double u) {
  return p.exit_multiple_min * std::pow(u, -1.0 / p.exit_multiple_tail);
}

namespace {

/// Active stakes by enterprise, in investment id order: those of firm e are
/// ids[first[e]] .. ids[first[e + 1] - 1].
struct Stakes {
  std::vector<std::size_t> first;
  std::vector<std::int32_t> ids;
  std::span<const std::int32_t> of(std::size_t e) const {
    return std::span<const std::int32_t>(ids).subspan(first[e], first[e + 1] - first[e]);
  }
};

Stakes active_stakes(const State& s) {
  const Investments& iv = s.investments;
  Stakes out;
  out.first.assign(s.enterprises.size() + 1, 0);
  for (std::size_t k = 0; k < iv.size(); ++k)
    if (iv.status[k] == InvestmentStatus::active) out.first[static_cast<std::size_t>(iv.enterprise[k]) + 1] += 1;
  for (std::size_t e = 0; e < s.enterprises.size(); ++e) out.first[e + 1] += out.first[e];
  out.ids.resize(out.first.back());
  std::vector<std::size_t> next(out.first.begin(), out.first.end() - 1);
  for (std::size_t k = 0; k < iv.size(); ++k)
    if (iv.status[k] == InvestmentStatus::active)
      out.ids[next[static_cast<std::size_t>(iv.enterprise[k])]++] = static_cast<std::int32_t>(k);
  return out;
}

/// What investors ask for a funded firm's whole equity at an exit: its last post-money
/// valuation times a Pareto exit multiple (0 for a firm no investor holds).
double equity_ask(const Context& c, const State& s, std::size_t e, std::span<const std::int32_t> stakes, Rng& rng) {
  if (stakes.empty()) return 0.0;
  return s.enterprises.post_money_yuan[e] * exit_multiple(c.scenario.chain.finance, rng.uniform());
}

}  // namespace

void size_shocks(const Context& c, State& s) {
  const double sd = c.scenario.chain.market.size_shock_sd_per_year / std::sqrt(12.0);
  if (sd <= 0.0) return;
  Enterprises& en = s.enterprises;
  const std::uint32_t month = static_cast<std::uint32_t>(s.month);
  // exp(sd Z - sd^2 / 2) has mean 1: the shocks spread firms out without moving the average.
  for_each_index(en.size(), [&](std::size_t e) {
    if (!en.alive[e]) return;
    Rng rng(c.key, Stream::size_shock, static_cast<std::uint32_t>(e), month);
    en.base_size[e] *= std::exp(sd * rng.normal() - 0.5 * sd * sd);
  });
}

namespace {

/// The month's working data of the market phase, passed from step to step.
struct MarketMonth {
  std::vector<double> weight;        ///< per firm: market weight (0 for exited firms)
  std::vector<double> weight_sum;    ///< per field
  Eigen::VectorXd output;            ///< sector output, per field
  std::vector<std::int32_t> exited;  ///< firms exiting this month, ascending
  Stakes stakes;                     ///< active equity stakes by firm
  bool moved = false;                ///< some firm exited or was acquired
};

/// Step 1. Products: obsolescence (per firm, in parallel), then this month's launches.
void products(const Context& c, State& s) {
  const auto& p = c.scenario.chain.market;
  Enterprises& en = s.enterprises;
  const Projects& pr = s.projects;
  const double keep = std::pow(1.0 - p.product_obsolescence_per_year, 1.0 / 12.0);
  for_blocks(en.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t e = begin; e < end; ++e) en.product_quality[e] *= keep;
  });
  for (const std::int32_t id : s.launched_this_month) en.product_quality[pr.holder[id]] += pr.quality[id];
  s.launched_this_month.clear();
}

/// Step 2. Final demand: outside demand growing at each sector's rate plus new products'
/// demand, propagated to sector output through the Leontief inverse. The firms' market
/// weights in parallel; their sums per field serially in firm order.
void demand_and_output(const Context& c, const State& s, MonthMetrics& m, MarketMonth& w) {
  const auto& p = c.scenario.chain.market;
  const Enterprises& en = s.enterprises;
  const std::size_t F = c.fields;
  Eigen::VectorXd demand(static_cast<Eigen::Index>(F));
  std::vector<double> product_demand(F, 0.0);
  w.weight_sum.assign(F, 0.0);
  w.weight.assign(en.size(), 0.0);
  for_blocks(en.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t e = begin; e < end; ++e)
      if (en.alive[e])
        w.weight[e] = market_weight(p, en.base_size[e], en.product_quality[e],
                                    c.scenario.world.fields[en.field[e]].product_demand_yuan_per_month);
  });
  for (std::size_t e = 0; e < en.size(); ++e) {
    if (!en.alive[e]) continue;
    const std::size_t f = en.field[e];
    product_demand[f] += c.scenario.world.fields[f].product_demand_yuan_per_month * en.product_quality[e];
    w.weight_sum[f] += w.weight[e];
  }
  for (std::size_t f = 0; f < F; ++f) {
    const double growth = std::pow(1.0 + c.scenario.world.fields[f].market_growth_per_year, s.month / 12.0);
    demand[static_cast<Eigen::Index>(f)] = s.base_final_demand[f] * growth + product_demand[f];
    m.at(m_product_demand, f) = product_demand[f];
  }
  w.output = sector_output(c, demand);
  for (std::size_t f = 0; f < F; ++f) m.at(m_output, f) = w.output[static_cast<Eigen::Index>(f)];
}

/// Step 3. Revenue (the firm's share of its sector's output), operating costs, interest and
/// repayment; losses and the exit test. Each firm's own columns in parallel; what it pays to
/// others (lenders, the ledger, the metrics) is recorded per firm and summed serially in firm
/// order.
void firm_accounts(const Context& c, State& s, MonthMetrics& m, MarketMonth& w) {
  const auto& fp = c.scenario.chain.finance;
  Enterprises& en = s.enterprises;
  const std::uint32_t month = static_cast<std::uint32_t>(s.month);
  const auto& ep = c.scenario.agents.enterprises;
  const double margin = ep.operating_margin;
  const double monthly_rate = fp.bank_interest_per_year / 12.0;
  const double sme_exit =
      1.0 - std::pow(1.0 - ep.sme_exit_per_year, 1.0 / 12.0);  // monthly, compounds to the yearly rate
  struct Flows {
    double operating_costs, interest, repay, payout, overhead_subsidy;
    bool had_debt, repaid, exits;
  };
  std::unique_ptr<Flows[]> flows(new Flows[en.size()]);
  for_blocks(en.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t e = begin; e < end; ++e) {
      if (!en.alive[e]) continue;
      Flows& fl = flows[e];
      fl = {0.0, 0.0, 0.0, 0.0, 0.0, false, false, false};
      const std::size_t f = en.field[e];
      const double revenue =
          w.weight_sum[f] > 0.0 ? w.output[static_cast<Eigen::Index>(f)] * w.weight[e] / w.weight_sum[f] : 0.0;
      const double overhead = ep.overhead_yuan_per_staff_month * en.rd_staff[e];
      en.revenue_yuan_per_month[e] = revenue;
      en.cash_yuan[e] += margin * revenue - overhead;
      fl.operating_costs = (1.0 - margin) * revenue + overhead;
      // A policy may pay part of the fixed costs (lever overhead_subsidy_*, e.g. subsidised space),
      // within this month's allowance.
      EnterpriseLevers& l = en.levers;
      if (l.overhead_policy[e] >= 0) {
        fl.overhead_subsidy = std::min(l.overhead_subsidy_rate[e] * overhead, l.overhead_allowance_yuan[e]);
        l.overhead_allowance_yuan[e] -= fl.overhead_subsidy;  // what is left tells the instrument what was used
        en.cash_yuan[e] += fl.overhead_subsidy;
      }
      if (en.debt_yuan[e] > 0.0) {
        const double interest = en.debt_yuan[e] * monthly_rate;
        en.cash_yuan[e] -= interest;
        fl.interest = interest;
        fl.had_debt = true;
        const double spare = en.cash_yuan[e] - 3.0 * revenue;  // keep three months of revenue as a buffer
        if (spare > 0.0 && en.loss_months[e] == 0) {
          const double repay = std::min(spare, en.debt_yuan[e]);
          en.cash_yuan[e] -= repay;
          en.debt_yuan[e] -= repay;
          fl.repay = repay;
          fl.repaid = true;
        }
      }
      // Established firms pay out cash beyond their buffer; start-ups keep theirs for R&D.
      const double cap = ep.cash_cap_months * revenue;
      if (en.kind[e] != EnterpriseKind::startup && revenue > 0.0 && en.cash_yuan[e] > cap) {
        fl.payout = en.cash_yuan[e] - cap;
        en.cash_yuan[e] = cap;
      }
      en.age_months[e] += 1;
      // Sustained losses: a loss-making month while cash would not cover three more months
      // of the burn (overhead and R&D), or negative cash.
      // (R&D paid by subsidies and platforms is not the firm's burn.)
      const double burn = overhead - fl.overhead_subsidy + en.rd_spent_yuan[e] - en.rd_subsidised_yuan[e];
      const bool losing = margin * revenue < burn && en.cash_yuan[e] < 3.0 * burn;
      en.loss_months[e] = (losing || en.cash_yuan[e] < 0.0) ? en.loss_months[e] + 1 : 0;
      fl.exits = en.loss_months[e] >= ep.exit_after_loss_months;
      if (!fl.exits && en.kind[e] == EnterpriseKind::sme && sme_exit > 0.0) {
        // Exits for reasons outside the model (owners retiring, relocation, certification lost).
        Rng rng(c.key, Stream::sme_exit, static_cast<std::uint32_t>(e), month);
        fl.exits = rng.bernoulli(sme_exit);
      }
    }
  });
  for (std::size_t e = 0; e < en.size(); ++e) {
    if (!en.alive[e]) continue;
    const Flows& fl = flows[e];
    const double revenue = en.revenue_yuan_per_month[e];
    s.ledger.month[lf_outside_demand] += revenue;
    s.ledger.month[lf_operating_costs] += fl.operating_costs;
    m.at(m_revenue, en.field[e]) += revenue;
    if (fl.had_debt) {
      s.financiers.capital_yuan[en.lender[e]] += fl.interest;
      m.at(m_interest_paid) += fl.interest;
      if (fl.repaid) s.financiers.capital_yuan[en.lender[e]] += fl.repay;
    }
    if (fl.payout > 0.0) s.ledger.month[lf_owners_payout] += fl.payout;
    if (fl.overhead_subsidy > 0.0) {
      const auto k = static_cast<std::size_t>(en.levers.overhead_policy[e]);
      s.ledger.month[lf_policy_spending] += fl.overhead_subsidy;
      s.policy_spending[k] += fl.overhead_subsidy;
      s.policy_units[k] += 1.0;
    }
    if (fl.exits) w.exited.push_back(static_cast<std::int32_t>(e));
  }
}

/// Step 4. Exits: the firm's cash goes to its owners (a deficit is covered by them), its
/// investors' stakes are written off and its bank debt becomes a bad loan.
void exits(State& s, MonthMetrics& m, const MarketMonth& w) {
  Enterprises& en = s.enterprises;
  for (const std::int32_t e : w.exited) {
    en.alive[e] = 0;
    s.ledger.month[lf_owners_payout] += en.cash_yuan[e];  // a deficit is covered by the owners
    for (const std::int32_t k : w.stakes.of(static_cast<std::size_t>(e))) {
      s.investments.status[k] = InvestmentStatus::written_off;
      m.at(m_write_offs) += s.investments.amount_yuan[k];
    }
    m.at(m_bad_loans) += en.debt_yuan[e];
    en.debt_yuan[e] = 0.0;
    m.at(m_firm_exits, en.field[e]) += 1.0;
  }
}

/// Step 5. Acquisitions of start-ups with a product by a chain leader of their field, and
/// listings of funded start-ups whose revenue passed the listing threshold.
void acquisitions_and_listings(const Context& c, State& s, MonthMetrics& m, MarketMonth& w) {
  const auto& p = c.scenario.chain.market;
  const auto& fp = c.scenario.chain.finance;
  Enterprises& en = s.enterprises;
  const std::size_t F = c.fields;
  const std::uint32_t month = static_cast<std::uint32_t>(s.month);
  std::vector<std::vector<std::int32_t>> leaders(F);
  for (std::size_t e = 0; e < en.size(); ++e)
    if (en.alive[e] && en.kind[e] == EnterpriseKind::chain_leader)
      leaders[en.field[e]].push_back(static_cast<std::int32_t>(e));

  for (std::size_t e = 0; e < en.size(); ++e) {
    if (!en.alive[e] || en.kind[e] != EnterpriseKind::startup) continue;
    Rng rng(c.key, Stream::market, static_cast<std::uint32_t>(e), month);
    const std::size_t f = en.field[e];
    const std::int32_t buyer =
        en.product_quality[e] > 0.0 && !leaders[f].empty() && rng.bernoulli(p.acquisition_probability)
            ? leaders[f][rng.below(static_cast<std::uint32_t>(leaders[f].size()))]
            : -1;
    // The price is the larger of a revenue multiple and what the investors ask for the equity;
    // the buyer must be able to pay it and the start-up's debt. Investors are paid by
    // ownership (finance: pay_by_ownership).
    const double asked = buyer >= 0 ? equity_ask(c, s, e, w.stakes.of(e), rng) : 0.0;
    const double price = std::max(p.acquisition_revenue_months * en.revenue_yuan_per_month[e], asked);
    if (buyer >= 0 && en.cash_yuan[buyer] >= price + en.debt_yuan[e]) {
      const double investors = pay_by_ownership(s, w.stakes.of(e), e, price);
      en.cash_yuan[buyer] -= price;
      s.ledger.month[lf_owners_payout] += price - investors;  // the founders' share
      // The buyer takes over the business and products and repays the start-up's bank; the
      // start-up's cash goes to its owners.
      en.base_size[buyer] += en.base_size[e];
      en.product_quality[buyer] += en.product_quality[e];
      if (en.debt_yuan[e] > 0.0) {
        en.cash_yuan[buyer] -= en.debt_yuan[e];
        s.financiers.capital_yuan[en.lender[e]] += en.debt_yuan[e];
      }
      s.ledger.month[lf_owners_payout] += en.cash_yuan[e];
      en.debt_yuan[e] = 0.0;
      en.alive[e] = 0;
      en.acquired_by[e] = buyer;
      w.moved = true;
      m.at(m_acquisitions, f) += 1.0;
      if (investors > 0.0) {
        m.at(m_exits_acquisition, f) += 1.0;
        m.at(m_exit_proceeds) += investors;
      }
    } else if (en.equity_raised_yuan[e] > 0.0 && en.revenue_yuan_per_month[e] > fp.ipo_revenue_yuan_per_month) {
      // Public-market buyers pay the larger of the revenue multiple and the investors' ask.
      const double value = std::max(p.acquisition_revenue_months * en.revenue_yuan_per_month[e],
                                    equity_ask(c, s, e, w.stakes.of(e), rng));
      const double investors = pay_by_ownership(s, w.stakes.of(e), e, value);
      s.ledger.month[lf_listing_proceeds] += investors;
      en.kind[e] = EnterpriseKind::sme;  // listed: no longer a start-up
      m.at(m_exits_listing, f) += 1.0;
      m.at(m_exit_proceeds) += investors;
    }
  }
}

/// Step 6. Projects and staff follow their firm: to the acquirer, or they end with an exited
/// firm.
void hand_over(State& s) {
  Enterprises& en = s.enterprises;
  Projects& pr = s.projects;
  resolve_employers(s);
  for (const std::int32_t id : pr.active) {
    if (pr.holder_kind[id] != HolderKind::enterprise || en.alive[pr.holder[id]]) continue;
    std::int32_t h = pr.holder[id];
    while (!en.alive[h] && en.acquired_by[h] >= 0) h = en.acquired_by[h];
    if (en.alive[h]) {
      pr.holder[id] = h;
    } else {
      pr.status[id] = ProjectStatus::failed;  // dropped from the active list by the next progress phase
    }
  }
}

}  // namespace

void market(const Context& c, State& s, MonthMetrics& m) {
  size_shocks(c, s);
  products(c, s);
  MarketMonth w;
  demand_and_output(c, s, m, w);
  firm_accounts(c, s, m, w);
  w.stakes = active_stakes(s);
  exits(s, m, w);
  w.moved = !w.exited.empty();
  acquisitions_and_listings(c, s, m, w);
  if (w.moved) hand_over(s);
}

}  // namespace innochain
