#include "model/population.hpp"

#include "core/parallel.hpp"
#include "links/basic_research.hpp"
#include "links/breakthrough.hpp"
#include "links/progress.hpp"
#include "links/talent_market.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cmath>

namespace innochain {

namespace {

/// Sub-kind by quota: the first round(n * s0) ids get kind 0, and so on, so that
/// counts match the shares exactly even in tiny worlds.
template <class Kind>
std::vector<Kind> kinds_by_quota(std::size_t n, std::initializer_list<double> shares) {
  const std::vector<double> w(shares);
  const auto counts = apportion(w, static_cast<std::int64_t>(n));
  std::vector<Kind> out;
  out.reserve(n);
  for (std::size_t k = 0; k < counts.size(); ++k) out.insert(out.end(), counts[k], static_cast<Kind>(k));
  return out;
}

std::vector<double> region_weights(const Scenario& s, double RegionSpec::*member) {
  std::vector<double> w;
  for (const auto& r : s.world.regions) w.push_back(r.*member);
  return w;
}

/// Assigns `count` consecutive talent ids, starting at `first`, to employers in
/// proportion to `weights`.
void assign_block(Talent& t, std::int64_t first, std::int64_t count, Role role, EmployerKind kind,
                  std::span<const double> weights) {
  const auto per_employer = apportion(weights, count);
  std::int64_t id = first;
  for (std::size_t e = 0; e < per_employer.size(); ++e) {
    for (std::int64_t k = 0; k < per_employer[e]; ++k, ++id) {
      t.role[id] = role;
      t.employer_kind[id] = kind;
      t.employer[id] = static_cast<std::int32_t>(e);
    }
  }
}

}  // namespace

std::span<const double> enterprise_field_weights(const Context& c, std::span<const double> field_shares,
                                                 std::size_t region) {
  if (c.field_given_region.empty()) return field_shares;
  return std::span<const double>(c.field_given_region).subspan(region * c.fields, c.fields);
}

std::span<const double> enterprise_region_weights(const Context& c, std::span<const double> region_shares,
                                                  std::size_t field) {
  if (c.region_given_field.empty()) return region_shares;
  return std::span<const double>(c.region_given_field).subspan(field * c.regions, c.regions);
}

std::vector<std::int64_t> apportion(std::span<const double> weights, std::int64_t total) {
  std::vector<std::int64_t> counts(weights.size(), 0);
  double sum = 0.0;
  for (double w : weights) sum += w;
  if (sum <= 0.0 || total <= 0) return counts;
  double cumulative = 0.0;
  std::int64_t previous = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    cumulative += weights[i];
    const auto upto =
        i + 1 == weights.size() ? total : std::min<std::int64_t>(total, std::llround(total * (cumulative / sum)));
    counts[i] = std::max<std::int64_t>(0, upto - previous);
    previous += counts[i];
  }
  return counts;
}

std::vector<double> revenue_per_selling_firm(const State& st, std::size_t fields) {
  const Enterprises& en = st.enterprises;
  std::vector<double> revenue(fields, 0.0), firms(fields, 0.0);
  for (std::size_t e = 0; e < en.size(); ++e) {
    if (!en.alive[e] || en.product_lines[e] <= 0) continue;
    revenue[en.field[e]] += en.revenue_yuan_per_month[e];
    firms[en.field[e]] += 1.0;
  }
  for (std::size_t f = 0; f < fields; ++f) revenue[f] = firms[f] > 0.0 ? revenue[f] / firms[f] : 0.0;
  return revenue;
}

namespace {

/// The oldest project an initial pipeline holds, months: a holder whose budget buys almost no
/// progress would otherwise hold projects that never finish from any age.
constexpr std::int64_t kMaxPipelineAge = 240;

/// Initial pipelines (3.1): a project started `age` months ago that passes `stages` of `months[k]`
/// whole months each, doing `per_month` units a month. If it is still within them (and, when
/// `left_after_first`, still in the first: it went to a firm as contract research on finishing it)
/// and `alive` is below its survival to that point, it is appended to the active list in its
/// stage with its months and work done there, created in month -age.
void place_started_project(const Context& c, Projects& pr, std::span<const Stage> stages,
                           std::span<const std::int64_t> months, std::int64_t per_month, std::int64_t age,
                           double quality, double alive, bool left_after_first, HolderKind kind, std::int32_t holder,
                           std::int32_t origin, std::uint16_t field) {
  double survival = 1.0;
  std::size_t k = 0;
  std::int64_t into = age;                          // months into stage k
  while (k < stages.size() && into >= months[k]) {  // stage k done: the next starts at once
    survival *= std::pow(1.0 - failure_hazard(c, stages[k], quality), static_cast<double>(months[k]));
    into -= months[k];
    k += 1;
  }
  if (k == stages.size() || (k > 0 && left_after_first)) return;
  survival *= std::pow(1.0 - failure_hazard(c, stages[k], quality), static_cast<double>(into));
  if (alive >= survival) return;
  const auto id = static_cast<std::int32_t>(pr.size());
  pr.resize(pr.size() + 1);
  pr.field[id] = field;
  pr.stage[id] = stages[k];
  pr.status[id] = ProjectStatus::active;
  pr.holder_kind[id] = kind;
  pr.holder[id] = holder;
  pr.origin_institute[id] = origin;
  pr.progress[id] = into * per_month;
  pr.quality[id] = quality;
  pr.months_in_stage[id] = static_cast<std::int32_t>(into);
  pr.created_month[id] = static_cast<std::int32_t>(-age);
  pr.active.push_back(id);
}

}  // namespace

void add_initial_pipeline(const Context& c, State& st) {
  const auto& bp = c.scenario.chain.breakthrough;
  const Enterprises& en = st.enterprises;
  Projects& pr = st.projects;
  const double sigma = c.scenario.chain.basic_research.quality_log_sd;
  const double e_q = c.scenario.chain.progress.quality_hazard_elasticity;
  static constexpr std::array<Stage, 3> stages = {Stage::breakthrough, Stage::proof_of_concept, Stage::pilot};
  const auto holds = [&](std::size_t e) {
    return en.alive[e] && en.kind[e] != EnterpriseKind::startup && en.rd_staff[e] > 0;
  };
  // Each firm's steady-state speed and starts (deterministic, per firm: parallel).
  std::vector<double> speed(en.size(), 0.0), starts(en.size(), 0.0);
  for_each_index(en.size(), [&](std::size_t e) {
    if (!holds(e)) return;
    SteadyPipeline line;
    line.field = en.field[e];
    line.starts = own_project_probability(bp.rd_staff_zeta, en.rd_staff[e]);
    line.stages = stages;
    // The hazard of the mean quality factor, E[q^-e] of the firm's log-normal quality.
    const double mu =
        bp.enterprise_quality_log_mean + bp.absorptive_quality_gain * en.absorptive_capacity[e] - 0.5 * sigma * sigma;
    const double factor = std::exp(-e_q * mu + 0.5 * e_q * e_q * sigma * sigma);
    for (std::size_t k = 0; k < stages.size(); ++k) line.hazard[k] = hazard_from_factor(c, stages[k], factor);
    // A firm starts a project only when its budget covers the projects under way and the new one
    // (3.3.3), so its projects run at the speed of its team's skill and its starts are thinned
    // to what its budget pays for: rate min(q_e, B_e / cost per start).
    speed[e] = std::pow(en.rd_staff_skill_mean[e], c.scenario.chain.progress.skill_elasticity);
    if (!(speed[e] > 0.0)) return;
    const double per_start = steady_pipeline_cost(c, line, speed[e]) / line.starts;
    starts[e] = std::min(line.starts, enterprise_project_budget(c, en, e) / per_start);
  });
  // Serial over firms (ids in firm order); each firm's draws come from its own stream.
  for (std::size_t e = 0; e < en.size(); ++e) {
    if (!holds(e) || !(speed[e] > 0.0)) continue;
    Rng rng(c.key, Stream::init_pipeline, static_cast<std::uint32_t>(e), 0);
    const double start = starts[e];
    const std::int64_t per_month = std::max<std::int64_t>(1, progress_units(speed[e]));
    std::array<std::int64_t, 3> months{};
    std::int64_t total = 0;
    for (std::size_t k = 0; k < stages.size(); ++k) {
      months[k] = stage_months_at(c, stages[k], en.field[e], speed[e]);
      total += months[k];
    }
    // A project started `age` months ago (age 1..total - 1) at the steady-state speed, if it has not failed.
    for (std::int64_t age = 1; age < std::min(total, kMaxPipelineAge); ++age) {
      if (!rng.bernoulli(start)) continue;
      const double quality = rng.lognormal(
          bp.enterprise_quality_log_mean + bp.absorptive_quality_gain * en.absorptive_capacity[e] - 0.5 * sigma * sigma,
          sigma);
      const double alive = rng.uniform();
      // Past the pilot it has launched: the firm's lines stand for its products.
      place_started_project(c, pr, stages, months, per_month, age, quality, alive, false, HolderKind::enterprise,
                            static_cast<std::int32_t>(e), -1, en.field[e]);
    }
  }
}

void add_institute_pipeline(const Context& c, State& st, std::span<const InstituteSteadyState> steady) {
  const Institutes& in = st.institutes;
  Projects& pr = st.projects;
  const std::size_t F = c.fields;
  const auto& p = c.scenario.chain.basic_research;
  const double sigma = p.quality_log_sd;
  const std::array<Stage, 2> stages = {Stage::basic, Stage::breakthrough};
  const Eigen::VectorXd spill = knowledge_spillover(c, in);
  // Serial over institutes (ids in institute order); each institute's draws come from its own stream.
  for (std::size_t i = 0; i < in.size(); ++i) {
    const double speed = steady[i].speed;
    if (!(speed > 0.0)) continue;
    Rng rng(c.key, Stream::init_institute_pipeline, static_cast<std::uint32_t>(i), 0);
    const double rate = discovery_rate(c, in, i, spill);
    const std::span<const double> weights(in.field_weight.data() + i * F, F);
    const std::int64_t per_month = std::max<std::int64_t>(1, progress_units(speed));
    std::vector<std::array<std::int64_t, 2>> months(F);
    std::int64_t longest = 0;
    for (std::size_t f = 0; f < F; ++f) {
      for (std::size_t k = 0; k < stages.size(); ++k) months[f][k] = stage_months_at(c, stages[k], f, speed);
      longest = std::max(longest, months[f][0] + months[f][1]);
    }
    // Discoveries made `age` months ago (age 1..longest - 1), progressing at the steady-state speed since.
    for (std::int64_t age = 1; age < std::min(longest, kMaxPipelineAge); ++age) {
      const std::int64_t found = rng.poisson(rate);
      for (std::int64_t d = 0; d < found; ++d) {
        const std::size_t f = rng.categorical(weights);
        const double quality = std::pow(1.0 + in.knowledge[i * F + f], p.knowledge_quality_elasticity) *
                               rng.lognormal(-0.5 * sigma * sigma, sigma);
        const double alive = rng.uniform();
        const bool contracted = rng.bernoulli(steady[i].signed_share[f]);  // if it finishes BASIC
        // Past BREAKTHROUGH it is at the transfer office or transferred.
        place_started_project(c, pr, stages, months[f], per_month, age, quality, alive, contracted,
                              HolderKind::institute, static_cast<std::int32_t>(i), static_cast<std::int32_t>(i),
                              static_cast<std::uint16_t>(f));
      }
    }
  }
}

State build_population(const Context& c) {
  const Scenario& s = c.scenario;
  const double scale = s.world.scale;
  const std::size_t F = c.fields;
  State st;

  // ---- institutes
  {
    const auto& p = s.agents.institutes;
    const std::size_t n = static_cast<std::size_t>(Scenario::scaled(p.count, scale));
    Institutes& in = st.institutes;
    in.resize(n, F);
    in.kind = kinds_by_quota<InstituteKind>(n, {p.share_university, p.share_national_lab, p.share_new_rd_institute});
    const auto rw = region_weights(s, &RegionSpec::institute_share);
    for_each_index(
        n,
        [&](std::size_t i) {
          Rng rng(c.key, Stream::init_institutes, static_cast<std::uint32_t>(i), 0);
          in.region[i] = static_cast<std::uint16_t>(rng.categorical(rw));
          in.budget_yuan_per_month[i] = p.budget_yuan_per_month_median * rng.lognormal(0.0, p.budget_log_sd);
          // Random specialisation around the province's field weights.
          double total = 0.0;
          for (std::size_t f = 0; f < F; ++f) {
            const double w = s.world.fields[f].institute_weight * rng.lognormal(0.0, 0.8);
            in.field_weight[i * F + f] = w;
            total += w;
          }
          for (std::size_t f = 0; f < F; ++f) in.field_weight[i * F + f] /= total;
          in.transfer_office_capacity[i] = p.transfer_office_capacity;
          in.transfer_office_skill[i] = p.transfer_office_skill;
          in.risk_aversion[i] = p.risk_aversion;
          in.levers.sanction_probability[i] = p.sanction_probability;
          in.levers.inventor_share[i] = p.inventor_share;
          in.base_sanction_probability[i] = p.sanction_probability;
          in.base_inventor_share[i] = p.inventor_share;
        },
        64);
  }

  // ---- enterprises
  {
    const auto& p = s.agents.enterprises;
    const std::size_t n = static_cast<std::size_t>(Scenario::scaled(p.count, scale));
    Enterprises& en = st.enterprises;
    en.resize(n);
    en.kind = kinds_by_quota<EnterpriseKind>(n, {p.share_chain_leader, p.share_sme, p.share_startup});
    const auto rw = region_weights(s, &RegionSpec::enterprise_share);
    std::vector<double> fw;
    for (const auto& f : s.world.fields) fw.push_back(f.enterprise_share);
    for_each_index(n, [&](std::size_t i) {
      Rng rng(c.key, Stream::init_enterprises, static_cast<std::uint32_t>(i), 0);
      en.region[i] = static_cast<std::uint16_t>(rng.categorical(rw));
      en.field[i] = static_cast<std::uint16_t>(rng.categorical(enterprise_field_weights(c, fw, en.region[i])));
      double median = p.revenue_median_sme;
      std::int32_t min_age = 36, max_age = 240;
      if (en.kind[i] == EnterpriseKind::chain_leader) {
        median = p.revenue_median_chain_leader;
        min_age = 120;
        max_age = 480;
      } else if (en.kind[i] == EnterpriseKind::startup) {
        median = 0.0;  // start-ups have no product yet: they live on founders' money (below)
        min_age = 0;
        max_age = 36;
      }
      const double spread = rng.lognormal(0.0, p.revenue_log_sd);  // drawn even when discarded: draws stay aligned
      en.revenue_yuan_per_month[i] = p.equal_initial_size ? median : median * spread;
      en.rd_share[i] = p.rd_share_of_revenue * s.world.regions[en.region[i]].rd_share_multiplier;
      en.absorptive_base[i] = std::clamp(rng.normal(p.absorptive_capacity_mean, 0.2), 0.0, 1.0);
      en.absorptive_capacity[i] = en.absorptive_base[i];
      // Chain leaders and SMEs sell from the start (their product lines are built below).
      en.first_product_month[i] = en.kind[i] == EnterpriseKind::startup ? -1 : 0;
      en.cash_yuan[i] = en.kind[i] == EnterpriseKind::startup ? founders_money(c, i, 0)
                                                              : p.initial_cash_months * en.revenue_yuan_per_month[i];
      en.age_months[i] = min_age + static_cast<std::int32_t>(rng.below(static_cast<std::uint32_t>(max_age - min_age)));
      en.alive[i] = 1;
    });
  }

  // ---- financiers
  {
    const auto& p = s.agents.financiers;
    const std::size_t n = static_cast<std::size_t>(Scenario::scaled(p.count, scale));
    Financiers& fi = st.financiers;
    fi.resize(n);
    fi.kind = kinds_by_quota<FinancierKind>(n, {p.share_venture_capital, p.share_guidance_fund, p.share_bank});
    const auto rw = region_weights(s, &RegionSpec::financier_share);
    for_each_index(
        n,
        [&](std::size_t i) {
          Rng rng(c.key, Stream::init_financiers, static_cast<std::uint32_t>(i), 0);
          fi.region[i] = static_cast<std::uint16_t>(rng.categorical(rw));
          fi.capital_yuan[i] = p.capital_median_yuan * rng.lognormal(0.0, p.capital_log_sd);
          if (fi.kind[i] != FinancierKind::bank) fi.target_capital_yuan[i] = fi.capital_yuan[i];
          fi.threshold[i] = s.chain.finance.venture_threshold + p.threshold_log_sd * rng.normal();
          if (fi.kind[i] == FinancierKind::guidance_fund)
            fi.threshold[i] -= s.chain.finance.guidance_threshold_discount;
          if (fi.kind[i] == FinancierKind::guidance_fund)
            fi.coinvest_ratio[i] = s.chain.finance.guidance_coinvest_ratio;
        },
        256);
  }

  // ---- talent: researchers at institutes in proportion to budget; engineers and
  // industry scientists at enterprises in proportion to revenue^0.6 (employment
  // grows less than proportionally with firm size) times the region's R&D share
  // multiplier (firms that budget more R&D employ more R&D staff); the rest unemployed.
  {
    const auto& p = s.agents.talent;
    const std::int64_t n = Scenario::scaled(p.count, scale);
    Talent& t = st.talent;
    t.resize(static_cast<std::size_t>(n));
    const std::int64_t researchers = st.institutes.size() ? std::llround(n * p.share_researcher) : 0;
    const std::int64_t engineers = st.enterprises.size() ? std::llround(n * p.share_engineer) : 0;
    const std::int64_t scientists =
        st.enterprises.size()
            ? std::min<std::int64_t>(n - researchers - engineers, std::llround(n * p.share_industry_scientist))
            : 0;
    std::vector<double> firm_weight(st.enterprises.size());
    for (std::size_t e = 0; e < firm_weight.size(); ++e)
      firm_weight[e] = std::pow(st.enterprises.revenue_yuan_per_month[e], 0.6) *
                       s.world.regions[st.enterprises.region[e]].rd_share_multiplier;
    assign_block(t, 0, researchers, Role::researcher, EmployerKind::institute, st.institutes.budget_yuan_per_month);
    // Each start-up employs its founder; the other engineers go to the firms that sell.
    std::vector<double> founder_weight(st.enterprises.size(), 0.0);
    std::int64_t founders = 0;
    for (std::size_t e = 0; e < founder_weight.size(); ++e)
      if (st.enterprises.kind[e] == EnterpriseKind::startup && founders < engineers) {
        founder_weight[e] = 1.0;
        founders += 1;
      }
    assign_block(t, researchers, founders, Role::engineer, EmployerKind::enterprise, founder_weight);
    assign_block(t, researchers + founders, engineers - founders, Role::engineer, EmployerKind::enterprise,
                 firm_weight);
    assign_block(t, researchers + engineers, scientists, Role::industry_scientist, EmployerKind::enterprise,
                 firm_weight);
    const std::int64_t employed = researchers + engineers + scientists;
    const auto rw = region_weights(s, &RegionSpec::talent_share);
    std::vector<double> fw;
    for (const auto& f : s.world.fields) fw.push_back(f.enterprise_share);
    const double sigma = p.skill_log_sd;
    // An industry scientist is a former researcher tied to the institute it came from (3.3.1); at
    // the steady state every one has a tie, so the initial ones carry one too, to an institute
    // drawn in proportion to its budget (its researchers) x its weight in the firm's field.
    std::vector<std::vector<double>> tie_weight(c.fields, std::vector<double>(st.institutes.size()));
    for (std::size_t f = 0; f < c.fields; ++f)
      for (std::size_t i = 0; i < st.institutes.size(); ++i)
        tie_weight[f][i] = st.institutes.budget_yuan_per_month[i] * st.institutes.field_weight[i * c.fields + f];
    for_each_index(static_cast<std::size_t>(n), [&](std::size_t i) {
      Rng rng(c.key, Stream::init_talent, static_cast<std::uint32_t>(i), 0);
      t.skill[i] = static_cast<float>(rng.lognormal(-0.5 * sigma * sigma, sigma));
      t.entrepreneurial_propensity[i] =
          static_cast<float>(std::min(1.0, p.entrepreneurial_propensity_mean * rng.exponential(1.0)));
      t.months_in_job[i] = static_cast<std::int32_t>(rng.below(120));
      if (static_cast<std::int64_t>(i) >= employed) {
        t.role[i] = rng.bernoulli(0.5) ? Role::engineer : Role::researcher;
        t.employer_kind[i] = EmployerKind::none;
        t.employer[i] = -1;
        t.region[i] = static_cast<std::uint16_t>(rng.categorical(rw));
        t.field[i] = static_cast<std::uint16_t>(rng.categorical(enterprise_field_weights(c, fw, t.region[i])));
      } else if (t.employer_kind[i] == EmployerKind::institute) {
        const auto e = static_cast<std::size_t>(t.employer[i]);
        t.region[i] = st.institutes.region[e];
        t.field[i] = static_cast<std::uint16_t>(
            rng.categorical(std::span<const double>(st.institutes.field_weight).subspan(e * c.fields, c.fields)));
      } else {
        const auto e = static_cast<std::size_t>(t.employer[i]);
        t.region[i] = st.enterprises.region[e];
        t.field[i] = st.enterprises.field[e];
        if (t.role[i] == Role::industry_scientist && st.institutes.size() > 0)
          t.tie_institute[i] = static_cast<std::int32_t>(rng.categorical(tie_weight[t.field[i]]));
      }
    });
  }

  // ---- product lines of the firms present at the start, consistent with their revenue.
  {
    const Enterprises& en = st.enterprises;
    std::vector<std::int64_t> first(en.size());
    for_each_index(en.size(), [&](std::size_t e) {
      first[e] = en.kind[e] == EnterpriseKind::startup ? 0 : initial_line_count(s, en.revenue_yuan_per_month[e]);
    });
    const auto total = exclusive_scan_in_place(first);
    ProductLines& ln = st.lines;
    ln.resize(static_cast<std::size_t>(total));
    const double theta = s.chain.market.quality_share_elasticity;
    for_each_index(en.size(), [&](std::size_t e) {
      const std::int64_t end = e + 1 < en.size() ? first[e + 1] : total;
      const double per_line = en.revenue_yuan_per_month[e] / static_cast<double>(end - first[e]);
      for (std::int64_t l = first[e]; l < end; ++l) {
        ln.owner[l] = static_cast<std::int32_t>(e);
        ln.field[l] = en.field[e];
        ln.appeal[l] = line_appeal_for_revenue(per_line, theta);
      }
    });
    st.line_reference_appeal.assign(F, 0.0);
    std::vector<double> lines_in(F, 0.0);
    for (std::size_t l = 0; l < ln.size(); ++l) {
      st.line_reference_appeal[ln.field[l]] += ln.appeal[l];
      lines_in[ln.field[l]] += 1.0;
    }
    for (std::size_t f = 0; f < F; ++f)
      st.line_reference_appeal[f] = lines_in[f] > 0.0 ? st.line_reference_appeal[f] / lines_in[f] : 1.0;
  }

  update_workforce(st);
  // Institutes' knowledge and projects, then firms' projects, at the steady state of their own flows.
  const std::vector<InstituteSteadyState> steady = set_institutes_steady_state(c, st);
  add_institute_pipeline(c, st, steady);
  add_initial_pipeline(c, st);
  index_enterprises_by_field(st, F);
  count_product_lines(st);
  st.reference_revenue_per_firm = revenue_per_selling_firm(st, F);
  // The labour market starts at its steady state: the wage at which firms' vacancies are the
  // target number per unemployed person (docs/model.md, Talent market).
  st.market_wage_index = st.starting_wage_index = starting_wage_index(c, st);

  // Outside final demand that reproduces the initial revenues as sector output:
  // X0 = sum of revenues by field, D0 = (I - A) X0, floored at zero.
  Eigen::VectorXd x0 = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(F));
  for (std::size_t e = 0; e < st.enterprises.size(); ++e)
    x0[st.enterprises.field[e]] += st.enterprises.revenue_yuan_per_month[e];
  Eigen::MatrixXd a(static_cast<Eigen::Index>(F), static_cast<Eigen::Index>(F));
  for (std::size_t i = 0; i < F; ++i)
    for (std::size_t j = 0; j < F; ++j)
      a(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = s.world.input_output[i][j];
  const Eigen::VectorXd d0 = x0 - a * x0;
  st.base_final_demand.resize(F);
  for (std::size_t f = 0; f < F; ++f) st.base_final_demand[f] = std::max(0.0, d0[static_cast<Eigen::Index>(f)]);
  // The spin-up (world.spin_up_months) runs from here to month 0.
  st.month = -static_cast<std::int32_t>(s.world.spin_up_months);
  return st;
}

void update_workforce_serial(State& st) {
  Institutes& in = st.institutes;
  Enterprises& en = st.enterprises;
  const Talent& t = st.talent;
  std::fill(in.researchers.begin(), in.researchers.end(), 0);
  std::fill(in.researcher_skill_mean.begin(), in.researcher_skill_mean.end(), 0.0);
  std::fill(in.researcher_propensity_mean.begin(), in.researcher_propensity_mean.end(), 0.0);
  std::fill(en.rd_staff.begin(), en.rd_staff.end(), 0);
  std::fill(en.rd_staff_skill_mean.begin(), en.rd_staff_skill_mean.end(), 0.0);
  std::fill(in.industry_ties.begin(), in.industry_ties.end(), 0);
  std::fill(en.industry_ties.begin(), en.industry_ties.end(), 0);
  // Serial, in talent id order: the sums are the same for any thread count.
  for (std::size_t i = 0; i < t.size(); ++i) {
    const auto e = t.employer[i];
    if (t.employer_kind[i] == EmployerKind::institute) {
      in.researchers[e] += 1;
      in.researcher_skill_mean[e] += t.skill[i];
      in.researcher_propensity_mean[e] += t.entrepreneurial_propensity[i];
    } else if (t.employer_kind[i] == EmployerKind::enterprise) {
      en.rd_staff[e] += 1;
      en.rd_staff_skill_mean[e] += t.skill[i];
      if (t.tie_institute[i] >= 0) {
        en.industry_ties[e] += 1;
        in.industry_ties[t.tie_institute[i]] += 1;
      }
    }
  }
  for (std::size_t i = 0; i < in.size(); ++i) {
    in.researcher_skill_mean[i] = in.researchers[i] ? in.researcher_skill_mean[i] / in.researchers[i] : 0.0;
    in.researcher_propensity_mean[i] = in.researchers[i] ? in.researcher_propensity_mean[i] / in.researchers[i] : 0.0;
  }
  for (std::size_t e = 0; e < en.size(); ++e)
    en.rd_staff_skill_mean[e] =
        en.rd_staff[e] ? en.rd_staff_skill_mean[e] / en.rd_staff[e] : 0.0;  // no team, no progress
}

namespace {

/// Binary exponent q of the lowest set bit of a float x > 0, i.e. x = odd * 2^q
/// (kNoBits for x = 0, which constrains nothing).
constexpr int kNoBits = 1 << 14;
int lowest_bit_exponent(float x) {
  const auto bits = std::bit_cast<std::uint32_t>(x);
  const int biased = static_cast<int>((bits >> 23) & 0xFFu);
  std::uint32_t mantissa = bits & 0x7FFFFFu;
  if (biased != 0) mantissa |= 0x800000u;
  if (mantissa == 0) return kNoBits;
  return (biased ? biased - 150 : -149) + std::countr_zero(mantissa);
}

/// One worker's share of the employer aggregates: counts, sums, and per sum the lowest
/// bit exponent of any term (see update_workforce).
struct WorkforcePartial {
  WorkforcePartial(std::size_t institutes, std::size_t enterprises)
      : researchers(institutes, 0),
        institute_ties(institutes, 0),
        skill_q(institutes, kNoBits),
        propensity_q(institutes, kNoBits),
        skill(institutes, 0.0),
        propensity(institutes, 0.0),
        staff(enterprises, StaffSum{0.0, 0, 0}) {}
  std::vector<std::int32_t> researchers, institute_ties;  ///< per institute
  std::vector<int> skill_q, propensity_q;
  std::vector<double> skill, propensity;
  /// Per enterprise, one record: the talent loop touches one cache line per person.
  struct StaffSum {
    double skill;
    std::int32_t count, ties;
  };
  std::vector<StaffSum> staff;
  int staff_skill_q = kNoBits;  ///< over all enterprises' terms (a coarser, still valid q)
  bool negative = false;
};

/// True when a sum of non-negative multiples of 2^q, computed in doubles in any order,
/// is exact: every partial sum is then a multiple of 2^q below 2^(q + 53).
bool exact_sum(double sum, int q) { return q == kNoBits || sum < std::ldexp(1.0, q + 53); }

}  // namespace

// The serial version sums each employer's skills in talent id order. Floating-point
// addition is not associative, so a parallel version must show that order cannot
// matter: the terms are floats >= 0, each a multiple of 2^q for the smallest lowest-bit
// exponent q among them; while the total stays below 2^(q + 53) every partial sum, in any
// order, is a representable double and no addition rounds. Workers accumulate partials
// with that q; employers whose sums fail the test (never seen in the Guangdong scenarios,
// but possible with tiny propensities) are recomputed serially in id order. The result is
// bit-identical to update_workforce_serial for any thread count.
void update_workforce(State& st) {
  State::WorkforceSums& sums = st.workforce_sums;
  sums.valid = false;  // until this pass shows its sums exact (the parallel path below)
  sums.moves.clear();
  Institutes& in = st.institutes;
  Enterprises& en = st.enterprises;
  const Talent& t = st.talent;
  const std::size_t ni = in.size(), ne = en.size();
  tbb::enumerable_thread_specific<WorkforcePartial> partials([&] { return WorkforcePartial(ni, ne); });
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, t.size(), 1 << 15),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      WorkforcePartial& w = partials.local();
                      // Kept in registers over the range (members would be reloaded after every store).
                      int staff_skill_q = w.staff_skill_q;
                      bool negative = w.negative;
                      for (std::size_t i = r.begin(); i < r.end(); ++i) {
                        const auto kind = t.employer_kind[i];
                        if (kind != EmployerKind::institute && kind != EmployerKind::enterprise) continue;
                        const auto e = static_cast<std::size_t>(t.employer[i]);
                        const float skill = t.skill[i];
                        negative |= !(skill >= 0.0f);
                        const int q = lowest_bit_exponent(skill);
                        if (kind == EmployerKind::institute) {
                          const float propensity = t.entrepreneurial_propensity[i];
                          negative |= !(propensity >= 0.0f);
                          w.researchers[e] += 1;
                          w.skill[e] += skill;
                          w.skill_q[e] = std::min(w.skill_q[e], q);
                          w.propensity[e] += propensity;
                          w.propensity_q[e] = std::min(w.propensity_q[e], lowest_bit_exponent(propensity));
                        } else {
                          WorkforcePartial::StaffSum& staff = w.staff[e];
                          staff.count += 1;
                          staff.skill += skill;
                          staff_skill_q = std::min(staff_skill_q, q);
                          if (t.tie_institute[i] >= 0) {
                            staff.ties += 1;
                            w.institute_ties[static_cast<std::size_t>(t.tie_institute[i])] += 1;
                          }
                        }
                      }
                      w.staff_skill_q = staff_skill_q;
                      w.negative = negative;
                    });
  std::vector<const WorkforcePartial*> parts;
  bool negative = false;
  int staff_q = kNoBits;
  for (const WorkforcePartial& w : partials) {
    parts.push_back(&w);
    negative |= w.negative;
    staff_q = std::min(staff_q, w.staff_skill_q);
  }
  if (negative) {  // outside the exactness argument: keep the serial order
    update_workforce_serial(st);
    return;
  }
  std::vector<std::uint8_t> inexact_institute(ni, 0), inexact_enterprise(ne, 0);
  sums.staff_q = staff_q;
  sums.firm_skill.resize(ne);
  sums.inst_skill.resize(ni);
  sums.inst_propensity.resize(ni);
  sums.inst_skill_q.resize(ni);
  sums.inst_propensity_q.resize(ni);
  for (std::size_t i = 0; i < ni; ++i) {
    std::int32_t count = 0, ties = 0;
    int qs = kNoBits, qp = kNoBits;
    double skill = 0.0, propensity = 0.0;
    for (const WorkforcePartial* w : parts) {
      count += w->researchers[i];
      ties += w->institute_ties[i];
      skill += w->skill[i];
      propensity += w->propensity[i];
      qs = std::min(qs, w->skill_q[i]);
      qp = std::min(qp, w->propensity_q[i]);
    }
    in.researchers[i] = count;
    in.industry_ties[i] = ties;
    in.researcher_skill_mean[i] = skill;
    in.researcher_propensity_mean[i] = propensity;
    inexact_institute[i] = !exact_sum(skill, qs) || !exact_sum(propensity, qp);
    sums.inst_skill[i] = skill;
    sums.inst_propensity[i] = propensity;
    sums.inst_skill_q[i] = qs;
    sums.inst_propensity_q[i] = qp;
  }
  std::atomic<bool> any_inexact_enterprise{false};
  for_blocks(ne, [&](std::size_t begin, std::size_t end) {
    bool any = false;
    for (std::size_t e = begin; e < end; ++e) {
      std::int32_t count = 0, ties = 0;
      double skill = 0.0;
      for (const WorkforcePartial* w : parts) {
        count += w->staff[e].count;
        ties += w->staff[e].ties;
        skill += w->staff[e].skill;
      }
      en.rd_staff[e] = count;
      en.industry_ties[e] = ties;
      en.rd_staff_skill_mean[e] = skill;
      sums.firm_skill[e] = skill;
      inexact_enterprise[e] = !exact_sum(skill, staff_q);
      any |= inexact_enterprise[e] != 0;
    }
    if (any) any_inexact_enterprise.store(true, std::memory_order_relaxed);
  });
  const bool any_inexact_institute =
      std::find(inexact_institute.begin(), inexact_institute.end(), 1) != inexact_institute.end();
  sums.valid = !any_inexact_institute && !any_inexact_enterprise.load();
  if (!sums.valid) {
    // Serial fallback, in talent id order, for the employers whose sums might have rounded.
    for (std::size_t i = 0; i < ni; ++i)
      if (inexact_institute[i]) in.researcher_skill_mean[i] = in.researcher_propensity_mean[i] = 0.0;
    for (std::size_t e = 0; e < ne; ++e)
      if (inexact_enterprise[e]) en.rd_staff_skill_mean[e] = 0.0;
    for (std::size_t i = 0; i < t.size(); ++i) {
      const auto e = static_cast<std::size_t>(t.employer[i]);
      if (t.employer_kind[i] == EmployerKind::institute && inexact_institute[e]) {
        in.researcher_skill_mean[e] += t.skill[i];
        in.researcher_propensity_mean[e] += t.entrepreneurial_propensity[i];
      } else if (t.employer_kind[i] == EmployerKind::enterprise && inexact_enterprise[e]) {
        en.rd_staff_skill_mean[e] += t.skill[i];
      }
    }
  }
  for (std::size_t i = 0; i < ni; ++i) {
    in.researcher_skill_mean[i] = in.researchers[i] ? in.researcher_skill_mean[i] / in.researchers[i] : 0.0;
    in.researcher_propensity_mean[i] = in.researchers[i] ? in.researcher_propensity_mean[i] / in.researchers[i] : 0.0;
  }
  for_blocks(ne, [&](std::size_t begin, std::size_t end) {
    for (std::size_t e = begin; e < end; ++e)
      en.rd_staff_skill_mean[e] = en.rd_staff[e] ? en.rd_staff_skill_mean[e] / en.rd_staff[e] : 0.0;
  });
}

void record_employer_change(State& st, std::size_t person) {
  State::WorkforceSums& sums = st.workforce_sums;
  if (!sums.valid) return;
  const Talent& t = st.talent;
  sums.moves.push_back({static_cast<std::int32_t>(person), t.employer_kind[person], t.employer[person]});
}

void update_workforce_after_moves(State& st) {
  State::WorkforceSums& sums = st.workforce_sums;
  if (!sums.valid) {
    update_workforce(st);
    return;
  }
  Institutes& in = st.institutes;
  Enterprises& en = st.enterprises;
  const Talent& t = st.talent;
  sums.firm_skill.resize(en.size(), 0.0);  // firms founded since the pass: no staff then
  // A person who moved twice (a firm's exit, then founding one) counts from the employer of the
  // pass to the one they have now.
  std::stable_sort(sums.moves.begin(), sums.moves.end(),
                   [](const auto& a, const auto& b) { return a.person < b.person; });
  std::vector<std::int32_t> touched_firms, touched_institutes;
  bool exact = true;
  const auto leave_or_join = [&](std::size_t i, EmployerKind kind, std::int32_t employer, int sign) {
    const float skill = t.skill[i];
    exact &= skill >= 0.0f;
    if (kind == EmployerKind::institute) {
      const auto k = static_cast<std::size_t>(employer);
      const float propensity = t.entrepreneurial_propensity[i];
      exact &= propensity >= 0.0f;
      in.researchers[k] += sign;
      sums.inst_skill[k] += sign * static_cast<double>(skill);
      sums.inst_propensity[k] += sign * static_cast<double>(propensity);
      sums.inst_skill_q[k] = std::min(sums.inst_skill_q[k], lowest_bit_exponent(skill));
      sums.inst_propensity_q[k] = std::min(sums.inst_propensity_q[k], lowest_bit_exponent(propensity));
      exact &= exact_sum(sums.inst_skill[k], sums.inst_skill_q[k]) &&
               exact_sum(sums.inst_propensity[k], sums.inst_propensity_q[k]);
      touched_institutes.push_back(employer);
    } else if (kind == EmployerKind::enterprise) {
      const auto e = static_cast<std::size_t>(employer);
      en.rd_staff[e] += sign;
      sums.firm_skill[e] += sign * static_cast<double>(skill);
      sums.staff_q = std::min(sums.staff_q, lowest_bit_exponent(skill));
      exact &= exact_sum(sums.firm_skill[e], sums.staff_q);
      if (t.tie_institute[i] >= 0) {
        en.industry_ties[e] += sign;
        in.industry_ties[static_cast<std::size_t>(t.tie_institute[i])] += sign;
      }
      touched_firms.push_back(employer);
    }
  };
  for (std::size_t k = 0; k < sums.moves.size(); ++k) {
    const State::WorkforceSums::Move& move = sums.moves[k];
    if (k > 0 && sums.moves[k - 1].person == move.person) continue;  // the first record is the pass's employer
    const auto i = static_cast<std::size_t>(move.person);
    leave_or_join(i, move.kind, move.employer, -1);
    leave_or_join(i, t.employer_kind[i], t.employer[i], +1);
  }
  sums.moves.clear();
  // Every sum is of non-negative multiples of 2^q (q only falls, so the pass's sums stay
  // multiples of it): removing a term only shrinks it, and each sum is checked after every
  // addition to be below 2^(q + 53), so no operation rounded and each sum is the one a full pass
  // would find (in any order).
  if (!exact) {
    update_workforce(st);
    return;
  }
  for (const std::int32_t e : touched_firms)
    en.rd_staff_skill_mean[e] = en.rd_staff[e] ? sums.firm_skill[e] / en.rd_staff[e] : 0.0;
  for (const std::int32_t k : touched_institutes) {
    in.researcher_skill_mean[k] = in.researchers[k] ? sums.inst_skill[k] / in.researchers[k] : 0.0;
    in.researcher_propensity_mean[k] = in.researchers[k] ? sums.inst_propensity[k] / in.researchers[k] : 0.0;
  }
}

void update_staff_counts(State& st) {
  Institutes& in = st.institutes;
  Enterprises& en = st.enterprises;
  const Talent& t = st.talent;
  const std::size_t ni = in.size(), ne = en.size();
  if (tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism) <= 1) {
    std::fill(in.researchers.begin(), in.researchers.end(), 0);
    std::fill(en.rd_staff.begin(), en.rd_staff.end(), 0);
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (t.employer_kind[i] == EmployerKind::institute)
        in.researchers[static_cast<std::size_t>(t.employer[i])] += 1;
      else if (t.employer_kind[i] == EmployerKind::enterprise)
        en.rd_staff[static_cast<std::size_t>(t.employer[i])] += 1;
    }
    return;
  }
  StaffCounts counts(ni, ne);
  for_blocks(
      t.size(),
      [&](std::size_t begin, std::size_t end) {
        std::vector<std::int32_t>& local = counts.local();
        for (std::size_t i = begin; i < end; ++i) counts.add(local, t, i);
      },
      1 << 15);
  counts.store(st);
}

void StaffCounts::store(State& st) {
  Institutes& in = st.institutes;
  Enterprises& en = st.enterprises;
  std::vector<const std::vector<std::int32_t>*> parts;
  for (const auto& p : partials_) parts.push_back(&p);
  for (std::size_t i = 0; i < in.size(); ++i) {
    std::int32_t n = 0;
    for (const auto* p : parts) n += (*p)[i];
    in.researchers[i] = n;
  }
  for_blocks(en.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t e = begin; e < end; ++e) {
      std::int32_t n = 0;
      for (const auto* p : parts) n += (*p)[institutes_ + e];
      en.rd_staff[e] = n;
    }
  });
}

std::int64_t initial_line_count(const Scenario& s, double revenue_per_month) {
  const auto& p = s.agents.enterprises;
  if (!(revenue_per_month > 0.0)) return 1;
  const double lines = std::pow(revenue_per_month / p.revenue_per_line_yuan_per_month, p.lines_size_elasticity);
  return std::max<std::int64_t>(1, std::llround(std::min(lines, 1e6)));
}

double line_appeal_for_revenue(double revenue_per_month, double theta) {
  // Shares are appeal^theta over the field's sum: appeal = revenue^(1/theta) gives shares
  // proportional to revenue, so the initial revenues are reproduced.
  return theta > 0.0 ? std::pow(revenue_per_month, 1.0 / theta) : 1.0;
}

double founders_money(const Context& c, std::size_t e, std::int32_t month) {
  const auto& p = c.scenario.chain.entry;
  Rng rng(c.key, Stream::founding, static_cast<std::uint32_t>(e), static_cast<std::uint32_t>(month));
  return p.founder_seed_yuan * rng.lognormal(0.0, p.founder_seed_log_sd);  // the founding stream's first draw
}

std::int32_t add_founding_idea(const Context& c, State& st, std::size_t e) {
  const auto& bp = c.scenario.chain.breakthrough;
  const Enterprises& en = st.enterprises;
  Projects& pr = st.projects;
  Rng rng(c.key, Stream::founding, static_cast<std::uint32_t>(e), static_cast<std::uint32_t>(st.month));
  rng.normal();  // founders' money (founders_money)
  const double sigma = c.scenario.chain.basic_research.quality_log_sd;
  const auto id = static_cast<std::int32_t>(pr.size());
  pr.resize(pr.size() + 1);
  pr.field[id] = en.field[e];
  pr.stage[id] = Stage::breakthrough;
  pr.status[id] = ProjectStatus::active;
  pr.holder_kind[id] = HolderKind::enterprise;
  pr.holder[id] = static_cast<std::int32_t>(e);
  pr.origin_institute[id] = -1;
  // Drawn like the firm's own projects (chain.breakthrough: own-project quality).
  pr.quality[id] = rng.lognormal(
      bp.enterprise_quality_log_mean + bp.absorptive_quality_gain * en.absorptive_capacity[e] - 0.5 * sigma * sigma,
      sigma);
  pr.created_month[id] = st.month;
  pr.active.push_back(id);  // the largest id so far: the list stays in id order
  return id;
}

std::int32_t found_startup(const Context& c, State& st, std::size_t field, std::size_t region, double absorptive_base) {
  const std::int32_t e = add_enterprise(c, st, EnterpriseKind::startup, field, region, 0.0, absorptive_base);
  const double cash = founders_money(c, static_cast<std::size_t>(e), st.month);
  st.enterprises.cash_yuan[e] = cash;
  st.ledger.month[lf_founder_money] += cash;
  return e;
}

void add_lines_for_revenue(const Context& c, State& st, std::int32_t e, double revenue_per_month) {
  const std::int64_t n = initial_line_count(c.scenario, revenue_per_month);
  const double appeal = line_appeal_for_revenue(revenue_per_month / static_cast<double>(n),
                                                c.scenario.chain.market.quality_share_elasticity);
  for (std::int64_t k = 0; k < n; ++k) st.lines.add(e, st.enterprises.field[e], appeal, 1.0, st.month, -1);
  st.enterprises.product_lines[e] += static_cast<std::int32_t>(n);
  if (st.enterprises.first_product_month[e] < 0) st.enterprises.first_product_month[e] = st.recorded_month();
}

void count_product_lines(State& st) {
  Enterprises& en = st.enterprises;
  const ProductLines& ln = st.lines;
  std::fill(en.product_lines.begin(), en.product_lines.end(), 0);
  // Serial over lines (integer counts: any order gives the same result).
  for (std::size_t l = 0; l < ln.size(); ++l)
    if (ln.status[l] == LineStatus::active) en.product_lines[static_cast<std::size_t>(ln.owner[l])] += 1;
}

std::int32_t add_enterprise(const Context& c, State& st, EnterpriseKind kind, std::size_t field, std::size_t region,
                            double cash, double absorptive_base) {
  Enterprises& en = st.enterprises;
  const std::size_t e = en.size();
  en.resize(e + 1);
  en.kind[e] = kind;
  en.region[e] = static_cast<std::uint16_t>(region);
  en.field[e] = static_cast<std::uint16_t>(field);
  en.revenue_yuan_per_month[e] = 0.0;
  en.rd_share[e] =
      c.scenario.agents.enterprises.rd_share_of_revenue * c.scenario.world.regions[region].rd_share_multiplier;
  en.absorptive_base[e] = absorptive_base;
  en.absorptive_capacity[e] = absorptive_base;
  en.cash_yuan[e] = cash;
  en.age_months[e] = 0;
  en.alive[e] = 1;
  en.founded_month[e] = st.month;
  en.rd_staff_skill_mean[e] = 0.0;  // until it hires
  return static_cast<std::int32_t>(e);
}

void resolve_employers(State& st) {
  Talent& t = st.talent;
  const Enterprises& en = st.enterprises;
  if (en.size() == 0) return;  // nobody works for a firm
  // Each block lists the people it moves (before moving them), for the workforce sums.
  std::vector<std::vector<State::WorkforceSums::Move>> moved(block_count(t.size()));
  for_blocks(t.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      // Whether i works for a firm that is gone, read without a branch on the kind (kinds are
      // mixed row by row; firm 0 stands in for people without a firm).
      const bool at_firm = t.employer_kind[i] == EmployerKind::enterprise;
      if (!(at_firm & !en.alive[at_firm ? static_cast<std::size_t>(t.employer[i]) : 0])) continue;
      moved[begin / kBlock].push_back({static_cast<std::int32_t>(i), t.employer_kind[i], t.employer[i]});
      std::int32_t e = t.employer[i];
      while (!en.alive[e] && en.acquired_by[e] >= 0) e = en.acquired_by[e];
      if (en.alive[e]) {
        t.employer[i] = e;
      } else {
        t.employer_kind[i] = EmployerKind::none;
        t.employer[i] = -1;
      }
    }
  });
  if (st.workforce_sums.valid)
    for (const auto& block : moved)
      st.workforce_sums.moves.insert(st.workforce_sums.moves.end(), block.begin(), block.end());
}

std::vector<std::int32_t> alive_enterprise_ids(const Enterprises& en) {
  return indices_where(en.size(), [&](std::size_t e) { return en.alive[e] != 0; });
}

std::vector<std::int32_t> active_line_ids(const ProductLines& ln) {
  return indices_where(ln.size(), [&](std::size_t l) { return ln.status[l] == LineStatus::active; });
}

void index_enterprises_by_field(State& st, std::size_t fields) {
  const Enterprises& en = st.enterprises;
  st.enterprises_by_field = indices_by_group_where(
      en.size(), fields, [&](std::size_t e) { return std::size_t{en.field[e]}; },
      [&](std::size_t e) { return en.alive[e] != 0; });
}

}  // namespace innochain
