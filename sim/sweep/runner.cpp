#include "sweep/runner.hpp"

#include "output/checkpoint.hpp"

#include <fmt/format.h>

#include <chrono>
#include <exception>
#include <filesystem>

namespace innochain::sweep {

namespace fs = std::filesystem;

volatile std::sig_atomic_t g_run_stop = 0;

namespace {

extern "C" void on_run_stop_signal(int signal) { g_run_stop = signal; }

/// Whether the checkpoint a cancelled run left can continue this run (same program,
/// scenario and replication, and readable); one that cannot is removed.
bool usable_checkpoint(const std::string& path, const Scenario& scenario, std::int64_t replication) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return false;
  try {
    const Checkpoint c(path);
    c.check_resume(to_yaml(scenario), replication);
    return true;
  } catch (const std::exception&) {
    fs::remove(path, ec);  // the sweep owns DIR/runs: the run starts afresh
    return false;
  }
}

}  // namespace

void install_run_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_run_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // blocking calls (MPI, reads) carry on; the flag is read between months
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

std::string signal_name(int signal) {
  if (signal == SIGTERM) return "SIGTERM";
  if (signal == SIGINT) return "SIGINT";
  return fmt::format("signal {}", signal);
}

RunRecord failed_record(std::string error, double wall_seconds) {
  RunRecord r;
  r.status = RunStatus::failed;
  if (error.size() > kMaxErrorChars) error = error.substr(0, kMaxErrorChars) + " [...]";
  if (error.empty()) error = "unknown error";
  r.error = std::move(error);
  r.wall_seconds = wall_seconds;
  return r;
}

RunRecord cancelled_record(int signal, const std::string& what, double wall_seconds) {
  RunRecord r;
  r.status = RunStatus::cancelled;
  r.stop_signal = signal;
  r.error = fmt::format("cancelled by {}: {}", signal_name(signal), what);
  r.wall_seconds = wall_seconds;
  return r;
}

std::string run_checkpoint_path(const std::string& dir, const PlannedRun& run) {
  return default_checkpoint_path(run_path(dir, run));
}

RunRecord execute_planned_run(const SweepPlan& plan, std::size_t i, const std::string& dir, int threads,
                              const std::string& spin_up_cache, const MonthCallback& on_month) {
  const PlannedRun& run = plan.runs[i];
  const Scenario& scenario = plan.scenarios[static_cast<std::size_t>(run.point)];
  const auto t0 = std::chrono::steady_clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  RunRequest request;
  request.path = run_path(dir, run);
  request.force = true;  // the sweep owns DIR/runs: stale or partial files are replaced
  request.replication = run.replication;
  request.threads = threads;
  request.sweep = RunRequest::SweepTag{run.id, run.point};
  request.checkpoint_path = run_checkpoint_path(dir, run);
  request.stop = &g_run_stop;
  request.resume = usable_checkpoint(request.checkpoint_path, scenario, run.replication);
  if (!request.resume) request.spin_up_cache = spin_up_cache;
  if (g_run_stop != 0) return cancelled_record(g_run_stop, "stopped before it started", 0.0);
  try {
    const RunResult result = execute_run(scenario, request, on_month);
    if (result.interrupted)
      return cancelled_record(g_run_stop,
                              fmt::format("stopped after month {} of {}; checkpoint {} (--resume continues it)",
                                          result.months_completed, scenario.horizon_months, request.checkpoint_path),
                              elapsed());
    std::error_code ec;
    fs::remove(request.checkpoint_path, ec);  // done: a finished run needs no checkpoint
    RunRecord r;
    r.status = RunStatus::complete;
    r.summary = result.summary;
    r.wall_seconds = result.wall_seconds;
    return r;
  } catch (const std::exception& e) {
    return failed_record(e.what(), elapsed());
  } catch (...) {
    return failed_record("unknown exception", elapsed());
  }
}

}  // namespace innochain::sweep
