// One run of a sweep, in whichever process executes it (a local worker process,
// an MPI rank, a Slurm array task): execute_run with the run's scenario,
// replication and sweep attributes; failures become records, not exceptions.
#pragma once

#include "sweep/index.hpp"

#include <functional>
#include <optional>

namespace innochain::sweep {

/// Runs run `i` of the plan into DIR/runs/ID.h5 with `threads` threads.
RunRecord execute_planned_run(const SweepPlan& plan, std::size_t i, const std::string& dir, int threads);

/// How an executor runs one run (tests substitute their own).
using RunFunction = std::function<RunRecord(std::size_t)>;
/// The next run to hand out, or nothing when there is none left.
using NextRun = std::function<std::optional<std::size_t>()>;
/// Called in the coordinating process when a run has finished (complete or failed).
using RunDone = std::function<void(std::size_t, RunRecord)>;

/// Longest error text carried in a record (the rest is cut, with a note).
inline constexpr std::size_t kMaxErrorChars = 4000;

/// A failed record with the given error text (cut to kMaxErrorChars).
RunRecord failed_record(std::string error, double wall_seconds);

}  // namespace innochain::sweep
