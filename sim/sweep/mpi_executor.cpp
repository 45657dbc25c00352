#include "sweep/mpi_executor.hpp"

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

#ifdef INNOCHAIN_HAVE_MPI
#include <mpi.h>
#endif

namespace innochain::sweep {

namespace {

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

#ifdef INNOCHAIN_HAVE_MPI
constexpr int kTagReport = 1;  ///< worker -> rank 0: "ready" (empty) or a serialized RunRecord
constexpr int kTagWork = 2;    ///< rank 0 -> worker: run index, or kNoMoreWork / kStopped
constexpr int kTagStop = 3;    ///< rank 0 -> a busy worker: the signal number; stop the run in flight
constexpr long long kNoMoreWork = -1;
/// No more work, and a kTagStop message was sent to this worker (receive it before leaving).
constexpr long long kStopped = -2;
#endif

}  // namespace

bool launched_by_mpirun() {
  return env_int("OMPI_COMM_WORLD_SIZE", 0) > 1 || env_int("PMI_SIZE", 0) > 1 || env_int("PMIX_SIZE", 0) > 1;
}

int launcher_rank() { return env_int("OMPI_COMM_WORLD_RANK", env_int("PMI_RANK", env_int("PMIX_RANK", 0))); }

#ifdef INNOCHAIN_HAVE_MPI

bool mpi_built_in() { return true; }

MpiWorld mpi_start() {
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);  // TBB threads never call MPI
  MpiWorld w;
  MPI_Comm_rank(MPI_COMM_WORLD, &w.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &w.size);
  return w;
}

void mpi_stop() { MPI_Finalize(); }

int mpi_broadcast(int value) {
  MPI_Bcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return value;
}

int mpi_coordinate(int size, const NextRun& next, const RunDone& done) {
  install_run_stop_handlers();
  std::vector<long long> running(static_cast<std::size_t>(size), -1);  // run index per rank
  std::vector<char> stop_sent(static_cast<std::size_t>(size), 0);
  int active = size - 1;
  int stop = 0;  // the signal that stopped the sweep
  const auto stop_workers = [&](int signal) {
    stop = signal;
    for (int w = 1; w < size; ++w)
      if (running[static_cast<std::size_t>(w)] >= 0) {
        MPI_Send(&stop, 1, MPI_INT, w, kTagStop, MPI_COMM_WORLD);
        stop_sent[static_cast<std::size_t>(w)] = 1;
      }
  };
  while (active > 0) {
    if (stop == 0 && g_run_stop != 0) stop_workers(g_run_stop);
    // Polled, not a blocking probe: a signal must be noticed while the workers are busy.
    int arrived = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, kTagReport, MPI_COMM_WORLD, &arrived, &status);
    if (!arrived) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      continue;
    }
    int length = 0;
    MPI_Get_count(&status, MPI_CHAR, &length);
    std::string report(static_cast<std::size_t>(length), '\0');
    MPI_Recv(report.data(), length, MPI_CHAR, status.MPI_SOURCE, kTagReport, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    const auto worker = static_cast<std::size_t>(status.MPI_SOURCE);
    if (running[worker] >= 0) {
      RunRecord r;
      try {
        r = deserialize(report);
      } catch (const std::exception& e) {
        r = failed_record(std::string("unreadable report from MPI rank: ") + e.what(), 0.0);
      }
      // A worker stopped by its own signal (a Slurm scancel signals every rank): the sweep stops.
      const bool cancelled = r.status == RunStatus::cancelled;
      const int signal = r.stop_signal;
      const auto finished = static_cast<std::size_t>(running[worker]);
      running[worker] = -1;
      done(finished, std::move(r));
      if (cancelled && stop == 0) stop_workers(signal != 0 ? signal : SIGTERM);
    }
    const auto i = stop == 0 ? next() : std::nullopt;
    long long work = i ? static_cast<long long>(*i) : (stop_sent[worker] ? kStopped : kNoMoreWork);
    running[worker] = i ? work : -1;
    MPI_Send(&work, 1, MPI_LONG_LONG, status.MPI_SOURCE, kTagWork, MPI_COMM_WORLD);
    if (work < 0) --active;
  }
  return stop;
}

int mpi_work(const std::function<RunRecord(std::size_t, const MonthCallback&)>& run) {
  install_run_stop_handlers();
  bool stop_received = false;
  // After every month: has rank 0 asked to stop? (Its message sets the same flag as a signal.)
  const MonthCallback poll_stop = [&](std::int64_t, double) {
    int arrived = 0;
    MPI_Iprobe(0, kTagStop, MPI_COMM_WORLD, &arrived, MPI_STATUS_IGNORE);
    if (!arrived) return;
    int signal = 0;
    MPI_Recv(&signal, 1, MPI_INT, 0, kTagStop, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    stop_received = true;
    if (g_run_stop == 0) g_run_stop = signal;
  };
  std::string report;  // empty: "ready for a first run"
  while (true) {
    MPI_Send(report.data(), static_cast<int>(report.size()), MPI_CHAR, 0, kTagReport, MPI_COMM_WORLD);
    long long work = kNoMoreWork;
    MPI_Recv(&work, 1, MPI_LONG_LONG, 0, kTagWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (work < 0) {
      if (work == kStopped && !stop_received) {  // sent while the last run was finishing: take it
        int signal = 0;
        MPI_Recv(&signal, 1, MPI_INT, 0, kTagStop, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (g_run_stop == 0) g_run_stop = signal;
      }
      return g_run_stop;
    }
    RunRecord r;
    try {
      r = run(static_cast<std::size_t>(work), poll_stop);
    } catch (const std::exception& e) {
      r = failed_record(e.what(), 0.0);
    }
    report = serialize(r);
  }
}

#else

namespace {
[[noreturn]] void no_mpi() {
  throw std::runtime_error("this innochain was built without MPI (install libopenmpi-dev and rebuild)");
}
}  // namespace

bool mpi_built_in() { return false; }
MpiWorld mpi_start() { no_mpi(); }
void mpi_stop() {}
int mpi_broadcast(int value) { return value; }
int mpi_coordinate(int, const NextRun&, const RunDone&) { no_mpi(); }
int mpi_work(const std::function<RunRecord(std::size_t, const MonthCallback&)>&) { no_mpi(); }

#endif

}  // namespace innochain::sweep
