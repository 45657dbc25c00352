#include "links/entry.hpp"

#include "core/parallel.hpp"
#include "links/compute_market.hpp"
#include "links/progress.hpp"
#include "model/population.hpp"

#include <algorithm>
#include <cmath>

namespace innochain {

double founding_probability(const EntryParams& p, double propensity) {
  return std::min(1.0, propensity * (1.0 - std::pow(1.0 - p.talent_founding_per_year, 1.0 / 12.0)));
}

double development_cost_ratio(const Context& c, std::size_t field, double relative_compute_price, double rd_subsidy) {
  const double sigma = c.scenario.chain.compute.substitution_elasticity;
  double at_base = 0.0, now = 0.0;
  // A firm's own products start at BREAKTHROUGH; each stage costs its months x its monthly cost.
  for (const Stage st : {Stage::breakthrough, Stage::proof_of_concept, Stage::pilot}) {
    const std::size_t k = c.input_index(field, st);
    const double months = c.scenario.chain.progress.stages[static_cast<int>(st)].duration_months;
    const double cost = months * cost_at_base_price(c, st, field);
    at_base += cost;
    now += cost * cost_minimising_mix(c.other_weight[k], relative_compute_price, sigma).unit_cost;
  }
  // A subsidy pays only R&D expense: the share of the founders' cost it does not cover (their own
  // time and the firm's non-R&D cost) bounds the ratio away from 0 as the rate approaches 1.
  const double covered = 1.0 - c.scenario.chain.entry.unsubsidised_cost_share;
  return at_base > 0.0 ? (1.0 - covered * rd_subsidy) * now / at_base : 1.0;
}

double founding_multiplier(const Context& c, const State& s, std::size_t field, std::size_t region) {
  const WorldLevers& l = s.levers;
  const std::size_t cell = field * c.regions + region;
  const double compute_subsidy = l.entry_compute_subsidy_rate.empty() ? 0.0 : l.entry_compute_subsidy_rate[cell];
  const double rd_subsidy = l.entry_rd_subsidy_rate.empty() ? 0.0 : l.entry_rd_subsidy_rate[cell];
  const double pi = std::max(kLowestRelativeComputePrice, compute_price(c, s, region) * (1.0 - compute_subsidy) /
                                                              c.scenario.chain.compute.base_price_yuan_per_gpu_hour);
  if (pi == 1.0 && rd_subsidy == 0.0) return 1.0;
  // Expected revenue per product does not move in this version: the return per yuan moves
  // inversely with the cost of developing one.
  return std::pow(development_cost_ratio(c, field, pi, rd_subsidy), -c.scenario.chain.entry.profit_elasticity);
}

std::vector<double> sme_entry_response(const Context& c, const State& s) {
  const double eps = c.scenario.chain.entry.profit_elasticity;
  const std::vector<double> now = revenue_per_selling_firm(s, c.fields);
  std::vector<double> response(c.fields, 1.0);
  for (std::size_t f = 0; f < c.fields; ++f) {
    const double before = f < s.reference_revenue_per_firm.size() ? s.reference_revenue_per_firm[f] : 0.0;
    if (before <= 0.0) continue;  // nothing sold there at the start: the base rate
    response[f] = now[f] > 0.0 ? std::clamp(std::pow(now[f] / before, eps), kLeastEntryResponse, kMostEntryResponse)
                               : kMostEntryResponse;
  }
  return response;
}

void entry(const Context& c, State& s, MonthMetrics& m) {
  const auto& p = c.scenario.chain.entry;
  const auto& ep = c.scenario.agents.enterprises;
  Talent& t = s.talent;
  const std::uint32_t month = static_cast<std::uint32_t>(s.month);

  // Founders: drawn per person in parallel (each block lists its founders in id order),
  // then founded in id order.
  // founding_probability() with its monthly rate hoisted out of the loop over people.
  // ... times the founding multiplier of the person's field and region (expected profitability).
  const double monthly = founding_probability(p, 1.0);
  std::vector<double> rate(c.fields * c.regions);
  for (std::size_t f = 0; f < c.fields; ++f)
    for (std::size_t r = 0; r < c.regions; ++r) rate[f * c.regions + r] = monthly * founding_multiplier(c, s, f, r);
  std::vector<std::vector<std::int32_t>> founders_of(block_count(t.size()));
  for_blocks(t.size(), [&](std::size_t begin, std::size_t end) {
    std::vector<std::int32_t>& founders = founders_of[begin / kBlock];
    DrawBatch batch(c.key, Stream::entry, month, end - begin);
    for (std::size_t i = begin; i < end; ++i) {
      // People already working at a start-up do not found another one.
      const EmployerKind kind = t.employer_kind[i];
      const bool at_startup = kind == EmployerKind::enterprise &&
                              s.enterprises.kind[static_cast<std::size_t>(t.employer[i])] == EnterpriseKind::startup;
      batch.add_if(static_cast<std::uint32_t>(i), kind != EmployerKind::outside && !at_startup);
    }
    batch.draw();
    for (std::size_t j = 0; j < batch.ids.size(); ++j) {
      const std::size_t i = batch.ids[j];
      Rng rng = batch.rng(j);
      if (rng.bernoulli(std::min(1.0, rate[t.field[i] * c.regions + t.region[i]] * t.entrepreneurial_propensity[i])))
        founders.push_back(static_cast<std::int32_t>(i));
    }
  });
  for (const std::vector<std::int32_t>& founders : founders_of)
    for (const std::int32_t founder : founders) {
      const auto i = static_cast<std::size_t>(founder);
      Rng rng(c.key, Stream::entry, static_cast<std::uint32_t>(i), month);
      rng.uniform();  // the founding draw
      const double absorptive = std::clamp(rng.normal(ep.absorptive_capacity_mean, 0.2), 0.0, 1.0);
      // A new start-up has no product yet: it lives on its founders' money until it launches, and
      // works on the idea it was founded around.
      const std::int32_t e = found_startup(c, s, t.field[i], t.region[i], absorptive);
      const std::int32_t idea = add_founding_idea(c, s, static_cast<std::size_t>(e));
      m.at(m_enterprise_projects_started, s.projects.field[idea]) += 1.0;
      if (t.role[i] == Role::researcher) t.role[i] = Role::engineer;  // the founder now works in industry
      record_employer_change(s, i);
      t.employer_kind[i] = EmployerKind::enterprise;
      t.employer[i] = e;
      t.months_in_job[i] = 0;
      m.at(m_startups_founded, t.field[i]) += 1.0;
    }

  // New SMEs at a base rate times the free-entry response of each field, with their owners'
  // money as cash.
  const double initial_firms = static_cast<double>(Scenario::scaled(ep.count, c.scenario.world.scale));
  std::vector<double> rw, fw;
  for (const auto& r : c.scenario.world.regions) rw.push_back(r.enterprise_share);
  for (const auto& f : c.scenario.world.fields) fw.push_back(f.enterprise_share);
  const std::vector<double> response = sme_entry_response(c, s);
  double weight = 0.0;
  for (std::size_t f = 0; f < c.fields; ++f) {
    fw[f] *= response[f];
    weight += fw[f];
  }
  Rng rng(c.key, Stream::entry, 0xFFFFFFFFu, month);
  const std::uint32_t smes = rng.poisson(initial_firms * p.sme_entry_per_year / 12.0 * weight);
  // Goods per field for the entering SMEs to take up: vacant goods (their producer exited) first,
  // then lines on the market.
  // Listed per (field, vacant or active), in id order.
  const ProductLines& ln = s.lines;
  std::vector<std::vector<std::int32_t>> goods_of =
      smes == 0
          ? std::vector<std::vector<std::int32_t>>{}
          : indices_by_group_where(
                ln.size(), 2 * c.fields,
                [&](std::size_t l) { return 2 * std::size_t{ln.field[l]} + (ln.status[l] == LineStatus::active); },
                [&](std::size_t l) { return takeable(ln.status[l]); });
  std::vector<std::vector<std::int32_t>> vacant(smes > 0 ? c.fields : 0), on_market(smes > 0 ? c.fields : 0);
  for (std::size_t f = 0; f < vacant.size(); ++f) {
    vacant[f] = std::move(goods_of[2 * f]);
    on_market[f] = std::move(goods_of[2 * f + 1]);
  }
  for (std::uint32_t k = 0; k < smes; ++k) {
    const std::size_t field = rng.categorical(fw);
    const double size = ep.revenue_median_sme * rng.lognormal(0.0, ep.revenue_log_sd);
    const double cash = ep.initial_cash_months * size;
    const std::size_t region = rng.categorical(enterprise_region_weights(c, rw, field));
    const double absorptive = std::clamp(rng.normal(ep.absorptive_capacity_mean, 0.2), 0.0, 1.0);
    // An established business joining the province's high-tech population: it sells already, and
    // its sales come from its field's demand, so it takes up as many of the field's goods as a
    // firm of its size starts with (Klette and Kortum 2004: entrants take over existing goods):
    // vacant goods first (drawn uniformly; a new line with the good's appeal), then lines on the
    // market (drawn uniformly; the line changes hands). A field without lines gets new ones.
    const std::int32_t e = add_enterprise(c, s, EnterpriseKind::sme, field, region, cash, absorptive);
    const std::int64_t n = initial_line_count(c.scenario, size);
    std::int64_t taken = 0;
    std::vector<std::int32_t>& goods = vacant[field];
    while (taken < n && !goods.empty()) {
      const std::uint32_t j = rng.below(static_cast<std::uint32_t>(goods.size()));
      const std::int32_t l = goods[j];
      goods[j] = goods.back();
      goods.pop_back();
      s.lines.status[l] = LineStatus::closed;  // the good is taken up by e's new line
      const std::int32_t taken_up = s.lines.add(e, field, s.lines.appeal[l], 1.0, s.month, -1);
      s.lines.demand_shock[taken_up] = s.lines.demand_shock[l];  // the good's demand, shock and all
      s.lines.shock_variance[taken_up] = s.lines.shock_variance[l];
      s.enterprises.product_lines[e] += 1;
      taken += 1;
    }
    for (std::int64_t j = 0; j < 4 * n && taken < n && !on_market[field].empty(); ++j) {
      const std::int32_t l = on_market[field][rng.below(static_cast<std::uint32_t>(on_market[field].size()))];
      if (s.lines.status[l] != LineStatus::active || s.lines.owner[l] == e) continue;
      s.enterprises.product_lines[s.lines.owner[l]] -= 1;
      s.lines.owner[l] = e;  // the line keeps its appeal and history; its customers now buy from e
      s.enterprises.product_lines[e] += 1;
      taken += 1;
    }
    if (taken == 0) add_lines_for_revenue(c, s, e, size);
    s.enterprises.first_product_month[e] = s.recorded_month();
    s.ledger.month[lf_founder_money] += cash;
    m.at(m_sme_entries, field) += 1.0;
  }

  index_enterprises_by_field(s, c.fields);
}

}  // namespace innochain
