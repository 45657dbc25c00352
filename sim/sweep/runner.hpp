// One run of a sweep, in whichever process executes it (a local worker process,
// an MPI rank, a Slurm array task): execute_run with the run's scenario,
// replication and sweep attributes; failures become records, not exceptions.
#pragma once

#include "output/execute.hpp"
#include "sweep/index.hpp"

#include <csignal>
#include <functional>
#include <optional>

namespace innochain::sweep {

/// Set to the signal's number by SIGINT / SIGTERM in a process that runs sweep runs (or,
/// under MPI, by rank 0's stop message): the run in flight stops at the end of its month,
/// writes DIR/runs/ID.h5.checkpoint and is recorded as cancelled; --resume continues it.
extern volatile std::sig_atomic_t g_run_stop;

/// Installs the handlers that set g_run_stop. Without SA_RESETHAND: a sweep's processes may
/// each get the same signal more than once (Slurm signals every process of the job, the
/// coordinator passes it on to its workers), and a repeat must not kill a run that is
/// writing its checkpoint.
void install_run_stop_handlers();

/// Runs run `i` of the plan into DIR/runs/ID.h5 with `threads` threads, continuing from
/// DIR/runs/ID.h5.checkpoint when a cancelled run left one that fits; a fresh run branches
/// from its shared spin-up in `spin_up_cache` when that is not empty (RunRequest). `on_month`
/// is called after every month (the MPI worker polls for rank 0's stop message there).
RunRecord execute_planned_run(const SweepPlan& plan, std::size_t i, const std::string& dir, int threads,
                              const std::string& spin_up_cache = {}, const MonthCallback& on_month = {});

/// DIR/runs/ID.h5.checkpoint: where a cancelled run saves its state.
std::string run_checkpoint_path(const std::string& dir, const PlannedRun& run);

/// How an executor runs one run (tests substitute their own).
using RunFunction = std::function<RunRecord(std::size_t)>;
/// The next run to hand out, or nothing when there is none left.
using NextRun = std::function<std::optional<std::size_t>()>;
/// Called in the coordinating process when a run has finished (complete, failed or cancelled).
using RunDone = std::function<void(std::size_t, RunRecord)>;

/// Longest error text carried in a record (the rest is cut, with a note).
inline constexpr std::size_t kMaxErrorChars = 4000;

/// A failed record with the given error text (cut to kMaxErrorChars).
RunRecord failed_record(std::string error, double wall_seconds);

/// A cancelled record: stopped by `signal`, `what` says where.
RunRecord cancelled_record(int signal, const std::string& what, double wall_seconds);

/// "SIGTERM", "SIGINT", or "signal N".
std::string signal_name(int signal);

}  // namespace innochain::sweep
