// compute_centre (公共算力中心, public intelligent-computing centres): the government builds and
// runs accelerators whose time joins the compute market of the eligible regions. From
// `start_month + build_months` to the end of its window the centre adds `gpus` x 730 hours x
// `availability` GPU-hours a month, split equally among the eligible regions; while it runs the
// public pays `cost_yuan_per_gpu_month` per accelerator (depreciation, power, operation). Its
// time is sold at the market price like any other capacity, so it lowers the price only where
// utilisation is above the target (compute market); the sales revenue leaves the modelled
// economy with every compute bill, and the cost counted is the gross cost.
#include "policies/eligible.hpp"

#include <cmath>

namespace innochain {

namespace {

constexpr double kHoursPerMonth = 730.0;  // 8 760 hours a year / 12

class ComputeCentre final : public Instrument {
 public:
  ComputeCentre(const PolicyConfig& p, const Scenario& s) : Instrument(p), gpus_(at_world_scale(s, p.value("gpus"))) {}

  void act(const Context& c, State& s, const Eligibility& eligible, int index) override {
    if (s.month < config().start_month + static_cast<std::int64_t>(config().value("build_months"))) return;
    std::size_t regions = 0;
    for (std::size_t r = 0; r < c.regions; ++r) regions += eligible.region_ok(r);
    if (regions == 0 || gpus_ <= 0.0) return;
    const double hours = gpus_ * kHoursPerMonth * config().value("availability");
    for (std::size_t r = 0; r < c.regions; ++r)
      if (eligible.region_ok(r)) s.levers.compute_capacity_gpu_hours[r] += hours / static_cast<double>(regions);
    // Public money spent outside the modelled economy (hardware, power): counted as the
    // instance's spending, not as a flow into any agent's cash.
    s.policy_spending[index] += gpus_ * config().value("cost_yuan_per_gpu_month");
    s.policy_units[index] += hours;
  }

 private:
  double gpus_;  ///< accelerators at the world's scale
};

InstrumentType describe() {
  return {
      "compute_centre",
      "A public compute centre: from `start_month` + `build_months` on, `gpus` A100-equivalent accelerators "
      "(province-wide, multiplied by world.scale) add `gpus` x 730 x `availability` GPU-hours a month to the "
      "compute capacity of the eligible regions (split equally; every region when none is listed). Its time is "
      "sold at the region's market price like any other capacity, so it lowers the price where utilisation is "
      "above the target and relieves rationing; it does not subsidise anyone. Spending: `gpus` x "
      "`cost_yuan_per_gpu_month` every month it runs (public money paid outside the modelled economy, so not a "
      "ledger flow into any agent). Units served: GPU-hours of capacity added that month.",
      "Guangdong's and Shenzhen's public intelligent-computing centres (鹏城云脑, the Shaoguan cluster of the "
      "national computing network, Shenzhen's target of 50 EFLOPS by 2025). Cost per accelerator-month: a prior "
      "from server prices (an 8-accelerator A100-class server about 1.2 million yuan written off over five years, "
      "plus power and operation). No causal evaluation of public compute centres exists: use with a sensitivity "
      "sweep.",
      {Lever::compute_capacity},
      {},
      {
          {"gpus", "accelerators", 0.0, 1e8, 10000.0,
           "A100-equivalent accelerators the centre runs, province-wide (multiplied by world.scale)."},
          {"cost_yuan_per_gpu_month", "yuan/accelerator/month", 0.0, 1e7, 3000.0,
           "Public cost per accelerator and month: depreciation over five years, power and operation (prior)."},
          {"availability", "share", 0.0, 1.0, 0.9, "Share of the hours the centre can sell (maintenance, prior)."},
          {"build_months", "months", 0.0, 240.0, 0.0, "Months from start_month before the centre opens."},
      },
      {},
      [](const PolicyConfig& p, const Scenario& s) { return std::make_unique<ComputeCentre>(p, s); },
  };
}

}  // namespace

INNOCHAIN_REGISTER_INSTRUMENT(describe);

}  // namespace innochain
