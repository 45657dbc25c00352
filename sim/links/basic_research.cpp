#include "links/basic_research.hpp"

#include "core/parallel.hpp"
#include "links/breakthrough.hpp"
#include "links/progress.hpp"

#include <boost/math/distributions/normal.hpp>

#include <array>
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

Eigen::VectorXd knowledge_spillover(const Context& c, const Institutes& in) {
  const std::size_t F = c.fields;
  const std::size_t n = in.size();
  Eigen::VectorXd mean_knowledge = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(F));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t f = 0; f < F; ++f) mean_knowledge[static_cast<Eigen::Index>(f)] += in.knowledge[i * F + f];
  if (n > 0) mean_knowledge /= static_cast<double>(n);
  return c.proximity * mean_knowledge;
}

namespace {

constexpr std::array<Stage, 2> kInstituteStages = {Stage::basic, Stage::breakthrough};

/// The mean-one log-normal quality draw at equal-probability nodes.
constexpr int kNodes = 16;
std::array<double, kNodes> quality_nodes(double sigma) {
  const boost::math::normal_distribution<double> normal;
  std::array<double, kNodes> draw{};
  for (int k = 0; k < kNodes; ++k)
    draw[static_cast<std::size_t>(k)] =
        std::exp(-0.5 * sigma * sigma + sigma * boost::math::quantile(normal, (k + 0.5) / kNodes));
  return draw;
}

}  // namespace

InstituteSteadyState institute_steady_state(const Context& c, const State& st, const ContractMarket& contracts,
                                            std::size_t i, const Eigen::VectorXd& spill,
                                            std::span<const double> signed_share) {
  const auto& p = c.scenario.chain.basic_research;
  const Institutes& in = st.institutes;
  const std::size_t F = c.fields;
  InstituteSteadyState out;
  out.signed_share.assign(F, 0.0);
  out.completed_quality.assign(F, 0.0);
  const double rate = discovery_rate(c, in, i, spill);
  // The speed: BASIC and BREAKTHROUGH projects of every field, the hazard at the mean quality
  // factor E[q^-e] = (1 + K)^(-e kappa) x exp(e (1 + e) sigma^2 / 2), the project budget with a
  // twelfth of the cash (at the steady state, the month's income).
  const double e = c.scenario.chain.progress.quality_hazard_elasticity;
  const double sigma = p.quality_log_sd;
  const double draw_factor = std::exp(0.5 * e * (1.0 + e) * sigma * sigma);
  std::vector<SteadyPipeline> lines(F);
  for (std::size_t f = 0; f < F; ++f) {
    SteadyPipeline& line = lines[f];
    line.field = f;
    line.starts = rate * in.field_weight[i * F + f];
    line.stages = kInstituteStages;
    line.continuing[0] = 1.0 - signed_share[f];  // contract research leaves for a firm
    const double factor = std::pow(1.0 + in.knowledge[i * F + f], -e * p.knowledge_quality_elasticity) * draw_factor;
    for (std::size_t k = 0; k < kInstituteStages.size(); ++k)
      line.hazard[k] = hazard_from_factor(c, kInstituteStages[k], factor);
  }
  const double skill_term = std::pow(in.researcher_skill_mean[i], c.scenario.chain.progress.skill_elasticity);
  out.speed = steady_state_speed(c, lines, skill_term, institute_project_budget(c, in, i));
  if (!(out.speed > 0.0)) return out;
  // Per field: E[S(q)] and E[q S(q)] over the nodes, S(q) = (1 - hazard(q))^months of BASIC. The
  // months are the stage's work over the speed, not rounded up to whole months as a project
  // counts them: rounded, the map from the sweep's knowledge and cash to the next is a step
  // function of the speed, and at the calibrated baseline some institutes' fixed point sat on a
  // step, so the sweeps cycled (docs/model.md 3.1); unrounded they converge in 25-32 sweeps.
  static const std::array<double, kNodes> draw = quality_nodes(sigma);
  const double value = c.scenario.chain.breakthrough.contract_value_yuan_median;
  for (std::size_t f = 0; f < F; ++f) {
    const double months = stage_months_unrounded(c, Stage::basic, f, out.speed);
    const double scale = std::pow(1.0 + in.knowledge[i * F + f], p.knowledge_quality_elasticity);
    double finished = 0.0, quality = 0.0;
    for (const double d : draw) {
      const double survival = std::pow(1.0 - failure_hazard(c, Stage::basic, scale * d), months);
      finished += survival;
      quality += scale * d * survival;
    }
    finished /= kNodes;
    quality /= kNodes;
    const double starts = rate * in.field_weight[i * F + f];
    out.completed_quality[f] = starts * quality;
    out.signed_share[f] =
        finished > 0.0 ? contracts.signing_probability(in.region[i], f, value * quality / finished) : 0.0;
    out.income += out.signed_share[f] * value * starts * quality;  // V_c x q per signed contract
  }
  return out;
}

std::vector<InstituteSteadyState> set_institutes_steady_state(const Context& c, State& st) {
  const auto& p = c.scenario.chain.basic_research;
  Institutes& in = st.institutes;
  const std::size_t F = c.fields;
  const std::size_t n = in.size();
  std::vector<InstituteSteadyState> steady(n);
  if (n == 0) return steady;
  const ContractMarket contracts(c, st);
  const double outflow = 1.0 - std::pow(1.0 - p.knowledge_depreciation_per_year, 1.0 / 12.0);
  std::vector<double> signed_share(n * F, 0.0);
  std::vector<double> knowledge(n * F), cash(n), change(n);
  // Jacobi sweeps: every institute's update reads the state of the previous sweep (so the sweep is
  // parallel and its result does not depend on the thread count). One institute a block: each is
  // a bisection for its speed, and there are only a few hundred (one default block would be all).
  for (int sweep = 0; sweep < 200; ++sweep) {
    const Eigen::VectorXd spill = knowledge_spillover(c, in);
    for_each_index(
        n,
        [&](std::size_t i) {
          steady[i] = institute_steady_state(c, st, contracts, i, spill,
                                             std::span<const double>(signed_share.data() + i * F, F));
          const InstituteSteadyState& ss = steady[i];
          change[i] = std::abs(12.0 * ss.income - in.cash_yuan[i]) / (1.0 + std::abs(in.cash_yuan[i]));
          cash[i] = 12.0 * ss.income;  // spent at a twelfth a month: holds at a year of income
          for (std::size_t f = 0; f < F; ++f) {
            knowledge[i * F + f] = ss.completed_quality[f] / outflow;
            change[i] = std::max(
                change[i], std::abs(knowledge[i * F + f] - in.knowledge[i * F + f]) / (1.0 + in.knowledge[i * F + f]));
          }
          for (std::size_t f = 0; f < F; ++f) signed_share[i * F + f] = ss.signed_share[f];
        },
        1);
    for (std::size_t k = 0; k < n * F; ++k) in.knowledge[k] = knowledge[k];
    for (std::size_t i = 0; i < n; ++i) in.cash_yuan[i] = cash[i];
    if (*std::max_element(change.begin(), change.end()) < 1e-9) break;
  }
  return steady;
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
  const Eigen::VectorXd spill = knowledge_spillover(c, in);

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
