// MPI execution (`mpirun -n N innochain sweep ...`): rank 0 coordinates, ranks
// 1..N-1 each run one run at a time and ask for the next as they free up
// (dynamic load balancing: runs of different points take different times).
// Compiled only when CMake finds MPI (INNOCHAIN_HAVE_MPI); otherwise the
// functions report that this build has no MPI.
#pragma once

#include "sweep/runner.hpp"

namespace innochain::sweep {

/// Whether this binary was built with MPI.
bool mpi_built_in();

/// Whether the process was started by an MPI launcher with more than one rank
/// (OMPI_COMM_WORLD_SIZE, PMI_SIZE or PMIX_SIZE greater than 1).
bool launched_by_mpirun();

/// This process's rank as the launcher reports it in the environment (0 if none):
/// lets only rank 0 print problems found before MPI is initialised.
int launcher_rank();

struct MpiWorld {
  int rank = 0;
  int size = 1;
};

/// MPI_Init and the world's rank and size. Throws std::runtime_error without MPI.
MpiWorld mpi_start();
void mpi_stop();
/// Rank 0 decides, every rank learns it (used for "may the sweep start?").
int mpi_broadcast(int value);

/// Rank 0: hands out runs from `next` to ranks 1..size-1 until none are left,
/// calling `done` with each report. Returns when every worker has been told to stop:
/// 0, or the signal that stopped the sweep — rank 0's own SIGINT / SIGTERM (g_run_stop)
/// or a worker's cancelled run. On a stop no more runs are handed out and the workers
/// still running get a stop message: their runs end with their month, checkpointed, and
/// are reported as cancelled.
int mpi_coordinate(int size, const NextRun& next, const RunDone& done);

/// Ranks > 0: asks rank 0 for runs and runs them until told to stop. `run` gets the
/// callback to call after every month (it polls for rank 0's stop message). Returns 0,
/// or the signal that stopped the sweep.
int mpi_work(const std::function<RunRecord(std::size_t, const MonthCallback&)>& run);

}  // namespace innochain::sweep
