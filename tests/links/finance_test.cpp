#include "links/finance.hpp"

#include "core/ledger.hpp"
#include "model/population.hpp"
#include "support/tiny_world.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace innochain;

namespace {

double Phi(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
double sd_binomial(double n, double p) { return std::sqrt(n * p * (1.0 - p)); }

struct Fund {
  FinancierKind kind;
  double capital;
  double threshold;
  std::uint16_t region = 0;
};

/// The given funds, and `startups` start-ups in region 0, field 0, each with the monthly
/// funding gap `gap` and pipeline quality `quality`, no cash, no revenue.
State finance_world(const Context& c, const std::vector<Fund>& funds, int startups, double gap, double quality) {
  State st;
  st.institutes.resize(0, c.fields);
  st.financiers.resize(funds.size());
  for (std::size_t f = 0; f < funds.size(); ++f) {
    st.financiers.kind[f] = funds[f].kind;
    st.financiers.capital_yuan[f] = funds[f].capital;
    st.financiers.threshold[f] = funds[f].threshold;
    st.financiers.region[f] = funds[f].region;
    if (funds[f].kind == FinancierKind::guidance_fund)  // as the population builder does
      st.financiers.coinvest_ratio[f] = c.scenario.chain.finance.guidance_coinvest_ratio;
  }
  st.enterprises.resize(static_cast<std::size_t>(startups));
  for (int e = 0; e < startups; ++e) {
    st.enterprises.kind[e] = EnterpriseKind::startup;
    st.enterprises.alive[e] = 1;
    st.enterprises.funding_gap_yuan[e] = gap;
    st.enterprises.pipeline_quality[e] = quality;
  }
  index_enterprises_by_field(st, c.fields);
  return st;
}

/// Funds' new capital a month, as a share of capital: compounds to capital_inflow_per_year a year.
double monthly_inflow(const FinanceParams& p) { return std::pow(1.0 + p.capital_inflow_per_year, 1.0 / 12.0) - 1.0; }

double sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

const double high_quality = std::exp(5.0);        // log signal 5 +- 0.6: clears any threshold near 0
const double hopeless_quality = std::exp(-10.0);  // log signal -10 +- 0.6: clears none

}  // namespace

TEST_CASE("round thresholds step up by round; the credit limit is Lambda x max(net worth, annual revenue)",
          "[finance]") {
  FinanceParams p;  // step 0.1, Lambda 0.5
  CHECK(round_threshold(p, 0.2, FundingRound::seed) == Approx(0.2));
  CHECK(round_threshold(p, 0.2, FundingRound::series_a) == Approx(0.3));
  CHECK(round_threshold(p, 0.2, FundingRound::series_b) == Approx(0.4));
  CHECK(round_threshold(p, -0.3, FundingRound::series_b) == Approx(-0.1));
  p.threshold_step_per_round = 0.5;
  CHECK(round_threshold(p, 0.0, FundingRound::series_b) == Approx(1.0));

  const FinanceParams q;
  CHECK(credit_limit(q, 1e6, 0.0, 0.0) == Approx(5e5));              // net worth binds
  CHECK(credit_limit(q, 1e8, 2e7, 1e5) == Approx(0.5 * 8e7));        // net worth 8e7 > 1.2e6 revenue
  CHECK(credit_limit(q, -1e6, 2e6, 1e5) == Approx(0.5 * 12 * 1e5));  // negative net worth: revenue binds
  CHECK(credit_limit(q, 0.0, 0.0, 2e5) == Approx(1.2e6));
  FinanceParams r;
  r.bank_leverage = 2.0;
  CHECK(credit_limit(r, -1e6, 0.0, 1e5) == Approx(2.4e6));
  // Monotone in revenue and in net worth.
  CHECK(credit_limit(q, 0.0, 0.0, 3e5) > credit_limit(q, 0.0, 0.0, 2e5));
  CHECK(credit_limit(q, 5e7, 0.0, 1e5) > credit_limit(q, 5e7, 1e7, 1e5));
}

TEST_CASE("a start-up with a gap and a strong pipeline is funded; a hopeless one is not", "[finance]") {
  const Scenario s = test::tiny_scenario();
  const Context c(s, RunKey{21, 0});
  const auto& p = s.chain.finance;
  const double capital = 1e10, gap = 1e5;
  State st = finance_world(c, {{FinancierKind::venture_capital, capital, 0.0}}, 2, gap, high_quality);
  st.enterprises.pipeline_quality[1] = hopeless_quality;
  st.enterprises.cash_yuan[0] = st.enterprises.cash_yuan[1] = 3e4;
  st.month = 7;
  MonthMetrics m(1, 1);
  finance(c, st, m);
  const double amount = gap * p.round_runway_months;
  REQUIRE(amount == Approx(1.8e6));
  // The funded start-up.
  CHECK(st.enterprises.cash_yuan[0] == Approx(3e4 + amount));
  CHECK(st.enterprises.equity_raised_yuan[0] == Approx(amount));
  CHECK(st.enterprises.rounds_raised[0] == 1);
  REQUIRE(st.investments.size() == 1);
  CHECK(st.investments.financier[0] == 0);
  CHECK(st.investments.enterprise[0] == 0);
  CHECK(st.investments.amount_yuan[0] == Approx(amount));
  CHECK(st.investments.round[0] == FundingRound::seed);
  CHECK(st.investments.month[0] == 7);
  CHECK(st.investments.status[0] == InvestmentStatus::active);
  CHECK(m.at(m_deals_seed, 0) == 1.0);
  CHECK(m.total(m_deals_series_a) == 0.0);
  CHECK(m.total(m_invested_venture) == Approx(amount));
  CHECK(m.total(m_invested_guidance) == 0.0);
  CHECK(m.at(m_deal_applications) == 2.0);
  // The hopeless one: nothing.
  CHECK(st.enterprises.cash_yuan[1] == 3e4);
  CHECK(st.enterprises.equity_raised_yuan[1] == 0.0);
  CHECK(st.enterprises.rounds_raised[1] == 0);
  // The fund: new capital raised at the monthly inflow rate, less the deal, one deal used.
  const double raised = capital * monthly_inflow(p);
  CHECK(st.ledger.month[lf_new_fund_capital] == Approx(raised));
  CHECK(st.financiers.capital_yuan[0] == Approx(capital + raised - amount));
  CHECK(st.financiers.deals_left[0] == p.deals_per_month - 1);
}

TEST_CASE("venture and guidance funds raise capital_inflow_per_year a year, banks nothing, all recorded", "[finance]") {
  const Scenario s = test::tiny_scenario();
  const Context c(s, RunKey{21, 1});
  State st = finance_world(c,
                           {{FinancierKind::venture_capital, 1e9, 0.0},
                            {FinancierKind::guidance_fund, 2e9, 0.0},
                            {FinancierKind::bank, 3e9, 0.0}},
                           0, 0.0, 0.0);
  double recorded = 0.0;
  for (int month = 0; month < 12; ++month) {
    st.month = month;
    st.ledger.clear();
    MonthMetrics m(1, 1);
    finance(c, st, m);
    recorded += st.ledger.month[lf_new_fund_capital];
    CHECK(st.financiers.deals_left[0] == s.chain.finance.deals_per_month);
  }
  CHECK(st.financiers.capital_yuan[0] == Approx(1e9 * (1 + s.chain.finance.capital_inflow_per_year)));
  CHECK(st.financiers.capital_yuan[1] == Approx(2e9 * (1 + s.chain.finance.capital_inflow_per_year)));
  CHECK(st.financiers.capital_yuan[2] == 3e9);
  CHECK(recorded == Approx(3e9 * s.chain.finance.capital_inflow_per_year));
}

TEST_CASE("later rounds are recorded as such and need a higher signal", "[finance]") {
  Scenario s = test::tiny_scenario();
  s.chain.finance.deals_per_month = 100000;
  const Context c(s, RunKey{22, 0});
  SECTION("round bookkeeping") {
    State st = finance_world(c, {{FinancierKind::venture_capital, 1e12, 0.0}}, 4, 1e5, high_quality);
    st.enterprises.rounds_raised = {0, 1, 2, 6};
    MonthMetrics m(1, 1);
    finance(c, st, m);
    CHECK(m.total(m_deals_seed) == 1);
    CHECK(m.total(m_deals_series_a) == 1);
    CHECK(m.total(m_deals_series_b) == 2);  // series B and later
    REQUIRE(st.investments.size() == 4);
    CHECK(st.investments.round == std::vector<FundingRound>{FundingRound::seed, FundingRound::series_a,
                                                            FundingRound::series_b, FundingRound::series_b});
    CHECK(st.enterprises.rounds_raised == std::vector<std::int32_t>{1, 2, 3, 7});
  }
  SECTION("a higher bar for series B than for seed") {
    s.chain.finance.threshold_step_per_round = 0.3;
    const int n = 2000;
    State seed = finance_world(c, {{FinancierKind::venture_capital, 1e13, 0.0}}, n, 1e5, 1.0);
    State later = finance_world(c, {{FinancierKind::venture_capital, 1e13, 0.0}}, n, 1e5, 1.0);
    std::fill(later.enterprises.rounds_raised.begin(), later.enterprises.rounds_raised.end(), 2);
    MonthMetrics ms(1, 1), ml(1, 1);
    finance(c, seed, ms);
    finance(c, later, ml);
    const double sd = s.chain.finance.signal_noise;
    const double p_seed = 1 - std::pow(Phi(0.0 / sd), 3), p_later = 1 - std::pow(Phi(0.6 / sd), 3);
    CHECK(ms.total(m_deals_seed) == Approx(n * p_seed).margin(4 * sd_binomial(n, p_seed)));
    CHECK(ml.total(m_deals_series_b) == Approx(n * p_later).margin(4 * sd_binomial(n, p_later)));
    CHECK(ml.total(m_deals_series_b) < ms.total(m_deals_seed));
  }
}

TEST_CASE("only alive start-ups with a gap and a project apply for equity", "[finance]") {
  const Scenario s = test::tiny_scenario();
  const Context c(s, RunKey{23, 0});
  State st = finance_world(c, {{FinancierKind::venture_capital, 1e12, -100.0}}, 5, 1e5, high_quality);
  st.enterprises.kind[0] = EnterpriseKind::sme;
  st.enterprises.kind[1] = EnterpriseKind::chain_leader;
  st.enterprises.funding_gap_yuan[2] = 0.0;
  st.enterprises.pipeline_quality[3] = 0.0;
  st.enterprises.alive[4] = 0;
  MonthMetrics m(1, 1);
  finance(c, st, m);
  CHECK(m.at(m_deal_applications) == 0.0);
  CHECK(st.investments.size() == 0);
  CHECK(sum(st.enterprises.cash_yuan) == 0.0);
}

TEST_CASE("a higher venture threshold means fewer deals", "[finance]") {
  // Fund thresholds come from chain.finance.venture_threshold through the population builder.
  auto run = [](double venture_threshold, MonthMetrics& m) {
    Scenario s = test::tiny_scenario();
    s.agents.financiers.count = 200;
    s.agents.financiers.share_venture_capital = 1.0;
    s.agents.financiers.share_guidance_fund = 0.0;
    s.agents.financiers.share_bank = 0.0;
    s.agents.financiers.capital_median_yuan = 1e12;
    s.agents.financiers.capital_log_sd = 0.0;
    s.agents.financiers.threshold_log_sd = 0.0;
    s.chain.finance.venture_threshold = venture_threshold;
    s.chain.finance.deals_per_month = 1000;
    const Context c(s, RunKey{24, 0});
    const State built = build_population(c);
    REQUIRE(built.financiers.size() == 200);
    for (std::size_t f = 0; f < 200; ++f) {
      REQUIRE(built.financiers.kind[f] == FinancierKind::venture_capital);
      REQUIRE(built.financiers.threshold[f] == venture_threshold);
    }
    State st = finance_world(c, {}, 2000, 1e5, 1.0);
    st.financiers = built.financiers;
    finance(c, st, m);
  };
  MonthMetrics low(1, 1), high(1, 1);
  run(0.0, low);
  run(0.5, high);
  CHECK(high.total(m_deals_seed) < low.total(m_deals_seed) - 500);
  // Three funds see each deal; each invests if log quality (0) + 0.6 z clears the threshold.
  const int n = 2000;
  for (auto [m, t] : {std::pair{&low, 0.0}, std::pair{&high, 0.5}}) {
    const double p = 1 - std::pow(Phi(t / 0.6), 3);
    CHECK(m->total(m_deals_seed) == Approx(n * p).margin(4 * sd_binomial(n, p)));
  }
}

TEST_CASE("guidance funds co-invest beside a venture deal at the co-investment ratio", "[finance]") {
  Scenario s = test::tiny_scenario();
  const double gap = 1e5;
  SECTION("one deal, one co-investment") {
    s.chain.finance.guidance_coinvest_ratio = 0.5;
    const Context c(s, RunKey{25, 0});
    State st =
        finance_world(c, {{FinancierKind::venture_capital, 1e10, 0.0}, {FinancierKind::guidance_fund, 1e10, -0.3}}, 1,
                      gap, high_quality);
    MonthMetrics m(1, 1);
    finance(c, st, m);
    const double amount = gap * s.chain.finance.round_runway_months;
    REQUIRE(st.investments.size() == 2);
    CHECK(st.investments.financier == std::vector<std::int32_t>{0, 1});
    CHECK(st.investments.amount_yuan[0] == Approx(amount));
    CHECK(st.investments.amount_yuan[1] == Approx(0.5 * amount));
    CHECK(st.investments.round[1] == FundingRound::seed);
    CHECK(st.enterprises.cash_yuan[0] == Approx(1.5 * amount));
    CHECK(st.enterprises.equity_raised_yuan[0] == Approx(1.5 * amount));
    CHECK(st.enterprises.rounds_raised[0] == 1);  // one round, two investors
    CHECK(m.total(m_deals_seed) == 1);            // deals count venture rounds
    CHECK(m.total(m_invested_venture) == Approx(amount));
    CHECK(m.total(m_invested_guidance) == Approx(0.5 * amount));
    const double grown = 1e10 * (1 + monthly_inflow(s.chain.finance));
    CHECK(st.financiers.capital_yuan[1] == Approx(grown - 0.5 * amount));
    CHECK(st.financiers.deals_left[1] == s.chain.finance.deals_per_month - 1);
  }
  SECTION("the ratio scales the co-investment") {
    s.chain.finance.guidance_coinvest_ratio = 0.25;
    const Context c(s, RunKey{25, 0});
    State st =
        finance_world(c, {{FinancierKind::venture_capital, 1e10, 0.0}, {FinancierKind::guidance_fund, 1e10, -0.3}}, 1,
                      gap, high_quality);
    MonthMetrics m(1, 1);
    finance(c, st, m);
    CHECK(m.total(m_invested_guidance) == Approx(0.25 * m.total(m_invested_venture)));
    CHECK(st.enterprises.cash_yuan[0] == Approx(1.25 * gap * s.chain.finance.round_runway_months));
  }
  SECTION("no venture deal, no guidance money") {
    const Context c(s, RunKey{25, 0});
    State alone = finance_world(c, {{FinancierKind::guidance_fund, 1e10, -100.0}}, 20, gap, high_quality);
    MonthMetrics m(1, 1);
    finance(c, alone, m);
    CHECK(alone.investments.size() == 0);
    CHECK(m.total(m_invested_guidance) == 0.0);
    State picky =
        finance_world(c, {{FinancierKind::venture_capital, 1e10, 100.0}, {FinancierKind::guidance_fund, 1e10, -100.0}},
                      20, gap, high_quality);
    finance(c, picky, m);
    CHECK(picky.investments.size() == 0);
    CHECK(sum(picky.enterprises.cash_yuan) == 0.0);
  }
  SECTION("a lower guidance threshold means more co-investment, always at the ratio") {
    s.chain.finance.deals_per_month = 100000;
    const Context c(s, RunKey{26, 0});
    const int n = 2000;
    auto run = [&](double guidance_threshold, MonthMetrics& m) {
      // The venture fund always invests; the guidance fund sees quality 1 through its own signal.
      State st = finance_world(
          c, {{FinancierKind::venture_capital, 1e13, -100.0}, {FinancierKind::guidance_fund, 1e13, guidance_threshold}},
          n, gap, 1.0);
      finance(c, st, m);
      return st;
    };
    MonthMetrics m0(1, 1), m1(1, 1);
    const State s0 = run(0.0, m0), s1 = run(-0.3, m1);
    const double amount = gap * s.chain.finance.round_runway_months;
    CHECK(m0.total(m_deals_seed) == n);
    CHECK(m1.total(m_deals_seed) == n);
    const double co0 = static_cast<double>(s0.investments.size()) - n,
                 co1 = static_cast<double>(s1.investments.size()) - n;
    CHECK(co0 == Approx(n * 0.5).margin(4 * sd_binomial(n, 0.5)));
    const double p1 = Phi(0.3 / s.chain.finance.signal_noise);
    CHECK(co1 == Approx(n * p1).margin(4 * sd_binomial(n, p1)));
    CHECK(co1 > co0);
    CHECK(m0.total(m_invested_guidance) == Approx(co0 * amount * s.chain.finance.guidance_coinvest_ratio));
    CHECK(m1.total(m_invested_guidance) == Approx(co1 * amount * s.chain.finance.guidance_coinvest_ratio));
  }
}

TEST_CASE("a fund closes at most deals_per_month deals a month", "[finance]") {
  Scenario s = test::tiny_scenario();
  s.chain.finance.deals_per_month = 3;
  const Context c(s, RunKey{27, 0});
  SECTION("one venture fund, one guidance fund, fifty candidates") {
    State st =
        finance_world(c, {{FinancierKind::venture_capital, 1e12, 0.0}, {FinancierKind::guidance_fund, 1e12, -0.3}}, 50,
                      1e5, high_quality);
    MonthMetrics m(1, 1);
    finance(c, st, m);
    CHECK(m.total(m_deals_seed) == 3);
    CHECK(m.at(m_deal_applications) == 50);
    CHECK(st.investments.size() == 6);
    CHECK(st.financiers.deals_left[0] == 0);
    CHECK(st.financiers.deals_left[1] == 0);
    // Deals go in enterprise id order.
    for (std::size_t e = 0; e < 50; ++e) CHECK(st.enterprises.rounds_raised[e] == (e < 3 ? 1 : 0));
    // Capacity is restored next month: the same three, now at series A.
    st.month = 1;
    m.clear();
    finance(c, st, m);
    CHECK(m.total(m_deals_series_a) == 3);
    CHECK(m.total(m_deals_seed) == 0);
    CHECK(st.investments.size() == 12);
    for (std::size_t k = 6; k < 12; ++k) CHECK(st.investments.enterprise[k] < 3);
  }
  SECTION("two venture funds close twice as many") {
    State st =
        finance_world(c, {{FinancierKind::venture_capital, 1e12, 0.0}, {FinancierKind::venture_capital, 1e12, 0.0}}, 50,
                      1e5, high_quality);
    MonthMetrics m(1, 1);
    finance(c, st, m);
    CHECK(m.total(m_deals_seed) == 6);
    CHECK(st.financiers.deals_left == std::vector<std::int32_t>{0, 0});
  }
  SECTION("a fund short of capital does not invest") {
    State st =
        finance_world(c, {{FinancierKind::venture_capital, 1e6, 0.0}}, 10, 1e5, high_quality);  // a round is 1.8e6
    MonthMetrics m(1, 1);
    finance(c, st, m);
    CHECK(m.total(m_deals_seed) == 0);
    CHECK(st.investments.size() == 0);
  }
}

TEST_CASE("funds do not invest across a closed regional border", "[finance]") {
  Scenario s = test::tiny_scenario();
  s.world.regions.push_back({"there", 1.0, 1.0, 1.0, 1.0});
  s.world.friction = {{1.0, 0.0}, {0.0, 1.0}};
  s.chain.finance.deals_per_month = 1000;
  const Context c(s, RunKey{28, 0});
  State st = finance_world(c, {{FinancierKind::venture_capital, 1e12, -100.0, 1}}, 100, 1e5, high_quality);
  for (int e = 50; e < 100; ++e) st.enterprises.region[e] = 1;
  MonthMetrics m(1, 2);
  finance(c, st, m);
  CHECK(m.total(m_deals_seed) == 50);
  for (std::size_t k = 0; k < st.investments.size(); ++k) CHECK(st.investments.enterprise[k] >= 50);
}

TEST_CASE("banks lend to firms with revenue that are short of cash, up to the credit limit", "[finance]") {
  const Scenario s = test::tiny_scenario();
  const Context c(s, RunKey{29, 0});
  const auto& p = s.chain.finance;
  const double revenue = 1e5;
  const double limit = p.bank_leverage * 12 * revenue;  // 6e5: net worth is negative when short of cash
  auto world = [&](int firms) {
    State st = finance_world(c, {{FinancierKind::bank, 1e10, 0.0}, {FinancierKind::bank, 1e10, 0.0}}, firms, 0.0, 0.0);
    for (int e = 0; e < firms; ++e) {
      st.enterprises.kind[e] = EnterpriseKind::sme;
      st.enterprises.revenue_yuan_per_month[e] = revenue;
    }
    return st;
  };
  SECTION("a large shortfall is lent up to the limit, and no more next month") {
    State st = world(1);
    st.enterprises.cash_yuan[0] = -1e6;
    MonthMetrics m(1, 1);
    finance(c, st, m);
    CHECK(st.enterprises.debt_yuan[0] == Approx(limit));
    CHECK(st.enterprises.cash_yuan[0] == Approx(-1e6 + limit));
    const auto bank = st.enterprises.lender[0];
    REQUIRE(bank >= 0);
    CHECK(st.financiers.kind[bank] == FinancierKind::bank);
    CHECK(st.financiers.capital_yuan[bank] == Approx(1e10 - limit));  // banks raise no new capital
    CHECK(m.at(m_credit_new, 0) == Approx(limit));
    CHECK(st.ledger.month[lf_new_fund_capital] == 0.0);
    st.month = 1;
    m.clear();
    finance(c, st, m);
    CHECK(st.enterprises.debt_yuan[0] == Approx(limit));
    CHECK(m.total(m_credit_new) == 0.0);
  }
  SECTION("a small shortfall is covered exactly, by the firm's own bank") {
    State st = world(1);
    st.enterprises.cash_yuan[0] = -1e5;
    st.enterprises.debt_yuan[0] = 2e5;
    st.enterprises.lender[0] = 1;
    MonthMetrics m(1, 1);
    finance(c, st, m);
    CHECK(st.enterprises.cash_yuan[0] == Approx(0.0).margin(1e-6));
    CHECK(st.enterprises.debt_yuan[0] == Approx(3e5));
    CHECK(st.enterprises.lender[0] == 1);
    CHECK(st.financiers.capital_yuan[1] == Approx(1e10 - 1e5));
    CHECK(st.financiers.capital_yuan[0] == 1e10);
  }
  SECTION("no revenue, no cash shortfall, a bank without the money, or a firm at its limit: no loan") {
    State st = world(4);
    st.enterprises.cash_yuan = {-1e5, 1e3, -1e5, -1e5};
    st.enterprises.revenue_yuan_per_month[0] = 0.0;
    st.enterprises.debt_yuan[1] = 1e9;
    st.enterprises.lender[2] = 0;
    st.financiers.capital_yuan[0] = 1e4;  // firm 2's bank cannot lend 1e5
    st.enterprises.debt_yuan[3] = limit + 1.0;
    MonthMetrics m(1, 1);
    finance(c, st, m);
    CHECK(st.enterprises.cash_yuan == std::vector<double>{-1e5, 1e3, -1e5, -1e5});
    CHECK(m.total(m_credit_new) == 0.0);
  }
  SECTION("over many months of losses, debt never exceeds the limit") {
    const int firms = 200;
    State st = world(firms);
    for (int e = 0; e < firms; ++e) st.enterprises.revenue_yuan_per_month[e] = revenue * (1 + e % 7);
    for (int month = 0; month < 24; ++month) {
      st.month = month;
      for (int e = 0; e < firms; ++e) st.enterprises.cash_yuan[e] -= 2.0 * revenue * (1 + e % 5);  // losses
      const auto cash = st.enterprises.cash_yuan, debt = st.enterprises.debt_yuan;
      MonthMetrics m(1, 1);
      finance(c, st, m);
      double lent = 0.0;
      for (int e = 0; e < firms; ++e) {
        const double cap = credit_limit(p, cash[e], debt[e], st.enterprises.revenue_yuan_per_month[e]);
        CHECK(st.enterprises.debt_yuan[e] <= std::max(cap, debt[e]) + 1e-6);
        CHECK(st.enterprises.debt_yuan[e] >= debt[e]);
        CHECK(st.enterprises.cash_yuan[e] <= std::max(cash[e], 0.0) + 1e-6);  // borrows no more than the shortfall
        lent += st.enterprises.debt_yuan[e] - debt[e];
      }
      CHECK(m.total(m_credit_new) == Approx(lent));
    }
    // Everyone ends at the limit of 12 months' revenue x Lambda.
    for (int e = 0; e < firms; ++e)
      CHECK(st.enterprises.debt_yuan[e] == Approx(p.bank_leverage * 12 * st.enterprises.revenue_yuan_per_month[e]));
  }
}

TEST_CASE("finance moves money but creates none beyond the recorded fund inflow", "[finance]") {
  Scenario s = test::tiny_scenario(2);
  s.world.proximity = {{1.0, 0.3}, {0.3, 1.0}};
  const Context c(s, RunKey{30, 0});
  std::vector<Fund> funds;
  for (int f = 0; f < 6; ++f) funds.push_back({FinancierKind::venture_capital, 3e8 * (1 + f), -0.2 + 0.1 * f});
  for (int f = 0; f < 3; ++f) funds.push_back({FinancierKind::guidance_fund, 2e8, -0.5});
  for (int f = 0; f < 3; ++f) funds.push_back({FinancierKind::bank, 5e8, 0.0});
  const int firms = 300;
  State st = finance_world(c, funds, firms, 0.0, 0.0);
  for (int e = 0; e < firms; ++e) {
    auto& en = st.enterprises;
    en.field[e] = static_cast<std::uint16_t>(e % 2);
    if (e % 3 == 0) {  // start-ups with a gap
      en.funding_gap_yuan[e] = 5e4 * (1 + e % 4);
      en.pipeline_quality[e] = std::exp(-1.0 + 0.01 * e);
      en.cash_yuan[e] = 1e5;
    } else {  // SMEs with revenue, some short of cash
      en.kind[e] = EnterpriseKind::sme;
      en.revenue_yuan_per_month[e] = 2e5;
      en.cash_yuan[e] = 1e5;
    }
  }
  index_enterprises_by_field(st, c.fields);
  const double equity0 = sum(st.enterprises.equity_raised_yuan), debt0 = sum(st.enterprises.debt_yuan);
  double invested_total = 0.0, lent_total = 0.0;
  for (int month = 0; month < 12; ++month) {
    st.month = month;
    // Between finance phases, firms spend (outside the checked phase).
    for (int e = 0; e < firms; ++e) st.enterprises.cash_yuan[e] -= 1.5e5;
    st.ledger.clear();
    const double before = money_stock(st);
    const double funds_before = sum(st.financiers.capital_yuan), cash_before = sum(st.enterprises.cash_yuan);
    MonthMetrics m(2, 1);
    finance(c, st, m);
    const double inflow = st.ledger.month[lf_new_fund_capital];
    CHECK(inflow > 0.0);
    CHECK(st.ledger.sources() == inflow);
    CHECK(st.ledger.sinks() == 0.0);
    CHECK(std::abs(money_stock(st) - before - inflow) < 1e-3);
    CHECK(std::abs((sum(st.financiers.capital_yuan) + sum(st.enterprises.cash_yuan)) - (funds_before + cash_before) -
                   inflow) < 1e-3);
    invested_total += m.total(m_invested_venture) + m.total(m_invested_guidance);
    lent_total += m.total(m_credit_new);
  }
  CHECK(invested_total > 0.0);
  CHECK(lent_total > 0.0);
  CHECK(sum(st.enterprises.equity_raised_yuan) - equity0 == Approx(invested_total));
  CHECK(sum(st.investments.amount_yuan) == Approx(invested_total));
  CHECK(sum(st.enterprises.debt_yuan) - debt0 == Approx(lent_total));
}

TEST_CASE("finance is deterministic", "[finance]") {
  const Scenario s = test::tiny_scenario();
  const Context c(s, RunKey{31, 2});
  auto make = [&] {
    State st = finance_world(c,
                             {{FinancierKind::venture_capital, 1e10, 0.0},
                              {FinancierKind::guidance_fund, 1e10, -0.3},
                              {FinancierKind::venture_capital, 1e10, 0.2}},
                             100, 1e5, 1.0);
    for (int e = 0; e < 100; ++e) st.enterprises.pipeline_quality[e] = 0.5 + 0.01 * e;
    return st;
  };
  State a = make(), b = make();
  MonthMetrics ma(1, 1), mb(1, 1);
  finance(c, a, ma);
  finance(c, b, mb);
  CHECK(a.investments.enterprise == b.investments.enterprise);
  CHECK(a.investments.financier == b.investments.financier);
  CHECK(test::same_bits(a.enterprises.cash_yuan, b.enterprises.cash_yuan));
  CHECK(test::same_bits(a.financiers.capital_yuan, b.financiers.capital_yuan));
}
