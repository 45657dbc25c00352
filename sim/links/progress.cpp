#include "links/progress.hpp"

#include "core/parallel.hpp"
#include "links/compute_market.hpp"

#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <memory>
#include <tuple>
#include <vector>

namespace innochain {

double progress_effort(const Context& c, double skill, double inputs) {
  const auto& p = c.scenario.chain.progress;
  return std::pow(skill, p.skill_elasticity) * std::pow(inputs, p.funding_elasticity);
}

double progress_rate(const Context& c, Stage stage, std::size_t field, double skill, double inputs) {
  const double speed = c.scenario.world.fields[field].speed_multiplier /
                       c.scenario.chain.progress.stages[static_cast<int>(stage)].duration_months;
  return speed * progress_effort(c, skill, inputs);
}

std::int64_t stage_units(const Context& c, Stage stage, std::size_t field) {
  const double months = c.scenario.chain.progress.stages[static_cast<int>(stage)].duration_months /
                        c.scenario.world.fields[field].speed_multiplier;
  return std::max<std::int64_t>(1, std::llround(months * static_cast<double>(kProgressUnitsPerMonth)));
}

std::int64_t progress_units(double effort) {
  return std::llround(std::min(effort, 1e6) * static_cast<double>(kProgressUnitsPerMonth));
}

std::int64_t stage_months_at(const Context& c, Stage stage, std::size_t field, double speed) {
  const std::int64_t per_month = std::max<std::int64_t>(1, progress_units(speed));
  return (stage_units(c, stage, field) + per_month - 1) / per_month;
}

double stage_months_unrounded(const Context& c, Stage stage, std::size_t field, double speed) {
  return static_cast<double>(stage_units(c, stage, field)) / (speed * static_cast<double>(kProgressUnitsPerMonth));
}

double steady_pipeline_cost(const Context& c, const SteadyPipeline& line, double speed) {
  double total = 0.0;
  double reach = line.starts;
  for (std::size_t k = 0; k < line.stages.size(); ++k) {
    const Stage st = line.stages[k];
    const double months = stage_months_unrounded(c, st, line.field, speed);
    const double h = line.hazard[k];
    const double pass = std::pow(1.0 - h, months);
    total += reach * (h > 0.0 ? (1.0 - pass) / h : months) * cost_at_base_price(c, st, line.field);
    reach *= pass * line.continuing[k];
  }
  return total;
}

double steady_state_speed(const Context& c, std::span<const SteadyPipeline> lines, double skill_term, double budget) {
  if (!(skill_term > 0.0)) return 0.0;
  const double elasticity = c.scenario.chain.progress.funding_elasticity;
  const auto cost = [&](double speed) {
    double total = 0.0;
    for (const SteadyPipeline& line : lines) total += steady_pipeline_cost(c, line, speed);
    return total;
  };
  const auto excess = [&](double speed) {  // > 0: the budget buys more than speed
    const double need = cost(speed);
    const double z = need > budget ? budget / need : 1.0;
    return skill_term * std::pow(z, elasticity) - speed;
  };
  if (excess(skill_term) >= 0.0) return skill_term;
  double lo = std::log(skill_term) - 12.0, hi = std::log(skill_term);
  for (int step = 0; step < 40; ++step) {
    const double mid = 0.5 * (lo + hi);
    (excess(std::exp(mid)) > 0.0 ? lo : hi) = mid;
  }
  return std::exp(0.5 * (lo + hi));
}

double quality_hazard_factor(const Context& c, double quality) {
  return std::pow(quality, -c.scenario.chain.progress.quality_hazard_elasticity);
}

double failure_hazard(const Context& c, Stage stage, double quality) {
  return hazard_from_factor(c, stage, quality_hazard_factor(c, quality));
}

double institute_project_budget(const Context& c, const Institutes& in, std::size_t i) {
  return in.budget_yuan_per_month[i] * c.scenario.agents.institutes.project_budget_share +
         std::max(0.0, in.cash_yuan[i]) / 12.0;
}

double enterprise_project_budget(const Context& c, const Enterprises& en, std::size_t e) {
  const double cash = std::max(0.0, en.cash_yuan[e]);
  // Start-ups spread what they have (founders' money, rounds, grants) over their planned runway;
  // established firms budget a share of revenue.
  return en.kind[e] == EnterpriseKind::startup ? cash / c.scenario.agents.enterprises.startup_runway_months
                                               : std::min(cash, en.revenue_yuan_per_month[e] * en.rd_share[e]);
}

double funded_scale(double cost, double bill, double budget, double compute_rate, double compute_grant, double rd_rate,
                    double rd_grant) {
  if (cost <= 0.0) return 1.0;
  // Own money at scale z: z cost - V(z) - R(z), V(z) = min(r_c z bill, A_c), R(z) = min(r_r (z cost - V(z)), A_r).
  // With y = z cost - V(z) the own money is max((1 - r_r) y, y - A_r); both maps are increasing and piecewise
  // linear, so each inverts as the minimum of its pieces' inverses.
  const double compute_paid = std::min(compute_rate * bill, compute_grant);
  const double rest = cost - compute_paid;
  const double own = rest - std::min(rd_rate * rest, rd_grant);
  if (own <= budget) return 1.0;
  const double y = std::min(rd_rate < 1.0 ? budget / (1.0 - rd_rate) : budget + rd_grant, budget + rd_grant);
  const double slope = cost - compute_rate * bill;  // of y(z) while the compute grant does not bind
  const double z =
      std::min(slope > 0.0 ? y / slope : std::numeric_limits<double>::infinity(), (y + compute_grant) / cost);
  return std::clamp(z, 0.0, 1.0);
}

namespace {

/// Whether two doubles are the same value bit for bit: a value looked up instead of recomputed
/// is used only for the very argument it was computed from.
bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

/// The month's working data of the progress phase, passed from step to step. Per active
/// project (index j into the active list) and per holder.
struct ProgressMonth {
  std::size_t n = 0;  ///< active projects
  bool platforms = false;
  bool subsidies = false;  ///< some firm has a compute or R&D subsidy rate this month
  // platforms: the share sigma a platform pays of each project (0 if not served) and the cell.
  std::vector<double> platform_share;
  std::vector<std::int32_t> platform_cell;
  // demand: who holds each project (institute h as ~h, negative; firm h as h) and its
  // cost-minimising inputs relative to full speed (other inputs, compute).
  std::unique_ptr<std::int32_t[]> holder_of;
  std::unique_ptr<double[]> mix_other, mix_compute;
  // The mix per input index k at the reference relative price (the market's price over the base
  // price: every holder without a compute subsidy), and per project whether its mix is that one.
  double pi_ref = 1.0;
  std::vector<InputMix> mix_ref;
  std::unique_ptr<std::uint8_t[]> mix_is_ref;
  // per firm, whether it holds an active project (its factors below are computed only then).
  std::unique_ptr<std::uint8_t[]> firm_has_projects;
  // per holder, the holder's own share of its projects at full speed: other inputs (yuan) and
  // compute (GPU-hours) at its mix; firms also at the base mix (for the subsidy they expect).
  std::vector<double> inst_other, inst_gpu;
  std::unique_ptr<double[]> firm_other, firm_gpu, firm_gpu_base, firm_relative_price;
  // coverage: per holder, the scale z of its plan its money buys; per firm, this month's
  // subsidy allowances after the instances' pools, what they pay and what platforms pay, and
  // whether its own budget fell short of its planned cost before any subsidy.
  std::vector<double> inst_scale;
  std::unique_ptr<double[]> firm_scale, compute_grant, rd_grant, compute_paid, rd_paid, platform_paid;
  std::unique_ptr<std::uint8_t[]> constrained;
  // factors: per holder, skill^skill_elasticity, and X^funding_elasticity for the input index X
  // of its projects that neither a platform serves nor rationing cuts (X = 0 + z); per input
  // index, the rationed index of the reference mix (served < 1 only). Computed once per holder
  // instead of once per project (the same pow of the same value, so the same results).
  std::vector<double> inst_skill_term, inst_plain_inputs, inst_plain_term;
  std::unique_ptr<double[]> firm_skill_term, firm_plain_inputs, firm_plain_term;
  std::vector<double> rationed_ref;
  // advance: what each project paid, its quality (-inf if it failed), the platforms' payments.
  std::unique_ptr<double[]> paid, quality_of;
  std::vector<double> platform_pays;
};

/// Calls body(j, code) for every active project j (its holder's code: institute h as ~h, firm h as
/// h), in parallel over parts of the holders, one per thread (part 0: the institutes and the
/// first range of firm ids; part p: the p-th range). Each part scans the whole list and takes its
/// own holders' projects in list order, so every holder's sums are added in the order of a
/// serial pass over the list whatever the number of parts, and no two parts write the same
/// holder. With one thread it is that serial pass.
template <class Body>
void for_projects_by_holder(const ProgressMonth& w, std::size_t firms, Body&& body) {
  const std::size_t threads = std::min(static_cast<std::size_t>(tbb::this_task_arena::max_concurrency()),
                                       tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
  const std::size_t parts = std::clamp<std::size_t>(threads, 1, 64);
  tbb::parallel_for(std::size_t{0}, parts, [&](std::size_t part) {
    const auto lo = static_cast<std::int32_t>(firms * part / parts);
    const auto hi = static_cast<std::int32_t>(firms * (part + 1) / parts);
    for (std::size_t j = 0; j < w.n; ++j) {
      const std::int32_t code = w.holder_of[j];
      if (code < 0 ? part == 0 : code >= lo && code < hi) body(j, code);
    }
  });
}

/// Per block of the active list: the month's metric sums and counts, and the projects that
/// stay active, go to transfer or launched, in id order.
struct AdvanceBlock {
  std::vector<double> rd_institutes, rd_enterprises;  ///< per region
  std::vector<double> compute, gpu_hours;             ///< per field: compute bills (yuan) and GPU-hours bought
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
/// allowance last. The platform provides the share sigma of a served project's inputs and pays
/// sigma of its cost at the base compute price; the holder buys the rest.
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
    const double pays = l.platform_cost_share[cell] * cost_at_base_price(c, pr.stage[id], pr.field[id]);
    if (pays > l.platform_allowance_yuan[cell]) continue;  // the budget left cannot pay its share
    l.platform_allowance_yuan[cell] -= pays;               // what is left tells the instrument what was used
    served[cell] += 1.0;
    w.platform_share[j] = l.platform_cost_share[cell];
    w.platform_cell[j] = static_cast<std::int32_t>(cell);
  }
}

/// Step 2. Holders' demand at their own prices (the compute market's price, less the compute
/// subsidy a firm expects; docs/model.md, compute market): per project, in parallel, the
/// cost-minimising mix of compute and other inputs; per holder, in project order (parallel over
/// holders, the same sums for any number of threads), what its projects need at full speed. A firm's demand
/// leaves out what platforms provide.
void holders_demand(const Context& c, const State& s, ProgressMonth& w) {
  const Projects& pr = s.projects;
  const Institutes& in = s.institutes;
  const Enterprises& en = s.enterprises;
  const EnterpriseLevers& l = en.levers;
  const double base_price = c.scenario.chain.compute.base_price_yuan_per_gpu_hour;
  const double sigma = c.scenario.chain.compute.substitution_elasticity;
  const auto own_share = [&](std::size_t j) { return w.platforms ? 1.0 - w.platform_share[j] : 1.0; };
  w.holder_of = scratch_array<std::int32_t>(w.n);
  for_blocks(w.n, [&](std::size_t begin, std::size_t end) {
    for (std::size_t j = begin; j < end; ++j) {
      const std::int32_t id = pr.active[j];
      w.holder_of[j] = pr.holder_kind[id] == HolderKind::institute ? ~pr.holder[id] : pr.holder[id];
    }
  });
  // A firm with a compute subsidy plans at the price net of the share of its bill the subsidy
  // can pay: the rate while its allowance covers rate x its bill at the base mix, less beyond.
  w.subsidies =
      block_reduce(
          en.size(), 0,
          [&](int& any, std::size_t e) { any |= l.compute_subsidy_rate[e] > 0.0 || l.rd_subsidy_rate[e] > 0.0; },
          [](int& a, int b) { a |= b; }) != 0;
  w.firm_relative_price = scratch_array<double>(en.size());
  if (w.subsidies) {
    w.firm_gpu_base = filled_array(en.size(), 0.0);
    for_projects_by_holder(w, en.size(), [&](std::size_t j, std::int32_t code) {
      if (code < 0 || !(l.compute_subsidy_rate[code] > 0.0)) return;
      const std::int32_t id = pr.active[j];
      w.firm_gpu_base[code] += own_share(j) * c.compute_gpu_hours[c.input_index(pr.field[id], pr.stage[id])];
    });
  }
  for_blocks(en.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t e = begin; e < end; ++e) {
      const double price = compute_price(c, s, en.region[e]);
      double share = 0.0;
      if (w.subsidies && l.compute_subsidy_rate[e] > 0.0 && w.firm_gpu_base[e] > 0.0) {
        const double full = l.compute_subsidy_rate[e] * price * w.firm_gpu_base[e];
        share = l.compute_subsidy_rate[e] * std::min(1.0, std::max(0.0, l.compute_allowance_yuan[e]) / full);
      }
      // A subsidy of (nearly) the whole bill would make compute (nearly) free and the cost-minimising
      // demand unbounded: holders plan with at least a tenth of the base price (a modelling bound).
      w.firm_relative_price[e] = std::max(kLowestRelativeComputePrice, price * (1.0 - share) / base_price);
    }
  });
  // Most holders plan at one relative price (the market's, no subsidy): their mixes are looked
  // up per input index instead of computed per project (a pure function of (weight, pi, sigma)).
  w.pi_ref = compute_price(c, s, 0) / base_price;
  w.mix_ref.resize(c.other_weight.size());
  for (std::size_t k = 0; k < w.mix_ref.size(); ++k)
    w.mix_ref[k] = cost_minimising_mix(c.other_weight[k], w.pi_ref, sigma);
  w.mix_other = scratch_array<double>(w.n);
  w.mix_compute = scratch_array<double>(w.n);
  w.mix_is_ref = scratch_array<std::uint8_t>(w.n);
  for_blocks(w.n, [&](std::size_t begin, std::size_t end) {
    for (std::size_t j = begin; j < end; ++j) {
      const std::int32_t id = pr.active[j];
      const std::int32_t code = w.holder_of[j];
      const double pi = code < 0 ? compute_price(c, s, in.region[~code]) / base_price : w.firm_relative_price[code];
      const std::size_t k = c.input_index(pr.field[id], pr.stage[id]);
      const bool ref = same_bits(pi, w.pi_ref);
      const InputMix mix = ref ? w.mix_ref[k] : cost_minimising_mix(c.other_weight[k], pi, sigma);
      w.mix_other[j] = mix.other;
      w.mix_compute[j] = mix.compute;
      w.mix_is_ref[j] = ref;
    }
  });
  w.inst_other.assign(in.size(), 0.0);
  w.inst_gpu.assign(in.size(), 0.0);
  w.firm_other = filled_array(en.size(), 0.0);
  w.firm_gpu = filled_array(en.size(), 0.0);
  w.firm_has_projects = filled_array<std::uint8_t>(en.size(), 0);
  for_projects_by_holder(w, en.size(), [&](std::size_t j, std::int32_t code) {
    const std::int32_t id = pr.active[j];
    const std::size_t k = c.input_index(pr.field[id], pr.stage[id]);
    const double own = own_share(j);
    const double other = own * c.other_cost_yuan[k] * w.mix_other[j];
    const double gpu = own * c.compute_gpu_hours[k] * w.mix_compute[j];
    if (code < 0) {
      w.inst_other[static_cast<std::size_t>(~code)] += other;
      w.inst_gpu[static_cast<std::size_t>(~code)] += gpu;
    } else {
      w.firm_other[code] += other;
      w.firm_gpu[code] += gpu;
      w.firm_has_projects[code] = 1;
    }
  });
}

/// Step 3. The policy subsidies' allowances for the month (levers compute_* and rd_*): a firm
/// may draw rate x its bill up to its allowance (its cap left), and an instance pays all its
/// firms together at most its pool (its budget left); where the firms' claims at their full
/// plans exceed the pool, each claim is cut in the same proportion (serially, in firm order).
void subsidy_grants(const Context& c, const State& s, ProgressMonth& w) {
  const Enterprises& en = s.enterprises;
  const EnterpriseLevers& l = en.levers;
  w.compute_grant = filled_array(en.size(), 0.0);
  w.rd_grant = filled_array(en.size(), 0.0);
  if (!w.subsidies) return;
  const std::vector<double>& pool = s.levers.subsidy_pool_yuan;
  std::vector<double> claimed(pool.size(), 0.0);
  const auto claims = [&](std::size_t e, double& compute_claim, double& rd_claim) {
    const double bill = compute_price(c, s, en.region[e]) * w.firm_gpu[e];
    const double cost = w.firm_other[e] + bill;
    compute_claim =
        l.compute_subsidy_rate[e] > 0.0 ? std::min(l.compute_subsidy_rate[e] * bill, l.compute_allowance_yuan[e]) : 0.0;
    rd_claim = l.rd_subsidy_rate[e] > 0.0
                   ? std::min(l.rd_subsidy_rate[e] * (cost - compute_claim), l.rd_allowance_yuan[e])
                   : 0.0;
    compute_claim = std::max(0.0, compute_claim);
    rd_claim = std::max(0.0, rd_claim);
  };
  const auto pooled = [&](std::int32_t k) { return k >= 0 && static_cast<std::size_t>(k) < pool.size(); };
  for (std::size_t e = 0; e < en.size(); ++e) {
    double compute_claim = 0.0, rd_claim = 0.0;
    claims(e, compute_claim, rd_claim);
    if (pooled(l.compute_policy[e])) claimed[l.compute_policy[e]] += compute_claim;
    if (pooled(l.rd_policy[e])) claimed[l.rd_policy[e]] += rd_claim;
  }
  std::vector<double> cut(pool.size(), 1.0);
  for (std::size_t k = 0; k < pool.size(); ++k)
    if (claimed[k] > pool[k]) cut[k] = pool[k] > 0.0 ? pool[k] / claimed[k] : 0.0;
  // A subsidy set by hand (no paying instance, as in mechanism tests) has no pool.
  for_blocks(en.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t e = begin; e < end; ++e) {
      double compute_claim = 0.0, rd_claim = 0.0;
      claims(e, compute_claim, rd_claim);
      w.compute_grant[e] = compute_claim * (pooled(l.compute_policy[e]) ? cut[l.compute_policy[e]] : 1.0);
      w.rd_grant[e] = rd_claim * (pooled(l.rd_policy[e]) ? cut[l.rd_policy[e]] : 1.0);
    }
  });
}

/// Step 4. How much of its plan each holder's money buys (the scale z): institutes from their
/// project budgets; firms from their own budgets after the subsidies' grants (funded_scale).
/// Writes the firms' funding gap (for finance) and resets their month's R&D spending.
void holders_coverage(const Context& c, State& s, ProgressMonth& w) {
  const Institutes& in = s.institutes;
  Enterprises& en = s.enterprises;
  const EnterpriseLevers& l = en.levers;
  w.inst_scale.assign(in.size(), 1.0);
  for (std::size_t i = 0; i < in.size(); ++i) {
    const double cost = w.inst_other[i] + compute_price(c, s, in.region[i]) * w.inst_gpu[i];
    if (cost > 0.0) w.inst_scale[i] = std::min(1.0, institute_project_budget(c, in, i) / cost);
  }
  w.firm_scale = scratch_array<double>(en.size());
  w.constrained = scratch_array<std::uint8_t>(en.size());
  for_blocks(en.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t e = begin; e < end; ++e) {
      en.funding_gap_yuan[e] = 0.0;
      en.rd_own_cost_yuan[e] = 0.0;
      en.rd_grant_full_yuan[e] = 0.0;
      en.pipeline_quality[e] = 0.0;
      en.rd_spent_yuan[e] = 0.0;
      en.compute_bill_yuan[e] = 0.0;
      w.firm_scale[e] = 1.0;
      w.constrained[e] = 0;
      const double bill = compute_price(c, s, en.region[e]) * w.firm_gpu[e];
      const double cost = w.firm_other[e] + bill;
      if (cost <= 0.0) continue;
      const double budget = enterprise_project_budget(c, en, e);
      const double compute_paid = std::min(l.compute_subsidy_rate[e] * bill, w.compute_grant[e]);
      const double rd_paid = std::min(l.rd_subsidy_rate[e] * (cost - compute_paid), w.rd_grant[e]);
      const double own = cost - compute_paid - rd_paid;
      en.funding_gap_yuan[e] = std::max(0.0, own - budget);
      en.rd_own_cost_yuan[e] = own;        // finance: the start-up's burn when it plans a round
      en.rd_grant_full_yuan[e] = rd_paid;  // finance: the part a grant pays only until its award is spent
      w.constrained[e] = budget < cost;    // without any subsidy its money would not buy its whole plan
      w.firm_scale[e] = funded_scale(cost, bill, budget, l.compute_subsidy_rate[e], w.compute_grant[e],
                                     l.rd_subsidy_rate[e], w.rd_grant[e]);
    }
  });
}

/// Step 5. The compute market clears: what holders want at the scale their money buys, summed
/// per region serially in id order (institutes, then firms), against the region's capacity;
/// where it exceeds the capacity every holder gets the same share (compute_market.hpp).
void clear_market(const Context& c, State& s, MonthMetrics& m, const ProgressMonth& w) {
  std::vector<double> wanted(c.regions, 0.0);
  for (std::size_t i = 0; i < s.institutes.size(); ++i)
    wanted[s.institutes.region[i]] += w.inst_scale[i] * w.inst_gpu[i];
  for (std::size_t e = 0; e < s.enterprises.size(); ++e)
    wanted[s.enterprises.region[e]] += w.firm_scale[e] * w.firm_gpu[e];
  clear_compute_market(c, s, wanted);
  for (std::size_t r = 0; r < c.regions; ++r) {
    m.at(m_compute_wanted_gpu_hours, r) += wanted[r];
    m.at(m_compute_rationed_gpu_hours, r) += wanted[r] * (1.0 - compute_served_share(s, r));
  }
}

/// Step 6. What is the same for every project of a holder (progress_effort's skill term, and its
/// input term where the index is the holder's scale z alone) or of an input index (the rationed
/// index of the reference mix), computed once here instead of once per project.
void holder_factors(const Context& c, const State& s, ProgressMonth& w) {
  const Institutes& in = s.institutes;
  const Enterprises& en = s.enterprises;
  const auto& p = c.scenario.chain.progress;
  const double sigma = c.scenario.chain.compute.substitution_elasticity;
  // The input index of a project without platform or rationing, as advance_projects computes it.
  const auto plain_inputs = [](double z) {
    const double sigma_p = 0.0, rationed_index = 1.0;
    return sigma_p + (1.0 - sigma_p) * z * rationed_index;
  };
  w.inst_skill_term.resize(in.size());
  w.inst_plain_inputs.resize(in.size());
  w.inst_plain_term.resize(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    w.inst_skill_term[i] = std::pow(in.researcher_skill_mean[i], p.skill_elasticity);
    w.inst_plain_inputs[i] = plain_inputs(w.inst_scale[i]);
    w.inst_plain_term[i] = std::pow(w.inst_plain_inputs[i], p.funding_elasticity);
  }
  w.firm_skill_term = scratch_array<double>(en.size());
  w.firm_plain_inputs = scratch_array<double>(en.size());
  w.firm_plain_term = scratch_array<double>(en.size());
  for_blocks(en.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t e = begin; e < end; ++e) {
      if (!w.firm_has_projects[e]) continue;  // never read
      w.firm_skill_term[e] = std::pow(en.rd_staff_skill_mean[e] * en.levers.skill_multiplier[e], p.skill_elasticity);
      w.firm_plain_inputs[e] = plain_inputs(w.firm_scale[e]);
      w.firm_plain_term[e] = std::pow(w.firm_plain_inputs[e], p.funding_elasticity);
    }
  });
  const double served = compute_served_share(s, 0);
  w.rationed_ref.assign(w.mix_ref.size(), 1.0);
  if (served < 1.0)
    for (std::size_t k = 0; k < w.mix_ref.size(); ++k)
      w.rationed_ref[k] = input_index(c.other_weight[k], w.mix_ref[k].other, w.mix_ref[k].compute * served, sigma);
}

/// Step 7. One parallel pass over fixed blocks of the active list: draws, progress and stage
/// moves (each project writes only its own columns), and per block the month's metric sums
/// and counts, the projects that stay active, and those sent to transfer or launched, in id
/// order. Block partials are combined in block order by the next step, so the result is the
/// same for any thread count. A project's input index is its holder's scale z times the CES
/// aggregate of its mix with the compute actually served (1 when nothing is rationed), plus
/// what a platform provides.
std::vector<AdvanceBlock> advance_projects(const Context& c, State& s, ProgressMonth& w) {
  Projects& pr = s.projects;
  const Institutes& in = s.institutes;
  const Enterprises& en = s.enterprises;
  const WorldLevers& l = s.levers;
  const std::uint32_t month = static_cast<std::uint32_t>(s.month);
  const std::size_t F = c.fields, R = c.regions;
  const double sigma = c.scenario.chain.compute.substitution_elasticity;
  std::vector<AdvanceBlock> blocks(block_count(w.n));
  w.paid = scratch_array<double>(w.n);
  w.quality_of = scratch_array<double>(w.n);
  w.platform_pays.assign(w.platforms ? w.n : 0, 0.0);
  // Each project's quality term of the hazard, kept from month to month (State::hazard_cache);
  // an entry is used only when it was computed from the project's current quality.
  State::HazardCache& hc = s.hazard_cache;
  const double elasticity = c.scenario.chain.progress.quality_hazard_elasticity;
  if (!same_bits(hc.elasticity, elasticity)) {
    hc.elasticity = elasticity;
    hc.quality.clear();
    hc.factor.clear();
  }
  // New entries hold a NaN no quality is drawn as (a payload of our own), so they are computed.
  hc.quality.resize(pr.size(), std::bit_cast<double>(std::uint64_t{0x7FF4'1A2B'3C4D'5E6FULL}));
  hc.factor.resize(pr.size(), 0.0);
  const double funding_elasticity = c.scenario.chain.progress.funding_elasticity;
  const double served_ref = compute_served_share(s, 0);
  for_blocks(w.n, [&](std::size_t begin, std::size_t end) {
    AdvanceBlock& blk = blocks[begin / kBlock];
    blk.rd_institutes.assign(R, 0.0);
    blk.rd_enterprises.assign(R, 0.0);
    blk.compute.assign(F, 0.0);
    blk.gpu_hours.assign(F, 0.0);
    blk.counts.assign(c_size * F, 0);
    blk.kept.reserve(end - begin);
    const auto count = [&](std::size_t what, std::size_t f) { blk.counts[what * F + f] += 1; };
    for (std::size_t j = begin; j < end; ++j) {
      const std::int32_t id = pr.active[j];
      const HolderKind kind = pr.holder_kind[id];
      const std::int32_t h = pr.holder[id];
      const std::size_t f = pr.field[id];
      const Stage st = pr.stage[id];
      const std::size_t region = kind == HolderKind::institute ? in.region[h] : en.region[h];
      const double z = kind == HolderKind::institute ? w.inst_scale[h] : w.firm_scale[h];
      const double served = compute_served_share(s, region);
      const double price = compute_price(c, s, region);
      const std::size_t k = c.input_index(f, st);
      const std::int32_t cell = w.platforms ? w.platform_cell[j] : -1;
      const double sigma_p = cell >= 0 ? w.platform_share[j] : 0.0;  // what the platform provides
      const double own = (1.0 - sigma_p) * z;
      const double gpu = own * c.compute_gpu_hours[k] * w.mix_compute[j] * served;
      const double bought = own * c.other_cost_yuan[k] * w.mix_other[j] + price * gpu;
      // Rationed: the CES index of the mix with the compute served (looked up for the reference mix).
      double rationed_index = 1.0;
      if (served < 1.0)
        rationed_index = w.mix_is_ref[j] && same_bits(served, served_ref)
                             ? w.rationed_ref[k]
                             : input_index(c.other_weight[k], w.mix_other[j], w.mix_compute[j] * served, sigma);
      const double inputs = sigma_p + own * rationed_index;
      if (cell >= 0) w.platform_pays[j] = sigma_p * cost_at_base_price(c, st, f);
      // A policy's mentoring (lever skill_multiplier, 1 without policy) raises a firm team's effective
      // skill: skill_term is pow(skill, skill_elasticity), computed per holder (holder_factors).
      const double skill_term = kind == HolderKind::institute ? w.inst_skill_term[h] : w.firm_skill_term[h];
      const double plain_inputs = kind == HolderKind::institute ? w.inst_plain_inputs[h] : w.firm_plain_inputs[h];
      const double pays = bought + (cell >= 0 ? w.platform_pays[j] : 0.0);
      w.paid[j] = pays;
      blk.coverage += sigma_p + (1.0 - sigma_p) * z;
      blk.compute[f] += price * gpu;
      blk.gpu_hours[f] += gpu;
      if (kind == HolderKind::institute) {
        blk.rd_institutes[region] += pays;
      } else {
        blk.rd_enterprises[region] += pays;
        blk.enterprise_rd += pays;
      }
      Rng rng(c.key, Stream::progress, static_cast<std::uint32_t>(id), month);
      const double quality = pr.quality[id];
      if (!same_bits(hc.quality[id], quality)) {
        hc.quality[id] = quality;
        hc.factor[id] = quality_hazard_factor(c, quality);
      }
      const double hazard = hazard_from_factor(c, st, hc.factor[id]);
      if (rng.bernoulli(cell >= 0 ? std::min(1.0, hazard * l.platform_hazard_multiplier[cell]) : hazard)) {
        pr.status[id] = ProjectStatus::failed;
        w.quality_of[j] = -std::numeric_limits<double>::infinity();
        count(c_failures + static_cast<std::size_t>(st), f);
        continue;
      }
      w.quality_of[j] = pr.quality[id];
      // Work done in integer units (a month at full speed is exactly kProgressUnitsPerMonth), so a
      // stage of a whole number of months at full speed takes exactly that many months.
      // progress_effort(c, skill, inputs), its terms looked up where they are the holder's.
      const double input_term = same_bits(inputs, plain_inputs)
                                    ? (kind == HolderKind::institute ? w.inst_plain_term[h] : w.firm_plain_term[h])
                                    : std::pow(inputs, funding_elasticity);
      const double effort = skill_term * input_term;
      pr.progress[id] += progress_units(cell >= 0 ? effort * l.platform_speed_multiplier[cell] : effort);
      pr.months_in_stage[id] += 1;
      if (pr.progress[id] >= stage_units(c, st, f)) {  // the stage is finished
        pr.progress[id] = 0;
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

/// Step 8. What is summed per holder, in project order (parallel over holders): payments and the
/// firms' pipeline quality; serially, the platforms' public money; then the blocks' partials in block order
/// (metrics, the next active list, the transfer queue, the launches); then the holders pay:
/// the subsidies pay their rates of the bills actually run up, within the month's grants, and
/// each payment is recorded per recipient.
void merge_and_pay(const Context& c, State& s, MonthMetrics& m, ProgressMonth& w,
                   const std::vector<AdvanceBlock>& blocks) {
  Projects& pr = s.projects;
  Institutes& in = s.institutes;
  Enterprises& en = s.enterprises;
  EnterpriseLevers& lev = en.levers;
  const std::size_t F = c.fields, R = c.regions;
  const std::size_t n = w.n;
  std::vector<double> inst_spent(in.size(), 0.0);
  for_projects_by_holder(w, en.size(), [&](std::size_t j, std::int32_t code) {
    if (code < 0) {
      inst_spent[static_cast<std::size_t>(~code)] += w.paid[j];
      return;
    }
    const auto h = static_cast<std::size_t>(code);
    en.rd_spent_yuan[h] += w.paid[j];
    en.pipeline_quality[h] = std::max(en.pipeline_quality[h], w.quality_of[j]);
  });
  w.platform_paid = filled_array(en.size(), 0.0);
  if (w.platforms) {
    // Per (firm, instance): the platforms' payments, for the recipients record.
    std::vector<std::tuple<std::int32_t, std::int32_t, double, double>> served;
    for (std::size_t j = 0; j < n; ++j) {
      if (w.platform_cell[j] < 0) continue;  // only firms' projects are served
      const double pays = w.platform_pays[j];
      const std::int32_t policy = s.levers.platform_policy[w.platform_cell[j]];
      w.platform_paid[w.holder_of[j]] += pays;
      s.ledger.month[lf_policy_spending] += pays;
      s.policy_spending[policy] += pays;
      s.policy_units[policy] += 1.0;
      const std::int32_t id = pr.active[j];
      served.emplace_back(w.holder_of[j], policy, pays, cost_at_base_price(c, pr.stage[id], pr.field[id]));
    }
    std::stable_sort(served.begin(), served.end(), [](const auto& a, const auto& b) {
      return std::pair{std::get<0>(a), std::get<1>(a)} < std::pair{std::get<0>(b), std::get<1>(b)};
    });
    for (std::size_t k = 0; k < served.size();) {
      const auto [firm, policy, first_pays, first_cost] = served[k];
      double pays = 0.0, cost = 0.0;
      for (; k < served.size() && std::get<0>(served[k]) == firm && std::get<1>(served[k]) == policy; ++k) {
        pays += std::get<2>(served[k]);
        cost += std::get<3>(served[k]);
      }
      record_recipient(c, s, policy, static_cast<std::size_t>(firm), pays, cost, pays, w.constrained[firm] != 0);
    }
  }
  // The blocks' partials, in block order.
  std::vector<std::int32_t> next;
  next.reserve(n);
  std::vector<std::int64_t> counts(c_size * F, 0);
  double coverage_sum = 0.0, spent_on_compute = 0.0, gpu_hours = 0.0;
  for (const AdvanceBlock& blk : blocks) {
    for (std::size_t r = 0; r < R; ++r) {
      m.at(m_rd_spending_institutes, r) += blk.rd_institutes[r];
      m.at(m_rd_spending_enterprises, r) += blk.rd_enterprises[r];
    }
    for (std::size_t f = 0; f < F; ++f) {
      m.at(m_compute_spending, f) += blk.compute[f];
      m.at(m_compute_gpu_hours, f) += blk.gpu_hours[f];
      spent_on_compute += blk.compute[f];
      gpu_hours += blk.gpu_hours[f];
    }
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
  // The province's mean price paid (by capacity when nothing was bought) and utilisation.
  const ComputeMarket& cm = s.compute;
  double capacity = 0.0;
  for (const double k : cm.capacity_gpu_hours) capacity += k;
  m.at(m_compute_price) = gpu_hours > 0.0 ? spent_on_compute / gpu_hours : compute_price(c, s, 0);
  m.at(m_compute_utilisation) = capacity > 0.0 ? gpu_hours / capacity : 0.0;
  // Each firm's compute bill and what the subsidies pay of the bills actually run up (after
  // rationing), within the month's grants; firms pay the rest (per firm, in parallel).
  w.compute_paid = filled_array(en.size(), 0.0);
  w.rd_paid = filled_array(en.size(), 0.0);
  for_blocks(en.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t e = begin; e < end; ++e) {
      en.rd_subsidised_yuan[e] = 0.0;
      if (!(en.rd_spent_yuan[e] > 0.0)) continue;
      const double bill =
          w.firm_scale[e] * compute_price(c, s, en.region[e]) * w.firm_gpu[e] * compute_served_share(s, en.region[e]);
      en.compute_bill_yuan[e] = bill;
      if (w.subsidies) {
        const double cost = w.firm_scale[e] * w.firm_other[e] + bill;
        w.compute_paid[e] = std::min(lev.compute_subsidy_rate[e] * bill, w.compute_grant[e]);
        w.rd_paid[e] = std::min(lev.rd_subsidy_rate[e] * (cost - w.compute_paid[e]), w.rd_grant[e]);
        lev.compute_allowance_yuan[e] -= w.compute_paid[e];  // what is left tells the instrument what was used
        lev.rd_allowance_yuan[e] -= w.rd_paid[e];
      }
      en.rd_subsidised_yuan[e] = w.compute_paid[e] + w.rd_paid[e] + w.platform_paid[e];
      en.cash_yuan[e] -= en.rd_spent_yuan[e] - en.rd_subsidised_yuan[e];
    }
  });
  // The subsidies are public money, summed and recorded serially in firm order.
  for (std::size_t e = 0; e < en.size() && w.subsidies; ++e) {
    if (en.rd_spent_yuan[e] <= 0.0) continue;
    const double cost = en.rd_spent_yuan[e] - w.platform_paid[e];
    for (const auto& [amount, policy, bill, allowance] :
         {std::tuple{w.compute_paid[e], lev.compute_policy[e], en.compute_bill_yuan[e], w.compute_grant[e]},
          std::tuple{w.rd_paid[e], lev.rd_policy[e], cost, w.rd_grant[e]}}) {
      if (amount <= 0.0) continue;
      s.ledger.month[lf_policy_spending] += amount;
      if (policy < 0) continue;  // set by hand in a mechanism test: no instance to charge
      s.policy_spending[policy] += amount;
      s.policy_units[policy] += 1.0;
      record_recipient(c, s, policy, e, amount, bill, allowance, w.constrained[e] != 0);
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
  // Projects abandoned since last month (their holder exited) leave the active list.
  std::erase_if(s.projects.active, [&](std::int32_t id) { return s.projects.status[id] == ProjectStatus::abandoned; });
  ProgressMonth w;
  w.n = s.projects.active.size();
  serve_platforms(c, s, w);
  holders_demand(c, s, w);
  subsidy_grants(c, s, w);
  holders_coverage(c, s, w);
  clear_market(c, s, m, w);
  holder_factors(c, s, w);
  const std::vector<AdvanceBlock> blocks = advance_projects(c, s, w);
  merge_and_pay(c, s, m, w, blocks);
}

}  // namespace innochain
