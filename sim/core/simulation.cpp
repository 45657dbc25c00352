#include "core/simulation.hpp"

#include "agents/population.hpp"
#include "core/parallel.hpp"
#include "links/basic_research.hpp"
#include "links/breakthrough.hpp"
#include "links/entry.hpp"
#include "links/finance.hpp"
#include "links/market.hpp"
#include "links/progress.hpp"
#include "links/talent_market.hpp"
#include "links/transfer.hpp"
#include "policies/policy.hpp"

namespace innochain {

namespace {

Eigen::MatrixXd to_eigen(const Matrix& m) {
  const auto rows = static_cast<Eigen::Index>(m.size());
  const auto cols = rows ? static_cast<Eigen::Index>(m.front().size()) : 0;
  Eigen::MatrixXd out(rows, cols);
  for (Eigen::Index i = 0; i < rows; ++i)
    for (Eigen::Index j = 0; j < cols; ++j) out(i, j) = m[i][j];
  return out;
}

/// Stocks read off the tables at the end of the month, and the ledger's flows.
void stock_metrics(const Context& c, State& s, MonthMetrics& m) {
  update_workforce(s);
  for (std::size_t i = 0; i < s.institutes.size(); ++i)
    m.at(m_researchers, s.institutes.region[i]) += s.institutes.researchers[i];
  // Alive firms: staff and counts are integers (exact in any order); cash and debt are
  // fixed-block sums (the same for any thread count).
  const Enterprises& en = s.enterprises;
  struct Firms {
    std::vector<std::int64_t> staff, alive;  ///< per region, per field
    double cash = 0.0, debt = 0.0;
  };
  const Firms firms = block_reduce(
      en.size(), Firms{std::vector<std::int64_t>(c.regions, 0), std::vector<std::int64_t>(c.fields, 0)},
      [&](Firms& f, std::size_t e) {
        if (!en.alive[e]) return;
        f.staff[en.region[e]] += en.rd_staff[e];
        f.alive[en.field[e]] += 1;
        f.cash += en.cash_yuan[e];
        f.debt += en.debt_yuan[e];
      },
      [](Firms& a, const Firms& b) {
        for (std::size_t r = 0; r < a.staff.size(); ++r) a.staff[r] += b.staff[r];
        for (std::size_t k = 0; k < a.alive.size(); ++k) a.alive[k] += b.alive[k];
        a.cash += b.cash;
        a.debt += b.debt;
      });
  for (std::size_t r = 0; r < c.regions; ++r) m.at(m_enterprise_rd_staff, r) += static_cast<double>(firms.staff[r]);
  for (std::size_t f = 0; f < c.fields; ++f) m.at(m_enterprises_alive, f) += static_cast<double>(firms.alive[f]);
  m.at(m_enterprise_cash) += firms.cash;
  m.at(m_credit_outstanding) += firms.debt;
  // Head counts over the talent table: integer counts, so the block order cannot change them.
  const Talent& t = s.talent;
  struct Heads {
    std::vector<std::int64_t> unemployed;  ///< per region
    std::int64_t industry_scientists = 0;
    std::int64_t present = 0;  ///< people in the province
  };
  const Heads heads = block_reduce(
      t.size(), Heads{std::vector<std::int64_t>(c.regions, 0), 0},
      [&](Heads& h, std::size_t i) {
        if (t.employer_kind[i] == EmployerKind::none) h.unemployed[t.region[i]] += 1;
        if (t.employer_kind[i] == EmployerKind::enterprise && t.role[i] == Role::industry_scientist)
          h.industry_scientists += 1;
        h.present += t.employer_kind[i] != EmployerKind::outside;
      },
      [](Heads& a, const Heads& b) {
        for (std::size_t r = 0; r < a.unemployed.size(); ++r) a.unemployed[r] += b.unemployed[r];
        a.industry_scientists += b.industry_scientists;
        a.present += b.present;
      },
      1 << 15);
  for (std::size_t r = 0; r < c.regions; ++r) m.at(m_unemployed, r) += static_cast<double>(heads.unemployed[r]);
  m.at(m_industry_scientists) += static_cast<double>(heads.industry_scientists);
  for (double cap : s.financiers.capital_yuan) m.at(m_fund_capital) += cap;
  m.at(m_people_in_province) = static_cast<double>(heads.present);  // = people_in_province(s)
  m.at(m_money_stock) = money_stock(s);
  m.at(m_money_sources) = s.ledger.sources();
  m.at(m_money_sinks) = s.ledger.sinks();
  for (std::size_t k = 0; k < s.policy_spending.size(); ++k) {
    m.at(m_policy_spending, k) = s.policy_spending[k];
    m.at(m_policy_units_served, k) = s.policy_units[k];
  }
}

}  // namespace

Context::Context(const Scenario& s, RunKey k)
    : scenario(s),
      key(k),
      fields(s.world.fields.size()),
      regions(s.world.regions.size()),
      friction(to_eigen(s.world.friction)),
      proximity(to_eigen(s.world.proximity)),
      leontief((Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(fields), static_cast<Eigen::Index>(fields)) -
                to_eigen(s.world.input_output))
                   .inverse()) {}

const std::vector<Phase>& pipeline() {
  static const std::vector<Phase> phases = {
      {"policies", &policies},
      {"talent_market", &talent_market},
      {"basic_research", &basic_research},
      {"breakthrough", &breakthrough},
      {"progress", &progress},
      {"transfer", &transfer},
      {"finance", &finance},
      {"market", &market},
      {"entry", &entry},
      {"stock_metrics", &stock_metrics},
  };
  return phases;
}

Simulation::Simulation(const Scenario& scenario, RunKey key) : Simulation(scenario, key, State{}) {
  State built = build_population(context_);
  built.instruments = std::move(state_.instruments);
  built.eligibility = std::move(state_.eligibility);
  built.policy_spending = std::move(state_.policy_spending);
  built.policy_units = std::move(state_.policy_units);
  state_ = std::move(built);
}

Simulation::Simulation(const Scenario& scenario, RunKey key, State initial)
    : context_(scenario, key),
      state_(std::move(initial)),
      metrics_(context_.fields, context_.regions, scenario.policies.size()),
      phase_seconds_(pipeline().size(), 0.0) {
  for (const PolicyConfig& p : scenario.policies) {
    state_.instruments.push_back(find_instrument_type(p.type)->make(p, scenario));
    state_.eligibility.push_back(std::make_shared<const Eligibility>(resolve_eligibility(scenario, p)));
  }
  state_.policy_spending.assign(scenario.policies.size(), 0.0);
  state_.policy_units.assign(scenario.policies.size(), 0.0);
}

void Simulation::step() {
  metrics_.clear();
  state_.ledger.clear();
  state_.events.clear();
  const auto& phases = pipeline();
  for (std::size_t k = 0; k < phases.size(); ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    phases[k].run(context_, state_, metrics_);
    phase_seconds_[k] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  state_.month += 1;
}

}  // namespace innochain
