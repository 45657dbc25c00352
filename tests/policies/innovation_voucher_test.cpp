// innovation_voucher: the voucher lottery as an in-silico randomized trial, against the
// Dutch innovation-voucher lottery of 2004 (of 10 vouchers about 8 additional projects,
// 1 deadweight, 1 unused; a one-off effect).
#include "support/policy_pair.hpp"

#include "core/ledger.hpp"
#include "policies/innovation_voucher.hpp"
#include "policies/policy.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

using namespace innochain;

namespace {

// The trial design of these tests: guangdong_small at 1/10 scale (about 6 600 eligible SMEs),
// half of them apply, 300 vouchers (3 000 x 0.1): about 300 winners and 3 000 losers per
// replication. The window opens at month 12 (a year of burn-in) and closes at month 23; with
// the default redemption_months of 6 every purchase is made by month 17.
constexpr double kScale = 0.1;
constexpr int kStart = 12, kEnd = 23;
constexpr double kVouchers = 3000.0, kValue = 5.0e4;
const std::string kPolicy = R"(  - type: innovation_voucher
    name: lottery
    start_month: 12
    end_month: 23
    vouchers: 3000
    application_rate: 0.5
    value_yuan: 5.0e4)";

Scenario trial_scenario(int months, double scale = kScale, const std::string& policy = kPolicy) {
  return load_scenario_text(
      std::string("extends: ") + INNOCHAIN_SOURCE_DIR + "/scenarios/guangdong_small.yaml\npolicies:\n" + policy + "\n",
      "<voucher trial>", ".", {fmt::format("horizon_months={}", months), fmt::format("world.scale={}", scale)});
}

struct Replication {
  VoucherTrial trial;
  double spending = 0.0, units = 0.0, spending_after_window = 0.0, deals = 0.0;
  // Institute projects (contract research and licences) that winners / losers acquired
  // through the ordinary markets after the window closed.
  double winners_later = 0.0, losers_later = 0.0;
  std::int32_t last_purchase_month = -1;  ///< latest month a project of the instance was created
};

Replication run_trial(const Scenario& s, int rep) {
  Simulation sim(s, RunKey{static_cast<std::uint64_t>(s.seed), static_cast<std::uint32_t>(rep)});
  Replication r;
  std::vector<std::uint8_t> seen, arm;  // arm per firm id: 0 none, 1 winner, 2 loser
  for (int month = 0; month < s.horizon_months; ++month) {
    sim.step();
    const State& st = sim.state();
    const double paid = sim.metrics().at(m_policy_spending, 0);
    r.spending += paid;
    r.units += sim.metrics().at(m_policy_units_served, 0);
    if (month > kEnd) r.spending_after_window += paid;
    for (const double d : sim.metrics().values(m_contract_research_deals)) r.deals += d;
    if (month == kStart) {
      arm.assign(st.enterprises.size(), 0);
      const VoucherTrial t = trial_outcome(st, 0);
      for (const std::int32_t e : t.winners) arm[static_cast<std::size_t>(e)] = 1;
      for (const std::int32_t e : t.losers) arm[static_cast<std::size_t>(e)] = 2;
    }
    // Every institute project newly held by an enterprise; counted per arm after the window.
    const Projects& pr = st.projects;
    seen.resize(pr.size(), 0);
    for (std::size_t id = 0; id < pr.size(); ++id) {
      if (seen[id] || pr.holder_kind[id] != HolderKind::enterprise || pr.origin_institute[id] < 0) continue;
      seen[id] = 1;
      const auto e = static_cast<std::size_t>(pr.holder[id]);
      if (month <= kEnd || e >= arm.size()) continue;
      if (arm[e] == 1) r.winners_later += 1.0;
      if (arm[e] == 2) r.losers_later += 1.0;
    }
  }
  r.trial = trial_outcome(sim.state(), 0);
  for (const std::int32_t id : r.trial.projects)
    r.last_purchase_month =
        std::max(r.last_purchase_month, sim.state().projects.created_month[static_cast<std::size_t>(id)]);
  return r;
}

double mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double variance(const std::vector<double>& v) {
  const double m = mean(v);
  double ss = 0.0;
  for (const double x : v) ss += (x - m) * (x - m);
  return ss / static_cast<double>(v.size() - 1);
}

/// Welch's z of the difference in means of two samples.
double welch_z(const std::vector<double>& a, const std::vector<double>& b) {
  return (mean(a) - mean(b)) /
         std::sqrt(variance(a) / static_cast<double>(a.size()) + variance(b) / static_cast<double>(b.size()));
}

}  // namespace

TEST_CASE("the voucher lottery reproduces the Dutch trial: per 10 vouchers about 8 additional, 1 deadweight, 1 unused",
          "[policies]") {
  // With the Dutch defaults (redemption 0.9, purchase without a voucher 0.1) the expected
  // figures per voucher are additionality 0.9 + 0.1 x 0.1 - 0.1 = 0.81, deadweight 0.09 and
  // non-use 0.10, less what exits and cash shortfalls take away. With about 300 winners and
  // 3 000 losers, one replication's additionality has a standard error of about
  // sqrt(0.91 x 0.09 / 300 + 0.1 x 0.9 / 3000) = 0.017 (0.17 per 10 vouchers); deadweight and
  // non-use about the same. Each replication must lie within 1 per 10 of the Dutch figure
  // (about 6 standard errors), and the mean of 8 replications (standard error about 0.06
  // per 10) within 0.5 per 10, which leaves room for the model's frictions.
  const Scenario s = trial_scenario(kEnd + 1);
  const int reps = 8;
  std::vector<double> add, dead, dead_true, unused;
  for (int rep = 0; rep < reps; ++rep) {
    const Replication r = run_trial(s, rep);
    const VoucherTrial& t = r.trial;
    INFO(fmt::format(
        "replication {}: {} eligible, {} winners, {} losers; voucher projects {} (deadweight {}), winners' own "
        "{}, losers' own {}, unused {}; spending {:.0f}",
        rep, t.eligible, t.winners.size(), t.losers.size(), t.voucher_projects, t.deadweight_projects,
        t.winners_own_projects, t.losers_own_projects, t.unused_vouchers, r.spending));
    CHECK(t.allocation_month == kStart);
    CHECK(t.vouchers == 300);
    CHECK(t.winners.size() == 300u);
    CHECK(t.losers.size() > 2000u);
    CHECK(t.pending == 0);
    CHECK(t.voucher_projects + t.unused_vouchers == 300);
    CHECK(t.voucher_projects + t.winners_own_projects + t.losers_own_projects ==
          static_cast<std::int32_t>(t.projects.size()));
    // Spending: at most one voucher value per winner, and it is what the run file records.
    CHECK(r.spending == Approx(t.spending_yuan).epsilon(1e-9));
    CHECK(r.spending <= kVouchers * kScale * kValue * (1.0 + 1e-12));
    CHECK(r.spending > 0.0);
    CHECK(r.units == t.voucher_projects);
    CHECK(std::abs(10.0 * t.additionality() - 8.0) <= 1.0);
    CHECK(std::abs(10.0 * t.deadweight() - 1.0) <= 1.0);
    CHECK(std::abs(10.0 * t.non_use() - 1.0) <= 1.0);
    add.push_back(t.additionality());
    dead.push_back(t.deadweight());
    dead_true.push_back(t.deadweight_true());
    unused.push_back(t.non_use());
  }
  INFO(fmt::format("per 10 vouchers: additional {:.2f}, deadweight {:.2f} (in-silico truth {:.2f}), unused {:.2f}",
                   10 * mean(add), 10 * mean(dead), 10 * mean(dead_true), 10 * mean(unused)));
  CHECK(std::abs(10.0 * mean(add) - 8.0) <= 0.5);
  CHECK(std::abs(10.0 * mean(dead) - 1.0) <= 0.5);
  CHECK(std::abs(10.0 * mean(unused) - 1.0) <= 0.5);
  // The trial recovers the deadweight the model knows (its estimate and the truth differ by
  // sampling noise only: about 0.007 per voucher for the mean of 8 replications).
  CHECK(std::abs(mean(dead) - mean(dead_true)) <= 0.03);
}

TEST_CASE("the voucher lottery is balanced: winners and losers do not differ before the draw", "[policies]") {
  // Revenue at allocation, per replication and pooled: a fair lottery leaves the difference in
  // means within sampling noise (|z| < 4 per replication, |z| < 3 for the pooled difference).
  const Scenario s = trial_scenario(kStart + 1);
  std::vector<double> winners, losers;
  for (int rep = 0; rep < 6; ++rep) {
    const Replication r = run_trial(s, rep);
    const VoucherTrial& t = r.trial;
    REQUIRE(t.winners_revenue.size() == t.winners.size());
    REQUIRE(t.losers_revenue.size() == t.losers.size());
    const double z = welch_z(t.winners_revenue, t.losers_revenue);
    INFO(fmt::format("replication {}: winners' mean revenue {:.0f}, losers' {:.0f}, z = {:.2f}", rep,
                     mean(t.winners_revenue), mean(t.losers_revenue), z));
    CHECK(std::abs(z) < 4.0);
    winners.insert(winners.end(), t.winners_revenue.begin(), t.winners_revenue.end());
    losers.insert(losers.end(), t.losers_revenue.begin(), t.losers_revenue.end());
  }
  const double z = welch_z(winners, losers);
  INFO(fmt::format("pooled: winners {:.0f}, losers {:.0f}, z = {:.2f}", mean(winners), mean(losers), z));
  CHECK(std::abs(z) < 3.0);
}

TEST_CASE("innovation vouchers create contract research against the baseline, within the voucher budget",
          "[policies]") {
  const double scale = 0.05;
  const auto r = test::run_pair(kPolicy, 36, 4, scale);
  const double deals = test::mean_difference(r, m_contract_research_deals);
  const double value = test::mean_difference(r, m_contract_research_value);
  const double income = test::mean_difference(r, m_transfer_income);
  INFO("contract-research deals: difference " << deals << "; value " << value << "; transfer income " << income);
  // 150 vouchers, about 135 redeemed, plus the applicants' own purchases. The value of all contract
  // research and institutes' total transfer income are not checked: at the calibrated contract value
  // one regular contract (tens of millions of yuan) is worth more than all the vouchers, so their
  // differences are replication noise; the deals themselves are counted.
  CHECK(deals > 100.0);
  for (std::size_t k = 0; k < r.policy.size(); ++k) {
    INFO("replication " << k);
    CHECK(r.policy[k][m_policy_spending] > 0.0);
    CHECK(r.policy[k][m_policy_spending] <= kVouchers * scale * kValue * (1.0 + 1e-12));
    CHECK(r.baseline[k][m_policy_spending] == 0.0);
  }
  CHECK(r.budget_left >= 0.0);
}

TEST_CASE("the voucher effect is one-off: after the window winners acquire no more institute projects than losers",
          "[policies]") {
  // Four years after the window closes, winners and losers acquire institute projects through
  // the ordinary contract-research and licence markets at the same rate: the model has no
  // learning channel by which a voucher project leads to repeat purchases. Counts are about
  // Poisson; winners' rate may exceed losers' by at most 3 standard errors of the difference.
  const Scenario s = trial_scenario(kEnd + 1 + 48);
  double winners_later = 0.0, losers_later = 0.0, winners = 0.0, losers = 0.0;
  for (int rep = 0; rep < 6; ++rep) {
    const Replication r = run_trial(s, rep);
    CHECK(r.spending_after_window == 0.0);
    CHECK(r.last_purchase_month >= kStart);
    CHECK(r.last_purchase_month <= kEnd);
    winners_later += r.winners_later;
    losers_later += r.losers_later;
    winners += static_cast<double>(r.trial.winners.size());
    losers += static_cast<double>(r.trial.losers.size());
  }
  const double w_rate = winners_later / winners, l_rate = losers_later / losers;
  const double se =
      std::sqrt(std::max(winners_later, 1.0) / (winners * winners) + std::max(losers_later, 1.0) / (losers * losers));
  INFO(fmt::format(
      "institute projects acquired after the window per firm: winners {:.4f} ({} projects), losers {:.4f} ({} "
      "projects), standard error of the difference {:.4f}",
      w_rate, winners_later, l_rate, losers_later, se));
  CHECK(losers_later > 0.0);
  CHECK(w_rate <= l_rate + 3.0 * se);
}

TEST_CASE("voucher purchases are made by the window's last month, and the money ledger balances", "[policies]") {
  // A one-month window with a year to redeem: every purchase falls due at once.
  const Scenario s = trial_scenario(24, 0.05,
                                    "  - {type: innovation_voucher, name: short, start_month: 12, end_month: 12, "
                                    "vouchers: 2000, redemption_months: 12}");
  Simulation sim(s, RunKey{static_cast<std::uint64_t>(s.seed), 0});
  for (int month = 0; month < 24; ++month) {
    // Voucher money enters as policy spending; the firms' shares move inside the economy.
    const double before = money_stock(sim.state());
    sim.step();
    const State& st = sim.state();
    const double net = st.ledger.sources() - st.ledger.sinks();
    INFO("month " << month);
    REQUIRE(std::abs((money_stock(st) - before) - net) <=
            1e-9 * (std::abs(before) + st.ledger.sources() + st.ledger.sinks()));
    CHECK((month == 12) == (sim.metrics().at(m_policy_spending, 0) > 0.0));
  }
  const VoucherTrial t = trial_outcome(sim.state(), 0);
  CHECK(t.vouchers == 100);
  CHECK(t.pending == 0);
  CHECK(t.voucher_projects > 0);
  for (const std::int32_t id : t.projects)
    CHECK(sim.state().projects.created_month[static_cast<std::size_t>(id)] == 12);
  // Default eligibility is SMEs only: every applicant is one.
  for (const std::int32_t e : t.winners)
    CHECK(sim.state().enterprises.kind[static_cast<std::size_t>(e)] == EnterpriseKind::sme);
  CHECK_THROWS_AS(trial_outcome(sim.state(), 1), std::invalid_argument);
}

TEST_CASE("Dutch innovation-voucher lottery: the validation table of docs/validation.md", "[.validation]") {
  // Reproduce with: build/tests/innochain_tests "[validation]" (hidden from default runs).
  // The scenario scenarios/policies/innovation_voucher_lottery.yaml at 1/10 scale, run to the
  // end of its purchases, over 25 replications.
  const int reps = 25;
  const Scenario s =
      load_scenario_file(std::string(INNOCHAIN_SOURCE_DIR) + "/scenarios/policies/innovation_voucher_lottery.yaml",
                         {"world.scale=0.1", "horizon_months=24"});
  std::vector<double> add, dead, dead_true, unused, winners, losers;
  for (int rep = 0; rep < reps; ++rep) {
    Simulation sim(s, RunKey{static_cast<std::uint64_t>(s.seed), static_cast<std::uint32_t>(rep)});
    for (int month = 0; month < s.horizon_months; ++month) sim.step();
    const VoucherTrial t = trial_outcome(sim.state(), 0);
    REQUIRE(t.pending == 0);
    add.push_back(10.0 * t.additionality());
    dead.push_back(10.0 * t.deadweight());
    dead_true.push_back(10.0 * t.deadweight_true());
    unused.push_back(10.0 * t.non_use());
    winners.push_back(static_cast<double>(t.winners.size()));
    losers.push_back(static_cast<double>(t.losers.size()));
  }
  // Mean with the 95 % confidence interval of the mean (t with 24 degrees of freedom), and the
  // central 95 % of single replications (2.5th to 97.5th percentile, interpolated).
  const auto row = [&](const char* what, std::vector<double> v, const char* dutch) {
    const double m = mean(v), half = 2.064 * std::sqrt(variance(v) / static_cast<double>(v.size()));
    std::sort(v.begin(), v.end());
    const auto pct = [&](double p) {
      const double x = p * static_cast<double>(v.size() - 1);
      const auto lo = static_cast<std::size_t>(std::floor(x));
      const std::size_t hi = std::min(lo + 1, v.size() - 1);
      return v[lo] + (x - static_cast<double>(lo)) * (v[hi] - v[lo]);
    };
    return fmt::format("| {} | {} | {:.2f} | [{:.2f}, {:.2f}] | [{:.2f}, {:.2f}] |\n", what, dutch, m, m - half,
                       m + half, pct(0.025), pct(0.975));
  };
  std::string table = fmt::format("{} replications, {:.0f} winners and {:.0f} losers per replication on average\n\n",
                                  reps, mean(winners), mean(losers));
  table += "| per 10 vouchers | Dutch lottery 2004 | model mean | 95 % CI of the mean | 95 % of replications |\n";
  table += "|---|---|---|---|---|\n";
  table += row("additional projects (winners' minus losers' share with a project)", add, "about 8");
  table += row("deadweight (vouchers used minus additional projects)", dead, "about 1");
  table += row("unused vouchers", unused, "about 1");
  table += row("deadweight, in-silico truth (used on a project bought anyway)", dead_true, "—");
  fmt::print("\n{}\n", table);
  CHECK(std::abs(mean(add) - 8.0) <= 0.5);
  CHECK(std::abs(mean(dead) - 1.0) <= 0.5);
  CHECK(std::abs(mean(unused) - 1.0) <= 0.5);
}
