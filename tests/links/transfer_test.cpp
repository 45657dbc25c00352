#include "links/transfer.hpp"

#include "core/ledger.hpp"
#include "model/population.hpp"
#include "support/tiny_world.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>

using namespace innochain;

namespace {

/// Standard normal CDF.
double Phi(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

/// P(seen quality < t) for a project of latent quality q: seen = q x LN(-sd^2/2, sd).
double p_seen_below(const TransferParams& p, double q, double t) {
  const double sd = p.screening_noise;
  return Phi((std::log(t / q) + 0.5 * sd * sd) / sd);
}

/// E[min(1, a X)] with X ~ Exp(1): the spin-off chance given approval, a = spinoff_probability x effort.
double p_spinoff(double a) { return a * (1.0 - std::exp(-1.0 / a)); }

/// Binomial standard deviation.
double sd_binomial(double n, double p) { return std::sqrt(n * p * (1.0 - p)); }

struct Office {
  double capacity = 1e9;
  double skill = 1.0;
  double risk_aversion = 2.0;
  double sanction_probability = 0.0;
  double inventor_share = 0.5;
  double screening_care = 1.0;
  std::int32_t industry_ties = 0;
};

/// One institute (region 0) with the given office, `n` finished breakthroughs of quality
/// `quality` queued in id order, and `firms` rich, fully absorptive enterprises in field 0.
State queued_world(const Context& c, int n, const Office& o, int firms = 10, double quality = 1.0) {
  State st;
  st.institutes.resize(1, c.fields);
  st.institutes.field_weight[0] = 1.0;
  st.institutes.transfer_office_capacity[0] = o.capacity;
  st.institutes.transfer_office_skill[0] = o.skill;
  st.institutes.risk_aversion[0] = o.risk_aversion;
  st.institutes.levers.sanction_probability[0] = o.sanction_probability;
  st.institutes.levers.inventor_share[0] = o.inventor_share;
  st.institutes.levers.screening_care[0] = o.screening_care;
  st.institutes.industry_ties[0] = o.industry_ties;
  // Researchers of average entrepreneurial propensity: relative propensity 1.
  st.institutes.researcher_propensity_mean[0] = c.scenario.agents.talent.entrepreneurial_propensity_mean;
  st.enterprises.resize(static_cast<std::size_t>(firms));
  for (int e = 0; e < firms; ++e) {
    st.enterprises.kind[e] = EnterpriseKind::sme;
    st.enterprises.alive[e] = 1;
    st.enterprises.absorptive_capacity[e] = 1.0;
    st.enterprises.cash_yuan[e] = 1e12;
  }
  index_enterprises_by_field(st, c.fields);
  st.projects.resize(static_cast<std::size_t>(n));
  for (int id = 0; id < n; ++id) {
    st.projects.stage[id] = Stage::breakthrough;
    st.projects.status[id] = ProjectStatus::awaiting_transfer;
    st.projects.holder_kind[id] = HolderKind::institute;
    st.projects.holder[id] = 0;
    st.projects.origin_institute[id] = 0;
    st.projects.quality[id] = quality;
    st.projects.progress[id] = 0;  // as the progress phase leaves a finished stage
    st.projects.months_in_stage[id] = 0;
    st.transfer_queue.push_back(id);
  }
  return st;
}

double transfers(const MonthMetrics& m) { return m.total(m_transfers_licence) + m.total(m_transfers_spinoff); }

/// Every case decided ends in exactly one outcome.
void check_outcomes_add_up(const MonthMetrics& m) {
  CHECK(m.total(m_shelved_no_route) + m.total(m_shelved_not_approved) + m.total(m_shelved_no_buyer) + transfers(m) ==
        m.total(m_transfer_cases));
  if (m.total(m_transfer_cases) > 0)
    CHECK(m.at(m_transfer_conversion) == Approx(transfers(m) / m.total(m_transfer_cases)));
}

}  // namespace

TEST_CASE("inventor effort is the saturating function s^k / (s^k + h^k)", "[transfer]") {
  TransferParams p;  // k = 2, h = 0.3
  REQUIRE(p.inventor_effort_elasticity == 2.0);
  REQUIRE(p.inventor_effort_half_share == 0.3);
  CHECK(inventor_effort(p, 0.0) == 0.0);
  CHECK(inventor_effort(p, -0.2) == 0.0);
  CHECK(inventor_effort(p, 0.3) == Approx(0.5));  // half effort at the half share
  CHECK(inventor_effort(p, 0.1) == Approx(0.01 / (0.01 + 0.09)));
  CHECK(inventor_effort(p, 0.6) == Approx(0.36 / (0.36 + 0.09)));
  CHECK(inventor_effort(p, 0.9) == Approx(0.9));
  CHECK(inventor_effort(p, 1.0) == Approx(1.0 / 1.09));
  // Monotone increasing and below 1 on (0, 1].
  double previous = 0.0;
  for (int k = 1; k <= 100; ++k) {
    const double e = inventor_effort(p, k / 100.0);
    CHECK(e > previous);
    CHECK(e < 1.0);
    previous = e;
  }
  // The elasticity sets the steepness: with k = 1 the curve is s / (s + h).
  p.inventor_effort_elasticity = 1.0;
  CHECK(inventor_effort(p, 0.6) == Approx(0.6 / 0.9));
  CHECK(inventor_effort(p, 0.3) == Approx(0.5));
  // A higher elasticity: less effort below the half share, more above it.
  TransferParams steep;
  steep.inventor_effort_elasticity = 4.0;
  CHECK(inventor_effort(steep, 0.2) < inventor_effort(p, 0.2));
  CHECK(inventor_effort(steep, 0.6) > inventor_effort(p, 0.6));
}

TEST_CASE("route probability is min(1, skill x (1 + gain x ln(1 + ties)))", "[transfer]") {
  const TransferParams p;  // gain 0.15
  CHECK(route_probability(p, 0.4, 0) == Approx(0.4));
  CHECK(route_probability(p, 0.0, 1000) == 0.0);
  CHECK(route_probability(p, 0.4, 9) == Approx(0.4 * (1.0 + 0.15 * std::log(10.0))));
  CHECK(route_probability(p, 0.5, 1) == Approx(0.5 * (1.0 + 0.15 * std::log(2.0))));
  // Ties (former researchers now in industry) help, with diminishing returns, and cap at 1.
  double previous = route_probability(p, 0.3, 0);
  double step = 1.0;
  for (std::int32_t ties : {1, 3, 7, 15, 31}) {
    const double r = route_probability(p, 0.3, ties);
    CHECK(r > previous);
    CHECK(r - previous < step);  // each doubling of (1 + ties) adds the same ln 2 x gain x skill
    step = r - previous + 1e-12;
    previous = r;
  }
  CHECK(route_probability(p, 0.9, 1000) == 1.0);
  CHECK(route_probability(p, 1.5, 0) == 1.0);
  CHECK(route_probability(p, 0.6, 5) > route_probability(p, 0.5, 5));
}

TEST_CASE("the official approves only if the gain exceeds risk aversion x probability x sanction", "[transfer]") {
  // Threshold 2 x 0.3 x 2e6 = 1.2e6.
  CHECK(official_approves(1.3e6, 2.0, 0.3, 2e6));
  CHECK_FALSE(official_approves(1.1e6, 2.0, 0.3, 2e6));
  CHECK_FALSE(official_approves(1.2e6, 2.0, 0.3, 2e6));  // strict: a tie is not approved
  // Lower perceived probability (a liability exemption) or less risk aversion lets it through.
  CHECK(official_approves(1.1e6, 2.0, 0.2, 2e6));
  CHECK(official_approves(1.1e6, 1.0, 0.3, 2e6));
  // Without any perceived risk every positive gain is approved, but not a zero one.
  CHECK(official_approves(1.0, 2.0, 0.0, 2e6));
  CHECK_FALSE(official_approves(0.0, 2.0, 0.0, 2e6));
}

TEST_CASE("a more skilled office (and industry ties) finds more routes and transfers more", "[transfer]") {
  const Scenario s = test::tiny_scenario();
  const Context c(s, RunKey{11, 0});
  const auto& p = s.chain.transfer;
  const int n = 2000;
  Office low, high, tied;
  low.skill = 0.2;
  high.skill = 0.8;
  tied.skill = 0.2;
  tied.industry_ties = 100;
  State sl = queued_world(c, n, low), sh = queued_world(c, n, high), st = queued_world(c, n, tied);
  MonthMetrics ml(1, 1), mh(1, 1), mt(1, 1);
  transfer(c, sl, ml);
  transfer(c, sh, mh);
  transfer(c, st, mt);
  for (const MonthMetrics* m : {&ml, &mh, &mt}) {
    CHECK(m->total(m_transfer_cases) == n);
    check_outcomes_add_up(*m);
  }
  CHECK(ml.total(m_shelved_no_route) == Approx(n * 0.8).margin(4 * sd_binomial(n, 0.8)));
  CHECK(mh.total(m_shelved_no_route) == Approx(n * 0.2).margin(4 * sd_binomial(n, 0.2)));
  const double tied_route = route_probability(p, 0.2, 100);
  CHECK(mt.total(m_shelved_no_route) == Approx(n * (1 - tied_route)).margin(4 * sd_binomial(n, 1 - tied_route)));
  // With no sanction risk, a routed case transfers unless screening rejects it (seen < 0.6)
  // or the best buyer's valuation is below the reserve (seen > quality / reserve share).
  const double pass =
      1.0 - p_seen_below(p, 1.0, p.screening_threshold) - (1.0 - p_seen_below(p, 1.0, 1.0 / p.licence_reserve_share));
  CHECK(transfers(ml) == Approx(n * 0.2 * pass).margin(4 * sd_binomial(n, 0.2 * pass)));
  CHECK(transfers(mh) == Approx(n * 0.8 * pass).margin(4 * sd_binomial(n, 0.8 * pass)));
  CHECK(transfers(mh) > transfers(ml) + 600);
  CHECK(transfers(mt) > transfers(ml));
  CHECK(mh.at(m_transfer_conversion) > ml.at(m_transfer_conversion));
}

TEST_CASE("a higher inventor share means more spin-offs", "[transfer]") {
  Scenario s = test::tiny_scenario();
  s.chain.entry.founder_seed_log_sd = 0.0;  // every spin-off's founders bring the median
  const Context c(s, RunKey{12, 0});
  const auto& p = s.chain.transfer;
  const int n = 2000, firms = 10;
  Office small, large;
  small.inventor_share = 0.1;
  large.inventor_share = 0.9;
  State ss = queued_world(c, n, small, firms), sl = queued_world(c, n, large, firms);
  const double money_before = money_stock(ss);
  MonthMetrics ms(1, 1), mlg(1, 1);
  transfer(c, ss, ms);
  transfer(c, sl, mlg);
  check_outcomes_add_up(ms);
  check_outcomes_add_up(mlg);
  CHECK(mlg.total(m_transfers_spinoff) > 3 * ms.total(m_transfers_spinoff));
  // Given approval, the spin-off chance is E[min(1, p x effort x X)], X ~ Exp(1).
  for (auto [m, share] : {std::pair{&ms, 0.1}, std::pair{&mlg, 0.9}}) {
    const double approved =
        m->total(m_transfers_licence) + m->total(m_transfers_spinoff) + m->total(m_shelved_no_buyer);
    const double ps = p_spinoff(p.spinoff_probability * inventor_effort(p, share));
    CHECK(m->total(m_transfers_spinoff) == Approx(approved * ps).margin(4 * sd_binomial(approved, ps) + 1));
    CHECK(m->total(m_spinoffs_founded) == m->total(m_transfers_spinoff));
  }
  // Each spin-off is a new start-up, founded with the founder's seed money, holding its project.
  const auto spinoffs = static_cast<std::size_t>(ms.total(m_transfers_spinoff));
  REQUIRE(ss.enterprises.size() == firms + spinoffs);
  const double seed = s.chain.entry.founder_seed_yuan;
  for (std::size_t e = firms; e < ss.enterprises.size(); ++e) {
    CHECK(ss.enterprises.kind[e] == EnterpriseKind::startup);
    CHECK(ss.enterprises.origin_institute[e] == 0);
    CHECK(ss.enterprises.alive[e] == 1);
    CHECK(ss.enterprises.cash_yuan[e] == seed);
  }
  std::size_t held_by_new = 0;
  for (int id = 0; id < n; ++id)
    if (ss.projects.holder_kind[id] == HolderKind::enterprise && ss.projects.holder[id] >= firms) ++held_by_new;
  CHECK(held_by_new == spinoffs);
  CHECK(ss.ledger.month[lf_founder_money] == Approx(seed * static_cast<double>(spinoffs)));
  // Money: seed money in, inventors' share of licence fees out; nothing else is created.
  const double net = ss.ledger.sources() - ss.ledger.sinks();
  CHECK(std::abs(money_stock(ss) - money_before - net) < 1e-3);
}

TEST_CASE("researchers with more entrepreneurial propensity found more spin-offs", "[transfer]") {
  const Scenario s = test::tiny_scenario();
  const Context c(s, RunKey{13, 0});
  const auto& p = s.chain.transfer;
  const double mean = s.agents.talent.entrepreneurial_propensity_mean;
  Office o;
  State low = queued_world(c, 2000, o), high = queued_world(c, 2000, o);
  low.institutes.researcher_propensity_mean[0] = 0.5 * mean;
  high.institutes.researcher_propensity_mean[0] = 2.0 * mean;
  MonthMetrics ml(1, 1), mh(1, 1);
  transfer(c, low, ml);
  transfer(c, high, mh);
  CHECK(mh.total(m_transfers_spinoff) > 2 * ml.total(m_transfers_spinoff));
  for (auto [m, relative] : {std::pair{&ml, 0.5}, std::pair{&mh, 2.0}}) {
    const double approved =
        m->total(m_transfers_licence) + m->total(m_transfers_spinoff) + m->total(m_shelved_no_buyer);
    const double ps = p_spinoff(p.spinoff_probability * inventor_effort(p, o.inventor_share) * relative);
    CHECK(m->total(m_transfers_spinoff) == Approx(approved * ps).margin(4 * sd_binomial(approved, ps) + 1));
  }
  // Without researchers (propensity 0) nobody spins off.
  State none = queued_world(c, 500, o);
  none.institutes.researcher_propensity_mean[0] = 0.0;
  MonthMetrics mn(1, 1);
  transfer(c, none, mn);
  CHECK(mn.total(m_transfers_spinoff) == 0.0);
}

TEST_CASE("a higher perceived sanction probability means fewer transfers", "[transfer]") {
  const Scenario s = test::tiny_scenario();
  const Context c(s, RunKey{13, 0});
  const auto& p = s.chain.transfer;
  const int n = 2000;
  Office safe, risky;
  safe.sanction_probability = 0.1;
  risky.sanction_probability = 0.9;
  State ss = queued_world(c, n, safe), sr = queued_world(c, n, risky);
  MonthMetrics ms(1, 1), mr(1, 1);
  transfer(c, ss, ms);
  transfer(c, sr, mr);
  check_outcomes_add_up(ms);
  check_outcomes_add_up(mr);
  CHECK(mr.total(m_shelved_not_approved) > ms.total(m_shelved_not_approved) + 500);
  CHECK(transfers(mr) < transfers(ms) - 500);
  // Approval needs seen quality above max(screening threshold, ra x prob x size / (value x effort)).
  const double effort = inventor_effort(p, 0.5);
  for (auto [m, prob] : {std::pair{&ms, 0.1}, std::pair{&mr, 0.9}}) {
    const double t =
        std::max(p.screening_threshold, 2.0 * prob * p.sanction_size_yuan / (p.transfer_value_yuan_median * effort));
    const double refused = p_seen_below(p, 1.0, t);
    CHECK(m->total(m_shelved_not_approved) == Approx(n * refused).margin(4 * sd_binomial(n, refused)));
  }
}

TEST_CASE("less screening care lets more bad projects through", "[transfer]") {
  const Scenario s = test::tiny_scenario();
  const Context c(s, RunKey{14, 0});
  const auto& p = s.chain.transfer;
  const int n = 2000;
  Office careful, lax;
  lax.screening_care = 0.2;
  State sc = queued_world(c, n, careful), sl = queued_world(c, n, lax);
  // Half the projects are bad (quality 0.3 < bad_quality_threshold 0.5), half good (2.0).
  for (State* st : {&sc, &sl})
    for (int id = 0; id < n; ++id) st->projects.quality[id] = id % 2 == 0 ? 0.3 : 2.0;
  MonthMetrics mc(1, 1), ml(1, 1);
  transfer(c, sc, mc);
  transfer(c, sl, ml);
  check_outcomes_add_up(mc);
  check_outcomes_add_up(ml);
  CHECK(ml.total(m_bad_transfers) > 5 * mc.total(m_bad_transfers));
  CHECK(ml.total(m_shelved_not_approved) < mc.total(m_shelved_not_approved));
  for (auto [st, m, care] : {std::tuple{&sc, &mc, 1.0}, std::tuple{&sl, &ml, 0.2}}) {
    // The metric counts exactly the transferred projects whose latent quality is below the threshold.
    int bad = 0;
    for (int id = 0; id < n; ++id)
      bad +=
          st->projects.holder_kind[id] == HolderKind::enterprise && st->projects.quality[id] < p.bad_quality_threshold;
    CHECK(m->total(m_bad_transfers) == bad);
    const double through = 1.0 - p_seen_below(p, 0.3, p.screening_threshold * care) -
                           (1.0 - p_seen_below(p, 0.3, 0.3 / p.licence_reserve_share));
    CHECK(bad == Approx(n / 2 * through).margin(4 * sd_binomial(n / 2, through)));
  }
}

TEST_CASE("a case no office decides within case_expiry_months lapses as shelved_expired", "[transfer]") {
  Scenario s = test::tiny_scenario();
  s.chain.transfer.case_expiry_months = 3;
  const Context c(s, RunKey{16, 0});
  Office o;
  o.capacity = 2;
  o.skill = 0.0;  // every decided case is shelved 'no route'
  State st = queued_world(c, 10, o, 1);
  double decided = 0.0, expired = 0.0;
  for (int month = 0; month < 4; ++month) {
    st.month = month;
    MonthMetrics m(1, 1);
    transfer(c, st, m);
    decided += m.total(m_transfer_cases);
    expired += m.total(m_shelved_expired);
    // Waiting cases carry their months in the queue; none has waited 3 months.
    for (const std::int32_t id : st.transfer_queue) CHECK(st.projects.months_in_stage[id] == month + 1);
    CHECK(m.at(m_awaiting_transfer) == static_cast<double>(st.transfer_queue.size()));
  }
  // Months 0-2 decide 2 cases each; in month 2 the 4 cases still waiting reach 3 months and lapse.
  CHECK(decided == 6);
  CHECK(expired == 4);
  CHECK(st.transfer_queue.empty());
  for (int id = 0; id < 10; ++id) CHECK(st.projects.status[id] == ProjectStatus::shelved);
}

TEST_CASE("an office decides at most its capacity a month; the rest keep waiting", "[transfer]") {
  const Scenario s = test::tiny_scenario();
  const Context c(s, RunKey{15, 0});
  SECTION("integer capacities, two institutes, interleaved queue") {
    Office o;
    o.capacity = 10;
    o.skill = 0.0;  // every decided case is shelved 'no route': only the counting matters
    State st = queued_world(c, 40, o, 1);
    st.institutes.resize(2, c.fields);
    st.institutes.transfer_office_capacity[1] = 3;
    for (int id = 0; id < 40; ++id) st.projects.holder[id] = id % 4 == 3 ? 1 : 0;  // 30 at 0, 10 at 1
    MonthMetrics m(1, 1);
    transfer(c, st, m);
    CHECK(m.total(m_transfer_cases) == 13);
    CHECK(m.total(m_shelved_no_route) == 13);
    // Decided: the first 10 of institute 0 and the first 3 of institute 1, in queue order.
    std::vector<std::int32_t> expected;
    int at0 = 0, at1 = 0;
    for (int id = 0; id < 40; ++id) {
      const bool decided = st.projects.holder[id] == 0 ? at0++ < 10 : at1++ < 3;
      if (!decided) expected.push_back(id);
      CHECK(st.projects.status[id] == (decided ? ProjectStatus::shelved : ProjectStatus::awaiting_transfer));
    }
    CHECK(st.transfer_queue == expected);
    CHECK(m.at(m_awaiting_transfer) == 27);
    // Next month the offices take the next batch.
    st.month = 1;
    m.clear();
    transfer(c, st, m);
    CHECK(m.total(m_transfer_cases) == 13);
    CHECK(st.transfer_queue.size() == 14);
  }
  SECTION("a fractional capacity is met on average") {
    const int institutes = 400, each = 5;
    Office o;
    o.capacity = 2.5;
    o.skill = 0.0;
    State st = queued_world(c, institutes * each, o, 1);
    st.institutes.resize(institutes, c.fields);
    for (int i = 0; i < institutes; ++i) {
      st.institutes.transfer_office_capacity[i] = 2.5;
      for (int k = 0; k < each; ++k) st.projects.holder[i * each + k] = i;
    }
    MonthMetrics m(1, 1);
    transfer(c, st, m);
    // Each office decides 2 or 3 cases, 3 with probability 0.5.
    CHECK(m.total(m_transfer_cases) == Approx(institutes * 2.5).margin(4 * sd_binomial(institutes, 0.5)));
    CHECK(st.transfer_queue.size() == institutes * each - static_cast<std::size_t>(m.total(m_transfer_cases)));
  }
  SECTION("zero capacity decides nothing") {
    Office o;
    o.capacity = 0.0;
    State st = queued_world(c, 50, o);
    const auto queue = st.transfer_queue;
    MonthMetrics m(1, 1);
    transfer(c, st, m);
    CHECK(m.total(m_transfer_cases) == 0);
    CHECK(st.transfer_queue == queue);
    CHECK(m.at(m_transfer_conversion) == 0.0);
  }
}

TEST_CASE("a licence moves the fee from buyer to institute, less the inventor's share", "[transfer]") {
  Scenario s = test::tiny_scenario();
  s.chain.transfer.spinoff_probability = 0.0;    // licences only
  s.chain.transfer.licence_reserve_share = 0.0;  // any buyer will do
  const Context c(s, RunKey{16, 0});
  const auto& p = s.chain.transfer;
  Office o;
  o.inventor_share = 0.25;
  o.screening_care = 0.0;  // screening never refuses
  SECTION("one case, one buyer: the fee is the fee share of its valuation") {
    State st = queued_world(c, 1, o, 1, 1.0);
    st.enterprises.absorptive_capacity[0] = 0.5;
    st.enterprises.cash_yuan[0] = 1e7;
    st.institutes.cash_yuan[0] = 3e5;
    const double before = money_stock(st);
    MonthMetrics m(1, 1);
    transfer(c, st, m);
    const double valuation = p.transfer_value_yuan_median * 1.0 * 0.5;  // quality x absorptive x proximity x friction
    const double fee = p.licence_fee_share * valuation;
    REQUIRE(fee == Approx(8e5));
    CHECK(m.total(m_transfers_licence) == 1);
    CHECK(st.enterprises.cash_yuan[0] == Approx(1e7 - fee));
    CHECK(st.institutes.cash_yuan[0] == Approx(3e5 + fee * 0.75));
    CHECK(st.ledger.month[lf_inventor_income] == Approx(fee * 0.25));
    CHECK(m.total(m_licence_fees) == Approx(fee));
    CHECK(m.total(m_transfer_contract_value) == Approx(fee));
    CHECK(m.at(m_transfer_income, 0) == Approx(fee));
    CHECK(money_stock(st) == Approx(before - fee * 0.25));
    // The project now belongs to the buyer, starting PROOF_OF_CONCEPT afresh.
    CHECK(st.projects.holder_kind[0] == HolderKind::enterprise);
    CHECK(st.projects.holder[0] == 0);
    CHECK(st.projects.stage[0] == Stage::proof_of_concept);
    CHECK(st.projects.status[0] == ProjectStatus::active);
    CHECK(st.projects.progress[0] == 0);
    CHECK(st.projects.months_in_stage[0] == 0);
    CHECK(st.projects.active == std::vector<std::int32_t>{0});
    CHECK(st.transfer_queue.empty());
  }
  SECTION("a buyer that cannot pay the fee is passed over; with none, the case is shelved") {
    State st = queued_world(c, 200, o, 2, 1.0);
    st.enterprises.cash_yuan[0] = 1.0;  // values projects most (absorptive 1) but is broke
    st.enterprises.absorptive_capacity[1] = 0.5;
    const double cash1 = st.enterprises.cash_yuan[1];
    MonthMetrics m(1, 1);
    transfer(c, st, m);
    CHECK(m.total(m_transfers_licence) + m.total(m_shelved_no_buyer) == 200);
    CHECK(m.total(m_transfers_licence) > 150);  // firm 1 is among the 5 candidates unless all 5 draws are firm 0
    for (int id = 0; id < 200; ++id)
      if (st.projects.holder_kind[id] == HolderKind::enterprise) CHECK(st.projects.holder[id] == 1);
    CHECK(st.enterprises.cash_yuan[0] == 1.0);
    const double fees = m.total(m_licence_fees);
    CHECK(fees == Approx(m.total(m_transfers_licence) * p.licence_fee_share * p.transfer_value_yuan_median * 0.5));
    CHECK(cash1 - st.enterprises.cash_yuan[1] == Approx(fees));
    CHECK(st.institutes.cash_yuan[0] == Approx(fees * 0.75));
    CHECK(st.ledger.month[lf_inventor_income] == Approx(fees * 0.25));
    // Without any buyer that can pay, everything approved is shelved 'no buyer'.
    State none = queued_world(c, 50, o, 2, 1.0);
    none.enterprises.cash_yuan[0] = none.enterprises.cash_yuan[1] = 0.0;
    MonthMetrics mn(1, 1);
    transfer(c, none, mn);
    CHECK(mn.total(m_shelved_no_buyer) == 50);
    CHECK(mn.total(m_licence_fees) == 0.0);
    CHECK(none.projects.active.empty());
  }
  SECTION("the buyer values a project by quality, and prefers the better-absorbing firm") {
    State st = queued_world(c, 500, o, 2, 1.0);
    st.enterprises.absorptive_capacity[0] = 0.9;
    st.enterprises.absorptive_capacity[1] = 0.3;
    MonthMetrics m(1, 1);
    transfer(c, st, m);
    int to0 = 0;
    for (int id = 0; id < 500; ++id) to0 += st.projects.holder[id] == 0;
    // Firm 0 wins whenever it is among the 5 candidates: probability 1 - 0.5^5.
    CHECK(to0 == Approx(500 * (1 - std::pow(0.5, 5))).margin(4 * sd_binomial(500, 1 - std::pow(0.5, 5))));
  }
}

TEST_CASE("transferred projects rejoin the active list in ascending id order", "[transfer]") {
  const Scenario s = test::tiny_scenario();
  const Context c(s, RunKey{17, 0});
  Office o;
  o.skill = 0.6;
  const int n = 400;
  State st = queued_world(c, n, o);
  // Even ids are already active at firms; odd ids queue, in descending order.
  st.transfer_queue.clear();
  for (int id = 0; id < n; ++id) {
    if (id % 2 == 0) {
      st.projects.stage[id] = Stage::pilot;
      st.projects.status[id] = ProjectStatus::active;
      st.projects.holder_kind[id] = HolderKind::enterprise;
      st.projects.holder[id] = id % 10;
      st.projects.origin_institute[id] = -1;
      st.projects.active.push_back(id);
    }
  }
  for (int id = n - 1; id >= 0; id -= 2) st.transfer_queue.push_back(id);
  MonthMetrics m(1, 1);
  transfer(c, st, m);
  check_outcomes_add_up(m);
  REQUIRE(transfers(m) > 50);
  REQUIRE(transfers(m) < n / 2);
  const auto& active = st.projects.active;
  CHECK(std::adjacent_find(active.begin(), active.end(), std::greater_equal<>()) ==
        active.end());  // strictly ascending
  std::vector<std::int32_t> expected;
  for (int id = 0; id < n; ++id) {
    if (id % 2 == 0) {
      CHECK(st.projects.stage[id] == Stage::pilot);  // untouched
      expected.push_back(id);
    } else if (st.projects.holder_kind[id] == HolderKind::enterprise) {
      CHECK(st.projects.stage[id] == Stage::proof_of_concept);
      CHECK(st.projects.status[id] == ProjectStatus::active);
      CHECK(st.projects.holder[id] >= 0);
      CHECK(static_cast<std::size_t>(st.projects.holder[id]) < st.enterprises.size());
      expected.push_back(id);
    } else {
      CHECK(st.projects.status[id] == ProjectStatus::shelved);
      CHECK(st.projects.stage[id] == Stage::breakthrough);
    }
  }
  CHECK(active == expected);
  CHECK(active.size() == n / 2 + static_cast<std::size_t>(transfers(m)));
  CHECK(st.transfer_queue.empty());
}

TEST_CASE("transfer decisions are deterministic", "[transfer]") {
  const Scenario s = test::tiny_scenario();
  const Context c(s, RunKey{18, 3});
  Office o;
  o.skill = 0.7;
  o.sanction_probability = 0.4;
  State a = queued_world(c, 300, o), b = queued_world(c, 300, o);
  MonthMetrics ma(1, 1), mb(1, 1);
  transfer(c, a, ma);
  transfer(c, b, mb);
  CHECK(a.projects.holder == b.projects.holder);
  CHECK(a.projects.active == b.projects.active);
  CHECK(test::same_bits(a.enterprises.cash_yuan, b.enterprises.cash_yuan));
  for (int k = 0; k < kMetricCount; ++k) CHECK(test::same_bits(ma.values(Metric(k)), mb.values(Metric(k))));
}
