#include "sweep/mpi_executor.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>

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
constexpr int kTagWork = 2;    ///< rank 0 -> worker: run index, or -1 to stop
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

void mpi_coordinate(int size, const NextRun& next, const RunDone& done) {
  std::vector<long long> running(static_cast<std::size_t>(size), -1);  // run index per rank
  int active = size - 1;
  while (active > 0) {
    MPI_Status status;
    MPI_Probe(MPI_ANY_SOURCE, kTagReport, MPI_COMM_WORLD, &status);
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
      done(static_cast<std::size_t>(running[worker]), std::move(r));
    }
    const auto i = next();
    long long work = i ? static_cast<long long>(*i) : -1;
    running[worker] = work;
    MPI_Send(&work, 1, MPI_LONG_LONG, status.MPI_SOURCE, kTagWork, MPI_COMM_WORLD);
    if (work < 0) --active;
  }
}

void mpi_work(const RunFunction& run) {
  std::string report;  // empty: "ready for a first run"
  while (true) {
    MPI_Send(report.data(), static_cast<int>(report.size()), MPI_CHAR, 0, kTagReport, MPI_COMM_WORLD);
    long long work = -1;
    MPI_Recv(&work, 1, MPI_LONG_LONG, 0, kTagWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (work < 0) return;
    RunRecord r;
    try {
      r = run(static_cast<std::size_t>(work));
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
void mpi_coordinate(int, const NextRun&, const RunDone&) { no_mpi(); }
void mpi_work(const RunFunction&) { no_mpi(); }

#endif

}  // namespace innochain::sweep
