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
  // Each block counts in local integers, without branches (kinds and roles are mixed row by
  // row), one simple loop per kind of count: the unemployed by region in four interleaved
  // tallies, so that rows of one region in a row do not each wait for the previous row's add;
  // the other two as 0/1 sums over the kind and role bytes. (Written as one loop with a struct
  // accumulator, GCC 12 kept a 0/1 flag as a byte on the stack and reread it as a word: 6 ns a
  // row instead of 1.) The blocks' counts are then added.
  constexpr std::size_t kHeadsBlock = 1 << 15;
  const std::size_t blocks = block_count(t.size(), kHeadsBlock);
  std::vector<std::int64_t> unemployed(blocks * c.regions, 0), scientists(blocks, 0), present(blocks, 0);
  const EmployerKind* kind = t.employer_kind.data();
  const Role* role = t.role.data();
  for_blocks(
      t.size(),
      [&](std::size_t begin, std::size_t end) {
        const std::size_t b = begin / kHeadsBlock;
        std::int64_t* by_region = unemployed.data() + b * c.regions;
        std::vector<std::int64_t> tally(4 * c.regions, 0);
        const std::uint16_t* region = t.region.data();
        for (std::size_t i = begin; i < end; ++i)
          tally[(i & 3) * c.regions + region[i]] += kind[i] == EmployerKind::none;
        for (std::size_t r = 0; r < c.regions; ++r)
          by_region[r] = tally[r] + tally[c.regions + r] + tally[2 * c.regions + r] + tally[3 * c.regions + r];
        std::int64_t in_firm = 0, here = 0;
        for (std::size_t i = begin; i < end; ++i) {
          in_firm += (kind[i] == EmployerKind::enterprise) & (role[i] == Role::industry_scientist);
          here += kind[i] != EmployerKind::outside;
        }
        scientists[b] = in_firm;
        present[b] = here;
      },
      kHeadsBlock);
  std::vector<std::int64_t> by_region(c.regions, 0);
  std::int64_t industry_scientists = 0, people_present = 0;
  for (std::size_t b = 0; b < blocks; ++b) {
    for (std::size_t r = 0; r < c.regions; ++r) by_region[r] += unemployed[b * c.regions + r];
    industry_scientists += scientists[b];
    people_present += present[b];
  }
  for (std::size_t r = 0; r < c.regions; ++r) m.at(m_unemployed, r) += static_cast<double>(by_region[r]);
  m.at(m_industry_scientists) += static_cast<double>(industry_scientists);
  for (double cap : s.financiers.capital_yuan) m.at(m_fund_capital) += cap;
  m.at(m_people_in_province) = static_cast<double>(people_present);  // = people_in_province(s)
  m.at(m_money_stock) = money_stock(s);
  m.at(m_money_sources) = s.ledger.sources();
  m.at(m_money_sinks) = s.ledger.sinks();
  for (std::size_t k = 0; k < s.policy_spending.size(); ++k) {
    m.at(m_policy_spending, k) = s.policy_spending[k];
    m.at(m_policy_units_served, k) = s.policy_units[k];
  }
}

}  // namespace innochain
