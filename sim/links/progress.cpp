#include "links/progress.hpp"

#include "core/parallel.hpp"

#include <algorithm>
#include <cmath>

namespace innochain {

double progress_rate(const Context& c, Stage stage, std::size_t field, double skill, double funding_coverage,
                     double compute_coverage) {
  const auto& p = c.scenario.chain.progress;
  const auto& fs = c.scenario.world.fields[field];
  const double speed = fs.speed_multiplier / p.stages[static_cast<int>(stage)].duration_months;
  // Compute matters in proportion to the field's compute intensity.
  return speed * std::pow(skill, p.skill_elasticity) * std::pow(funding_coverage, p.funding_elasticity) *
         std::pow(compute_coverage, p.compute_elasticity * fs.compute_intensity);
}

double failure_hazard(const Context& c, Stage stage, double quality) {
  const auto& p = c.scenario.chain.progress;
  return std::min(1.0, p.stages[static_cast<int>(stage)].hazard_per_month * std::pow(quality, -p.quality_hazard_elasticity));
}

namespace {

double monthly_cost(const Context& c, Stage stage, std::size_t field) {
  return c.scenario.chain.progress.stages[static_cast<int>(stage)].cost_yuan_per_month *
         c.scenario.world.fields[field].cost_multiplier;
}

/// What happened to a project this month, for the serial metric pass.
enum class Outcome : std::uint8_t { none, failed, finished };

}  // namespace

void progress(const Context& c, State& s, MonthMetrics& m) {
  Projects& pr = s.projects;
  const Institutes& in = s.institutes;
  const Enterprises& en = s.enterprises;
  const std::uint32_t month = static_cast<std::uint32_t>(s.month);
  const double project_share = c.scenario.agents.institutes.project_budget_share;

  // Holders' demand (serial in id order, so sums are thread-count independent).
  std::vector<double> inst_demand(in.size(), 0.0), firm_demand(en.size(), 0.0);
  for (const std::int32_t id : pr.active) {
    const double cost = monthly_cost(c, pr.stage[id], pr.field[id]);
    (pr.holder_kind[id] == HolderKind::institute ? inst_demand : firm_demand)[pr.holder[id]] += cost;
  }
  const auto coverage = [&](HolderKind kind, std::int32_t h) {
    const double budget = kind == HolderKind::institute ? in.budget_yuan_per_month[h] * project_share
                                                        : en.revenue_yuan_per_month[h] * en.rd_share[h];
    const double demand = (kind == HolderKind::institute ? inst_demand : firm_demand)[h];
    return demand > 0.0 ? std::min(1.0, budget / demand) : 1.0;
  };

  const std::size_t n = pr.active.size();
  std::vector<Outcome> outcome(n, Outcome::none);
  std::vector<double> paid(n, 0.0), coverage_of(n, 0.0);
  for_each_index(n, [&](std::size_t j) {
    const std::int32_t id = pr.active[j];
    const HolderKind kind = pr.holder_kind[id];
    const std::int32_t h = pr.holder[id];
    const double phi = coverage(kind, h);
    const double skill = kind == HolderKind::institute ? in.researcher_skill_mean[h] : en.rd_staff_skill_mean[h];
    coverage_of[j] = phi;
    paid[j] = phi * monthly_cost(c, pr.stage[id], pr.field[id]);
    Rng rng(c.key, Stream::progress, static_cast<std::uint32_t>(id), month);
    if (rng.bernoulli(failure_hazard(c, pr.stage[id], pr.quality[id]))) {
      pr.status[id] = ProjectStatus::failed;
      outcome[j] = Outcome::failed;
      return;
    }
    // Holders pay compute in the same proportion as the rest of the cost.
    pr.progress[id] += progress_rate(c, pr.stage[id], pr.field[id], skill, phi, phi);
    pr.months_in_stage[id] += 1;
    if (pr.progress[id] >= 1.0) outcome[j] = Outcome::finished;
  });

  // Serial pass in id order: stage moves, metrics, the next active list.
  std::vector<std::int32_t> next;
  next.reserve(n);
  double coverage_sum = 0.0;
  for (std::size_t j = 0; j < n; ++j) {
    const std::int32_t id = pr.active[j];
    const std::size_t f = pr.field[id];
    const Stage st = pr.stage[id];
    const int region = pr.holder_kind[id] == HolderKind::institute ? in.region[pr.holder[id]] : en.region[pr.holder[id]];
    m.at(pr.holder_kind[id] == HolderKind::institute ? m_rd_spending_institutes : m_rd_spending_enterprises, region) +=
        paid[j];
    m.at(m_compute_spending, f) += paid[j] * c.scenario.world.fields[f].compute_intensity;
    coverage_sum += coverage_of[j];
    if (outcome[j] == Outcome::failed) {
      m.at(static_cast<Metric>(m_failures_basic + static_cast<int>(st)), f) += 1.0;
      continue;
    }
    if (outcome[j] == Outcome::finished) {
      pr.progress[id] = 0.0;
      pr.months_in_stage[id] = 0;
      switch (st) {
        case Stage::basic:
          pr.status[id] = ProjectStatus::stage_done;  // link 2 moves it on next month
          m.at(m_basic_completed, f) += 1.0;
          break;
        case Stage::breakthrough:
          m.at(m_breakthroughs, f) += 1.0;
          if (pr.holder_kind[id] == HolderKind::institute) {
            pr.status[id] = ProjectStatus::awaiting_transfer;
            s.transfer_queue.push_back(id);
            continue;
          }
          pr.stage[id] = Stage::proof_of_concept;
          break;
        case Stage::proof_of_concept: pr.stage[id] = Stage::pilot; break;
        case Stage::pilot:
          pr.stage[id] = Stage::market;
          pr.status[id] = ProjectStatus::launched;
          m.at(m_products_launched, f) += 1.0;
          continue;
        case Stage::market: break;
      }
    }
    next.push_back(id);
  }
  pr.active.swap(next);
  m.at(m_funding_coverage) = n ? coverage_sum / static_cast<double>(n) : 0.0;
  for (const std::int32_t id : pr.active)
    m.at(static_cast<Metric>(m_projects_basic + static_cast<int>(pr.stage[id])), pr.field[id]) += 1.0;
  m.at(m_awaiting_transfer) = static_cast<double>(s.transfer_queue.size());
}

}  // namespace innochain
