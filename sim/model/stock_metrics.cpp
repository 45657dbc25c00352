#include "model/stock_metrics.hpp"

#include "core/parallel.hpp"
#include "model/population.hpp"

namespace innochain {

/// Stocks read off the tables at the end of the month, and the ledger's flows.
void stock_metrics(const Context& c, State& s, MonthMetrics& m) {
  update_workforce_after_moves(s);  // the talent market's pass, updated for the month's later moves
  for (std::size_t i = 0; i < s.institutes.size(); ++i)
    m.at(m_researchers, s.institutes.region[i]) += s.institutes.researchers[i];
  // Alive firms: staff and counts are integers (exact in any order); cash and debt are
  // fixed-block sums (the same for any thread count).
  const Enterprises& en = s.enterprises;
  struct Firms {
    std::vector<std::int64_t> staff, alive;  ///< per region, per field
    std::int64_t startups = 0, pre_revenue = 0;
    double cash = 0.0, debt = 0.0;
  };
  const Firms firms = block_reduce(
      en.size(), Firms{std::vector<std::int64_t>(c.regions, 0), std::vector<std::int64_t>(c.fields, 0)},
      [&](Firms& f, std::size_t e) {
        if (!en.alive[e]) return;
        f.staff[en.region[e]] += en.rd_staff[e];
        f.alive[en.field[e]] += 1;
        f.startups += en.kind[e] == EnterpriseKind::startup;
        f.pre_revenue += en.product_lines[e] == 0;
        f.cash += en.cash_yuan[e];
        f.debt += en.debt_yuan[e];
      },
      [](Firms& a, const Firms& b) {
        for (std::size_t r = 0; r < a.staff.size(); ++r) a.staff[r] += b.staff[r];
        for (std::size_t k = 0; k < a.alive.size(); ++k) a.alive[k] += b.alive[k];
        a.startups += b.startups;
        a.pre_revenue += b.pre_revenue;
        a.cash += b.cash;
        a.debt += b.debt;
      });
  for (std::size_t r = 0; r < c.regions; ++r) m.at(m_enterprise_rd_staff, r) += static_cast<double>(firms.staff[r]);
  for (std::size_t f = 0; f < c.fields; ++f) {
    m.at(m_enterprises_alive, f) += static_cast<double>(firms.alive[f]);
  }
  // Product lines on the market, by the field they sell in (integer counts).
  const ProductLines& ln = s.lines;
  const std::vector<std::int64_t> lines = block_reduce(
      ln.size(), std::vector<std::int64_t>(c.fields, 0),
      [&](std::vector<std::int64_t>& n, std::size_t l) { n[ln.field[l]] += ln.status[l] == LineStatus::active; },
      [](std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
        for (std::size_t f = 0; f < a.size(); ++f) a[f] += b[f];
      });
  for (std::size_t f = 0; f < c.fields; ++f) m.at(m_product_lines, f) = static_cast<double>(lines[f]);
  m.at(m_startups_alive) = static_cast<double>(firms.startups);
  m.at(m_firms_pre_revenue) = static_cast<double>(firms.pre_revenue);
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
      [&](Heads& h, std::size_t i) {  // no branches: kinds and roles are mixed row by row
        const EmployerKind kind = t.employer_kind[i];
        h.unemployed[t.region[i]] += kind == EmployerKind::none;
        h.industry_scientists += (kind == EmployerKind::enterprise) & (t.role[i] == Role::industry_scientist);
        h.present += kind != EmployerKind::outside;
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

}  // namespace innochain
