#include "links/basic_research.hpp"

#include "core/parallel.hpp"

#include <cmath>

namespace innochain {

double discovery_rate(const Context& c, const Institutes& in, std::size_t i, const Eigen::VectorXd& spill) {
  const auto& p = c.scenario.chain.basic_research;
  const double basic_budget = in.budget_yuan_per_month[i] * (1.0 - c.scenario.agents.institutes.project_budget_share);
  const std::size_t F = c.fields;
  double exposure = 0.0;  // the institute's portfolio-weighted spill-over
  for (std::size_t f = 0; f < F; ++f) exposure += in.field_weight[i * F + f] * spill[static_cast<Eigen::Index>(f)];
  return p.discoveries_per_month * std::pow(basic_budget / kReferenceBasicBudget, p.budget_elasticity) *
         std::pow(in.researchers[i] / kReferenceResearchers, p.researcher_elasticity) *
         (1.0 + p.spillover_strength * std::log1p(exposure / kReferenceKnowledge));
}

void basic_research(const Context& c, State& s, MonthMetrics& m) {
  const auto& p = c.scenario.chain.basic_research;
  Institutes& in = s.institutes;
  Projects& pr = s.projects;
  const std::size_t F = c.fields;
  const std::size_t n = in.size();
  if (n == 0) return;

  // Public budgets grow month by month.
  if (s.month > 0) {
    const double growth = std::pow(1.0 + c.scenario.agents.institutes.budget_growth_per_year, 1.0 / 12.0);
    for (double& b : in.budget_yuan_per_month) b *= growth;
  }

  // Knowledge depreciates, and basic projects finished last month add their quality to
  // their origin institute's stock in their field.
  const double keep = std::pow(1.0 - p.knowledge_depreciation_per_year, 1.0 / 12.0);
  for (double& k : in.knowledge) k *= keep;
  for (const std::int32_t id : pr.active) {
    if (pr.status[id] == ProjectStatus::stage_done && pr.stage[id] == Stage::basic && pr.origin_institute[id] >= 0)
      in.knowledge[static_cast<std::size_t>(pr.origin_institute[id]) * F + pr.field[id]] += pr.quality[id];
  }

  // Spill-over: province mean knowledge per field, weighted by field proximity.
  Eigen::VectorXd mean_knowledge = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(F));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t f = 0; f < F; ++f) mean_knowledge[static_cast<Eigen::Index>(f)] += in.knowledge[i * F + f];
  mean_knowledge /= static_cast<double>(n);
  const Eigen::VectorXd spill = c.proximity * mean_knowledge;

  // Poisson discoveries per institute; new ids by prefix sum in institute order.
  std::vector<std::int64_t> offset(n);
  const std::uint32_t month = static_cast<std::uint32_t>(s.month);
  for_each_index(
      n,
      [&](std::size_t i) {
        Rng rng(c.key, Stream::basic_research, static_cast<std::uint32_t>(i), month);
        offset[i] = rng.poisson(discovery_rate(c, in, i, spill));
      },
      16);
  const std::int64_t added = exclusive_scan_in_place(offset);
  const std::size_t first = pr.size();
  pr.resize(first + static_cast<std::size_t>(added));
  const double sigma = p.quality_log_sd;
  for_each_index(
      n,
      [&](std::size_t i) {
        const std::int64_t end = i + 1 < n ? offset[i + 1] : added;
        if (end == offset[i]) return;
        Rng rng(c.key, Stream::discovery, static_cast<std::uint32_t>(i), month);
        const std::span<const double> weights(in.field_weight.data() + i * F, F);
        for (std::int64_t k = offset[i]; k < end; ++k) {
          const std::size_t id = first + static_cast<std::size_t>(k);
          const std::size_t f = rng.categorical(weights);
          pr.field[id] = static_cast<std::uint16_t>(f);
          pr.stage[id] = Stage::basic;
          pr.status[id] = ProjectStatus::active;
          pr.holder_kind[id] = HolderKind::institute;
          pr.holder[id] = static_cast<std::int32_t>(i);
          pr.origin_institute[id] = static_cast<std::int32_t>(i);
          pr.progress[id] = 0.0;
          // Mean-one log-normal, scaled up by the institute's knowledge in the field.
          pr.quality[id] = std::pow(1.0 + in.knowledge[i * F + f], p.knowledge_quality_elasticity) *
                           rng.lognormal(-0.5 * sigma * sigma, sigma);
          pr.months_in_stage[id] = 0;
          pr.created_month[id] = s.month;
        }
      },
      16);
  for (std::size_t id = first; id < pr.size(); ++id) {
    pr.active.push_back(static_cast<std::int32_t>(id));
    m.at(m_discoveries, pr.field[id]) += 1.0;
  }

  for (std::size_t i = 0; i < n; ++i) {
    const double spent = in.budget_yuan_per_month[i] * (1.0 - c.scenario.agents.institutes.project_budget_share);
    m.at(m_basic_research_spending) += spent;
    s.ledger.month[lf_public_budget] += spent;
    s.ledger.month[lf_research_spending] += spent;
  }
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t f = 0; f < F; ++f) m.at(m_knowledge_stock, f) += in.knowledge[i * F + f];
}

}  // namespace innochain
