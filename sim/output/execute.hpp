// One run from a resolved scenario to a finished run file: the single code path
// used by `innochain run`, the tests, and every run of a sweep (sim/sweep/runner.cpp).
#pragma once

#include "scenario/scenario.hpp"

#include <csignal>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace innochain {

struct RunRequest {
  std::string path;  ///< final file name; written as PATH.partial first
  bool force = false;
  std::int64_t replication = 0;
  int threads = 0;  ///< 0: all cores
  /// Set by sweeps: written as the root attributes sweep_run_id and sweep_point.
  struct SweepTag {
    std::string run_id;
    std::int64_t point = 0;
  };
  std::optional<SweepTag> sweep = std::nullopt;
  /// Checkpoints (docs/reliability.md): written to `checkpoint_path` (default PATH.checkpoint)
  /// every `checkpoint_every` months (0: never) and when `*stop` becomes non-zero.
  std::string checkpoint_path{};
  std::int64_t checkpoint_every = 0;
  /// Also write one at month 0, after the spin-up (a fresh run only): the state a policy scenario
  /// branches from (`branch_from`) to share this run's spin-up.
  bool checkpoint_at_start = false;
  /// Set by a signal handler: the run stops at the end of the current month, writes a
  /// checkpoint and leaves PATH.partial (RunResult::interrupted).
  const volatile std::sig_atomic_t* stop = nullptr;
  /// Continue the run saved in `checkpoint_path` (same scenario and replication).
  bool resume = false;
  /// Start from this checkpoint of another (baseline) run: a branch (shared burn-in).
  std::string branch_from{};
  /// Directory of shared spin-ups (docs/reliability.md, "Sharing the spin-up"): a fresh run
  /// without branch_from branches from spin_up_checkpoint_path(DIR, scenario, replication), the
  /// month-0 state of its scenario without policies, which it writes first when it is missing.
  std::string spin_up_cache{};
  /// Stop right after the month-0 checkpoint (with checkpoint_at_start): how a spin-up is made
  /// for the cache. The run file is left as PATH.partial (RunResult::interrupted).
  bool spin_up_only = false;
  /// Refuse the run (RequestError) when its memory estimate exceeds the memory available
  /// or `max_memory` (output/memory_estimate.hpp).
  bool check_memory = true;
  std::optional<std::uint64_t> max_memory = std::nullopt;
};

struct RunResult {
  std::vector<double> summary;  ///< per metric (kMetrics order); empty when interrupted
  double wall_seconds = 0.0;
  int threads = 0;
  /// Where the wall time went, in order: "setup" (building the population), "spin_up" (the
  /// months before month 0, world.spin_up_months), each phase of
  /// the month pipeline, "output" (writing the run file). Also in the run file's root
  /// attributes seconds_NAME (benchmarks/run.py reads them).
  std::vector<std::pair<std::string, double>> timings;
  /// Parts of the run file's fixed cost (not in the file: `innochain run --timings` prints
  /// them): creating it (included in "output") and finishing it (the summary, the final
  /// attributes, closing and renaming; after the file's own wall_seconds).
  double create_seconds = 0.0;
  double finish_seconds = 0.0;
  bool interrupted = false;  ///< stopped by `stop`: checkpoint written, file left partial
  std::int64_t months_completed = 0;
  std::int64_t start_month = 0;  ///< month the run started from (a checkpoint's, else 0)
};

/// The default checkpoint file of run file PATH.
std::string default_checkpoint_path(const std::string& run_path);

/// Called after every month with (months done, seconds elapsed).
using MonthCallback = std::function<void(std::int64_t, double)>;

/// Runs the scenario for its horizon and writes the run file. Throws IoError,
/// IncompatibleCheckpoint when resuming or branching from a checkpoint that does not fit,
/// and RequestError (before anything is written) for output paths it must not replace or a
/// run that does not fit in memory.
RunResult execute_run(const Scenario& scenario, const RunRequest& request, const MonthCallback& on_month = {});

}  // namespace innochain
