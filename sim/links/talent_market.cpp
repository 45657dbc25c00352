#include "links/talent_market.hpp"

#include "core/parallel.hpp"
#include "links/progress.hpp"
#include "model/population.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <span>

namespace innochain {

std::int64_t institute_staff_target(const Context& c, const Institutes& in, std::size_t i) {
  const auto& t = c.scenario.chain.talent;
  return std::llround(in.budget_yuan_per_month[i] * t.wage_share_of_rd / t.researcher_wage_yuan_per_month);
}

std::int64_t enterprise_staff_target(const Context& c, const Enterprises& en, std::size_t e, double wage_subsidy_rate,
                                     double wage_index) {
  const auto& t = c.scenario.chain.talent;
  if (!en.alive[e]) return 0;
  // A start-up plans its hiring on its cash spread over its runway (enterprise_project_budget).
  const double budget = enterprise_project_budget(c, en, e);
  return std::llround(budget * t.wage_share_of_rd /
                      (t.engineer_wage_yuan_per_month * wage_index * (1.0 - wage_subsidy_rate)));
}

std::int64_t count_unemployed(const Talent& t) {
  return block_reduce(
      t.size(), std::int64_t{0}, [&](std::int64_t& n, std::size_t i) { n += t.employer_kind[i] == EmployerKind::none; },
      [](std::int64_t& a, std::int64_t b) { a += b; }, 1 << 16);
}

double starting_wage_index(const Context& c, const State& s) {
  // Firms' vacancies fall as the wage rises: bisection (in logs) for the wage at which they are
  // target_tightness x the unemployed, so that the labour market starts at its steady state.
  const Enterprises& en = s.enterprises;
  const double want = c.scenario.chain.talent.target_tightness * static_cast<double>(count_unemployed(s.talent));
  const auto vacancies = [&](double wage) {
    return static_cast<double>(block_reduce(
        en.size(), std::int64_t{0},
        [&](std::int64_t& v, std::size_t e) {
          v += std::max<std::int64_t>(0, enterprise_staff_target(c, en, e, 0.0, wage) - en.rd_staff[e]);
        },
        [](std::int64_t& a, std::int64_t b) { a += b; }));
  };
  double lo = std::log(0.05), hi = std::log(20.0);
  if (vacancies(std::exp(lo)) <= want) return std::exp(lo);
  if (vacancies(std::exp(hi)) >= want) return std::exp(hi);
  for (int k = 0; k < 40; ++k) {
    const double mid = 0.5 * (lo + hi);
    (vacancies(std::exp(mid)) > want ? lo : hi) = mid;
  }
  return std::exp(0.5 * (lo + hi));
}

double next_wage_index(const TalentMarketParams& p, double wage_index, double vacancies, double unemployed) {
  // A partial-adjustment wage curve: the wage rises while vacancies per job seeker exceed their
  // target and falls while they are below it; staff targets and arrivals answer to it.
  const double gap = std::clamp(std::log((vacancies + 1.0) / ((unemployed + 1.0) * p.target_tightness)), -5.0, 5.0);
  return wage_index * std::exp(p.wage_adjustment_per_year / 12.0 * gap);
}

double acceptance_probability(const Context& c, const State& s, std::size_t region, std::size_t field,
                              std::size_t employer_region, std::size_t employer_field) {
  return friction(c, s, region, employer_region) *
         c.proximity(static_cast<Eigen::Index>(field), static_cast<Eigen::Index>(employer_field));
}

namespace {

/// A searcher who would take the open slot shown to it, if the slot is still open.
struct Candidate {
  std::int32_t person;
  std::int32_t employer;
  std::uint16_t field;  ///< the slot's field
  bool industry;        ///< a firm's slot (else an institute's)
  bool hired;           ///< set by the serial pass
};

/// The month's working data of the talent market, passed from step to step.
struct TalentMonth {
  TalentMonth(std::size_t rows, std::size_t institutes, std::size_t enterprises)
      : people(rows), blocks(block_count(rows)), staff(institutes, enterprises) {}
  std::size_t people;                                ///< rows of the talent table before the month's arrivals
  std::size_t blocks;                                ///< fixed blocks of those rows
  std::unique_ptr<std::uint8_t[]> searching;         ///< per person: 1 searching, 2 left the province, else 0
  std::vector<std::size_t> offset;                   ///< searchers per block, then their first candidate's index
  StaffCounts staff;                                 ///< head counts after the departures
  std::vector<std::int64_t> inst_open, firm_open;    ///< open positions per employer
  std::vector<std::int64_t> inst_first, firm_first;  ///< first slot of each employer (prefix sums)
  std::unique_ptr<Candidate[]> candidates;
  std::vector<std::size_t> taken;  ///< candidates per block
};

/// Step 1. Departures from the province and on-the-job search, drawn per person. Every row is
/// written (no zeroed scratch vector); per block, the searchers and leavers are counted, and
/// the head counts after the departures are gathered for step 2.
void departures_and_search(const Context& c, State& s, MonthMetrics& m, TalentMonth& w) {
  const auto& p = c.scenario.chain.talent;
  Talent& t = s.talent;
  const std::uint32_t month = static_cast<std::uint32_t>(s.month);
  const std::size_t n = w.people;
  StaffCounts& staff = w.staff;
  const double out_rate = 1.0 - std::pow(1.0 - p.outflow_per_year, 1.0 / 12.0);
  w.searching.reset(new std::uint8_t[n]);
  w.offset.assign(w.blocks, 0);
  std::vector<std::int64_t> leavers(w.blocks, 0);
  for_blocks(n, [&](std::size_t begin, std::size_t end) {
    std::size_t searchers_here = 0;
    std::int64_t left_here = 0;
    std::vector<std::int32_t>& staff_here = staff.local();
    DrawBatch batch(c.key, Stream::talent_move, month, end - begin);
    for (std::size_t i = begin; i < end; ++i) {
      w.searching[i] = 0;
      batch.add_if(static_cast<std::uint32_t>(i), t.employer_kind[i] != EmployerKind::outside);
    }
    batch.draw();
    for (std::size_t j = 0; j < batch.ids.size(); ++j) {
      const std::size_t i = batch.ids[j];
      Rng rng = batch.rng(j);
      const bool unemployed = t.employer_kind[i] == EmployerKind::none;
      // A talent programme's retention lowers the chance of leaving (lever talent.outflow_multiplier).
      const double retention = s.levers.outflow_multiplier.empty() ? 1.0 : s.levers.outflow_multiplier[t.region[i]];
      if (rng.bernoulli(
              std::min(1.0, (unemployed ? out_rate * p.unemployed_outflow_multiplier : out_rate) * retention))) {
        t.employer_kind[i] = EmployerKind::outside;
        t.employer[i] = -1;
        w.searching[i] = 2;
        left_here += 1;
        continue;
      }
      t.months_in_job[i] += 1;
      staff.add(staff_here, t, i);
      if (unemployed || rng.bernoulli(p.search_rate_employed)) {
        w.searching[i] = 1;
        searchers_here += 1;
      }
    }
    w.offset[begin / kBlock] = searchers_here;
    leavers[begin / kBlock] = left_here;
  });
  std::int64_t left = 0;
  for (const std::int64_t l : leavers) left += l;
  m.at(m_talent_outflow) = static_cast<double>(left);
}

/// Step 2. Vacancies: staff targets minus current staff (after departures). Open positions,
/// one slot each, in employer order: slot k of a list belongs to the employer e with
/// first_slot[e] <= k < first_slot[e + 1] (the list itself is not built). Institutes' slots
/// are for researchers. Only the head counts are needed here, and step 1 counted them (step 5
/// recomputes all aggregates before anything reads them).
void vacancies(const Context& c, State& s, TalentMonth& w) {
  const Institutes& in = s.institutes;
  const Enterprises& en = s.enterprises;
  w.staff.store(s);
  w.inst_open.resize(in.size());
  w.firm_open.resize(en.size());
  const double wage = s.market_wage_index;
  for (std::size_t i = 0; i < in.size(); ++i)
    w.inst_open[i] = std::max<std::int64_t>(0, institute_staff_target(c, in, i) - in.researchers[i]);
  for_blocks(en.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t e = begin; e < end; ++e) {
      const double wage_subsidy = s.levers.wage_subsidy_rate.empty() ? 0.0 : s.levers.wage_subsidy_rate[en.region[e]];
      w.firm_open[e] =
          std::max<std::int64_t>(0, enterprise_staff_target(c, en, e, wage_subsidy, wage) - en.rd_staff[e]);
    }
  });
  const auto first_slots = [](const std::vector<std::int64_t>& open) {
    std::vector<std::int64_t> first(open.size() + 1, 0);
    for (std::size_t k = 0; k < open.size(); ++k) first[k + 1] = first[k] + open[k];
    return first;
  };
  w.inst_first = first_slots(w.inst_open);
  w.firm_first = first_slots(w.firm_open);
}

/// The last employer whose first slot is <= k (employers without slots are skipped).
std::int32_t slot_owner(const std::vector<std::int64_t>& first, std::uint32_t k) {
  return static_cast<std::int32_t>(std::upper_bound(first.begin(), first.end(), static_cast<std::int64_t>(k)) -
                                   first.begin() - 1);
}

/// Step 3. Matching, serially in person id order: a searcher sees one random open slot (a
/// researcher looks at industry with chain.talent.researcher_to_industry_share, else at
/// institutes) and takes it with probability friction x proximity if it is still open. A
/// slot filled earlier this month is a failed search (congestion). The searcher's draws
/// (which slot, the slot's field, acceptance) depend only on the person and the month's slot
/// lists, not on earlier hires, and so does whether the slot is the searcher's own employer;
/// so they are made first in parallel, and only the searchers who would take their slot
/// become candidates. The serial pass, in id order, only checks whether the candidate's slot
/// is still open and takes it; the hires are then written to the talent table in parallel.
void matching(const Context& c, State& s, MonthMetrics& m, TalentMonth& w) {
  const auto& p = c.scenario.chain.talent;
  Talent& t = s.talent;
  const Institutes& in = s.institutes;
  const Enterprises& en = s.enterprises;
  const std::uint32_t month = static_cast<std::uint32_t>(s.month);
  const std::size_t n = w.people;
  const std::size_t searchers = exclusive_scan_in_place(w.offset);
  w.candidates.reset(new Candidate[searchers]);
  w.taken.assign(w.blocks, 0);  // candidates per block (they start at w.offset[b])
  const std::uint32_t inst_slots = static_cast<std::uint32_t>(w.inst_first.back());
  const std::uint32_t firm_slots = static_cast<std::uint32_t>(w.firm_first.back());
  for_blocks(n, [&](std::size_t begin, std::size_t end) {
    const std::size_t start = w.offset[begin / kBlock];
    std::size_t k = start;
    DrawBatch batch(c.key, Stream::talent_match, month, end - begin);
    for (std::size_t i = begin; i < end; ++i) batch.add_if(static_cast<std::uint32_t>(i), w.searching[i] == 1);
    batch.draw();
    for (std::size_t j = 0; j < batch.ids.size(); ++j) {
      const std::size_t i = batch.ids[j];
      Rng rng = batch.rng(j);
      const bool wants_industry = t.role[i] != Role::researcher || rng.bernoulli(p.researcher_to_industry_share);
      const std::uint32_t slots = wants_industry ? firm_slots : inst_slots;
      if (slots == 0) continue;
      const std::uint32_t index = rng.below(slots);
      const std::int32_t employer = slot_owner(wants_industry ? w.firm_first : w.inst_first, index);
      const EmployerKind kind = wants_industry ? EmployerKind::enterprise : EmployerKind::institute;
      const std::size_t er = wants_industry ? en.region[employer] : in.region[employer];
      const std::size_t ef =
          wants_industry ? en.field[employer]
                         : rng.categorical(std::span<const double>(in.field_weight)
                                               .subspan(static_cast<std::size_t>(employer) * c.fields, c.fields));
      const bool accept = rng.bernoulli(acceptance_probability(c, s, t.region[i], t.field[i], er, ef));
      if (!accept || (kind == t.employer_kind[i] && employer == t.employer[i])) continue;
      w.candidates[k++] = {static_cast<std::int32_t>(i), employer, static_cast<std::uint16_t>(ef), wants_industry,
                           false};
    }
    w.taken[begin / kBlock] = k - start;
  });
  for (std::size_t b = 0; b < w.blocks; ++b)
    for (std::size_t k = w.offset[b]; k < w.offset[b] + w.taken[b]; ++k) {
      Candidate& cand = w.candidates[k];
      auto& open = cand.industry ? w.firm_open[cand.employer] : w.inst_open[cand.employer];
      if (open <= 0) continue;
      open -= 1;
      cand.hired = true;
    }
  struct Hires {
    std::int64_t hires = 0, to_industry = 0;
  };
  const Hires moved = block_reduce(
      w.blocks, Hires{},
      [&](Hires& h, std::size_t b) {
        for (std::size_t k = w.offset[b]; k < w.offset[b] + w.taken[b]; ++k) {
          const Candidate& cand = w.candidates[k];
          if (!cand.hired) continue;
          const auto i = static_cast<std::size_t>(cand.person);
          // A researcher leaving an institute for a firm becomes an industry scientist tied to it.
          if (t.role[i] == Role::researcher && cand.industry) {
            t.role[i] = Role::industry_scientist;
            t.tie_institute[i] = t.employer_kind[i] == EmployerKind::institute ? t.employer[i] : -1;
            h.to_industry += 1;
          }
          t.employer_kind[i] = cand.industry ? EmployerKind::enterprise : EmployerKind::institute;
          t.employer[i] = cand.employer;
          t.region[i] = cand.industry ? en.region[cand.employer] : in.region[cand.employer];
          t.field[i] = cand.field;
          t.months_in_job[i] = 0;
          h.hires += 1;
        }
      },
      [](Hires& a, const Hires& b) {
        a.hires += b.hires;
        a.to_industry += b.to_industry;
      },
      1);
  m.at(m_hires) = static_cast<double>(moved.hires);
  m.at(m_researchers_to_industry) = static_cast<double>(moved.to_industry);
}

/// Step 4. Arrivals from outside the province join the unemployed; new ids follow the old
/// ones. Talent programmes multiply arrivals by role (levers talent.inflow_multiplier_*): the
/// arrival rate by the roles' weighted multiplier, the researcher share by its reweighting.
void arrivals(const Context& c, State& s, MonthMetrics& m, const TalentMonth& w) {
  const auto& p = c.scenario.chain.talent;
  Talent& t = s.talent;
  const std::uint32_t month = static_cast<std::uint32_t>(s.month);
  const std::size_t n = w.people;
  const auto& tp = c.scenario.agents.talent;
  const double base_researcher_share = tp.share_researcher / std::max(1e-12, tp.share_researcher + tp.share_engineer);
  const double boost =
      1.0 + base_researcher_share * (s.levers.inflow_multiplier_researcher - 1.0) +
      (1.0 - base_researcher_share) * (s.levers.inflow_multiplier_engineer - 1.0);  // exactly 1 at baseline
  const double researcher_share = base_researcher_share * s.levers.inflow_multiplier_researcher / boost;
  // Arrivals answer to the market wage (index^elasticity): the population settles where
  // arrivals balance departures.
  const double in_rate = (1.0 - std::pow(1.0 - p.inflow_per_year, 1.0 / 12.0)) *
                         std::pow(s.market_wage_index / s.starting_wage_index, p.migration_wage_elasticity);
  const long long present = people_in_province(s);
  Rng count_draw(c.key, Stream::talent_inflow, 0xFFFFFFFFu, month);  // not a person's id
  const std::uint32_t inflow = count_draw.poisson(in_rate * static_cast<double>(present) * boost);
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

  m.at(m_talent_inflow) = inflow;
}

/// Step 4b. National recruitment by institutes: each position still open after the matching is
/// filled with probability chain.talent.institute_recruitment_per_month by a researcher from
/// outside the province, a new person employed at once (rows after the month's arrivals, in
/// institute order; the count is drawn per institute, the person's traits per row). Institutes' head counts thus answer
/// to their vacancies.
std::int64_t recruitment(const Context& c, State& s, TalentMonth& w) {
  const auto& p = c.scenario.chain.talent;
  Talent& t = s.talent;
  const Institutes& in = s.institutes;
  const std::uint32_t month = static_cast<std::uint32_t>(s.month);
  const auto& tp = c.scenario.agents.talent;
  std::vector<std::uint32_t> hires(in.size(), 0);
  std::int64_t total = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (w.inst_open[i] <= 0) continue;
    Rng rng(c.key, Stream::talent_recruit, static_cast<std::uint32_t>(i), month);
    for (std::int64_t k = 0; k < w.inst_open[i]; ++k) hires[i] += rng.bernoulli(p.institute_recruitment_per_month);
    w.inst_open[i] -= hires[i];
    total += hires[i];
  }
  if (total == 0) return 0;
  std::size_t row = t.size();
  t.resize(row + static_cast<std::size_t>(total));
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (hires[i] == 0) continue;
    const std::span<const double> fields = std::span<const double>(in.field_weight).subspan(i * c.fields, c.fields);
    for (std::uint32_t k = 0; k < hires[i]; ++k, ++row) {
      // A new person's draws, keyed by its row (rows after the month's arrivals: no key is shared).
      Rng rng(c.key, Stream::talent_inflow, static_cast<std::uint32_t>(row), month);
      const double sigma = tp.skill_log_sd;
      t.role[row] = Role::researcher;
      t.region[row] = in.region[i];
      t.field[row] = static_cast<std::uint16_t>(rng.categorical(fields));
      t.skill[row] = static_cast<float>(rng.lognormal(-0.5 * sigma * sigma, sigma));
      t.employer_kind[row] = EmployerKind::institute;
      t.employer[row] = static_cast<std::int32_t>(i);
      t.entrepreneurial_propensity[row] =
          static_cast<float>(std::min(1.0, in.researcher_propensity_mean[i] * rng.exponential(1.0)));
      t.months_in_job[row] = 0;
      t.tie_institute[row] = -1;
    }
  }
  return total;
}

/// Step 5. Employers' aggregates from the talent table, and absorptive capacity (industry
/// ties raise it).
void workforce(const Context& c, State& s) {
  const auto& p = c.scenario.chain.talent;
  Enterprises& en = s.enterprises;
  update_workforce(s);
  for_blocks(en.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t e = begin; e < end; ++e)
      en.absorptive_capacity[e] =
          std::min(1.0, en.absorptive_base[e] + p.tie_absorptive_gain * std::log1p(en.industry_ties[e]));
  });
}

/// Step 6. Wage subsidies (lever talent.wage_subsidy_*): the paying instance covers rate x
/// engineer wage x R&D staff of alive firms in its regions, in id order, while its allowance
/// lasts. Public money paid into the firms' cash.
void wage_subsidies(const Context& c, State& s) {
  const auto& p = c.scenario.chain.talent;
  Enterprises& en = s.enterprises;
  for (std::size_t e = 0; e < en.size() && !s.levers.wage_subsidy_policy.empty(); ++e) {
    const std::int32_t k = s.levers.wage_subsidy_policy[en.region[e]];
    if (k < 0 || !en.alive[e] || en.rd_staff[e] <= 0) continue;
    auto& allowance = s.levers.wage_subsidy_allowance_yuan[static_cast<std::size_t>(k)];
    const double paid = std::min(
        s.levers.wage_subsidy_rate[en.region[e]] * p.engineer_wage_yuan_per_month * static_cast<double>(en.rd_staff[e]),
        allowance);
    if (paid <= 0.0) continue;
    allowance -= paid;
    en.cash_yuan[e] += paid;
    s.ledger.month[lf_policy_spending] += paid;
    s.policy_spending[static_cast<std::size_t>(k)] += paid;
    s.policy_units[static_cast<std::size_t>(k)] += static_cast<double>(en.rd_staff[e]);
  }
}

}  // namespace

void talent_market(const Context& c, State& s, MonthMetrics& m) {
  TalentMonth w(s.talent.size(), s.institutes.size(), s.enterprises.size());
  departures_and_search(c, s, m, w);
  vacancies(c, s, w);
  matching(c, s, m, w);
  arrivals(c, s, m, w);
  const std::int64_t recruited = recruitment(c, s, w);
  m.at(m_researchers_recruited) = static_cast<double>(recruited);
  m.at(m_talent_inflow) += static_cast<double>(recruited);
  workforce(c, s);
  wage_subsidies(c, s);
  std::int64_t open_total = 0, firm_open = 0;  // integers: the same double as the running sum of the counts
  for (auto v : w.inst_open) open_total += v;
  for (auto v : w.firm_open) firm_open += v;
  open_total += firm_open;
  m.at(m_vacancies) = static_cast<double>(open_total);
  // Enterprises' wage for next month, from this month's tightness (their vacancies per
  // unemployed person). Institutes pay public scale wages (their staff targets use the scenario's
  // researcher wage).
  m.at(m_market_wage_index) = s.market_wage_index;  // the wage this month's targets and arrivals used
  s.market_wage_index = next_wage_index(c.scenario.chain.talent, s.market_wage_index, static_cast<double>(firm_open),
                                        static_cast<double>(count_unemployed(s.talent)));
}

}  // namespace innochain
