#include "core/simulation.hpp"

#include "agents/population.hpp"
#include "links/basic_research.hpp"
#include "links/breakthrough.hpp"
#include "links/progress.hpp"

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

/// Stocks read off the tables at the end of the month.
void workforce_metrics(const Context&, State& s, MonthMetrics& m) {
  for (std::size_t i = 0; i < s.institutes.size(); ++i)
    m.at(m_researchers, s.institutes.region[i]) += s.institutes.researchers[i];
  for (std::size_t e = 0; e < s.enterprises.size(); ++e)
    if (s.enterprises.alive[e]) m.at(m_enterprise_rd_staff, s.enterprises.region[e]) += s.enterprises.rd_staff[e];
}

}  // namespace

Context::Context(const Scenario& s, RunKey k)
    : scenario(s),
      key(k),
      fields(s.world.fields.size()),
      regions(s.world.regions.size()),
      friction(to_eigen(s.world.friction)),
      proximity(to_eigen(s.world.proximity)) {}

const std::vector<Phase>& pipeline() {
  static const std::vector<Phase> phases = {
      {"basic_research", &basic_research},
      {"breakthrough", &breakthrough},
      {"progress", &progress},
      {"workforce_metrics", &workforce_metrics},
  };
  return phases;
}

Simulation::Simulation(const Scenario& scenario, RunKey key)
    : context_(scenario, key),
      state_(build_population(context_)),
      metrics_(context_.fields, context_.regions),
      phase_seconds_(pipeline().size(), 0.0) {}

void Simulation::step() {
  metrics_.clear();
  const auto& phases = pipeline();
  for (std::size_t k = 0; k < phases.size(); ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    phases[k].run(context_, state_, metrics_);
    phase_seconds_[k] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  state_.month += 1;
}

}  // namespace innochain
