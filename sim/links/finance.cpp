#include "links/finance.hpp"

#include "core/parallel.hpp"

#include <algorithm>
#include <cmath>

namespace innochain {

double round_threshold(const FinanceParams& p, double fund_threshold, FundingRound round) {
  return fund_threshold + p.threshold_step_per_round * static_cast<double>(round);
}

double credit_limit(const FinanceParams& p, double cash, double debt, double revenue_per_month) {
  return p.bank_leverage * std::max(cash - debt, 12.0 * revenue_per_month);
}

namespace {

void log_deal(const Context& c, State& s, std::size_t e, std::int32_t fund, FundingRound round, double amount) {
  if (!c.scenario.output.events_deals) return;
  auto& ev = s.events.deals;
  ev.month.push_back(s.month);
  ev.enterprise.push_back(static_cast<std::int32_t>(e));
  ev.financier.push_back(fund);
  ev.financier_kind.push_back(static_cast<std::int32_t>(s.financiers.kind[fund]));
  ev.round.push_back(static_cast<std::int32_t>(round));
  ev.amount.push_back(amount);
}

/// Ids of the financiers of one kind, ascending.
std::vector<std::int32_t> of_kind(const Financiers& fi, FinancierKind kind) {
  std::vector<std::int32_t> ids;
  for (std::size_t f = 0; f < fi.size(); ++f)
    if (fi.kind[f] == kind) ids.push_back(static_cast<std::int32_t>(f));
  return ids;
}

/// Draws a fund of the list, accepted with probability friction(fund region, firm region);
/// -1 after a few rejections.
std::int32_t draw_fund(const Context& c, const State& s, const std::vector<std::int32_t>& funds,
                       std::size_t firm_region, Rng& rng) {
  if (funds.empty()) return -1;
  for (int attempt = 0; attempt < 4; ++attempt) {
    const std::int32_t f = funds[rng.below(static_cast<std::uint32_t>(funds.size()))];
    if (rng.bernoulli(friction(c, s, s.financiers.region[f], firm_region))) return f;
  }
  return -1;
}

}  // namespace

void finance(const Context& c, State& s, MonthMetrics& m) {
  const auto& p = c.scenario.chain.finance;
  Financiers& fi = s.financiers;
  Enterprises& en = s.enterprises;
  const std::uint32_t month = static_cast<std::uint32_t>(s.month);

  // Funds raise new capital and reset their deal capacity.
  const double inflow = std::pow(1.0 + p.capital_inflow_per_year, 1.0 / 12.0) - 1.0;  // compounds to the yearly rate
  for (std::size_t f = 0; f < fi.size(); ++f) {
    if (fi.kind[f] == FinancierKind::bank) continue;
    const double raised = fi.capital_yuan[f] * inflow;
    fi.capital_yuan[f] += raised;
    s.ledger.month[lf_new_fund_capital] += raised;
    fi.deals_left[f] = static_cast<std::int32_t>(p.deals_per_month);
  }
  const auto venture = of_kind(fi, FinancierKind::venture_capital);
  const auto guidance = of_kind(fi, FinancierKind::guidance_fund);
  // Guidance funds restricted to some fields or regions (created by the guidance_fund policy)
  // are candidates only for firms there: per (field x region) cell, the funds that admit it.
  std::vector<std::vector<std::int32_t>> guidance_in;
  if (std::any_of(guidance.begin(), guidance.end(), [&](std::int32_t g) {
        return fi.field_mask[g] != ~std::uint64_t{0} || fi.region_mask[g] != ~std::uint64_t{0};
      })) {
    guidance_in.resize(c.fields * c.regions);
    for (std::size_t f = 0; f < c.fields; ++f)
      for (std::size_t r = 0; r < c.regions; ++r)
        for (const std::int32_t g : guidance)
          if (fi.admits(static_cast<std::size_t>(g), f, r)) guidance_in[f * c.regions + r].push_back(g);
  }
  const auto banks = of_kind(fi, FinancierKind::bank);

  // Only firms that apply for equity or are short of cash act; they are found in parallel
  // (each block lists its own, in id order; a firm's cash changes only in its own turn, and
  // equity only raises it) and served serially in id order.
  std::vector<std::vector<std::int32_t>> acting_of(block_count(en.size()));
  for_blocks(en.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t e = begin; e < end; ++e) {
      if (!en.alive[e]) continue;
      const bool equity =
          en.kind[e] == EnterpriseKind::startup && en.funding_gap_yuan[e] > 0.0 && en.pipeline_quality[e] > 0.0;
      const bool credit = en.cash_yuan[e] < 0.0 && en.revenue_yuan_per_month[e] > 0.0;
      if (equity || credit) acting_of[begin / kBlock].push_back(static_cast<std::int32_t>(e));
    }
  });
  double applications = 0.0;
  for (const std::vector<std::int32_t>& acting : acting_of)
    for (const std::int32_t firm : acting) {
      const auto e = static_cast<std::size_t>(firm);
      Rng rng(c.key, Stream::finance, static_cast<std::uint32_t>(e), month);
      const std::size_t field = en.field[e];
      // Equity: start-ups with a funding gap on a real project.
      if (en.kind[e] == EnterpriseKind::startup && en.funding_gap_yuan[e] > 0.0 && en.pipeline_quality[e] > 0.0) {
        applications += 1.0;
        const auto round = static_cast<FundingRound>(std::min(en.rounds_raised[e], 2));
        const double amount = en.funding_gap_yuan[e] * p.round_runway_months;
        // What investors see: the best project's log quality, plus a policy's certification
        // (lever investor_signal_bonus, 0 without policy), plus each fund's own noise.
        const double log_quality = std::log(en.pipeline_quality[e]) + en.levers.investor_signal_bonus[e];
        // Fund f puts `yuan` into the firm at this round: capital to cash, one deal used, a stake.
        const auto invest = [&](std::int32_t f, double yuan) {
          fi.capital_yuan[f] -= yuan;
          fi.deals_left[f] -= 1;
          en.cash_yuan[e] += yuan;
          en.equity_raised_yuan[e] += yuan;
          s.investments.push(f, static_cast<std::int32_t>(e), yuan, round, s.month);
          log_deal(c, s, e, f, round, yuan);
        };
        for (std::int64_t k = 0; k < p.candidates_per_deal; ++k) {
          const std::int32_t v = draw_fund(c, s, venture, en.region[e], rng);
          if (v < 0) continue;
          const double signal = log_quality + p.signal_noise * rng.normal();
          if (fi.deals_left[v] <= 0 || fi.capital_yuan[v] < amount ||
              signal <= round_threshold(p, fi.threshold[v], round))
            continue;
          invest(v, amount);
          m.at(static_cast<Metric>(m_deals_seed + static_cast<int>(round)), field) += 1.0;
          m.at(m_invested_venture, field) += amount;
          // A guidance fund co-invests beside the venture fund at its own, lower threshold.
          const std::int32_t g = draw_fund(
              c, s, guidance_in.empty() ? guidance : guidance_in[field * c.regions + en.region[e]], en.region[e], rng);
          const double co = g >= 0 ? amount * fi.coinvest_ratio[g] : 0.0;  // the fund's own ratio
          if (g >= 0 && co > 0.0 && fi.deals_left[g] > 0 && fi.capital_yuan[g] >= co &&
              log_quality + p.signal_noise * rng.normal() > round_threshold(p, fi.threshold[g], round)) {
            invest(g, co);
            m.at(m_invested_guidance, field) += co;
            // A policy-created fund's capital was recorded as policy spending when it was committed.
            if (fi.policy[g] >= 0) s.policy_units[fi.policy[g]] += 1.0;
          }
          en.rounds_raised[e] += 1;
          break;
        }
      }
      // Credit: enterprises with revenue that are short of cash borrow up to their limit.
      if (en.cash_yuan[e] < 0.0 && en.revenue_yuan_per_month[e] > 0.0) {
        const double room =
            credit_limit(p, en.cash_yuan[e], en.debt_yuan[e], en.revenue_yuan_per_month[e]) - en.debt_yuan[e];
        const double loan = std::min(room, -en.cash_yuan[e]);
        std::int32_t bank = en.lender[e];
        if (bank < 0) bank = draw_fund(c, s, banks, en.region[e], rng);
        if (loan > 0.0 && bank >= 0 && fi.capital_yuan[bank] >= loan) {
          fi.capital_yuan[bank] -= loan;
          en.cash_yuan[e] += loan;
          en.debt_yuan[e] += loan;
          en.lender[e] = bank;
          m.at(m_credit_new, en.region[e]) += loan;
        }
      }
    }
  m.at(m_deal_applications) = applications;
}

}  // namespace innochain
