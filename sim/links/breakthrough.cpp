#include "links/breakthrough.hpp"

#include "core/parallel.hpp"

#include <cmath>

namespace innochain {

double own_project_probability(double zeta, std::int32_t rd_staff) { return 1.0 - std::exp(-zeta * rd_staff); }

void breakthrough(const Context& c, State& s, MonthMetrics& m) {
  const auto& p = c.scenario.chain.breakthrough;
  Projects& pr = s.projects;
  const Enterprises& en = s.enterprises;
  const Institutes& in = s.institutes;
  const std::uint32_t month = static_cast<std::uint32_t>(s.month);

  // Finished basic projects. Each is offered to the contract-research market with a
  // fixed probability; one candidate enterprise of the same field is drawn and signs
  // with probability friction(institute region, firm region) x absorptive capacity.
  // Draws are keyed by project id, so the outcome does not depend on order. The finished
  // projects are found in parallel (each block lists its own, in id order) and handled serially.
  std::vector<std::vector<std::int32_t>> done_of(block_count(pr.active.size()));
  for_blocks(pr.active.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t j = begin; j < end; ++j) {
      const std::int32_t id = pr.active[j];
      if (pr.status[id] == ProjectStatus::stage_done && pr.stage[id] == Stage::basic)
        done_of[begin / kBlock].push_back(id);
    }
  });
  for (const std::vector<std::int32_t>& done : done_of)
    for (const std::int32_t id : done) {
      Rng rng(c.key, Stream::breakthrough_contract, static_cast<std::uint32_t>(id), month);
      const auto& candidates = s.enterprises_by_field[pr.field[id]];
      if (!candidates.empty() && rng.bernoulli(p.contract_research_probability)) {
        const std::int32_t e = candidates[rng.below(static_cast<std::uint32_t>(candidates.size()))];
        const double value = p.contract_value_yuan_median * pr.quality[id];
        const double accept =
            en.cash_yuan[e] < value
                ? 0.0
                : friction(c, s, in.region[static_cast<std::size_t>(pr.origin_institute[id])], en.region[e]) *
                      en.absorptive_capacity[e];
        if (rng.bernoulli(accept)) {
          const std::int32_t inst = pr.origin_institute[id];
          pr.holder_kind[id] = HolderKind::enterprise;
          pr.holder[id] = e;
          // The enterprise pays the institute for the know-how (an internal transfer).
          s.enterprises.cash_yuan[e] -= value;
          s.institutes.cash_yuan[inst] += value;
          m.at(m_contract_research_deals, pr.field[id]) += 1.0;
          m.at(m_contract_research_value, pr.field[id]) += value;
          m.at(m_transfer_income, in.region[inst]) += value;
          if (in.kind[inst] == InstituteKind::university) m.at(m_transfer_income_universities) += value;
        }
      }
      pr.stage[id] = Stage::breakthrough;
      pr.status[id] = ProjectStatus::active;
      pr.progress[id] = 0.0;
      pr.months_in_stage[id] = 0;
    }

  // Enterprises' own projects (at most one start a month each), ids by prefix sum.
  const std::size_t n = en.size();
  std::vector<std::int64_t> offset(n);
  for_each_index(n, [&](std::size_t e) {
    offset[e] = 0;
    if (!en.alive[e] || en.rd_staff[e] == 0) return;
    Rng rng(c.key, Stream::enterprise_rd, static_cast<std::uint32_t>(e), month);
    offset[e] = rng.bernoulli(own_project_probability(p.rd_staff_zeta, en.rd_staff[e])) ? 1 : 0;
  });
  const std::int64_t added = exclusive_scan_in_place(offset);
  const std::size_t first = pr.size();
  pr.resize(first + static_cast<std::size_t>(added));
  const double sigma = c.scenario.chain.basic_research.quality_log_sd;
  for_each_index(n, [&](std::size_t e) {
    const std::int64_t end = e + 1 < n ? offset[e + 1] : added;
    if (end == offset[e]) return;
    Rng rng(c.key, Stream::enterprise_rd, static_cast<std::uint32_t>(e), month);
    rng.uniform();  // the start draw above
    const std::size_t id = first + static_cast<std::size_t>(offset[e]);
    pr.field[id] = en.field[e];
    pr.stage[id] = Stage::breakthrough;
    pr.status[id] = ProjectStatus::active;
    pr.holder_kind[id] = HolderKind::enterprise;
    pr.holder[id] = static_cast<std::int32_t>(e);
    pr.origin_institute[id] = -1;
    pr.progress[id] = 0.0;
    pr.quality[id] = rng.lognormal(
        p.enterprise_quality_log_mean + p.absorptive_quality_gain * en.absorptive_capacity[e] - 0.5 * sigma * sigma,
        sigma);
    pr.months_in_stage[id] = 0;
    pr.created_month[id] = s.month;
  });
  for (std::size_t id = first; id < pr.size(); ++id) {
    pr.active.push_back(static_cast<std::int32_t>(id));
    m.at(m_enterprise_projects_started, pr.field[id]) += 1.0;
  }
}

}  // namespace innochain
