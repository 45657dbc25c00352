#include "links/talent_market.hpp"

#include "agents/population.hpp"
#include "core/parallel.hpp"
#include "links/progress.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

namespace innochain {

std::int64_t institute_staff_target(const Context& c, const Institutes& in, std::size_t i) {
  const auto& t = c.scenario.chain.talent;
  return std::llround(in.budget_yuan_per_month[i] * t.wage_share_of_rd / t.researcher_wage_yuan_per_month);
}

std::int64_t enterprise_staff_target(const Context& c, const Enterprises& en, std::size_t e, double wage_subsidy_rate) {
  const auto& t = c.scenario.chain.talent;
  if (!en.alive[e]) return 0;
  // A start-up plans its hiring on its cash spread over a round's runway.
  const double budget = en.kind[e] == EnterpriseKind::startup
                            ? std::max(0.0, en.cash_yuan[e]) / c.scenario.chain.finance.round_runway_months
                            : enterprise_project_budget(c, en, e);
  return std::llround(budget * t.wage_share_of_rd / (t.engineer_wage_yuan_per_month * (1.0 - wage_subsidy_rate)));
}

double acceptance_probability(const Context& c, const State& s, std::size_t region, std::size_t field,
                              std::size_t employer_region, std::size_t employer_field) {
  return friction(c, s, region, employer_region) *
         c.proximity(static_cast<Eigen::Index>(field), static_cast<Eigen::Index>(employer_field));
}

namespace {

/// One open position, in employer order.
struct Slot {
  EmployerKind kind;
  std::int32_t employer;
};

}  // namespace

void talent_market(const Context& c, State& s, MonthMetrics& m) {
  const auto& p = c.scenario.chain.talent;
  Talent& t = s.talent;
  Institutes& in = s.institutes;
  Enterprises& en = s.enterprises;
  const std::uint32_t month = static_cast<std::uint32_t>(s.month);
  const std::size_t n = t.size();

  // 1. Departures from the province and on-the-job search, drawn per person.
  const double out_rate = 1.0 - std::pow(1.0 - p.outflow_per_year, 1.0 / 12.0);
  std::vector<std::uint8_t> searching(n, 0);  // 1: searching this month, 2: left the province
  for_each_index(n, [&](std::size_t i) {
    if (t.employer_kind[i] == EmployerKind::outside) return;
    Rng rng(c.key, Stream::talent_move, static_cast<std::uint32_t>(i), month);
    const bool unemployed = t.employer_kind[i] == EmployerKind::none;
    // A talent programme's retention lowers the chance of leaving (lever talent.outflow_multiplier).
    const double retention = s.outflow_multiplier.empty() ? 1.0 : s.outflow_multiplier[t.region[i]];
    if (rng.bernoulli(std::min(1.0, (unemployed ? out_rate * p.unemployed_outflow_multiplier : out_rate) * retention))) {
      t.employer_kind[i] = EmployerKind::outside;
      t.employer[i] = -1;
      searching[i] = 2;
      return;
    }
    t.months_in_job[i] += 1;
    searching[i] = (unemployed || rng.bernoulli(p.search_rate_employed)) ? 1 : 0;
  });
  m.at(m_talent_outflow) = static_cast<double>(std::count(searching.begin(), searching.end(), 2));

  // 2. Vacancies: staff targets minus current staff (after departures).
  update_workforce(s);
  // Open positions, one slot each, in employer order: institutes' slots are for researchers.
  std::vector<Slot> institute_slots, firm_slots;
  std::vector<std::int64_t> inst_open(in.size()), firm_open(en.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    inst_open[i] = std::max<std::int64_t>(0, institute_staff_target(c, in, i) - in.researchers[i]);
    institute_slots.insert(institute_slots.end(), inst_open[i], {EmployerKind::institute, static_cast<std::int32_t>(i)});
  }
  for (std::size_t e = 0; e < en.size(); ++e) {
    const double wage_subsidy = s.wage_subsidy_rate.empty() ? 0.0 : s.wage_subsidy_rate[en.region[e]];
    firm_open[e] = std::max<std::int64_t>(0, enterprise_staff_target(c, en, e, wage_subsidy) - en.rd_staff[e]);
    firm_slots.insert(firm_slots.end(), firm_open[e], {EmployerKind::enterprise, static_cast<std::int32_t>(e)});
  }

  // 3. Matching, serially in person id order: a searcher sees one random open slot (a
  //    researcher looks at industry with chain.talent.researcher_to_industry_share, else at
  //    institutes) and takes it with probability friction x proximity if it is still open.
  //    A slot filled earlier this month is a failed search (congestion).
  //    The searcher's draws (which slot, the slot's field, acceptance) depend only on the
  //    person and the month's slot lists, not on earlier hires, so they are made first in
  //    parallel; the serial pass only checks and fills the slots.
  struct Pick {
    std::int32_t slot;   ///< index into the chosen slot list, -1: no slot to look at
    std::uint16_t field;  ///< the slot's field
    bool industry;        ///< looked at firm_slots (else institute_slots)
    bool accept;          ///< would take the slot if it is still open
  };
  // One pick per searcher, in id order: block b's searchers start at offset[b].
  std::vector<std::size_t> offset(block_count(n), 0);
  for_blocks(n, [&](std::size_t begin, std::size_t end) {
    offset[begin / kBlock] = static_cast<std::size_t>(std::count(searching.data() + begin, searching.data() + end, std::uint8_t{1}));
  });
  const std::size_t searchers = exclusive_scan_in_place(offset);
  std::unique_ptr<Pick[]> picks(new Pick[searchers]);
  for_blocks(n, [&](std::size_t begin, std::size_t end) {
    std::size_t k = offset[begin / kBlock];
    for (std::size_t i = begin; i < end; ++i) {
      if (searching[i] != 1) continue;
      Pick& pick = picks[k++];
      pick.slot = -1;
      Rng rng(c.key, Stream::talent_match, static_cast<std::uint32_t>(i), month);
      const bool wants_industry = t.role[i] != Role::researcher || rng.bernoulli(p.researcher_to_industry_share);
      const auto& slots = wants_industry ? firm_slots : institute_slots;
      if (slots.empty()) continue;
      const std::uint32_t index = rng.below(static_cast<std::uint32_t>(slots.size()));
      const Slot slot = slots[index];
      const std::size_t er = slot.kind == EmployerKind::institute ? in.region[slot.employer] : en.region[slot.employer];
      const std::size_t ef = slot.kind == EmployerKind::institute
                                 ? rng.categorical(std::span<const double>(in.field_weight)
                                                       .subspan(static_cast<std::size_t>(slot.employer) * c.fields, c.fields))
                                 : en.field[slot.employer];
      pick.slot = static_cast<std::int32_t>(index);
      pick.field = static_cast<std::uint16_t>(ef);
      pick.industry = wants_industry;
      pick.accept = rng.bernoulli(acceptance_probability(c, s, t.region[i], t.field[i], er, ef));
    }
  });
  double hires = 0.0, to_industry = 0.0;
  for (std::size_t i = 0, k = 0; i < n; ++i) {
    if (searching[i] != 1) continue;
    const Pick& pick = picks[k++];
    if (pick.slot < 0) continue;
    const Slot slot = (pick.industry ? firm_slots : institute_slots)[static_cast<std::size_t>(pick.slot)];
    auto& open = slot.kind == EmployerKind::institute ? inst_open[slot.employer] : firm_open[slot.employer];
    if (open <= 0) continue;
    if (slot.kind == t.employer_kind[i] && slot.employer == t.employer[i]) continue;
    if (!pick.accept) continue;
    const std::size_t er = slot.kind == EmployerKind::institute ? in.region[slot.employer] : en.region[slot.employer];
    // A researcher leaving an institute for a firm becomes an industry scientist tied to it.
    if (t.role[i] == Role::researcher && slot.kind == EmployerKind::enterprise) {
      t.role[i] = Role::industry_scientist;
      t.tie_institute[i] = t.employer_kind[i] == EmployerKind::institute ? t.employer[i] : -1;
      to_industry += 1.0;
    }
    t.employer_kind[i] = slot.kind;
    t.employer[i] = slot.employer;
    t.region[i] = static_cast<std::uint16_t>(er);
    t.field[i] = pick.field;
    t.months_in_job[i] = 0;
    open -= 1;
    hires += 1.0;
  }

  // 4. Arrivals from outside the province join the unemployed; new ids follow the old ones.
  //    Talent programmes multiply arrivals by role (levers talent.inflow_multiplier_*): the
  //    arrival rate by the roles' weighted multiplier, the researcher share by its reweighting.
  const auto& tp = c.scenario.agents.talent;
  const double base_researcher_share = tp.share_researcher / std::max(1e-12, tp.share_researcher + tp.share_engineer);
  const double boost = 1.0 + base_researcher_share * (s.inflow_multiplier_researcher - 1.0) +
                       (1.0 - base_researcher_share) * (s.inflow_multiplier_engineer - 1.0);  // exactly 1 at baseline
  const double researcher_share = base_researcher_share * s.inflow_multiplier_researcher / boost;
  const double in_rate = 1.0 - std::pow(1.0 - p.inflow_per_year, 1.0 / 12.0);
  const long long present = people_in_province(s);
  Rng arrivals(c.key, Stream::talent_inflow, 0xFFFFFFFFu, month);  // not a person's id
  const std::uint32_t inflow = arrivals.poisson(in_rate * static_cast<double>(present) * boost);
  std::vector<double> rw, fw;
  for (const auto& r : c.scenario.world.regions) rw.push_back(r.talent_share);
  for (const auto& f : c.scenario.world.fields) fw.push_back(f.enterprise_share);
  t.resize(n + inflow);
  for_each_index(inflow, [&](std::size_t k) {
    const std::size_t i = n + k;
    Rng rng(c.key, Stream::talent_inflow, static_cast<std::uint32_t>(i), month);
    const double sigma = tp.skill_log_sd;
    t.role[i] = rng.bernoulli(researcher_share) ? Role::researcher : Role::engineer;
    t.region[i] = static_cast<std::uint16_t>(rng.categorical(rw));
    t.field[i] = static_cast<std::uint16_t>(rng.categorical(fw));
    t.skill[i] = static_cast<float>(rng.lognormal(-0.5 * sigma * sigma, sigma));
    t.employer_kind[i] = EmployerKind::none;
    t.employer[i] = -1;
    t.entrepreneurial_propensity[i] =
        static_cast<float>(std::min(1.0, tp.entrepreneurial_propensity_mean * rng.exponential(1.0)));
    t.months_in_job[i] = 0;
    t.tie_institute[i] = -1;
  });

  // 5. Aggregates and absorptive capacity (industry ties raise it).
  update_workforce(s);
  for (std::size_t e = 0; e < en.size(); ++e)
    en.absorptive_capacity[e] =
        std::min(1.0, en.absorptive_base[e] + p.tie_absorptive_gain * std::log1p(en.industry_ties[e]));

  // 6. Wage subsidies (lever talent.wage_subsidy_*): the paying instance covers rate x engineer
  //    wage x R&D staff of alive firms in its regions, in id order, while its allowance lasts.
  //    Public money paid into the firms' cash.
  for (std::size_t e = 0; e < en.size() && !s.wage_subsidy_policy.empty(); ++e) {
    const std::int32_t k = s.wage_subsidy_policy[en.region[e]];
    if (k < 0 || !en.alive[e] || en.rd_staff[e] <= 0) continue;
    auto& allowance = s.wage_subsidy_allowance_yuan[static_cast<std::size_t>(k)];
    const double paid = std::min(s.wage_subsidy_rate[en.region[e]] * p.engineer_wage_yuan_per_month *
                                     static_cast<double>(en.rd_staff[e]),
                                 allowance);
    if (paid <= 0.0) continue;
    allowance -= paid;
    en.cash_yuan[e] += paid;
    s.ledger.month[lf_policy_spending] += paid;
    s.policy_spending[static_cast<std::size_t>(k)] += paid;
    s.policy_units[static_cast<std::size_t>(k)] += static_cast<double>(en.rd_staff[e]);
  }

  m.at(m_hires) = hires;
  m.at(m_researchers_to_industry) = to_industry;
  m.at(m_talent_inflow) = inflow;
  double open_total = 0.0;
  for (auto v : inst_open) open_total += static_cast<double>(v);
  for (auto v : firm_open) open_total += static_cast<double>(v);
  m.at(m_vacancies) = open_total;
}

}  // namespace innochain
