#include "links/progress.hpp"

#include "core/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

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

namespace {

/// The month's working data of the progress phase, passed from step to step. Per active
/// project (index j into the active list) and per holder.
struct ProgressMonth {
  std::size_t n = 0;  ///< active projects
  bool platforms = false;
  // platforms: the share sigma a platform pays of each project (0 if not served) and the cell.
  std::vector<double> platform_share;
  std::vector<std::int32_t> platform_cell;
  // demand: who holds each project (institute h as ~h, negative; firm h as h), the holder's own
  // share of its cost and of its compute; each holder's totals.
  std::unique_ptr<std::int32_t[]> holder_of;
  std::unique_ptr<double[]> own_cost, own_compute;
  std::vector<double> inst_demand;
  std::unique_ptr<double[]> firm_demand, firm_compute;
  // coverage: per holder, the share of the cost paid (funding phi; compute chi for firms), and
  // what the policy subsidies and platforms pay per firm.
  std::vector<double> inst_coverage;
  std::unique_ptr<double[]> firm_funding, firm_compute_cov, compute_paid, rd_paid, platform_paid;
  // advance: what each project paid, its quality (-inf if it failed), the platforms' payments.
  std::unique_ptr<double[]> paid, quality_of;
  std::vector<double> platform_pays;
};

/// Per block of the active list: the month's metric sums and counts, and the projects that
/// stay active, go to transfer or launched, in id order.
struct AdvanceBlock {
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

/// Step 1. Proof-of-concept centres and pilot platforms (levers platform_*, per field x region
/// cell; serial, in id order): a firm's project in PROOF_OF_CONCEPT or PILOT whose (field,
/// holder region) cell has a platform is served while the cell's capacity and this month's
/// allowance last. The platform pays the share sigma of a served project's cost; the holder
/// funds the rest.
void serve_platforms(const Context& c, State& s, ProgressMonth& w) {
  const Projects& pr = s.projects;
  const Enterprises& en = s.enterprises;
  WorldLevers& l = s.levers;
  w.platforms = !l.platform_policy.empty();
  w.platform_share.assign(w.platforms ? w.n : 0, 0.0);
  w.platform_cell.assign(w.platforms ? w.n : 0, -1);
  if (!w.platforms) return;
  std::vector<double> served(l.platform_policy.size(), 0.0);
  for (std::size_t j = 0; j < w.n; ++j) {
    const std::int32_t id = pr.active[j];
    if (pr.holder_kind[id] != HolderKind::enterprise ||
        (pr.stage[id] != Stage::proof_of_concept && pr.stage[id] != Stage::pilot))
      continue;
    const std::size_t cell = pr.field[id] * c.regions + en.region[pr.holder[id]];
    if (l.platform_policy[cell] < 0 || served[cell] + 1.0 > l.platform_capacity[cell]) continue;
    const double pays = l.platform_cost_share[cell] * monthly_cost(c, pr.stage[id], pr.field[id]);
    if (pays > l.platform_allowance_yuan[cell]) continue;  // the budget left cannot pay its share
    l.platform_allowance_yuan[cell] -= pays;               // what is left tells the instrument what was used
    served[cell] += 1.0;
    w.platform_share[j] = l.platform_cost_share[cell];
    w.platform_cell[j] = static_cast<std::int32_t>(cell);
  }
}

/// Step 2. Holders' demand, total and compute; a firm's demand leaves out what platforms pay.
/// Per project in parallel, then summed per holder serially in id order (the same sums for any
/// number of threads).
void holders_demand(const Context& c, const State& s, ProgressMonth& w) {
  const Projects& pr = s.projects;
  w.holder_of = scratch_array<std::int32_t>(w.n);
  w.own_cost = scratch_array<double>(w.n);
  w.own_compute = scratch_array<double>(w.n);
  for_blocks(w.n, [&](std::size_t begin, std::size_t end) {
    for (std::size_t j = begin; j < end; ++j) {
      const std::int32_t id = pr.active[j];
      const double cost = monthly_cost(c, pr.stage[id], pr.field[id]);
      if (pr.holder_kind[id] == HolderKind::institute) {
        w.holder_of[j] = ~pr.holder[id];
        w.own_cost[j] = cost;
        w.own_compute[j] = 0.0;
      } else {
        const double own = w.platforms ? cost * (1.0 - w.platform_share[j]) : cost;
        w.holder_of[j] = pr.holder[id];
        w.own_cost[j] = own;
        w.own_compute[j] = own * c.scenario.world.fields[pr.field[id]].compute_intensity;
      }
    }
  });
  w.inst_demand.assign(s.institutes.size(), 0.0);
  w.firm_demand = filled_array(s.enterprises.size(), 0.0);
  w.firm_compute = filled_array(s.enterprises.size(), 0.0);
  for (std::size_t j = 0; j < w.n; ++j) {
    const std::int32_t code = w.holder_of[j];
    if (code < 0) {
      w.inst_demand[static_cast<std::size_t>(~code)] += w.own_cost[j];
    } else {
      w.firm_demand[static_cast<std::size_t>(code)] += w.own_cost[j];
      w.firm_compute[static_cast<std::size_t>(code)] += w.own_compute[j];
    }
  }
}

/// Step 3. Coverage of the non-compute cost (funding) and of the compute cost, per holder:
/// institutes from their project budgets; firms after the policy subsidies (levers
/// compute_* and rd_*, each within this month's allowance) from their own budgets. Writes the
/// firms' funding gap (for finance) and resets their month's R&D spending.
void holders_coverage(const Context& c, State& s, ProgressMonth& w) {
  const Institutes& in = s.institutes;
  Enterprises& en = s.enterprises;
  w.inst_coverage.assign(in.size(), 1.0);
  for (std::size_t i = 0; i < in.size(); ++i)
    if (w.inst_demand[i] > 0.0)
      w.inst_coverage[i] = std::min(1.0, institute_project_budget(c, in, i) / w.inst_demand[i]);
  // Written for every firm by the loop below.
  w.firm_funding = scratch_array<double>(en.size());
  w.firm_compute_cov = scratch_array<double>(en.size());
  w.compute_paid = scratch_array<double>(en.size());
  w.rd_paid = scratch_array<double>(en.size());
  w.platform_paid = filled_array(en.size(), 0.0);
  // Per firm, independent of the others: in parallel.
  for_blocks(en.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t e = begin; e < end; ++e) {
      en.funding_gap_yuan[e] = 0.0;
      en.rd_own_cost_yuan[e] = 0.0;
      en.pipeline_quality[e] = 0.0;
      en.rd_spent_yuan[e] = 0.0;
      w.firm_funding[e] = w.firm_compute_cov[e] = 1.0;
      w.compute_paid[e] = w.rd_paid[e] = 0.0;
      const double demand = w.firm_demand[e], compute = w.firm_compute[e];
      if (demand <= 0.0) continue;
      // Policy levers: a compute subsidy pays part of the compute bill, an R&D subsidy part of
      // the rest of the cost, each within this month's allowance; the firm funds the remainder.
      EnterpriseLevers& l = en.levers;
      w.compute_paid[e] = std::min(l.compute_subsidy_rate[e] * compute, l.compute_allowance_yuan[e]);
      w.rd_paid[e] = std::min(l.rd_subsidy_rate[e] * (demand - w.compute_paid[e]), l.rd_allowance_yuan[e]);
      l.compute_allowance_yuan[e] -= w.compute_paid[e];  // what is left tells the instrument what was used
      l.rd_allowance_yuan[e] -= w.rd_paid[e];
      const double own_need = demand - w.compute_paid[e] - w.rd_paid[e];
      const double budget = enterprise_project_budget(c, en, e);
      const double phi = own_need > 0.0 ? std::min(1.0, budget / own_need) : 1.0;
      en.funding_gap_yuan[e] = std::max(0.0, own_need - budget);
      en.rd_own_cost_yuan[e] = own_need;  // finance: the start-up's burn when it plans a round
      // Share of the cost beyond the compute subsidy that is paid (by the R&D subsidy and the firm).
      const double rest = demand - w.compute_paid[e];
      const double psi = rest > 0.0 ? (w.rd_paid[e] + phi * own_need) / rest : 1.0;
      w.firm_funding[e] = psi;
      w.firm_compute_cov[e] = compute > 0.0 ? (w.compute_paid[e] + psi * (compute - w.compute_paid[e])) / compute : psi;
    }
  });
}

/// Step 4. One parallel pass over fixed blocks of the active list: draws, progress and stage
/// moves (each project writes only its own columns), and per block the month's metric sums
/// and counts, the projects that stay active, and those sent to transfer or launched, in id
/// order. Block partials are combined in block order by the next step, so the result is the
/// same for any thread count.
std::vector<AdvanceBlock> advance_projects(const Context& c, State& s, ProgressMonth& w) {
  Projects& pr = s.projects;
  const Institutes& in = s.institutes;
  const Enterprises& en = s.enterprises;
  const WorldLevers& l = s.levers;
  const std::uint32_t month = static_cast<std::uint32_t>(s.month);
  const std::size_t F = c.fields, R = c.regions;
  std::vector<AdvanceBlock> blocks(block_count(w.n));
  w.paid = scratch_array<double>(w.n);
  w.quality_of = scratch_array<double>(w.n);
  w.platform_pays.assign(w.platforms ? w.n : 0, 0.0);
  for_blocks(w.n, [&](std::size_t begin, std::size_t end) {
    AdvanceBlock& blk = blocks[begin / kBlock];
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
      double phi = kind == HolderKind::institute ? w.inst_coverage[h] : w.firm_funding[h];
      double chi = kind == HolderKind::institute ? w.inst_coverage[h] : w.firm_compute_cov[h];
      const std::int32_t cell = w.platforms ? w.platform_cell[j] : -1;
      if (cell >= 0) {  // the platform pays sigma of the cost; the holder's coverage applies to the rest
        const double sigma = w.platform_share[j];
        phi = sigma + (1.0 - sigma) * phi;
        chi = sigma + (1.0 - sigma) * chi;
        w.platform_pays[j] = sigma * monthly_cost(c, st, f);
      }
      // A policy's mentoring (lever skill_multiplier, 1 without policy) raises a firm team's effective skill.
      const double skill = kind == HolderKind::institute ? in.researcher_skill_mean[h]
                                                         : en.rd_staff_skill_mean[h] * en.levers.skill_multiplier[h];
      const double cost = monthly_cost(c, st, f);
      const double kappa = c.scenario.world.fields[f].compute_intensity;
      const double pays = cost * (kappa * chi + (1.0 - kappa) * phi);
      w.paid[j] = pays;
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
      if (rng.bernoulli(cell >= 0 ? std::min(1.0, hazard * l.platform_hazard_multiplier[cell]) : hazard)) {
        pr.status[id] = ProjectStatus::failed;
        w.quality_of[j] = -std::numeric_limits<double>::infinity();
        count(c_failures + static_cast<std::size_t>(st), f);
        continue;
      }
      w.quality_of[j] = pr.quality[id];
      const double rate = progress_rate(c, st, f, skill, phi, chi);
      pr.progress[id] += cell >= 0 ? rate * l.platform_speed_multiplier[cell] : rate;
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
  return blocks;
}

/// Step 5. What is summed per holder, serially in id order: payments (and the platforms'
/// public money) and the firms' pipeline quality; then the blocks' partials in block order
/// (metrics, the next active list, the transfer queue, the launches); then the holders pay.
void merge_and_pay(const Context& c, State& s, MonthMetrics& m, ProgressMonth& w,
                   const std::vector<AdvanceBlock>& blocks) {
  Projects& pr = s.projects;
  Institutes& in = s.institutes;
  Enterprises& en = s.enterprises;
  const std::size_t F = c.fields, R = c.regions;
  const std::size_t n = w.n;
  std::vector<double> inst_spent(in.size(), 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    const std::int32_t code = w.holder_of[j];
    if (code < 0) {
      inst_spent[static_cast<std::size_t>(~code)] += w.paid[j];
      continue;
    }
    const auto h = static_cast<std::size_t>(code);
    en.rd_spent_yuan[h] += w.paid[j];
    en.pipeline_quality[h] = std::max(en.pipeline_quality[h], w.quality_of[j]);
  }
  if (w.platforms) {
    for (std::size_t j = 0; j < n; ++j) {
      if (w.platform_cell[j] < 0) continue;  // only firms' projects are served
      const double pays = w.platform_pays[j];
      const std::int32_t policy = s.levers.platform_policy[w.platform_cell[j]];
      w.platform_paid[w.holder_of[j]] += pays;
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
  for (const AdvanceBlock& blk : blocks) {
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
          en.size(), 0, [&](int& any, std::size_t e) { any |= w.compute_paid[e] > 0.0 || w.rd_paid[e] > 0.0; },
          [](int& a, int b) { a |= b; }) != 0;
  for_blocks(en.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t e = begin; e < end; ++e) {
      en.rd_subsidised_yuan[e] = w.compute_paid[e] + w.rd_paid[e] + w.platform_paid[e];
      if (!(en.rd_spent_yuan[e] <= 0.0)) en.cash_yuan[e] -= en.rd_spent_yuan[e] - en.rd_subsidised_yuan[e];
    }
  });
  for (std::size_t e = 0; e < en.size() && subsidies; ++e) {
    if (en.rd_spent_yuan[e] <= 0.0) continue;
    for (const auto& [amount, policy] :
         {std::pair{w.compute_paid[e], en.levers.compute_policy[e]}, std::pair{w.rd_paid[e], en.levers.rd_policy[e]}}) {
      if (amount <= 0.0) continue;
      s.ledger.month[lf_policy_spending] += amount;
      s.policy_spending[policy] += amount;
      s.policy_units[policy] += 1.0;
    }
  }
  // Institutes pay from the public budget first, then from retained transfer income.
  const double public_share = c.scenario.agents.institutes.project_budget_share;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const double from_budget = std::min(inst_spent[i], in.budget_yuan_per_month[i] * public_share);
    in.cash_yuan[i] -= inst_spent[i] - from_budget;
    s.ledger.month[lf_public_budget] += from_budget;
    s.ledger.month[lf_research_spending] += inst_spent[i];
  }
  pr.active.swap(next);
  m.at(m_funding_coverage) = n ? coverage_sum / static_cast<double>(n) : 0.0;
}

}  // namespace

void progress(const Context& c, State& s, MonthMetrics& m) {
  // Projects killed since last month (their holder exited) leave the active list.
  std::erase_if(s.projects.active, [&](std::int32_t id) { return s.projects.status[id] == ProjectStatus::failed; });
  ProgressMonth w;
  w.n = s.projects.active.size();
  serve_platforms(c, s, w);
  holders_demand(c, s, w);
  holders_coverage(c, s, w);
  const std::vector<AdvanceBlock> blocks = advance_projects(c, s, w);
  merge_and_pay(c, s, m, w, blocks);
}

}  // namespace innochain
