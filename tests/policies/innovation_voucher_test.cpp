// innovation_voucher: the voucher lottery as an in-silico randomized trial of firms that choose
// to apply, redeem or buy on their own, beside the Dutch innovation-voucher lottery of 2004 (of
// 10 vouchers about 8 additional projects, 1 deadweight, 1 unused; a one-off effect).
#include "support/policy_pair.hpp"
#include "support/tiny_world.hpp"

#include "core/ledger.hpp"
#include "policies/innovation_voucher.hpp"
#include "policies/policy.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

using namespace innochain;

namespace {

// The trial design of these tests: guangdong_small at 1/10 scale (about 6 600 eligible SMEs),
// half of them hear of the programme and most of those apply, 300 vouchers (3 000 x 0.1):
// 300 winners and a few thousand losers per replication. The window opens at month 12 (a year of burn-in) and closes at
// month 23; with the default redemption_months of 6 every purchase is made by month 17.
constexpr double kScale = 0.1;
constexpr int kStart = 12, kEnd = 23;
constexpr double kVouchers = 3000.0, kValue = 5.0e4;
const std::string kPolicy = R"(  - type: innovation_voucher
    name: lottery
    start_month: 12
    end_month: 23
    vouchers: 3000
    awareness_rate: 0.5
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

TEST_CASE("the voucher trial's shares come from firms' choices, and the Dutch estimator recovers the true deadweight",
          "[policies]") {
  // No parameter is one of the trial's shares: firms apply, redeem and buy on their own by the
  // same value-and-cash rule. The accounting must close (every voucher used or unused, every
  // project counted once), spending is at most a voucher's value per winner, and the trial's
  // estimate of deadweight (vouchers used minus additional projects) recovers the deadweight the
  // model knows: a winner who would have bought anyway always redeems (the voucher only lowers
  // the price), so the losers' purchase rate estimates it. With a few hundred winners per
  // replication the mean of 8 replications has a standard error of about 0.01 per voucher.
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
    CHECK(t.winners.size() == 300u);  // more firms apply than there are vouchers
    CHECK(t.losers.size() > 300u);
    CHECK(t.pending == 0);
    CHECK(t.voucher_projects + t.unused_vouchers == 300);
    CHECK(t.winners_own_projects == 0);  // a winner that would buy anyway uses its voucher
    CHECK(t.voucher_projects + t.winners_own_projects + t.losers_own_projects ==
          static_cast<std::int32_t>(t.projects.size()));
    CHECK(r.spending == Approx(t.spending_yuan).epsilon(1e-9));
    CHECK(r.spending <= kVouchers * kScale * kValue * (1.0 + 1e-12));
    CHECK(r.spending > 0.0);
    CHECK(r.units == t.voucher_projects);
    CHECK(t.additionality() > 0.0);
    CHECK(t.non_use() > 0.0);
    add.push_back(t.additionality());
    dead.push_back(t.deadweight());
    dead_true.push_back(t.deadweight_true());
    unused.push_back(t.non_use());
  }
  INFO(fmt::format("per 10 vouchers: additional {:.2f}, deadweight {:.2f} (in-silico truth {:.2f}), unused {:.2f}",
                   10 * mean(add), 10 * mean(dead), 10 * mean(dead_true), 10 * mean(unused)));
  CHECK(std::abs(mean(dead) - mean(dead_true)) <= 0.04);
  CHECK(mean(add) + mean(dead) + mean(unused) == Approx(1.0));
}

TEST_CASE("a richer firm is more likely to have bought the service anyway", "[policies]") {
  // A tiny world: one institute, SMEs alike in everything but cash, all of which hear of the
  // programme and know a provider of their own (absorptive capacity 1). Poor firms have the
  // cash for their share of the price net of a voucher but not for the whole price; rich
  // firms have plenty. Without a voucher only rich firms can buy, so their would-have-bought
  // share (and their losers' purchases) is positive and the poor firms' is zero, while the
  // voucher makes purchases of both possible.
  Scenario s = test::tiny_scenario();
  const Context c(s, RunKey{61, 0});
  const int n = 2000;
  State st;
  st.institutes.resize(1, c.fields);
  st.institutes.field_weight[0] = 1.0;
  st.institutes.knowledge[0] = 0.0;  // expected quality 1: price = project_value_yuan
  st.enterprises.resize(n);
  for (int e = 0; e < n; ++e) {
    st.enterprises.kind[e] = EnterpriseKind::sme;
    st.enterprises.alive[e] = 1;
    st.enterprises.absorptive_capacity[e] = 1.0;
    st.enterprises.cash_yuan[e] = e % 2 == 0 ? 1e7 : 4.0e4;  // rich : poor (price 6e4, voucher 5e4)
  }
  st.policy_spending.assign(1, 0.0);
  st.policy_units.assign(1, 0.0);
  const InstrumentType* type = find_instrument_type("innovation_voucher");
  REQUIRE(type != nullptr);
  PolicyConfig p;
  p.type = "innovation_voucher";
  p.name = "tiny";
  for (const InstrumentParam& q : type->params) p.values.emplace_back(q.key, q.default_value);
  for (auto& [k, v] : p.values) {
    if (k == "awareness_rate") v = 1.0;
    if (k == "vouchers") v = n / 2.0;
    if (k == "project_value_yuan") v = 6.0e4;
  }
  auto instance = type->make(p, s);
  const Eligibility eligible = resolve_eligibility(s, p);
  for (int month = 0; month < 8; ++month) {
    st.month = month;
    instance->act(c, st, eligible, 0);
  }
  const VoucherTrial t = trial_outcome(*instance);
  REQUIRE(t.pending == 0);
  double rich_would = 0, poor_would = 0, rich_w = 0, poor_w = 0, rich_l = 0, poor_l = 0, rich_lb = 0, poor_lb = 0;
  for (std::size_t k = 0; k < t.winners.size(); ++k) {
    const bool rich = t.winners[k] % 2 == 0;
    (rich ? rich_w : poor_w) += 1;
    (rich ? rich_would : poor_would) += t.winners_would_buy[k];
  }
  for (std::size_t k = 0; k < t.losers.size(); ++k) {
    const bool rich = t.losers[k] % 2 == 0;
    (rich ? rich_l : poor_l) += 1;
    (rich ? rich_lb : poor_lb) += t.losers_bought[k];
  }
  INFO("winners who would have bought anyway: rich " << rich_would << " of " << rich_w << ", poor " << poor_would
                                                     << " of " << poor_w << "; losers who bought: rich " << rich_lb
                                                     << " of " << rich_l << ", poor " << poor_lb << " of " << poor_l);
  REQUIRE(rich_w > 100);
  REQUIRE(poor_w > 100);
  CHECK(rich_would / rich_w > 0.2);
  CHECK(poor_would == 0);
  CHECK(rich_lb / rich_l > 0.2);
  CHECK(poor_lb == 0);
  CHECK(t.voucher_projects > 0);
  // Poor winners did use vouchers: the voucher made their purchase possible (additional).
  double poor_used = 0;
  for (std::size_t k = 0; k < t.winners.size(); ++k)
    if (t.winners[k] % 2 == 1) poor_used += t.winners_bought[k];
  CHECK(poor_used > 0);
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

namespace {

/// The trial of the lottery scenario at 1/10 scale over `reps` replications, with --set overrides.
struct TrialRuns {
  std::vector<VoucherTrial> trials;
};

TrialRuns lottery_runs(int reps, std::vector<std::string> sets) {
  sets.push_back("world.scale=0.1");
  sets.push_back("horizon_months=24");
  const Scenario s = load_scenario_file(
      std::string(INNOCHAIN_SOURCE_DIR) + "/scenarios/policies/innovation_voucher_lottery.yaml", sets);
  TrialRuns r;
  for (int rep = 0; rep < reps; ++rep) {
    Simulation sim(s, RunKey{static_cast<std::uint64_t>(s.seed), static_cast<std::uint32_t>(rep)});
    for (int month = 0; month < s.horizon_months; ++month) sim.step();
    r.trials.push_back(trial_outcome(sim.state(), 0));
    REQUIRE(r.trials.back().pending == 0);
  }
  return r;
}

/// Mean over replications of 10 x each share, with the 95 % CI of the mean (t, 24 degrees of freedom).
std::string shares_row(const std::string& what, const TrialRuns& r) {
  std::vector<double> add, dead, unused, truth, winners, losers;
  for (const VoucherTrial& t : r.trials) {
    add.push_back(10.0 * t.additionality());
    dead.push_back(10.0 * t.deadweight());
    unused.push_back(10.0 * t.non_use());
    truth.push_back(10.0 * t.deadweight_true());
    winners.push_back(static_cast<double>(t.winners.size()));
    losers.push_back(static_cast<double>(t.losers.size()));
  }
  const auto cell = [](const std::vector<double>& v) {
    const double m = mean(v), half = 2.064 * std::sqrt(variance(v) / static_cast<double>(v.size()));
    return fmt::format("{:.2f} [{:.2f}, {:.2f}]", m, m - half, m + half);
  };
  return fmt::format("| {} | {} | {} | {} | {} | {:.0f} / {:.0f} |\n", what, cell(add), cell(dead), cell(unused),
                     cell(truth), mean(winners), mean(losers));
}

}  // namespace

TEST_CASE("Dutch innovation-voucher lottery: the validation tables of docs/validation.md", "[.validation]") {
  // Reproduce with: build/tests/innochain_tests "[validation]" (hidden from default runs).
  // The scenario scenarios/policies/innovation_voucher_lottery.yaml at 1/10 scale, run to the
  // end of its purchases, over 25 replications, and its responses to the voucher's value, the
  // project's price and firms' cash.
  const int reps = 25;
  const TrialRuns base = lottery_runs(reps, {});
  std::vector<double> add, dead, dead_true, unused, winners, losers;
  for (const VoucherTrial& t : base.trials) {
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
  CHECK(std::abs(mean(dead) - mean(dead_true)) <= 0.3);  // the estimator recovers the truth (per 10)

  // Responses: the voucher's value, the project's price, and firms' cash (the SMEs' cash cap in
  // months of revenue: dividends keep their cash at or below it).
  const std::string p = "policies.voucher_lottery.";
  std::string response =
      "| scenario | additional | deadweight | unused | deadweight, truth | winners / losers "
      "|\n|---|---|---|---|---|---|\n";
  response += shares_row("as above (voucher 50 000, price 50 000 x quality, cash cap 6 months)", base);
  for (const auto& [what, set] : std::vector<std::pair<std::string, std::string>>{
           {"voucher value x 0.5 (25 000)", p + "value_yuan=25000"},
           {"voucher value x 1.5 (75 000)", p + "value_yuan=75000"},
           {"project price x 0.5", p + "project_value_yuan=25000"},
           {"project price x 1.5", p + "project_value_yuan=75000"},
           {"firms' cash cap 3.5 months", "agents.enterprises.cash_cap_months=3.5"},
           {"firms' cash cap 12 months", "agents.enterprises.cash_cap_months=12"},
       })
    response += shares_row(what, lottery_runs(reps, {set}));
  // Within the base trial: applicants by their free cash at the lottery (terciles per replication).
  std::array<std::array<double, 5>, 3> by_cash{};  // winners, winners with a project, unused, losers, losers with one
  for (const VoucherTrial& t : base.trials) {
    std::vector<double> all = t.winners_free_cash;
    all.insert(all.end(), t.losers_free_cash.begin(), t.losers_free_cash.end());
    std::sort(all.begin(), all.end());
    const double cut1 = all[all.size() / 3], cut2 = all[2 * all.size() / 3];
    const auto tercile = [&](double x) { return x < cut1 ? 0 : x < cut2 ? 1 : 2; };
    for (std::size_t k = 0; k < t.winners.size(); ++k) {
      auto& b = by_cash[tercile(t.winners_free_cash[k])];
      b[0] += 1;
      b[1] += t.winners_bought[k];
    }
    for (std::size_t k = 0; k < t.losers.size(); ++k) {
      auto& b = by_cash[tercile(t.losers_free_cash[k])];
      b[3] += 1;
      b[4] += t.losers_bought[k];
    }
  }
  std::string cash =
      "| applicants' free cash at the lottery | additional | deadweight (losers' purchase rate) | unused |\n"
      "|---|---|---|---|\n";
  const char* names[] = {"lowest third", "middle third", "highest third"};
  for (int k = 0; k < 3; ++k) {
    const auto& b = by_cash[k];
    const double winners_share = b[1] / b[0], losers_share = b[4] / b[3];
    cash += fmt::format("| {} | {:.2f} | {:.2f} | {:.2f} |\n", names[k], 10 * (winners_share - losers_share),
                        10 * losers_share, 10 * (1 - winners_share));
  }
  fmt::print("\n{}\n{}\n", response, cash);
}
