#include "links/progress.hpp"

#include "core/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

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
  return std::min(1.0,
                  p.stages[static_cast<int>(stage)].hazard_per_month * std::pow(quality, -p.quality_hazard_elasticity));
}

namespace {

double monthly_cost(const Context& c, Stage stage, std::size_t field) {
  return c.scenario.chain.progress.stages[static_cast<int>(stage)].cost_yuan_per_month *
         c.scenario.world.fields[field].cost_multiplier;
}

/// What happened to a project this month, for the serial metric pass.
enum class Outcome : std::uint8_t { none, failed, finished };

}  // namespace

double institute_project_budget(const Context& c, const Institutes& in, std::size_t i) {
  return in.budget_yuan_per_month[i] * c.scenario.agents.institutes.project_budget_share +
         std::max(0.0, in.cash_yuan[i]) / 12.0;
}

double enterprise_project_budget(const Context&, const Enterprises& en, std::size_t e) {
  const double cash = std::max(0.0, en.cash_yuan[e]);
  // Start-ups spend what they have raised on their projects; established firms budget a share of revenue.
  return en.kind[e] == EnterpriseKind::startup ? cash : std::min(cash, en.revenue_yuan_per_month[e] * en.rd_share[e]);
}

void progress(const Context& c, State& s, MonthMetrics& m) {
  Projects& pr = s.projects;
  Institutes& in = s.institutes;
  Enterprises& en = s.enterprises;
  const std::uint32_t month = static_cast<std::uint32_t>(s.month);
  const double public_share = c.scenario.agents.institutes.project_budget_share;

  // Projects killed since last month (their holder exited) leave the active list.
  std::erase_if(pr.active, [&](std::int32_t id) { return pr.status[id] == ProjectStatus::failed; });

  const std::size_t n = pr.active.size();
  // Proof-of-concept centres and pilot platforms (levers platform_*, per field x region cell;
  // serial, in id order): a firm's project in PROOF_OF_CONCEPT or PILOT whose (field, holder
  // region) cell has a platform is served while the cell's capacity and this month's allowance
  // last. The platform pays the share sigma of a served project's cost; the holder funds the rest.
  const bool platforms = !s.levers.platform_policy.empty();
  std::vector<double> platform_share(platforms ? n : 0, 0.0);      ///< sigma per active project (0 if not served)
  std::vector<std::int32_t> platform_cell(platforms ? n : 0, -1);  ///< the serving cell, -1 if not served
  if (platforms) {
    std::vector<double> served(s.levers.platform_policy.size(), 0.0);
    for (std::size_t j = 0; j < n; ++j) {
      const std::int32_t id = pr.active[j];
      if (pr.holder_kind[id] != HolderKind::enterprise ||
          (pr.stage[id] != Stage::proof_of_concept && pr.stage[id] != Stage::pilot))
        continue;
      const std::size_t cell = pr.field[id] * c.regions + en.region[pr.holder[id]];
      if (s.levers.platform_policy[cell] < 0 || served[cell] + 1.0 > s.levers.platform_capacity[cell]) continue;
      const double pays = s.levers.platform_cost_share[cell] * monthly_cost(c, pr.stage[id], pr.field[id]);
      if (pays > s.levers.platform_allowance_yuan[cell]) continue;  // the budget left cannot pay its share
      s.levers.platform_allowance_yuan[cell] -= pays;               // what is left tells the instrument what was used
      served[cell] += 1.0;
      platform_share[j] = s.levers.platform_cost_share[cell];
      platform_cell[j] = static_cast<std::int32_t>(cell);
    }
  }

  // Holders' demand, total and compute; a firm's demand leaves out what platforms pay. Per
  // project in parallel, then summed per holder serially in id order (the same sums for any
  // number of threads).
  const auto holder_of = scratch_array<std::int32_t>(n);  ///< institute h as ~h (negative), firm h as h
  const auto own_cost = scratch_array<double>(n), own_compute = scratch_array<double>(n);
  for_blocks(n, [&](std::size_t begin, std::size_t end) {
    for (std::size_t j = begin; j < end; ++j) {
      const std::int32_t id = pr.active[j];
      const double cost = monthly_cost(c, pr.stage[id], pr.field[id]);
      if (pr.holder_kind[id] == HolderKind::institute) {
        holder_of[j] = ~pr.holder[id];
        own_cost[j] = cost;
        own_compute[j] = 0.0;
      } else {
        const double own = platforms ? cost * (1.0 - platform_share[j]) : cost;
        holder_of[j] = pr.holder[id];
        own_cost[j] = own;
        own_compute[j] = own * c.scenario.world.fields[pr.field[id]].compute_intensity;
      }
    }
  });
  std::vector<double> inst_demand(in.size(), 0.0);
  const auto firm_demand = filled_array(en.size(), 0.0), firm_compute = filled_array(en.size(), 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    const std::int32_t code = holder_of[j];
    if (code < 0) {
      inst_demand[static_cast<std::size_t>(~code)] += own_cost[j];
    } else {
      firm_demand[static_cast<std::size_t>(code)] += own_cost[j];
      firm_compute[static_cast<std::size_t>(code)] += own_compute[j];
    }
  }
  // Coverage of the non-compute cost (funding) and of the compute cost, per holder.
  std::vector<double> inst_coverage(in.size(), 1.0);
  // Written for every firm by the loop below.
  const auto firm_funding = scratch_array<double>(en.size()), firm_compute_cov = scratch_array<double>(en.size());
  const auto compute_paid = scratch_array<double>(en.size()), rd_paid = scratch_array<double>(en.size());
  const auto platform_paid = filled_array(en.size(), 0.0);
  for (std::size_t i = 0; i < in.size(); ++i)
    if (inst_demand[i] > 0.0) inst_coverage[i] = std::min(1.0, institute_project_budget(c, in, i) / inst_demand[i]);
  // Per firm, independent of the others: in parallel.
  for_blocks(en.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t e = begin; e < end; ++e) {
      en.funding_gap_yuan[e] = 0.0;
      en.pipeline_quality[e] = 0.0;
      en.rd_spent_yuan[e] = 0.0;
      firm_funding[e] = firm_compute_cov[e] = 1.0;
      compute_paid[e] = rd_paid[e] = 0.0;
      const double demand = firm_demand[e], compute = firm_compute[e];
      if (demand <= 0.0) continue;
      // Policy levers: a compute subsidy pays part of the compute bill, an R&D subsidy part of
      // the rest of the cost, each within this month's allowance; the firm funds the remainder.
      compute_paid[e] = std::min(en.levers.compute_subsidy_rate[e] * compute, en.levers.compute_allowance_yuan[e]);
      rd_paid[e] = std::min(en.levers.rd_subsidy_rate[e] * (demand - compute_paid[e]), en.levers.rd_allowance_yuan[e]);
      en.levers.compute_allowance_yuan[e] -= compute_paid[e];  // what is left tells the instrument what was used
      en.levers.rd_allowance_yuan[e] -= rd_paid[e];
      const double own_need = demand - compute_paid[e] - rd_paid[e];
      const double budget = enterprise_project_budget(c, en, e);
      const double phi = own_need > 0.0 ? std::min(1.0, budget / own_need) : 1.0;
      en.funding_gap_yuan[e] = std::max(0.0, own_need - budget);
      // Share of the cost beyond the compute subsidy that is paid (by the R&D subsidy and the firm).
      const double rest = demand - compute_paid[e];
      const double psi = rest > 0.0 ? (rd_paid[e] + phi * own_need) / rest : 1.0;
      firm_funding[e] = psi;
      firm_compute_cov[e] = compute > 0.0 ? (compute_paid[e] + psi * (compute - compute_paid[e])) / compute : psi;
    }
  });
  // One parallel pass over fixed blocks of the active list: draws, progress and stage moves
  // (each project writes only its own columns), and per block the month's metric sums and
  // counts, the projects that stay active, and those sent to transfer or launched, in id
  // order. Block partials are combined in block order, so the result is the same for any
  // thread count; the sums of money are fixed-block sums (the counts are integers, exact).
  constexpr std::size_t kStages = 5;
  const std::size_t F = c.fields, R = c.regions;
  struct Block {
    std::vector<double> rd_institutes, rd_enterprises;  ///< per region
    std::vector<double> compute;                        ///< per field
    double enterprise_rd = 0.0, coverage = 0.0;
    /// Per field: failures by stage, then basic done, breakthroughs, proofs of concept
    /// done, launches, then active projects by (new) stage.
    std::vector<std::int64_t> counts;
    std::vector<std::int32_t> kept, to_transfer, launched;
  };
  enum : std::size_t {
    c_failures = 0,
    c_basic = kStages,
    c_breakthroughs,
    c_poc,
    c_launched,
    c_active,
    c_size = c_active + kStages
  };
  std::vector<Block> blocks(block_count(n));
  const auto paid = scratch_array<double>(n);
  const auto quality_of = scratch_array<double>(n);  ///< the project's quality, -inf if it failed
  std::vector<double> platform_pays(platforms ? n : 0, 0.0);
  for_blocks(n, [&](std::size_t begin, std::size_t end) {
    Block& blk = blocks[begin / kBlock];
    blk.rd_institutes.assign(R, 0.0);
    blk.rd_enterprises.assign(R, 0.0);
    blk.compute.assign(F, 0.0);
    blk.counts.assign(c_size * F, 0);
    blk.kept.reserve(end - begin);
    const auto count = [&](std::size_t what, std::size_t f) { blk.counts[what * F + f] += 1; };
    for (std::size_t j = begin; j < end; ++j) {
      const std::int32_t id = pr.active[j];
      const HolderKind kind = pr.holder_kind[id];
      const std::int32_t h = pr.holder[id];
      const std::size_t f = pr.field[id];
      const Stage st = pr.stage[id];
      double phi = kind == HolderKind::institute ? inst_coverage[h] : firm_funding[h];
      double chi = kind == HolderKind::institute ? inst_coverage[h] : firm_compute_cov[h];
      const std::int32_t cell = platforms ? platform_cell[j] : -1;
      if (cell >= 0) {  // the platform pays sigma of the cost; the holder's coverage applies to the rest
        const double sigma = platform_share[j];
        phi = sigma + (1.0 - sigma) * phi;
        chi = sigma + (1.0 - sigma) * chi;
        platform_pays[j] = sigma * monthly_cost(c, st, f);
      }
      const double skill = kind == HolderKind::institute ? in.researcher_skill_mean[h] : en.rd_staff_skill_mean[h];
      const double cost = monthly_cost(c, st, f);
      const double kappa = c.scenario.world.fields[f].compute_intensity;
      const double pays = cost * (kappa * chi + (1.0 - kappa) * phi);
      paid[j] = pays;
      blk.coverage += phi;
      blk.compute[f] += pays * kappa;
      if (kind == HolderKind::institute) {
        blk.rd_institutes[in.region[h]] += pays;
      } else {
        blk.rd_enterprises[en.region[h]] += pays;
        blk.enterprise_rd += pays;
      }
      Rng rng(c.key, Stream::progress, static_cast<std::uint32_t>(id), month);
      const double hazard = failure_hazard(c, st, pr.quality[id]);
      if (rng.bernoulli(cell >= 0 ? std::min(1.0, hazard * s.levers.platform_hazard_multiplier[cell]) : hazard)) {
        pr.status[id] = ProjectStatus::failed;
        quality_of[j] = -std::numeric_limits<double>::infinity();
        count(c_failures + static_cast<std::size_t>(st), f);
        continue;
      }
      quality_of[j] = pr.quality[id];
      const double rate = progress_rate(c, st, f, skill, phi, chi);
      pr.progress[id] += cell >= 0 ? rate * s.levers.platform_speed_multiplier[cell] : rate;
      pr.months_in_stage[id] += 1;
      if (pr.progress[id] >= 1.0) {  // the stage is finished
        pr.progress[id] = 0.0;
        pr.months_in_stage[id] = 0;
        switch (st) {
          case Stage::basic:
            pr.status[id] = ProjectStatus::stage_done;  // link 2 moves it on next month
            count(c_basic, f);
            break;
          case Stage::breakthrough:
            count(c_breakthroughs, f);
            if (kind == HolderKind::institute) {
              pr.status[id] = ProjectStatus::awaiting_transfer;  // link 3 decides it
              blk.to_transfer.push_back(id);
              continue;
            }
            pr.stage[id] = Stage::proof_of_concept;
            break;
          case Stage::proof_of_concept:
            pr.stage[id] = Stage::pilot;
            count(c_poc, f);
            break;
          case Stage::pilot:
            pr.stage[id] = Stage::market;
            pr.status[id] = ProjectStatus::launched;
            blk.launched.push_back(id);
            count(c_launched, f);
            continue;
          case Stage::market:
            break;
        }
      }
      blk.kept.push_back(id);
      count(c_active + static_cast<std::size_t>(pr.stage[id]), f);
    }
  });

  // Serial pass in id order, only what is summed per holder: payments (and the platforms'
  // public money), and the firms' pipeline quality.
  std::vector<double> inst_spent(in.size(), 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    const std::int32_t code = holder_of[j];
    if (code < 0) {
      inst_spent[static_cast<std::size_t>(~code)] += paid[j];
      continue;
    }
    const auto h = static_cast<std::size_t>(code);
    en.rd_spent_yuan[h] += paid[j];
    en.pipeline_quality[h] = std::max(en.pipeline_quality[h], quality_of[j]);
  }
  if (platforms) {
    for (std::size_t j = 0; j < n; ++j) {
      if (platform_cell[j] < 0) continue;  // only firms' projects are served
      const double pays = platform_pays[j];
      const std::int32_t policy = s.levers.platform_policy[platform_cell[j]];
      platform_paid[holder_of[j]] += pays;
      s.ledger.month[lf_policy_spending] += pays;
      s.policy_spending[policy] += pays;
      s.policy_units[policy] += 1.0;
    }
  }
  // The blocks' partials, in block order.
  std::vector<std::int32_t> next;
  next.reserve(n);
  std::vector<std::int64_t> counts(c_size * F, 0);
  double coverage_sum = 0.0;
  for (const Block& blk : blocks) {
    for (std::size_t r = 0; r < R; ++r) {
      m.at(m_rd_spending_institutes, r) += blk.rd_institutes[r];
      m.at(m_rd_spending_enterprises, r) += blk.rd_enterprises[r];
    }
    for (std::size_t f = 0; f < F; ++f) m.at(m_compute_spending, f) += blk.compute[f];
    s.ledger.month[lf_enterprise_rd] += blk.enterprise_rd;
    coverage_sum += blk.coverage;
    for (std::size_t k = 0; k < counts.size(); ++k) counts[k] += blk.counts[k];
    next.insert(next.end(), blk.kept.begin(), blk.kept.end());
    s.transfer_queue.insert(s.transfer_queue.end(), blk.to_transfer.begin(), blk.to_transfer.end());
    for (const std::int32_t id : blk.launched) {
      s.launched_this_month.push_back(id);
      if (c.scenario.output.events_launches) {
        auto& ev = s.events.launches;
        ev.month.push_back(s.month);
        ev.project.push_back(id);
        ev.field.push_back(static_cast<std::int32_t>(pr.field[id]));
        ev.holder.push_back(pr.holder[id]);
        ev.origin_institute.push_back(pr.origin_institute[id]);
        ev.created_month.push_back(pr.created_month[id]);
        ev.quality.push_back(pr.quality[id]);
      }
    }
  }
  const auto add_counts = [&](Metric metric, std::size_t what) {
    for (std::size_t f = 0; f < F; ++f) m.at(metric, f) += static_cast<double>(counts[what * F + f]);
  };
  for (std::size_t k = 0; k < kStages; ++k) {
    add_counts(static_cast<Metric>(m_failures_basic + static_cast<int>(k)), c_failures + k);
    add_counts(static_cast<Metric>(m_projects_basic + static_cast<int>(k)), c_active + k);
  }
  add_counts(m_basic_completed, c_basic);
  add_counts(m_breakthroughs, c_breakthroughs);
  add_counts(m_proof_of_concept_completed, c_poc);
  add_counts(m_products_launched, c_launched);
  // Firms pay what the policy subsidies and platforms did not (per firm, in parallel); the
  // subsidies are public money, summed serially in firm order.
  const bool subsidies =
      block_reduce(
          en.size(), 0, [&](int& any, std::size_t e) { any |= compute_paid[e] > 0.0 || rd_paid[e] > 0.0; },
          [](int& a, int b) { a |= b; }) != 0;
  for_blocks(en.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t e = begin; e < end; ++e)
      if (!(en.rd_spent_yuan[e] <= 0.0))
        en.cash_yuan[e] -= en.rd_spent_yuan[e] - compute_paid[e] - rd_paid[e] - platform_paid[e];
  });
  for (std::size_t e = 0; e < en.size() && subsidies; ++e) {
    if (en.rd_spent_yuan[e] <= 0.0) continue;
    for (const auto& [amount, policy] :
         {std::pair{compute_paid[e], en.levers.compute_policy[e]}, std::pair{rd_paid[e], en.levers.rd_policy[e]}}) {
      if (amount <= 0.0) continue;
      s.ledger.month[lf_policy_spending] += amount;
      s.policy_spending[policy] += amount;
      s.policy_units[policy] += 1.0;
    }
  }
  // Institutes pay from the public budget first, then from retained transfer income.
  for (std::size_t i = 0; i < in.size(); ++i) {
    const double from_budget = std::min(inst_spent[i], in.budget_yuan_per_month[i] * public_share);
    in.cash_yuan[i] -= inst_spent[i] - from_budget;
    s.ledger.month[lf_public_budget] += from_budget;
    s.ledger.month[lf_research_spending] += inst_spent[i];
  }
  pr.active.swap(next);
  m.at(m_funding_coverage) = n ? coverage_sum / static_cast<double>(n) : 0.0;
}

}  // namespace innochain
