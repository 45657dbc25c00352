// The sweep index: one row per run (DIR/index.csv and DIR/index.h5, columns in
// the order of the sweep directory contract), the per-run records it is made
// of, and reading back what a sweep directory already holds (for --resume and
// for Slurm array tasks).
#pragma once

#include "sweep/plan.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace innochain::sweep {

/// cancelled: stopped by SIGINT / SIGTERM (Ctrl-C, a Slurm scancel or its warning before
/// the walltime); its checkpoint DIR/runs/ID.h5.checkpoint, when written, lets --resume
/// continue it. Like pending and failed runs, cancelled ones are run again by --resume.
/// Layout version of DIR/index.h5 (root attribute format_version).
inline constexpr std::int64_t kSweepIndexFormatVersion = 1;

enum class RunStatus { pending, complete, failed, cancelled };

const char* status_name(RunStatus s);

/// What is known about one run.
struct RunRecord {
  RunStatus status = RunStatus::pending;
  double wall_seconds = 0.0;    ///< meaningful when complete or failed
  std::string error;            ///< failed runs: why; cancelled runs: by what, and where they stopped
  int stop_signal = 0;          ///< cancelled runs: the signal that stopped them
  std::vector<double> summary;  ///< complete runs: /summary per metric (kMetrics order)
};

/// A record as text and back, bit-exact (hexadecimal floats): how worker processes
/// and MPI ranks report a finished run to the coordinator.
std::string serialize(const RunRecord& r);
RunRecord deserialize(const std::string& text);

/// DIR/runs/ID.h5, DIR/runs/ID.error (the error text of a failed run) and
/// DIR/runs/ID.cancelled (what stopped a cancelled run).
std::string run_path(const std::string& dir, const PlannedRun& run);
std::string error_path(const std::string& dir, const PlannedRun& run);
std::string cancelled_path(const std::string& dir, const PlannedRun& run);

/// The run's state on disk: complete only if DIR/runs/ID.h5 has status "complete" and
/// was made from the same resolved scenario and replication; failed if an error file
/// is there, cancelled if a cancelled file is; otherwise pending (missing, partial or
/// stale files are run again).
RunRecord record_on_disk(const std::string& dir, const SweepPlan& plan, std::size_t run);

/// Writes DIR/index.csv and DIR/index.h5, each through FILE.partial and a rename, so
/// a reader (or a killed sweep) never sees half an index. Throws IoError.
void write_index(const std::string& dir, const SweepPlan& plan, const std::vector<RunRecord>& records);

/// Writes DIR/design.csv (point,<keys>...) atomically. Throws IoError.
void write_design(const std::string& dir, const SweepPlan& plan);

/// The text `innochain inspect` prints for DIR/index.h5 (or a sweep directory):
/// the design, its keys, and how many runs are complete, failed and pending, with the
/// errors of failed runs. Throws IoError if PATH is not a sweep index.
std::string describe_sweep_index(const std::string& path);

/// Whether PATH is a sweep directory or a sweep index file.
bool is_sweep_index(const std::string& path);

/// Quotes a CSV field when it needs it.
std::string csv_field(const std::string& text);

}  // namespace innochain::sweep
