// Local parallel execution: a pool of worker processes, one per concurrent run.
//
// Why processes, not threads: Debian's libhdf5 is built without thread safety,
// so two runs of one process must not write their HDF5 files at once; and a run
// that crashes (a bug, memory exhaustion) takes only its own worker down, and is
// recorded as failed while the sweep goes on. Each worker is forked from the
// coordinator (which has the resolved scenarios in memory and has not started
// any TBB threads), runs exactly one run and reports its record over a pipe.
#pragma once

#include "sweep/runner.hpp"

namespace innochain::sweep {

/// Runs what `next` hands out in up to `jobs` worker processes at once, calling
/// `done` (in this process) as each finishes. SIGINT and SIGTERM stop the handing
/// out and end the running workers (their runs stay pending). Returns 0 when all
/// runs were handed out and finished, else the number of the signal that stopped it.
int run_local(int jobs, const RunFunction& run, const NextRun& next, const RunDone& done);

/// CPUs this process may use (its affinity mask: respects Slurm and taskset).
int available_cpus();

}  // namespace innochain::sweep
