#include "links/finance.hpp"

#include "core/parallel.hpp"
#include "links/progress.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>

namespace innochain {

double round_threshold(const FinanceParams& p, double fund_threshold, FundingRound round) {
  return fund_threshold + p.threshold_step_per_round * static_cast<double>(round);
}

double credit_limit(const FinanceParams& p, double cash, double debt, double revenue_per_month) {
  return p.bank_leverage * std::max(cash - debt, 12.0 * revenue_per_month);
}

double believed_log_quality(const FinanceParams& p, double public_precision, double public_evidence,
                            double own_signal) {
  const double prior = 1.0 / (p.prior_log_quality_sd * p.prior_log_quality_sd);
  const double own = 1.0 / (p.signal_noise * p.signal_noise);
  return (prior * p.prior_log_quality_mean + public_evidence + own * own_signal) / (prior + public_precision + own);
}

double chance_to_market(const Context& c, int stage, double progress, std::size_t field, double quality) {
  if (stage >= 3) return 1.0;
  const auto& ps = c.scenario.chain.progress;
  const double speed = c.scenario.world.fields[field].speed_multiplier;
  double log_chance = 0.0;
  for (int k = std::max(stage, 0); k < 3; ++k) {
    const Stage st = static_cast<Stage>(static_cast<int>(Stage::breakthrough) + k);
    const double months = (k == stage ? 1.0 - progress : 1.0) * ps.stages[static_cast<int>(st)].duration_months / speed;
    const double hazard = failure_hazard(c, st, quality);
    if (hazard >= 1.0) return 0.0;
    log_chance += months * std::log1p(-hazard);  // survive `months` monthly draws
  }
  return std::exp(log_chance);
}

double market_value(const FinanceParams& p, double log_quality, double revenue_per_month) {
  return std::max(
      p.pre_money_market_yuan * std::exp(p.valuation_quality_elasticity * (log_quality - p.prior_log_quality_mean)),
      p.valuation_revenue_multiple * 12.0 * revenue_per_month);
}

double road_value(const Context& c, int stage, double progress, std::size_t field, double log_quality, double burn,
                  double revenue_per_month) {
  const auto& p = c.scenario.chain.finance;
  double value = market_value(p, log_quality, revenue_per_month);
  if (stage >= 3) return value;
  const auto& ps = c.scenario.chain.progress;
  const double speed = c.scenario.world.fields[field].speed_multiplier;
  const double quality = std::exp(log_quality);
  const int first = std::max(stage, 0);
  const Stage current = static_cast<Stage>(static_cast<int>(Stage::breakthrough) + first);
  const double current_cost = cost_at_base_price(c, current, field);
  // Backwards from the market: the value at the start of stage k is the value at its end, times
  // the chance of surviving the stage, discounted over its months, less the stage's cost.
  for (int k = 2; k >= first; --k) {
    const Stage st = static_cast<Stage>(static_cast<int>(Stage::breakthrough) + k);
    const double months = (k == first ? 1.0 - progress : 1.0) * ps.stages[static_cast<int>(st)].duration_months / speed;
    const double hazard = failure_hazard(c, st, quality);
    const double survive = hazard >= 1.0 ? 0.0 : std::exp(months * std::log1p(-hazard));
    const double discount = std::pow(1.0 + p.valuation_discount_per_year, -months / 12.0);
    const double cost = current_cost > 0.0 ? burn * cost_at_base_price(c, st, field) / current_cost * months : 0.0;
    value = survive * discount * value - cost;
  }
  return value;
}

double pre_money_valuation(const Context& c, int stage, double progress, std::size_t field, double log_quality,
                           double burn, double cash, double revenue_per_month, double amount) {
  const auto& p = c.scenario.chain.finance;
  const double value =
      road_value(c, stage, progress, field, log_quality, burn, revenue_per_month) + std::max(0.0, cash);
  const double floor = amount * (1.0 - p.max_round_share) / p.max_round_share;
  return std::max({value, p.valuation_revenue_multiple * 12.0 * revenue_per_month, floor});
}

double pay_by_ownership(State& s, std::span<const std::int32_t> stakes, std::size_t e, double equity_value) {
  Investments& iv = s.investments;
  const double outstanding = s.enterprises.shares_outstanding[e];
  double paid = 0.0;
  for (const std::int32_t k : stakes) {
    const double proceeds = outstanding > 0.0 ? equity_value * iv.shares[k] / outstanding : 0.0;
    s.financiers.capital_yuan[iv.financier[k]] += proceeds;
    iv.status[k] = InvestmentStatus::exited;
    iv.proceeds_yuan[k] = proceeds;
    paid += proceeds;
  }
  return paid;
}

namespace {

/// Ids of the financiers of one kind, ascending, that pass `keep`.
template <class Keep>
std::vector<std::int32_t> funds_where(const Financiers& fi, FinancierKind kind, Keep&& keep) {
  std::vector<std::int32_t> ids;
  for (std::size_t f = 0; f < fi.size(); ++f)
    if (fi.kind[f] == kind && keep(f)) ids.push_back(static_cast<std::int32_t>(f));
  return ids;
}

/// Candidate lists per (field x region) cell: the funds of `funds` whose restrictions admit
/// a firm there. Empty when none of them is restricted (the whole list serves every cell).
std::vector<std::vector<std::int32_t>> by_cell(const Context& c, const Financiers& fi,
                                               const std::vector<std::int32_t>& funds) {
  std::vector<std::vector<std::int32_t>> cells;
  if (std::none_of(funds.begin(), funds.end(), [&](std::int32_t g) {
        return fi.field_mask[g] != ~std::uint64_t{0} || fi.region_mask[g] != ~std::uint64_t{0};
      }))
    return cells;
  cells.resize(c.fields * c.regions);
  for (std::size_t f = 0; f < c.fields; ++f)
    for (std::size_t r = 0; r < c.regions; ++r)
      for (const std::int32_t g : funds)
        if (fi.admits(static_cast<std::size_t>(g), f, r)) cells[f * c.regions + r].push_back(g);
  return cells;
}

const std::vector<std::int32_t>& in_cell(const Context& c, const std::vector<std::int32_t>& all,
                                         const std::vector<std::vector<std::int32_t>>& cells, std::size_t field,
                                         std::size_t region) {
  return cells.empty() ? all : cells[field * c.regions + region];
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

bool in_mask(std::uint64_t mask, std::size_t k) { return k < 64 ? ((mask >> k) & 1u) != 0 : mask == ~std::uint64_t{0}; }

/// Step 1. Evergreen funds move their capital toward their target size (raising below it,
/// distributing above it) and reset their deal capacity; closed-end funds stop investing after
/// their investment period and distribute their capital to their limited partners once their
/// life has ended: the public partner its pro-rata share until it has received its return cap,
/// the private partners the rest.
void funds_month(const Context& c, State& s, MonthMetrics& m) {
  const auto& p = c.scenario.chain.finance;
  Financiers& fi = s.financiers;
  // The monthly share of the gap closed: compounds to capital_adjustment_per_year a year.
  const double adjust = 1.0 - std::pow(1.0 - p.capital_adjustment_per_year, 1.0 / 12.0);
  for (std::size_t f = 0; f < fi.size(); ++f) {
    if (fi.kind[f] == FinancierKind::bank) continue;
    if (fi.committed_yuan[f] <= 0.0 && fi.target_capital_yuan[f] > 0.0) {
      const double change = adjust * (fi.target_capital_yuan[f] - fi.capital_yuan[f]);
      fi.capital_yuan[f] += change;
      if (change > 0.0) {
        s.ledger.month[lf_new_fund_capital] += change;
      } else {
        s.ledger.month[lf_fund_distributions] -= change;
        m.at(m_fund_distributions) -= change;
      }
    }
    const bool investing = fi.invest_until_month[f] < 0 || s.month <= fi.invest_until_month[f];
    fi.deals_left[f] = investing ? static_cast<std::int32_t>(p.deals_per_month) : 0;
    if (fi.end_month[f] >= 0 && s.month >= fi.end_month[f] && fi.capital_yuan[f] > 0.0) {
      const double paid = fi.capital_yuan[f];
      const double to_public =
          std::min(fi.public_share[f] * paid, std::max(0.0, fi.public_cap_yuan[f] - fi.public_returned_yuan[f]));
      fi.public_returned_yuan[f] += to_public;
      fi.capital_yuan[f] = 0.0;
      s.ledger.month[lf_fund_distributions] += paid;
      m.at(m_fund_distributions) += paid;
    }
  }
}

/// Each start-up's lead project: the most advanced stage among its active projects (ties:
/// the furthest through it), as venture stage 0-2, with its progress and field.
struct LeadProjects {
  std::vector<std::int8_t> stage;
  std::vector<double> progress;  ///< share of the lead project's stage done, [0, 1)
  std::vector<std::uint16_t> field;
  std::vector<double> product_quality;  ///< best quality of a line launched from its own projects, 0: none
};

LeadProjects lead_projects(const Context& c, const State& s) {
  const Projects& pr = s.projects;
  const Enterprises& en = s.enterprises;
  LeadProjects lead;
  lead.stage.assign(en.size(), -1);
  lead.progress.assign(en.size(), 0.0);
  lead.field.assign(en.size(), 0);
  lead.product_quality.assign(en.size(), 0.0);
  // A start-up on the market sells a line launched from one of its projects (lines it took up
  // otherwise carry no project).
  // (The lines are listed and their projects' qualities read in parallel; a maximum does not
  // depend on the order it is taken in.)
  const ProductLines& ln = s.lines;
  const std::vector<std::int32_t> launched = indices_where(ln.size(), [&](std::size_t l) {
    return (ln.status[l] == LineStatus::active) & (ln.project[l] >= 0) & (ln.owner[l] >= 0);  // no branches
  });
  const std::unique_ptr<double[]> quality = scratch_array<double>(launched.size());
  for_each_index(launched.size(), [&](std::size_t k) { quality[k] = s.projects.quality[ln.project[launched[k]]]; });
  for (std::size_t k = 0; k < launched.size(); ++k) {
    double& q = lead.product_quality[static_cast<std::size_t>(ln.owner[launched[k]])];
    q = std::max(q, quality[k]);
  }
  for (const std::int32_t id : pr.active) {
    if (pr.holder_kind[id] != HolderKind::enterprise || pr.status[id] != ProjectStatus::active) continue;
    const auto h = static_cast<std::size_t>(pr.holder[id]);
    if (en.kind[h] != EnterpriseKind::startup || !en.alive[h] || pr.stage[id] < Stage::breakthrough ||
        pr.stage[id] > Stage::pilot)
      continue;
    const int st = static_cast<int>(pr.stage[id]) - static_cast<int>(Stage::breakthrough);
    // Progress is kept in integer units (progress.hpp); investors read the share of the stage done.
    const double done =
        static_cast<double>(pr.progress[id]) / static_cast<double>(stage_units(c, pr.stage[id], pr.field[id]));
    if (st > lead.stage[h] || (st == lead.stage[h] && done > lead.progress[h])) {
      lead.stage[h] = static_cast<std::int8_t>(st);
      lead.progress[h] = done;
      lead.field[h] = pr.field[id];
    }
  }
  return lead;
}

/// What a start-up asks for this month (step 2).
struct Ask {
  bool equity = false;
  double amount = 0.0;  ///< the round: the next milestone plus the buffer, less cash
  double burn = 0.0;    ///< net burn at full speed without a grant, yuan a month (investors value the road with it)
};

/// Step 2 for one firm (each firm writes only its own row): records a first grant; reads an
/// award's certificate into its public record; for a start-up, its venture stage, a
/// milestone's public result (stream milestone) and whether it seeks a round and how much.
Ask plan_firm(const Context& c, State& s, const LeadProjects& lead, std::size_t e) {
  const auto& p = c.scenario.chain.finance;
  Enterprises& en = s.enterprises;
  const EnterpriseLevers& l = en.levers;
  Ask ask;
  if (l.rd_policy[e] >= 0 && en.first_grant_month[e] < 0) en.first_grant_month[e] = s.month;
  if (l.certificate_precision[e] > 0.0) {  // an award this month: the agency's assessment becomes public
    en.public_precision[e] += l.certificate_precision[e];
    en.public_evidence[e] += l.certificate_precision[e] * l.certificate_log_quality[e];
  }
  if (en.kind[e] != EnterpriseKind::startup) return ask;
  const int stage = lead.product_quality[e] > 0.0 ? 3 : lead.stage[e];
  en.venture_stage[e] = stage;
  if (stage > en.milestone_stage[e]) {
    // A stage passed (a prototype, a pilot, a transferred breakthrough, a launch) is a test
    // result investors see: an observation of the firm's log quality with noise sigma_m.
    const double quality = en.pipeline_quality[e] > 0.0 ? en.pipeline_quality[e] : lead.product_quality[e];
    if (stage >= 1 && quality > 0.0) {
      Rng rng(c.key, Stream::milestone, static_cast<std::uint32_t>(e), static_cast<std::uint32_t>(s.month));
      const double precision = 1.0 / (p.milestone_signal_noise * p.milestone_signal_noise);
      en.public_precision[e] += precision;
      en.public_evidence[e] += precision * (std::log(quality) + p.milestone_signal_noise * rng.normal());
    }
    en.milestone_stage[e] = stage;
  }
  if (lead.stage[e] < 0 || en.pipeline_quality[e] <= 0.0) return ask;  // nothing to fund
  // Net burn without an R&D grant: the projects' cost at full speed after other subsidies and
  // platforms, overhead, less the operating margin. A grant pays `grant` of it a month only
  // until its award left this programme year (`award`) is spent: the firm counts on what it was
  // awarded, not on the grant lasting (docs/model.md 3.3.6).
  const double grant = en.rd_grant_full_yuan[e];
  const double burn = en.rd_own_cost_yuan[e] + grant +
                      c.scenario.agents.enterprises.overhead_yuan_per_staff_month * en.rd_staff[e] -
                      c.scenario.agents.enterprises.operating_margin * en.revenue_yuan_per_month[e];
  if (burn <= 0.0) return ask;
  const double award = grant > 0.0 ? std::max(0.0, l.rd_allowance_yuan[e]) : 0.0;
  const int st = lead.stage[e];
  const double to_milestone =
      (1.0 - lead.progress[e]) *
      c.scenario.chain.progress.stages[static_cast<int>(Stage::breakthrough) + st].duration_months /
      c.scenario.world.fields[lead.field[e]].speed_multiplier;
  const double cash = std::max(0.0, en.cash_yuan[e]);
  // Months the cash lasts: at burn - grant while the award lasts, at burn after it is spent.
  const double runway = burn > grant ? std::min(cash / (burn - grant), (cash + award) / burn) : (cash + award) / burn;
  // Raise when the runway is short, or after a milestone when the cash does not reach the next;
  // the round buys the months to the milestone plus the buffer, less the cash and what the
  // award will still pay over them.
  const double horizon = to_milestone + p.milestone_buffer_months;
  ask.equity = runway < p.raise_trigger_months || (stage > en.round_stage[e] && runway < to_milestone);
  ask.amount = burn * horizon - cash - std::min(award, grant * horizon);
  ask.burn = burn;
  ask.equity = ask.equity && ask.amount > 0.0;
  return ask;
}

/// The month's lists of funds and the firms' lead projects, shared by the deals.
struct DealBook {
  std::vector<std::int32_t> venture, baseline_guidance, policy_guidance, leading_guidance, banks;
  std::vector<std::vector<std::int32_t>> venture_in, policy_guidance_in, leading_guidance_in;
  LeadProjects lead;
};

void log_deal(const Context& c, State& s, std::size_t e, std::int32_t fund, FundingRound round, double amount,
              double pre_money) {
  if (!c.scenario.output.events_deals) return;
  auto& ev = s.events.deals;
  ev.month.push_back(s.month);
  ev.enterprise.push_back(static_cast<std::int32_t>(e));
  ev.financier.push_back(fund);
  ev.financier_kind.push_back(static_cast<std::int32_t>(s.financiers.kind[fund]));
  ev.round.push_back(static_cast<std::int32_t>(round));
  ev.amount.push_back(amount);
  ev.pre_money.push_back(pre_money);
  ev.venture_stage.push_back(s.enterprises.venture_stage[e]);
}

/// Step 3 for one start-up seeking `amount` (serial, in id order; stream finance, entity e).
/// Up to candidates_per_deal venture funds are shown the deal; the first whose score clears
/// its threshold for the round, with a deal left, the capital for the whole round and room in
/// its local-investment share, leads. Guidance co-investors may join (one seat for the initial
/// guidance funds, one for policy funds admitting the firm) at their own thresholds, and the
/// round is split lead : co-investor k = 1 : rho_k. Without a private lead, a policy fund that
/// may lead in the firm's field screens the deal itself. Every investor buys shares at the
/// round's price, pre-money / shares outstanding.
void equity_round(const Context& c, State& s, MonthMetrics& m, const DealBook& book, std::size_t e, double amount,
                  double burn, Rng& rng) {
  const auto& p = c.scenario.chain.finance;
  Financiers& fi = s.financiers;
  Enterprises& en = s.enterprises;
  const std::size_t field = en.field[e], region = en.region[e];
  const auto round = static_cast<FundingRound>(std::min(en.rounds_raised[e], 2));
  const int stage = en.venture_stage[e];
  const int lead_stage = book.lead.stage[e];
  // A fund's view: the public record and its own due-diligence signal of the best project's log
  // quality (plus a policy's certification bonus, lever investor_signal_bonus), and the chance
  // that the lead project reaches the market at the believed quality.
  const double log_quality = std::log(en.pipeline_quality[e]) + en.levers.investor_signal_bonus[e];
  struct View {
    double belief, score;
  };
  const auto view = [&]() {
    const double belief = believed_log_quality(p, en.public_precision[e], en.public_evidence[e],
                                               log_quality + p.signal_noise * rng.normal());
    const double chance =
        stage >= 3 ? 1.0 : chance_to_market(c, lead_stage, book.lead.progress[e], book.lead.field[e], std::exp(belief));
    return View{belief, chance > 0.0 ? belief + std::log(chance) : -std::numeric_limits<double>::infinity()};
  };
  // The lead's price: the value of the road to market at its belief (pre_money_valuation).
  const auto price_round = [&](double belief) {
    return pre_money_valuation(c, stage, stage >= 3 ? 0.0 : book.lead.progress[e], book.lead.field[e], belief, burn,
                               en.cash_yuan[e], en.revenue_yuan_per_month[e], amount);
  };
  // Room left outside its local regions (closed-end funds with a local-investment share).
  const auto local_room = [&](std::int32_t f, double yuan) {
    if (fi.local_share[f] <= 0.0 || in_mask(fi.local_region_mask[f], region)) return true;
    return fi.nonlocal_invested_yuan[f] + yuan <= (1.0 - fi.local_share[f]) * fi.committed_yuan[f];
  };
  const auto can_take = [&](std::int32_t f, double yuan) {
    return f >= 0 && fi.deals_left[f] > 0 && fi.capital_yuan[f] >= yuan && local_room(f, yuan);
  };
  struct Seat {
    std::int32_t fund;
    double weight;  ///< 1 for the lead, rho for a co-investor
  };
  std::vector<Seat> seats;
  double pre_money = 0.0;
  bool guidance_led = false;
  for (std::int64_t k = 0; k < p.candidates_per_deal && seats.empty(); ++k) {
    const std::int32_t v = draw_fund(c, s, in_cell(c, book.venture, book.venture_in, field, region), region, rng);
    if (v < 0) continue;
    const View lead = view();
    if (!can_take(v, amount) || lead.score <= round_threshold(p, fi.threshold[v], round)) continue;
    seats.push_back({v, 1.0});
    pre_money = price_round(lead.belief);
    // Guidance co-investors, each at its own ratio and threshold (a fresh signal, drawn only
    // if it could take its provisional share).
    for (const auto* list :
         {&book.baseline_guidance, &in_cell(c, book.policy_guidance, book.policy_guidance_in, field, region)}) {
      const std::int32_t g = draw_fund(c, s, *list, region, rng);
      if (g < 0 || fi.coinvest_ratio[g] <= 0.0) continue;
      const double provisional = amount * fi.coinvest_ratio[g] / (1.0 + fi.coinvest_ratio[g]);
      if (!can_take(g, provisional)) continue;
      if (view().score > round_threshold(p, fi.threshold[g], round)) seats.push_back({g, fi.coinvest_ratio[g]});
    }
  }
  if (seats.empty()) {  // no private lead: a direct guidance fund may lead in its fields
    const std::int32_t g =
        draw_fund(c, s, in_cell(c, book.leading_guidance, book.leading_guidance_in, field, region), region, rng);
    if (g >= 0 && can_take(g, amount)) {
      const View lead = view();
      if (lead.score > round_threshold(p, fi.threshold[g], round)) {
        seats.push_back({g, 1.0});
        pre_money = price_round(lead.belief);
        guidance_led = true;
      }
    }
  }
  if (seats.empty()) return;
  double weights = 0.0;
  for (const Seat& seat : seats) weights += seat.weight;
  const double price = pre_money / en.shares_outstanding[e];
  for (const Seat& seat : seats) {
    const std::int32_t f = seat.fund;
    const double yuan = amount * seat.weight / weights;
    fi.capital_yuan[f] -= yuan;
    fi.deals_left[f] -= 1;
    if (!in_mask(fi.local_region_mask[f], region)) fi.nonlocal_invested_yuan[f] += yuan;
    en.cash_yuan[e] += yuan;
    en.equity_raised_yuan[e] += yuan;
    s.investments.push(f, static_cast<std::int32_t>(e), yuan, round, s.month, yuan / price);
    log_deal(c, s, e, f, round, yuan, pre_money);
    const bool guidance = fi.kind[f] == FinancierKind::guidance_fund;
    const double public_yuan = guidance ? yuan : yuan * fi.public_share[f];
    m.at(m_invested_public, field) += public_yuan;
    m.at(m_invested_private, field) += yuan - public_yuan;
    m.at(guidance ? m_invested_guidance : m_invested_venture, field) += yuan;
    // A policy fund's (or sub-fund's) capital was recorded when it was committed: a deal is a unit served.
    if (fi.policy[f] >= 0) s.policy_units[fi.policy[f]] += 1.0;
  }
  en.shares_outstanding[e] += amount / price;
  en.post_money_yuan[e] = pre_money + amount;
  en.round_stage[e] = stage;
  en.rounds_raised[e] += 1;
  m.at(guidance_led ? m_deals_guidance_led : static_cast<Metric>(m_deals_seed + static_cast<int>(round)), field) += 1.0;
}

}  // namespace

void finance(const Context& c, State& s, MonthMetrics& m) {
  const auto& p = c.scenario.chain.finance;
  Financiers& fi = s.financiers;
  Enterprises& en = s.enterprises;
  const std::uint32_t month = static_cast<std::uint32_t>(s.month);

  funds_month(c, s, m);
  DealBook book;
  book.venture = funds_where(fi, FinancierKind::venture_capital, [](std::size_t) { return true; });
  book.baseline_guidance =
      funds_where(fi, FinancierKind::guidance_fund, [&](std::size_t f) { return fi.policy[f] < 0; });
  book.policy_guidance =
      funds_where(fi, FinancierKind::guidance_fund, [&](std::size_t f) { return fi.policy[f] >= 0; });
  book.leading_guidance =
      funds_where(fi, FinancierKind::guidance_fund, [&](std::size_t f) { return fi.policy[f] >= 0 && fi.may_lead[f]; });
  book.banks = funds_where(fi, FinancierKind::bank, [](std::size_t) { return true; });
  // Funds restricted to some fields or regions (created by the guidance_fund policy) are
  // candidates only for firms there.
  book.venture_in = by_cell(c, fi, book.venture);
  book.policy_guidance_in = by_cell(c, fi, book.policy_guidance);
  book.leading_guidance_in = by_cell(c, fi, book.leading_guidance);
  book.lead = lead_projects(c, s);

  // Each firm's plan in parallel (it writes only its own row); the firms that seek equity or
  // are short of cash are listed per block, in id order, and served serially in id order.
  std::vector<std::vector<std::int32_t>> acting_of(block_count(en.size()));
  std::vector<double> asked(en.size(), 0.0), burns(en.size(), 0.0);
  for_blocks(en.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t e = begin; e < end; ++e) {
      if (!en.alive[e]) continue;
      const Ask ask = plan_firm(c, s, book.lead, e);
      asked[e] = ask.equity ? ask.amount : 0.0;
      burns[e] = ask.burn;
      const bool credit = en.cash_yuan[e] < 0.0 && en.revenue_yuan_per_month[e] > 0.0;
      if (ask.equity || credit) acting_of[begin / kBlock].push_back(static_cast<std::int32_t>(e));
    }
  });
  double applications = 0.0;
  for (const std::vector<std::int32_t>& acting : acting_of)
    for (const std::int32_t firm : acting) {
      const auto e = static_cast<std::size_t>(firm);
      Rng rng(c.key, Stream::finance, static_cast<std::uint32_t>(e), month);
      if (asked[e] > 0.0) {
        applications += 1.0;
        equity_round(c, s, m, book, e, asked[e], burns[e], rng);
      }
      // Credit: enterprises with revenue that are short of cash borrow up to their limit.
      if (en.cash_yuan[e] < 0.0 && en.revenue_yuan_per_month[e] > 0.0) {
        const double room =
            credit_limit(p, en.cash_yuan[e], en.debt_yuan[e], en.revenue_yuan_per_month[e]) - en.debt_yuan[e];
        const double loan = std::min(room, -en.cash_yuan[e]);
        std::int32_t bank = en.lender[e];
        if (bank < 0) bank = draw_fund(c, s, book.banks, en.region[e], rng);
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
