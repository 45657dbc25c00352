#include "output/execute.hpp"

#include "core/simulation.hpp"
#include "output/run_file.hpp"
#include "policies/policy.hpp"
#include "scenario/decode.hpp"

#include <tbb/global_control.h>
#include <tbb/info.h>

#include <chrono>

namespace innochain {

RunResult execute_run(const Scenario& s, const RunRequest& request, const MonthCallback& on_month) {
  const int threads = request.threads > 0 ? request.threads : tbb::info::default_concurrency();
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  const auto t0 = std::chrono::steady_clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };

  RunInfo info;
  info.scenario_name = s.name;
  info.scenario_yaml = to_yaml(s);
  info.seed = static_cast<std::uint64_t>(s.seed);
  info.replication = request.replication;
  info.threads = threads;
  info.horizon_months = s.horizon_months;
  for (const auto& f : s.world.fields) info.fields.push_back(f.name);
  for (const auto& r : s.world.regions) info.regions.push_back(r.name);
  for (const auto& p : s.policies) {
    info.policies.push_back(p.name);
    info.policy_types.push_back(p.type);
    std::string levers;
    for (const auto& l : find_instrument_type(p.type)->levers) levers += (levers.empty() ? "" : ",") + l;
    info.policy_levers.push_back(levers);
  }
  info.compression_level = static_cast<int>(s.output.compression_level);
  if (request.sweep) {
    info.sweep_run_id = request.sweep->run_id;
    info.sweep_point = request.sweep->point;
  }

  const auto since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  auto t_out = std::chrono::steady_clock::now();
  RunFileWriter writer(request.path, request.force, info);
  double output_seconds = since(t_out);
  const auto t_setup = std::chrono::steady_clock::now();
  Simulation sim(s, RunKey{static_cast<std::uint64_t>(s.seed), static_cast<std::uint32_t>(request.replication)});
  const double setup_seconds = since(t_setup);
  for (std::int64_t month = 0; month < s.horizon_months; ++month) {
    sim.step();
    t_out = std::chrono::steady_clock::now();
    writer.append(static_cast<std::int32_t>(month), sim.metrics());
    writer.append_events(sim.state().events);
    const auto interval = s.output.snapshot_interval_months;
    if (interval > 0 && (month + 1) % interval == 0) writer.append_snapshot(static_cast<std::int32_t>(month), sim.state());
    output_seconds += since(t_out);
    if (on_month) on_month(month + 1, elapsed());
  }
  RunResult result{{}, 0.0, threads, {}};
  result.timings.emplace_back("setup", setup_seconds);
  for (std::size_t k = 0; k < pipeline().size(); ++k)
    result.timings.emplace_back(std::string(pipeline()[k].name), sim.phase_seconds()[k]);
  // The writer's final flush and summary count as output; they are timed up to the
  // attributes themselves, which are written by finish().
  t_out = std::chrono::steady_clock::now();
  writer.flush();
  output_seconds += since(t_out);
  result.timings.emplace_back("output", output_seconds);
  writer.set_timings(result.timings);
  writer.finish(elapsed());
  result.summary = writer.summary();
  result.wall_seconds = elapsed();
  return result;
}

}  // namespace innochain
