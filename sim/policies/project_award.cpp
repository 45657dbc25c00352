// project_award (a Phase-I-like project award): a competitive, fixed-sum award for a start-up's
// current project. In each award round the agency ranks the eligible applicants — start-ups with
// an active project, without a product (or, with `applicants: before_round`, also without a
// venture round) that never held an award — by its assessment of their best project (expert
// review: log quality plus noise; lottery: a random order) and gives `award_yuan` to the first
// `awards_per_year` x world.scale / `rounds_per_year` of them (fractions carried to the next
// round). The award is earmarked to R&D: from the month it is made it pays the whole cost of the
// firm's projects (rate 1 on the R&D subsidy levers, whatever the firm's own cash) until the sum
// is spent or `award_months` have passed (the rest lapses). With an expert review investors read
// the winners' assessment as a certificate (finance). Entry does not expect the award: a fixed
// number of competitive awards is not a rate a founder can count on (docs/model.md 3.3.0).
#include "policies/allowance.hpp"
#include "policies/eligible.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace innochain {

namespace {

class ProjectAward final : public Instrument {
 public:
  ProjectAward(const PolicyConfig& p, const Scenario& s)
      : Instrument(p), per_round_(at_world_scale(s, p.value("awards_per_year")) / p.value("rounds_per_year")) {}

  void settle(const Context&, State& s, int index) override {
    const EnterpriseLevers& l = s.enterprises.levers;
    allowances_.settle(l.rd_allowance_yuan, l.rd_policy, index,
                       [&](std::int32_t, std::size_t e, double used) { left_[e] = std::max(0.0, left_[e] - used); });
  }

  void act(const Context& c, State& s, const Eligibility& eligible, int index) override {
    Enterprises& en = s.enterprises;
    left_.resize(en.size(), 0.0);
    awarded_month_.resize(en.size(), -1);
    if (award_round(s.month)) select(c, s, eligible, index);
    // Every award still running pays the firm's R&D cost in full up to the sum left.
    const std::int64_t months = static_cast<std::int64_t>(config().value("award_months"));
    double pool = 0.0;
    for (std::size_t e = 0; e < en.size(); ++e) {
      if (awarded_month_[e] < 0) continue;
      if (!en.alive[e] || s.month - awarded_month_[e] >= months) left_[e] = 0.0;  // lapsed
      if (!(left_[e] > 0.0)) continue;
      en.levers.rd_subsidy_rate[e] = 1.0;
      allowances_.grant(en.levers.rd_allowance_yuan, en.levers.rd_policy, e, left_[e], index);
      pool += left_[e];
    }
    s.levers.subsidy_pool_yuan[index] = pool;
  }

  void persist(StateIo& io) override {
    io.scalar("quota", quota_);
    io.column("award_left", left_);
    io.column("awarded_month", awarded_month_);
    io.expect(left_.size() == awarded_month_.size(), "award_left and awarded_month must have one value per firm");
    allowances_.persist(io, Ref::enterprise);
    io.expect(allowances_.largest_slot() < static_cast<std::int64_t>(left_.size()),
              "an allowance was granted to a firm past award_left");
  }

 private:
  /// Rounds are evenly spaced from start_month: every 12 / rounds_per_year months (rounded down).
  bool award_round(std::int64_t month) const {
    const auto every = std::max<std::int64_t>(1, static_cast<std::int64_t>(12.0 / config().value("rounds_per_year")));
    return (month - config().start_month) % every == 0;
  }

  void select(const Context& c, State& s, const Eligibility& eligible, int index) {
    Enterprises& en = s.enterprises;
    const bool expert = config().choice("review") == "expert";
    const bool before_round = config().choice("applicants") == "before_round";
    const double noise = config().value("review_noise");
    std::vector<std::int32_t> applicants;
    std::vector<double> score(en.size(), 0.0);
    for (std::size_t e = 0; e < en.size(); ++e) {
      if (!enterprise_eligible(en, e, eligible) || en.kind[e] != EnterpriseKind::startup) continue;
      if (awarded_month_[e] >= 0 || en.pipeline_quality[e] <= 0.0 || en.venture_stage[e] >= 3) continue;
      if (before_round && en.rounds_raised[e] > 0) continue;
      Rng rng = policy_rng(c, index, static_cast<std::uint32_t>(e), s.month);
      score[e] = expert ? std::log(en.pipeline_quality[e]) + noise * rng.normal() : rng.uniform();
      applicants.push_back(static_cast<std::int32_t>(e));
    }
    quota_ += per_round_;
    const auto n = std::min(applicants.size(), static_cast<std::size_t>(std::floor(quota_)));
    quota_ -= static_cast<double>(n);
    // The best-ranked applicants (ties: lower id first, a total order for determinism).
    std::partial_sort(
        applicants.begin(), applicants.begin() + static_cast<std::ptrdiff_t>(n), applicants.end(),
        [&](std::int32_t a, std::int32_t b) { return score[a] > score[b] || (score[a] == score[b] && a < b); });
    for (std::size_t k = 0; k < n; ++k) {
      const auto e = static_cast<std::size_t>(applicants[k]);
      awarded_month_[e] = static_cast<std::int32_t>(s.month);
      left_[e] = config().value("award_yuan");
      if (expert) {  // investors read the agency's assessment of the winners
        en.levers.certificate_precision[e] = 1.0 / (noise * noise);
        en.levers.certificate_log_quality[e] = score[e];
      }
    }
  }

  double per_round_;                         ///< awards per round at the world's scale (may be fractional)
  double quota_ = 0.0;                       ///< awards due and not yet made (the fraction carried)
  std::vector<double> left_;                 ///< per firm id: the award's sum not yet spent, yuan
  std::vector<std::int32_t> awarded_month_;  ///< per firm id: month of its award, -1 none
  AllowanceBook allowances_;                 ///< this month's allowances
};

InstrumentType describe() {
  return {
      "project_award",
      "A competitive fixed-sum award for a start-up's current project (a feasibility or prototype project, as an "
      "SBIR Phase I award). Award rounds are held every 12 / `rounds_per_year` months from `start_month`. "
      "Applicants are the eligible start-ups then alive with an active project and no product (with `applicants: "
      "before_round`, also without an equity round) that never held an award. With `review: expert` the agency "
      "ranks them by its assessment of the best project's log quality plus noise `review_noise` and awards the "
      "best; with `review: lottery` in a random order. Each round awards `awards_per_year` x `world.scale` / "
      "`rounds_per_year` (fractions carried to the next round). From the month of the award it pays the whole "
      "R&D cost of the firm's projects (rate 1 on the R&D subsidy levers), whatever the firm's own cash, until "
      "`award_yuan` is spent or `award_months` have passed (the rest lapses), so the project runs at full speed "
      "toward its next milestone; the firm counts the sum left when it plans a round (finance). With an expert "
      "review investors read the winners' assessment as a certificate with precision 1 / `review_noise`^2 "
      "(finance). Entry does not expect the award (a fixed number of competitive awards is not a rate a founder "
      "can count on). Units served: firms whose award paid part of their R&D cost that month; every payment is a "
      "row of /policy_recipients.",
      "SBIR Phase I (US): fixed awards of about 150 000 US dollars for a six- to twelve-month feasibility project, "
      "about 15-20 % of applicants funded after peer review. Howell (2017, \"Financing Innovation: Evidence from "
      "R&D Grants\", American Economic Review 107(4)) finds by regression discontinuity on the reviewers' ranking "
      "that a Phase I award about doubles the chance of later venture capital, most for young firms with less "
      "information. Chinese analogues: provincial and municipal start-up project funds (创新创业大赛 prizes, "
      "科技型中小企业创新基金). Award size, number and review noise are priors.",
      {Lever::rd_subsidy_rate, Lever::rd_allowance, Lever::subsidy_pool, Lever::investor_certificate},
      {"startup"},
      {
          {"award_yuan", "yuan", 0.0, 1e10, 1.0e6,
           "The award's sum, earmarked to the firm's R&D (prior: SBIR Phase I about 150 000 US dollars, about 1 M "
           "yuan)."},
          {"awards_per_year", "awards", 0.0, 1e7, 300.0,
           "Awards a year, province-wide (multiplied by world.scale) (prior)."},
          {"rounds_per_year", "1/year", 1.0, 12.0, 4.0,
           "Award rounds a year (every 12 / this months, rounded down, from start_month) (prior)."},
          {"award_months", "months", 1.0, 120.0, 12.0,
           "Months from the award within which its sum may be spent; the rest lapses (SBIR Phase I: 6-12 months)."},
          {"review_noise", "log points", 0.01, 5.0, 0.5,
           "With `review: expert`: noise of the agency's assessment of a proposal's log quality (prior, as "
           "rd_subsidy)."},
      },
      {{"review",
        {"expert", "lottery"},
        "expert",
        "expert: the best-assessed applicants win and investors read the winners' assessment; lottery: winners "
        "drawn at random, and the award says nothing about quality."},
       {"applicants",
        {"before_product", "before_round"},
        "before_product",
        "before_product: start-ups with a project and no product; before_round: those that have not raised an "
        "equity round either."}},
      [](const PolicyConfig& p, const Scenario& s) { return std::make_unique<ProjectAward>(p, s); },
  };
}

}  // namespace

INNOCHAIN_REGISTER_INSTRUMENT(describe);

}  // namespace innochain
