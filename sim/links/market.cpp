#include "links/market.hpp"

#include "core/parallel.hpp"
#include "links/finance.hpp"
#include "model/population.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>

namespace innochain {

double line_weight(const MarketParams& p, double appeal) {
  return p.quality_share_elasticity == 1.0 ? appeal : std::pow(appeal, p.quality_share_elasticity);
}

double launch_base_appeal(double weight_sum, std::int64_t lines, double theta) {
  const double mean_weight = weight_sum / static_cast<double>(lines);
  return theta == 1.0 ? mean_weight : std::pow(mean_weight, 1.0 / theta);
}

Eigen::VectorXd sector_output(const Context& c, const Eigen::VectorXd& final_demand) {
  return c.leontief * final_demand;
}

double exit_multiple(const FinanceParams& p, double u) {
  return p.exit_multiple_min * std::pow(u, -1.0 / p.exit_multiple_tail);
}

namespace {

/// active_lines_by_owner from the ids of the active lines (ascending): a counting sort by owner
/// whose two passes over the lines run in two halves at once. Each half counts its lines per
/// owner; an owner's lines from the second half are placed after those from the first, so every
/// owner's lines stay in id order: the one result a serial pass gives.
LinesByOwner lines_by_owner(const State& s, std::span<const std::int32_t> active) {
  const ProductLines& ln = s.lines;
  const std::size_t firms = s.enterprises.size();
  constexpr std::size_t kHalves = 2;
  const std::size_t middle = active.size() / 2;
  const auto half = [&](std::size_t h) { return h == 0 ? active.first(middle) : active.subspan(middle); };
  std::array<std::vector<std::uint32_t>, kHalves> next;  // counts, then where the half's next line goes
  tbb::parallel_for(std::size_t{0}, kHalves, [&](std::size_t h) {
    next[h].assign(firms, 0);
    for (const std::int32_t l : half(h)) next[h][static_cast<std::size_t>(ln.owner[l])] += 1;
  });
  LinesByOwner out;
  out.first.resize(firms + 1);
  out.first[0] = 0;
  for (std::size_t e = 0; e < firms; ++e) {
    const std::uint32_t in_first = next[0][e], in_second = next[1][e];
    next[0][e] = static_cast<std::uint32_t>(out.first[e]);
    next[1][e] = static_cast<std::uint32_t>(out.first[e] + in_first);
    out.first[e + 1] = out.first[e] + in_first + in_second;
  }
  out.ids.resize(active.size());
  tbb::parallel_for(std::size_t{0}, kHalves, [&](std::size_t h) {
    for (const std::int32_t l : half(h)) out.ids[next[h][static_cast<std::size_t>(ln.owner[l])]++] = l;
  });
  return out;
}

}  // namespace

LinesByOwner active_lines_by_owner(const State& s) { return lines_by_owner(s, active_line_ids(s.lines)); }

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
  // One pass over the whole table (ended stakes stay in it); the two passes of the counting
  // sort then visit only the active stakes, in id order.
  std::vector<std::int32_t> active;
  for (std::size_t k = 0; k < iv.size(); ++k)
    if (iv.status[k] == InvestmentStatus::active) active.push_back(static_cast<std::int32_t>(k));
  Stakes out;
  out.first.assign(s.enterprises.size() + 1, 0);
  for (const std::int32_t k : active) out.first[static_cast<std::size_t>(iv.enterprise[k]) + 1] += 1;
  for (std::size_t e = 0; e < s.enterprises.size(); ++e) out.first[e + 1] += out.first[e];
  out.ids.resize(out.first.back());
  std::vector<std::size_t> next(out.first.begin(), out.first.end() - 1);
  for (const std::int32_t k : active) out.ids[next[static_cast<std::size_t>(iv.enterprise[k])]++] = k;
  return out;
}

/// What investors ask for a funded firm's whole equity at an exit: its last post-money
/// valuation times a Pareto exit multiple (0 for a firm no investor holds).
double equity_ask(const Context& c, const State& s, std::size_t e, std::span<const std::int32_t> stakes, Rng& rng) {
  if (stakes.empty()) return 0.0;
  return s.enterprises.post_money_yuan[e] * exit_multiple(c.scenario.chain.finance, rng.uniform());
}

}  // namespace

void line_shocks(const Context& c, State& s) {
  const auto& p = c.scenario.chain.market;
  const double sd = p.line_shock_sd_per_year / std::sqrt(12.0);
  if (sd <= 0.0) return;
  ProductLines& ln = s.lines;
  const std::uint32_t month = static_cast<std::uint32_t>(s.month);
  // Only lines on the market are visited (each draws its own numbers, so the order does not matter).
  const std::vector<std::int32_t> active = active_line_ids(ln);
  if (p.line_shock_reversion_per_year <= 0.0) {
    // exp(sd Z - sd^2 / 2) has mean 1: each line's appeal is a driftless geometric random walk,
    // independent of the owner's other lines.
    for_each_index(active.size(), [&](std::size_t k) {
      const auto l = static_cast<std::size_t>(active[k]);
      Rng rng(c.key, Stream::line_shock, static_cast<std::uint32_t>(l), month);
      ln.appeal[l] *= std::exp(sd * rng.normal() - 0.5 * sd * sd);
    });
    return;
  }
  // Ornstein-Uhlenbeck log shock x around the appeal the line entered with, a_0:
  // x' = rho x + sd Z, v' = rho^2 v + sd^2 (v: the variance of x given x = 0 at entry) and
  // a = a_0 exp(x - v/2), whose mean stays a_0 at every age.
  const double rho = std::exp(-p.line_shock_reversion_per_year / 12.0);
  for_blocks(active.size(), [&](std::size_t begin, std::size_t end) {
    DrawBatch batch(c.key, Stream::line_shock, month, end - begin);
    for (std::size_t k = begin; k < end; ++k) batch.add_if(static_cast<std::uint32_t>(active[k]), true);
    batch.draw();
    for (std::size_t j = 0; j < batch.ids.size(); ++j) {
      const std::size_t l = batch.ids[j];
      Rng rng = batch.rng(j);
      const double x = rho * ln.demand_shock[l] + sd * rng.normal();
      const double v = rho * rho * ln.shock_variance[l] + sd * sd;
      ln.appeal[l] *= std::exp((x - 0.5 * v) - (ln.demand_shock[l] - 0.5 * ln.shock_variance[l]));
      ln.demand_shock[l] = x;
      ln.shock_variance[l] = v;
    }
  });
}

namespace {

/// The month's working data of the market phase, passed from step to step.
struct MarketMonth {
  std::vector<double> weight_sum;     ///< per field: sum of the active lines' weights
  Eigen::VectorXd output;             ///< sector output, per field
  LinesByOwner lines;                 ///< active lines by owner (after the launches)
  std::vector<std::int32_t> alive;    ///< firms alive when the accounts start, ascending
  std::vector<std::int32_t> exited;   ///< firms exiting this month, ascending
  std::vector<std::uint8_t> runway;   ///< per exiting firm (same order): 1 if its runway ended
  std::vector<std::uint8_t> no_team;  ///< per exiting firm (same order): 1 if its team had left
  Stakes stakes;                      ///< active equity stakes by firm
  bool moved = false;                 ///< some firm exited or was acquired
};

/// Step 2. Launches (PILOT finished this month), in project id order: each launched product
/// takes over a product line of its field drawn uniformly among the lines on the market at
/// the start of the step (Klette and Kortum 2004: an innovation improves on a random good and
/// its innovator takes the good's market); the old line is displaced and the launcher gets a
/// new line of appeal q times the field's typical line (launch_base_appeal), whatever the size
/// of the line it displaced. A field without a line gets a new one at the field's reference
/// appeal times the quality.
void launches(const Context& c, State& s, MonthMetrics& m) {
  ProductLines& ln = s.lines;
  Enterprises& en = s.enterprises;
  const Projects& pr = s.projects;
  const std::uint32_t month = static_cast<std::uint32_t>(s.month);
  if (s.launched_this_month.empty()) return;
  const double theta = c.scenario.chain.market.quality_share_elasticity;
  // Per field, the takeable lines in id order; the active lines' weights at the start of the
  // step summed over them in that order.
  const std::vector<std::vector<std::int32_t>> on_market = indices_by_group_where(
      ln.size(), c.fields, [&](std::size_t l) { return std::size_t{ln.field[l]}; },
      [&](std::size_t l) { return takeable(ln.status[l]); });
  std::vector<double> weight(c.fields, 0.0);
  std::vector<std::int64_t> active(c.fields, 0);
  // (A vacant line adds +0.0, which leaves the positive sum as it is: no branch to mispredict;
  // the sums run in locals, not through memory.) Fields in parallel, each summed in id order.
  const MarketParams& mp = c.scenario.chain.market;
  tbb::parallel_for(std::size_t{0}, c.fields, [&](std::size_t f) {
    double sum = 0.0;
    std::int64_t count = 0;
    for (const std::int32_t l : on_market[f]) {
      const bool on = ln.status[l] == LineStatus::active;
      sum += on ? line_weight(mp, ln.appeal[l]) : 0.0;
      count += on;
    }
    weight[f] = sum;
    active[f] = count;
  });
  std::vector<double> base(c.fields);
  for (std::size_t f = 0; f < c.fields; ++f)
    base[f] = active[f] > 0 ? launch_base_appeal(weight[f], active[f], theta)
                            : (f < s.line_reference_appeal.size() ? s.line_reference_appeal[f] : 1.0);
  for (const std::int32_t id : s.launched_this_month) {
    const std::int32_t e = pr.holder[id];
    const std::size_t f = pr.field[id];
    const double q = pr.quality[id];
    Rng rng(c.key, Stream::line_takeover, static_cast<std::uint32_t>(id), month);
    std::int32_t target = -1;
    // Up to four draws: a line already taken over this month by an earlier launch is not
    // available again.
    for (int attempt = 0; attempt < 4 && !on_market[f].empty(); ++attempt) {
      const std::int32_t l = on_market[f][rng.below(static_cast<std::uint32_t>(on_market[f].size()))];
      if (takeable(ln.status[l])) {
        target = l;
        break;
      }
    }
    const double appeal = q * base[f];
    if (target >= 0) {
      if (ln.status[target] == LineStatus::active) {
        ln.status[target] = LineStatus::displaced;
        ln.ended_month[target] = s.month;
        en.product_lines[ln.owner[target]] -= 1;
        m.at(m_line_takeovers, f) += 1.0;
      } else {
        ln.status[target] = LineStatus::closed;  // a vacant good taken up again
      }
    }
    ln.add(e, f, appeal, q, s.month, id);
    en.product_lines[e] += 1;
    if (en.first_product_month[e] < 0) en.first_product_month[e] = s.recorded_month();
  }
  s.launched_this_month.clear();
}

/// Step 3. Final demand (outside demand, growing at each sector's rate; constant in a
/// constant-price scenario) propagated to sector output through the Leontief inverse; each
/// field's output is shared among its product lines by weight appeal^theta. Line weights are
/// summed per field over fixed blocks (the same sums for any thread count); a firm's revenue is
/// the sum of its lines' shares, in line id order.
void demand_and_output(const Context& c, State& s, MonthMetrics& m, MarketMonth& w) {
  const auto& p = c.scenario.chain.market;
  Enterprises& en = s.enterprises;
  const ProductLines& ln = s.lines;
  const std::size_t F = c.fields;
  Eigen::VectorXd demand(static_cast<Eigen::Index>(F));
  for (std::size_t f = 0; f < F; ++f) {
    const double growth = std::pow(1.0 + c.scenario.world.fields[f].market_growth_per_year, s.recorded_month() / 12.0);
    demand[static_cast<Eigen::Index>(f)] = s.base_final_demand[f] * growth;
  }
  w.output = sector_output(c, demand);
  for (std::size_t f = 0; f < F; ++f) m.at(m_output, f) = w.output[static_cast<Eigen::Index>(f)];
  struct Sums {
    std::vector<double> weight;
    std::vector<std::int64_t> lines;
  };
  // Only active lines are visited, in the blocks of the whole table: the same sums.
  const std::vector<std::int32_t> active = active_line_ids(ln);
  const Sums sums = block_reduce_ids(
      ln.size(), active, Sums{std::vector<double>(F, 0.0), std::vector<std::int64_t>(F, 0)},
      [&](Sums& acc, std::size_t l) {
        acc.weight[ln.field[l]] += line_weight(p, ln.appeal[l]);
        acc.lines[ln.field[l]] += 1;
      },
      [](Sums& a, const Sums& b) {
        for (std::size_t f = 0; f < a.weight.size(); ++f) {
          a.weight[f] += b.weight[f];
          a.lines[f] += b.lines[f];
        }
      });
  w.weight_sum = sums.weight;
  w.lines = lines_by_owner(s, active);
  for_blocks(en.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t e = begin; e < end; ++e) {
      double revenue = 0.0;
      for (const std::int32_t l : w.lines.of(e)) {
        const std::size_t f = ln.field[l];
        revenue += w.output[static_cast<Eigen::Index>(f)] * line_weight(p, ln.appeal[l]) / w.weight_sum[f];
      }
      en.revenue_yuan_per_month[e] = en.alive[e] ? revenue : 0.0;
    }
  });
}

/// Step 4. Revenue (the firm's lines' shares), contract work of firms without lines, operating
/// costs, interest and repayment; losses and the exit tests. Each firm's own columns in
/// parallel; what it pays to others (lenders, the ledger, the metrics) is recorded per firm and
/// summed serially in firm order.
void firm_accounts(const Context& c, State& s, MonthMetrics& m, MarketMonth& w) {
  const auto& fp = c.scenario.chain.finance;
  Enterprises& en = s.enterprises;
  const std::uint32_t month = static_cast<std::uint32_t>(s.month);
  const auto& ep = c.scenario.agents.enterprises;
  const double margin = ep.operating_margin;
  const double monthly_rate = fp.bank_interest_per_year / 12.0;
  const double sme_exit =
      1.0 - std::pow(1.0 - ep.sme_exit_per_year, 1.0 / 12.0);  // monthly, compounds to the yearly rate
  // Contract work by field: firms that sell spend a share of revenue on it, firms without a
  // product line share it by R&D staff (at most a wage per employee; the rest is not bought).
  const std::size_t F = c.fields;
  struct Contract {
    std::vector<double> spend;
    std::vector<std::int64_t> staff;
  };
  // Departed firms' rows are skipped (the blocks stay those of the whole table: the same sums).
  w.alive = alive_enterprise_ids(en);
  const Contract offered = block_reduce_ids(
      en.size(), w.alive, Contract{std::vector<double>(F, 0.0), std::vector<std::int64_t>(F, 0)},
      [&](Contract& k, std::size_t e) {
        if (en.product_lines[e] > 0)
          k.spend[en.field[e]] += ep.contract_work_share_of_revenue * en.revenue_yuan_per_month[e];
        else
          k.staff[en.field[e]] += en.rd_staff[e];
      },
      [](Contract& a, const Contract& b) {
        for (std::size_t f = 0; f < a.spend.size(); ++f) {
          a.spend[f] += b.spend[f];
          a.staff[f] += b.staff[f];
        }
      });
  std::vector<double> per_staff(F, 0.0), bought(F, 0.0);  // income per employee; share of the offer bought
  for (std::size_t f = 0; f < F; ++f) {
    if (offered.staff[f] == 0 || !(offered.spend[f] > 0.0)) continue;
    const double staff = static_cast<double>(offered.staff[f]);
    per_staff[f] =
        std::min(offered.spend[f] / staff, c.scenario.chain.talent.engineer_wage_yuan_per_month * s.market_wage_index);
    bought[f] = per_staff[f] * staff / offered.spend[f];
  }
  struct Flows {
    double operating_costs, interest, repay, payout, overhead_subsidy, contract_work, contract_bought;
    bool had_debt, repaid, exits, runway, no_team;
  };
  std::unique_ptr<Flows[]> flows(new Flows[en.size()]);
  for_id_blocks(en.size(), w.alive, [&](std::size_t, std::span<const std::int32_t> ids) {
    for (const std::int32_t id : ids) {
      const auto e = static_cast<std::size_t>(id);
      Flows& fl = flows[e];
      fl = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, false, false, false, false, false};
      const double revenue = en.revenue_yuan_per_month[e];
      const bool selling = en.product_lines[e] > 0;
      const double overhead = ep.overhead_yuan_per_staff_month * en.rd_staff[e];
      // A firm without products sells its staff's time to the firms of its field that sell
      // (contract work, part of the buyers' operating costs: an internal transfer).
      fl.contract_work = selling ? 0.0 : per_staff[en.field[e]] * en.rd_staff[e];
      fl.contract_bought = selling ? ep.contract_work_share_of_revenue * revenue * bought[en.field[e]] : 0.0;
      en.cash_yuan[e] += margin * revenue + fl.contract_work - overhead;
      fl.operating_costs = (1.0 - margin) * revenue - fl.contract_bought + overhead;
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
      if (!selling && en.kind[e] == EnterpriseKind::startup) {
        // A start-up without products lives on its cash (founders' money, rounds, grants,
        // contract work): it exits when the runway has ended, i.e. it cannot pay this month's
        // bills. It cannot borrow without revenue, and any round came in this month's finance.
        en.loss_months[e] = en.cash_yuan[e] < 0.0 ? en.loss_months[e] + 1 : 0;
        fl.runway = fl.exits = en.cash_yuan[e] < 0.0;
        // A start-up is its team: one without staff (its founders and staff have left, or it never
        // assembled a team) past its first exit_after_loss_months months is closed.
        fl.no_team = !fl.exits && en.rd_staff[e] == 0 && en.age_months[e] > ep.exit_after_loss_months;
        fl.exits = fl.exits || fl.no_team;
      } else if (!selling) {
        // An established firm whose products have all gone: its owners close it after
        // exit_after_loss_months months without sales, whatever its cash.
        en.loss_months[e] += 1;
        fl.exits = en.loss_months[e] >= ep.exit_after_loss_months;
      } else {
        // Sustained losses: a loss-making month while cash would not cover three more months
        // of the burn (overhead and R&D), or negative cash.
        // (R&D paid by subsidies and platforms is not the firm's burn.)
        const double burn = overhead - fl.overhead_subsidy + en.rd_spent_yuan[e] - en.rd_subsidised_yuan[e];
        const bool losing = margin * revenue < burn && en.cash_yuan[e] < 3.0 * burn;
        en.loss_months[e] = (losing || en.cash_yuan[e] < 0.0) ? en.loss_months[e] + 1 : 0;
        fl.exits = en.loss_months[e] >= ep.exit_after_loss_months;
      }
      if (!fl.exits && en.kind[e] == EnterpriseKind::sme && sme_exit > 0.0) {
        // Exits for reasons outside the model (owners retiring, relocation, certification lost).
        Rng rng(c.key, Stream::sme_exit, static_cast<std::uint32_t>(e), month);
        fl.exits = rng.bernoulli(sme_exit);
      }
    }
  });
  for (const std::int32_t id : w.alive) {
    const auto e = static_cast<std::size_t>(id);
    const Flows& fl = flows[e];
    const double revenue = en.revenue_yuan_per_month[e];
    s.ledger.month[lf_outside_demand] += revenue;
    s.ledger.month[lf_operating_costs] += fl.operating_costs;
    m.at(m_revenue, en.field[e]) += revenue;
    m.at(m_contract_work_income) += fl.contract_work;
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
    if (fl.exits) {
      w.exited.push_back(static_cast<std::int32_t>(e));
      w.runway.push_back(fl.runway ? 1 : 0);
      w.no_team.push_back(fl.no_team ? 1 : 0);
    }
  }
}

/// Step 5. Exits: the firm's cash goes to its owners (a deficit is covered by them), its
/// investors' stakes are written off, its bank debt becomes a bad loan and its product lines
/// leave the market (their customers go to the field's other lines through the shares).
void exits(State& s, MonthMetrics& m, const MarketMonth& w) {
  Enterprises& en = s.enterprises;
  ProductLines& ln = s.lines;
  for (std::size_t k = 0; k < w.exited.size(); ++k) {
    const std::int32_t e = w.exited[k];
    en.alive[e] = 0;
    s.ledger.month[lf_owners_payout] += en.cash_yuan[e];  // a deficit is covered by the owners
    for (const std::int32_t i : w.stakes.of(static_cast<std::size_t>(e))) {
      s.investments.status[i] = InvestmentStatus::written_off;
      m.at(m_write_offs) += s.investments.amount_yuan[i];
    }
    m.at(m_bad_loans) += en.debt_yuan[e];
    en.debt_yuan[e] = 0.0;
    for (const std::int32_t l : w.lines.of(static_cast<std::size_t>(e))) {
      if (ln.status[l] != LineStatus::active) continue;
      ln.status[l] = LineStatus::vacant;  // the good waits for a launch or an entering SME
      ln.ended_month[l] = s.month;
      m.at(m_lines_closed, ln.field[l]) += 1.0;
    }
    en.product_lines[e] = 0;
    m.at(m_firm_exits, en.field[e]) += 1.0;
    if (w.runway[k]) m.at(m_exits_runway, en.field[e]) += 1.0;
    if (w.no_team[k]) m.at(m_exits_no_team, en.field[e]) += 1.0;
  }
}

/// Step 6. Acquisitions of start-ups with a product by a chain leader of their field, and
/// listings of funded start-ups whose revenue passed the listing threshold.
void acquisitions_and_listings(const Context& c, State& s, MonthMetrics& m, MarketMonth& w) {
  const auto& p = c.scenario.chain.market;
  const auto& fp = c.scenario.chain.finance;
  Enterprises& en = s.enterprises;
  ProductLines& ln = s.lines;
  const std::size_t F = c.fields;
  const std::uint32_t month = static_cast<std::uint32_t>(s.month);
  // Only firms alive before the exits can be alive now: w.alive (ascending) holds them all.
  std::vector<std::vector<std::int32_t>> leaders(F);
  for (const std::int32_t e : w.alive)
    if (en.alive[e] && en.kind[e] == EnterpriseKind::chain_leader) leaders[en.field[e]].push_back(e);

  for (const std::int32_t id : w.alive) {
    const auto e = static_cast<std::size_t>(id);
    if (!en.alive[e] || en.kind[e] != EnterpriseKind::startup) continue;
    Rng rng(c.key, Stream::market, static_cast<std::uint32_t>(e), month);
    const std::size_t f = en.field[e];
    // A target is a start-up selling a product it launched (not only lines it started with).
    bool launched = false;
    for (const std::int32_t l : w.lines.of(e)) launched |= ln.status[l] == LineStatus::active && ln.project[l] >= 0;
    const std::int32_t buyer = launched && !leaders[f].empty() && rng.bernoulli(p.acquisition_probability)
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
      // The buyer takes over the product lines and repays the start-up's bank; the start-up's
      // cash goes to its owners.
      for (const std::int32_t l : w.lines.of(e))
        if (ln.status[l] == LineStatus::active) ln.owner[l] = buyer;
      en.product_lines[buyer] += en.product_lines[e];
      en.product_lines[e] = 0;
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

/// Step 7. Projects and staff follow their firm: to the acquirer, or they end with an exited
/// firm (the projects are abandoned with their holder, counted by stage).
void hand_over(State& s, MonthMetrics& m) {
  Enterprises& en = s.enterprises;
  Projects& pr = s.projects;
  resolve_employers(s);
  for (const std::int32_t id : pr.active) {
    if (pr.holder_kind[id] != HolderKind::enterprise || en.alive[pr.holder[id]]) continue;
    if (pr.status[id] != ProjectStatus::active && pr.status[id] != ProjectStatus::stage_done) continue;
    std::int32_t h = pr.holder[id];
    while (!en.alive[h] && en.acquired_by[h] >= 0) h = en.acquired_by[h];
    if (en.alive[h]) {
      pr.holder[id] = h;
    } else {
      pr.status[id] = ProjectStatus::abandoned;  // dropped from the active list by the next progress phase
      m.at(static_cast<Metric>(m_abandoned_basic + static_cast<int>(pr.stage[id])), pr.field[id]) += 1.0;
    }
  }
}

}  // namespace

void market(const Context& c, State& s, MonthMetrics& m) {
  line_shocks(c, s);
  launches(c, s, m);
  MarketMonth w;
  demand_and_output(c, s, m, w);
  firm_accounts(c, s, m, w);
  w.stakes = active_stakes(s);
  exits(s, m, w);
  w.moved = !w.exited.empty();
  acquisitions_and_listings(c, s, m, w);
  if (w.moved) hand_over(s, m);
}

}  // namespace innochain
