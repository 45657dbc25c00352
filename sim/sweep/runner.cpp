#include "sweep/runner.hpp"

#include "output/execute.hpp"

#include <chrono>
#include <exception>

namespace innochain::sweep {

RunRecord failed_record(std::string error, double wall_seconds) {
  RunRecord r;
  r.status = RunStatus::failed;
  if (error.size() > kMaxErrorChars) error = error.substr(0, kMaxErrorChars) + " [...]";
  if (error.empty()) error = "unknown error";
  r.error = std::move(error);
  r.wall_seconds = wall_seconds;
  return r;
}

RunRecord execute_planned_run(const SweepPlan& plan, std::size_t i, const std::string& dir, int threads) {
  const PlannedRun& run = plan.runs[i];
  const auto t0 = std::chrono::steady_clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  RunRequest request;
  request.path = run_path(dir, run);
  request.force = true;  // the sweep owns DIR/runs: stale or partial files are replaced
  request.replication = run.replication;
  request.threads = threads;
  request.sweep = RunRequest::SweepTag{run.id, run.point};
  try {
    const RunResult result = execute_run(plan.scenarios[static_cast<std::size_t>(run.point)], request);
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
