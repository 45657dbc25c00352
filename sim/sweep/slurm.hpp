// Slurm job arrays: which block of runs an array task executes, the job script
// `innochain sweep --emit-sbatch` writes, and the index the tasks share.
#pragma once

#include "sweep/plan.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace innochain::sweep {

/// This process's place in the job array.
struct ArrayTask {
  std::int64_t index = 0;  ///< 0-based
  std::int64_t count = 1;
};

/// From SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT, or with
/// SLURM_ARRAY_TASK_MIN/_MAX (task index = ID - MIN). Throws SweepUsageError when unset
/// or inconsistent.
ArrayTask array_task_from_environment();

/// The contiguous block [first, last) of `runs` runs for `task` (sizes differ by at most one).
std::pair<std::size_t, std::size_t> block_of(std::size_t runs, const ArrayTask& task);

struct SbatchOptions {
  std::string binary;      ///< absolute path of innochain
  std::string sweep_file;  ///< absolute path
  std::string dir;         ///< absolute path
  std::string partition;
  std::string time;  ///< Slurm time limit per task, e.g. 02:00:00
  std::int64_t array_size = 1;
  int cpus_per_task = 1;
  int threads = 1;
  std::string account;              ///< optional
  std::string qos;                  ///< optional: #SBATCH --qos
  std::uint64_t mem_mib = 0;        ///< #SBATCH --mem in MiB per task (0: the partition's default)
  std::int64_t signal_seconds = 0;  ///< #SBATCH --signal=B:TERM@N (0: none)
  std::vector<std::string> sets;
  std::string spin_up_cache;  ///< absolute path, or empty: no shared spin-ups
  std::string job_name;
};

/// A job script: an array of `array_size` tasks, each `exec innochain sweep ... --slurm-array`
/// (exec: the batch shell's signal, --signal=B:TERM@N before the walltime or a scancel,
/// reaches innochain, which stops its runs at the end of their month with a checkpoint,
/// DIR/runs/ID.h5.checkpoint, that the resubmitted script continues).
std::string sbatch_script(const SbatchOptions& o);

/// Rebuilds DIR/index.* from the files in DIR/runs under an exclusive lock on
/// DIR/.index.lock, so the last array task to finish leaves the complete index.
void rebuild_index_locked(const std::string& dir, const SweepPlan& plan);

}  // namespace innochain::sweep
