// poc_pilot_platform (proof-of-concept centres and pilot platforms, 概念验证中心 / 中试平台):
// a platform in every eligible (field x region) cell serves up to `capacity_projects_per_month`
// firm projects in PROOF_OF_CONCEPT or PILOT a month, in project-id order. A served project's
// holder pays only (1 - cost_share) of its stage cost, its failure hazard is multiplied by
// `hazard_multiplier` and its progress rate by `speed_multiplier`. Payments come from a finite
// budget: each month every eligible cell, in cell order, gets an allowance for the projects it
// would serve, while the budget room lasts; what a cell does not use returns to the budget.
#include "policies/allowance.hpp"
#include "policies/eligible.hpp"

#include <algorithm>

namespace innochain {

namespace {

class PocPilotPlatform final : public Instrument {
 public:
  PocPilotPlatform(const PolicyConfig& p, const Scenario& s)
      : Instrument(p), budget_left_(at_world_scale(s, p.value("budget_yuan"))) {}

  void settle(const Context&, State& s, int index) override {
    allowances_.settle(s.levers.platform_allowance_yuan, s.levers.platform_policy, index,
                       [&](std::int32_t, std::size_t, double used) { budget_left_ -= used; });
  }

  void act(const Context& c, State& s, const Eligibility& eligible, int index) override {
    const double share = config().value("cost_share");
    const double capacity = config().value("capacity_projects_per_month");
    // What serving each cell's first `capacity` waiting projects (id order, as the progress
    // phase serves them) would cost the platform this month.
    const Projects& pr = s.projects;
    const Enterprises& en = s.enterprises;
    std::vector<double> need(c.fields * c.regions, 0.0), waiting(c.fields * c.regions, 0.0);
    for (const std::int32_t id : pr.active) {
      if (pr.status[id] != ProjectStatus::active || pr.holder_kind[id] != HolderKind::enterprise ||
          (pr.stage[id] != Stage::proof_of_concept && pr.stage[id] != Stage::pilot))
        continue;
      const std::size_t cell = pr.field[id] * c.regions + en.region[pr.holder[id]];
      if (!eligible.place_ok(pr.field[id], en.region[pr.holder[id]]) || waiting[cell] + 1.0 > capacity) continue;
      waiting[cell] += 1.0;
      need[cell] += share * c.scenario.chain.progress.stages[static_cast<int>(pr.stage[id])].cost_yuan_per_month *
                    c.scenario.world.fields[pr.field[id]].cost_multiplier;
    }
    double room = budget_left_;
    for (std::size_t f = 0; f < c.fields; ++f) {
      for (std::size_t r = 0; r < c.regions; ++r) {
        if (!eligible.place_ok(f, r)) continue;
        const std::size_t cell = f * c.regions + r;
        // A platform whose budget is spent closes (one that pays nothing never runs out).
        if (share > 0.0 && room <= 0.0) continue;
        const double grant = std::min(need[cell], room);
        s.levers.platform_cost_share[cell] = share;
        s.levers.platform_hazard_multiplier[cell] = config().value("hazard_multiplier");
        s.levers.platform_speed_multiplier[cell] = config().value("speed_multiplier");
        s.levers.platform_capacity[cell] = capacity;
        allowances_.grant(s.levers.platform_allowance_yuan, s.levers.platform_policy, cell, grant, index);
        room -= grant;
      }
    }
  }

  double budget_left() const override { return budget_left_; }

  void persist(StateIo& io) override {
    allowances_.persist(io, Ref::cell);
    io.scalar("budget_left", budget_left_);
  }

 private:
  AllowanceBook allowances_;  ///< this month's allowances, per cell
  double budget_left_;
};

InstrumentType describe() {
  return {
      "poc_pilot_platform",
      "Proof-of-concept centres and pilot platforms in every eligible (field x region) cell. Each month a cell's "
      "platform serves up to `capacity_projects_per_month` projects held by firms of the cell's region in the "
      "cell's field and in PROOF_OF_CONCEPT or PILOT, in project-id order: it pays `cost_share` of a served "
      "project's stage cost (the holder funds only the rest, so its funding coverage rises), multiplies the "
      "project's failure hazard by `hazard_multiplier` (shared equipment, testing and engineering support) and "
      "its progress rate by `speed_multiplier`. Payments come from a finite `budget_yuan` that is never "
      "exceeded: each month every eligible cell, in cell order, is allowed what serving its first waiting "
      "projects would cost, while the budget room lasts, and what it does not use returns to the budget; once "
      "the budget is spent the platforms close. Units served: projects served that month.",
      "Guangdong's implementing opinions on a modern pilot-platform system (粤府办〔2024〕7号, June 2024: 30-50 "
      "provincial pilot platforms (中试平台) by 2025, pilot services covering the main industrial fields by 2027, "
      "priority bases in Guangzhou, Shenzhen, Dongguan and Foshan) and its 2025 management rules; nationally "
      "the MIIT-NDRC opinions on manufacturing pilot testing (制造业中试创新发展实施意见, 2024), about 2 400 "
      "pilot platforms and 241 MIIT-supported ones with about 25 000 pilot-service projects by 2025; "
      "proof-of-concept centres (概念验证中心) in Beijing, Shanghai, Shenzhen and Guangzhou. Officials cite "
      "industrialisation success rates of about 80 % with pilot testing against 30 % without, a descriptive "
      "claim, not a causal estimate: the effects on cost, hazard and speed are priors, to be used with a "
      "sensitivity sweep.",
      {Lever::platform_cost_share, Lever::platform_hazard_multiplier, Lever::platform_speed_multiplier,
       Lever::platform_capacity, Lever::platform_allowance},
      {},
      {
          {"cost_share", "share", 0.0, 1.0, 0.5,
           "Share of a served project's stage cost the platform pays (equipment, materials, test runs; prior)."},
          {"hazard_multiplier", "1", 0.0, 1.0, 0.6, "Multiplier on a served project's monthly failure hazard (prior)."},
          {"speed_multiplier", "1", 1.0, 5.0, 1.5, "Multiplier on a served project's progress rate (prior)."},
          {"capacity_projects_per_month", "projects/month", 0.0, 1e6, 20.0,
           "Projects the platform of one eligible (field x region) cell can serve a month (prior). A per-platform "
           "figure, not multiplied by world.scale: a scaled-down world keeps one platform per cell, so at small "
           "scale the capacity binds less often than in the province."},
          {"budget_yuan", "yuan", 0.0, 1e13, 5.0e8,
           "Programme budget over its whole window, province-wide (multiplied by world.scale) (prior)."},
      },
      {},
      [](const PolicyConfig& p, const Scenario& s) { return std::make_unique<PocPilotPlatform>(p, s); },
  };
}

}  // namespace

INNOCHAIN_REGISTER_INSTRUMENT(describe);

}  // namespace innochain
