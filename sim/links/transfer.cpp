#include "links/transfer.hpp"

#include "model/population.hpp"

#include <algorithm>
#include <cmath>

namespace innochain {

double inventor_effort(const TransferParams& p, double share) {
  if (share <= 0.0) return 0.0;
  const double a = std::pow(share, p.inventor_effort_elasticity);
  return a / (a + std::pow(p.inventor_effort_half_share, p.inventor_effort_elasticity));
}

double route_probability(const TransferParams& p, double office_skill, std::int32_t industry_ties) {
  return std::min(1.0, office_skill * (1.0 + p.tie_skill_gain * std::log1p(static_cast<double>(industry_ties))));
}

bool official_approves(double expected_gain, double risk_aversion, double sanction_probability, double sanction_size) {
  return expected_gain > risk_aversion * sanction_probability * sanction_size;
}

namespace {

/// The licensing market: the candidate enterprise that values the project most and can
/// pay the fee; returns -1 if none. Candidates come from fields near the project's.
std::int32_t best_licensee(const Context& c, const State& s, std::int32_t project, std::size_t institute_region,
                           Rng& rng, double& valuation) {
  const auto& p = c.scenario.chain.transfer;
  const Projects& pr = s.projects;
  const Enterprises& en = s.enterprises;
  const std::size_t f = pr.field[project];
  std::vector<double> near(c.fields);
  for (std::size_t g = 0; g < c.fields; ++g)
    near[g] = s.enterprises_by_field[g].empty()
                  ? 0.0
                  : c.proximity(static_cast<Eigen::Index>(f), static_cast<Eigen::Index>(g));
  double total = 0.0;
  for (double w : near) total += w;
  std::int32_t best = -1;
  valuation = 0.0;
  if (total <= 0.0) return best;
  const double fee_share = p.licence_fee_share;
  for (std::int64_t k = 0; k < p.licence_candidates; ++k) {
    const std::size_t g = rng.categorical(near);
    const auto& firms = s.enterprises_by_field[g];
    const std::int32_t e = firms[rng.below(static_cast<std::uint32_t>(firms.size()))];
    // Regional friction scales the chance that the office and the firm meet at all.
    if (!rng.bernoulli(friction(c, s, institute_region, en.region[e]))) continue;
    const double v = p.transfer_value_yuan_median * pr.quality[project] * en.absorptive_capacity[e] *
                     c.proximity(static_cast<Eigen::Index>(f), static_cast<Eigen::Index>(g));
    if (v > valuation && en.cash_yuan[e] >= fee_share * v) {
      valuation = v;
      best = e;
    }
  }
  return best;
}

}  // namespace

void transfer(const Context& c, State& s, MonthMetrics& m) {
  const auto& p = c.scenario.chain.transfer;
  Projects& pr = s.projects;
  Institutes& in = s.institutes;
  Enterprises& en = s.enterprises;
  const std::uint32_t month = static_cast<std::uint32_t>(s.month);

  std::vector<std::int64_t> capacity(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    Rng rng(c.key, Stream::transfer_office, static_cast<std::uint32_t>(i), month);
    const double cap = in.transfer_office_capacity[i];
    capacity[i] = static_cast<std::int64_t>(cap) + (rng.bernoulli(cap - std::floor(cap)) ? 1 : 0);
  }

  // Cases in queue order; an office that has used its capacity leaves the rest waiting.
  std::vector<std::int32_t> waiting, reactivated;
  double cases = 0.0, transfers = 0.0;
  const double mean_propensity = std::max(1e-12, c.scenario.agents.talent.entrepreneurial_propensity_mean);
  for (const std::int32_t id : s.transfer_queue) {
    const auto i = static_cast<std::size_t>(pr.holder[id]);
    if (capacity[i] <= 0) {
      // A case waits a month more, or lapses (months_in_stage counts its months in the queue).
      pr.months_in_stage[id] += 1;
      if (pr.months_in_stage[id] >= p.case_expiry_months) {
        pr.status[id] = ProjectStatus::shelved;
        m.at(m_shelved_expired, pr.field[id]) += 1.0;
        continue;
      }
      waiting.push_back(id);
      continue;
    }
    capacity[i] -= 1;
    cases += 1.0;
    const std::size_t f = pr.field[id];
    m.at(m_transfer_cases, f) += 1.0;
    Rng rng(c.key, Stream::transfer, static_cast<std::uint32_t>(id), month);
    // Don't know how.
    if (!rng.bernoulli(route_probability(p, in.transfer_office_skill[i], in.industry_ties[i]))) {
      pr.status[id] = ProjectStatus::shelved;
      m.at(m_shelved_no_route, f) += 1.0;
      continue;
    }
    // Don't want: the inventor's effort scales the value the transfer will realise.
    const double effort = inventor_effort(p, in.levers.inventor_share[i]);
    const double seen_quality =
        pr.quality[id] * rng.lognormal(-0.5 * p.screening_noise * p.screening_noise, p.screening_noise);
    const double expected_gain = p.transfer_value_yuan_median * seen_quality * effort;
    // Don't dare, and the office's screening (care below 1 lets weaker projects through).
    if (seen_quality < p.screening_threshold * in.levers.screening_care[i] ||
        !official_approves(expected_gain, in.risk_aversion[i], in.levers.sanction_probability[i],
                           p.sanction_size_yuan)) {
      pr.status[id] = ProjectStatus::shelved;
      m.at(m_shelved_not_approved, f) += 1.0;
      continue;
    }
    // The inventor's entrepreneurial propensity relative to the province's mean: the institute's
    // researchers' mean propensity times an individual Exp(1) factor.
    const double propensity = in.researcher_propensity_mean[i] / mean_propensity * rng.exponential(1.0);
    const bool spinoff = rng.bernoulli(std::min(1.0, p.spinoff_probability * effort * propensity));
    std::int32_t holder = -1;
    double last_valuation = 0.0;
    if (spinoff) {
      const auto& ep = c.scenario.agents.enterprises;
      // A spin-off has no product yet: it lives on its founders' money until it launches.
      holder = found_startup(c, s, f, in.region[i], std::min(1.0, ep.absorptive_capacity_mean + 0.2));
      en.origin_institute[holder] = static_cast<std::int32_t>(i);
      const double value = p.transfer_value_yuan_median * pr.quality[id] * effort;
      m.at(m_transfers_spinoff, f) += 1.0;
      m.at(m_spinoffs_founded, f) += 1.0;
      m.at(m_transfer_contract_value, f) += value;
    } else {
      double valuation = 0.0;
      Rng market(c.key, Stream::licensing, static_cast<std::uint32_t>(id), month);
      holder = best_licensee(c, s, id, in.region[i], market, valuation);
      if (holder < 0 || valuation < p.licence_reserve_share * p.transfer_value_yuan_median * seen_quality) {
        pr.status[id] = ProjectStatus::shelved;
        m.at(m_shelved_no_buyer, f) += 1.0;
        continue;
      }
      last_valuation = valuation;
      const double fee = p.licence_fee_share * valuation;
      en.cash_yuan[holder] -= fee;
      in.cash_yuan[i] += fee * (1.0 - in.levers.inventor_share[i]);
      s.ledger.month[lf_inventor_income] += fee * in.levers.inventor_share[i];
      m.at(m_transfers_licence, f) += 1.0;
      m.at(m_licence_fees, f) += fee;
      m.at(m_transfer_contract_value, f) += fee;
      m.at(m_transfer_income, in.region[i]) += fee;
      if (in.kind[i] == InstituteKind::university) m.at(m_transfer_income_universities) += fee;
    }
    transfers += 1.0;
    if (c.scenario.output.events_transfers) {
      auto& ev = s.events.transfers;
      ev.month.push_back(s.month);
      ev.project.push_back(id);
      ev.institute.push_back(static_cast<std::int32_t>(i));
      ev.route.push_back(spinoff ? 1 : 0);
      ev.counterpart.push_back(holder);
      ev.value.push_back(spinoff ? p.transfer_value_yuan_median * pr.quality[id] * effort
                                 : p.licence_fee_share * last_valuation);
      ev.quality.push_back(pr.quality[id]);
    }
    if (pr.quality[id] < p.bad_quality_threshold) m.at(m_bad_transfers, f) += 1.0;
    pr.holder_kind[id] = HolderKind::enterprise;
    pr.holder[id] = holder;
    pr.stage[id] = Stage::proof_of_concept;
    pr.status[id] = ProjectStatus::active;
    pr.progress[id] = 0.0;
    pr.months_in_stage[id] = 0;
    reactivated.push_back(id);
  }
  s.transfer_queue.swap(waiting);
  if (!reactivated.empty()) {
    // Keep the active list in id order.
    std::sort(reactivated.begin(), reactivated.end());
    const auto middle = static_cast<std::ptrdiff_t>(pr.active.size());
    pr.active.insert(pr.active.end(), reactivated.begin(), reactivated.end());
    std::inplace_merge(pr.active.begin(), pr.active.begin() + middle, pr.active.end());
  }
  m.at(m_awaiting_transfer) = static_cast<double>(s.transfer_queue.size());
  m.at(m_transfer_conversion) = cases > 0.0 ? transfers / cases : 0.0;
}

}  // namespace innochain
