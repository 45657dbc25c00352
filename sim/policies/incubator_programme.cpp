// incubator_programme (众创空间 / 孵化器, maker spaces and incubators): a network of
// incubators takes in young start-ups for a fixed tenure. While incubated, a firm pays only
// part of its fixed costs (subsidised space and services, from a finite budget), its team
// works with mentors (a higher effective skill in the progress rate), and investors read the
// admission as a signal of quality (a bonus on the signal they see). Places are filled each
// month from the eligible start-ups younger than `max_age_months`, by `allocation`; a firm is
// incubated once, leaves when its tenure ends, and earlier when it exits, is acquired or lists.
#include "policies/allowance.hpp"
#include "policies/eligible.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace innochain {

namespace {

class IncubatorProgramme final : public Instrument {
 public:
  IncubatorProgramme(const PolicyConfig& p, const Scenario& s)
      : Instrument(p),
        places_(std::llround(at_world_scale(s, p.value("places")))),
        budget_left_(at_world_scale(s, p.value("budget_yuan"))) {}

  void settle(const Context&, State& s, int index) override {
    const EnterpriseLevers& l = s.enterprises.levers;
    allowances_.settle(l.overhead_allowance_yuan, l.overhead_policy, index,
                       [&](std::int32_t, std::size_t, double used) { budget_left_ -= used; });
  }

  void act(const Context& c, State& s, const Eligibility& eligible, int index) override {
    Enterprises& en = s.enterprises;
    incubated_once_.resize(en.size(), 0);
    graduate(s);
    admit(c, s, eligible, index);
    // The members' levers; the space subsidy while the budget lasts, in id order.
    const double share = config().value("space_subsidy_share");
    const double overhead_per_staff = c.scenario.agents.enterprises.overhead_yuan_per_staff_month;
    double room = budget_left_;
    EnterpriseLevers& l = en.levers;
    for (const std::int32_t e : members_) {
      l.skill_multiplier[e] = config().value("mentoring_skill_multiplier");
      l.investor_signal_bonus[e] = config().value("investor_signal_bonus");
      const double grant = std::min(share * overhead_per_staff * en.rd_staff[e], room);
      if (grant <= 0.0) continue;
      l.overhead_subsidy_rate[e] = share;
      allowances_.grant(l.overhead_allowance_yuan, l.overhead_policy, static_cast<std::size_t>(e), grant, index);
      room -= grant;
    }
  }

  double budget_left() const override { return budget_left_; }

  void persist(StateIo& io) override {
    io.column("members", members_, ref(Ref::enterprise));
    io.column("admitted_month", admitted_month_);
    io.expect(admitted_month_.size() == members_.size(), "admitted_month must have a value per member");
    io.column("incubated_once", incubated_once_);
    io.scalar("budget_left", budget_left_);
    allowances_.persist(io, Ref::enterprise);
  }

 private:
  /// Members whose tenure ended, or who left the start-up stage (exited, acquired, listed), leave.
  void graduate(const State& s) {
    const Enterprises& en = s.enterprises;
    const auto tenure = static_cast<std::int32_t>(config().value("tenure_months"));
    std::size_t kept = 0;
    for (std::size_t k = 0; k < members_.size(); ++k) {
      const std::int32_t e = members_[k];
      if (!en.alive[e] || en.kind[e] != EnterpriseKind::startup || s.month - admitted_month_[k] >= tenure) continue;
      members_[kept] = e;
      admitted_month_[kept] = admitted_month_[k];
      ++kept;
    }
    members_.resize(kept);
    admitted_month_.resize(kept);
  }

  /// Free places go to eligible start-ups younger than max_age_months never incubated before:
  /// first come (the oldest applicants first, then by id), by lottery (a random order), or on
  /// merit (the incubator's screening: the best project pipeline first).
  void admit(const Context& c, const State& s, const Eligibility& eligible, int index) {
    const Enterprises& en = s.enterprises;
    const std::int64_t free = places_ - static_cast<std::int64_t>(members_.size());
    if (free <= 0) return;
    const auto max_age = static_cast<std::int32_t>(config().value("max_age_months"));
    std::vector<std::int32_t> applicants;
    for (std::size_t e = 0; e < en.size(); ++e)
      if (!incubated_once_[e] && en.kind[e] == EnterpriseKind::startup && en.age_months[e] < max_age &&
          enterprise_eligible(en, e, eligible))
        applicants.push_back(static_cast<std::int32_t>(e));
    const std::string& rule = config().choice("allocation");
    std::vector<double> key(en.size(), 0.0);
    for (const std::int32_t e : applicants) {
      if (rule == "first_come") key[e] = -static_cast<double>(en.age_months[e]);
      if (rule == "merit") key[e] = -en.pipeline_quality[e];
      if (rule == "lottery") key[e] = policy_rng(c, index, static_cast<std::uint32_t>(e), s.month).uniform();
    }
    std::stable_sort(applicants.begin(), applicants.end(),
                     [&](std::int32_t a, std::int32_t b) { return key[a] < key[b]; });
    applicants.resize(
        static_cast<std::size_t>(std::min<std::int64_t>(free, static_cast<std::int64_t>(applicants.size()))));
    std::sort(applicants.begin(), applicants.end());
    for (const std::int32_t e : applicants) {
      incubated_once_[e] = 1;
      members_.push_back(e);
      admitted_month_.push_back(s.month);
    }
    // Members in id order (the subsidy is granted in this order while the budget lasts).
    std::vector<std::size_t> order(members_.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return members_[a] < members_[b]; });
    std::vector<std::int32_t> members(order.size()), admitted(order.size());
    for (std::size_t k = 0; k < order.size(); ++k) {
      members[k] = members_[order[k]];
      admitted[k] = admitted_month_[order[k]];
    }
    members_.swap(members);
    admitted_month_.swap(admitted);
  }

  std::int64_t places_;                       ///< firms incubated at once, at the world's scale
  std::vector<std::int32_t> members_;         ///< incubated firms, ascending ids
  std::vector<std::int32_t> admitted_month_;  ///< per member
  std::vector<std::uint8_t> incubated_once_;  ///< per firm id: admitted at some point
  AllowanceBook allowances_;                  ///< this month's space subsidies
  double budget_left_;
};

InstrumentType describe() {
  return {
      "incubator_programme",
      "Incubators and maker spaces for young start-ups. Each month the programme fills its free `places` "
      "(province-wide, multiplied by world.scale) with eligible start-ups younger than `max_age_months` that were "
      "never incubated, by `allocation`; a firm stays `tenure_months`, or less if it exits, is acquired or lists. "
      "While incubated: the programme pays `space_subsidy_share` of the firm's fixed costs (overhead per R&D "
      "employee; subsidised space and services) from a finite `budget_yuan` that is never exceeded (allowances in "
      "firm-id order while the budget lasts; without budget the space subsidy stops, mentoring and certification "
      "go on); mentoring multiplies the team's effective skill in the progress rate by "
      "`mentoring_skill_multiplier`; investors see the admission as a certificate, a bonus of "
      "`investor_signal_bonus` log points on the quality signal they read. Units served: incubated firms whose "
      "space subsidy was paid that month.",
      "China's maker spaces and incubators (众创空间, 科技企业孵化器; Torch Centre statistics count several "
      "thousand in Guangdong), e.g. one platform network reporting about 4 600 incubated firms and 550 financing "
      "events. Evaluations of incubators and accelerators are mixed: incubated firms grow employment faster but "
      "do not always survive longer or earn more (Lukeš, Longo and Zouhar 2019, Technovation), and accelerators "
      "speed up both fund-raising and failure (Yu 2020, Management Science); no causal evaluation fixes this "
      "model's response, so the effect sizes are priors, to be used with a sensitivity sweep.",
      {Lever::overhead_subsidy_rate, Lever::overhead_allowance, Lever::skill_multiplier, Lever::investor_signal_bonus},
      {"startup"},
      {
          {"places", "firms", 0.0, 1e7, 4600.0,
           "Firms incubated at once, province-wide (multiplied by world.scale; one platform network: about 4 600)."},
          {"tenure_months", "months", 1.0, 240.0, 36.0,
           "Months a firm stays (incubators graduate firms within about three years)."},
          {"max_age_months", "months", 1.0, 240.0, 24.0, "Start-ups younger than this may be admitted."},
          {"space_subsidy_share", "share", 0.0, 1.0, 0.5,
           "Share of an incubated firm's fixed costs (overhead per R&D employee) the programme pays (prior)."},
          {"mentoring_skill_multiplier", "1", 1.0, 3.0, 1.1,
           "Multiplier on an incubated team's effective skill in the progress rate (prior)."},
          {"investor_signal_bonus", "log points", 0.0, 3.0, 0.2,
           "Added to the log-quality signal investors see of an incubated firm (prior)."},
          {"budget_yuan", "yuan", 0.0, 1e12, 1.0e9,
           "Budget for the space subsidy over the programme, province-wide (multiplied by world.scale) (prior)."},
      },
      {{"allocation",
        {"first_come", "lottery", "merit"},
        "merit",
        "first_come: the oldest applicants first; lottery: in random order; merit: the incubator screens, the best "
        "project pipeline first."}},
      [](const PolicyConfig& p, const Scenario& s) { return std::make_unique<IncubatorProgramme>(p, s); },
  };
}

}  // namespace

INNOCHAIN_REGISTER_INSTRUMENT(describe);

}  // namespace innochain
