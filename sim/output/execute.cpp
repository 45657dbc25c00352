#include "output/execute.hpp"

#include "model/simulation.hpp"
#include "output/checkpoint.hpp"
#include "output/memory_estimate.hpp"
#include "output/output_path.hpp"
#include "output/run_file.hpp"
#include "scenario/decode.hpp"
#include "scenario/instruments.hpp"

#include <tbb/global_control.h>
#include <tbb/info.h>

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>

namespace innochain {

namespace fs = std::filesystem;

namespace {

/// The cached spin-up of `s` (spin_up_checkpoint_path), written first when missing: the
/// spin-up of its scenario without policies, checkpointed at month 0 by a run stopped there.
/// Written under a name of its own (process and call) and renamed into place, so that runs
/// making the same spin-up at once (a sweep's jobs) each finish theirs and one of the files,
/// which hold the same state, stays. Adds the seconds spent making it to `seconds`.
std::string cached_spin_up(const Scenario& s, const RunRequest& request, int threads, double& seconds) {
  const std::string path = spin_up_checkpoint_path(request.spin_up_cache, s, request.replication);
  std::error_code ec;
  if (fs::exists(path, ec)) return path;
  fs::create_directories(request.spin_up_cache, ec);
  if (!fs::is_directory(request.spin_up_cache, ec))
    throw IoError("spin-up cache '" + request.spin_up_cache + "' is not a directory and cannot be created");
  static std::atomic<unsigned> calls{0};
  const std::string own = fmt::format("{}.{}-{}", path, getpid(), calls++);
  RunRequest make;
  make.path = own + ".h5";
  make.force = true;
  make.replication = request.replication;
  make.threads = threads;
  make.checkpoint_path = own + ".checkpoint";
  make.checkpoint_at_start = true;
  make.spin_up_only = true;
  make.check_memory = request.check_memory;
  make.max_memory = request.max_memory;
  Scenario base = s;  // the spin-up of the scenario without its policies
  base.policies.clear();
  try {
    seconds += execute_run(base, make).wall_seconds;
  } catch (...) {
    fs::remove(make.path + ".partial", ec);
    throw;
  }
  fs::remove(make.path + ".partial", ec);
  fs::rename(make.checkpoint_path, path);  // atomic: readers see the whole file or none
  return path;
}

}  // namespace

RunResult execute_run(const Scenario& s, const RunRequest& given, const MonthCallback& on_month) {
  RunRequest request = given;
  const int threads = request.threads > 0 ? request.threads : tbb::info::default_concurrency();
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  const auto t0 = std::chrono::steady_clock::now();
  double shared_spin_up_seconds = 0.0;  // making the shared spin-up this run branches from, if it did
  if (!request.spin_up_cache.empty() && !request.resume && request.branch_from.empty()) {
    check_output_path(request.path, request.force, "output file");  // before a spin-up is made for nothing
    request.branch_from = cached_spin_up(s, request, threads, shared_spin_up_seconds);
  }
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
    for (const auto& l : find_instrument_spec(p.type)->levers) levers += (levers.empty() ? "" : ",") + l;
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
  const RunKey key{static_cast<std::uint64_t>(s.seed), static_cast<std::uint32_t>(request.replication)};
  // Stored absolute: a run resumed from another directory writes where it was going to.
  const CheckpointIdentity identity{info.scenario_yaml, request.replication, absolute_path(request.path)};
  const std::string checkpoint_path =
      request.checkpoint_path.empty() ? default_checkpoint_path(request.path) : request.checkpoint_path;
  // The checkpoint is an output like the run file, checked before anything runs: a resumed
  // run replaces its own checkpoint, any other run only with --force.
  check_distinct_outputs(request.path, "output file", checkpoint_path, "checkpoint");
  if (!request.branch_from.empty())
    check_distinct_outputs(request.path, "output file", request.branch_from, "checkpoint to branch from");
  if (!request.resume) check_output_path(checkpoint_path, request.force, "checkpoint");
  if (request.check_memory) check_memory(s, request.max_memory);
  // A resumed or branched run starts from a checkpoint: the state after its month and
  // the output written up to it.
  std::unique_ptr<Checkpoint> from;
  if (request.resume) {
    from = std::make_unique<Checkpoint>(checkpoint_path);
    from->check_resume(info.scenario_yaml, request.replication);
  } else if (!request.branch_from.empty()) {
    from = std::make_unique<Checkpoint>(request.branch_from);
    from->check_branch(s, request.replication);
  }
  // From a checkpoint, everything it holds is read and checked before the run file exists:
  // a damaged checkpoint ends the run with no output at all.
  auto t_setup = std::chrono::steady_clock::now();
  std::unique_ptr<Simulation> sim;
  if (from) {
    sim = std::make_unique<Simulation>(s, key, State{});
    from->load_state(sim->state(), s);
    from->check_output(info);
  }
  double setup_seconds = since(t_setup);
  auto t_out = std::chrono::steady_clock::now();
  RunFileWriter writer(request.path, request.force, info);
  double output_seconds = since(t_out);
  const double create_seconds = output_seconds;
  t_setup = std::chrono::steady_clock::now();
  if (from) {
    from->restore_output(writer);
    from.reset();
  } else {
    sim = std::make_unique<Simulation>(s, key);
  }
  setup_seconds += since(t_setup);
  if (request.checkpoint_at_start && !request.resume && request.branch_from.empty()) {
    write_checkpoint(checkpoint_path, identity, sim->state(), writer);
    if (request.spin_up_only) {  // the writer's destructor leaves PATH.partial
      RunResult stopped;
      stopped.interrupted = true;
      stopped.wall_seconds = elapsed();
      return stopped;
    }
  }
  RunResult result;
  result.threads = threads;
  result.start_month = sim->months_completed();
  for (std::int64_t month = sim->months_completed(); month < s.horizon_months; ++month) {
    sim->step();
    t_out = std::chrono::steady_clock::now();
    writer.append(static_cast<std::int32_t>(month), sim->metrics());
    writer.append_events(sim->state().events);
    const auto interval = s.output.snapshot_interval_months;
    if (interval > 0 && (month + 1) % interval == 0)
      writer.append_snapshot(static_cast<std::int32_t>(month), sim->state());
    output_seconds += since(t_out);
    if (on_month) on_month(month + 1, elapsed());
    const bool stop = request.stop != nullptr && *request.stop != 0 && month + 1 < s.horizon_months;
    const bool periodic = request.checkpoint_every > 0 && (month + 1) % request.checkpoint_every == 0;
    if (stop || periodic) write_checkpoint(checkpoint_path, identity, sim->state(), writer);
    if (stop) {
      // The writer's destructor leaves PATH.partial with status "partial".
      result.interrupted = true;
      result.months_completed = month + 1;
      result.wall_seconds = elapsed();
      return result;
    }
  }
  result.timings.emplace_back("setup", setup_seconds - sim->spin_up_seconds());
  result.timings.emplace_back("spin_up", sim->spin_up_seconds() + shared_spin_up_seconds);
  for (std::size_t k = 0; k < pipeline().size(); ++k)
    result.timings.emplace_back(std::string(pipeline()[k].name), sim->phase_seconds()[k]);
  // The writer's final flush and summary count as output; they are timed up to the
  // attributes themselves, which are written by finish().
  t_out = std::chrono::steady_clock::now();
  writer.flush();
  output_seconds += since(t_out);
  result.timings.emplace_back("output", output_seconds);
  writer.set_timings(result.timings);
  t_out = std::chrono::steady_clock::now();
  writer.finish(elapsed());
  result.create_seconds = create_seconds;
  result.finish_seconds = since(t_out);
  result.summary = writer.summary();
  result.wall_seconds = elapsed();
  result.months_completed = s.horizon_months;
  return result;
}

std::string default_checkpoint_path(const std::string& run_path) { return run_path + ".checkpoint"; }

}  // namespace innochain
