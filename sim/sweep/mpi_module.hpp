// The MPI transport of `innochain sweep --mpi`, as a loadable module (libinnochain_mpi.so).
// The innochain binary does not link MPI: OpenMPI and the libraries it pulls in (about ten)
// would be loaded by every process, and a plain `innochain run` would pay for them at start-up.
// sweep/mpi_executor.cpp dlopen()s this module when a sweep runs under MPI and calls the
// functions of MpiModule; the module knows nothing else of innochain (plain C types only).
#pragma once

namespace innochain::sweep {

/// Incremented whenever MpiModule changes: the binary refuses a module of another version.
inline constexpr int kMpiModuleVersion = 1;

/// The messages of an MPI sweep (their tags).
inline constexpr int kMpiTagReport = 1;  ///< worker -> rank 0: "ready" (empty) or a serialized RunRecord
inline constexpr int kMpiTagWork = 2;    ///< rank 0 -> worker: run index, or a negative code
inline constexpr int kMpiTagStop = 3;    ///< rank 0 -> a busy worker: the signal number

struct MpiModule {
  int version;
  /// MPI_Init_thread (funneled: TBB threads never call MPI); the world's rank and size.
  void (*start)(int* rank, int* size);
  void (*stop)();
  /// MPI_Bcast of one int from rank 0.
  int (*broadcast)(int value);
  /// Non-blocking probe for a message with `tag` from `source` (-1: any). Returns 1 and
  /// sets *from and *length (in bytes) when one has arrived, 0 otherwise.
  int (*probe)(int source, int tag, int* from, int* length);
  void (*send_bytes)(int dest, int tag, const char* data, int length);
  void (*recv_bytes)(int source, int tag, char* data, int length);
  void (*send_int)(int dest, int tag, int value);
  int (*recv_int)(int source, int tag);
  void (*send_long)(int dest, int tag, long long value);
  long long (*recv_long)(int source, int tag);
};

}  // namespace innochain::sweep

/// The module's one exported symbol.
extern "C" const innochain::sweep::MpiModule* innochain_mpi_module();
