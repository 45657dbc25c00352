// Checkpoints (docs/reliability.md): the whole state of a run at the
// end of a month — every agent table, the policy instances' own state, the month, the
// ledger and levers, and the output written so far — in one HDF5 file. A run resumed
// from a checkpoint, or a policy scenario branched from a baseline's checkpoint,
// continues exactly as the uninterrupted run would have.
#pragma once

#include "core/state_io.hpp"
#include "model/state.hpp"
#include "output/h5.hpp"
#include "scenario/scenario.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>

namespace innochain {

class RunFileWriter;
struct RunInfo;

inline constexpr std::int64_t kCheckpointFormatVersion = 2;  // 2: product lines, market wage index

/// A checkpoint that cannot be used for this run (other scenario, world, seed or
/// replication). Exit code 2, like other bad input. A checkpoint that is damaged, of
/// another format version or written by another program version is an IoError (exit 3).
class IncompatibleCheckpoint : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Lists every member of the state that lives from one month to the next — one
/// list per agent table, then the State members and every policy instance's own
/// state (Instrument::persist) — for saving and loading alike. Derived indexes are
/// saved too, so a loaded state needs no rebuilding. A new State member or table
/// column must be added here (static_asserts in checkpoint.cpp catch a forgotten one).
void persist_state(StateIo& io, State& state);

/// What identifies the run a checkpoint belongs to.
struct CheckpointIdentity {
  std::string scenario_yaml;  ///< the resolved scenario (to_yaml)
  std::int64_t replication = 0;
  std::string output_path;  ///< the run file being written (final name)
};

/// Writes PATH (through PATH.partial, renamed when complete) with the state after
/// `state.month` months and the output written so far (the writer is flushed). Throws IoError.
void write_checkpoint(const std::string& path, const CheckpointIdentity& id, State& state, RunFileWriter& writer);

/// An open checkpoint file.
class Checkpoint {
 public:
  /// Opens the file and checks what it is: format, format version, completeness, the
  /// program version that wrote it, its scenario against the stored SHA-256. Throws IoError.
  explicit Checkpoint(const std::string& path);

  const std::string& path() const { return path_; }
  std::int32_t month() const { return month_; }
  const CheckpointIdentity& identity() const { return identity_; }

  /// Refuses (IncompatibleCheckpoint) unless the checkpoint is of exactly this scenario and
  /// replication.
  void check_resume(const std::string& scenario_yaml, std::int64_t replication) const;
  /// Refuses unless the checkpoint's run has the same world, agents, chain, seed, output
  /// settings and replication, its policies are the first policies of `scenario` unchanged,
  /// the other policies start at or after the checkpoint's month, and the horizon is longer.
  void check_branch(const Scenario& scenario, std::int64_t replication) const;

  /// Loads the state into `state`, the state of a run of `scenario` (a branch may have more
  /// policy instances than the checkpoint: they start fresh). Everything is read into a state
  /// of its own and checked (every column's length, ids and indexes, codes, finite values:
  /// the column lists' metadata, core/columns.hpp) before `state` is replaced; a damaged
  /// checkpoint throws IoError naming the dataset and leaves `state` as it was.
  void load_state(State& state, const Scenario& scenario) const;
  /// Checks the saved output (months, series, events, snapshots) against the new run file's
  /// layout before the run file is created. Throws IoError.
  void check_output(const RunInfo& info) const;
  /// Writes the checkpoint's output (months so far) into the new run file.
  void restore_output(RunFileWriter& writer) const;

 private:
  std::string path_;
  h5::Handle file_;
  std::int32_t month_ = 0;
  CheckpointIdentity identity_;
  std::string version_, git_sha_;
};

/// Where a spin-up cache (RunRequest::spin_up_cache) keeps the month-0 state of `s` at
/// `replication`: DIR/spin_up-HASH.checkpoint, HASH a digest of the scenario without what a
/// branch may change (policies, name, description, horizon: check_branch), of the replication
/// and of the program's version and git commit (whose checkpoints only it reads).
std::string spin_up_checkpoint_path(const std::string& dir, const Scenario& s, std::int64_t replication);

}  // namespace innochain
