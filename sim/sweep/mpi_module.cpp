// libinnochain_mpi.so: the MPI calls of an MPI sweep (sweep/mpi_module.hpp). Built only when
// CMake finds MPI; loaded by sweep/mpi_executor.cpp only when a sweep runs under MPI.
#include "sweep/mpi_module.hpp"

#include <mpi.h>

namespace {

using innochain::sweep::MpiModule;

void start(int* rank, int* size) {
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);  // TBB threads never call MPI
  MPI_Comm_rank(MPI_COMM_WORLD, rank);
  MPI_Comm_size(MPI_COMM_WORLD, size);
}

void stop() { MPI_Finalize(); }

int broadcast(int value) {
  MPI_Bcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return value;
}

int probe(int source, int tag, int* from, int* length) {
  int arrived = 0;
  MPI_Status status;
  MPI_Iprobe(source < 0 ? MPI_ANY_SOURCE : source, tag, MPI_COMM_WORLD, &arrived, &status);
  if (!arrived) return 0;
  if (from) *from = status.MPI_SOURCE;
  if (length) MPI_Get_count(&status, MPI_CHAR, length);
  return 1;
}

void send_bytes(int dest, int tag, const char* data, int length) {
  MPI_Send(data, length, MPI_CHAR, dest, tag, MPI_COMM_WORLD);
}

void recv_bytes(int source, int tag, char* data, int length) {
  MPI_Recv(data, length, MPI_CHAR, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

void send_int(int dest, int tag, int value) { MPI_Send(&value, 1, MPI_INT, dest, tag, MPI_COMM_WORLD); }

int recv_int(int source, int tag) {
  int value = 0;
  MPI_Recv(&value, 1, MPI_INT, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return value;
}

void send_long(int dest, int tag, long long value) { MPI_Send(&value, 1, MPI_LONG_LONG, dest, tag, MPI_COMM_WORLD); }

long long recv_long(int source, int tag) {
  long long value = 0;
  MPI_Recv(&value, 1, MPI_LONG_LONG, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return value;
}

constexpr MpiModule kModule{innochain::sweep::kMpiModuleVersion,
                            start,
                            stop,
                            broadcast,
                            probe,
                            send_bytes,
                            recv_bytes,
                            send_int,
                            recv_int,
                            send_long,
                            recv_long};

}  // namespace

extern "C" __attribute__((visibility("default"))) const MpiModule* innochain_mpi_module() { return &kModule; }
