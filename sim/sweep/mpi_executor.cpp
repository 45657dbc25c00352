#include "sweep/mpi_executor.hpp"

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#ifdef INNOCHAIN_HAVE_MPI
#include "sweep/mpi_module.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>
#endif

namespace innochain::sweep {

namespace {

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

#ifdef INNOCHAIN_HAVE_MPI
constexpr long long kNoMoreWork = -1;
/// No more work, and a kTagStop message was sent to this worker (receive it before leaving).
constexpr long long kStopped = -2;

/// The MPI module (sweep/mpi_module.hpp), loaded on first use: INNOCHAIN_MPI_MODULE if set,
/// else libinnochain_mpi.so beside the executable, else in the build directory it was built in.
const MpiModule& mpi() {
  static const MpiModule* module = [] {
    namespace fs = std::filesystem;
    std::vector<std::string> candidates;
    if (const char* v = std::getenv("INNOCHAIN_MPI_MODULE"); v && *v) {
      candidates.emplace_back(v);
    } else {
      std::error_code ec;
      const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
      if (!ec) candidates.push_back((exe.parent_path() / "libinnochain_mpi.so").string());
#ifdef INNOCHAIN_MPI_MODULE_DIR
      candidates.push_back(std::string(INNOCHAIN_MPI_MODULE_DIR) + "/libinnochain_mpi.so");
#endif
    }
    std::string errors;
    for (const auto& path : candidates) {
      if (access(path.c_str(), R_OK) != 0) {
        errors += "\n  " + path + ": not found";
        continue;
      }
      // RTLD_GLOBAL: OpenMPI loads its components with dlopen, and they need libmpi's symbols.
      void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
      if (!handle) {
        errors += "\n  " + path + ": " + dlerror();
        continue;
      }
      using Entry = const MpiModule* (*)();
      const auto entry = reinterpret_cast<Entry>(dlsym(handle, "innochain_mpi_module"));
      const MpiModule* m = entry ? entry() : nullptr;
      if (!m || m->version != kMpiModuleVersion) {
        errors += "\n  " + path + ": not an innochain MPI module of this version";
        continue;
      }
      return m;
    }
    throw std::runtime_error("cannot load the MPI module of this innochain (set INNOCHAIN_MPI_MODULE to its path):" +
                             errors);
  }();
  return *module;
}
#endif

}  // namespace

bool launched_by_mpirun() {
  return env_int("OMPI_COMM_WORLD_SIZE", 0) > 1 || env_int("PMI_SIZE", 0) > 1 || env_int("PMIX_SIZE", 0) > 1;
}

int launcher_rank() { return env_int("OMPI_COMM_WORLD_RANK", env_int("PMI_RANK", env_int("PMIX_RANK", 0))); }

#ifdef INNOCHAIN_HAVE_MPI

bool mpi_built_in() { return true; }

MpiWorld mpi_start() {
  MpiWorld w;
  mpi().start(&w.rank, &w.size);
  return w;
}

void mpi_stop() { mpi().stop(); }

int mpi_broadcast(int value) { return mpi().broadcast(value); }

int mpi_coordinate(int size, const NextRun& next, const RunDone& done) {
  const MpiModule& m = mpi();
  install_run_stop_handlers();
  std::vector<long long> running(static_cast<std::size_t>(size), -1);  // run index per rank
  std::vector<char> stop_sent(static_cast<std::size_t>(size), 0);
  int active = size - 1;
  int stop = 0;  // the signal that stopped the sweep
  const auto stop_workers = [&](int signal) {
    stop = signal;
    for (int w = 1; w < size; ++w)
      if (running[static_cast<std::size_t>(w)] >= 0) {
        m.send_int(w, kMpiTagStop, stop);
        stop_sent[static_cast<std::size_t>(w)] = 1;
      }
  };
  while (active > 0) {
    if (stop == 0 && g_run_stop != 0) stop_workers(g_run_stop);
    // Polled, not a blocking probe: a signal must be noticed while the workers are busy.
    int source = 0, length = 0;
    if (!m.probe(-1, kMpiTagReport, &source, &length)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      continue;
    }
    std::string report(static_cast<std::size_t>(length), '\0');
    m.recv_bytes(source, kMpiTagReport, report.data(), length);
    const auto worker = static_cast<std::size_t>(source);
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
    m.send_long(source, kMpiTagWork, work);
    if (work < 0) --active;
  }
  return stop;
}

int mpi_work(const std::function<RunRecord(std::size_t, const MonthCallback&)>& run) {
  const MpiModule& m = mpi();
  install_run_stop_handlers();
  bool stop_received = false;
  // After every month: has rank 0 asked to stop? (Its message sets the same flag as a signal.)
  const MonthCallback poll_stop = [&](std::int64_t, double) {
    if (!m.probe(0, kMpiTagStop, nullptr, nullptr)) return;
    const int signal = m.recv_int(0, kMpiTagStop);
    stop_received = true;
    if (g_run_stop == 0) g_run_stop = signal;
  };
  std::string report;  // empty: "ready for a first run"
  while (true) {
    m.send_bytes(0, kMpiTagReport, report.data(), static_cast<int>(report.size()));
    const long long work = m.recv_long(0, kMpiTagWork);
    if (work < 0) {
      if (work == kStopped && !stop_received) {  // sent while the last run was finishing: take it
        const int signal = m.recv_int(0, kMpiTagStop);
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
