#include "links/breakthrough.hpp"

#include "core/parallel.hpp"
#include "links/progress.hpp"

#include <algorithm>
#include <cmath>

namespace innochain {

double own_project_probability(double zeta, std::int32_t rd_staff) { return 1.0 - std::exp(-zeta * rd_staff); }

ContractMarket::ContractMarket(const Context& c, const State& s)
    : c_(c), s_(s), cash_(c.fields * c.regions), capacity_(c.fields * c.regions), firms_(c.fields, 0.0) {
  const Enterprises& en = s.enterprises;
  std::vector<std::vector<std::pair<double, double>>> cell(c.fields * c.regions);
  for (std::size_t e = 0; e < en.size(); ++e) {
    if (!en.alive[e]) continue;
    cell[en.field[e] * c.regions + en.region[e]].emplace_back(en.cash_yuan[e], en.absorptive_capacity[e]);
    firms_[en.field[e]] += 1.0;
  }
  for (std::size_t k = 0; k < cell.size(); ++k) {
    std::sort(cell[k].begin(), cell[k].end());
    cash_[k].resize(cell[k].size());
    capacity_[k].assign(cell[k].size() + 1, 0.0);
    for (std::size_t j = cell[k].size(); j-- > 0;) {
      cash_[k][j] = cell[k][j].first;
      capacity_[k][j] = capacity_[k][j + 1] + cell[k][j].second;
    }
  }
}

double ContractMarket::signing_probability(std::size_t region, std::size_t field, double value) const {
  if (firms_[field] == 0.0) return 0.0;
  double sum = 0.0;
  for (std::size_t r = 0; r < c_.regions; ++r) {
    const std::size_t k = field * c_.regions + r;
    const auto from = std::lower_bound(cash_[k].begin(), cash_[k].end(), value) - cash_[k].begin();
    sum += friction(c_, s_, region, r) * capacity_[k][static_cast<std::size_t>(from)];
  }
  return c_.scenario.chain.breakthrough.contract_research_probability * sum / firms_[field];
}

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
    // A firm starts a project only when its budget covers its projects under way (last month's
    // plan at full speed, its own share) and the new one's first month: R&D spending, not the
    // team alone, sets how many projects a firm runs (docs/model.md 3.3.3).
    const bool affordable = enterprise_project_budget(c, en, e) >=
                            en.rd_own_cost_yuan[e] + cost_at_base_price(c, Stage::breakthrough, en.field[e]);
    offset[e] = rng.bernoulli(own_project_probability(p.rd_staff_zeta, en.rd_staff[e])) && affordable ? 1 : 0;
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
